// SPDX-License-Identifier: MIT
// alter start(target)|stop|restart|delete|reset|enable|disable|run <target>, alter flush [target].
#include "commands.hpp"

#include <algorithm>
#include <ctime>

#include "alter_net/url.hpp"

namespace alter::cli {

namespace {

struct action {
    std::string_view cmd;
    std::string_view method;
    std::string_view suffix; // after /processes/{target}
    std::string_view done;   // past tense for the message
    int64_t wait_ms;         // how long to wait for stopping/starting instances to settle
    bool all_route;          // /processes/all/... exists
    bool ns_route;           // /processes/namespace/{ns}/... exists
};

constexpr action actions[] = {
    {"start", "POST", "/start", "started", 2000, true, true},
    {"stop", "POST", "/stop", "stopped", 15000, true, true},
    {"restart", "POST", "/restart", "restarted", 15000, true, true},
    {"delete", "DELETE", "", "deleted", 0, true, false},
    {"rm", "DELETE", "", "deleted", 0, true, false},
    {"reset", "POST", "/reset", "reset", 0, true, false},
    {"enable", "PATCH", "/enabled", "enabled", 0, false, false},
    {"disable", "PATCH", "/enabled", "disabled", 15000, false, false},
    {"run", "POST", "/run", "started a run of", 0, false, false},
};

const action *find_action(std::string_view cmd) {
    for (const auto &a : actions)
        if (a.cmd == cmd) return &a;
    return nullptr;
}

bool unsettled(const std::vector<jvalue> &list) {
    for (const auto &i : list) {
        auto st = i.str("status");
        if (st == "stopping" || st == "starting") return true;
    }
    return false;
}

// One request; adds the instances it affected to `n`. The raw answer goes to `json_out`.
int one(session &s, const action &a, const std::string &path, int64_t &n, std::string &json_out) {
    std::string body;
    if (a.cmd == "enable") body = R"({"enabled":true})";
    if (a.cmd == "disable") body = R"({"enabled":false})";
    alter::net::client_response r;
    if (int rc = s.api(a.method, path, body, r); rc != exit_ok) return rc;
    json_out = r.body;
    jvalue doc;
    std::string err;
    if (!json_parse(r.body, doc, err)) return s.fail(exit_error, "unexpected answer from the daemon: %s", err.c_str());
    n += doc.get("affected") != nullptr ? doc.num("affected") : static_cast<int64_t>(doc.list("instances").size());
    return exit_ok;
}

} // namespace

int show_target(session &s, const target &t, int64_t wait_ms) {
    int64_t deadline = now_ms() + wait_ms;
    std::vector<jvalue> list;
    // Look again after 1 ms, then 2, 4, 8, 16, then every 25 ms: most stops and starts settle
    // within a few ms, and a fixed 25 ms sleep made every `alter stop` take at least 25 ms.
    long pause_ns = 1'000'000L;
    for (;;) {
        if (int rc = target_instances(s, t, list); rc != exit_ok) return rc;
        if (!unsettled(list) || now_ms() >= deadline) break;
        struct timespec ts {0, pause_ns};
        nanosleep(&ts, nullptr);
        pause_ns = std::min(pause_ns * 2, 25'000'000L);
    }
    std::string out;
    render_instances(out, list, s.color_out());
    write_out(out);
    return exit_ok;
}

int run_action(session &s, std::string_view verb, const target &t) {
    const action *a = find_action(verb);
    if (a == nullptr) return exit_usage;
    int64_t n = 0;
    std::string json_out;
    int rc = exit_ok;
    if (!t.group() || (t.k == target::kind::all && a->all_route)) {
        rc = one(s, *a, session::proc_path(t.text, a->suffix), n, json_out);
    } else if (t.k == target::kind::ns && a->ns_route) {
        rc = one(s, *a, "/api/v1/processes/namespace/" + alter::net::percent_encode(t.value) + std::string(a->suffix), n,
                 json_out);
    } else {
        // No route for this group: one request per app (run: only cron and once apps).
        std::vector<std::string> apps;
        std::vector<std::string_view> types;
        if (verb == "run") types = {"cron", "once"};
        rc = target_apps(s, t, apps, types);
        for (size_t i = 0; rc == exit_ok && i < apps.size(); ++i) rc = one(s, *a, session::proc_path(apps[i], a->suffix), n, json_out);
        json_out = "{\"ok\":" + std::string(rc == exit_ok ? "true" : "false") + ",\"affected\":" + std::to_string(n) + "}";
    }
    if (rc != exit_ok) return rc;
    if (s.json) {
        session::print_raw(json_out);
        return exit_ok;
    }
    std::string out;
    if (n == 0 && verb != "enable" && verb != "disable")
        appendf(out, "%s: nothing to %.*s\n", t.text.c_str(), static_cast<int>(verb.size()), verb.data());
    else
        appendf(out, "%.*s %s (%lld instance%s)\n", static_cast<int>(a->done.size()), a->done.data(), t.text.c_str(),
                static_cast<long long>(n), n == 1 ? "" : "s");
    write_out(out);
    if (a->method == "DELETE") return exit_ok;
    return show_target(s, t, a->wait_ms);
}

int cmd_action(session &s, std::string_view cmd, std::span<const std::string> args) {
    parsed_args a;
    if (!parse_args(cmd, args, {}, a, 1)) return exit_usage;
    if (a.positionals.empty()) return usage_error(cmd, "missing <target> (an app, an instance, all or ns:NAME)");
    return run_action(s, cmd, parse_target(a.positionals[0]));
}

int cmd_flush(session &s, std::string_view cmd, std::span<const std::string> args) {
    parsed_args a;
    if (!parse_args(cmd, args, {}, a, 1)) return exit_usage;
    target t = parse_target(a.positionals.empty() ? std::string_view("all") : std::string_view(a.positionals[0]));
    int64_t n = 0;
    std::string body;
    auto flush = [&](const std::string &name) {
        alter::net::client_response r;
        if (int rc = s.api("DELETE", session::proc_path(name, "/logs"), {}, r); rc != exit_ok) return rc;
        jvalue doc;
        std::string err;
        if (!json_parse(r.body, doc, err)) return s.fail(exit_error, "unexpected answer from the daemon: %s", err.c_str());
        n += doc.num("affected");
        body = r.body;
        return static_cast<int>(exit_ok);
    };
    int rc = t.k == target::kind::ns ? for_each_app(s, t, flush) : flush(t.text);
    if (rc != exit_ok) return rc;
    if (s.json) {
        session::print_raw(t.k == target::kind::ns ? "{\"ok\":true,\"affected\":" + std::to_string(n) + "}" : body);
        return exit_ok;
    }
    std::string out;
    appendf(out, "flushed the logs of %s (%lld instance%s)\n", t.text.c_str(), static_cast<long long>(n), n == 1 ? "" : "s");
    write_out(out);
    return exit_ok;
}

} // namespace alter::cli
