// SPDX-License-Identifier: MIT
// Shared by the integration tests of libalter: temp dirs, the helper programs' paths, a small JSON
// reader for the library's answers, and recorders that collect events and log lines from the loop
// thread and let a test wait (with a deadline) until a condition holds. Tests never sleep for a
// fixed time to get a result.
#pragma once

#include <doctest/doctest.h>

#include <alter/alter.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <ftw.h>
#include <functional>
#include <mutex>
#include <signal.h>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#ifndef ALTER_HELPER_DIR
#error "ALTER_HELPER_DIR must be defined (tests/integration/meson.build)"
#endif

namespace integ {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using alter::ms;

/// Full path of a helper program (tests/helpers).
inline std::string helper(std::string_view name) { return std::string(ALTER_HELPER_DIR) + "/" + std::string(name); }

// ---- files ----------------------------------------------------------------------------------

/// A fresh directory under $TMPDIR (or /tmp), removed with its content at the end.
class temp_dir {
public:
    temp_dir() {
        const char *base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base != nullptr && base[0] != '\0' ? base : "/tmp") + "/alter-integ-XXXXXX";
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        if (::mkdtemp(buf.data()) == nullptr) FAIL("mkdtemp: " << std::strerror(errno));
        path_ = buf.data();
    }
    ~temp_dir() {
        ::nftw(
            path_.c_str(),
            [](const char *p, const struct stat *, int, struct FTW *) { return ::remove(p); }, 16,
            FTW_DEPTH | FTW_PHYS);
    }
    temp_dir(const temp_dir &) = delete;
    temp_dir &operator=(const temp_dir &) = delete;
    const std::string &path() const { return path_; }
    std::string operator/(std::string_view name) const { return path_ + "/" + std::string(name); }

private:
    std::string path_;
};

inline std::string read_file(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

inline void write_file(const std::string &path, std::string_view text) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
}

