// SPDX-License-Identifier: MIT
// supervisord import: the [program:x] sections of an INI file become {"apps": [...]} with alter's
// keys. supervisord never runs a shell, so `command` is split into words, not given to /bin/sh.
#include "config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>

#include "alter/alter.h"

namespace alter::detail {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

struct entry {
    std::string key;
    std::string text;
    value pos; // line/column of the value
};

struct section {
    std::string name; // "program:web"
    int line = 0;
    std::vector<entry> entries;
};

// Python configparser's subset that supervisord files use: [section], key = value or key: value,
// ; and # comment lines, " ;" inline comments, indented continuation lines.
result<std::vector<section>> read_ini(std::string_view text) {
    std::vector<section> out;
    size_t pos = 0;
    int line_no = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::string_view t = trim(line);
        if (t.empty() || t[0] == ';' || t[0] == '#') continue;
        auto fail = [&](std::string msg) {
            error e(ALTER_EPARSE, "invalid INI: " + msg);
            e.line = line_no;
            e.column = static_cast<int>(t.data() - line.data()) + 1;
            return e;
        };
        if ((line[0] == ' ' || line[0] == '\t') && !out.empty() && !out.back().entries.empty()) {
            out.back().entries.back().text += "\n" + std::string(t); // continuation
            continue;
        }
        if (t[0] == '[') {
            if (t.back() != ']') return fail("expected ']' at the end of the section header");
            out.push_back({std::string(trim(t.substr(1, t.size() - 2))), line_no, {}});
            continue;
        }
        if (out.empty()) return fail("a key outside of any [section]");
        size_t sep = t.find_first_of("=:");
        if (sep == std::string_view::npos || sep == 0) return fail("expected 'key = value'");
        std::string_view val = trim(t.substr(sep + 1));
        for (size_t i = 0; i < val.size(); ++i) // inline comment: whitespace then ';'
            if (val[i] == ';' && i > 0 && (val[i - 1] == ' ' || val[i - 1] == '\t')) {
                val = trim(val.substr(0, i));
                break;
            }
        entry e{std::string(trim(t.substr(0, sep))), std::string(val), value{}};
        e.pos.line = line_no;
        e.pos.column = static_cast<int>((val.empty() ? t.data() + sep : val.data()) - line.data()) + 1;
        e.pos.key_line = line_no;
        e.pos.key_column = static_cast<int>(t.data() - line.data()) + 1;
        out.back().entries.push_back(std::move(e));
    }
    return out;
}

value str_at(std::string s, const value &pos) {
    value v = value::make_string(std::move(s));
    v.line = pos.line;
    v.column = pos.column;
    return v;
}

value int_at(int64_t i, const value &pos) {
    value v = value::make_int(i);
    v.line = pos.line;
    v.column = pos.column;
    return v;
}

bool to_int(std::string_view s, int64_t &out) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// supervisord's byte sizes: KB/MB/GB are powers of 1024.
bool to_bytes(std::string_view s, int64_t &out) {
    std::string u(s);
    for (auto &c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    int64_t mult = 1;
    std::string_view num = u;
    if (u.size() > 2 && (u.substr(u.size() - 2) == "KB" || u.substr(u.size() - 2) == "MB" || u.substr(u.size() - 2) == "GB")) {
        char m = u[u.size() - 2];
        mult = m == 'K' ? 1024 : m == 'M' ? 1024 * 1024 : 1024LL * 1024 * 1024;
        num = std::string_view(u).substr(0, u.size() - 2);
    }
    int64_t n = 0;
    if (!to_int(num, n) || n < 0 || n > INT64_MAX / mult) return false;
    out = n * mult;
    return true;
}

// environment=A="1",B='x y',C=z (commas or newlines between pairs).
status parse_environment(const entry &e, value &env, const std::string &field) {
    std::string_view s = e.text;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ',' || std::isspace(static_cast<unsigned char>(s[i])))) ++i;
        if (i == s.size()) break;
        size_t eq = s.find('=', i);
        if (eq == std::string_view::npos) return config_field_error(field, &e.pos, "expected KEY=\"value\" pairs");
        std::string key(trim(s.substr(i, eq - i)));
        i = eq + 1;
        std::string val;
        if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
            char q = s[i++];
            size_t end = s.find(q, i);
            if (end == std::string_view::npos) return config_field_error(field, &e.pos, "unterminated quote");
            val.assign(s.substr(i, end - i));
            i = end + 1;
        } else {
            size_t end = s.find_first_of(",\n", i);
            if (end == std::string_view::npos) end = s.size();
            val.assign(trim(s.substr(i, end - i)));
            i = end;
        }
        env.set(key, str_at(std::move(val), e.pos));
    }
    return {};
}

constexpr std::array<std::string_view, 15> program_keys{{
    "command", "directory", "autostart", "autorestart", "startretries", "startsecs", "stopsignal",
    "stopwaitsecs", "user", "environment", "numprocs", "exitcodes", "stdout_logfile_maxbytes",
    "stdout_logfile_backups", "process_name",
}};

