// SPDX-License-Identifier: MIT
// alter describe|info <target>: the spec, the instances, log paths and recent runs.
#include "commands.hpp"

#include <vector>


namespace alter::cli {

namespace {

std::string show_value(std::string_view key, const jvalue &v) {
    std::string out;
    switch (v.k) {
    case jvalue::kind::null: return "-";
    case jvalue::kind::boolean: return v.b ? "true" : "false";
    case jvalue::kind::number:
        out = v.s;
        if (key == "log_max_size" && v.n >= 1024) out += " (" + human_bytes(static_cast<uint64_t>(v.n)) + ")";
        return out;
    case jvalue::kind::string: return v.s.empty() ? std::string("-") : v.s;
    case jvalue::kind::array:
        for (const auto &i : v.items) {
            if (!out.empty()) out += key == "args" ? " " : ", ";
            if (!i.is_string()) json_append(out, i);
            else out += key == "args" ? shell_quote(i.s) : i.s;
        }
        return out.empty() ? "-" : out;
    case jvalue::kind::object:
        for (const auto &[k, val] : v.members) {
            if (!out.empty()) out += " ";
            std::string text;
            if (val.is_string()) text = val.s;
            else json_append(text, val);
            out += k + "=" + shell_quote(text);
        }
        return out.empty() ? "-" : out;
    }
    return out;
}

void kv(std::string &out, bool color, int indent, std::string_view key, std::string_view value, style s = style::none) {
    out.append(static_cast<size_t>(indent), ' ');
    styled(out, color, style::dim, key);
    size_t col = static_cast<size_t>(indent) + key.size();
    out.append(col < 24 ? 24 - col : 1, ' ');
    styled(out, color, s, value);
    out.push_back('\n');
}

void describe_instance(std::string &out, bool color, const jvalue &i, const std::string &log_dir) {
    std::string name(i.str("name"));
    std::string st(i.str("status", "?"));
    out += "  ";
    styled(out, color, style::bold, name);
    out += "  ";
    styled(out, color, status_style(st), st);
    out += "\n";
    int64_t pid = i.num("pid");
    if (pid > 0) {
        kv(out, color, 4, "pid", std::to_string(pid));
        kv(out, color, 4, "uptime", human_duration(i.num("uptime_ms")));
        std::string cpu;
        appendf(cpu, "%.1f%%", i.real("cpu_percent"));
        kv(out, color, 4, "cpu", cpu);
        kv(out, color, 4, "memory", human_bytes(static_cast<uint64_t>(i.num("memory_bytes"))));
    }
    kv(out, color, 4, "restarts", std::to_string(i.num("restarts")));
    if (int64_t t = i.num("started_at"); t > 0) kv(out, color, 4, "started at", local_time(t));
    if (int64_t t = i.num("exited_at"); t > 0) {
        std::string how;
        if (const jvalue *c = i.get("exit_code"); c != nullptr && c->is_number()) how = "code " + c->s;
        if (const jvalue *sg = i.get("signal"); sg != nullptr && sg->is_string())
            how += (how.empty() ? "" : ", ") + std::string("signal ") + sg->s;
        kv(out, color, 4, "last exit", (how.empty() ? std::string("-") : how) + " at " + local_time(t));
    }
    if (int64_t t = i.num("restart_in_ms"); t > 0) kv(out, color, 4, "restart in", human_duration(t + 999));
    if (auto e = i.str("error"); !e.empty()) kv(out, color, 4, "error", e, style::red);
    if (int64_t t = i.num("next_run"); t > 0) kv(out, color, 4, "next run", local_time(t));
    if (int64_t t = i.num("last_run"); t > 0) kv(out, color, 4, "last run", local_time(t));
    if (!log_dir.empty()) {
        kv(out, color, 4, "stdout log", log_dir + "/" + name + "/out.log");
        kv(out, color, 4, "stderr log", log_dir + "/" + name + "/err.log");
    }
}

void describe_runs(std::string &out, bool color, const jvalue &runs) {
    const auto &list = runs.list("runs");
    if (list.empty()) return;
    out += "recent runs:\n";
    table t({"  START", "INSTANCE", "DURATION", "RESULT", "TRIGGER"});
    size_t shown = 0;
    for (const auto &r : list) {
        if (++shown > 10) break;
        std::string result;
        style s = style::none;
        if (r.flag("running")) {
            result = "running";
            s = style::green;
        } else if (const jvalue *c = r.get("exit_code"); c != nullptr && c->is_number()) {
            result = "exit " + c->s;
            s = c->s == "0" ? style::none : style::red;
        } else if (auto sig = r.str("signal"); !sig.empty()) {
            result = std::string(sig);
            s = style::red;
        } else {
            result = "-";
        }
        t.add({{"  " + local_time(r.num("start_ms")), style::none},
               {std::string(r.str("instance")), style::none},
               {human_duration(r.num("duration_ms")), style::none},
               {result, s},
               {std::string(r.str("trigger")), style::none}});
    }
    t.render(out, color);
}

int describe_app(session &s, std::string_view name, const std::string &log_dir, std::string &out) {
    jvalue app;
    if (int rc = s.api_json("GET", session::proc_path(name), {}, app); rc != exit_ok) return rc;
    bool color = s.color_out();
    const jvalue *spec = app.get("spec");
    styled(out, color, style::bold, app.str("app"));
    out += "  (namespace " + std::string(app.str("namespace")) + ", desired " + std::string(app.str("desired")) + ")\n";
    if (spec != nullptr) {
        out += "spec:\n";
        for (const auto &[k, v] : spec->members)
            if (k != "name") kv(out, color, 2, k, show_value(k, v));
    }
    out += "instances:\n";
    for (const auto &i : app.list("instances")) describe_instance(out, color, i, log_dir);
    std::string_view type = spec != nullptr ? spec->str("type") : std::string_view();
    if (type == "cron" || type == "once") {
        jvalue runs;
        if (s.api_json("GET", session::proc_path(app.str("app"), "/runs"), {}, runs) == exit_ok) describe_runs(out, color, runs);
    }
    return exit_ok;
}

} // namespace

int cmd_describe(session &s, std::string_view cmd, std::span<const std::string> args) {
    parsed_args a;
    if (!parse_args(cmd, args, {}, a, 1)) return exit_usage;
    if (a.positionals.empty()) return usage_error(cmd, "missing <target> (an app, an instance, all or ns:NAME)");
    const std::string &target_text = a.positionals[0];
    if (s.json && parse_target(target_text).group()) {
        // No group route: the list of the group's instances.
        std::vector<jvalue> list;
        if (int rc = target_instances(s, parse_target(target_text), list); rc != exit_ok) return rc;
        std::string out = "{\"processes\":[";
        for (size_t i = 0; i < list.size(); ++i) {
            if (i > 0) out.push_back(',');
            json_append(out, list[i]);
        }
        session::print_raw(out + "]}");
        return exit_ok;
    }
    if (s.json) {
        alter::net::client_response r;
        if (int rc = s.api("GET", session::proc_path(target_text), {}, r); rc != exit_ok) return rc;
        session::print_raw(r.body);
        return exit_ok;
    }
    std::string log_dir;
    jvalue paths;
    alter::net::client_response pr;
    if (s.call("GET", "/api/v1/system/paths", {}, pr) != exit_ok) return exit_not_running;
    std::string err;
    if (pr.status == 200 && json_parse(pr.body, paths, err)) log_dir = paths.str("log_dir");
    // Several apps (all, ns:NAME): one description per app.
    std::vector<std::string> apps;
    target t = parse_target(target_text);
    if (t.group()) {
        if (int rc = target_apps(s, t, apps); rc != exit_ok) return rc;
    } else {
        apps.push_back(t.value);
    }
    std::string out;
    for (size_t k = 0; k < apps.size(); ++k) {
        if (k > 0) out += "\n";
        if (int rc = describe_app(s, apps[k], log_dir, out); rc != exit_ok) return rc;
    }
    write_out(out);
    return exit_ok;
}

} // namespace alter::cli
