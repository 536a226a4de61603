// SPDX-License-Identifier: MIT
// alter logs <target>: recent lines from the files, archived days, and following via SSE.
// alterd's log routes take an app, an instance or "all"; for "ns:NAME" the lines of the
// namespace's apps are merged here (and a followed "all" stream is filtered).
#include "commands.hpp"

#include <algorithm>
#include <csignal>
#include <regex.h>
#include <unistd.h>

#include "alter/json.hpp"
#include "alter_net/url.hpp"

namespace alter::cli {

namespace {

volatile sig_atomic_t reset_color_on_exit = 0;

void on_interrupt(int) {
    if (reset_color_on_exit != 0) (void)!::write(1, "\x1b[0m", 4);
    ::_exit(exit_ok);
}

constexpr option opts[] = {
    {"--lines", 'n', arity::value}, {"--follow", 'f', arity::none}, {"--out", 0, arity::none},
    {"--err", 0, arity::none},      {"--grep", 'g', arity::value},  {"--date", 0, arity::value},
    {"--dates", 0, arity::none},
};
enum { o_lines, o_follow, o_out, o_err, o_grep, o_date, o_dates };

struct query {
    int64_t lines = 50;
    std::string_view stream; // "", "out", "err"
    const std::string *grep = nullptr;
    const std::string *date = nullptr;
    regex_t *re = nullptr;
    std::vector<std::string> only; // follow ns:NAME: these instances
};

struct printer {
    bool color = false;
    size_t width = 0; // widest instance name so far: aligns the '|'

    // One line (an object with time_ms, stream, instance, text) appended to `out`.
    void line(std::string &out, const jvalue &l) {
        std::string_view text = l.str("text");
        std::string inst(l.str("instance"));
        width = std::max(width, display_width(inst));
        styled(out, color, style::dim, local_time(l.num("time_ms")));
        out.push_back(' ');
        styled(out, color, style::cyan, inst);
        out.append(width - display_width(inst), ' ');
        out += " | ";
        styled(out, color, l.str("stream") == "err" ? style::red : style::none, text);
        out.push_back('\n');
    }
};

bool matches(const query &q, const jvalue &l) {
    if (!q.only.empty() && std::find(q.only.begin(), q.only.end(), l.str("instance")) == q.only.end()) return false;
    return q.re == nullptr || regexec(q.re, std::string(l.str("text")).c_str(), 0, nullptr, 0) == 0;
}

bool valid_date(const std::string &d) {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (d[i] < '0' || d[i] > '9') return false;
    return true;
}

// The apps to read for a target: itself, or each app of a namespace.
int sources(session &s, const target &t, std::vector<std::string> &names) {
    if (t.k != target::kind::ns) {
        names.push_back(t.text);
        return exit_ok;
    }
    return target_apps(s, t, names);
}

int dates(session &s, const target &t) {
    std::vector<std::string> names, days;
    if (int rc = sources(s, t, names); rc != exit_ok) return rc;
    bool current = false;
    std::string raw;
    for (const auto &n : names) {
        jvalue doc;
        alter::net::client_response r;
        if (int rc = s.api("GET", session::proc_path(n, "/logs/dates"), {}, r); rc != exit_ok) return rc;
        std::string err;
        if (!json_parse(r.body, doc, err)) return s.fail(exit_error, "unexpected answer from the daemon: %s", err.c_str());
        raw = r.body;
        current |= doc.flag("has_current");
        for (const auto &d : doc.list("dates"))
            if (d.is_string() && std::find(days.begin(), days.end(), d.s) == days.end()) days.push_back(d.s);
    }
    std::sort(days.rbegin(), days.rend());
    if (s.json) {
        if (names.size() == 1) {
            session::print_raw(raw);
            return exit_ok;
        }
        std::string out;
        alter::json::writer w(out);
        w.begin_object().key("dates").begin_array();
        for (const auto &d : days) w.value(d);
        w.end_array().field("has_current", current).end_object();
        session::print_raw(out);
        return exit_ok;
    }
    std::string out = current ? "current\n" : "";
    for (const auto &d : days) out += d + "\n";
    if (out.empty()) out = "no log files for " + t.text + "\n";
    write_out(out);
    return exit_ok;
}

int recent(session &s, const target &t, const query &q, printer &p) {
    std::vector<std::string> names;
    if (int rc = sources(s, t, names); rc != exit_ok) return rc;
    std::vector<jvalue> lines;
    std::string raw;
    for (const auto &n : names) {
        // -n 0 prints no line (as tail -n 0); one is asked for all the same, to check the target.
        std::string path = session::proc_path(n, "/logs") + "?lines=" + std::to_string(std::max<int64_t>(q.lines, 1));
        if (!q.stream.empty()) path += "&stream=" + std::string(q.stream);
        if (q.grep != nullptr) path += "&regex=1&grep=" + alter::net::percent_encode(*q.grep);
        if (q.date != nullptr) path += "&date=" + *q.date;
        alter::net::client_response r;
        if (int rc = s.api("GET", path, {}, r); rc != exit_ok) return rc;
        jvalue doc;
        std::string err;
        if (!json_parse(r.body, doc, err)) return s.fail(exit_error, "unexpected answer from the daemon: %s", err.c_str());
        raw = q.lines == 0 ? R"({"lines":[]})" : std::move(r.body);
        if (q.lines > 0)
            for (const auto &l : doc.list("lines")) lines.push_back(l);
    }
    if (names.size() > 1) {
        // Merge the apps' lines by time and keep the newest.
        std::stable_sort(lines.begin(), lines.end(), [](const jvalue &a, const jvalue &b) { return a.num("time_ms") < b.num("time_ms"); });
        if (lines.size() > static_cast<size_t>(q.lines)) lines.erase(lines.begin(), lines.end() - q.lines);
    }
    if (s.json) {
        if (names.size() == 1) {
            session::print_raw(raw);
            return exit_ok;
        }
        std::string out = "{\"lines\":[";
        for (size_t i = 0; i < lines.size(); ++i) {
            if (i > 0) out.push_back(',');
            json_append(out, lines[i]);
        }
        session::print_raw(out + "]}");
        return exit_ok;
    }
    for (const auto &l : lines) p.width = std::max(p.width, display_width(l.str("instance")));
    std::string out;
    for (const auto &l : lines)
        if (matches(q, l)) p.line(out, l);
    write_out(out);
    return exit_ok;
}

int follow(session &s, const target &t, query &q, printer &p) {
    std::string name = t.text;
    if (t.k == target::kind::ns) {
        // No namespace stream: follow every app and keep the namespace's instances.
        std::vector<jvalue> list;
        if (int rc = target_instances(s, t, list); rc != exit_ok) return rc;
        if (list.empty()) return s.fail(exit_error, "no apps in namespace '%s'", t.value.c_str());
        for (const auto &i : list) q.only.emplace_back(i.str("name"));
        name = "all";
    }
    std::string path = session::proc_path(name, "/logs/stream") + "?backlog=" + std::to_string(q.lines);
    if (!q.stream.empty()) path += "&stream=" + std::string(q.stream);
    exit_cleanly_on_interrupt(p.color);
    bool json = s.json;
    auto r = s.stream(path, [&](const alter::net::sse_event &ev) {
        if (ev.event != "log") return true;
        jvalue l;
        std::string err, out;
        if (!json_parse(ev.data, l, err) || !matches(q, l)) return true;
        if (json) out = ev.data + "\n";
        else p.line(out, l);
        write_out(out);
        return true;
    });
    if (!r && alter::net::is_not_running(r.err())) return s.not_running();
    if (r && r->status >= 400) return s.report_http_error(*r);
    // The daemon closed the stream (shutdown) or went away (the connection broke).
    return s.fail(exit_error, "the log stream ended: the daemon stopped%s%s", r ? "" : " (",
                  r ? "" : (r.err().message + ")").c_str());
}

} // namespace

void exit_cleanly_on_interrupt(bool color) {
    reset_color_on_exit = color ? 1 : 0;
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGHUP}) ::sigaction(sig, &sa, nullptr);
}