inline std::vector<std::string> split_lines(std::string_view text) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < text.size()) {
        size_t j = text.find('\n', i);
        if (j == std::string_view::npos) j = text.size();
        out.emplace_back(text.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

inline std::vector<std::string> list_dir(const std::string &dir) {
    std::vector<std::string> out;
    if (DIR *d = ::opendir(dir.c_str())) {
        while (dirent *e = ::readdir(d))
            if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) out.emplace_back(e->d_name);
        ::closedir(d);
    }
    return out;
}

/// Open fds and threads of this process (leak checks).
inline size_t count_fds() { return list_dir("/proc/self/fd").size() - 1; } // minus the listing's own fd
inline size_t count_threads() { return list_dir("/proc/self/task").size(); }

/// True when `pid` no longer runs: it does not exist, or it is a zombie (an orphan whose new
/// parent has not reaped it yet; this machine's init may never do so).
inline bool pid_gone(pid_t pid) {
    if (pid <= 0) return true;
    if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
    std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    size_t rp = stat.rfind(')');
    return rp != std::string::npos && rp + 2 < stat.size() && stat[rp + 2] == 'Z';
}

/// Poll `pred` until it holds or `timeout` passes (for conditions nothing notifies about, such as
/// a process disappearing). Returns the last value of pred().
template <class F> bool eventually(F &&pred, ms timeout = 5000ms, ms step = 5ms) {
    auto deadline = steady::now() + timeout;
    for (;;) {
        if (pred()) return true;
        if (steady::now() >= deadline) return false;
        std::this_thread::sleep_for(step);
    }
}

inline double elapsed_ms(steady::time_point a, steady::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

// ---- a small JSON reader (for the library's answers) --------------------------------------------

struct json {
    enum class kind { null, boolean, number, string, array, object } k = kind::null;
    bool b = false;
    double n = 0;
    std::string s;
    std::vector<json> items;
    std::vector<std::pair<std::string, json>> fields;

    bool is_null() const { return k == kind::null; }
    bool has(std::string_view key) const {
        for (const auto &[name, v] : fields)
            if (name == key) return true;
        return false;
    }
    const json &operator[](std::string_view key) const {
        static const json none;
        for (const auto &[name, v] : fields)
            if (name == key) return v;
        return none;
    }
    const json &operator[](size_t i) const {
        static const json none;
        return i < items.size() ? items[i] : none;
    }
    size_t size() const { return k == kind::object ? fields.size() : items.size(); }
    long long i() const { return static_cast<long long>(n); }
    std::string str() const { return k == kind::string ? s : std::string(); }

    static json parse(std::string_view text) {
        size_t pos = 0;
        json v = parse_value(text, pos);
        skip_ws(text, pos);
        if (pos != text.size()) throw std::runtime_error("json: trailing characters");
        return v;
    }

private:
    static void skip_ws(std::string_view t, size_t &p) {
        while (p < t.size() && (t[p] == ' ' || t[p] == '\n' || t[p] == '\r' || t[p] == '\t')) ++p;
    }
    static void expect(std::string_view t, size_t &p, char c) {
        skip_ws(t, p);
        if (p >= t.size() || t[p] != c) throw std::runtime_error(std::string("json: expected '") + c + "'");
        ++p;
    }
    static void put_utf8(std::string &out, unsigned cp) {
        if (cp < 0x80) out.push_back(static_cast<char>(cp));
        else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else {
            out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        }
    }
    static std::string parse_string(std::string_view t, size_t &p) {
        expect(t, p, '"');
        std::string out;
        while (p < t.size() && t[p] != '"') {
            char c = t[p++];
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (p >= t.size()) break;
            char e = t[p++];
            switch (e) {
            case 'n': out.push_back('\n'); break;
            case 't': out.push_back('\t'); break;
            case 'r': out.push_back('\r'); break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'u': {
                auto hex4 = [&](size_t at) { return static_cast<unsigned>(std::stoul(std::string(t.substr(at, 4)), nullptr, 16)); };
                unsigned cp = hex4(p);
                p += 4;
                if (cp >= 0xd800 && cp < 0xdc00 && p + 6 <= t.size() && t[p] == '\\' && t[p + 1] == 'u') {
                    unsigned lo = hex4(p + 2);
                    p += 6;
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                }
                put_utf8(out, cp);
                break;
            }
            default: out.push_back(e); break;
            }
        }
        if (p >= t.size()) throw std::runtime_error("json: unterminated string");
        ++p;
        return out;
    }
    static json parse_value(std::string_view t, size_t &p) {
        skip_ws(t, p);
        if (p >= t.size()) throw std::runtime_error("json: unexpected end");
        json v;
        char c = t[p];
        if (c == '{') {
            v.k = kind::object;
            ++p;
            skip_ws(t, p);
            if (p < t.size() && t[p] == '}') {
                ++p;
                return v;
            }
            for (;;) {
                std::string key = parse_string(t, p);
                expect(t, p, ':');
                v.fields.emplace_back(std::move(key), parse_value(t, p));
                skip_ws(t, p);
                if (p < t.size() && t[p] == ',') {
                    ++p;
                    skip_ws(t, p);
                    continue;
                }
                expect(t, p, '}');
                return v;
            }
        }
        if (c == '[') {
            v.k = kind::array;
            ++p;
            skip_ws(t, p);
            if (p < t.size() && t[p] == ']') {
                ++p;
                return v;
            }
            for (;;) {
                v.items.push_back(parse_value(t, p));
                skip_ws(t, p);
                if (p < t.size() && t[p] == ',') {
                    ++p;
                    continue;
                }
                expect(t, p, ']');
                return v;
            }
        }
        if (c == '"') {
            v.k = kind::string;
            v.s = parse_string(t, p);
            return v;
        }
        if (t.substr(p, 4) == "true") {
            v.k = kind::boolean;
            v.b = true;
            p += 4;
            return v;
        }
        if (t.substr(p, 5) == "false") {
            v.k = kind::boolean;
            p += 5;
            return v;
        }
        if (t.substr(p, 4) == "null") {
            p += 4;
            return v;
        }
        size_t start = p;
        while (p < t.size() && (std::strchr("+-.eE", t[p]) != nullptr || (t[p] >= '0' && t[p] <= '9'))) ++p;
        if (start == p) throw std::runtime_error("json: unexpected character");
        v.k = kind::number;
        v.n = std::stod(std::string(t.substr(start, p - start)));
        return v;
    }
};

// ---- recorders ------------------------------------------------------------------------------

/// One event, copied out of the callback, with the steady time at which the callback ran.
struct rec_event {
    uint32_t kind = 0;
    std::string app, instance, reason, json_text;
    alter::state from{}, to{};
    int pid = 0, exit_code = -1, signal = 0;
    uint32_t restarts = 0;
    int64_t time_ms = 0;
    steady::time_point at;
    json parsed() const { return json::parse(json_text); }
};

/// Collects every event of a context. Declare it before the context: it must outlive it.
class event_recorder {
public:
    void attach(alter::context &ctx) {
        auto id = ctx.watch_events([this](const alter::event &e) {
            rec_event r;
            r.kind = e.kind;
            r.app = e.app;
            r.instance = e.instance;
            r.reason = e.reason;
            r.json_text = e.json;
            r.from = e.from;
            r.to = e.to;
            r.pid = e.pid;
            r.exit_code = e.exit_code;
            r.signal = e.signal;
            r.restarts = e.restarts;
            r.time_ms = std::chrono::duration_cast<ms>(e.time.time_since_epoch()).count();
            r.at = steady::now();
            std::lock_guard lock(mu_);
            events_.push_back(std::move(r));
            cv_.notify_all();
        });
        REQUIRE(id.ok());
    }
    std::vector<rec_event> all() const {
        std::lock_guard lock(mu_);
        return events_;
    }
    /// State events of one instance (or app, when `instance` is empty: all its instances).
    std::vector<rec_event> states(std::string_view instance) const {
        std::vector<rec_event> out;
        std::lock_guard lock(mu_);
        for (const auto &e : events_)
            if (e.kind == ALTER_EVENT_STATE && (instance.empty() || e.instance == instance)) out.push_back(e);
        return out;
    }
    size_t count(const std::function<bool(const rec_event &)> &pred) const {
        std::lock_guard lock(mu_);
        size_t n = 0;
        for (const auto &e : events_)
            if (pred(e)) ++n;
        return n;
    }
    /// Wait until at least `n` events satisfy pred.
    bool wait_count(const std::function<bool(const rec_event &)> &pred, size_t n, ms timeout = 10000ms) const {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, timeout, [&] {
            size_t k = 0;
            for (const auto &e : events_)
                if (pred(e)) ++k;
            return k >= n;
        });
    }
    /// Wait until the n-th (1-based) state event of `instance` going to `to` has arrived.
    bool wait_to(std::string_view instance, alter::state to, size_t n = 1, ms timeout = 10000ms) const {
        return wait_count([&](const rec_event &e) { return e.kind == ALTER_EVENT_STATE && e.instance == instance && e.to == to; }, n, timeout);
    }
    size_t count_to(std::string_view instance, alter::state to) const {
        return count([&](const rec_event &e) { return e.kind == ALTER_EVENT_STATE && e.instance == instance && e.to == to; });
    }
    void clear() {
        std::lock_guard lock(mu_);
        events_.clear();
    }

private:
    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    std::vector<rec_event> events_;
};

/// Collects log lines of a context (from alter_log_watch). Declare it before the context.
class line_recorder {
public:
    struct line {
        uint32_t stream;
        std::string instance, text;
    };
    void attach(alter::context &ctx, const std::string &target = {}) {
        auto id = ctx.watch_logs(target, [this](const alter::log_line &l) {
            std::lock_guard lock(mu_);
            lines_.push_back(line{l.stream, std::string(l.instance), std::string(l.text)});
            cv_.notify_all();
        });
        REQUIRE(id.ok());
    }
    std::vector<line> all() const {
        std::lock_guard lock(mu_);
        return lines_;
    }
    /// Wait for a line of `instance` (any if empty) starting with `prefix`; returns its text.
    std::string wait_prefix(std::string_view instance, std::string_view prefix, ms timeout = 10000ms) const {
        std::unique_lock lock(mu_);
        std::string found;
        cv_.wait_for(lock, timeout, [&] {
            for (const auto &l : lines_)
                if ((instance.empty() || l.instance == instance) && l.text.compare(0, prefix.size(), prefix) == 0) {
                    found = l.text;
                    return true;
                }
            return false;
        });
        return found;
    }

private:
    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    std::vector<line> lines_;
};

// ---- context and apps -----------------------------------------------------------------------

/// A context logging under `dir`.
inline alter::context make_context(const temp_dir &dir, alter::context_options o = {}) {
    if (o.log_dir.empty()) o.log_dir = dir / "logs";
    auto c = alter::context::create(o);
    if (!c.ok()) FAIL("context: " << c.error().message);
    return std::move(c).value();
}

/// A spec for a helper program.
inline alter::app_spec helper_app(std::string name, std::string_view program, std::vector<std::string> args = {}) {
    alter::app_spec s;
    s.name = std::move(name);
    s.command = helper(program);
    s.args = std::move(args);
    return s;
}

/// The list JSON's entry for one instance (null json if absent).
inline json process_of(alter::context &ctx, std::string_view instance) {
    auto l = ctx.list();
    REQUIRE(l.ok());
    json j = json::parse(*l);
    for (const auto &p : j["processes"].items)
        if (p["name"].str() == instance) return p;
    return {};
}

inline std::string status_of(alter::context &ctx, std::string_view instance) { return process_of(ctx, instance)["status"].str(); }

/// Wait for every instance of `target` to be in one of `states`; fails the test with the list.
inline void wait_state(alter::context &ctx, const std::string &target, std::initializer_list<alter::state> states,
                       ms timeout = 10000ms) {
    auto st = ctx.wait(target, states, timeout);
    if (!st.ok()) {
        auto l = ctx.list();
        FAIL_CHECK("wait '" << target << "': " << st.error().message << "\nlist: " << (l.ok() ? *l : std::string("?")));
    }
    REQUIRE(st.ok());
}

/// The log file of an instance ("out.log" / "err.log").
inline std::string log_path(const temp_dir &dir, std::string_view instance, std::string_view file = "out.log") {
    return dir / "logs" + "/" + std::string(instance) + "/" + std::string(file);
}

/// Text of the log lines in a log file (timestamps removed).
inline std::vector<std::string> log_texts(const std::string &path) {
    std::vector<std::string> out;
    for (auto &l : split_lines(read_file(path))) out.push_back(l.size() > 25 ? l.substr(25) : std::string());
    return out;
}

} // namespace integ
