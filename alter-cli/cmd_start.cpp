// SPDX-License-Identifier: MIT
// alter start <command> | <ecosystem file> | <target>. The app spec is built here, on the
// client: the daemon's cwd is "/" and its PATH may differ from the user's.
#include "commands.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "alter/json.hpp"
#include "start_spec.hpp"

namespace alter::cli {

namespace {

constexpr option opts[] = {
    {"--name", 0, arity::value},           {"--cwd", 0, arity::value},
    {"--namespace", 0, arity::value},      {"--env", 'e', arity::value},
    {"--env-file", 0, arity::value},       {"--instances", 0, arity::value},
    {"--autorestart", 0, arity::value},    {"--no-autorestart", 0, arity::none},
    {"--restart-delay", 0, arity::value},  {"--max-restart-delay", 0, arity::value},
    {"--max-restarts", 0, arity::value},   {"--min-uptime", 0, arity::value},
    {"--kill-timeout", 0, arity::value},   {"--stop-signal", 0, arity::value},
    {"--type", 0, arity::value},           {"--cron", 0, arity::value},
    {"--overlap", 0, arity::value},        {"--watch", 0, arity::optional},
    {"--ignore-watch", 0, arity::value},   {"--deps", 0, arity::value},
    {"--user", 0, arity::value},           {"--group", 0, arity::value},
    {"--no-start", 0, arity::none},
};
enum {
    o_name, o_cwd, o_namespace, o_env, o_env_file, o_instances, o_autorestart, o_no_autorestart,
    o_restart_delay, o_max_restart_delay, o_max_restarts, o_min_uptime, o_kill_timeout, o_stop_signal,
    o_type, o_cron, o_overlap, o_watch, o_ignore_watch, o_deps, o_user, o_group, o_no_start,
};

// "--watch src": the next word is the path if a command was given already and it exists.
bool watch_value(const option &, std::string_view next, const parsed_args &so_far) {
    if (so_far.positionals.empty() || next.empty() || next[0] == '-') return false;
    struct stat st {};
    return ::stat(std::string(next).c_str(), &st) == 0;
}

// Integer fields: option, spec key, range.
struct int_field {
    int opt;
    std::string_view key;
    int64_t min, max;
};
constexpr int_field int_fields[] = {
    {o_instances, "instances", 1, 1024},
    {o_restart_delay, "restart_delay_ms", 0, 604'800'000},
    {o_max_restart_delay, "max_restart_delay_ms", 0, 604'800'000},
    {o_max_restarts, "max_restarts", 0, 1'000'000},
    {o_min_uptime, "min_uptime_ms", 0, 604'800'000},
    {o_kill_timeout, "kill_timeout_ms", 0, 604'800'000},
};

// String fields passed as given (the daemon validates them and names the field in errors).
struct str_field {
    int opt;
    std::string_view key;
};
constexpr str_field str_fields[] = {
    {o_namespace, "namespace"}, {o_autorestart, "restart"}, {o_type, "type"}, {o_cron, "cron"},
    {o_overlap, "overlap"},     {o_user, "user"},           {o_group, "group"},
};

// The values alterd accepts for the enumerated fields (libalter/src/spec.cpp), checked here so
// that a typo is a usage error (exit 2) before anything is sent; the first `shown` are listed.
struct choice_field {
    int opt;
    std::span<const std::string_view> values;
    size_t shown;
};
constexpr std::string_view restart_values[] = {"always", "on-failure", "never", "on_failure", "unless-stopped", "no"};
constexpr std::string_view type_values[] = {"daemon", "once", "cron"};
constexpr std::string_view overlap_values[] = {"skip", "allow", "replace"};
constexpr choice_field choice_fields[] = {
    {o_autorestart, restart_values, 3}, {o_type, type_values, 3}, {o_overlap, overlap_values, 3}};

bool check_choices(std::string_view cmd, const parsed_args &a) {
    for (const auto &f : choice_fields) {
        const std::string *v = a.value(static_cast<size_t>(f.opt));
        if (v == nullptr || std::find(f.values.begin(), f.values.end(), *v) != f.values.end()) continue;
        std::string list;
        for (size_t i = 0; i < f.shown; ++i) list += std::string(i == 0 ? "" : i + 1 == f.shown ? " or " : ", ") + std::string(f.values[i]);
        std::string_view hint = did_you_mean(*v, f.values.first(f.shown));
        std::string name(opts[f.opt].name);
        (void)usage_error(cmd, "%s: expected %s (got '%s')%s%.*s%s", name.c_str(), list.c_str(), v->c_str(),
                          hint.empty() ? "" : " (did you mean '", static_cast<int>(hint.size()), hint.data(), hint.empty() ? "" : "'?)");
        return false;
    }
    // A signal: 1-64, or a name the C library knows, with or without SIG, in any case.
    if (const std::string *v = a.value(o_stop_signal)) {
        int64_t n = 0;
        std::string up;
        for (char c : *v) up.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
        std::string_view name(up);
        if (name.rfind("SIG", 0) == 0) name.remove_prefix(3);
        bool ok = parse_int(*v, 1, 64, n);
        for (int sig = 1; sig <= 64 && !ok; ++sig)
            if (const char *abbrev = sigabbrev_np(sig); abbrev != nullptr && name == abbrev) ok = true;
        if (!ok) {
            (void)usage_error(cmd, "--stop-signal: expected a signal such as SIGTERM, INT or 15 (got '%s')", v->c_str());
            return false;
        }
    }
    return true;
}

// Take trailing --name/--cwd/--namespace after "--" (README style: 'node -- server.js --name api')
// unless that option was given before the "--".
void take_tail_options(parsed_args &a) {
    static constexpr std::pair<std::string_view, int> tail[] = {{"--name", o_name}, {"--cwd", o_cwd}, {"--namespace", o_namespace}};
    for (bool again = true; again;) {
        again = false;
        auto &r = a.rest;
        for (auto [flag, id] : tail) {
            if (a.has(static_cast<size_t>(id))) continue;
            size_t n = r.size();
            if (n >= 2 && r[n - 2] == flag) {
                a.opts.push_back({static_cast<size_t>(id), r[n - 1], true});
                r.resize(n - 2);
                again = true;
            } else if (n >= 1 && r[n - 1].size() > flag.size() + 1 && r[n - 1].compare(0, flag.size() + 1, std::string(flag) + "=") == 0) {
                a.opts.push_back({static_cast<size_t>(id), r[n - 1].substr(flag.size() + 1), true});
                r.resize(n - 1);
                again = true;
            }
        }
    }
}

// The spec (for POST) or the patch of the given fields (for PATCH after a 409).
std::string spec_json(const parsed_args &a, const resolved_command &rc, const std::string &name, bool patch,
                      const std::vector<std::pair<std::string, std::string>> &env, const std::vector<int64_t> &ints) {
    std::string out;
    alter::json::writer w(out);
    w.begin_object();
    if (!patch) w.field("name", name);
    w.field("command", rc.command);
    w.key("args").begin_array();
    for (const auto &x : rc.args) w.value(x);
    w.end_array();
    if ((!patch || a.has(o_cwd)) && !rc.cwd.empty()) w.field("cwd", rc.cwd);
    for (const auto &f : str_fields)
        if (const std::string *v = a.value(static_cast<size_t>(f.opt))) w.field(f.key, *v);
    if (a.has(o_no_autorestart)) w.field("restart", "never");
    for (size_t i = 0; i < std::size(int_fields); ++i)
        if (a.has(static_cast<size_t>(int_fields[i].opt))) w.field(int_fields[i].key, static_cast<long long>(ints[i]));
    if (const std::string *v = a.value(o_stop_signal)) {
        int64_t sig = 0;
        if (parse_int(*v, 1, 64, sig)) w.field("stop_signal", static_cast<long long>(sig));
        else w.field("stop_signal", *v);
    }
    if (a.has(o_env)) {
        w.key("env").begin_object();
        for (const auto &[k, v] : env) w.field(k, v);
        w.end_object();
    }
    if (const std::string *v = a.value(o_env_file)) w.field("env_file", absolute_path(*v, current_dir()));
    if (a.has(o_watch)) {
        auto paths = a.values(o_watch);
        bool bare = false;
        for (const auto &i : a.opts) bare |= i.opt == o_watch && !i.has_value;
        if (paths.empty()) {
            w.field("watch", true);
        } else {
            if (bare) paths.insert(paths.begin(), ".");
            w.key("watch").begin_array();
            for (const auto &p : paths) w.value(p);
            w.end_array();
        }
    }
    if (a.has(o_ignore_watch)) {
        w.key("watch_ignore").begin_array();
        for (const auto &g : a.values(o_ignore_watch)) w.value(g);
        w.end_array();
    }
    if (const std::string *v = a.value(o_deps)) {
        w.key("deps").begin_array();
        for (const auto &d : split_list(*v)) w.value(d);
        w.end_array();
    }
    w.end_object();
    return out;
}

// Report instances that could not start (spawn errors are known at once; quiet with --json).
// exit_error if all failed.
int check_errors(session &s, const jvalue &app) {
    const auto &list = app.list("instances");
    size_t failed = 0;
    for (const auto &i : list)
        if (i.str("status") == "errored") {
            ++failed;
            if (s.json) continue;
            std::string out;
            styled(out, s.color_err(), style::bold_red, "error:");
            write_err(out + " " + std::string(i.str("name")) + ": " + std::string(i.str("error", "could not start")) + "\n");
        }
    return failed > 0 && failed == list.size() ? exit_error : exit_ok;
}

int start_command(session &s, parsed_args &a) {
    std::string_view cmd = "start";
    // Numbers and env first: usage errors before anything else.
    std::vector<int64_t> ints(std::size(int_fields));
    for (size_t i = 0; i < std::size(int_fields); ++i)
        if (const std::string *v = a.value(static_cast<size_t>(int_fields[i].opt)))
            if (!option_int(cmd, opts[int_fields[i].opt].name, *v, int_fields[i].min, int_fields[i].max, ints[i])) return exit_usage;
    if (a.has(o_autorestart) && a.has(o_no_autorestart)) return usage_error(cmd, "--autorestart and --no-autorestart exclude each other");
    if (!check_choices(cmd, a)) return exit_usage;
    std::vector<std::pair<std::string, std::string>> env;
    for (const auto &e : a.values(o_env)) {
        size_t eq = e.find('=');
        if (eq == 0 || eq == std::string::npos) return usage_error(cmd, "--env: expected KEY=VALUE (got '%s')", e.c_str());
        env.emplace_back(e.substr(0, eq), e.substr(eq + 1));
    }
    std::vector<std::string> args(a.positionals.begin() + 1, a.positionals.end());
    args.insert(args.end(), a.rest.begin(), a.rest.end());
    resolved_command rc;
    std::string problem;
    const std::string *cwd = a.value(o_cwd);
    if (!resolve_command(a.positionals[0], args, cwd != nullptr ? *cwd : std::string(), !s.remote(), rc, problem))
        return s.fail(exit_error, "%s", problem.c_str());
    if (!problem.empty()) s.warn("%s", problem.c_str());
    std::string name = a.value(o_name) != nullptr ? *a.value(o_name) : default_name(rc);
    bool start = !a.has(o_no_start);
    alter::net::client_response r;
    std::string body = spec_json(a, rc, name, false, env, ints);
    if (int e = s.call("POST", start ? "/api/v1/processes" : "/api/v1/processes?start=false", body, r); e != exit_ok) return e;
    bool updated = false;
    if (r.status == 409) {
        // Exists: update the given fields, then start it.
        if (int e = s.api("PATCH", session::proc_path(name), spec_json(a, rc, name, true, env, ints), r); e != exit_ok) return e;
        if (start)
            if (int e = s.api("POST", session::proc_path(name, "/start"), "{}", r); e != exit_ok) return e;
        if (int e = s.call("GET", session::proc_path(name), {}, r); e != exit_ok) return e;
        updated = true;
    }
    if (r.status >= 400) return s.report_http_error(r);
    jvalue app;
    std::string err;
    if (s.json) {
        session::print_raw(r.body);
        return json_parse(r.body, app, err) ? check_errors(s, app) : exit_ok;
    }
    if (!json_parse(r.body, app, err)) return s.fail(exit_error, "unexpected answer from the daemon: %s", err.c_str());
    size_t n = app.list("instances").size();
    std::string out;
    appendf(out, "%s app '%s' (%zu instance%s)%s\n", updated ? "updated" : start ? "started" : "added", name.c_str(), n,
            n == 1 ? "" : "s", start ? "" : ", not started");
    render_instances(out, app.list("instances"), s.color_out());
    write_out(out);
    return check_errors(s, app);
}

} // namespace

int cmd_ecosystem_apply(session &s, const std::string &file); // cmd_ecosystem.cpp

int cmd_start(session &s, std::string_view cmd, std::span<const std::string> args) {
    parsed_args a;
    if (!parse_args(cmd, args, opts, a, SIZE_MAX, watch_value)) return exit_usage;
    take_tail_options(a);
    if (a.positionals.empty()) {
        if (!a.rest.empty()) return usage_error(cmd, "missing <command> before '--'");
        return usage_error(cmd, "missing <command>, <file> or <target>");
    }
    const std::string &first = a.positionals[0];
    bool plain = a.positionals.size() == 1 && !a.dashdash && a.opts.empty();
    if (looks_like_ecosystem(first)) {
        if (!plain) return usage_error(cmd, "options and arguments do not apply to an ecosystem file (%s)", first.c_str());
        return cmd_ecosystem_apply(s, first); // it prints the daemon's warnings (e.g. an app that moved namespace)
    }
    if (plain && (first == "all" || first.rfind("ns:", 0) == 0)) return run_action(s, "start", parse_target(first));
    if (plain && first.find('/') == std::string::npos && first.find(' ') == std::string::npos) {
        alter::net::client_response r;
        if (int rc = s.call("GET", session::proc_path(first), {}, r); rc != exit_ok) return rc;
        if (r.status == 200) return run_action(s, "start", parse_target(first));
    }
    // "alter start nosuch.toml": a typo, not a command (it would be added as an errored app).
    if (std::string problem; missing_ecosystem_file(first, problem)) return s.fail(exit_error, "%s", problem.c_str());
    return start_command(s, a);
}

} // namespace alter::cli