int cmd_logs(session &s, std::string_view cmd, std::span<const std::string> args) {
    parsed_args a;
    if (!parse_args(cmd, args, opts, a, 1)) return exit_usage;
    if (a.positionals.empty()) return usage_error(cmd, "missing <target> (an app, an instance, all or ns:NAME)");
    target t = parse_target(a.positionals[0]);
    query q;
    bool follow_mode = a.has(o_follow);
    // Following, -n is the backlog from memory (alterd keeps 1000 lines per app). 0 is no old
    // line, as with tail: only new ones with -f, nothing without.
    if (const std::string *v = a.value(o_lines);
        v != nullptr && !option_int(cmd, "--lines", *v, 0, follow_mode ? 1000 : 100000, q.lines))
        return exit_usage;
    if (a.has(o_out) && !a.has(o_err)) q.stream = "out";
    if (a.has(o_err) && !a.has(o_out)) q.stream = "err";
    q.date = a.value(o_date);
    if (q.date != nullptr && !valid_date(*q.date))
        return usage_error(cmd, "--date: expected YYYY-MM-DD (got '%s')", q.date->c_str());
    if (q.date != nullptr && follow_mode) return usage_error(cmd, "--date and --follow exclude each other");
    q.grep = a.value(o_grep);
    regex_t re;
    if (q.grep != nullptr) {
        int rc = regcomp(&re, q.grep->c_str(), REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char msg[256];
            regerror(rc, &re, msg, sizeof msg);
            return usage_error(cmd, "--grep: invalid regular expression '%s': %s", q.grep->c_str(), msg);
        }
        q.re = &re;
    }
    struct regex_owner {
        regex_t *re;
        ~regex_owner() {
            if (re != nullptr) regfree(re);
        }
    } owner{q.re};
    printer p;
    p.color = s.color_out();
    if (a.has(o_dates)) return dates(s, t);
    if (follow_mode) return follow(s, t, q, p);
    return recent(s, t, q, p);
}

} // namespace alter::cli
