// SPDX-License-Identifier: MIT
// Imports from other process managers: PM2 ecosystem apps and PPM (partner-pm) services are
// rewritten into objects with alter's keys, then validated by spec_from_value like any app.
// Where alter has an alias with the same meaning (cwd, kill_timeout, workdir, schedule, ...) the
// user's key is kept, so validation messages name the key the user wrote.
#include "config.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <thread>

#include "alter/alter.h"

namespace alter::detail {

namespace {

struct pm2_key {
    std::string_view key;
    std::string_view canon; // PM2's own name for the key (its schema's aliases resolved)
};

// PM2's schema (lib/API/schema.json) with its aliases.
constexpr std::array<pm2_key, 81> pm2_keys{{
    {"script", "script"}, {"exec", "script"}, {"name", "name"}, {"name_prefix", "name_prefix"},
    {"filter_env", "filter_env"}, {"namespace", "namespace"}, {"install_url", "install_url"}, {"cwd", "cwd"},
    {"args", "args"}, {"interpreter", "interpreter"}, {"exec_interpreter", "interpreter"},
    {"node_args", "node_args"}, {"interpreter_args", "node_args"}, {"interpreterArgs", "node_args"},
    {"out_file", "out_file"}, {"out", "out_file"}, {"output", "out_file"}, {"out_log", "out_file"},
    {"error_file", "error_file"}, {"error", "error_file"}, {"err", "error_file"}, {"err_file", "error_file"},
    {"err_log", "error_file"}, {"log_file", "log_file"}, {"log", "log_file"}, {"disable_logs", "disable_logs"},
    {"log_type", "log_type"}, {"log_date_format", "log_date_format"}, {"time", "time"}, {"env", "env"},
    {"max_memory_restart", "max_memory_restart"}, {"pid_file", "pid_file"}, {"pid", "pid_file"},
    {"restart_delay", "restart_delay"}, {"exp_backoff_restart_delay", "exp_backoff_restart_delay"},
    {"source_map_support", "source_map_support"}, {"disable_source_map_support", "disable_source_map_support"},
    {"wait_ready", "wait_ready"}, {"instances", "instances"}, {"kill_timeout", "kill_timeout"},
    {"shutdown_with_message", "shutdown_with_message"}, {"listen_timeout", "listen_timeout"},
    {"cron_restart", "cron_restart"}, {"cron", "cron_restart"}, {"merge_logs", "merge_logs"},
    {"combine_logs", "merge_logs"}, {"vizion", "vizion"}, {"autostart", "autostart"},
    {"autorestart", "autorestart"}, {"stop_exit_codes", "stop_exit_codes"}, {"watch_delay", "watch_delay"},
    {"watch", "watch"}, {"ignore_watch", "ignore_watch"}, {"watch_options", "watch_options"},
    {"min_uptime", "min_uptime"}, {"max_restarts", "max_restarts"}, {"execute_command", "execute_command"},
    {"exec_mode", "exec_mode"}, {"force", "force"}, {"append_env_to_name", "append_env_to_name"},
    {"post_update", "post_update"}, {"trace", "trace"}, {"disable_trace", "disable_trace"}, {"v8", "v8"},
    {"event_loop_inspector", "event_loop_inspector"}, {"deep_monitoring", "deep_monitoring"},
    {"increment_var", "increment_var"}, {"instance_var", "instance_var"}, {"pmx", "pmx"},
    {"automation", "automation"}, {"treekill", "treekill"}, {"port", "port"}, {"username", "username"},
    {"uid", "uid"}, {"user", "uid"}, {"gid", "gid"}, {"windowsHide", "windowsHide"},
    {"kill_retry_time", "kill_retry_time"}, {"write", "write"}, {"io", "io"},
}};

// PM2 internals or Keymetrics features: no meaning outside PM2, dropped without a warning.
constexpr std::array<std::string_view, 18> pm2_silent{{
    "install_url", "source_map_support", "disable_source_map_support", "vizion", "execute_command", "trace",
    "disable_trace", "v8", "event_loop_inspector", "deep_monitoring", "pmx", "automation", "username",
    "windowsHide", "write", "io", "force", "time",
}};

// Ignored with a warning: the reason alter cannot honour them.
constexpr std::array<std::pair<std::string_view, std::string_view>, 20> pm2_ignored{{
    {"out_file", "alter writes each app's stdout/stderr to its own rotated log files ('alter logs')"},
    {"error_file", "alter writes each app's stdout/stderr to its own rotated log files ('alter logs')"},
    {"log_file", "alter writes each app's stdout/stderr to its own rotated log files ('alter logs')"},
    {"pid_file", "alter keeps pids itself ('alter list')"},
    {"disable_logs", "alter always captures output (set log_max_size/log_max_files to bound it)"},
    {"log_type", "alter's logs are plain timestamped lines"},
    {"log_date_format", "alter timestamps every line itself"},
    {"merge_logs", "there is no cluster mode to merge logs from"},
    {"max_memory_restart", "alter does not restart apps on memory use"},
    {"wait_ready", "alter counts an app as up once it has run for min_uptime_ms"},
    {"listen_timeout", "alter counts an app as up once it has run for min_uptime_ms"},
    {"shutdown_with_message", "alter stops apps with a signal (stop_signal; SIGINT for PM2 imports)"},
    {"increment_var", "alter sets ALTER_INSTANCE (0, 1, ...) in every instance instead"},
    {"instance_var", "alter sets ALTER_INSTANCE (0, 1, ...) in every instance instead"},
    {"append_env_to_name", "alter has no --env switch"},
    {"name_prefix", "names are used as written"},
    {"filter_env", "apps inherit alterd's environment plus env"},
    {"post_update", "there is no deployment hook"},
    {"kill_retry_time", "alter sends SIGKILL once, kill_timeout after stop_signal"},
    {"watch_options", "chokidar options have no equivalent (see watch_ignore, watch_delay)"},
}};

// Keys whose presence marks a file as PM2's (they mean nothing to alter).
constexpr std::array<std::string_view, 26> pm2_signature{{
    "interpreter", "exec_interpreter", "interpreter_args", "interpreterArgs", "node_args", "exec_mode",
    "exp_backoff_restart_delay", "cron_restart", "max_memory_restart", "out_file", "error_file", "log_file",
    "merge_logs", "combine_logs", "log_date_format", "instance_var", "increment_var", "stop_exit_codes",
    "wait_ready", "listen_timeout", "shutdown_with_message", "uid", "gid", "watch_options", "autostart",
    "treekill",
}};

std::string_view pm2_canon(std::string_view key) {
    for (const auto &k : pm2_keys)
        if (k.key == key) return k.canon;
    return {};
}

bool is_env_variant(std::string_view key) { return key.size() > 4 && key.substr(0, 4) == "env_" && key != "env_file"; }

// "x" for warnings: scalars as written, containers by type.
std::string show(const value &v) {
    switch (v.k) {
    case value::kind::string: return v.s;
    case value::kind::integer: return std::to_string(v.i);
    case value::kind::boolean: return v.b ? "true" : "false";
    default: return to_json(v);
    }
}

bool truthy(const value &v) {
    switch (v.k) {
    case value::kind::null: return false;
    case value::kind::boolean: return v.b;
    case value::kind::string: return !v.s.empty();
    case value::kind::array: return !v.items.empty();
    case value::kind::object: return !v.fields.empty();
    default: return true;
    }
}

value at(value v, const value &pos) {
    v.line = pos.line;
    v.column = pos.column;
    return v;
}

// A list of words: a string is split like a command line, an array is taken as is.
result<std::vector<std::string>> words(const value &v, const std::string &field) {
    std::vector<std::string> out;
    if (v.is_string()) {
        if (!split_words(v.s, out)) return config_field_error(field, &v, "unterminated quote");
        return out;
    }
    if (!v.is_array()) return config_field_error(field, &v, std::string("expected a string or a list of strings, got ") + v.type_name());
    for (size_t i = 0; i < v.items.size(); ++i) {
        const value &x = v.items[i];
        if (x.is_string()) out.push_back(x.s);
        else if (x.k == value::kind::integer) out.push_back(std::to_string(x.i));
        else
            return config_field_error(field + "[" + std::to_string(i) + "]", &x,
                                      std::string("expected a string, got ") + x.type_name());
    }
    return out;
}

value string_list(const std::vector<std::string> &xs, const value &pos) {
    value a = at(value::make_array(), pos);
    for (const auto &x : xs) a.items.push_back(at(value::make_string(x), pos));
    return a;
}

std::string_view interpreter_for(std::string_view script) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> by_ext{{
        {".js", "node"}, {".cjs", "node"}, {".mjs", "node"}, {".py", "python3"}, {".sh", "bash"},
        {".rb", "ruby"}, {".php", "php"}, {".pl", "perl"}, {".coffee", "coffee"}, {".ls", "lsc"},
        {".ts", "bun"}, {".tsx", "bun"},
    }};
    auto slash = script.rfind('/');
    std::string_view base = slash == std::string_view::npos ? script : script.substr(slash + 1);
    auto dot = base.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return {};
    for (const auto &[ext, interp] : by_ext)
        if (base.substr(dot) == ext) return interp;
    return {};
}

std::string name_from_script(std::string_view script) {
    while (!script.empty() && script.back() == '/') script.remove_suffix(1);
    auto slash = script.rfind('/');
    std::string_view base = slash == std::string_view::npos ? script : script.substr(slash + 1);
    if (auto sp = base.find_first_of(" \t"); sp != std::string_view::npos) base = base.substr(0, sp);
    if (auto dot = base.rfind('.'); dot != std::string_view::npos && dot > 0) base = base.substr(0, dot);
    return std::string(base);
}

unsigned cpus(const config_options &opts) {
    unsigned n = opts.cpu_count != 0 ? opts.cpu_count : std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

} // namespace

error config_field_error(const std::string &field, const value *v, std::string msg, std::string hint) {
    error e(ALTER_ESPEC, field + ": " + msg);
    e.field = field;
    if (!hint.empty()) {
        e.message += " (" + hint + ")";
        e.hint = std::move(hint);
    }
    if (v != nullptr) {
        e.line = v->line;
        e.column = v->column;
    }
    return e;
}

error config_key_error(const std::string &field, const value &v, std::string msg, std::string hint) {
    error e = config_field_error(field, &v, std::move(msg), std::move(hint));
    if (v.key_line > 0) {
        e.line = v.key_line;
        e.column = v.key_column;
    }
    return e;
}

bool pm2_known_key(std::string_view key) { return !pm2_canon(key).empty() || is_env_variant(key); }

bool pm2_signature_key(std::string_view key) {
    return is_env_variant(key) || std::find(pm2_signature.begin(), pm2_signature.end(), key) != pm2_signature.end();
}

namespace {

// The PM2 keys that need more than a rename, collected in one pass over an app.
struct pm2_app {
    const value *script = nullptr, *interp = nullptr, *node_args = nullptr, *args = nullptr, *name = nullptr;
    const value *instances = nullptr, *exec_mode = nullptr, *port = nullptr;
    const value *autorestart = nullptr, *stop_codes = nullptr, *cron = nullptr, *restart_delay = nullptr,
                *exp_backoff = nullptr;
    std::vector<std::pair<std::string_view, std::string_view>> seen; // PM2's name -> key as written

