// SPDX-License-Identifier: MIT
// alter daemon start|stop|restart|status|logs.
#include "commands.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "alter/json.hpp"

namespace alter::cli {

namespace {

constexpr option start_opts[] = {
    {"--foreground", 0, arity::none},
    {"--no-web", 0, arity::none},
    {"--web-port", 0, arity::value},
};
enum { o_foreground, o_no_web, o_web_port };

constexpr option logs_opts[] = {
    {"--lines", 'n', arity::value},
    {"--follow", 'f', arity::none},
};

bool executable(const std::string &p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

// $ALTERD_BIN, next to this binary, the build tree's alterd/alterd, then PATH.
std::string find_alterd(std::string &looked) {
    if (const char *e = std::getenv("ALTERD_BIN"); e != nullptr && *e != '\0') {
        looked = e;
        return executable(e) ? std::string(e) : std::string();
    }
    char self[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        std::string dir(self);
        dir.resize(dir.rfind('/'));
        for (const char *rel : {"/alterd", "/../alterd/alterd"}) {
            std::string p = dir + rel;
            if (executable(p)) return p;
        }
        looked = dir + "/alterd, ";
    }
    if (const char *path = std::getenv("PATH")) {
        std::string_view rest(path);
        while (!rest.empty()) {
            size_t c = rest.find(':');
            std::string_view d = rest.substr(0, c);
            std::string p = std::string(d.empty() ? "." : d) + "/alterd";
            if (executable(p)) return p;
            rest = c == std::string_view::npos ? std::string_view() : rest.substr(c + 1);
        }
    }
    looked += "PATH";
    return {};
}

// Alive and not a zombie (an unreaped daemon has released everything already).
bool pid_alive(int pid) {
    if (pid <= 0) return false;
    if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
    char path[64], buf[512];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return false;
    buf[n] = '\0';
    const char *p = std::strrchr(buf, ')');
    return p == nullptr || p[1] == '\0' || p[2] != 'Z';
}

// Wait for a daemon that is shutting down to exit. Its shutdown ends (each app within its kill
// timeout, then SIGKILL) however long the timeouts are; the limit only guards against a hang.
// `announce`: say on stderr, after a second, what is being waited for.
int wait_gone(session &s, int pid, bool announce) {
    for (int64_t t0 = now_ms(); pid_alive(pid); sleep_ms(20)) {
        if (announce && now_ms() - t0 > 1000) {
            write_err("alter: waiting for the daemon that is shutting down (pid " + std::to_string(pid) + ") to exit\n");
            announce = false;
        }
        if (now_ms() - t0 > 600000)
            return s.fail(exit_error, "alterd (pid %d) has been shutting down for 10 minutes (see %s/daemon.log)", pid,
                          s.home().c_str());
    }
    return exit_ok;
}

int start(session &s, const parsed_args &a) {
    std::string_view cmd = "daemon start";
    if (s.remote()) return usage_error(cmd, "cannot start a daemon on a remote host (--server)");
    int64_t port = 2999;
    if (const std::string *p = a.value(o_web_port); p != nullptr && !option_int(cmd, "--web-port", *p, 0, 65535, port))
        return exit_usage;
    jvalue health;
    // A daemon still shutting down (a stop just before) answers "stopping" for a moment, then
    // not at all while it stops its apps: wait for it to be gone, then start.
    bool up = s.probe(health);
    int old = !up ? s.stopping_pid() : health.str("status") == "stopping" ? static_cast<int>(health.num("pid")) : 0;
    if (old > 0) {
        if (int rc = wait_gone(s, old, true); rc != exit_ok) return rc;
        up = s.probe(health); // another start may have won meanwhile
    }
    if (up) {
        std::string out;
        if (s.json) {
            json_append(out, health);
            session::print_raw(out);
            return exit_ok;
        }
        appendf(out, "alter daemon already running (pid %lld, data dir %s)\n", static_cast<long long>(health.num("pid")),
                std::string(health.str("data_dir", s.home())).c_str());
        write_out(out);
        return exit_ok;
    }
    std::string looked;
    std::string alterd = find_alterd(looked);
    if (alterd.empty())
        return s.fail(exit_error, "cannot find alterd (looked in %s); install it next to alter or set ALTERD_BIN",
                      looked.c_str());
    std::vector<std::string> words = {alterd, "--home", s.home()};
    if (a.has(o_no_web)) words.push_back("--no-web");
    if (a.has(o_web_port)) {
        words.push_back("--web-port");
        words.push_back(std::to_string(port));
    }
    if (a.has(o_foreground)) words.push_back("--foreground");
    std::vector<char *> argv;
    for (auto &w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    if (a.has(o_foreground)) {
        write_err("alter: running alterd in the foreground (data dir " + s.home() + "); Ctrl-C stops it\n");
        ::execv(argv[0], argv.data());
        return s.fail(exit_error, "cannot run %s: %s", alterd.c_str(), std::strerror(errno));
    }
    pid_t pid = ::fork();
    if (pid < 0) return s.fail(exit_error, "fork: %s", std::strerror(errno));
    if (pid == 0) {
        ::execv(argv[0], argv.data());
        std::fprintf(stderr, "alter: cannot run %s: %s\n", argv[0], std::strerror(errno));
        std::_Exit(127);
    }
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return s.fail(exit_error, "alterd did not start (see %s/daemon.log)", s.home().c_str());
    // alterd returns once it serves; ask for its pid.
    if (!s.probe(health)) return s.fail(exit_error, "alterd started but does not answer on %s", s.socket_path().c_str());
    if (s.json) {
        std::string out;
        json_append(out, health);
        session::print_raw(out);
        return exit_ok;
    }
    std::string out;
    appendf(out, "alter daemon started (pid %lld, data dir %s)\n", static_cast<long long>(health.num("pid")),
            std::string(health.str("data_dir", s.home())).c_str());
    if (!a.has(o_no_web)) {
        out += "dashboard: ";
        // alter-web starts in the background: its web.json may not exist yet.
        for (int i = 0; i < 20 && ::access((s.home() + "/web.json").c_str(), F_OK) != 0; ++i) sleep_ms(10);
        styled(out, s.color_out(), style::cyan, s.web_url(static_cast<int>(port)));
        out += "\n";
    }
    write_out(out);
    return exit_ok;
}

// How long a shutdown may take: apps are stopped layer by layer (dependents before their deps),
// each instance within its kill timeout. Read from the daemon before asking it to stop.
struct stop_budget {
    int64_t ms = 15000; // never less than this
    int64_t longest_kill_ms = 0;
    size_t apps = 0;    // apps with a live process
};

stop_budget shutdown_budget(session &s) {
    stop_budget b;
    jvalue list;
    alter::net::client_response r;
    std::string err;
    if (s.call("GET", "/api/v1/processes", {}, r) != exit_ok || r.status != 200 || !json_parse(r.body, list, err)) return b;
    std::vector<std::string> live;
    for (const auto &i : list.list("processes"))
        if (i.num("pid") > 0 && std::find(live.begin(), live.end(), i.str("app")) == live.end()) live.emplace_back(i.str("app"));
    // kill_timeout_ms and deps are in each app's spec; the layers are the longest deps chain.
    std::vector<std::pair<std::string, std::vector<std::string>>> deps;
    for (const auto &name : live) {
        jvalue app;
        if (s.call("GET", session::proc_path(name), {}, r) != exit_ok || r.status != 200 || !json_parse(r.body, app, err)) continue;
        const jvalue *spec = app.get("spec");
        if (spec == nullptr) continue;
        b.longest_kill_ms = std::max(b.longest_kill_ms, spec->num("kill_timeout_ms", 5000));
        std::vector<std::string> d;
        for (const auto &x : spec->list("deps"))
            if (x.is_string()) d.push_back(x.s);
        deps.emplace_back(name, std::move(d));
    }
    b.apps = live.size();
    // Relaxation, n rounds: a chain's length reaches every app on it (a cycle just stops at n).
    std::vector<size_t> depth(deps.size(), 1);
    for (size_t round = 0; round < deps.size(); ++round)
        for (size_t i = 0; i < deps.size(); ++i)
            for (const auto &d : deps[i].second)
                for (size_t j = 0; j < deps.size(); ++j)
                    if (deps[j].first == d) depth[i] = std::max(depth[i], depth[j] + 1);
    size_t layers = depth.empty() ? 1 : *std::max_element(depth.begin(), depth.end());
    b.ms = std::max<int64_t>(b.ms, b.longest_kill_ms * static_cast<int64_t>(layers) + 10000);
    return b;
}

// Shut down and wait for the pid to be gone. `quiet`: no output on success (restart).
int stop(session &s, bool quiet) {
    jvalue health;
    if (!s.probe(health)) {
        // A stop (or a signal) just before: it is on its way out.
        int pid = s.stopping_pid();
        if (pid <= 0) return s.not_running();
        if (int rc = wait_gone(s, pid, false); rc != exit_ok || quiet) return rc;
        std::string out;
        if (s.json) {
            appendf(out, R"({"stopped":true,"pid":%d})", pid);
            session::print_raw(out);
        } else {
            appendf(out, "alter daemon stopped (pid %d)\n", pid);
            write_out(out);
        }
        return exit_ok;
    }
    int pid = static_cast<int>(health.num("pid"));
    stop_budget budget = s.remote() ? stop_budget{} : shutdown_budget(s);
    alter::net::client_response r;
    if (int rc = s.api("POST", "/api/v1/system/shutdown", "", r); rc != exit_ok) return rc;
    if (!s.remote()) {
        int64_t started = now_ms();
        bool told = false;
        while (pid_alive(pid)) {
            int64_t waited = now_ms() - started;
            if (waited > budget.ms)
                return s.fail(exit_error, "alterd (pid %d) is still running after %lld s (see %s/daemon.log)", pid,
                              static_cast<long long>(waited / 1000), s.home().c_str());
            if (!told && waited > 3000) {
                told = true;
                std::string msg;
                appendf(msg, "alter: alterd is still stopping %zu app%s (the longest kill timeout is %.1f s; waiting up to %lld s)\n",
                        budget.apps, budget.apps == 1 ? "" : "s", static_cast<double>(budget.longest_kill_ms) / 1000.0,
                        static_cast<long long>(budget.ms / 1000));
                write_err(msg);
            }
            sleep_ms(20);
        }
    }
    if (quiet) return exit_ok;
    if (s.json) {
        session::print_raw(r.body);
        return exit_ok;
    }
    std::string out;
    if (s.remote()) appendf(out, "alter daemon (pid %d) is shutting down\n", pid);
    else appendf(out, "alter daemon stopped (pid %d)\n", pid);
    write_out(out);
    return exit_ok;
}

int status(session &s) {
    jvalue h;
    if (!s.probe(h)) {
        int stopping = s.stopping_pid();
        if (s.json) {
            std::string out = R"({"running":false,)";
            if (stopping > 0) appendf(out, R"("stopping":true,"pid":%d,)", stopping);
            out += R"("data_dir":)";
            alter::json::append_quoted(out, s.home());
            session::print_raw(out + "}");
            return exit_not_running;
        }
        std::string out;
        if (stopping > 0) {
            styled(out, s.color_out(), style::yellow, "alter daemon is shutting down");
            appendf(out, " (pid %d, data dir %s): it stops its apps, then exits\n", stopping, s.home().c_str());
            write_out(out);
            return exit_not_running;
        }
        styled(out, s.color_out(), style::gray, "alter daemon is not running");
        out += " (data dir " + s.home() + ")\nStart it with: " + s.self_cmd() + " daemon start\n";
        write_out(out);
        return exit_not_running;
    }
    if (s.json) {
        std::string out;
        json_append(out, h);
        session::print_raw(out);
        return exit_ok;
    }
    std::string out;
    styled(out, s.color_out(), style::green, "alter daemon is running");
    out += "\n";
    appendf(out, "  version   %s\n", std::string(h.str("version")).c_str());
    appendf(out, "  pid       %lld\n", static_cast<long long>(h.num("pid")));
    appendf(out, "  uptime    %s\n", human_duration(h.num("uptime_ms")).c_str());
    appendf(out, "  apps      %lld (%lld instances, %lld running)\n", static_cast<long long>(h.num("app_count")),
            static_cast<long long>(h.num("process_count")), static_cast<long long>(h.num("running_count")));
    appendf(out, "  data dir  %s\n", std::string(h.str("data_dir", s.home())).c_str());
    write_out(out);
    return exit_ok;
}

// The last `n` lines of the file open on `fd` (reading backwards in blocks); leaves the offset
// at the end.
std::string tail_lines(int fd, int64_t n) {
    off_t end = ::lseek(fd, 0, SEEK_END);
    std::string data;
    off_t pos = end;
    int64_t newlines = 0;
    char buf[65536];
    while (pos > 0 && newlines <= n) {
        off_t chunk = pos < static_cast<off_t>(sizeof buf) ? pos : static_cast<off_t>(sizeof buf);
        pos -= chunk;
        ssize_t got = ::pread(fd, buf, static_cast<size_t>(chunk), pos);
        if (got <= 0) break;
        data.insert(0, buf, static_cast<size_t>(got));
        newlines = 0;
        for (char c : data) newlines += c == '\n';
    }
    // keep the last n lines (a final line without '\n' counts as one)
    size_t cut = data.size();
    int64_t seen = 0;
    if (!data.empty() && data.back() == '\n') --cut;
    while (cut > 0) {
        if (data[cut - 1] == '\n' && ++seen == n) break;
        --cut;
    }
    if (n == 0) cut = data.size();
    ::lseek(fd, end, SEEK_SET);
    return data.substr(cut);
}

int logs(session &s, std::span<const std::string> args) {
    std::string_view cmd = "daemon logs";
    parsed_args a;
    if (!parse_args(cmd, args, logs_opts, a, 0)) return exit_usage;
    int64_t n = 100;
    if (const std::string *v = a.value(0); v != nullptr && !option_int(cmd, "--lines", *v, 0, 1000000, n))
        return exit_usage;
    if (s.remote()) return usage_error(cmd, "reads the local daemon.log: not available with --server");
    std::string path = s.home() + "/daemon.log";
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return s.fail(exit_error, "cannot read %s: %s (has the daemon ever run here?)", path.c_str(), std::strerror(errno));
    std::string text = tail_lines(fd, n);
    if (s.json) {
        // {"path": ..., "lines": [...]}; when following, one {"line": ...} object per line.
        std::string out;
        alter::json::writer w(out);
        w.begin_object().field("path", path).key("lines").begin_array();
        for (size_t at = 0; at < text.size();) {
            size_t nl = text.find('\n', at);
            if (nl == std::string::npos) nl = text.size();
            w.value(std::string_view(text).substr(at, nl - at));
            at = nl + 1;
        }
        w.end_array().end_object();
        session::print_raw(out);
    } else {
        write_out(text);
    }
    if (!a.has(1)) {
        ::close(fd);
        return exit_ok;
    }
    exit_cleanly_on_interrupt(false);
    // Follow: inotify on the directory sees appends and rotations (daemon.log renamed away).
    int in = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (in >= 0) (void)::inotify_add_watch(in, s.home().c_str(), IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM);
    char buf[65536];
    std::string pending; // --json: the start of an unfinished line
    for (;;) {
        ssize_t got;
        while ((got = ::read(fd, buf, sizeof buf)) > 0) {
            if (!s.json) {
                write_out(std::string_view(buf, static_cast<size_t>(got)));
                continue;
            }
            pending.append(buf, static_cast<size_t>(got));
            std::string out;
            for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1)) {
                out += "{\"line\":";
                alter::json::append_quoted(out, std::string_view(pending).substr(0, nl));
                out += "}\n";
            }
            write_out(out);
        }
        struct stat a_st {}, b_st {};
        if (::fstat(fd, &a_st) == 0 && ::stat(path.c_str(), &b_st) == 0 && a_st.st_ino != b_st.st_ino) {
            ::close(fd); // rotated: read the new file from its start
            fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0) return s.fail(exit_error, "cannot read %s: %s", path.c_str(), std::strerror(errno));
            continue;
        }
        struct pollfd p = {in, POLLIN, 0};
        if (in < 0 || ::poll(&p, 1, 1000) > 0) {
            char ev[4096];
            while (in >= 0 && ::read(in, ev, sizeof ev) > 0) {}
        }
        if (in < 0) {
            struct timespec ts {0, 250000000L};
            nanosleep(&ts, nullptr);
        }
    }
}

} // namespace

