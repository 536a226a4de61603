// SPDX-License-Identifier: MIT
// The extern "C" entry points. Each one validates its arguments, runs inside guard() (no
// exception crosses the boundary) and, for context operations, is carried out on the loop
// thread through context::call().
#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <new>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include "alter/alter.h"
#include "common/json_writer.hpp"
#include "config.hpp"
#include "context.hpp"
#include "cron.hpp"
#include "error.hpp"
#include "line_splitter.hpp"
#include "log_format.hpp"
#include "log_read.hpp"
#include "log_sink.hpp"
#include "supervisor.hpp"

using namespace alter::detail;

namespace {

template <class F> int guard(F &&f) noexcept {
    try {
        return f();
    } catch (const std::bad_alloc &) {
        return set_last_error(error(ALTER_ENOMEM));
    } catch (...) {
        return set_last_error(error(ALTER_EINTERNAL, "unexpected internal error"));
    }
}

int fail(int code, std::string msg) { return set_last_error(error(code, std::move(msg))); }

/// Copy a caller's option struct that may be older (smaller) than ours.
template <class T> bool copy_options(const T *in, T &out) {
    if (in == nullptr) return true;
    uint32_t size = 0; // read as bytes: an old caller's struct need not be aligned for today's T
    std::memcpy(&size, in, sizeof size);
    if (size < sizeof(uint32_t) * 2) return false;
    size_t n = std::min<size_t>(size, sizeof(T));
    std::memcpy(&out, in, n);
    out.struct_size = sizeof(T);
    return true;
}

char *dup_string(const std::string &s) {
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (p == nullptr) throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

int finish_int(result<int> r) { return r ? *r : set_last_error(r.err()); }

int finish_json(result<std::string> r, char **ret_json) {
    if (!r) return set_last_error(r.err());
    if (ret_json != nullptr) *ret_json = dup_string(*r);
    return 0;
}

// Shared between a context and its subscriptions, so a subscription outliving its context
// (a caller error, but a common one) does not touch freed memory.
struct app_waiter {
    std::mutex mu;
    std::condition_variable cv;
    int result = 1; // 1: waiting; 0: done; < 0: error (ALTER_ECLOSED when the context goes away)
    uint64_t watch = 0;
};

struct context_link {
    std::mutex mu;
    context *ctx = nullptr;
    std::set<alter_sub_t *> subs;
    std::set<std::shared_ptr<app_waiter>> waiters;
};

} // namespace

struct alter_context {
    std::unique_ptr<context> ctx;
    std::shared_ptr<context_link> link = std::make_shared<context_link>();
};

struct alter_sub {
    std::shared_ptr<context_link> link;
    std::shared_ptr<subscription> q;
    std::pair<uint64_t, uint64_t> ids{0, 0}; // event and log watchers on the bus
};

namespace {

#define CHECK_CTX(c)                                                                               \
    if ((c) == nullptr || !(c)->ctx) return fail(ALTER_EINVAL, "context is NULL")
#define CHECK_STR(s, what)                                                                         \
    if ((s) == nullptr) return fail(ALTER_EINVAL, what " is NULL")

result<int> on_loop_int(alter_context_t *c, std::function<result<int>(supervisor &)> fn) {
    context *ctx = c->ctx.get();
    return ctx->call<int>([ctx, fn = std::move(fn)]() -> result<int> {
        if (ctx->closing()) return error(ALTER_ECLOSED, "the context is shutting down");
        return fn(ctx->sup());
    });
}

result<std::string> on_loop_str(alter_context_t *c, std::function<result<std::string>(supervisor &)> fn) {
    context *ctx = c->ctx.get();
    return ctx->call<std::string>([ctx, fn = std::move(fn)]() -> result<std::string> {
        if (ctx->closing()) return error(ALTER_ECLOSED, "the context is shutting down");
        return fn(ctx->sup());
    });
}

std::vector<log_source> sources_of(supervisor &s, const supervisor::target &t) {
    std::vector<log_source> out;
    for (instance *i : t.instances) {
        if (i->transient()) continue; // shares the main instance's files
        std::string dir = i->owner().log_dir_of(i->name());
        if (!dir.empty()) out.push_back({i->owner().name(), i->name(), dir});
    }
    (void)s;
    return out;
}

std::string log_record(const alter_log_line_t &l) {
    std::string out;
    alter::json::writer w(out);
    w.begin_object()
        .field("type", "log")
        .field("time_ms", static_cast<long long>(l.time_ms))
        .field("app", l.app)
        .field("instance", l.instance)
        .field("stream", l.stream == ALTER_STREAM_ERR ? "err" : l.stream == ALTER_STREAM_OUT ? "out" : "system")
        .field("text", std::string_view(l.text, l.len))
        .end_object();
    return out;
}

} // namespace

extern "C" {

// ---- context -------------------------------------------------------------------------------

int alter_context_new(const alter_context_options_t *opts, alter_context_t **ret) {
    return guard([&] {
        if (ret == nullptr) return fail(ALTER_EINVAL, "ret is NULL");
        alter_context_options_t o = ALTER_CONTEXT_OPTIONS_INIT;
        if (!copy_options(opts, o)) return fail(ALTER_EINVAL, "options: struct_size too small");
        context_options co;
        co.flags = o.flags;
        if (o.log_dir != nullptr) co.log_dir = o.log_dir;
        if (o.state_path != nullptr) co.state_path = o.state_path;
        co.autosave_ms = o.autosave_ms;
        co.stats_interval_ms = o.stats_interval_ms;
        co.log_ring_lines = o.log_ring_lines;
        co.child_nofile_soft = o.child_nofile_soft;
        co.on_record = o.on_record;
        co.record_userdata = o.record_userdata;
        while (co.log_dir.size() > 1 && co.log_dir.back() == '/') co.log_dir.pop_back();
        if (!co.log_dir.empty()) {
            if (auto st = make_dirs(co.log_dir, 0700); !st) return set_last_error(st.err());
        }
        auto c = std::make_unique<alter_context>();
        c->ctx = std::make_unique<context>(std::move(co));
        if (auto st = c->ctx->init(); !st) return set_last_error(st.err());
        c->link->ctx = c->ctx.get();
        *ret = c.release();
        return 0;
    });
}

void alter_context_free(alter_context_t *c) {
    if (c == nullptr) return;
    (void)guard([&] {
        {
            std::lock_guard lock(c->link->mu);
            for (alter_sub_t *s : c->link->subs) s->q->close();
            c->link->subs.clear();
            for (const auto &w : c->link->waiters) {
                std::lock_guard wl(w->mu);
                if (w->result == 1) w->result = ALTER_ECLOSED;
                w->cv.notify_all();
            }
            c->link->ctx = nullptr;
        }
        c->ctx.reset();
        delete c;
        return 0;
    });
}

int alter_context_run(alter_context_t *c) {
    return guard([&] {
        CHECK_CTX(c);
        int r = c->ctx->run();
        return r < 0 ? fail(r, "alter_context_run: the context has its own thread or this is not its thread") : r;
    });
}

int alter_context_shutdown(alter_context_t *c, void (*done)(void *), void *userdata) {
    return guard([&] {
        CHECK_CTX(c);
        // At the end, waiters in alter_app_wait wake with ALTER_ECLOSED.
        int r = c->ctx->shutdown([link = c->link, done, userdata] {
            {
                std::lock_guard lock(link->mu);
                for (const auto &w : link->waiters) {
                    std::lock_guard wl(w->mu);
                    if (w->result == 1) w->result = ALTER_ECLOSED;
                    w->cv.notify_all();
                }
            }
            if (done != nullptr) done(userdata);
        });
        return r < 0 ? fail(r, "already shut down") : 0;
    });
}

int alter_context_post(alter_context_t *c, void (*fn)(void *), void *userdata) {
    return guard([&] {
        CHECK_CTX(c);
        if (fn == nullptr) return fail(ALTER_EINVAL, "fn is NULL");
        int r = c->ctx->post([fn, userdata] { fn(userdata); });
        return r < 0 ? fail(r, "the context is shut down") : 0;
    });
}

int alter_context_on_loop(alter_context_t *c) {
    return guard([&] {
        CHECK_CTX(c);
        return c->ctx->on_loop() ? 1 : 0;
    });
}

void *alter_context_loop(alter_context_t *c) {
    if (c == nullptr || !c->ctx || !c->ctx->on_loop()) return nullptr;
    return c->ctx->loop();
}

int alter_context_reap(alter_context_t *c) {
    return guard([&] {
        CHECK_CTX(c);
        if (!(c->ctx->options().flags & ALTER_CONTEXT_REAP_ALL)) return fail(ALTER_ESTATE, "the context was not created with ALTER_CONTEXT_REAP_ALL");
        context *ctx = c->ctx.get();
        int r = ctx->post([ctx] { ctx->sup().reap_all(); });
        return r < 0 ? fail(r, "the context is shut down") : 0;
    });
}

// ---- apps ----------------------------------------------------------------------------------

int alter_spec_validate(const char *spec_json, char **ret_json) {
    return guard([&] {
        CHECK_STR(spec_json, "spec_json");
        auto v = parse_json(spec_json);
        if (!v) return set_last_error(v.err());
        auto s = spec_from_value(*v);
        if (!s) return set_last_error(s.err());
        if (ret_json != nullptr) *ret_json = dup_string(spec_to_json(*s));
        return 0;
    });
}

int alter_app_add(alter_context_t *c, const char *spec_json, uint32_t flags) {
    return guard([&] {
        CHECK_CTX(c);
        CHECK_STR(spec_json, "spec_json");
        auto v = parse_json(spec_json);
        if (!v) return set_last_error(v.err());
        auto s = spec_from_value(*v);
        if (!s) return set_last_error(s.err());
        return finish_int(on_loop_int(c, [spec = std::move(*s), flags](supervisor &sup) mutable { return sup.add(std::move(spec), flags); }));
    });
}

int alter_app_update(alter_context_t *c, const char *name, const char *patch_json) {
    return guard([&] {
        CHECK_CTX(c);
        CHECK_STR(name, "name");
        CHECK_STR(patch_json, "patch_json");
        auto v = parse_json(patch_json);
        if (!v) return set_last_error(v.err());
        std::string n(name);
        return finish_int(on_loop_int(c, [n, patch = std::move(*v)](supervisor &sup) { return sup.update(n, patch); }));
    });
}

#define TARGET_OP(fname, method)                                                                   \
    int fname(alter_context_t *c, const char *target) {                                            \
        return guard([&] {                                                                         \
            CHECK_CTX(c);                                                                          \
            CHECK_STR(target, "target");                                                           \
            std::string t(target);                                                                 \
            return finish_int(on_loop_int(c, [t](supervisor &sup) { return sup.method(t); }));     \
        });                                                                                        \
    }

TARGET_OP(alter_app_remove, remove)
TARGET_OP(alter_app_start, start)
TARGET_OP(alter_app_stop, stop)
TARGET_OP(alter_app_restart, restart)
TARGET_OP(alter_app_reset, reset)
TARGET_OP(alter_app_run, run_now)
#undef TARGET_OP

int alter_app_enable(alter_context_t *c, const char *target, int enabled) {
    return guard([&] {
        CHECK_CTX(c);
        CHECK_STR(target, "target");
        std::string t(target);
        bool on = enabled != 0;
        return finish_int(on_loop_int(c, [t, on](supervisor &sup) { return sup.enable(t, on); }));
    });
}

int alter_app_get(alter_context_t *c, const char *target, char **ret_json) {
    return guard([&] {
        CHECK_CTX(c);
        CHECK_STR(target, "target");
        std::string t(target);
        return finish_json(on_loop_str(c, [t](supervisor &sup) { return sup.get_json(t); }), ret_json);
    });
}

int alter_app_list(alter_context_t *c, const char *ns, char **ret_json) {
    return guard([&] {
        CHECK_CTX(c);
        std::string n = ns != nullptr ? ns : "";
        return finish_json(on_loop_str(c, [n](supervisor &sup) { return sup.list_json(n); }), ret_json);
    });
}

int alter_app_spec(alter_context_t *c, const char *name, char **ret_json) {
    return guard([&] {
        CHECK_CTX(c);
        CHECK_STR(name, "name");
        std::string n(name);
        return finish_json(on_loop_str(c, [n](supervisor &sup) { return sup.spec_json(n); }), ret_json);
    });
}

int alter_app_runs(alter_context_t *c, const char *target, char **ret_json) {
    return guard([&] {
        CHECK_CTX(c);
        CHECK_STR(target, "target");
        std::string t(target);
        return finish_json(on_loop_str(c, [t](supervisor &sup) { return sup.runs_json(t); }), ret_json);
    });
}

int alter_app_wait(alter_context_t *c, const char *target, uint32_t state_mask, int64_t timeout_ms) {
    return guard([&] {
        CHECK_CTX(c);
        CHECK_STR(target, "target");
        if (state_mask == 0) return fail(ALTER_EINVAL, "state_mask is empty");
        context *ctx = c->ctx.get();
        if (ctx->on_loop()) return fail(ALTER_ESTATE, "alter_app_wait cannot be called on the loop thread");
        auto w = std::make_shared<app_waiter>();
        auto link = c->link;
        {
            std::lock_guard lock(link->mu);
            link->waiters.insert(w);
        }
        std::string t(target);
        auto check = [ctx, t, state_mask, w]() {
            auto r = ctx->sup().resolve(t);
            int res = 0;
            if (!r) res = r.err().code;
            else
                for (instance *i : r->instances)
                    if (!(state_mask & (1u << static_cast<unsigned>(i->current())))) res = 1;
            if (res == 1) return false;
            std::lock_guard lock(w->mu);
            if (w->result == 1) w->result = res;
            w->cv.notify_all();
            return true;
        };
        auto setup = ctx->call<int>([ctx, w, check]() -> result<int> {
            if (ctx->closing()) return error(ALTER_ECLOSED, "the context is shutting down");
            if (check()) return 0;
            w->watch = ctx->bus().watch_events([ctx, w, check](const alter_event_t &) {
                if (w->watch != 0 && check()) {
                    ctx->bus().unwatch(w->watch);
                    w->watch = 0;
                }
            }, /*internal=*/true);
            // Shutdown ends the wait too.
            return 0;
        });
        auto forget = [&] {
            std::lock_guard lock(link->mu);
            link->waiters.erase(w);
            // The context may be gone (freed while we waited): only then skip the clean-up.
            if (link->ctx != nullptr)
                (void)link->ctx->call<int>([ctx = link->ctx, w]() -> result<int> {
                    if (w->watch != 0) ctx->bus().unwatch(w->watch);
                    w->watch = 0;
                    return 0;
                });
        };
        if (!setup) {
            forget();
            return set_last_error(setup.err());
        }
        std::unique_lock lock(w->mu);
        auto done = [&] { return w->result != 1; };
        bool ok = timeout_ms < 0 ? (w->cv.wait(lock, done), true)
                                 : w->cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), done);
        int res = w->result;
        lock.unlock();
        forget();
        if (!ok) return fail(ALTER_ETIMEDOUT, "timed out waiting for '" + t + "'");
        if (res == ALTER_ECLOSED) return fail(res, "the context was closed while waiting for '" + t + "'");
        return res < 0 ? fail(res, "while waiting for '" + t + "'") : 0;
    });
}

