// SPDX-License-Identifier: MIT
// Supervise a worker that crashes now and then with the header-only C++ API (alter.hpp): RAII
// context, result types, std::chrono durations, callbacks as lambdas. Prints every state change
// and the worker's output; stops the worker and exits once it has been restarted twice, or after
// `max-seconds` (default 15).
//
//   supervise_cpp [max-seconds]
//
// The worker is this program again (`supervise_cpp --worker`): an item every 100 ms, one item in
// ten (never the first) fails at random and the worker exits with status 1.
#include <alter/alter.hpp>

#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <thread>

namespace {

int worker() {
    using namespace std::chrono_literals;
    std::mt19937 rng(std::random_device{}());
    for (int i = 1;; ++i) {
        if (i > 1 && rng() % 10 == 0) {
            std::fprintf(stderr, "item %d failed, giving up\n", i);
            return 1;
        }
        std::this_thread::sleep_for(100ms);
        std::printf("item %d done\n", i);
        std::fflush(stdout);
    }
}

// The backoff delay of an event entering `waiting`, from its JSON ("delay_ms":N); -1 if none.
long delay_ms(std::string_view json) {
    constexpr std::string_view key = "\"delay_ms\":";
    auto at = json.find(key);
    return at == std::string_view::npos ? -1 : std::strtol(json.data() + at + key.size(), nullptr, 10);
}

// Supervise until two restarts are running or `limit` passes; returns the restarts seen.
int supervise(std::chrono::seconds limit) {
    using namespace std::chrono_literals;
    // Declared before the context: its callbacks use them until it is destroyed.
    std::mutex mu;
    std::condition_variable cv;
    int restarts = 0;
    bool done = false;

    auto ctx = alter::context::create();
    if (!ctx) {
        std::fprintf(stderr, "context: %s\n", ctx.error().message.c_str());
        return -1;
    }
    // On the loop thread: print, count restarts, wake the main thread once two restarts run.
    auto watch = ctx->watch_events([&](const alter::event &e) {
        if (e.kind != ALTER_EVENT_STATE) return;
        std::string line = "event: " + std::string(e.instance) + " " + alter::to_string(e.from) + " -> " +
                           alter::to_string(e.to);
        if (e.to == alter::state::running) line += " (pid " + std::to_string(e.pid) + ")";
        if (e.to == alter::state::crashed)
            line += e.signal != 0 ? " (signal " + std::to_string(e.signal) + ")"
                                  : " (exit code " + std::to_string(e.exit_code) + ")";
        if (long d = delay_ms(e.json); e.to == alter::state::waiting && d >= 0)
            line += " (restart in " + std::to_string(d) + " ms)";
        std::lock_guard lock(mu);
        if ((e.from == alter::state::waiting || e.from == alter::state::crashed) && e.to == alter::state::starting)
            line += " (restart " + std::to_string(++restarts) + ")";
        if (e.to == alter::state::running && restarts >= 2) {
            done = true;
            cv.notify_one();
        }
        std::printf("%s\n", line.c_str());
        std::fflush(stdout);
    });
    auto logs = ctx->watch_logs("", [](const alter::log_line &l) {
        std::printf("log:   %.*s %s| %.*s\n", static_cast<int>(l.instance.size()), l.instance.data(),
                    l.stream == ALTER_STREAM_ERR ? "err" : "out", static_cast<int>(l.text.size()), l.text.data());
        std::fflush(stdout);
    });
    if (!watch || !logs) {
        std::fprintf(stderr, "watch: %s\n", (!watch ? watch : logs).error().message.c_str());
        return -1;
    }

    alter::app_spec worker;
    worker.name = "worker";
    worker.command = std::filesystem::read_symlink("/proc/self/exe").string();
    worker.args = {"--worker"};
    worker.restart = "on-failure";
    // A run shorter than 5 s is unstable: its restart waits 100 ms, doubling up to 1 s (the
    // backoff); after a longer run the restart is immediate.
    worker.restart_delay = 100ms;
    worker.backoff_multiplier = 2;
    worker.max_restart_delay = 1s;
    worker.min_uptime = 5s;
    if (auto r = ctx->add(worker); !r) {
        std::fprintf(stderr, "add: %s\n", r.error().message.c_str());
        return -1;
    }
    int seen = 0;
    {
        std::unique_lock lock(mu);
        cv.wait_for(lock, limit, [&] { return done; });
        seen = restarts;
    }
    // A stop by the user is never undone by the restart policy.
    if (auto r = ctx->stop("worker"); !r) std::fprintf(stderr, "stop: %s\n", r.error().message.c_str());
    else if (auto w = ctx->wait("worker", {alter::state::stopped}, 10s); !w)
        std::fprintf(stderr, "wait: %s\n", w.error().message.c_str());
    return seen;
} // the context is destroyed here: it joins its loop thread, no callback runs after

} // namespace

int main(int argc, char **argv) {
    if (argc > 1 && std::strcmp(argv[1], "--worker") == 0) return worker();
    int seen = supervise(std::chrono::seconds(argc > 1 ? std::atoi(argv[1]) : 15));
    if (seen < 0) return 1;
    std::printf("done: %d restarts seen\n", seen);
    return seen > 0 ? 0 : 1;
}
