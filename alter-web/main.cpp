// SPDX-License-Identifier: MIT
// alter-web: the dashboard and the authenticated TCP gateway to alterd's API. alterd starts it
// (a supervised child, restarted if it dies); it can also run on its own against a data dir.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "alter_build_config.h"
#include "gateway.hpp"

namespace {

constexpr const char *usage = R"(alter-web: the alter dashboard and API gateway

Usage: alter-web [options]

Options:
  --home DIR               data dir (default: $ALTER_HOME, else ~/.alter-pm2)
  --port N                 TCP port (default 2999; 0: any free port, see <home>/web.json)
  --bind ADDR              address to listen on (default 127.0.0.1)
  --allow-host NAME[:P]    also accept this Host (a name or address this server is reached by;
                           repeatable). 127.0.0.1, localhost, [::1] and ADDR are always accepted
  --socket PATH            alterd's API socket (default <home>/alterd.sock)
  --argon2-memory-kib N    argon2id memory cost of new hashes (default 19456)
  --argon2-iterations N    argon2id time cost of new hashes (default 2)
  --rate-window-ms N       login/PIN rate limit window (default 60000: 5 attempts a minute
                           per client)
  --rate-remote-max N      attempts per window of all clients not on this machine together
                           (default 100; loopback clients are never held back by it)
  --parent-pid PID         exit when that process (alterd) goes away
  --version                print the version
  -h, --help               this help

Environment: ALTER_WEB_ARGON2_MEMORY_KIB, ALTER_WEB_ARGON2_ITERATIONS, ALTER_WEB_RATE_WINDOW_MS and
ALTER_WEB_RATE_REMOTE_MAX set the same as the options (alterd's environment reaches alter-web).
See docs/WEB.md.
)";

bool parse_num(const char *s, long long min, long long max, long long &out) {
    char *end = nullptr;
    errno = 0;
    long long v = std::strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max) return false;
    out = v;
    return true;
}

std::string default_home() {
    if (const char *e = std::getenv("ALTER_HOME"); e != nullptr && *e != '\0') return e;
    const char *h = std::getenv("HOME");
    return std::string(h != nullptr && *h != '\0' ? h : "/") + "/.alter-pm2";
}

struct app {
    uv_loop_t loop{};
    uv_signal_t sig[3]{};
    alter_web::gateway *gw = nullptr;
    bool stopping = false;
};

void stop(app &a) {
    if (a.stopping) return;
    a.stopping = true;
    for (auto &s : a.sig) uv_close(reinterpret_cast<uv_handle_t *>(&s), nullptr);
    a.gw->stop({});
}

} // namespace

int main(int argc, char **argv) {
    alter_web::gateway_options o;
    long long parent = 0;
    auto env_num = [](const char *name, long long min, long long max, long long &out) {
        const char *v = std::getenv(name);
        if (v == nullptr || *v == '\0') return true;
        if (parse_num(v, min, max, out)) return true;
        std::fprintf(stderr, "alter-web: %s: expected a number from %lld to %lld\n", name, min, max);
        return false;
    };
    long long mem = o.cost.memory_kib, iters = o.cost.iterations, window = o.rate_window_ms;
    long long remote_max = static_cast<long long>(o.rate_remote_max);
    if (!env_num("ALTER_WEB_ARGON2_MEMORY_KIB", 8, 4 * 1024 * 1024, mem) || !env_num("ALTER_WEB_ARGON2_ITERATIONS", 1, 100, iters) ||
        !env_num("ALTER_WEB_RATE_WINDOW_MS", 100, 86'400'000, window) ||
        !env_num("ALTER_WEB_RATE_REMOTE_MAX", 1, 1'000'000, remote_max))
        return 2;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto value = [&]() -> const char * {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "alter-web: %s needs a value\n", argv[i]);
                std::exit(2);
            }
            return argv[++i];
        };
        auto number = [&](long long min, long long max, long long &out) {
            const char *name = argv[i];
            if (!parse_num(value(), min, max, out)) {
                std::fprintf(stderr, "alter-web: %s: expected a number from %lld to %lld\n", name, min, max);
                std::exit(2);
            }
        };
        long long n = 0;
        if (a == "--home") o.home = value();
        else if (a == "--port") {
            number(0, 65535, n);
            o.port = static_cast<uint16_t>(n);
        } else if (a == "--bind") o.bind = value();
        else if (a == "--allow-host") o.allow_hosts.emplace_back(value());
        else if (a == "--socket") o.socket = value();
        else if (a == "--argon2-memory-kib") number(8, 4 * 1024 * 1024, mem);
        else if (a == "--argon2-iterations") number(1, 100, iters);
        else if (a == "--rate-window-ms") number(100, 86'400'000, window);
        else if (a == "--rate-remote-max") number(1, 1'000'000, remote_max);
        else if (a == "--parent-pid") number(1, 1LL << 30, parent);
        else if (a == "--version") {
            std::printf("alter-web %s\n", ALTER_VERSION_STRING);
            return 0;
        } else if (a == "-h" || a == "--help") {
            std::fputs(usage, stdout);
            return 0;
        } else {
            std::fprintf(stderr, "alter-web: unknown option '%s' (see alter-web --help)\n", argv[i]);
            return 2;
        }
    }
    o.cost.memory_kib = static_cast<uint32_t>(mem);
    o.cost.iterations = static_cast<uint32_t>(iters);
    o.rate_window_ms = window;
    o.rate_remote_max = static_cast<size_t>(remote_max);
    if (o.home.empty()) o.home = default_home();
    while (o.home.size() > 1 && o.home.back() == '/') o.home.pop_back();
    o.log = [](std::string_view line) { std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data()); };

    if (parent > 0) {
        // Started by alterd: die with it, so a new alterd can start a new alter-web on the port.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != static_cast<pid_t>(parent)) return 1;
    }
    ::signal(SIGPIPE, SIG_IGN);
    ::umask(077);

    app a;
    uv_loop_init(&a.loop);
    int code = 0;
    {
        alter_web::gateway gw(&a.loop, o);
        a.gw = &gw;
        if (int rc = gw.start(); rc < 0) {
            std::fprintf(stderr, "alter-web: cannot listen on %s:%u: %s\n", o.bind.c_str(), static_cast<unsigned>(o.port),
                         uv_strerror(rc));
            gw.stop({});
            code = 1;
            a.stopping = true;
        } else {
            int signums[3] = {SIGTERM, SIGINT, SIGHUP};
            for (int i = 0; i < 3; ++i) {
                uv_signal_init(&a.loop, &a.sig[i]);
                a.sig[i].data = &a;
                uv_signal_start(&a.sig[i], [](uv_signal_t *h, int signum) {
                    auto *self = static_cast<app *>(h->data);
                    if (signum == SIGHUP) return; // nothing to reload: auth.json is re-read when it changes
                    stop(*self);
                }, signums[i]);
            }
        }
        uv_run(&a.loop, UV_RUN_DEFAULT);
    }
    uv_run(&a.loop, UV_RUN_DEFAULT); // the gateway's last handles
    uv_loop_close(&a.loop);
    return code;
}