// ---- events and logs -----------------------------------------------------------------------

int alter_event_watch(alter_context_t *c, alter_event_cb cb, void *userdata, uint64_t *ret_id) {
    return guard([&] {
        CHECK_CTX(c);
        if (cb == nullptr) return fail(ALTER_EINVAL, "cb is NULL");
        context *ctx = c->ctx.get();
        auto r = ctx->call<uint64_t>([ctx, cb, userdata]() -> result<uint64_t> {
            return ctx->bus().watch_events([cb, userdata](const alter_event_t &e) { cb(&e, userdata); });
        });
        if (!r) return set_last_error(r.err());
        if (ret_id != nullptr) *ret_id = *r;
        return 0;
    });
}

int alter_log_watch(alter_context_t *c, const char *target, alter_log_cb cb, void *userdata, uint64_t *ret_id) {
    return guard([&] {
        CHECK_CTX(c);
        if (cb == nullptr) return fail(ALTER_EINVAL, "cb is NULL");
        context *ctx = c->ctx.get();
        std::string t = target != nullptr ? target : "";
        auto r = ctx->call<uint64_t>([ctx, t, cb, userdata]() -> result<uint64_t> {
            return ctx->bus().watch_logs(t, [cb, userdata](const alter_log_line_t &l) { cb(&l, userdata); });
        });
        if (!r) return set_last_error(r.err());
        if (ret_id != nullptr) *ret_id = *r;
        return 0;
    });
}

