// SPDX-License-Identifier: MIT
// alter cron next "EXPR": offline, through libalter's alter_cron_next (loaded on demand).
#include "commands.hpp"

#include <cstdio>
#include <ctime>
#include <vector>

#include "alter/json.hpp"
#include "libalter_dl.hpp"

namespace alter::cli {

namespace {

constexpr option opts[] = {{"--count", 'n', arity::value}, {"--from", 0, arity::value}};

// "2026-11-21", "2026-11-21T13:00", "2026-11-21 13:00:05", with an optional "Z" or "+01:00" /
// "-0500"; no zone: local time. All digits: unix ms.
bool parse_time(const std::string &s, int64_t &ms) {
    if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) return parse_int(s, 0, INT64_MAX / 2, ms);
    struct tm tm {};
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, used = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10) return false;
    std::string_view rest = std::string_view(s).substr(10);
    if (!rest.empty()) {
        if (rest[0] != 'T' && rest[0] != ' ') return false;
        std::string r(rest.substr(1));
        int n = 0;
        if (std::sscanf(r.c_str(), "%2d:%2d%n", &h, &mi, &n) != 2) return false;
        rest = rest.substr(1 + static_cast<size_t>(n));
        if (!rest.empty() && rest[0] == ':') {
            r.assign(rest.substr(1));
            if (std::sscanf(r.c_str(), "%2d%n", &sec, &n) != 1) return false;
            rest = rest.substr(1 + static_cast<size_t>(n));
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t;
    if (rest.empty()) {
        tm.tm_isdst = -1;
        t = mktime(&tm);
    } else {
        long off = 0;
        if (rest == "Z" || rest == "z") {
            off = 0;
        } else {
            int oh = 0, om = 0;
            std::string z(rest.substr(1));
            if ((rest[0] != '+' && rest[0] != '-') ||
                (std::sscanf(z.c_str(), "%2d:%2d", &oh, &om) != 2 && std::sscanf(z.c_str(), "%2d%2d", &oh, &om) < 1))
                return false;
            off = (oh * 3600L + om * 60L) * (rest[0] == '-' ? -1 : 1);
        }
        t = timegm(&tm) - off;
    }
    ms = static_cast<int64_t>(t) * 1000;
    return true;
}

} // namespace

int cmd_cron(session &s, std::string_view, std::span<const std::string> args) {
    if (args.empty()) return usage_error("cron", "missing command: next");
    if (args[0] != "next") {
        static constexpr std::string_view subs[] = {"next"};
        std::string_view hint = did_you_mean(args[0], subs);
        return usage_error("cron", "unknown command '%s'%s", args[0].c_str(), hint.empty() ? "" : " (did you mean 'next'?)");
    }
    std::string_view cmd = "cron next";
    parsed_args a;
    if (!parse_args(cmd, args.subspan(1), opts, a)) return exit_usage;
    a.positionals.insert(a.positionals.end(), a.rest.begin(), a.rest.end()); // cron next -- "EXPR"
    if (a.positionals.empty()) return usage_error(cmd, "missing the cron expression (quote it: \"*/5 * * * *\")");
    std::string expr;
    for (const auto &p : a.positionals) expr += (expr.empty() ? "" : " ") + p; // tolerate an unquoted expression
    int64_t count = 5, from = now_ms();
    if (const std::string *v = a.value(0); v != nullptr && !option_int(cmd, "--count", *v, 1, 1000, count)) return exit_usage;
    if (const std::string *v = a.value(1); v != nullptr && !parse_time(*v, from))
        return usage_error(cmd, "--from: expected 2026-11-21T13:00[:00][Z|+01:00], 2026-11-21 or unix ms (got '%s')",
                           v->c_str());
    std::string err;
    const libalter_api *lib = load_libalter(err);
    if (lib == nullptr) return s.fail(exit_error, "%s", err.c_str());
    std::vector<int64_t> times(static_cast<size_t>(count));
    int n = lib->cron_next(expr.c_str(), from, static_cast<uint32_t>(count), times.data());
    if (n < 0) {
        jvalue e;
        std::string perr, hint;
        std::string msg = lib->last_error();
        if (json_parse(lib->last_error_json(), e, perr)) {
            if (auto m = e.str("message"); !m.empty()) msg = m;
            hint = e.str("hint");
        }
        msg = strip_hint(msg, hint);
        int rc = s.fail(exit_error, "invalid cron expression '%s': %s", expr.c_str(), msg.c_str());
        if (!hint.empty()) write_err("  hint: " + hint + "\n");
        return rc;
    }
    times.resize(static_cast<size_t>(n));
    std::string out;
    if (s.json) {
        alter::json::writer w(out);
        w.begin_array();
        for (int64_t t : times) w.begin_object().field("time", iso_time(t)).field("unix_ms", static_cast<long long>(t)).end_object();
        w.end_array();
        session::print_raw(out);
        return exit_ok;
    }
    if (times.empty()) {
        out = expr + ": no fire time (" + (expr[0] == '@' ? "@reboot runs once when alterd starts" : "never fires") + ")\n";
        write_out(out);
        return exit_ok;
    }
    table t({"#", "TIME", "IN"}, {true, false, false});
    for (size_t i = 0; i < times.size(); ++i) {
        time_t sec = static_cast<time_t>(times[i] / 1000);
        struct tm tm {};
        localtime_r(&sec, &tm);
        char buf[64];
        std::strftime(buf, sizeof buf, "%a %Y-%m-%d %H:%M:%S %Z", &tm);
        t.add({{std::to_string(i + 1), style::dim}, {buf, style::none}, {"in " + human_span(times[i] - from), style::none}});
    }
    t.render(out, s.color_out());
    write_out(out);
    return exit_ok;
}

} // namespace alter::cli
