// SPDX-License-Identifier: MIT
#include "spec.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <csignal>
#include <cstdlib>

#include "alter/alter.h"
#include "common/json_writer.hpp"
#include "cron.hpp"

namespace alter::detail {

const char *to_string(app_type t) {
    switch (t) {
    case app_type::daemon: return "daemon";
    case app_type::once: return "once";
    case app_type::cron: return "cron";
    }
    return "daemon";
}
const char *to_string(restart_policy p) {
    switch (p) {
    case restart_policy::always: return "always";
    case restart_policy::on_failure: return "on-failure";
    case restart_policy::never: return "never";
    }
    return "on-failure";
}
const char *to_string(overlap_policy p) {
    switch (p) {
    case overlap_policy::skip: return "skip";
    case overlap_policy::allow: return "allow";
    case overlap_policy::replace: return "replace";
    }
    return "skip";
}

namespace {

struct alias {
    std::string_view key;
    std::string_view canonical;
};

// Canonical keys first (alias == key), then accepted aliases from the reference product
// (alter-pm), PM2, Meproc and PPM.
constexpr std::array<alias, 54> aliases{{
    {"name", "name"},
    {"command", "command"},
    {"args", "args"},
    {"cwd", "cwd"},
    {"env", "env"},
    {"env_file", "env_file"},
    {"namespace", "namespace"},
    {"instances", "instances"},
    {"type", "type"},
    {"restart", "restart"},
    {"restart_delay_ms", "restart_delay_ms"},
    {"max_restart_delay_ms", "max_restart_delay_ms"},
    {"backoff_multiplier", "backoff_multiplier"},
    {"min_uptime_ms", "min_uptime_ms"},
    {"max_restarts", "max_restarts"},
    {"restart_window_ms", "restart_window_ms"},
    {"stop_signal", "stop_signal"},
    {"kill_timeout_ms", "kill_timeout_ms"},
    {"enabled", "enabled"},
    {"user", "user"},
    {"group", "group"},
    {"log_max_size", "log_max_size"},
    {"log_max_files", "log_max_files"},
    {"log_retain_days", "log_retain_days"},
    {"watch", "watch"},
    {"watch_ignore", "watch_ignore"},
    {"watch_include", "watch_include"},
    {"watch_debounce_ms", "watch_debounce_ms"},
    {"cron", "cron"},
    {"overlap", "overlap"},
    {"deps", "deps"},
    {"hidden", "hidden"},
    // aliases
    {"script", "command"},
    {"cmd", "command"},
    {"exec", "command"},
    {"workdir", "cwd"},
    {"folder", "cwd"},
    {"ns", "namespace"},
    {"replica", "instances"},
    {"autorestart", "restart"},
    {"restart_policy", "restart"},
    {"restart_delay", "restart_delay_ms"},
    {"interval", "restart_delay_ms"},
    {"max_restart_delay", "max_restart_delay_ms"},
    {"min_uptime", "min_uptime_ms"},
    {"kill_timeout", "kill_timeout_ms"},
    {"kill_signal", "stop_signal"},
    {"max_log_size_mb", "log_max_size"},
    {"watch_paths", "watch"},
    {"ignore_watch", "watch_ignore"},
    {"watch_delay", "watch_debounce_ms"},
    {"schedule", "cron"},
    {"depends_on", "deps"},
    {"run_as", "user"},
}};

error field_error(const spec_context &where, std::string_view key, const value *v, std::string msg) {
    error e(ALTER_ESPEC);
    e.field = where.field_prefix + std::string(key);
    e.message = e.field + ": " + msg;
    e.file = where.file;
    if (v != nullptr) {
        e.line = v->line;
        e.column = v->column;
    }
    return e;
}

// An error about the key itself (unknown, given twice): at the key where the parser saw it.
error key_error(const spec_context &where, std::string_view key, const value &v, std::string msg) {
    error e = field_error(where, key, &v, std::move(msg));
    if (v.key_line > 0) {
        e.line = v.key_line;
        e.column = v.key_column;
    }
    return e;
}

error unknown_key(const spec_context &where, std::string_view key, const value &v) {
    error e = key_error(where, key, v, "unknown field");
    if (auto c = closest(key, spec_accepted_keys()); !c.empty()) {
        e.hint = "did you mean '" + std::string(c) + "'?";
        e.message += " (did you mean '" + std::string(c) + "'?)";
    }
    return e;
}

// The column in the file of column `at` (1-based) inside the string value v: past its opening
// quote. Without the source text the value is taken to be a JSON string (quoted).
int column_inside(const spec_context &where, const value &v, int at) {
    if (v.line <= 0 || v.column <= 0 || at <= 0) return v.column;
    int quote = 1;
    if (!where.source.empty()) {
        size_t pos = 0;
        for (int l = 1; l < v.line && pos != std::string_view::npos; ++l)
            if ((pos = where.source.find('\n', pos)) != std::string_view::npos) ++pos;
        if (pos == std::string_view::npos) return v.column;
        std::string_view rest = where.source.substr(std::min(where.source.size(), pos + static_cast<size_t>(v.column - 1)));
        std::string_view three = rest.substr(0, 3);
        if (three == R"(""")" || three == "'''") return v.column; // multi-line: the value's start
        quote = !rest.empty() && (rest[0] == '"' || rest[0] == '\'') ? 1 : 0;
    }
    return v.column + quote + at - 1;
}

std::string describe(const value &v) {
    switch (v.k) {
    case value::kind::string: return "'" + v.s + "'";
    case value::kind::integer: return std::to_string(v.i);
    case value::kind::number: return json::quote(std::to_string(v.d));
    case value::kind::boolean: return v.b ? "true" : "false";
    default: return v.type_name();
    }
}

// Field readers. Each takes the value and reports errors against `key`.
struct reader {
    const spec_context &where;
    std::string_view key;
    const value &v;

    error type_error(const char *expected) const {
        return field_error(where, key, &v, std::string("expected ") + expected + ", got " + v.type_name());
    }

    result<std::string> string() const {
        if (v.k != value::kind::string) return type_error("a string");
        if (v.s.find('\0') != std::string::npos) return nul_error(key, v);
        return v.s;
    }
    // A C string ends at NUL: a path, an argument or a name with one would be cut short at spawn.
    error nul_error(std::string_view k, const value &x) const { return field_error(where, k, &x, "contains a NUL byte"); }
    result<int64_t> integer(int64_t min, int64_t max) const {
        int64_t x = 0;
        if (v.k == value::kind::integer) x = v.i;
        else if (v.k == value::kind::number && std::floor(v.d) == v.d && std::fabs(v.d) < 9e15)
            x = static_cast<int64_t>(v.d);
        else if (v.k == value::kind::string && !v.s.empty()) {
            auto r = std::from_chars(v.s.data(), v.s.data() + v.s.size(), x);
            if (r.ec != std::errc() || r.ptr != v.s.data() + v.s.size()) return type_error("an integer");
        } else
            return type_error("an integer");
        if (x < min || x > max)
            return field_error(where, key, &v,
                               "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                                   " (got " + std::to_string(x) + ")");
        return x;
    }
    result<double> number(double min, double max) const {
        double x = 0;
        if (v.k == value::kind::integer) x = static_cast<double>(v.i);
        else if (v.k == value::kind::number) x = v.d;
        else return type_error("a number");
        if (!(x >= min && x <= max))
            return field_error(where, key, &v,
                               "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return x;
    }
    result<bool> boolean() const {
        if (v.k == value::kind::boolean) return v.b;
        if (v.k == value::kind::string) {
            if (v.s == "true" || v.s == "yes" || v.s == "on") return true;
            if (v.s == "false" || v.s == "no" || v.s == "off") return false;
        }
        return type_error("true or false");
    }
    result<std::vector<std::string>> strings() const {
        std::vector<std::string> out;
        if (v.k == value::kind::string) {
            if (v.s.find('\0') != std::string::npos) return nul_error(key, v);
            out.push_back(v.s);
            return out;
        }
        if (v.k != value::kind::array) return type_error("a list of strings");
        for (size_t i = 0; i < v.items.size(); ++i) {
            const auto &x = v.items[i];
            if (x.k == value::kind::string && x.s.find('\0') != std::string::npos)
                return nul_error(std::string(key) + "[" + std::to_string(i) + "]", x);
            if (x.k == value::kind::string) out.push_back(x.s);
            else if (x.k == value::kind::integer) out.push_back(std::to_string(x.i));
            else
                return field_error(where, std::string(key) + "[" + std::to_string(i) + "]", &x,
                                   std::string("expected a string, got ") + x.type_name());
        }
        return out;
    }
    template <class E, size_t N>
    result<E> choice(const std::array<std::pair<std::string_view, E>, N> &table) const {
        if (v.k == value::kind::string)
            for (const auto &[name, e] : table)
                if (v.s == name) return e;
        std::string list;
        for (const auto &[name, e] : table) {
            if (!list.empty()) list += ", ";
            list += name;
        }
        auto err = field_error(where, key, &v, "expected one of " + list + " (got " + describe(v) + ")");
        if (v.k == value::kind::string) {
            std::vector<std::string_view> names;
            for (const auto &[name, e] : table) names.push_back(name);
            if (auto c = closest(v.s, names); !c.empty()) err.hint = "did you mean '" + std::string(c) + "'?";
        }
        return err;
    }
};

bool valid_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

constexpr int64_t day_ms = 86'400'000;
constexpr int64_t max_delay_ms = 7 * day_ms;

} // namespace

std::string_view spec_canonical_key(std::string_view key) {
    for (const auto &a : aliases)
        if (a.key == key) return a.canonical;
    return {};
}

const std::vector<std::string_view> &spec_keys() {
    static const std::vector<std::string_view> keys = [] {
        std::vector<std::string_view> k;
        for (const auto &a : aliases)
            if (a.key == a.canonical) k.push_back(a.key);
        return k;
    }();
    return keys;
}

const std::vector<std::string_view> &spec_accepted_keys() {
    static const std::vector<std::string_view> keys = [] {
        std::vector<std::string_view> k;
        for (const auto &a : aliases) k.push_back(a.key);
        return k;
    }();
    return keys;
}

status validate_name(std::string_view name, std::string_view field) {
    auto fail = [&](std::string msg) {
        error e(ALTER_ESPEC, std::string(field) + ": " + msg);
        e.field = std::string(field);
        return e;
    };
    if (name.empty()) return fail("must not be empty");
    if (name.size() > defaults::max_name)
        return fail("at most " + std::to_string(defaults::max_name) + " characters (got " +
                    std::to_string(name.size()) + ")");
    for (char c : name)
        if (!valid_name_char(c))
            return fail("'" + std::string(name) +
                        "' may contain only letters, digits, '.', '_' and '-'");
    if (name[0] == '.' || name[0] == '-') return fail("'" + std::string(name) + "' must not start with '.' or '-'");
    if (name == "all") return fail("'all' is reserved (it names every app)");
    return {};
}

int parse_signal(std::string_view s) {
    static constexpr std::array<std::pair<std::string_view, int>, 14> sigs{{
        {"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"KILL", SIGKILL}, {"USR1", SIGUSR1},
        {"USR2", SIGUSR2}, {"TERM", SIGTERM}, {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"ABRT", SIGABRT},
        {"ALRM", SIGALRM}, {"WINCH", SIGWINCH}, {"PWR", SIGPWR}, {"TSTP", SIGTSTP},
    }};
    if (s.empty()) return 0;
    if (s[0] >= '0' && s[0] <= '9') {
        int n = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), n);
        if (r.ec != std::errc() || r.ptr != s.data() + s.size() || n <= 0 || n >= 65) return 0;
        return n;
    }
    std::string up(s);
    for (auto &c : up) c = static_cast<char>((c >= 'a' && c <= 'z') ? c - 32 : c);
    std::string_view u(up);
    if (u.substr(0, 3) == "SIG") u.remove_prefix(3);
    for (const auto &[name, n] : sigs)
        if (name == u) return n;
    for (int n = 1; n < 65; ++n) // every other name the C library knows (BUS, SEGV, CHLD...)
        if (const char *abbrev = sigabbrev_np(n); abbrev != nullptr && u == abbrev) return n;
    return 0;
}

std::string signal_name(int sig) {
    const char *abbrev = sigabbrev_np(sig);
    if (abbrev != nullptr) return std::string("SIG") + abbrev;
    return std::to_string(sig);
}

bool parse_size(std::string_view s, uint64_t &out) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (s.empty()) return false;
    size_t i = 0;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == 0) return false;
    std::string num(s.substr(0, i));
    char *end = nullptr;
    errno = 0;
    double n = std::strtod(num.c_str(), &end);
    if (errno != 0 || end != num.c_str() + num.size() || n < 0) return false;
    std::string unit(s.substr(i));
    while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
    for (auto &c : unit) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
    double mult = 1;
    if (unit.empty() || unit == "b") mult = 1;
    else if (unit == "k" || unit == "kb") mult = 1e3;
    else if (unit == "kib") mult = 1024.0;
    else if (unit == "m" || unit == "mb") mult = 1e6;
    else if (unit == "mib") mult = 1024.0 * 1024;
    else if (unit == "g" || unit == "gb") mult = 1e9;
    else if (unit == "gib") mult = 1024.0 * 1024 * 1024;
    else return false;
    double bytes = n * mult;
    if (bytes > 1e18) return false;
    out = static_cast<uint64_t>(bytes);
    return true;
}

std::string_view closest(std::string_view key, const std::vector<std::string_view> &candidates) {
    // Damerau-free Levenshtein; accept when the distance is small for the length.
    auto distance = [](std::string_view a, std::string_view b) {
        std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
        for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
        for (size_t i = 1; i <= a.size(); ++i) {
            cur[0] = i;
            for (size_t j = 1; j <= b.size(); ++j) {
                size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
            }
            std::swap(prev, cur);
        }
        return prev[b.size()];
    };
    std::string_view best;
    size_t best_d = SIZE_MAX;
    for (auto c : candidates) {
        size_t d = distance(key, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    size_t limit = std::max<size_t>(2, key.size() / 3);
    // A key that contains a candidate (or the reverse) is also close: "restart_delay_msec".
    if (best_d <= limit) return best;
    for (auto c : candidates)
        if (c.size() >= 4 && (key.find(c) != std::string_view::npos || c.find(key) != std::string_view::npos) &&
            key.size() >= 4)
            return c;
    return {};
}

bool split_words(std::string_view line, std::vector<std::string> &out) {
    std::string cur;
    bool in_word = false;
    char quote = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quote != 0) {
            if (c == quote) quote = 0;
            else if (c == '\\' && quote == '"' && i + 1 < line.size() &&
                     (line[i + 1] == '"' || line[i + 1] == '\\'))
                cur.push_back(line[++i]);
            else cur.push_back(c);
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (in_word) {
                out.push_back(std::move(cur));
                cur.clear();
                in_word = false;
            }
            continue;
        }
        in_word = true;
        if (c == '\'' || c == '"') quote = c;
        else if (c == '\\' && i + 1 < line.size()) cur.push_back(line[++i]);
        else cur.push_back(c);
    }
    if (quote != 0) return false;
    if (in_word) out.push_back(std::move(cur));
    return true;
}

result<app_spec> spec_from_value(const value &obj, const spec_context &where) {
    if (!obj.is_object()) {
        error e(ALTER_ESPEC, (where.field_prefix.empty() ? std::string("app") : where.field_prefix.substr(0, where.field_prefix.size() - 1)) +
                                 ": expected an object, got " + obj.type_name());
        e.file = where.file;
        e.line = obj.line;
        e.column = obj.column;
        return e;
    }
    app_spec s;
    bool have_type = false, have_name = false, have_command = false;
    const value *deps_value = nullptr;
    std::vector<std::string_view> seen;

    for (const auto &[key, v] : obj.fields) {
        auto canon = spec_canonical_key(key);
        if (canon.empty()) return unknown_key(where, key, v);
        if (std::find(seen.begin(), seen.end(), canon) != seen.end())
            return key_error(where, key, v, "given twice (also as '" + std::string(canon) + "' or an alias)");
        seen.push_back(canon);
        if (v.is_null()) continue; // null: keep the default
        reader r{where, key, v};

#define TRY(var, expr)                                                                             \
    auto var = (expr);                                                                             \
    if (!var) return std::move(var).err();

        if (canon == "name") {
            TRY(x, r.string());
            if (auto st = validate_name(*x, where.field_prefix + "name"); !st) {
                error e = st.err();
                e.file = where.file;
                e.line = v.line;
                e.column = v.column;
                return e;
            }
            s.name = std::move(*x);
            have_name = true;
        } else if (canon == "command") {
            TRY(x, r.string());
            if (x->empty()) return field_error(where, key, &v, "must not be empty");
            s.command = std::move(*x);
            have_command = true;
        } else if (canon == "args") {
            if (v.is_string()) {
                if (v.s.find('\0') != std::string::npos) return r.nul_error(key, v);
                if (!split_words(v.s, s.args)) return field_error(where, key, &v, "unterminated quote");
            } else {
                TRY(x, r.strings());
                s.args = std::move(*x);
            }
        } else if (canon == "cwd") {
            TRY(x, r.string());
            s.cwd = std::move(*x);
        } else if (canon == "env") {
            if (!v.is_object()) return r.type_error("an object of NAME = value");
            for (const auto &[k, ev] : v.fields) {
                if (k.find('\0') != std::string::npos) return field_error(where, key, &ev, "a variable name contains a NUL byte");
                if (k.empty() || k.find('=') != std::string::npos)
                    return field_error(where, std::string(key) + "." + k, &ev, "invalid variable name");
                switch (ev.k) {
                case value::kind::string:
                    if (ev.s.find('\0') != std::string::npos) return r.nul_error(std::string(key) + "." + k, ev);
                    s.env[k] = ev.s;
                    break;
                case value::kind::integer: s.env[k] = std::to_string(ev.i); break;
                case value::kind::boolean: s.env[k] = ev.b ? "true" : "false"; break;
                case value::kind::number: {
                    char buf[32];
                    auto res = std::to_chars(buf, buf + sizeof buf, ev.d);
                    s.env[k] = std::string(buf, res.ptr);
                    break;
                }
                default:
                    return field_error(where, std::string(key) + "." + k, &ev,
                                       std::string("expected a string, got ") + ev.type_name());
                }
            }
        } else if (canon == "env_file") {
            TRY(x, r.string());
            s.env_file = std::move(*x);
        } else if (canon == "namespace") {
            TRY(x, r.string());
            if (auto st = validate_name(*x, where.field_prefix + "namespace"); !st) {
                error e = st.err();
                e.file = where.file;
                e.line = v.line;
                e.column = v.column;
                return e;
            }
            s.ns = std::move(*x);
        } else if (canon == "instances") {
            TRY(x, r.integer(1, defaults::max_instances));
            s.instances = static_cast<uint32_t>(*x);
        } else if (canon == "type") {
            static constexpr std::array<std::pair<std::string_view, app_type>, 3> t{
                {{"daemon", app_type::daemon}, {"once", app_type::once}, {"cron", app_type::cron}}};
            TRY(x, r.choice(t));
            s.type = *x;
            have_type = true;
        } else if (canon == "restart") {
            if (v.k == value::kind::boolean) {
                // autorestart = true restarts on failure (the reference product's meaning).
                s.restart = v.b ? restart_policy::on_failure : restart_policy::never;
            } else {
                static constexpr std::array<std::pair<std::string_view, restart_policy>, 6> t{
                    {{"always", restart_policy::always},
                     {"on-failure", restart_policy::on_failure},
                     {"never", restart_policy::never},
                     {"on_failure", restart_policy::on_failure},
                     {"unless-stopped", restart_policy::always},
                     {"no", restart_policy::never}}};
                TRY(x, r.choice(t));
                s.restart = *x;
            }
        } else if (canon == "restart_delay_ms") {
            TRY(x, r.integer(0, max_delay_ms));
            s.restart_delay_ms = *x;
        } else if (canon == "max_restart_delay_ms") {
            TRY(x, r.integer(0, max_delay_ms));
            s.max_restart_delay_ms = *x;
        } else if (canon == "backoff_multiplier") {
            TRY(x, r.number(1.0, 100.0));
            s.backoff_multiplier = *x;
        } else if (canon == "min_uptime_ms") {
            TRY(x, r.integer(0, max_delay_ms));
            s.min_uptime_ms = *x;
        } else if (canon == "max_restarts") {
            TRY(x, r.integer(0, 1'000'000));
            s.max_restarts = static_cast<uint32_t>(*x);
        } else if (canon == "restart_window_ms") {
            TRY(x, r.integer(0, 30 * day_ms));
            s.restart_window_ms = *x;
        } else if (canon == "stop_signal") {
            int sig = 0;
            if (v.k == value::kind::integer && v.i > 0 && v.i < 65) sig = static_cast<int>(v.i);
            else if (v.k == value::kind::string) sig = parse_signal(v.s);
            if (sig == 0) return field_error(where, key, &v, "expected a signal such as SIGTERM, SIGINT or 15 (got " + describe(v) + ")");
            s.stop_signal = sig;
        } else if (canon == "kill_timeout_ms") {
            TRY(x, r.integer(0, max_delay_ms));
            s.kill_timeout_ms = *x;
        } else if (canon == "enabled") {
            TRY(x, r.boolean());
            s.enabled = *x;
        } else if (canon == "user") {
            TRY(x, r.string());
            s.user = std::move(*x);
        } else if (canon == "group") {
            TRY(x, r.string());
            s.group = std::move(*x);
        } else if (canon == "log_max_size") {
            uint64_t bytes = 0;
            if (key == "max_log_size_mb") {
                TRY(x, r.integer(0, 1'000'000));
                bytes = static_cast<uint64_t>(*x) * 1024 * 1024;
            } else if (v.k == value::kind::string) {
                if (!parse_size(v.s, bytes))
                    return field_error(where, key, &v, "expected a size such as 10MiB, 512k or 1048576 (got " + describe(v) + ")");
            } else {
                TRY(x, r.integer(0, INT64_MAX));
                bytes = static_cast<uint64_t>(*x);
            }
            if (bytes != 0 && bytes < 4096) return field_error(where, key, &v, "must be 0 (no size rotation) or at least 4096 bytes");
            s.log_max_size = bytes;
        } else if (canon == "log_max_files") {
            TRY(x, r.integer(0, 1000));
            s.log_max_files = static_cast<uint32_t>(*x);
        } else if (canon == "log_retain_days") {
            TRY(x, r.integer(0, 36500));
            s.log_retain_days = static_cast<uint32_t>(*x);
        } else if (canon == "watch") {
            if (v.k == value::kind::boolean) {
                s.watch.clear();
                if (v.b) s.watch.push_back(".");
            } else {
                TRY(x, r.strings());
                s.watch = std::move(*x);
                for (const auto &p : s.watch)
                    if (p.empty()) return field_error(where, key, &v, "paths must not be empty");
            }
        } else if (canon == "watch_ignore") {
            TRY(x, r.strings());
            s.watch_ignore = std::move(*x);
        } else if (canon == "watch_include") {
            TRY(x, r.strings());
            s.watch_include = std::move(*x);
        } else if (canon == "watch_debounce_ms") {
            TRY(x, r.integer(0, 3'600'000));
            s.watch_debounce_ms = *x;
        } else if (canon == "cron") {
            TRY(x, r.string());
            if (!x->empty()) {
                auto sched = cron_parse(*x);
                if (!sched) {
                    // "apps[0].cron: field 2 (hour) ...": the field is named once, and the
                    // column points at the offending token inside the expression.
                    std::string_view why = sched.err().message;
                    if (why.substr(0, 6) == "cron: ") why.remove_prefix(6);
                    error e = field_error(where, key, &v, std::string(why));
                    e.column = column_inside(where, v, sched.err().column);
                    return e;
                }
            }
            s.cron = std::move(*x);
        } else if (canon == "overlap") {
            static constexpr std::array<std::pair<std::string_view, overlap_policy>, 3> t{
                {{"skip", overlap_policy::skip}, {"allow", overlap_policy::allow}, {"replace", overlap_policy::replace}}};
            TRY(x, r.choice(t));
            s.overlap = *x;
        } else if (canon == "hidden") {
            TRY(x, r.boolean());
            s.hidden = *x;
        } else if (canon == "deps") {
            deps_value = &v;
            TRY(x, r.strings());
            for (const auto &d : *x)
                if (auto st = validate_name(d, where.field_prefix + "deps"); !st) {
                    error e = st.err();
                    e.file = where.file;
                    e.line = v.line;
                    e.column = v.column;
                    return e;
                }
            s.deps = std::move(*x);
        }
#undef TRY
    }

    auto missing = [&](const char *k) {
        error e(ALTER_ESPEC, where.field_prefix + k + ": required");
        e.field = where.field_prefix + k;
        e.file = where.file;
        e.line = obj.line;
        e.column = obj.column;
        return e;
    };
    if (!have_name) return missing("name");
    if (!have_command) return missing("command");
    if (!s.cron.empty() && !have_type) s.type = app_type::cron;
    if (s.type == app_type::cron && s.cron.empty()) return missing("cron");
    if (s.max_restart_delay_ms < s.restart_delay_ms) s.max_restart_delay_ms = s.restart_delay_ms;
    if (std::find(s.deps.begin(), s.deps.end(), s.name) != s.deps.end())
        return field_error(where, "deps", deps_value, "an app cannot depend on itself");
    return s;
}

value spec_to_value(const app_spec &s) {
    value o = value::make_object();
    auto str = [](const std::string &x) { return value::make_string(x); };
    auto list = [](const std::vector<std::string> &xs) {
        value a = value::make_array();
        for (const auto &x : xs) a.items.push_back(value::make_string(x));
        return a;
    };
    auto num = [](int64_t x) { return value::make_int(x); };
    o.set("name", str(s.name));
    o.set("command", str(s.command));
    o.set("args", list(s.args));
    o.set("cwd", str(s.cwd));
    value env = value::make_object();
    for (const auto &[k, v] : s.env) env.set(k, str(v));
    o.set("env", std::move(env));
    o.set("env_file", str(s.env_file));
    o.set("namespace", str(s.ns));
    o.set("instances", num(s.instances));
    o.set("type", value::make_string(to_string(s.type)));
    o.set("restart", value::make_string(to_string(s.restart)));
    o.set("restart_delay_ms", num(s.restart_delay_ms));
    o.set("max_restart_delay_ms", num(s.max_restart_delay_ms));
    o.set("backoff_multiplier", value::make_number(s.backoff_multiplier));
    o.set("min_uptime_ms", num(s.min_uptime_ms));
    o.set("max_restarts", num(s.max_restarts));
    o.set("restart_window_ms", num(s.restart_window_ms));
    o.set("stop_signal", value::make_string(signal_name(s.stop_signal)));
    o.set("kill_timeout_ms", num(s.kill_timeout_ms));
    o.set("enabled", value::make_bool(s.enabled));
    o.set("user", str(s.user));
    o.set("group", str(s.group));
    o.set("log_max_size", num(static_cast<int64_t>(s.log_max_size)));
    o.set("log_max_files", num(s.log_max_files));
    o.set("log_retain_days", num(s.log_retain_days));
    o.set("watch", list(s.watch));
    o.set("watch_ignore", list(s.watch_ignore));
    o.set("watch_include", list(s.watch_include));
    o.set("watch_debounce_ms", num(s.watch_debounce_ms));
    o.set("cron", str(s.cron));
    o.set("overlap", value::make_string(to_string(s.overlap)));
    o.set("deps", list(s.deps));
    o.set("hidden", value::make_bool(s.hidden));
    return o;
}

std::string spec_to_json(const app_spec &spec) { return to_json(spec_to_value(spec)); }

result<app_spec> spec_apply_patch(const app_spec &spec, const value &patch) {
    if (!patch.is_object()) return error(ALTER_ESPEC, std::string("patch: expected an object, got ") + patch.type_name());
    value merged = spec_to_value(spec);
    std::vector<std::string_view> seen;
    for (const auto &[key, v] : patch.fields) {
        auto canon = spec_canonical_key(key);
        if (!canon.empty()) {
            if (std::find(seen.begin(), seen.end(), canon) != seen.end())
                return key_error({}, key, v, "given twice (also as '" + std::string(canon) + "' or an alias)");
            seen.push_back(canon);
        }
        if (canon.empty()) return unknown_key({}, key, v);
        if (canon == "name" && !(v.is_string() && v.s == spec.name))
            return field_error({}, key, &v, "cannot be changed (delete the app and add it again)");
        if (v.is_null()) merged.erase(canon);
        else merged.set(std::string(key == canon ? canon : key), v);
        if (key != canon) merged.erase(canon);
    }
    // A type change to cron needs the cron field; a type change away keeps it as a schedule.
    return spec_from_value(merged);
}

bool spec_needs_restart(const app_spec &a, const app_spec &b) {
    return a.command != b.command || a.args != b.args || a.cwd != b.cwd || a.env != b.env ||
           a.env_file != b.env_file || a.user != b.user || a.group != b.group || a.type != b.type ||
           a.stop_signal != b.stop_signal;
}

} // namespace alter::detail