int alter_unwatch(alter_context_t *c, uint64_t id) {
    return guard([&] {
        CHECK_CTX(c);
        context *ctx = c->ctx.get();
        auto r = ctx->call<int>([ctx, id]() -> result<int> {
            if (!ctx->bus().unwatch(id)) return error(ALTER_ENOENT, "no such watch id");
            return 0;
        });
        return r ? 0 : set_last_error(r.err());
    });
}

int alter_sub_new(alter_context_t *c, const alter_sub_options_t *opts, alter_sub_t **ret) {
    return guard([&] {
        CHECK_CTX(c);
        if (ret == nullptr) return fail(ALTER_EINVAL, "ret is NULL");
        alter_sub_options_t o = ALTER_SUB_OPTIONS_INIT;
        if (!copy_options(opts, o)) return fail(ALTER_EINVAL, "options: struct_size too small");
        if (!(o.flags & (ALTER_SUB_EVENTS | ALTER_SUB_LOGS))) return fail(ALTER_EINVAL, "flags: ask for events, logs or both");
        auto sub = std::make_unique<alter_sub>();
        sub->link = c->link;
        sub->q = std::make_shared<subscription>(o.capacity);
        context *ctx = c->ctx.get();
        std::string target = o.target != nullptr ? o.target : "";
        uint32_t flags = o.flags, backlog = o.backlog;
        std::weak_ptr<subscription> wq = sub->q;
        auto ids = ctx->call<std::pair<uint64_t, uint64_t>>([ctx, target, flags, backlog, wq]() -> result<std::pair<uint64_t, uint64_t>> {
            if (ctx->closing()) return error(ALTER_ECLOSED, "the context is shutting down");
            auto q = wq.lock();
            std::pair<uint64_t, uint64_t> out{0, 0};
            if ((flags & ALTER_SUB_LOGS) && backlog > 0) {
                auto r = target.empty() ? ctx->sup().resolve("all") : ctx->sup().resolve(target);
                if (!r) return std::move(r).err();
                for (instance *i : r->instances)
                    i->ring().for_last(backlog, [&](int64_t t, uint8_t stream, std::string_view text) {
                        alter_log_line_t l{sizeof(alter_log_line_t), stream, t, i->owner().name().c_str(), i->name().c_str(),
                                           text.data(), text.size(), i->owner().spec().ns.c_str()};
                        q->push(log_record(l));
                    });
            } else if (!target.empty()) {
                auto r = ctx->sup().resolve(target);
                if (!r) return std::move(r).err();
            }
            if (flags & ALTER_SUB_EVENTS)
                out.first = ctx->bus().watch_events([wq](const alter_event_t &e) {
                    if (auto q = wq.lock(); q && !q->closed()) q->push(e.json != nullptr ? e.json : "{}");
                });
            if (flags & ALTER_SUB_LOGS)
                out.second = ctx->bus().watch_logs(target, [wq](const alter_log_line_t &l) {
                    if (auto q = wq.lock(); q && !q->closed()) q->push(log_record(l)); // dropped: no JSON built
                });
            return out;
        });
        if (!ids) return set_last_error(ids.err());
        sub->ids = *ids;
        {
            std::lock_guard lock(c->link->mu);
            c->link->subs.insert(sub.get());
        }
        *ret = sub.release();
        return 0;
    });
}

