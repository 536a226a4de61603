// SPDX-License-Identifier: MIT
// Helpers for alter-net's integration tests: a libuv loop on its own thread, a server with a
// router on it (unix socket in a temp dir + TCP 127.0.0.1:0), one-shot timers, raw sockets and
// waiting for a condition until a deadline (never a fixed sleep to wait for a result).
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <csignal>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#include "alter_net/router.hpp"
#include "alter_net/server.hpp"

namespace net_test {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

/// Poll `pred` every few ms until it holds or `limit` passes; returns its last value.
inline bool wait_for(const std::function<bool()> &pred, std::chrono::milliseconds limit = 5s) {
    auto deadline = clock::now() + limit;
    while (!pred()) {
        if (clock::now() > deadline) return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

class loop_thread {
public:
    loop_thread() {
        // libuv writes with write(2): a program using it ignores SIGPIPE (see server.hpp).
        signal(SIGPIPE, SIG_IGN);
        uv_loop_init(&loop);
        uv_async_init(&loop, &wake_, [](uv_async_t *a) {
            static_cast<loop_thread *>(a->data)->run_tasks();
        });
        wake_.data = this;
        thread_ = std::thread([this] { uv_run(&loop, UV_RUN_DEFAULT); });
    }
    ~loop_thread() { stop(); }

    void post(std::function<void()> fn) {
        {
            std::lock_guard<std::mutex> lock(mu_);
            tasks_.push_back(std::move(fn));
        }
        uv_async_send(&wake_);
    }
    /// Run `fn` on the loop and wait for it.
    template <class F> auto call(F fn) -> decltype(fn()) {
        std::packaged_task<decltype(fn())()> task(std::move(fn));
        auto fut = task.get_future();
        post([&task] { task(); });
        return fut.get();
    }
    /// Close the wake-up handle, join, and check that no handle was left open.
    void stop() {
        if (!thread_.joinable()) return;
        post([this] { uv_close(reinterpret_cast<uv_handle_t *>(&wake_), nullptr); });
        thread_.join();
        CHECK(uv_loop_close(&loop) == 0);
    }

    uv_loop_t loop{};

private:
    void run_tasks() {
        std::vector<std::function<void()>> tasks;
        {
            std::lock_guard<std::mutex> lock(mu_);
            tasks.swap(tasks_);
        }
        for (auto &t : tasks) t();
    }
    uv_async_t wake_{};
    std::thread thread_;
    std::mutex mu_;
    std::vector<std::function<void()>> tasks_;
};

/// Run `fn` on `loop` after `ms` (loop thread only); the timer frees itself.
inline void after(uv_loop_t *loop, uint64_t ms, std::function<void()> fn) {
    struct pending {
        uv_timer_t timer;
        std::function<void()> fn;
    };
    auto *p = new pending{{}, std::move(fn)};
    uv_timer_init(loop, &p->timer);
    p->timer.data = p;
    uv_timer_start(
        &p->timer,
        [](uv_timer_t *t) {
            auto *pp = static_cast<pending *>(t->data);
            pp->fn();
            uv_close(reinterpret_cast<uv_handle_t *>(t),
                     [](uv_handle_t *h) { delete static_cast<pending *>(h->data); });
        },
        ms, 0);
}

/// Every `ms` (first after `first_ms`) call `step(stream, n)` with n = 0, 1, ... while `s` is
/// open; stops by itself once the client is gone.
inline void repeat_while_open(uv_loop_t *loop, std::shared_ptr<alter::net::sse_stream> s,
                              uint64_t first_ms, uint64_t ms,
                              std::function<void(alter::net::sse_stream &, int)> step) {
    auto n = std::make_shared<int>(0);
    auto tick = std::make_shared<std::function<void()>>();
    // The copy handed to each timer keeps `tick` alive; clearing *tick ends the cycle.
    *tick = [s, n, loop, ms, tick, step = std::move(step)] {
        if (s->is_open()) step(*s, (*n)++);
        if (!s->is_open()) {
            *tick = nullptr;
            return;
        }
        after(loop, ms, *tick);
    };
    after(loop, first_ms, *tick);
}

/// A socket file at `path` that nobody listens on (left by a daemon that died).
inline void make_stale_socket(const std::string &path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
    close(fd);
}

inline std::string make_temp_dir() {
    char tmpl[] = "/tmp/alter-net-test-XXXXXX";
    const char *d = mkdtemp(tmpl);
    REQUIRE(d != nullptr);
    return d;
}

/// A server on its own loop thread. `setup` registers routes (on the loop thread).
class test_server {
public:
    explicit test_server(alter::net::server_options opts = {},
                         std::function<void(alter::net::router &, uv_loop_t *)> setup = {}) {
        dir = make_temp_dir();
        sock = dir + "/api.sock";
        lt.call([&] {
            if (setup) setup(router, &lt.loop);
            srv = std::make_unique<alter::net::server>(&lt.loop, router.as_handler(), opts);
            REQUIRE(srv->listen_unix(sock) == 0);
            REQUIRE(srv->listen_tcp("127.0.0.1", 0) == 0);
            port = srv->port();
        });
    }
    ~test_server() {
        std::atomic<bool> closed{false};
        lt.post([&] { srv->close([&] { closed = true; }); });
        CHECK(wait_for([&] { return closed.load(); }));
        lt.call([&] { srv.reset(); });
        lt.stop();
        std::string cmd = "rm -rf '" + dir + "'";
        CHECK(std::system(cmd.c_str()) == 0);
    }
    size_t connections() {
        return lt.call([&] { return srv->connection_count(); });
    }

    loop_thread lt;
    alter::net::router router;
    std::unique_ptr<alter::net::server> srv;
    std::string dir, sock;
    uint16_t port = 0;
};

/// A raw, blocking unix socket connection (fd, -1 on failure).
inline int raw_connect(const std::string &path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

inline bool raw_send(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        data.remove_prefix(size_t(n));
    }
    return true;
}

/// Read until `done(received)` holds, the peer closes, or `limit` passes.
inline std::string raw_read(int fd, const std::function<bool(const std::string &)> &done,
                            std::chrono::milliseconds limit = 5s) {
    std::string got;
    auto deadline = clock::now() + limit;
    char buf[16384];
    while (!done(got)) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0) break;
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, int(left.count())) <= 0) break;
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, size_t(n));
    }
    return got;
}

/// True if the peer closed (EOF or reset) within `limit`; data before that is discarded.
inline bool raw_closed(int fd, std::chrono::milliseconds limit = 5s) {
    auto deadline = clock::now() + limit;
    char buf[16384];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, int(left.count())) <= 0) return false;
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return true;
    }
}

inline size_t count_of(const std::string &s, std::string_view what) {
    size_t n = 0;
    for (auto pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 1)) ++n;
    return n;
}

} // namespace net_test
