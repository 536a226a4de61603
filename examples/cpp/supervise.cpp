// SPDX-License-Identifier: MIT
// Supervise a worker that crashes now and then with the header-only C++ API (alter.hpp):
// RAII context, result types, std::chrono durations, callbacks as lambdas.
// Usage: supervise_cpp [seconds]   (default 3)
#include <alter/alter.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

int main(int argc, char **argv) {
    using namespace std::chrono_literals;
    auto seconds = std::chrono::seconds(argc > 1 ? std::atoi(argv[1]) : 3);

    auto ctx = alter::context::create();
    if (!ctx) {
        std::fprintf(stderr, "context: %s\n", ctx.error().message.c_str());
        return 1;
    }
    std::atomic<int> restarts{0};
    auto watch = ctx->watch_events([&](const alter::event &e) {
        if (e.kind != ALTER_EVENT_STATE) return;
        std::printf("event: %.*s %s -> %s\n", static_cast<int>(e.instance.size()), e.instance.data(),
                    alter::to_string(e.from), alter::to_string(e.to));
        if (e.from == alter::state::waiting && e.to == alter::state::starting) ++restarts;
    });
    if (!watch) return 1;
    (void)ctx->watch_logs("", [](const alter::log_line &l) {
        std::printf("log:   %.*s\n", static_cast<int>(l.text.size()), l.text.data());
    });

    alter::app_spec worker;
    worker.name = "worker";
    worker.command = "/bin/sh";
    worker.args = {"-c", "for i in 1 2 3; do echo working $i; sleep 0.05; done; exit 1"};
    worker.restart = "on-failure";
    worker.restart_delay = 100ms;
    worker.max_restarts = 50;
    if (auto r = ctx->add(worker); !r) {
        std::fprintf(stderr, "add: %s\n", r.error().message.c_str());
        return 1;
    }
    std::this_thread::sleep_for(seconds);
    if (auto stopped = ctx->stop("worker"); stopped)
        (void)ctx->wait("worker", {alter::state::stopped}, 10s);
    std::printf("restarts seen: %d\n", restarts.load());
    return restarts > 0 ? 0 : 1;
}