int alter_sub_fd(alter_sub_t *s) {
    return guard([&] {
        if (s == nullptr) return fail(ALTER_EINVAL, "sub is NULL");
        return s->q->fd() >= 0 ? s->q->fd() : fail(ALTER_EINTERNAL, "no eventfd");
    });
}

int alter_sub_next(alter_sub_t *s, int64_t timeout_ms, char **ret_json) {
    return guard([&] {
        if (s == nullptr) return fail(ALTER_EINVAL, "sub is NULL");
        if (ret_json == nullptr) return fail(ALTER_EINVAL, "ret_json is NULL");
        std::string rec;
        int r = s->q->next(timeout_ms, rec);
        if (r < 0) return fail(r, "the subscription is closed");
        if (r == 1) *ret_json = dup_string(rec);
        return r;
    });
}

int alter_sub_close(alter_sub_t *s) {
    return guard([&] {
        if (s == nullptr) return fail(ALTER_EINVAL, "sub is NULL");
        s->q->close();
        return 0;
    });
}

void alter_sub_free(alter_sub_t *s) {
    if (s == nullptr) return;
    (void)guard([&] {
        s->q->close();
        std::lock_guard lock(s->link->mu);
        if (context *ctx = s->link->ctx) {
            s->link->subs.erase(s);
            auto ids = s->ids;
            (void)ctx->call<int>([ctx, ids]() -> result<int> {
                if (ids.first != 0) ctx->bus().unwatch(ids.first);
                if (ids.second != 0) ctx->bus().unwatch(ids.second);
                return 0;
            });
        }
        return 0;
    });
    delete s;
}

