// SPDX-License-Identifier: MIT
// alter list|ls|ps and the instance table shared with start/stop/restart...
#include "commands.hpp"

#include <algorithm>
#include <vector>

#include "alter_net/url.hpp"

namespace alter::cli {

namespace {

// "3m ago (0)": when the last run started and how it ended (exit code, signal, or running).
table::cell last_run_cell(const jvalue &i, int64_t now) {
    int64_t last = i.num("last_run");
    if (last <= 0) return {"-", style::none};
    std::string text = last >= now ? std::string("now") : human_span(now - last) + " ago";
    style st = style::none;
    if (i.num("pid") > 0 && i.str("status") == "running") {
        text += " (running)";
    } else if (auto sig = i.str("signal"); !sig.empty()) {
        text += " (" + std::string(sig) + ")";
        st = style::yellow;
    } else if (i.num("exited_at") >= last) {
        int64_t code = i.num("exit_code", -1);
        if (code >= 0) text += " (" + std::to_string(code) + ")";
        if (code > 0) st = style::yellow;
    }
    return {std::move(text), st};
}

} // namespace

void render_instances(std::string &out, std::span<const jvalue> instances, bool color) {
    std::vector<const jvalue *> rows;
    rows.reserve(instances.size());
    bool cron = false;
    for (const auto &i : instances) {
        rows.push_back(&i);
        if (i.str("type") == "cron" || !i.str("cron").empty()) cron = true;
    }
    std::stable_sort(rows.begin(), rows.end(), [](const jvalue *a, const jvalue *b) {
        if (int c = a->str("namespace").compare(b->str("namespace")); c != 0) return c < 0;
        if (int c = a->str("app").compare(b->str("app")); c != 0) return c < 0;
        return a->num("instance") < b->num("instance");
    });
    std::vector<std::string> head = {"NAME", "NAMESPACE", "STATUS", "PID", "UPTIME", "\u21ba", "CPU", "MEM"};
    std::vector<bool> right = {false, false, false, true, true, true, true, true};
    if (cron) {
        head.push_back("LAST RUN");
        right.push_back(false);
        head.push_back("NEXT RUN");
        right.push_back(false);
    }
    table t(std::move(head), std::move(right));
    int64_t now = now_ms();
    for (const jvalue *i : rows) {
        int64_t pid = i->num("pid");
        std::string st(i->str("status", "?"));
        std::vector<table::cell> row;
        row.push_back({std::string(i->str("name")), style::bold});
        row.push_back({std::string(i->str("namespace")), style::none});
        row.push_back({st, status_style(st)});
        row.push_back({pid > 0 ? std::to_string(pid) : "-", style::none});
        row.push_back({pid > 0 ? human_duration(i->num("uptime_ms")) : "-", style::none});
        row.push_back({std::to_string(i->num("restarts")), i->num("restarts") > 0 ? style::yellow : style::none});
        std::string cpu = "-", mem = "-";
        if (pid > 0) {
            cpu.clear();
            appendf(cpu, "%.1f%%", i->real("cpu_percent"));
            if (uint64_t m = static_cast<uint64_t>(i->num("memory_bytes")); m > 0) mem = human_bytes(m);
        }
        row.push_back({cpu, style::none});
        row.push_back({mem, style::none});
        if (cron) {
            row.push_back(last_run_cell(*i, now));
            int64_t next = i->num("next_run");
            std::string when = "-";
            if (next > 0) when = next <= now ? std::string("now") : "in " + human_span(next - now);
            row.push_back({when, style::none});
        }
        t.add(std::move(row));
    }
    t.render(out, color);
}

int cmd_list(session &s, std::string_view cmd, std::span<const std::string> args) {
    static constexpr option opts[] = {{"--namespace", 0, arity::value}};
    parsed_args a;
    if (!parse_args(cmd, args, opts, a, 0)) return exit_usage;
    std::string target = "/api/v1/processes";
    const std::string *ns = a.value(0);
    if (ns != nullptr) target += "?namespace=" + alter::net::percent_encode(*ns);
    alter::net::client_response r;
    if (int rc = s.api("GET", target, {}, r); rc != exit_ok) return rc;
    if (s.json) {
        session::print_raw(r.body);
        return exit_ok;
    }
    jvalue doc;
    std::string err;
    if (!json_parse(r.body, doc, err)) return s.fail(exit_error, "unexpected answer from the daemon: %s", err.c_str());
    const auto &list = doc.list("processes");
    std::string out;
    if (list.empty()) {
        if (ns != nullptr) {
            appendf(out, "No apps in namespace '%s'.\n", ns->c_str());
        } else {
            out += "No apps yet. Start one with:\n";
            out += "  " + s.self_cmd() + " start <command> [-- ARGS]   e.g. alter start python3 -- -m http.server 8080\n";
            out += "  " + s.self_cmd() + " start alter.toml             every app of an ecosystem file\n";
        }
        write_out(out);
        return exit_ok;
    }
    render_instances(out, list, s.color_out());
    write_out(out);
    return exit_ok;
}

} // namespace alter::cli
