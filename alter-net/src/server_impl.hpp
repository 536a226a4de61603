// SPDX-License-Identifier: MIT
// Private types of the server: the server state, one connection, one request/response exchange.
// A connection keeps its exchanges in request order; only the front one writes to the socket,
// later ones hold their output until they reach the front (pipelining in order).
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <llhttp.h>
#include <uv.h>

#include "uv_stream.hpp"

#include "alter_net/server.hpp"
#include "wire.hpp"

namespace alter::net::detail {

struct server_impl;

class exchange {
public:
    enum class phase : uint8_t { reading, waiting, streaming, done };

    explicit exchange(connection *c) : conn(c) {}

    void reset() noexcept;
    /// Complete response. `body` is moved in and written without copying.
    void respond(int status, std::string_view content_type, std::string &&body);
    void respond_error(int status, std::string_view code, const error &detail);
    /// Start a streamed response; false if it cannot be answered any more.
    bool begin_stream(int status, std::string_view content_type, std::string_view extra);
    bool write_chunk(std::string_view data);
    void end_stream();
    /// The connection is gone: forget it and tell the owner (on_close) if unfinished.
    void detach();
    [[nodiscard]] bool can_answer() const noexcept { return conn != nullptr && ph == phase::waiting; }

    request req;
    connection *conn;
    phase ph = phase::reading;
    bool keep_alive = true;   // keep the connection after this response
    bool chunked = false;     // streaming with chunked encoding (else close-delimited)
    bool sse = false;
    size_t sse_slot = 0;      // index in server_impl::sse while sse
    std::string extra_headers; // "Name: value\r\n"...
    std::string held;          // output produced while not at the front of the queue
    std::function<void()> on_close;

private:
    void append_head(std::string &out, int status, std::string_view content_type);
    void emit(std::string_view head, std::string &&body);
    void finished();
};

class connection {
public:
    connection(server_impl *s, transport kind);

    void start();
    /// Over the connection limit: answer 503 and close.
    void refuse();
    /// Close now: exchanges are detached (streams get on_close), handles closed, then deleted.
    void close_now();
    /// Queue `head` (copied only if the kernel does not take it at once) and `body` (moved).
    void send(std::string_view head, std::string &&body);
    [[nodiscard]] size_t backlog() const noexcept { return backlog_; }
    [[nodiscard]] bool is_front(const exchange *ex) const noexcept {
        return !queue_.empty() && queue_.front().get() == ex;
    }
    /// The front exchange may have finished or produced output: move the queue on.
    void advance();
    /// A scratch buffer to format a response head in (valid until the next call).
    std::string &scratch() noexcept { return scratch_; }
    [[nodiscard]] server_impl *srv() const noexcept { return srv_; }
    [[nodiscard]] bool closing() const noexcept { return closing_; }

    any_stream h;
    peer_info peer;
    size_t slot = 0; // index in server_impl::conns

private:
    friend struct parser_callbacks;
    static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
    static void on_write(uv_write_t *req, int status);
    static void on_timer(uv_timer_t *t);
    static void on_handle_closed(uv_handle_t *h);

    void feed(const char *data, size_t len);
    void dispatch();
    void reject(int status, std::string_view code, std::string_view message);
    void start_write();
    void resume();
    void drained();
    void arm_timer();
    std::shared_ptr<exchange> take_exchange();
    void recycle(std::shared_ptr<exchange> &&ex);

    server_impl *srv_;
    uv_timer_t timer_;
    uv_write_t wreq_;
    uv_shutdown_t sreq_;
    llhttp_t parser_;
    std::deque<std::shared_ptr<exchange>> queue_; // answered in this order
    std::shared_ptr<exchange> cur_;               // request being parsed
    std::vector<std::shared_ptr<exchange>> spare_;
    std::vector<std::string> wq_, inflight_;
    std::vector<uv_buf_t> bufs_;
    std::string scratch_, stash_;
    size_t backlog_ = 0;
    size_t header_bytes_ = 0;
    uint64_t deadline_ = 0; // loop ms; 0: none
    int reject_status_ = 0;
    int open_handles_ = 2;
    bool in_field_ = false;
    bool headers_done_ = false;
    bool served_one_ = false;
    bool writing_ = false;
    bool paused_ = false;
    bool in_feed_ = false;
    bool draining_ = false; // no more requests: close once the queue is written
    bool shut_ = false;
    bool eof_ = false;
    bool closing_ = false;
};

struct server_impl {
    server_impl(uv_loop_t *l, handler h, server_options o);

    void log(log_level lvl, std::string_view msg) const {
        if (opts.log) opts.log(lvl, msg);
    }
    void begin_close();
    void check_done();
    void maybe_free();
    void add_sse(exchange *ex);
    void remove_sse(exchange *ex);
    void connection_gone(connection *c); // unregister (close started)
    void handle_freed();                 // a connection or listener finished closing

    uv_loop_t *loop;
    handler on_request;
    server_options opts;
    std::string default_headers; // opts.default_headers as "Name: value\r\n"...
    llhttp_settings_t settings{};
    std::vector<struct listener *> listeners;
    std::vector<connection *> conns;
    std::vector<exchange *> sse;
    std::unique_ptr<char[]> read_buf;
    static constexpr size_t read_buf_size = 64 * 1024;
    uv_timer_t keepalive{};
    size_t live = 0; // listeners + connections + the keepalive timer not yet freed
    uint16_t port = 0;
    bool closing = false;
    bool finished = false;
    bool orphaned = false;
    bool in_callback = false;
    std::function<void()> on_closed;
};

void init_parser_settings(llhttp_settings_t &s);

} // namespace alter::net::detail
