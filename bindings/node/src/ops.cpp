// SPDX-License-Identifier: MIT
// Actions: each alter_* call runs on libuv's thread pool (napi_async_work) and settles a Promise
// on the JS thread. A manager's actions run one at a time, in the order they were made. The calls post to libalter's loop and wait for the answer, which is short;
// the JS thread never waits. Errors are read on the thread that failed (alter_last_error is per
// thread) and become AlterError objects.
#include <functional>
#include <memory>
#include <string>

#include "manager.hpp"
#include "napi_util.hpp"

namespace alter_node {

namespace {

enum class result_kind { integer, text };

using op_fn = std::function<int(alter_context_t *, char **)>;

struct op {
    manager *m = nullptr; // nullptr: a call that needs no context
    op_fn fn;
    result_kind kind = result_kind::integer;
    napi_async_work work = nullptr;
    napi_deferred deferred = nullptr;
    int rc = 0;
    char *out = nullptr;
    std::string err, err_json;
};

void execute(napi_env, void *data) {
    auto *o = static_cast<op *>(data);
    if (o->m != nullptr && !o->m->enter()) {
        o->rc = ALTER_ECLOSED;
        o->err = "the manager is closed";
        return;
    }
    try {
        o->rc = o->fn(o->m != nullptr ? o->m->context() : nullptr, &o->out);
        if (o->rc < 0) {
            o->err = alter_last_error();
            o->err_json = alter_last_error_json();
        }
    } catch (...) {
        o->rc = ALTER_ENOMEM;
        o->err = "out of memory";
    }
    if (o->m != nullptr) o->m->leave();
}

void complete(napi_env env, napi_status status, void *data) {
    std::unique_ptr<op> o(static_cast<op *>(data));
    if (status != napi_ok && o->rc >= 0) {
        o->rc = ALTER_ECANCELED;
        o->err = "the operation was cancelled";
    }
    if (o->rc < 0) {
        napi_reject_deferred(env, o->deferred, make_alter_error(env, o->rc, o->err, o->err_json));
    } else if (o->kind == result_kind::text) {
        napi_resolve_deferred(env, o->deferred, make_string(env, o->out != nullptr ? o->out : ""));
    } else {
        napi_resolve_deferred(env, o->deferred, make_int(env, o->rc));
    }
    alter_free(o->out);
    napi_delete_async_work(env, o->work);
    if (o->m != nullptr) {
        // The next action of this manager, in the order they were made.
        manager *m = o->m;
        m->op_running = false;
        while (!m->waiting_ops().empty()) {
            napi_async_work next = m->waiting_ops().front();
            m->waiting_ops().pop_front();
            if (napi_queue_async_work(env, next) == napi_ok) {
                m->op_running = true;
                break;
            }
        }
        m->release();
    }
}

napi_value queue(napi_env env, manager *m, result_kind kind, op_fn fn) {
    auto o = std::make_unique<op>();
    o->m = m;
    o->kind = kind;
    o->fn = std::move(fn);
    napi_value promise = nullptr;
    ALTER_NAPI_OK(env, napi_create_promise(env, &o->deferred, &promise));
    ALTER_NAPI_OK(env, napi_create_async_work(env, nullptr, make_string(env, "alter.action"), execute, complete,
                                              o.get(), &o->work));
    if (m != nullptr && m->op_running) {
        // Runs when the manager's earlier actions are done (complete()).
        m->waiting_ops().push_back(o->work);
    } else if (napi_queue_async_work(env, o->work) != napi_ok) {
        napi_delete_async_work(env, o->work);
        throw_last_napi_error(env);
        return nullptr;
    } else if (m != nullptr) {
        m->op_running = true;
    }
    if (m != nullptr) m->add_ref(); // released in complete()
    o.release();
    return promise;
}

manager *self(napi_env env, const args &a) {
    void *p = nullptr;
    if (!a.ok) return nullptr;
    if (napi_unwrap(env, a.self, &p) != napi_ok || p == nullptr) {
        napi_throw_type_error(env, "EINVAL", "not a native alter Manager");
        return nullptr;
    }
    return static_cast<manager *>(p);
}

// ---- actions on a context ------------------------------------------------------------------

napi_value add(napi_env env, napi_callback_info info) {
    args a(env, info);
    manager *m = self(env, a);
    if (m == nullptr) return nullptr;
    auto spec = a.str(0, "spec");
    if (!spec) return nullptr;
    auto flags = a.i64(1, "flags", 0);
    if (!flags) return nullptr;
    auto f = static_cast<uint32_t>(*flags);
    return queue(env, m, result_kind::integer,
                 [s = *spec, f](alter_context_t *c, char **) { return alter_app_add(c, s.c_str(), f); });
}

napi_value update(napi_env env, napi_callback_info info) {
    args a(env, info);
    manager *m = self(env, a);
    if (m == nullptr) return nullptr;
    auto name = a.str(0, "name");
    auto patch = name ? a.str(1, "patch") : std::nullopt;
    if (!patch) return nullptr;
    return queue(env, m, result_kind::integer, [n = *name, p = *patch](alter_context_t *c, char **) {
        return alter_app_update(c, n.c_str(), p.c_str());
    });
}

/// action(kind, target): 0 remove, 1 start, 2 stop, 3 restart, 4 reset, 5 run, 6 enable, 7 disable,
/// 8 log clear.
napi_value action(napi_env env, napi_callback_info info) {
    args a(env, info);
    manager *m = self(env, a);
    if (m == nullptr) return nullptr;
    auto kind = a.i64(0, "kind", 0, false);
    auto target = kind ? a.str(1, "target") : std::nullopt;
    if (!target) return nullptr;
    using fn_t = int (*)(alter_context_t *, const char *);
    static const fn_t fns[] = {alter_app_remove, alter_app_start, alter_app_stop, alter_app_restart, alter_app_reset,
                               alter_app_run};
    int64_t k = *kind;
    if (k >= 0 && k < 6) {
        fn_t fn = fns[k];
        return queue(env, m, result_kind::integer,
                     [fn, t = *target](alter_context_t *c, char **) { return fn(c, t.c_str()); });
    }
    if (k == 6 || k == 7)
        return queue(env, m, result_kind::integer,
                     [on = k == 6, t = *target](alter_context_t *c, char **) { return alter_app_enable(c, t.c_str(), on); });
    if (k == 8)
        return queue(env, m, result_kind::integer,
                     [t = *target](alter_context_t *c, char **) { return alter_log_clear(c, t.c_str()); });
    napi_throw_range_error(env, "EINVAL", "unknown action");
    return nullptr;
}

/// query(kind, target): 0 get, 1 list (target: namespace or null), 2 spec, 3 runs, 4 log files,
/// 5 metrics, 6 host stats, 7 log dates. Resolves to the JSON (or text) answer.
napi_value query(napi_env env, napi_callback_info info) {
    args a(env, info);
    manager *m = self(env, a);
    if (m == nullptr) return nullptr;
    auto kind = a.i64(0, "kind", 0, false);
    if (!kind) return nullptr;
    bool optional = *kind == 1 || *kind == 5 || *kind == 6;
    auto target = a.str(1, "target", optional);
    if (!target && !a.is_nullish(1)) return nullptr;
    if (!target && !optional) return nullptr;
    std::string t = target.value_or("");
    bool has = target.has_value();
    switch (*kind) {
    case 0: return queue(env, m, result_kind::text, [t](alter_context_t *c, char **o) { return alter_app_get(c, t.c_str(), o); });
    case 1:
        return queue(env, m, result_kind::text,
                     [t, has](alter_context_t *c, char **o) { return alter_app_list(c, has ? t.c_str() : nullptr, o); });
    case 2: return queue(env, m, result_kind::text, [t](alter_context_t *c, char **o) { return alter_app_spec(c, t.c_str(), o); });
    case 3: return queue(env, m, result_kind::text, [t](alter_context_t *c, char **o) { return alter_app_runs(c, t.c_str(), o); });
    case 4: return queue(env, m, result_kind::text, [t](alter_context_t *c, char **o) { return alter_log_files(c, t.c_str(), o); });
    case 5: return queue(env, m, result_kind::text, [](alter_context_t *c, char **o) { return alter_app_metrics(c, o); });
    case 6: return queue(env, m, result_kind::text, [](alter_context_t *c, char **o) { return alter_host_stats(c, o); });
    case 7: return queue(env, m, result_kind::text, [t](alter_context_t *c, char **o) { return alter_log_dates(c, t.c_str(), o); });
    default: napi_throw_range_error(env, "EINVAL", "unknown query"); return nullptr;
    }
}

/// logRead(target, streams, lines, flags, date|null, grep|null)
napi_value log_read(napi_env env, napi_callback_info info) {
    args a(env, info);
    manager *m = self(env, a);
    if (m == nullptr) return nullptr;
    auto target = a.str(0, "target");
    if (!target) return nullptr;
    auto streams = a.i64(1, "streams", 0);
    auto lines = streams ? a.i64(2, "lines", 100) : std::nullopt;
    auto flags = lines ? a.i64(3, "flags", 0) : std::nullopt;
    if (!flags) return nullptr;
    auto date = a.str(4, "date", true);
    if (!date && !a.is_nullish(4)) return nullptr;
    auto grep = a.str(5, "grep", true);
    if (!grep && !a.is_nullish(5)) return nullptr;
    return queue(env, m, result_kind::text,
                 [t = *target, s = static_cast<uint32_t>(*streams), n = static_cast<uint32_t>(*lines),
                  f = static_cast<uint32_t>(*flags), date, grep](alter_context_t *c, char **o) {
                     alter_log_query_t q = ALTER_LOG_QUERY_INIT;
                     q.streams = s;
                     q.lines = n;
                     q.flags = f;
                     q.date = date ? date->c_str() : nullptr;
                     q.grep = grep ? grep->c_str() : nullptr;
                     return alter_log_read(c, t.c_str(), &q, o);
                 });
}

/// logRecent(target, n, streams)
napi_value log_recent(napi_env env, napi_callback_info info) {
    args a(env, info);
    manager *m = self(env, a);
    if (m == nullptr) return nullptr;
    auto target = a.str(0, "target");
    auto n = target ? a.i64(1, "lines", 100) : std::nullopt;
    auto streams = n ? a.i64(2, "streams", 0) : std::nullopt;
    if (!streams) return nullptr;
    return queue(env, m, result_kind::text,
                 [t = *target, k = static_cast<uint32_t>(*n), s = static_cast<uint32_t>(*streams)](alter_context_t *c, char **o) {
                     return alter_log_recent(c, t.c_str(), k, s, o);
                 });
}

/// state(save: bool, path|null)
napi_value state(napi_env env, napi_callback_info info) {
    args a(env, info);
    manager *m = self(env, a);
    if (m == nullptr) return nullptr;
    auto save = a.boolean(0, "save");
    if (!save) return nullptr;
    auto path = a.str(1, "path", true);
    if (!path && !a.is_nullish(1)) return nullptr;
    return queue(env, m, result_kind::integer, [s = *save, path](alter_context_t *c, char **) {
        const char *p = path ? path->c_str() : nullptr;
        return s ? alter_state_save(c, p) : alter_state_load(c, p);
    });
}

napi_value config_apply(napi_env env, napi_callback_info info) {
    args a(env, info);
    manager *m = self(env, a);
    if (m == nullptr) return nullptr;
    auto apps = a.str(0, "apps");
    if (!apps) return nullptr;
    return queue(env, m, result_kind::text,
                 [s = *apps](alter_context_t *c, char **o) { return alter_config_apply(c, s.c_str(), o); });
}

// ---- module functions ----------------------------------------------------------------------

napi_value version(napi_env env, napi_callback_info) { return make_string(env, alter_version()); }

napi_value state_name(napi_env env, napi_callback_info info) {
    args a(env, info);
    if (!a.ok) return nullptr;
    auto n = a.i64(0, "state", 0, false);
    if (!n) return nullptr;
    return make_string(env, alter_state_name(static_cast<int>(*n)));
}

napi_value throw_last(napi_env env, int rc) {
    napi_throw(env, make_alter_error(env, rc, alter_last_error(), alter_last_error_json()));
    return nullptr;
}

/// validateSpec(json) -> the normalised spec as JSON (pure, no I/O: synchronous).
napi_value validate_spec(napi_env env, napi_callback_info info) {
    args a(env, info);
    if (!a.ok) return nullptr;
    auto spec = a.str(0, "spec");
    if (!spec) return nullptr;
    char *out = nullptr;
    int rc = alter_spec_validate(spec->c_str(), &out);
    if (rc < 0) return throw_last(env, rc);
    napi_value v = make_string(env, out);
    alter_free(out);
    return v;
}

/// configParse(text, format, filename|null, baseDir|null) -> {"apps":[...],"warnings":[...]}
/// (pure, no I/O: synchronous).
napi_value config_parse(napi_env env, napi_callback_info info) {
    args a(env, info);
    if (!a.ok) return nullptr;
    auto text = a.str(0, "text");
    auto format = text ? a.i64(1, "format", 0) : std::nullopt;
    if (!format) return nullptr;
    auto filename = a.str(2, "filename", true);
    if (!filename && !a.is_nullish(2)) return nullptr;
    auto base = a.str(3, "baseDir", true);
    if (!base && !a.is_nullish(3)) return nullptr;
    alter_config_options_t o = ALTER_CONFIG_OPTIONS_INIT;
    o.format = static_cast<uint32_t>(*format);
    o.filename = filename ? filename->c_str() : nullptr;
    o.base_dir = base ? base->c_str() : nullptr;
    char *out = nullptr;
    int rc = alter_config_parse(text->data(), text->size(), &o, &out);
    if (rc < 0) return throw_last(env, rc);
    napi_value v = make_string(env, out);
    alter_free(out);
    return v;
}

/// configRead(path, format) -> Promise of the JSON (reads a file: off the JS thread).
napi_value config_read(napi_env env, napi_callback_info info) {
    args a(env, info);
    if (!a.ok) return nullptr;
    auto path = a.str(0, "path");
    auto format = path ? a.i64(1, "format", 0) : std::nullopt;
    if (!format) return nullptr;
    return queue(env, nullptr, result_kind::text, [p = *path, f = static_cast<uint32_t>(*format)](alter_context_t *, char **o) {
        int rc = alter_config_read(p.c_str(), f, o);
        return rc < 0 ? rc : 0;
    });
}

/// setup({ makeError }): the JS factory for AlterError objects.
napi_value setup(napi_env env, napi_callback_info info) {
    args a(env, info);
    if (!a.ok) return nullptr;
    if (a.type(0) != napi_function) {
        napi_throw_type_error(env, "EINVAL", "setup(makeError) expects a function");
        return nullptr;
    }
    addon_data *d = get_data(env);
    if (d == nullptr) return nullptr;
    if (d->make_error != nullptr) napi_delete_reference(env, d->make_error);
    d->make_error = nullptr;
    ALTER_NAPI_OK(env, napi_create_reference(env, a.argv[0], 1, &d->make_error));
    return undefined(env);
}

napi_property_descriptor method(const char *name, napi_callback cb) {
    return {name, nullptr, cb, nullptr, nullptr, nullptr, napi_default, nullptr};
}

} // namespace

void add_op_properties(std::vector<napi_property_descriptor> &props) {
    props.push_back(method("add", add));
    props.push_back(method("update", update));
    props.push_back(method("action", action));
    props.push_back(method("query", query));
    props.push_back(method("logRead", log_read));
    props.push_back(method("logRecent", log_recent));
    props.push_back(method("state", state));
    props.push_back(method("configApply", config_apply));
}

napi_status define_functions(napi_env env, napi_value exports) {
    napi_property_descriptor fns[] = {
        method("version", version),         method("stateName", state_name),   method("validateSpec", validate_spec),
        method("configParse", config_parse), method("configRead", config_read), method("setup", setup),
    };
    return napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns);
}

} // namespace alter_node