// ---- logs on disk --------------------------------------------------------------------------

int alter_log_read(alter_context_t *c, const char *target, const alter_log_query_t *q, char **ret_json) {
    return guard([&] {
        CHECK_CTX(c);
        CHECK_STR(target, "target");
        if (ret_json == nullptr) return fail(ALTER_EINVAL, "ret_json is NULL");
        alter_log_query_t o = ALTER_LOG_QUERY_INIT;
        if (!copy_options(q, o)) return fail(ALTER_EINVAL, "query: struct_size too small");
        log_query lq;
        lq.streams = o.streams == 0 ? (ALTER_STREAM_OUT | ALTER_STREAM_ERR) : o.streams;
        lq.lines = o.lines;
        lq.flags = o.flags;
        if (o.date != nullptr && o.date[0] != '\0') {
            lq.date = parse_date(o.date);
            if (!lq.date) return fail(ALTER_EINVAL, std::string("date: expected YYYY-MM-DD, got '") + o.date + "'");
        }
        if (o.grep != nullptr) lq.grep = o.grep;
        std::string t(target);
        // Resolve on the loop (the files are written there; pending lines are written per read),
        // then read the files on the caller's thread.
        auto src = c->ctx->call<std::vector<log_source>>([ctx = c->ctx.get(), t]() -> result<std::vector<log_source>> {
            auto r = ctx->sup().resolve(t);
            if (!r) return std::move(r).err();
            return sources_of(ctx->sup(), *r);
        });
        if (!src) return set_last_error(src.err());
        return finish_json(read_logs(*src, lq), ret_json);
    });
}

