// SPDX-License-Identifier: MIT
#include "supervisor.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <cerrno>
#include <cstdio>
#include <iterator>
#include <sys/wait.h>
#include <unordered_map>
#include <unordered_set>
#include <unistd.h>

#include "common/json_writer.hpp"
#include "context.hpp"
#include "deps.hpp"
#include "proc_stats.hpp"

extern char **environ;

namespace alter::detail {

void close_handle(uv_handle_t *h) {
    if (h == nullptr || uv_is_closing(h)) return;
    h->data = nullptr;
    uv_close(h, [](uv_handle_t *x) {
        switch (x->type) {
        case UV_TIMER: delete reinterpret_cast<uv_timer_t *>(x); break;
        case UV_POLL: delete reinterpret_cast<uv_poll_t *>(x); break;
        case UV_NAMED_PIPE: delete reinterpret_cast<uv_pipe_t *>(x); break;
        default: break;
        }
    });
}

namespace {
error not_found(std::string_view target) {
    return error(ALTER_ENOTFOUND, "no such app: '" + std::string(target) + "'");
}
} // namespace

supervisor::supervisor(context &ctx) : ctx_(ctx) {}

supervisor::~supervisor() {
    for (auto &a : apps_) a->close();
    for (auto &a : graveyard_) a->close();
    for (auto &i : parked_) i->close();
    close_handle(stats_timer_);
    close_handle(midnight_timer_);
    close_handle(autosave_timer_);
    close_handle(reaper_timer_);
}

void supervisor::init() {
    auto make = [&](uv_timer_t *&t) {
        t = new_handle<uv_timer_t>();
        uv_timer_init(ctx_.loop(), t);
        t->data = this;
        uv_unref(reinterpret_cast<uv_handle_t *>(t)); // timers never keep the loop alive alone
    };
    make(stats_timer_);
    make(midnight_timer_);
    make(autosave_timer_);
    if (ctx_.options().stats_interval_ms > 0) {
        auto ms = static_cast<uint64_t>(ctx_.options().stats_interval_ms);
        uv_timer_start(stats_timer_, on_timer, ms, ms);
    }
    if (!ctx_.options().log_dir.empty()) arm_midnight();
}

void supervisor::on_timer(uv_timer_t *t) {
    auto *self = static_cast<supervisor *>(t->data);
    if (self == nullptr) return;
    if (t == self->stats_timer_) self->on_stats_timer();
    else if (t == self->midnight_timer_) self->on_midnight_timer();
    else if (t == self->autosave_timer_) {
        self->dirty_ = false;
        if (auto st = self->save_state(self->ctx_.options().state_path); !st)
            self->ctx_.record(3, "autosave: " + st.err().message);
    } else {
        // The reaper timer: apps and instances removed while their processes were still running.
        std::erase_if(self->parked_, [](const std::unique_ptr<instance> &i) { return i->idle(); });
        bool runs_left = false;
        for (auto &a : self->apps_) {
            a->prune_finished_runs();
            for (auto &i : a->instances())
                if (i->transient()) runs_left = true;
        }
        std::erase_if(self->graveyard_, [self](const std::unique_ptr<app> &a) {
            for (const auto &i : a->instances())
                if (!i->idle()) return false;
            for (const auto &p : self->parked_)
                if (&p->owner() == a.get()) return false;
            return true;
        });
        if (self->graveyard_.empty() && self->parked_.empty() && !runs_left) {
            close_handle(t);
            self->reaper_timer_ = nullptr;
        }
    }
}

void supervisor::on_stats_timer() { (void)sample_all_stats(); }

int supervisor::sample_all_stats() {
    int64_t now = mono_ms();
    auto &bus = ctx_.bus();
    int n = 0;
    for (auto &a : apps_)
        for (auto &i : a->instances()) {
            if (i->pid() <= 0 || a->spec().hidden) continue; // hidden apps are never announced
            i->sample_stats(now);
            ++n;
            if (!bus.has_event_watchers()) continue;
            std::string js;
            json::writer w(js);
            int64_t t = wall_ms();
            w.begin_object()
                .field("type", "stats")
                .field("time_ms", static_cast<long long>(t))
                .field("app", a->name())
                .field("instance", i->name())
                .field("cpu_percent", i->cpu_percent())
                .field("memory_bytes", static_cast<unsigned long long>(i->memory_bytes()))
                .end_object();
            alter_event_t ev{};
            ev.struct_size = sizeof ev;
            ev.kind = ALTER_EVENT_STATS;
            ev.time_ms = t;
            ev.app = a->name().c_str();
            ev.instance = i->name().c_str();
            ev.ns = a->spec().ns.c_str();
            ev.from = ev.to = static_cast<int32_t>(i->current());
            ev.pid = i->pid();
            ev.exit_code = -1;
            ev.reason = "stats";
            ev.json = js.c_str();
            bus.emit(ev);
        }
    return n;
}

void supervisor::arm_midnight() {
    int64_t now = wall_ms();
    int64_t due = local_day_end_ms(now) - now + 50; // just after midnight
    uv_timer_start(midnight_timer_, on_timer, static_cast<uint64_t>(due < 1000 ? 1000 : due), 0);
}

void supervisor::on_midnight_timer() {
    int64_t now = wall_ms();
    for (auto &a : apps_) {
        log_policy p = a->policy();
        for (auto &i : a->instances())
            for (uint8_t s : {uint8_t(ALTER_STREAM_OUT), uint8_t(ALTER_STREAM_ERR)})
                if (log_file *f = i->file(s)) f->roll_day(now, p);
    }
    arm_midnight();
}

void supervisor::mark_dirty() {
    if (ctx_.options().state_path.empty() || ctx_.options().autosave_ms <= 0 || shutting_down_) return;
    dirty_ = true;
    if (!uv_is_active(reinterpret_cast<uv_handle_t *>(autosave_timer_)))
        uv_timer_start(autosave_timer_, on_timer, static_cast<uint64_t>(ctx_.options().autosave_ms), 0);
}

std::vector<std::string> supervisor::base_env() const {
    std::vector<std::string> env;
    for (char **e = environ; e != nullptr && *e != nullptr; ++e) env.emplace_back(*e);
    return env;
}

void supervisor::emit_app_event(uint32_t kind, const app &a, const char *reason) {
    auto &bus = ctx_.bus();
    if (!bus.has_event_watchers()) return;
    const char *type = kind == ALTER_EVENT_ADDED ? "added" : kind == ALTER_EVENT_REMOVED ? "removed" : "updated";
    std::string js;
    json::writer w(js);
    int64_t t = wall_ms();
    w.begin_object()
        .field("type", type)
        .field("time_ms", static_cast<long long>(t))
        .field("app", a.name())
        .field("namespace", a.spec().ns)
        .field("reason", reason)
        .end_object();
    alter_event_t ev{};
    ev.struct_size = sizeof ev;
    ev.kind = kind;
    ev.time_ms = t;
    ev.app = a.name().c_str();
    ev.ns = a.spec().ns.c_str();
    ev.exit_code = -1;
    ev.reason = reason;
    ev.json = js.c_str();
    bus.emit(ev);
}

void supervisor::park(std::unique_ptr<instance> i) {
    parked_.push_back(std::move(i));
    schedule_reaper();
}

void supervisor::schedule_reaper() {
    // Destroy removed apps and instances once their processes are gone, outside any instance
    // callback (a timer), checking again while some are still stopping.
    if (reaper_timer_ != nullptr) return;
    reaper_timer_ = new_handle<uv_timer_t>();
    uv_timer_init(ctx_.loop(), reaper_timer_);
    reaper_timer_->data = this;
    uv_timer_start(reaper_timer_, on_timer, 0, 100);
}

// ---- targets -------------------------------------------------------------------------------

app *supervisor::find_app(std::string_view name) {
    for (auto &a : apps_)
        if (a->name() == name) return a.get();
    return nullptr;
}

result<supervisor::target> supervisor::resolve(std::string_view t) {
    target out;
    if (t.empty()) return error(ALTER_EINVAL, "empty target");
    if (t.find(',') != std::string_view::npos) {
        // "a,b,c": several apps or instances (names cannot contain ','), e.g. an ecosystem
        // file's apps, so that one stop orders them all by their dependencies.
        for (size_t pos = 0; pos <= t.size();) {
            size_t comma = std::min(t.find(',', pos), t.size());
            std::string_view part = t.substr(pos, comma - pos);
            pos = comma + 1;
            if (part == "all" || part.substr(0, 3) == "ns:")
                return error(ALTER_EINVAL, "'" + std::string(part) + "' cannot be part of a list of names");
            auto r = resolve(part);
            if (!r) return std::move(r).err();
            for (app *a : r->apps)
                if (std::find(out.apps.begin(), out.apps.end(), a) == out.apps.end()) out.apps.push_back(a);
            for (instance *i : r->instances)
                if (std::find(out.instances.begin(), out.instances.end(), i) == out.instances.end()) out.instances.push_back(i);
        }
        return out;
    }
    auto add_app = [&](app *a) {
        out.apps.push_back(a);
        for (auto &i : a->instances()) out.instances.push_back(i.get());
    };
    if (t == "all") {
        for (auto &a : apps_)
            if (!a->spec().hidden) add_app(a.get());
        return out;
    }
    if (t.substr(0, 3) == "ns:") {
        std::string_view ns = t.substr(3);
        for (auto &a : apps_)
            if (a->spec().ns == ns && !a->spec().hidden) add_app(a.get());
        if (out.apps.empty()) return error(ALTER_ENOTFOUND, "no apps in namespace '" + std::string(ns) + "'");
        return out;
    }
    if (app *a = find_app(t)) {
        add_app(a);
        return out;
    }
    // An instance name: app-i
    for (auto &a : apps_)
        for (auto &i : a->instances())
            if (i->name() == t) {
                out.instances.push_back(i.get());
                return out;
            }
    return not_found(t);
}

// ---- operations ----------------------------------------------------------------------------

status supervisor::check_deps(std::span<const app_spec> changed) {
    // Without dependencies of its own, a new or changed app can close no cycle.
    if (std::all_of(changed.begin(), changed.end(), [](const app_spec &s) { return s.deps.empty(); })) return {};
    auto in_changed = [&](const std::string &n) {
        return std::any_of(changed.begin(), changed.end(), [&](const app_spec &s) { return s.name == n; });
    };
    // The graph as it would be: the changed specs replace the apps of the same name.
    std::vector<dep_node> nodes;
    for (auto &a : apps_)
        if (!in_changed(a->name())) nodes.push_back({a->name(), a->spec().deps});
    for (const auto &s : changed) nodes.push_back({s.name, s.deps});
    // A dependency that dangles already (its app was removed) and that the app named before is
    // no error: only newly named unknown apps are (deps_ready treats a removed one as met).
    auto known = [&](const std::string &n) {
        return std::any_of(nodes.begin(), nodes.end(), [&](const dep_node &x) { return x.name == n; });
    };
    for (auto &n : nodes)
        if (app *before = find_app(n.name))
            std::erase_if(n.deps, [&](const std::string &d) {
                const auto &old = before->spec().deps;
                return !known(d) && std::find(old.begin(), old.end(), d) != old.end();
            });
    return validate_deps(nodes);
}

status supervisor::check_names(const app_spec &spec, const app *self) {
    for (auto &a : apps_) {
        if (a.get() == self) continue;
        for (auto &i : a->instances())
            if (i->name() == spec.name)
                return error(ALTER_EEXIST, "'" + spec.name + "' is already the name of an instance of '" + a->name() + "'");
    }
    if (spec.instances <= 1) return {};
    // Instance names ("api-0", "api-1"...) must not be another app's or instance's name either.
    for (uint32_t k = 0; k < spec.instances; ++k) {
        std::string n = spec.name + "-" + std::to_string(k);
        if (app *other = find_app(n); other != nullptr && other != self)
            return error(ALTER_EEXIST, "instance '" + n + "' of '" + spec.name + "' would have the name of the app '" + n + "'");
        for (auto &a : apps_) {
            if (a.get() == self) continue;
            for (auto &i : a->instances())
                if (i->name() == n)
                    return error(ALTER_EEXIST, "instance '" + n + "' of '" + spec.name + "' would have the name of an instance of '" + a->name() + "'");
        }
    }
    return {};
}

result<int> supervisor::add(app_spec spec, uint32_t flags) {
    if (shutting_down_) return error(ALTER_ECLOSED, "shutting down");
    if (find_app(spec.name) != nullptr) {
        if (!(flags & ALTER_ADD_UPDATE)) return error(ALTER_EEXIST, "an app named '" + spec.name + "' already exists");
        value patch = spec_to_value(spec);
        return update(spec.name, patch);
    }
    if (auto st = check_names(spec, nullptr); !st) return std::move(st).err();
    if (auto st = check_deps(std::span<const app_spec>(&spec, 1)); !st) return std::move(st).err();
    apps_.push_back(std::make_unique<app>(*this, std::move(spec)));
    app &a = *apps_.back();
    emit_app_event(ALTER_EVENT_ADDED, a, "added");
    int n = 0;
    if (flags & ALTER_ADD_START) {
        auto r = start(a.name());
        if (r) n = *r;
    }
    mark_dirty();
    return n;
}

result<int> supervisor::update(std::string_view name, const value &patch) {
    if (shutting_down_) return error(ALTER_ECLOSED, "shutting down");
    app *a = find_app(name);
    if (a == nullptr) return not_found(name);
    auto next = spec_apply_patch(a->spec(), patch);
    if (!next) return std::move(next).err();
    if (auto st = check_deps(std::span<const app_spec>(&*next, 1)); !st) return std::move(st).err();
    if (*next == a->spec()) return 0;
    if (next->instances != a->spec().instances)
        if (auto st = check_names(*next, a); !st) return std::move(st).err();
    return replace_spec(*a, std::move(*next));
}

int supervisor::replace_spec(app &a, app_spec next) {
    app_spec old = a.spec();
    bool restart_needed = spec_needs_restart(old, next);
    a.set_spec(std::move(next));
    const app_spec &s = a.spec();
    int n = 0;
    if (!s.enabled && old.enabled) {
        for (auto &i : a.instances()) i->feed(input::disable, "disabled");
    } else if (s.enabled && !old.enabled) {
        for (auto &i : a.instances()) i->feed(input::enable, "enabled");
    }
    if (a.desired_running && s.enabled) {
        // A cron field on a daemon is a scheduled restart (PM2's cron_restart).
        if (!s.cron.empty()) a.arm_cron();
        else a.disarm_cron();
        for (auto &i : a.instances()) {
            if (restart_needed && has_process(i->current())) {
                if (i->user_restart("spec changed")) ++n;
            } else if (i->current() == state::stopped) {
                // New instances after a scale-up.
                if (s.type == app_type::cron ? i->feed(input::schedule, "scheduled") : i->feed(input::start, "scaled")) ++n;
            }
        }
        // Rebuilt when a watch setting (paths, globs, debounce, cwd) changed.
        if (!s.watch.empty()) a.start_watch();
        else a.stop_watch();
    }
    emit_app_event(ALTER_EVENT_UPDATED, a, "updated");
    mark_dirty();
    return n;
}

result<int> supervisor::remove(std::string_view t) {
    auto r = resolve(t);
    if (!r) return std::move(r).err();
    if (r->apps.empty()) return error(ALTER_EINVAL, "remove takes an app name, 'all' or 'ns:NAME', not an instance");
    int n = 0;
    std::vector<instance *> running;
    for (app *a : r->apps) {
        a->disarm_cron();
        a->stop_watch();
        for (auto &i : a->instances()) {
            ++n;
            if (has_process(i->current())) running.push_back(i.get());
            else i->shutdown_stop();
        }
    }
    // Dependents stop before their dependencies, as with stop; the plan is made while the apps
    // are still registered and follows their instances into the graveyard.
    forget_pending_stops(running);
    if (!running.empty()) stop_in_order(running, false);
    for (app *a : r->apps) {
        emit_app_event(ALTER_EVENT_REMOVED, *a, "removed");
        auto it = std::find_if(apps_.begin(), apps_.end(), [&](const auto &p) { return p.get() == a; });
        graveyard_.push_back(std::move(*it));
        apps_.erase(it);
    }
    schedule_reaper();
    mark_dirty();
    return n;
}

result<int> supervisor::for_each_instance(std::string_view t, input in, const char *reason) {
    auto r = resolve(t);
    if (!r) return std::move(r).err();
    int n = 0;
    for (instance *i : r->instances)
        if (i->feed(in, reason)) ++n;
    return n;
}

result<int> supervisor::start(std::string_view t) {
    if (shutting_down_) return error(ALTER_ECLOSED, "shutting down");
    auto r = resolve(t);
    if (!r) return std::move(r).err();
    return start_target(std::move(*r), t);
}

result<int> supervisor::start_target(target tg, std::string_view t) {
    auto *r = &tg;
    int n = 0;
    bool single = r->apps.size() + r->instances.size() <= 1 || (r->apps.size() == 1);
    std::vector<app *> owners;
    for (instance *i : r->instances)
        if (std::find(owners.begin(), owners.end(), &i->owner()) == owners.end()) owners.push_back(&i->owner());
    for (app *a : owners) {
        if (!a->spec().enabled) {
            if (single && t != "all" && t.substr(0, 3) != "ns:")
                return error(ALTER_ESTATE, "'" + a->name() + "' is disabled: enable it first");
            continue; // bulk starts skip disabled apps
        }
        a->desired_running = true;
        if (!a->spec().cron.empty()) a->arm_cron();
        if (!a->spec().watch.empty()) a->start_watch();
    }
    forget_pending_stops(r->instances);
    // Dependencies first: a task started with its dependency then sees it starting and waits.
    // (Instances of one app have one depth: no graph to walk for a single app.)
    if (owners.size() > 1) {
        auto depth = dep_depth();
        std::stable_sort(r->instances.begin(), r->instances.end(),
                         [&](instance *x, instance *y) { return depth[x->owner().name()] < depth[y->owner().name()]; });
    }
    for (instance *i : r->instances) {
        app &a = i->owner();
        if (!a.spec().enabled) continue;
        if (i->transient()) continue;
        if (a.spec().type == app_type::cron && a.is_reboot_job()) {
            // @reboot: the start (daemon start, resurrect, alter start) is the run.
            if (i->feed(input::start, "reboot")) ++n;
            continue;
        }
        bool ok = a.spec().type == app_type::cron ? i->feed(input::schedule, "scheduled") || i->current() == state::running
                                                  : i->feed(input::start, "start");
        if (ok) ++n;
    }
    mark_dirty();
    return n;
}

result<int> supervisor::stop(std::string_view t) {
    auto r = resolve(t);
    if (!r) return std::move(r).err();
    for (app *a : r->apps) {
        a->desired_running = false;
        a->disarm_cron();
        a->stop_watch();
    }
    int n = 0;
    for (instance *i : r->instances) {
        if (r->apps.empty()) i->owner().desired_running = false;
        if (i->current() != state::stopped && i->current() != state::disabled) ++n;
    }
    // Dependents stop before their dependencies (each layer once the previous one has ended).
    stop_in_order(r->instances, false);
    mark_dirty();
    return n;
}

result<int> supervisor::restart(std::string_view t) {
    if (shutting_down_) return error(ALTER_ECLOSED, "shutting down");
    auto r = resolve(t);
    if (!r) return std::move(r).err();
    int n = 0;
    for (instance *i : r->instances) {
        app &a = i->owner();
        if (!a.spec().enabled) {
            if (r->instances.size() == 1) return error(ALTER_ESTATE, "'" + a.name() + "' is disabled: enable it first");
            continue;
        }
        a.desired_running = true;
        if (!a.spec().cron.empty()) a.arm_cron();
        if (a.spec().type == app_type::cron) {
            if (i->current() == state::running ? i->user_restart("restart") : i->feed(input::schedule, "scheduled")) ++n;
            continue;
        }
        if (i->user_restart("restart")) ++n;
    }
    mark_dirty();
    return n;
}

result<int> supervisor::reset(std::string_view t) { return for_each_instance(t, input::reset, "reset"); }

result<int> supervisor::enable(std::string_view t, bool on) {
    auto r = resolve(t);
    if (!r) return std::move(r).err();
    std::vector<app *> owners = r->apps;
    for (instance *i : r->instances)
        if (std::find(owners.begin(), owners.end(), &i->owner()) == owners.end()) owners.push_back(&i->owner());
    int n = 0;
    for (app *a : owners) {
        value patch = value::make_object();
        patch.set("enabled", value::make_bool(on));
        auto u = update(a->name(), patch);
        if (!u) return std::move(u).err();
        if (!on) {
            a->desired_running = false;
            a->disarm_cron();
            a->stop_watch();
        }
        n += static_cast<int>(a->instances().size());
    }
    return n;
}

result<int> supervisor::run_now(std::string_view t) {
    if (shutting_down_) return error(ALTER_ECLOSED, "shutting down");
    auto r = resolve(t);
    if (!r) return std::move(r).err();
    int n = 0;
    for (instance *i : r->instances) {
        app &a = i->owner();
        if (i->transient()) continue; // an extra run is not asked to run again
        if (!a.spec().enabled) return error(ALTER_ESTATE, "'" + a.name() + "' is disabled: enable it first");
        if (a.spec().type == app_type::daemon) {
            if (i->feed(input::start, "run")) ++n;
            continue;
        }
        if (i->current() == state::running || i->current() == state::stopping) {
            // The job's overlap policy, as for a tick of its schedule.
            switch (a.spec().overlap) {
            case overlap_policy::replace:
                a.set_next_trigger(*i, "manual (replace)");
                if (i->user_restart("run (replace)")) ++n;
                break;
            case overlap_policy::allow:
                if (!a.start_extra_run(*i, "manual (overlap)"))
                    return error(ALTER_EBUSY, "'" + i->name() + "' already has " + std::to_string(app::max_extra_runs) +
                                                  " extra runs going (overlap = allow)");
                ++n;
                break;
            case overlap_policy::skip:
                return error(ALTER_EBUSY, "'" + i->name() + "' is still running (overlap = skip)");
            }
            continue;
        }
        if (i->feed(input::start, "manual")) ++n;
    }
    return n;
}

// ---- reading -------------------------------------------------------------------------------

result<std::string> supervisor::list_json(std::string_view ns, bool fresh_stats) {
    std::string out;
    out.reserve(512 * (apps_.size() + 1));
    json::writer w(out);
    int64_t now = wall_ms();
    w.begin_object().key("processes").begin_array();
    for (auto &a : apps_) {
        if (a->spec().hidden || (!ns.empty() && a->spec().ns != ns)) continue;
        for (auto &i : a->instances()) i->write_status(w, now, fresh_stats);
    }
    w.end_array().end_object();
    return out;
}

result<std::string> supervisor::get_json(std::string_view t) {
    if (t == "all" || t.substr(0, 3) == "ns:")
        return error(ALTER_EINVAL, "'" + std::string(t) + "' names several apps: ask for one app or instance (or list them)");
    auto r = resolve(t);
    if (!r) return std::move(r).err();
    if (r->instances.empty()) return error(ALTER_ENOTFOUND, "no such app");
    app &a = r->instances.front()->owner();
    std::string out;
    json::writer w(out);
    int64_t now = wall_ms();
    w.begin_object();
    w.field("name", std::string(t));
    w.field("app", a.name());
    w.field("namespace", a.spec().ns);
    w.field_raw("spec", spec_to_json(a.spec()));
    w.field("desired", a.desired_running ? "running" : "stopped");
    w.key("instances").begin_array();
    for (instance *i : r->instances) i->write_status(w, now, true);
    w.end_array();
    w.end_object();
    return out;
}

result<std::string> supervisor::spec_json(std::string_view name) {
    app *a = find_app(name);
    if (a == nullptr) return not_found(name);
    return spec_to_json(a->spec());
}

result<std::string> supervisor::runs_json(std::string_view t) {
    auto r = resolve(t);
    if (!r) return std::move(r).err();
    std::string out;
    json::writer w(out);
    w.begin_object().key("runs").begin_array();
    std::vector<app *> owners;
    for (instance *i : r->instances)
        if (std::find(owners.begin(), owners.end(), &i->owner()) == owners.end()) owners.push_back(&i->owner());
    int64_t now = wall_ms();
    for (app *a : owners)
        for (auto it = a->runs.rbegin(); it != a->runs.rend(); ++it) {
            w.begin_object();
            w.field("app", a->name());
            w.field("instance", it->instance);
            w.field("start_ms", static_cast<long long>(it->start_ms));
            w.field("end_ms", static_cast<long long>(it->end_ms));
            w.field("duration_ms", static_cast<long long>((it->end_ms > 0 ? it->end_ms : now) - it->start_ms));
            w.field("running", it->end_ms == 0);
            if (it->end_ms > 0 && it->exit_code >= 0) w.field("exit_code", it->exit_code);
            else w.field_null("exit_code");
            if (it->signal > 0) w.field("signal", signal_name(it->signal));
            else w.field_null("signal");
            w.field("trigger", it->trigger);
            w.end_object();
        }
    w.end_array().end_object();
    return out;
}

std::string supervisor::host_json() {
    host_sample &last = last_host_;
    host_sample h = sample_host();
    double cpu = 0;
    if (last.total_ticks > 0 && h.total_ticks > last.total_ticks)
        cpu = 100.0 * static_cast<double>(h.busy_ticks - last.busy_ticks) / static_cast<double>(h.total_ticks - last.total_ticks);
    else if (h.total_ticks > 0)
        cpu = 100.0 * static_cast<double>(h.busy_ticks) / static_cast<double>(h.total_ticks);
    last = h;
    std::string out;
    json::writer w(out);
    w.begin_object()
        .field("cpu_percent", cpu)
        .field("cpus", h.cpus)
        .field("load", h.load1)
        .field("load5", h.load5)
        .field("load15", h.load15)
        .field("mem_total_bytes", static_cast<unsigned long long>(h.mem_total))
        .field("mem_used_bytes", static_cast<unsigned long long>(h.mem_total - h.mem_available))
        .field("mem_available_bytes", static_cast<unsigned long long>(h.mem_available))
        .field("swap_total_bytes", static_cast<unsigned long long>(h.swap_total))
        .field("swap_used_bytes", static_cast<unsigned long long>(h.swap_total - h.swap_free))
        .field("uptime_s", static_cast<unsigned long long>(h.uptime_s))
        .end_object();
    return out;
}

std::string supervisor::metrics_text() {
    std::string out;
    out.reserve(256 + apps_.size() * 900);
    int64_t now = wall_ms();
    int64_t now_mono = mono_ms();
    struct metric {
        const char *name, *type, *help;
    };
    static constexpr metric metrics[] = {
        {"alter_process_up", "gauge", "1 if the instance has a running process"},
        {"alter_process_restarts_total", "counter", "Restarts of the instance"},
        {"alter_process_cpu_percent", "gauge", "CPU of the process tree (100 = one core)"},
        {"alter_process_memory_bytes", "gauge", "Resident memory of the process tree"},
        {"alter_process_uptime_seconds", "gauge", "Seconds since the current process started"},
        {"alter_process_exit_code", "gauge", "Exit code of the last run (-1: none or signal)"},
        {"alter_process_state", "gauge", "1 for the instance's current state"},
    };
    auto label = [&](std::string &o, const char *k, const std::string &v, bool first) {
        if (!first) o += ',';
        o += k;
        o += "=\"";
        for (char ch : v) {
            if (ch == '\\' || ch == '"') o += '\\';
            if (ch == '\n') { o += "\\n"; continue; }
            o += ch;
        }
        o += '"';
    };
    for (size_t m = 0; m < std::size(metrics); ++m) {
        out += "# HELP ";
        out += metrics[m].name;
        out += ' ';
        out += metrics[m].help;
        out += "\n# TYPE ";
        out += metrics[m].name;
        out += ' ';
        out += metrics[m].type;
        out += '\n';
        for (auto &a : apps_)
            for (auto &i : a->instances()) {
                if (a->spec().hidden) continue;
                if (m == 2 && i->pid() > 0) i->sample_stats(now_mono);
                std::string labels = "{";
                label(labels, "name", i->name(), true);
                label(labels, "app", a->name(), false);
                label(labels, "namespace", a->spec().ns, false);
                if (m == 6) label(labels, "state", state_name(i->current()), false);
                labels += '}';
                double v = 0;
                switch (m) {
                case 0: v = i->pid() > 0 ? 1 : 0; break;
                case 1: v = i->restarts(); break;
                case 2: v = i->cpu_percent(); break;
                case 3: v = static_cast<double>(i->memory_bytes()); break;
                case 4: v = i->pid() > 0 && i->started_wall_ms() > 0 ? static_cast<double>(now - i->started_wall_ms()) / 1000.0 : 0; break;
                case 5: v = i->last_exit_wall_ms() > 0 ? i->exit_code() : -1; break;
                case 6: v = 1; break;
                }
                char num[40];
                if (m == 2 || m == 4) std::snprintf(num, sizeof num, "%.3f", v);
                else std::snprintf(num, sizeof num, "%.0f", v); // integers: never 1.7e+06
                out += metrics[m].name;
                out += labels;
                out += ' ';
                out += num;
                out += '\n';
            }
    }
    return out;
}

// ---- apply (ecosystem) ---------------------------------------------------------------------

result<std::string> supervisor::apply(std::vector<app_spec> specs) {
    if (shutting_down_) return error(ALTER_ECLOSED, "shutting down");
    // Validate the whole batch first: nothing changes if anything is wrong.
    {
        std::unordered_set<std::string_view> seen;
        for (size_t j = 0; j < specs.size(); ++j)
            if (!seen.insert(specs[j].name).second) {
                error e(ALTER_ESPEC, "apps[" + std::to_string(j) + "].name: '" + specs[j].name + "' appears twice");
                e.field = "apps[" + std::to_string(j) + "].name";
                return e;
            }
    }
    // One index of the apps by name for the whole batch (find_app is a linear search: once per
    // app of a 10,000-app file made applying it quadratic).
    std::unordered_map<std::string_view, app *> by_name;
    by_name.reserve(apps_.size() + specs.size());
    for (auto &a : apps_) by_name.emplace(a->name(), a.get());
    auto lookup = [&](const std::string &n) -> app * {
        auto it = by_name.find(n);
        return it == by_name.end() ? nullptr : it->second;
    };
    if (auto st = check_deps(specs); !st) return std::move(st).err();
    {
        // Names and instance names: unique within the batch and against the other apps.
        std::unordered_map<std::string, std::string_view> owner;
        // check_names walks every app and instance: its first check (the name is another
        // app's instance) is one lookup in this index; the rest concerns apps with several
        // instances only.
        std::unordered_map<std::string_view, const app *> instance_owner;
        for (auto &a : apps_)
            for (auto &i : a->instances()) instance_owner.emplace(i->name(), a.get());
        for (const auto &s : specs) {
            app *self = lookup(s.name);
            if (auto it = instance_owner.find(s.name); it != instance_owner.end() && it->second != self)
                return error(ALTER_EEXIST, "'" + s.name + "' is already the name of an instance of '" + it->second->name() + "'");
            if (s.instances > 1)
                if (auto st = check_names(s, self); !st) return std::move(st).err();
            auto claim = [&](const std::string &n) -> status {
                auto [it, fresh] = owner.emplace(n, s.name);
                if (fresh || it->second == s.name) return {};
                return error(ALTER_EEXIST, "'" + n + "' would name both an instance of '" + std::string(it->second) + "' and of '" + s.name + "'");
            };
            if (auto st = claim(s.name); !st) return std::move(st).err();
            if (s.instances > 1)
                for (uint32_t k = 0; k < s.instances; ++k)
                    if (auto st = claim(s.name + "-" + std::to_string(k)); !st) return std::move(st).err();
        }
    }
    // Valid as a whole (specs are complete and checked, deps against the whole batch): from
    // here on nothing fails.
    std::vector<std::string> added, updated, unchanged;
    struct move {
        std::string name, from, to;
    };
    std::vector<move> moved; // apps are matched by name in any namespace: say when one moves
    std::vector<app *> to_start;
    for (auto &s : specs) {
        app *a = lookup(s.name);
        bool fresh = a == nullptr, same = !fresh && a->spec() == s;
        if (fresh) {
            added.push_back(s.name);
            apps_.push_back(std::make_unique<app>(*this, s));
            a = apps_.back().get();
            by_name.emplace(a->name(), a);
            emit_app_event(ALTER_EVENT_ADDED, *a, "ecosystem");
        } else if (same) {
            unchanged.push_back(s.name);
        } else {
            updated.push_back(s.name);
            if (a->spec().ns != s.ns) moved.push_back({s.name, a->spec().ns, s.ns});
            (void)replace_spec(*a, s);
        }
        if (!a->spec().enabled) continue;
        // New apps start; others when they are not running as asked (stopped, or given up on).
        // A `once` task that already ran is not run again by loading the same file: only a
        // changed one is (a new migration, say).
        bool errored = std::any_of(a->instances().begin(), a->instances().end(),
                                   [](const auto &i) { return i->current() == state::errored; });
        if (a->spec().type == app_type::once && !fresh) {
            if (!(same && a->has_run()) && !a->running_now()) to_start.push_back(a);
        } else if (fresh || !a->desired_running || errored) {
            to_start.push_back(a);
        }
    }
    // Dependencies first, so that a task sees its dependency starting and waits for it.
    auto depth = dep_depth();
    std::stable_sort(to_start.begin(), to_start.end(), [&](app *x, app *y) { return depth[x->name()] < depth[y->name()]; });
    for (app *a : to_start) {
        target tg;
        tg.apps.push_back(a);
        for (auto &i : a->instances()) tg.instances.push_back(i.get());
        (void)start_target(std::move(tg), a->name());
    }
    mark_dirty();
    std::string out;
    json::writer w(out);
    auto list = [&](const char *k, const std::vector<std::string> &v) {
        w.key(k).begin_array();
        for (const auto &x : v) w.value(x);
        w.end_array();
    };
    w.begin_object();
    list("added", added);
    list("updated", updated);
    list("unchanged", unchanged);
    w.key("moved").begin_array();
    for (const auto &m : moved) w.begin_object().field("name", m.name).field("from", m.from).field("to", m.to).end_object();
    w.end_array();
    w.end_object();
    return out;
}

// ---- dependencies --------------------------------------------------------------------------

std::map<std::string, int> supervisor::dep_depth() const {
    std::vector<dep_node> nodes;
    for (auto &a : apps_) nodes.push_back({a->name(), a->spec().deps});
    return dep_depths(nodes);
}

void supervisor::stop_in_order(const std::vector<instance *> &v, bool shutdown) {
    auto depth = dep_depth();
    std::map<int, std::vector<std::string>, std::greater<int>> by_depth;
    for (instance *i : v) by_depth[depth[i->owner().name()]].push_back(i->name());
    stop_plan plan;
    plan.shutdown = shutdown;
    for (auto &[d, names] : by_depth) plan.layers.push_back(std::move(names));
    stop_plans_.push_back(std::move(plan));
    advance_stop_plans();
}

instance *supervisor::find_instance(std::string_view name) {
    for (auto &a : apps_)
        for (auto &i : a->instances())
            if (i->name() == name) return i.get();
    for (auto &a : graveyard_)
        for (auto &i : a->instances())
            if (i->name() == name) return i.get();
    return nullptr;
}

void supervisor::advance_stop_plans() {
    if (advancing_ || stop_plans_.empty()) return;
    advancing_ = true;
    // This runs after every instance that stops: with N instances in a layer, one find_instance
    // (a linear search) per name made a stop of N apps O(N^3) (4096 apps: more than 30 s). One
    // index per call, and names leave the layer once idle, so each call costs O(apps + layer).
    std::unordered_map<std::string_view, instance *> by_name;
    for (auto *list : {&apps_, &graveyard_})
        for (auto &a : *list)
            for (auto &i : a->instances()) by_name.emplace(i->name(), i.get());
    auto find = [&](const std::string &n) -> instance * {
        auto f = by_name.find(n);
        return f == by_name.end() ? nullptr : f->second;
    };
    for (auto it = stop_plans_.begin(); it != stop_plans_.end();) {
        stop_plan &p = *it;
        while (!p.layers.empty()) {
            auto &layer = p.layers.front();
            if (!p.issued) {
                p.issued = true;
                for (const auto &n : layer)
                    if (instance *i = find(n)) {
                        if (p.shutdown) i->shutdown_stop();
                        else i->feed(input::stop, "stop");
                    }
            }
            std::erase_if(layer, [&](const std::string &n) {
                instance *i = find(n);
                return i == nullptr || i->idle();
            });
            if (!layer.empty()) break;
            p.layers.erase(p.layers.begin());
            p.issued = false;
        }
        if (p.layers.empty()) it = stop_plans_.erase(it);
        else ++it;
    }
    advancing_ = false;
}

void supervisor::forget_pending_stops(const std::vector<instance *> &v) {
    for (auto &p : stop_plans_)
        for (size_t k = p.issued ? 1 : 0; k < p.layers.size(); ++k)
            std::erase_if(p.layers[k], [&](const std::string &n) {
                return std::any_of(v.begin(), v.end(), [&](instance *i) { return i->name() == n; });
            });
}

bool supervisor::deps_ready(const app &a, std::string *waiting_for) {
    bool task = a.spec().type != app_type::daemon;
    for (const auto &d : a.spec().deps) {
        app *dep = find_app(d);
        if (dep == nullptr) continue; // removed since: nothing to wait for
        std::string why; // empty: this instance of the dependency is ready
        for (auto &i : dep->instances()) {
            state s = i->current();
            bool busy = s == state::starting || s == state::running || s == state::stopping;
            switch (dep->spec().type) {
            case app_type::daemon:
                if (s != state::running) why = std::string("it is ") + state_name(s);
                break;
            case app_type::once:
                // A daemon needs its once dependency to have succeeded; a task (Meproc's rule)
                // is held only while the dependency runs, never by one that has not run.
                if (busy) why = "it is still running";
                else if (task || (i->last_exit_wall_ms() > 0 && i->exit_code() == 0)) why.clear();
                else if (i->last_exit_wall_ms() == 0) why = "it has not run yet";
                else if (i->exit_signal() > 0) why = "it was killed by " + signal_name(i->exit_signal());
                else why = "it exited with code " + std::to_string(i->exit_code());
                break;
            case app_type::cron:
                if (busy) why = "it is still running";
                break;
            }
            if (!why.empty()) break;
        }
        if (!why.empty()) {
            if (waiting_for != nullptr) *waiting_for = "'" + d + "' (" + why + ")";
            return false;
        }
    }
    return true;
}

void supervisor::release_blocked() {
    if (releasing_) return;
    releasing_ = true;
    bool again = true;
    while (again) {
        again = false;
        for (auto &a : apps_)
            for (auto &i : a->instances()) {
                if (i->current() != state::starting || i->pid() != 0) continue;
                if (std::string why; !deps_ready(*a, &why)) {
                    a->note_waiting(*i, why); // the reason may have changed ("it exited with code 1")
                    continue;
                }
                i->spawn_if_starting();
                again = true;
            }
    }
    releasing_ = false;
}

void supervisor::instance_changed(instance &i, state from, state to) {
    (void)from;
    if (to == state::running || to == state::exited || to == state::crashed || to == state::stopped ||
        to == state::errored || to == state::waiting)
        release_blocked();
    if (i.owner().spec().type == app_type::once && to == state::exited && !i.transient()) i.owner().desired_running = false;
    if (!is_active(to) || to == state::waiting) {
        advance_stop_plans();
        if (i.transient()) schedule_reaper();
    }
    if (shutting_down_) check_shutdown_done();
}

void supervisor::reap_all() {
    for (;;) {
        siginfo_t si{};
        if (::waitid(P_ALL, 0, &si, WEXITED | WNOHANG) != 0 || si.si_pid == 0) break;
        int code = si.si_code == CLD_EXITED ? si.si_status : -1;
        int sig = si.si_code == CLD_EXITED ? 0 : si.si_status;
        auto deliver = [&](instance &i) {
            if (i.pid() == si.si_pid) {
                i.on_reaped(code, sig);
                return true;
            }
            return false;
        };
        bool found = false;
        for (auto &a : apps_)
            for (auto &i : a->instances())
                if (!found && deliver(*i)) found = true;
        for (auto &a : graveyard_)
            for (auto &i : a->instances())
                if (!found && deliver(*i)) found = true;
        for (auto &i : parked_)
            if (!found && deliver(*i)) found = true;
        // Anything else was a re-parented grandchild: reaped, nothing more to do.
    }
}

// ---- shutdown ------------------------------------------------------------------------------

void supervisor::shutdown(std::function<void()> done) {
    shutting_down_ = true;
    shutdown_done_ = std::move(done);
    if (dirty_ && !ctx_.options().state_path.empty()) {
        uv_timer_stop(autosave_timer_);
        dirty_ = false;
        if (auto st = save_state(ctx_.options().state_path); !st) ctx_.record(3, "save: " + st.err().message);
    }
    for (auto &a : apps_) {
        a->disarm_cron();
        a->stop_watch();
    }
    // Dependents first, layer by layer.
    std::vector<instance *> all;
    for (auto &a : apps_)
        for (auto &i : a->instances()) all.push_back(i.get());
    stop_plans_.clear();
    stop_in_order(all, true);
    for (auto &a : graveyard_)
        for (auto &i : a->instances()) i->shutdown_stop();
    for (auto &i : parked_) i->shutdown_stop();
    check_shutdown_done();
}

void supervisor::check_shutdown_done() {
    if (!shutdown_done_) return;
    for (auto &a : apps_)
        for (auto &i : a->instances())
            if (!i->idle()) return;
    for (auto &a : graveyard_)
        for (auto &i : a->instances())
            if (!i->idle()) return;
    for (auto &i : parked_)
        if (!i->idle()) return;
    auto done = std::move(shutdown_done_);
    shutdown_done_ = nullptr;
    for (auto &a : apps_) a->close();
    for (auto &a : graveyard_) a->close();
    for (auto &i : parked_) i->close();
    close_handle(stats_timer_);
    close_handle(midnight_timer_);
    close_handle(autosave_timer_);
    close_handle(reaper_timer_);
    // Defer: we may be inside an instance callback.
    ctx_.post(std::move(done));
}

} // namespace alter::detail