// Accepted and ignored: alter always logs both streams and signals the whole process group.
constexpr std::array<std::pair<std::string_view, std::string_view>, 18> program_ignored{{
    {"priority", "order apps with deps"}, {"umask", "alter does not change the umask"},
    {"redirect_stderr", "alter logs stdout and stderr separately"},
    {"stdout_logfile", "alter keeps logs in its data directory"}, {"stderr_logfile", "alter keeps logs in its data directory"},
    {"stderr_logfile_maxbytes", "one size applies to both streams (stdout_logfile_maxbytes)"},
    {"stderr_logfile_backups", "one count applies to both streams (stdout_logfile_backups)"},
    {"stdout_capture_maxbytes", "no capture mode"}, {"stderr_capture_maxbytes", "no capture mode"},
    {"stdout_events_enabled", "no event listeners"}, {"stderr_events_enabled", "no event listeners"},
    {"stdout_syslog", "no syslog output"}, {"stderr_syslog", "no syslog output"},
    {"stopasgroup", "alter always signals the process group"}, {"killasgroup", "alter always signals the process group"},
    {"serverurl", "no supervisorctl"}, {"numprocs_start", "instances are numbered from 0"},
    {"startretries_delay", "see restart_delay_ms"},
}};

} // namespace

result<value> supervisord_to_value(std::string_view text, std::vector<std::string> &warnings) {
    auto sections = read_ini(text);
    if (!sections) return std::move(sections).err();
    value root = value::make_object();
    value &apps = root.set("apps", value::make_array());
    for (const auto &sec : *sections) {
        if (sec.name.rfind("program:", 0) != 0) {
            warnings.push_back("[" + sec.name + "]: ignored: only [program:x] sections are imported");
            continue;
        }
        std::string name = sec.name.substr(8);
        std::string prefix = "program:" + name + ".";
        value app = value::make_object();
        app.line = sec.line;
        app.column = 1;
        value npos;
        npos.line = sec.line;
        npos.column = 10;
        app.set("name", str_at(name, npos));
        for (const auto &e : sec.entries) {
            std::string field = prefix + e.key;
            auto bad = [&](const char *what) { return config_field_error(field, &e.pos, std::string("expected ") + what + " (got '" + e.text + "')"); };
            int64_t n = 0;
            if (e.key == "command") {
                std::vector<std::string> argv;
                if (!split_words(e.text, argv) || argv.empty()) return bad("a command line");
                if (e.text.find("%(") != std::string::npos)
                    warnings.push_back(field + ": %(...)s expansions are not supported; the text is used as written");
                app.set("command", str_at(argv[0], e.pos));
                value args = value::make_array();
                for (size_t i = 1; i < argv.size(); ++i) args.items.push_back(str_at(argv[i], e.pos));
                app.set("args", std::move(args));
            } else if (e.key == "directory") {
                app.set("cwd", str_at(e.text, e.pos));
            } else if (e.key == "autostart") {
                app.set("enabled", str_at(e.text, e.pos));
            } else if (e.key == "autorestart") {
                std::string v = e.text;
                for (auto &c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                const char *p = v == "true" ? "always" : v == "false" ? "never" : v == "unexpected" ? "on-failure" : nullptr;
                if (p == nullptr) return bad("true, false or unexpected");
                app.set("restart", str_at(p, e.pos));
            } else if (e.key == "startretries" || e.key == "numprocs") {
                if (!to_int(e.text, n)) return bad("an integer");
                app.set(e.key == "numprocs" ? "instances" : "max_restarts", int_at(n, e.pos));
            } else if (e.key == "startsecs" || e.key == "stopwaitsecs") {
                if (!to_int(e.text, n) || n < 0 || n > 86'400) return bad("seconds");
                app.set(e.key == "startsecs" ? "min_uptime_ms" : "kill_timeout_ms", int_at(n * 1000, e.pos));
            } else if (e.key == "stopsignal") {
                app.set("stop_signal", str_at(e.text, e.pos));
            } else if (e.key == "user") {
                app.set("user", str_at(e.text, e.pos));
            } else if (e.key == "environment") {
                value env = value::make_object();
                env.line = e.pos.line;
                env.column = e.pos.column;
                if (auto st = parse_environment(e, env, field); !st) return st.err();
                app.set("env", std::move(env));
            } else if (e.key == "exitcodes") {
                if (trim(e.text) != "0")
                    warnings.push_back(field + "=" + e.text + ": only exit code 0 counts as expected in alter");
            } else if (e.key == "stdout_logfile_maxbytes") {
                if (!to_bytes(e.text, n)) return bad("a size such as 50MB");
                app.set("log_max_size", int_at(n, e.pos));
            } else if (e.key == "stdout_logfile_backups") {
                if (!to_int(e.text, n)) return bad("an integer");
                app.set("log_max_files", int_at(n, e.pos));
            } else if (e.key == "process_name") {
                // alter names instances itself (name-0, name-1, ...)
            } else {
                auto ign = std::find_if(program_ignored.begin(), program_ignored.end(), [&](const auto &p) { return p.first == e.key; });
                if (ign != program_ignored.end()) {
                    warnings.push_back(field + ": ignored: " + std::string(ign->second));
                    continue;
                }
                std::vector<std::string_view> names(program_keys.begin(), program_keys.end());
                for (const auto &p : program_ignored) names.push_back(p.first);
                std::string hint;
                if (auto c = closest(e.key, names); !c.empty()) hint = "did you mean '" + std::string(c) + "'?";
                return config_key_error(field, e.pos, "unknown field", hint);
            }
        }
        // supervisord's default is autorestart=unexpected: alter's on-failure default already.
        apps.items.push_back(std::move(app));
    }
    return root;
}

} // namespace alter::detail