int alter_log_dates(alter_context_t *c, const char *target, char **ret_json) {
    return guard([&] {
        CHECK_CTX(c);
        CHECK_STR(target, "target");
        std::string t(target);
        auto src = c->ctx->call<std::vector<log_source>>([ctx = c->ctx.get(), t]() -> result<std::vector<log_source>> {
            auto r = ctx->sup().resolve(t);
            if (!r) return std::move(r).err();
            return sources_of(ctx->sup(), *r);
        });
        if (!src) return set_last_error(src.err());
        if (ret_json != nullptr) *ret_json = dup_string(log_dates_json(*src));
        return 0;
    });
}

int alter_log_volume(alter_context_t *c, const char *target, int64_t from_ms, int64_t to_ms, int64_t bucket_ms,
                     char **ret_json) {
    return guard([&] {
        CHECK_CTX(c);
        CHECK_STR(target, "target");
        if (ret_json == nullptr) return fail(ALTER_EINVAL, "ret_json is NULL");
        volume_query q{from_ms, to_ms, bucket_ms};
        std::string t(target);
        // Resolve on the loop, count on the caller's thread (like alter_log_read).
        auto src = c->ctx->call<std::vector<log_source>>([ctx = c->ctx.get(), t]() -> result<std::vector<log_source>> {
            auto r = ctx->sup().resolve(t);
            if (!r) return std::move(r).err();
            return sources_of(ctx->sup(), *r);
        });
        if (!src) return set_last_error(src.err());
        return finish_json(log_volume(*src, q), ret_json);
    });
}

int alter_log_clear(alter_context_t *c, const char *target) {
    return guard([&] {
        CHECK_CTX(c);
        CHECK_STR(target, "target");
        std::string t(target);
        return finish_int(on_loop_int(c, [t](supervisor &sup) -> result<int> {
            auto r = sup.resolve(t);
            if (!r) return std::move(r).err();
            for (instance *i : r->instances) {
                for (uint8_t s : {uint8_t(ALTER_STREAM_OUT), uint8_t(ALTER_STREAM_ERR)})
                    if (log_file *f = i->file(s)) f->remove_all();
                i->ring().clear();
            }
            return static_cast<int>(r->instances.size());
        }));
    });
}

int alter_log_files(alter_context_t *c, const char *target, char **ret_json) {
    return guard([&] {
        CHECK_CTX(c);
        CHECK_STR(target, "target");
        std::string t(target);
        return finish_json(on_loop_str(c, [t](supervisor &sup) -> result<std::string> {
            auto r = sup.resolve(t);
            if (!r) return std::move(r).err();
            std::string out;
            alter::json::writer w(out);
            w.begin_object().key("files").begin_array();
            for (instance *i : r->instances)
                for (uint8_t s : {uint8_t(ALTER_STREAM_OUT), uint8_t(ALTER_STREAM_ERR)})
                    if (log_file *f = i->file(s))
                        w.begin_object()
                            .field("instance", i->name())
                            .field("stream", s == ALTER_STREAM_ERR ? "err" : "out")
                            .field("path", f->path())
                            .end_object();
            w.end_array().end_object();
            return out;
        }), ret_json);
    });
}

// ---- state, config, cron, host -------------------------------------------------------------

int alter_state_save(alter_context_t *c, const char *path) {
    return guard([&] {
        CHECK_CTX(c);
        std::string p = path != nullptr ? path : c->ctx->options().state_path;
        return finish_int(on_loop_int(c, [p](supervisor &sup) -> result<int> {
            if (auto st = sup.save_state(p); !st) return std::move(st).err();
            return static_cast<int>(sup.apps().size());
        }));
    });
}

int alter_state_load(alter_context_t *c, const char *path) {
    return guard([&] {
        CHECK_CTX(c);
        std::string p = path != nullptr ? path : c->ctx->options().state_path;
        return finish_int(on_loop_int(c, [p](supervisor &sup) { return sup.load_state(p); }));
    });
}

