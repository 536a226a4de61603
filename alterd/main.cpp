// SPDX-License-Identifier: MIT
// alterd: the supervisor daemon. `alter daemon start` runs it; `alterd --foreground` is for
// systemd units and containers.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

#include "alter_build_config.h"
#include "daemon.hpp"
#include "home.hpp"

namespace {

constexpr const char *usage = R"(alterd: the alter supervisor daemon

Usage: alterd [options]

Options:
  --home DIR             data directory (default: $ALTER_HOME, else ~/.alter-pm2)
  --foreground           stay in the foreground (systemd, containers); logs go to daemon.log
  --no-web               do not start the dashboard (alter-web)
  --web-port N           dashboard port (default 2999; 0: any free port, see <home>/web.json)
  --web-bind ADDR        dashboard address (default 127.0.0.1)
  --web-allow-host NAME  another Host name the dashboard is reached by (repeatable)
  --stats-interval MS    sample CPU/memory of every app every MS ms (default 0: on demand)
  --version              print the version
  -h, --help             this help

Without --foreground alterd detaches and the command returns once the daemon answers on
<home>/alterd.sock. Usually started with `alter daemon start`.
)";

bool parse_int(const char *s, long min, long max, long &out) {
    char *end = nullptr;
    errno = 0;
    long v = std::strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max) return false;
    out = v;
    return true;
}

// Fork; the parent waits for the child's readiness line and exits with its verdict.
int detach(int &ready_fd) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return -errno;
    pid_t pid = ::fork();
    if (pid < 0) return -errno;
    if (pid > 0) {
        ::close(fds[1]);
        std::string msg;
        struct pollfd p = {fds[0], POLLIN, 0};
        char buf[512];
        while (::poll(&p, 1, 15000) > 0) {
            ssize_t n = ::read(fds[0], buf, sizeof buf);
            if (n <= 0) break;
            msg.append(buf, static_cast<size_t>(n));
            if (msg.find('\n') != std::string::npos) break;
        }
        if (msg == "ok\n") std::_Exit(0);
        std::fprintf(stderr, "alterd: %s", msg.empty() ? "the daemon did not start (see daemon.log)\n" : msg.c_str());
        std::_Exit(1);
    }
    ::close(fds[0]);
    ready_fd = fds[1];
    ::setsid();
    if (::chdir("/") != 0) { /* keep going: cwd only matters for relative app paths */ }
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
        if (null > 2) ::close(null);
    }
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    std::string home_flag;
    bool foreground = false;
    alterd::daemon_options opts;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto value = [&](const char *name) -> const char * {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "alterd: %s needs a value\n", name);
                std::exit(2);
            }
            return argv[++i];
        };
        long n = 0;
        if (a == "--home") home_flag = value("--home");
        else if (a == "--foreground" || a == "-f") foreground = true;
        else if (a == "--no-web") opts.web = false;
        else if (a == "--web-port") {
            if (!parse_int(value("--web-port"), 0, 65535, n)) {
                std::fprintf(stderr, "alterd: --web-port: expected 0-65535\n");
                return 2;
            }
            opts.web_port = static_cast<int>(n);
        } else if (a == "--web-bind") opts.web_bind = value("--web-bind");
        else if (a == "--web-allow-host") opts.web_allow_hosts.emplace_back(value("--web-allow-host"));
        else if (a == "--stats-interval") {
            if (!parse_int(value("--stats-interval"), 0, 86'400'000, n)) {
                std::fprintf(stderr, "alterd: --stats-interval: expected milliseconds\n");
                return 2;
            }
            opts.stats_interval_ms = n;
        } else if (a == "--version") {
            std::printf("alterd %s\n", ALTER_VERSION_STRING);
            return 0;
        } else if (a == "-h" || a == "--help") {
            std::fputs(usage, stdout);
            return 0;
        } else {
            std::fprintf(stderr, "alterd: unknown option '%s' (see alterd --help)\n", argv[i]);
            return 2;
        }
    }

    opts.home = alterd::resolve_home(home_flag);
    if (auto st = alterd::prepare_home(opts.home); !st) {
        std::fprintf(stderr, "alterd: %s\n", st.err().message.c_str());
        return 1;
    }
    if (int pid = alterd::running_pid(opts.home); pid > 0) {
        std::fprintf(stderr, "alterd: already running for %s (pid %d)\n", opts.home.dir.c_str(), pid);
        return 1;
    }
    if (!foreground) {
        if (int rc = detach(opts.ready_fd); rc < 0) {
            std::fprintf(stderr, "alterd: cannot detach: %s\n", std::strerror(-rc));
            return 1;
        }
    }
    auto lock = alterd::take_lock(opts.home);
    if (!lock) {
        std::string m = lock.err().message + "\n";
        if (opts.ready_fd >= 0) (void)!::write(opts.ready_fd, m.data(), m.size());
        else std::fprintf(stderr, "alterd: %s", m.c_str());
        return 1;
    }
    if (auto st = alterd::ensure_master_token(opts.home); !st) {
        std::string m = st.err().message + "\n";
        if (opts.ready_fd >= 0) (void)!::write(opts.ready_fd, m.data(), m.size());
        else std::fprintf(stderr, "alterd: %s", m.c_str());
        return 1;
    }
    int code = 0;
    {
        alterd::daemon d(std::move(opts));
        code = d.run();
    }
    ::unlink(alterd::resolve_home(home_flag).pid_file.c_str());
    ::close(*lock);
    return code;
}
