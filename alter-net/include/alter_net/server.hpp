// SPDX-License-Identifier: MIT
// HTTP/1.1 server on a libuv loop (llhttp inside): keep-alive, pipelining answered in order,
// limits against large and slow clients, chunked responses and Server-Sent Events.
//
// Threading: everything here is loop thread only (the thread running the uv_loop_t given to
// the server). Handlers run on that thread and may answer at once or later (keep the
// responder); answering after the client went away is a no-op.
//
// Signals: libuv writes with write(2), so a program using this server (or async_client) must
// ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)) or a peer closing early kills it. The library
// installs no signal handler itself.
//
//   alter::net::server srv(loop, [](request &req, responder res) {
//       res.send(200, R"({"ok":true})");
//   });
//   if (int rc = srv.listen_unix(path); rc < 0) ...        // -errno
//   ...
//   srv.close([] { /* every handle closed */ });
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alter_net/http.hpp"
#include "alter_net/url.hpp"

extern "C" {
typedef struct uv_loop_s uv_loop_t;
}

namespace alter::net {

namespace detail {
class exchange;
class connection;
struct server_impl;
struct parser_callbacks;
} // namespace detail

struct server_options {
    /// Request line + header bytes; over it: 431 and the connection is closed.
    size_t max_header_bytes = 16 * 1024;
    /// Request body; over it (announced Content-Length or chunked data so far): 413 + close.
    size_t max_body_bytes = 1024 * 1024;
    /// Open connections; over it a new one gets 503 and is closed (at twice the limit it is
    /// closed without an answer).
    size_t max_connections = 256;
    /// Requests parsed but not yet answered on one connection; past it reading pauses.
    size_t max_pipelined = 16;
    /// From a new connection or a request's first byte to the end of its headers. When it
    /// passes, a partly received request gets 408 (Connection: close); a connection on which
    /// nothing arrived is closed without an answer.
    std::chrono::milliseconds header_timeout{10'000};
    /// From the end of the headers to the end of the body; then 408 and close.
    std::chrono::milliseconds body_timeout{30'000};
    /// A keep-alive connection with nothing in flight is closed after this.
    std::chrono::milliseconds idle_timeout{60'000};
    /// SSE streams get ": keepalive\n\n" this often (0: never).
    std::chrono::milliseconds sse_keepalive{15'000};
    /// A streaming response (SSE, chunked) whose unsent bytes would pass this drops the client.
    size_t max_stream_backlog = 1024 * 1024;
    /// Headers added to every response the server sends, including the errors it makes itself
    /// before any handler runs (400, 408, 413, 431, 503): e.g. security headers. Names and values
    /// containing CR, LF or NUL are ignored.
    header_list default_headers;
    /// Optional diagnostics (the library never prints).
    log_fn log;
};

/// Who is on the other end of a connection.
struct peer_info {
    transport kind = transport::tcp;
    /// Unix sockets: SO_PEERCRED of the peer (-1 if unknown).
    int64_t pid = -1, uid = -1, gid = -1;
    /// TCP: numeric address ("127.0.0.1", "::1") and port.
    std::string address;
    uint16_t port = 0;
    /// TCP from 127.0.0.0/8, ::1 or ::ffff:127.x; always true for unix sockets.
    bool loopback = false;
};

/// A parsed request. Owned by the server; valid while any responder for it is alive.
class request {
public:
    /// "GET", "POST", ... (HEAD stays "HEAD"; the router serves it with the GET route).
    [[nodiscard]] std::string_view method() const noexcept { return method_; }
    [[nodiscard]] bool is_head() const noexcept { return method_ == "HEAD"; }
    /// The raw request-target ("/api/v1/x?y=1"), its path (not decoded) and query string.
    [[nodiscard]] std::string_view target() const noexcept { return target_; }
    [[nodiscard]] std::string_view path() const noexcept;
    [[nodiscard]] std::string_view query_string() const noexcept;
    /// Decoded query parameters (parsed on first use).
    [[nodiscard]] const query_params &query() const;
    /// First header named `name` (case-insensitive); empty if absent.
    [[nodiscard]] std::string_view header(std::string_view name) const noexcept;
    [[nodiscard]] bool has_header(std::string_view name) const noexcept;
    [[nodiscard]] size_t header_count() const noexcept { return headers_.size(); }
    [[nodiscard]] header_view header_at(size_t i) const noexcept;
    /// The body (already de-chunked). Mutable so a handler can move it out.
    [[nodiscard]] const std::string &body() const noexcept { return body_; }
    [[nodiscard]] std::string &body() noexcept { return body_; }
    /// A path parameter set by the router ({name} in the pattern), percent-decoded.
    [[nodiscard]] std::string_view param(std::string_view name) const noexcept;
    [[nodiscard]] const peer_info &peer() const noexcept { return peer_; }
    [[nodiscard]] int http_minor() const noexcept { return http_minor_; }

    /// Router use: replace the path parameters.
    void set_params(std::vector<std::pair<std::string_view, std::string>> params) {
        params_ = std::move(params);
    }

private:
    friend class detail::exchange;
    friend class detail::connection;
    friend struct detail::parser_callbacks;
    struct header_ref {
        uint32_t name_off, name_len, value_off, value_len;
    };
    void reset() noexcept;

    std::string_view method_;
    std::string target_;
    std::string header_buf_; // names and values back to back
    std::vector<header_ref> headers_;
    std::string body_;
    std::vector<std::pair<std::string_view, std::string>> params_;
    mutable query_params query_;
    mutable bool query_parsed_ = false;
    peer_info peer_;
    int http_minor_ = 1;
};

/// A chunked (or, for HTTP/1.0, close-delimited) response being streamed. Cheap to copy; all
/// copies refer to the same response. Loop thread only.
class stream {
public:
    stream() = default;
    /// False once ended or once the client went away (writes are then no-ops).
    [[nodiscard]] bool is_open() const noexcept;
    /// Queue `data` as one chunk. Never blocks; returns false (and drops the client) if its
    /// unsent bytes would pass server_options::max_stream_backlog, or if not open.
    bool write(std::string_view data);
    /// Send the final chunk; the connection then serves the next request.
    void end();
    /// Drop the connection without the final chunk: the client sees a truncated body (for a
    /// gateway whose upstream failed mid-stream).
    void abort();
    /// Bytes queued for this client and not yet accepted by the kernel.
    [[nodiscard]] size_t backlog() const noexcept;
    /// Called once if the client goes away (or the server closes) before end(). If the stream
    /// is already closed, `fn` runs at once (so resources tied to it are never leaked).
    void on_close(std::function<void()> fn);

private:
    friend class responder;
    friend class sse_stream;
    explicit stream(std::shared_ptr<detail::exchange> ex) : ex_(std::move(ex)) {}
    std::shared_ptr<detail::exchange> ex_;
};

/// A Server-Sent Events stream (text/event-stream over chunked encoding). Keepalive comments
/// are sent by the server every server_options::sse_keepalive.
class sse_stream {
public:
    sse_stream() = default;
    [[nodiscard]] bool is_open() const noexcept { return s_.is_open(); }
    /// One event: "event: <event>\nid: <id>\ndata: <line>\n...\n\n" (empty event/id omitted).
    bool send(std::string_view data, std::string_view event = {}, std::string_view id = {});
    /// A comment line (": text\n\n"), ignored by clients.
    bool comment(std::string_view text);
    void end() { s_.end(); }
    void abort() { s_.abort(); }
    [[nodiscard]] size_t backlog() const noexcept { return s_.backlog(); }
    void on_close(std::function<void()> fn) { s_.on_close(std::move(fn)); }

private:
    friend class responder;
    explicit sse_stream(stream s) : s_(std::move(s)) {}
    stream s_;
};

/// The answer slot of one request. Cheap to copy (shared); answer exactly once with send*,
/// begin_stream or begin_sse. Later answers, and answers after the client went away, are
/// no-ops. Dropping every copy without answering sends 500.
class responder {
public:
    responder() = default;
    responder(const responder &) = default;
    responder(responder &&) noexcept = default;
    responder &operator=(const responder &) = default;
    responder &operator=(responder &&) noexcept = default;
    /// The last handle of an unanswered request sends 500 (a handler that forgot to answer).
    ~responder();
    /// The request being answered.
    [[nodiscard]] request &req() const noexcept;
    /// True while the client is connected and nothing was answered yet.
    [[nodiscard]] bool can_answer() const noexcept;
    /// Add a header to the coming response (ignored if it contains CR/LF/NUL).
    responder &header(std::string_view name, std::string_view value);
    /// Complete response; `body` is moved in and written without copying. Content-Length is set;
    /// HEAD requests get the headers only.
    void send(int status, std::string body, std::string_view content_type = "application/json");
    /// 204-style response without a body.
    void send_empty(int status = 204);
    /// {"error":{"code":code,"message":message}} with status_for_code(code).
    void send_error(std::string_view code, std::string_view message);
    /// The same with field / hint / line / column taken from `detail` (its message too).
    void send_error(std::string_view code, const error &detail);
    /// Start a streamed response (Transfer-Encoding: chunked).
    [[nodiscard]] stream begin_stream(int status, std::string_view content_type);
    /// Start an SSE stream (200, text/event-stream, no-cache).
    [[nodiscard]] sse_stream begin_sse();
    /// Called once if the client goes away (or the server closes) before the response is done;
    /// at once if it already went away.
    void on_close(std::function<void()> fn);

private:
    friend class detail::connection;
    explicit responder(std::shared_ptr<detail::exchange> ex) : ex_(std::move(ex)) {}
    std::shared_ptr<detail::exchange> ex_;
};

/// A request handler. An exception escaping it is caught and logged; the request gets 500.
using handler = std::function<void(request &, responder)>;

/// The server. Not movable (handles point into it). Close it with close() and run the loop
/// until the callback before destroying it; destroying an open server closes it in the
/// background (the loop must still run for the handles to be freed).
class server {
public:
    server(uv_loop_t *loop, handler h, server_options opts = {});
    ~server();
    server(const server &) = delete;
    server &operator=(const server &) = delete;

    /// Listen on a unix socket (mode 0600). A stale socket file is removed first; a socket with
    /// a live server behind it gives -EADDRINUSE, a non-socket file -EEXIST. Returns 0 or -errno.
    [[nodiscard]] int listen_unix(const std::string &path);
    /// Listen on numeric host ("127.0.0.1", "::1", "0.0.0.0", "localhost") and port (0 =
    /// ephemeral: see port()). Returns 0 or -errno.
    [[nodiscard]] int listen_tcp(const std::string &host, uint16_t port);
    /// The bound port of the last TCP listener (0 if none).
    [[nodiscard]] uint16_t port() const noexcept;
    /// Open connections.
    [[nodiscard]] size_t connection_count() const noexcept;
    /// Stop listening and close every connection now (streams get their on_close); `done` runs
    /// on the loop once every handle is closed. Idempotent.
    void close(std::function<void()> done = {});

private:
    detail::server_impl *impl_;
};

} // namespace alter::net