int alter_config_parse(const char *text, size_t len, const alter_config_options_t *opts, char **ret_json) {
    return guard([&] {
        if (text == nullptr && len > 0) return fail(ALTER_EINVAL, "text is NULL");
        alter_config_options_t o = ALTER_CONFIG_OPTIONS_INIT;
        if (!copy_options(opts, o)) return fail(ALTER_EINVAL, "options: struct_size too small");
        if (o.format > ALTER_FORMAT_SUPERVISORD) return fail(ALTER_EINVAL, "unknown format");
        auto r = config_parse(std::string_view(text != nullptr ? text : "", len), o.filename != nullptr ? o.filename : "",
                              static_cast<config_format>(o.format));
        if (!r) return set_last_error(r.err());
        std::string base = o.base_dir != nullptr ? o.base_dir : "";
        while (base.size() > 1 && base.back() == '/') base.pop_back();
        std::string out;
        alter::json::writer w(out);
        w.begin_object().key("apps").begin_array();
        for (auto &s : r->apps) {
            if (!base.empty()) {
                if (s.cwd.empty() || s.cwd == ".") s.cwd = base;
                else if (s.cwd[0] != '/') s.cwd = base + "/" + (s.cwd.rfind("./", 0) == 0 ? s.cwd.substr(2) : s.cwd);
            }
            w.raw(spec_to_json(s));
        }
        w.end_array().key("warnings").begin_array();
        for (const auto &m : r->warnings) w.value(m);
        w.end_array().end_object();
        if (ret_json != nullptr) *ret_json = dup_string(out);
        return static_cast<int>(r->apps.size());
    });
}

int alter_config_read(const char *path, uint32_t format, char **ret_json) {
    return guard([&] {
        CHECK_STR(path, "path");
        // O_NONBLOCK: a FIFO must not hang us in open(); only regular files are read.
        int fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) return fail(-errno, std::string("cannot read ") + path + ": " + std::strerror(errno));
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            return fail(ALTER_EINVAL, std::string(path) + " is not a regular file");
        }
        if (st.st_size > static_cast<off_t>(config_limits::max_text)) {
            ::close(fd);
            return fail(ALTER_ELIMIT, std::string(path) + " is larger than 8 MiB");
        }
        std::string text;
        char buf[65536];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0) {
            text.append(buf, static_cast<size_t>(n));
            if (text.size() > config_limits::max_text) {
                ::close(fd);
                return fail(ALTER_ELIMIT, std::string(path) + " is larger than 8 MiB");
            }
        }
        ::close(fd);
        std::string p(path);
        std::string dir = p.rfind('/') == std::string::npos ? "." : p.substr(0, std::max<size_t>(p.rfind('/'), 1));
        if (dir[0] != '/') {
            char cwd[4096];
            if (getcwd(cwd, sizeof cwd) != nullptr) dir = std::string(cwd) + (dir == "." ? "" : "/" + dir);
        }
        std::string name = p.substr(p.rfind('/') == std::string::npos ? 0 : p.rfind('/') + 1);
        alter_config_options_t o = ALTER_CONFIG_OPTIONS_INIT;
        o.format = format;
        o.filename = name.c_str();
        o.base_dir = dir.c_str();
        return alter_config_parse(text.data(), text.size(), &o, ret_json);
    });
}

int alter_config_apply(alter_context_t *c, const char *apps_json, char **ret_json) {
    return guard([&] {
        CHECK_CTX(c);
        CHECK_STR(apps_json, "apps_json");
        auto v = parse_json(apps_json);
        if (!v) return set_last_error(v.err());
        const value *apps = v->is_array() ? &*v : v->find("apps");
        if (apps == nullptr || !apps->is_array()) return fail(ALTER_ESPEC, "expected {\"apps\":[...]}");
        std::vector<app_spec> specs;
        for (size_t i = 0; i < apps->items.size(); ++i) {
            auto s = spec_from_value(apps->items[i], spec_context{"apps[" + std::to_string(i) + "].", ""});
            if (!s) return set_last_error(s.err());
            specs.push_back(std::move(*s));
        }
        return finish_json(on_loop_str(c, [specs = std::move(specs)](supervisor &sup) mutable { return sup.apply(std::move(specs)); }), ret_json);
    });
}

int alter_cron_next(const char *expr, int64_t from_ms, uint32_t n, int64_t *out_ms) {
    return guard([&] {
        CHECK_STR(expr, "expr");
        if (n > 0 && out_ms == nullptr) return fail(ALTER_EINVAL, "out_ms is NULL");
        auto s = cron_parse(expr);
        if (!s) return set_last_error(s.err());
        uint32_t k = 0;
        int64_t t = from_ms;
        for (; k < n; ++k) {
            t = cron_next(*s, t);
            if (t < 0) break;
            out_ms[k] = t;
        }
        return static_cast<int>(k);
    });
}

int alter_stats_sample(alter_context_t *c) {
    return guard([&] {
        CHECK_CTX(c);
        return finish_int(on_loop_int(c, [](supervisor &sup) -> result<int> { return sup.sample_all_stats(); }));
    });
}