    std::string written(std::string_view canon) const {
        for (const auto &[c, k] : seen)
            if (c == canon) return std::string(k);
        return std::string(canon);
    }
    // "restart on every exit" unless autorestart is false
    bool restarts() const { return !(autorestart && autorestart->k == value::kind::boolean && !autorestart->b); }
};

void set_env_default(value &out, const value &pos, const std::string &name, const std::string &val) {
    value *env = out.find("env");
    if (env == nullptr) env = &out.set("env", at(value::make_object(), pos));
    if (env->is_object() && env->find(name) == nullptr) env->set(name, at(value::make_string(val), pos));
}

// command + args from script, interpreter, node_args and args, the way PM2 builds them.
status pm2_command(const value &app, const std::string &prefix, const pm2_app &p, value &out, value &result,
                   std::vector<std::string> &warnings) {
    std::vector<std::string> argv, iargs;
    if (p.args) {
        auto w = words(*p.args, prefix + "args");
        if (!w) return std::move(w).err();
        argv = std::move(*w);
    }
    if (p.node_args) {
        auto w = words(*p.node_args, prefix + p.written("node_args"));
        if (!w) return std::move(w).err();
        iargs = std::move(*w);
    }
    bool alter_command = out.find("command") != nullptr || out.find("cmd") != nullptr;
    if (p.script == nullptr) {
        if (!alter_command) return config_field_error(prefix + "script", &app, "required");
        if (p.interp) return config_field_error(prefix + p.written("interpreter"), p.interp, "needs a script");
        return {};
    }
    const value &script = *p.script;
    std::string field = prefix + p.written("script");
    if (alter_command) return config_field_error(field, &script, "given twice (also as 'command')");
    if (!script.is_string() || script.s.empty())
        return config_field_error(field, &script, std::string("expected a non-empty string, got ") +
                                                      (script.is_string() ? "''" : script.type_name()));
    std::string interpreter;
    if (p.interp) {
        if (!p.interp->is_string() || p.interp->s.empty())
            return config_field_error(prefix + p.written("interpreter"), p.interp, "expected a non-empty string");
        if (p.interp->s != "none") interpreter = p.interp->s;
    } else {
        interpreter = std::string(interpreter_for(script.s));
    }
    if (!p.name) result.set("name", at(value::make_string(name_from_script(script.s)), script));
    if (interpreter.empty()) {
        if (!iargs.empty()) warnings.push_back(prefix + p.written("node_args") + ": ignored: the script runs without an interpreter");
        if (script.s.find_first_of(" \t") != std::string::npos) // a command line: "npm run start"
            return set_command_line(result, script, field, argv);
        result.set("command", script);
        result.set("args", string_list(argv, p.args ? *p.args : script));
        return {};
    }
    std::vector<std::string> full = iargs;
    full.push_back(script.s);
    full.insert(full.end(), argv.begin(), argv.end());
    result.set("command", at(value::make_string(interpreter), p.interp ? *p.interp : script));
    result.set("args", string_list(full, script));
    if (interpreter.find("python") != std::string::npos) set_env_default(out, script, "PYTHONUNBUFFERED", "1"); // as PM2
    return {};
}

// instances: "max" and 0 mean one per CPU, -N all CPUs but N; exec_mode cluster is a warning.
status pm2_instances(const std::string &prefix, const pm2_app &p, const config_options &opts, value &out,
                     std::vector<std::string> &warnings) {
    int64_t count = 1;
    if (const value *v = p.instances) {
        int64_t n = 0;
        bool ok = true;
        if (v->k == value::kind::integer) n = v->i;
        else if (v->is_string() && v->s == "max") n = 0;
        else if (v->is_string()) {
            auto r = std::from_chars(v->s.data(), v->s.data() + v->s.size(), n);
            ok = r.ec == std::errc() && r.ptr == v->s.data() + v->s.size();
        } else ok = false;
        if (!ok) return config_field_error(prefix + "instances", v, "expected a number, \"max\", 0 or -N (got " + show(*v) + ")");
        int64_t c = cpus(opts);
        count = n > 0 ? n : std::max<int64_t>(1, c + n);
        out.fields.emplace_back("instances", at(value::make_int(count), *v));
    }
    if (const value *m = p.exec_mode) {
        std::string mode = m->is_string() ? m->s : "";
        if (mode == "cluster" || mode == "cluster_mode")
            warnings.push_back(prefix + "exec_mode=cluster: cluster mode is not supported; running " +
                               std::to_string(count) + " independent instance" + (count == 1 ? "" : "s") +
                               " (they cannot share a listening port)");
        else if (mode != "fork" && mode != "fork_mode")
            return config_field_error(prefix + "exec_mode", m, "expected fork or cluster (got " + show(*m) + ")");
    }
    return {};
}

// Restart policy, cron_restart, delays and the stop signal.
status pm2_restart(const value &app, const std::string &prefix, const pm2_app &p, value &out,
                   std::vector<std::string> &warnings) {
    // PM2 restarts on every exit unless autorestart is false; stop_exit_codes [0] is on-failure.
    bool restarts = p.restarts();
    const value &pos = p.autorestart ? *p.autorestart : app;
    std::string policy = restarts ? "always" : "never";
    if (const value *sc = p.stop_codes) {
        std::vector<int64_t> codes;
        if (sc->k == value::kind::integer) codes.push_back(sc->i);
        else if (sc->is_array())
            for (const auto &c : sc->items) {
                if (c.k != value::kind::integer) return config_field_error(prefix + "stop_exit_codes", &c, "expected exit codes (integers)");
                codes.push_back(c.i);
            }
        else return config_field_error(prefix + "stop_exit_codes", sc, "expected an exit code or a list of them");
        if (restarts && std::find(codes.begin(), codes.end(), 0) != codes.end()) policy = "on-failure";
        std::string others;
        for (auto c : codes)
            if (c != 0) others += (others.empty() ? "" : ", ") + std::to_string(c);
        if (restarts && !others.empty())
            warnings.push_back(prefix + "stop_exit_codes: exit code" + (others.find(',') != std::string::npos ? "s " : " ") +
                               others + " will still restart: alter only treats 0 as a clean stop (restart = on-failure)");
    }
    if (p.autorestart) // keep the key: spec_from_value then reports a clash with 'restart'
        out.fields.emplace_back(p.written("autorestart"), p.autorestart->k == value::kind::boolean
                                                              ? at(value::make_string(policy), pos)
                                                              : *p.autorestart);
    else if (out.find("restart") == nullptr && out.find("restart_policy") == nullptr)
        out.fields.emplace_back("restart", at(value::make_string(policy), pos));

    if (const value *cron = p.cron) {
        // autorestart: false + cron_restart is PM2's cron job; on a daemon it restarts on schedule.
        out.fields.emplace_back("cron", *cron);
        if (out.find("type") == nullptr) out.fields.emplace_back("type", at(value::make_string(restarts ? "daemon" : "cron"), *cron));
        if (!restarts && out.find("overlap") == nullptr) out.fields.emplace_back("overlap", at(value::make_string("replace"), *cron));
    }
    if (const value *eb = p.exp_backoff) { // PM2's exponential backoff: x1.5 up to 15 s
        if (p.restart_delay) warnings.push_back(prefix + "restart_delay: ignored: exp_backoff_restart_delay takes precedence");
        out.fields.emplace_back("restart_delay_ms", *eb);
        out.fields.emplace_back("backoff_multiplier", at(value::make_number(1.5), *eb));
        out.fields.emplace_back("max_restart_delay_ms", at(value::make_int(15'000), *eb));
    } else if (const value *rd = p.restart_delay) { // PM2's restart_delay is a fixed delay
        out.fields.emplace_back(p.written("restart_delay"), *rd);
        out.fields.emplace_back("backoff_multiplier", at(value::make_number(1.0), *rd));
    }
    if (out.find("stop_signal") == nullptr && out.find("kill_signal") == nullptr) // PM2 stops apps with SIGINT
        out.fields.emplace_back("stop_signal", at(value::make_string("SIGINT"), app));
    return {};
}

} // namespace

result<value> pm2_translate(const value &app, const std::string &prefix, const config_options &opts,
                            std::vector<std::string> &warnings) {
    if (!app.is_object())
        return config_field_error(prefix.substr(0, prefix.size() - 1), &app,
                                  std::string("expected an object, got ") + app.type_name());
    value out = at(value::make_object(), app); // everything but name, command and args
    pm2_app p;
    auto warn = [&](std::string_view key, const value &v, std::string_view why, bool with_value) {
        std::string w = prefix + std::string(key);
        if (with_value) w += "=" + show(v);
        warnings.push_back(w + ": ignored: " + std::string(why));
    };

    for (const auto &[key, v] : app.fields) {
        std::string field = prefix + key;
        std::string_view canon = pm2_canon(key);
        if (is_env_variant(key)) {
            if (truthy(v)) warn(key, v, "alter has no --env <name> switch; merge the variables you need into env", false);
            continue;
        }
        if (canon.empty()) {
            if (!spec_canonical_key(key).empty()) { // alter's own keys are welcome in a PM2 file
                out.fields.emplace_back(key, v);
                continue;
            }
            std::vector<std::string_view> names;
            for (const auto &k : pm2_keys) names.push_back(k.key);
            for (auto k : spec_keys()) names.push_back(k);
            std::string hint;
            if (auto c = closest(key, names); !c.empty()) hint = "did you mean '" + std::string(c) + "'?";
            return config_key_error(field, v, "unknown field", hint);
        }
        for (const auto &[c, k] : p.seen)
            if (c == canon) return config_field_error(field, &v, "given twice (also as '" + std::string(k) + "')");
        p.seen.emplace_back(canon, key);

        static constexpr std::array<std::pair<std::string_view, const value *pm2_app::*>, 13> collected{{
            {"script", &pm2_app::script}, {"interpreter", &pm2_app::interp}, {"node_args", &pm2_app::node_args},
            {"args", &pm2_app::args}, {"name", &pm2_app::name}, {"instances", &pm2_app::instances},
            {"exec_mode", &pm2_app::exec_mode}, {"port", &pm2_app::port}, {"autorestart", &pm2_app::autorestart},
            {"stop_exit_codes", &pm2_app::stop_codes}, {"cron_restart", &pm2_app::cron},
            {"restart_delay", &pm2_app::restart_delay}, {"exp_backoff_restart_delay", &pm2_app::exp_backoff},
        }};
        auto slot = std::find_if(collected.begin(), collected.end(), [&](const auto &c) { return c.first == canon; });
        if (slot != collected.end()) {
            p.*(slot->second) = &v;
        } else if (canon == "uid" || canon == "gid") {
            // Numeric ids are accepted as strings: alter resolves "1000" like a name.
            value u = v.k == value::kind::integer ? at(value::make_string(std::to_string(v.i)), v) : v;
            out.fields.emplace_back(canon == "uid" ? "user" : "group", std::move(u));
        } else if (canon == "min_uptime") {
            int64_t ms = 0;
            if (v.k != value::kind::string) out.fields.emplace_back(key, v);
            else if (parse_duration_ms(v.s, ms)) out.fields.emplace_back(key, at(value::make_int(ms), v));
            else return config_field_error(field, &v, "expected milliseconds or a duration such as 2s, 1m, 1h (got '" + v.s + "')");
        } else if (canon == "autostart") {
            out.fields.emplace_back("enabled", v); // autostart: false registers without starting
        } else if (canon == "treekill") {
            if (v.k == value::kind::boolean && !v.b) warn(key, v, "alter always signals the app's whole process group", true);
        } else if (canon == "cwd" || canon == "env" || canon == "namespace" || canon == "max_restarts" ||
                   canon == "kill_timeout" || canon == "watch" || canon == "ignore_watch" || canon == "watch_delay") {
            out.fields.emplace_back(key, v); // same meaning as alter's alias of the same name
        } else if (std::find(pm2_silent.begin(), pm2_silent.end(), canon) == pm2_silent.end()) {
            for (const auto &[k, why] : pm2_ignored)
                if (k == canon && truthy(v)) warn(key, v, why, v.k != value::kind::object && v.k != value::kind::array);
        }
    }

    value result = at(value::make_object(), app); // name first, then command and args, then the rest
    if (p.name) result.set("name", *p.name);
    if (auto st = pm2_command(app, prefix, p, out, result, warnings); !st) return st.err();
    if (p.port) set_env_default(out, *p.port, "PORT", show(*p.port)); // PM2's shortcut for env.PORT
    if (auto st = pm2_instances(prefix, p, opts, out, warnings); !st) return st.err();
    if (auto st = pm2_restart(app, prefix, p, out, warnings); !st) return st.err();
    for (auto &f : out.fields) result.fields.push_back(std::move(f));
    return result;
}

// ---- PPM ----------------------------------------------------------------------------------

namespace {

constexpr std::array<std::string_view, 6> ppm_root_keys{
    {"services", "stats_interval", "restart_interval", "watch_restart_interval", "clock_check_interval", "logger"}};
constexpr std::array<std::string_view, 6> ppm_service_keys{{"id", "name", "command", "workdir", "schedule", "watch"}};
constexpr std::array<std::string_view, 4> ppm_command_keys{{"path", "args", "env", "workdir"}};
constexpr std::array<std::string_view, 4> ppm_watch_keys{{"paths", "include", "exclude", "max_depth"}};
constexpr std::array<std::string_view, 4> ppm_logger_keys{{"path", "max_files", "max_file_size", "auto_date"}};

template <size_t N>
status check_keys(const value &obj, const std::array<std::string_view, N> &allowed, const std::string &prefix) {
    for (const auto &[key, v] : obj.fields)
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end() &&
            !(prefix.empty() && key.rfind("x-", 0) == 0)) { // x-*: room for YAML anchors, as in alter's format
            std::vector<std::string_view> names(allowed.begin(), allowed.end());
            std::string hint;
            if (auto c = closest(key, names); !c.empty()) hint = "did you mean '" + std::string(c) + "'?";
            return config_key_error(prefix + key, v, "unknown field", hint);
        }
    return {};
}

// A PPM duration ("1h30m", "500ms") at root key `key`, as milliseconds; null if absent.
result<value> ppm_duration(const value &root, std::string_view key) {
    const value *v = root.find(key);
    if (v == nullptr || v->is_null()) return value{};
    int64_t ms = 0;
    if (v->k == value::kind::integer && v->i >= 0) ms = v->i;
    else if (!v->is_string() || !parse_duration_ms(v->s, ms))
        return config_field_error(std::string(key), v, "expected a duration such as 500ms, 3s or 1h30m (got " + show(*v) + ")");
    return at(value::make_int(ms), *v);
}

} // namespace

status ppm_check_root(const value &root, std::vector<std::string> &warnings) {
    if (auto st = check_keys(root, ppm_root_keys, ""); !st) return st;
    for (auto key : {"stats_interval", "restart_interval", "watch_restart_interval", "clock_check_interval"})
        if (auto d = ppm_duration(root, key); !d) return std::move(d).err();
    for (auto key : {"stats_interval", "clock_check_interval"})
        if (root.find(key) != nullptr) warnings.push_back(std::string(key) + ": ignored: alterd has its own setting");
    if (const value *logger = root.find("logger"); logger != nullptr && !logger->is_null()) {
        if (!logger->is_object()) return config_field_error("logger", logger, std::string("expected an object, got ") + logger->type_name());
        if (auto st = check_keys(*logger, ppm_logger_keys, "logger."); !st) return st;
        if (logger->find("path") != nullptr) warnings.push_back("logger.path: ignored: alterd keeps logs in its data directory");
        if (logger->find("auto_date") != nullptr) warnings.push_back("logger.auto_date: ignored: alter names rotated files itself");
    }
    return {};
}

result<value> ppm_translate(const value &svc, const std::string &prefix, const value &root,
                            std::vector<std::string> &warnings) {
    if (!svc.is_object())
        return config_field_error(prefix.substr(0, prefix.size() - 1), &svc, std::string("expected an object, got ") + svc.type_name());
    if (auto st = check_keys(svc, ppm_service_keys, prefix); !st) return st.err();
    value out = at(value::make_object(), svc);
    const value *cmd = svc.find("command");
    if (const value *name = svc.find("name")) out.set("name", *name);
    if (cmd == nullptr) return config_field_error(prefix + "command", &svc, "required");
    if (cmd->is_string()) { // the form PPM's documentation shows: a command line
        if (auto st = set_command_line(out, *cmd, prefix + "command"); !st) return st.err();
    } else if (cmd->is_object()) {
        if (auto st = check_keys(*cmd, ppm_command_keys, prefix + "command."); !st) return st.err();
        const value *path = cmd->find("path");
        if (path == nullptr) return config_field_error(prefix + "command.path", cmd, "required");
        if (!path->is_string()) return config_field_error(prefix + "command.path", path, std::string("expected a string, got ") + path->type_name());
        out.set("command", *path);
        if (const value *a = cmd->find("args")) {
            auto w = words(*a, prefix + "command.args");
            if (!w) return std::move(w).err();
            out.set("args", string_list(*w, *a));
        }
        if (const value *e = cmd->find("env")) out.set("env", *e);
        // PPM's docs nest workdir under command (PPM itself ignores it there): honour it.
        if (const value *w = cmd->find("workdir"); w != nullptr && svc.find("workdir") == nullptr) out.set("workdir", *w);
    } else {
        return config_field_error(prefix + "command", cmd, std::string("expected {path, args, env} or a command line, got ") + cmd->type_name());
    }
    if (const value *w = svc.find("workdir")) out.set("workdir", *w);
    if (const value *s = svc.find("schedule"); s != nullptr && !s->is_null()) {
        out.set("schedule", *s);
        out.set("overlap", at(value::make_string("replace"), *s)); // PPM restarts on each tick
    }
    if (const value *w = svc.find("watch"); w != nullptr && !w->is_null()) {
        if (w->is_object()) {
            if (auto st = check_keys(*w, ppm_watch_keys, prefix + "watch."); !st) return st.err();
            const value *paths = w->find("paths");
            if (paths == nullptr) return config_field_error(prefix + "watch.paths", w, "required");
            out.set("watch", *paths);
            if (const value *inc = w->find("include")) out.set("watch_include", *inc);
            if (const value *exc = w->find("exclude")) out.set("watch_ignore", *exc);
            if (w->find("max_depth") != nullptr)
                warnings.push_back(prefix + "watch.max_depth: ignored: alter watches the whole tree");
        } else {
            out.set("watch", *w);
        }
    }
    // Global settings apply to every service.
    auto restart = ppm_duration(root, "restart_interval");
    if (!restart) return std::move(restart).err();
    if (!restart->is_null()) out.set("restart_delay_ms", std::move(restart).value());
    auto debounce = ppm_duration(root, "watch_restart_interval");
    if (!debounce) return std::move(debounce).err();
    if (!debounce->is_null()) out.set("watch_debounce_ms", std::move(debounce).value());
    if (const value *logger = root.find("logger"); logger != nullptr && logger->is_object()) {
        if (const value *size = logger->find("max_file_size")) out.set("log_max_size", *size);
        if (const value *files = logger->find("max_files")) out.set("log_max_files", *files);
    }
    return out;
}

} // namespace alter::detail