int cmd_daemon(session &s, std::string_view, std::span<const std::string> args) {
    static constexpr std::string_view subs[] = {"start", "stop", "restart", "status", "logs"};
    if (args.empty()) return usage_error("daemon", "missing command: start, stop, restart, status or logs");
    const std::string &sub = args[0];
    auto rest = args.subspan(1);
    if (sub == "logs") return logs(s, rest);
    parsed_args a;
    if (sub == "start" || sub == "restart") {
        std::string cmd = "daemon " + sub;
        std::span<const option> opts(start_opts);
        if (sub == "restart") opts = opts.subspan(1); // no --foreground
        if (!parse_args(cmd, rest, opts, a, 0)) return exit_usage;
        if (sub == "restart") {
            for (auto &i : a.opts) ++i.opt; // back to start_opts indices
            jvalue h;
            if (s.probe(h))
                if (int rc = stop(s, true); rc != exit_ok) return rc;
        }
        return start(s, a);
    }
    if (sub == "stop" || sub == "status") {
        if (!parse_args("daemon " + sub, rest, {}, a, 0)) return exit_usage;
        return sub == "stop" ? stop(s, false) : status(s);
    }
    std::string_view hint = did_you_mean(sub, subs);
    if (!hint.empty())
        return usage_error("daemon", "unknown command '%s' (did you mean '%.*s'?)", sub.c_str(), static_cast<int>(hint.size()),
                           hint.data());
    return usage_error("daemon", "unknown command '%s' (start, stop, restart, status, logs)", sub.c_str());
}

} // namespace alter::cli