int alter_host_stats(alter_context_t *c, char **ret_json) {
    return guard([&] {
        CHECK_CTX(c);
        return finish_json(on_loop_str(c, [](supervisor &sup) -> result<std::string> { return sup.host_json(); }), ret_json);
    });
}

} // extern "C"

// ---- metrics and a program's own log file --------------------------------------------------

struct alter_logfile {
    std::mutex mu;
    std::unique_ptr<log_file> file;
    log_policy policy;
    std::string batch;
    stamp_cache stamps;
    line_splitter splitter{64 * 1024};
};

extern "C" {

int alter_app_metrics(alter_context_t *c, char **ret_text) {
    return guard([&] {
        CHECK_CTX(c);
        return finish_json(on_loop_str(c, [](supervisor &sup) -> result<std::string> { return sup.metrics_text(); }),
                           ret_text);
    });
}

int alter_logfile_open(const char *path, uint64_t max_size, uint32_t max_files, alter_logfile_t **ret) {
    return guard([&] {
        CHECK_STR(path, "path");
        if (ret == nullptr) return fail(ALTER_EINVAL, "ret is NULL");
        std::string p(path);
        size_t slash = p.rfind('/');
        std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : p.substr(0, slash));
        std::string base = slash == std::string::npos ? p : p.substr(slash + 1);
        if (base.empty()) return fail(ALTER_EINVAL, "path names a directory");
        if (auto st = make_dirs(dir, 0700); !st) return set_last_error(st.err());
        auto f = std::make_unique<alter_logfile>();
        f->file = std::make_unique<log_file>(dir, base);
        f->policy.max_size = max_size;
        f->policy.max_files = max_files;
        *ret = f.release();
        return 0;
    });
}

int alter_logfile_write(alter_logfile_t *f, const char *text, size_t len) {
    return guard([&] {
        if (f == nullptr) return fail(ALTER_EINVAL, "logfile is NULL");
        if (text == nullptr && len > 0) return fail(ALTER_EINVAL, "text is NULL");
        std::lock_guard lock(f->mu);
        int64_t now = wall_ms();
        const char *stamp = f->stamps.format(now);
        auto add = [&](std::string_view line) { f->file->add(f->batch, stamp, line, now, f->policy); };
        f->splitter.feed(std::string_view(text != nullptr ? text : "", len), add);
        f->splitter.flush(add);
        f->file->commit(f->batch);
        if (auto e = f->file->take_error(); !e.empty()) return fail(ALTER_EACCES, e);
        return 0;
    });
}

void alter_logfile_close(alter_logfile_t *f) { delete f; }

} // extern "C"

extern "C" {

int alter_log_recent(alter_context_t *c, const char *target, uint32_t n, uint32_t streams, char **ret_json) {
    return guard([&] {
        CHECK_CTX(c);
        CHECK_STR(target, "target");
        std::string t(target);
        uint32_t want = std::min<uint32_t>(n == 0 ? 100 : n, max_log_lines);
        uint32_t mask = streams == 0 ? (ALTER_STREAM_OUT | ALTER_STREAM_ERR) : streams;
        return finish_json(on_loop_str(c, [t, want, mask](supervisor &sup) -> result<std::string> {
            auto r = sup.resolve(t);
            if (!r) return std::move(r).err();
            struct line {
                int64_t time;
                uint8_t stream;
                const instance *inst;
                std::string_view text;
            };
            std::vector<line> lines;
            for (instance *i : r->instances)
                i->ring().for_last(0, [&](int64_t time, uint8_t stream, std::string_view text) {
                    if (mask & stream) lines.push_back({time, stream, i, text});
                });
            std::stable_sort(lines.begin(), lines.end(), [](const line &a, const line &b) { return a.time < b.time; });
            size_t start = lines.size() > want ? lines.size() - want : 0;
            std::string out;
            alter::json::writer w(out);
            w.begin_object().key("lines").begin_array();
            for (size_t k = start; k < lines.size(); ++k)
                w.begin_object()
                    .field("time_ms", static_cast<long long>(lines[k].time))
                    .field("stream", lines[k].stream == ALTER_STREAM_ERR ? "err" : "out")
                    .field("app", lines[k].inst->owner().name())
                    .field("instance", lines[k].inst->name())
                    .field("text", lines[k].text)
                    .end_object();
            w.end_array().end_object();
            return out;
        }), ret_json);
    });
}

int alter_write_file_atomic(const char *path, const char *data, size_t len, uint32_t mode) {
    return guard([&] {
        CHECK_STR(path, "path");
        if (data == nullptr && len > 0) return fail(ALTER_EINVAL, "data is NULL");
        if (auto st = write_atomically(path, std::string(data != nullptr ? data : "", len), mode & 07777); !st)
            return set_last_error(st.err());
        return 0;
    });
}

} // extern "C"
