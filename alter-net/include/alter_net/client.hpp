// SPDX-License-Identifier: MIT
// Blocking HTTP/1.1 client for the CLI: plain sockets with poll() timeouts (no libuv), over a
// unix socket or TCP (no TLS). Keeps the connection alive between requests and reconnects
// once if a kept connection turns out closed. One thread at a time per client.
//
//   client c(endpoint::unix_socket(sock));
//   auto r = c.request(client_request::json("POST", "/api/v1/apps", spec));
//   if (!r) { if (is_not_running(r.err())) ... "daemon not running" ...; }
//   c.stream_sse({"GET", "/api/v1/processes/web/logs/stream"},
//                [](const sse_event &ev) { std::puts(ev.data.c_str()); return true; });
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "alter_net/client_request.hpp"
#include "alter_net/endpoint.hpp"
#include "alter_net/sse.hpp"

namespace alter::net {

struct client_options {
    std::chrono::milliseconds connect_timeout{5'000};
    /// Longest wait for the socket to accept or deliver bytes (0: no limit). For SSE streams
    /// this is an inactivity limit: keepalive comments reset it.
    std::chrono::milliseconds timeout{30'000};
    size_t max_response_bytes = 256 * 1024 * 1024;
};

/// ENOENT (no socket file), ECONNREFUSED (nobody listening): the daemon is not running.
[[nodiscard]] bool is_not_running(const error &e) noexcept;

class client {
public:
    explicit client(endpoint ep, client_options opts = {});
    ~client();
    client(client &&other) noexcept;
    client &operator=(client &&other) noexcept;
    client(const client &) = delete;
    client &operator=(const client &) = delete;

    /// Send `req` and read the whole response. Errors: -errno of connect/send/recv (message
    /// names the endpoint), -ETIMEDOUT, -EPROTO (malformed response), -EFBIG (too large).
    [[nodiscard]] result<client_response> request(const client_request &req);

    /// Send `req` and hand the body to `on_body` piece by piece as it arrives (de-chunked);
    /// `head` has the status and headers. Return false to stop (the connection is then closed).
    /// The returned response has an empty body.
    using body_fn = std::function<bool(const client_response &head, std::string_view chunk)>;
    [[nodiscard]] result<client_response> request_stream(const client_request &req,
                                                          const body_fn &on_body);

    /// Follow an SSE stream: `on_event` per event (false stops) until the server closes. If the
    /// response is not a 2xx text/event-stream its body is returned as by request().
    [[nodiscard]] result<client_response> stream_sse(const client_request &req,
                                                     sse_parser::event_fn on_event,
                                                     sse_parser::comment_fn on_comment = {});

    /// Close the kept connection, if any.
    void disconnect() noexcept;
    [[nodiscard]] const endpoint &where() const noexcept { return ep_; }

private:
    result<client_response> exchange(const client_request &req, const body_fn *on_body);
    status connect();

    endpoint ep_;
    client_options opts_;
    int fd_ = -1;
    // The receive buffer, not zeroed (a command's start-up is most of its cost: 64 KiB of memset
    // and 16 page faults were a tenth of `alter describe`'s own CPU).
    static constexpr size_t buf_size = 64 * 1024;
    std::unique_ptr<char[]> buf_;
};

} // namespace alter::net
