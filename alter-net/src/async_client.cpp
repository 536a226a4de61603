// SPDX-License-Identifier: MIT
#include "alter_net/async_client.hpp"

#include <cerrno>
#include <cstring>

#include <uv.h>

#include "response_parser.hpp"
#include "unix_address.hpp"
#include "uv_stream.hpp"

namespace alter::net::detail {

// Owns itself (self_) from start until both handles are closed.
struct async_call_impl final : response_parser::sink {
    async_call_impl(uv_loop_t *l, async_callbacks c, async_options o)
        : loop(l), cbs(std::move(c)), opts(o), parser(*this) {}

    void start(const endpoint &ep, const client_request &req);
    void fail(int code, std::string_view what);
    void finish(const error *err);
    void close_handles();
    void arm(std::chrono::milliseconds ms);

    void on_head(int status, header_list &&headers) override {
        if (cbs.on_head) cbs.on_head(status, headers);
    }
    bool on_body(std::string_view chunk) override {
        if (cbs.on_body) cbs.on_body(chunk);
        return !done; // cancelled from the callback: stop parsing
    }

    uv_loop_t *loop;
    async_callbacks cbs;
    async_options opts;
    response_parser parser;
    any_stream h{};
    uv_timer_t timer{};
    uv_connect_t creq{};
    uv_write_t wreq{};
    std::string out;
    std::string where;
    std::unique_ptr<char[]> rbuf;
    std::shared_ptr<async_call_impl> self;
    int open_handles = 0;
    int start_error = 0; // an address that could not be used, reported from the loop
    bool done = false;
    bool connected = false;
};

namespace {
constexpr size_t rbuf_size = 64 * 1024;

async_call_impl *impl_of(void *p) { return static_cast<async_call_impl *>(p); }

void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
    auto *c = impl_of(s->data);
    if (c->done) return;
    if (nread == 0) return;
    auto st = nread > 0 ? c->parser.feed(buf->base, size_t(nread)) : c->parser.finish();
    if (c->done) return;
    using state = response_parser::state;
    if (nread < 0 && nread != UV_EOF && st != state::complete)
        return c->fail(int(nread), std::string("read failed: ") + uv_strerror(int(nread)));
    switch (st) {
    case state::more: c->arm(c->opts.idle_timeout); return;
    case state::complete: c->finish(nullptr); return;
    case state::stopped: return; // cancelled
    case state::failed: c->fail(-EPROTO, c->parser.error_message()); return;
    }
}

void on_written(uv_write_t *req, int status) {
    auto *c = impl_of(req->data);
    if (c->done || status >= 0) return;
    c->fail(status, std::string("write failed: ") + uv_strerror(status));
}

void on_connected(uv_connect_t *req, int status) {
    auto *c = impl_of(req->data);
    if (c->done) return;
    if (status < 0)
        return c->fail(status, std::string("cannot connect: ") + uv_strerror(status));
    c->connected = true;
    uv_buf_t b = uv_buf_init(c->out.data(), unsigned(c->out.size()));
    int rc = uv_write(&c->wreq, &c->h.stream, &b, 1, on_written);
    if (rc == 0)
        rc = uv_read_start(
            &c->h.stream,
            [](uv_handle_t *hd, size_t, uv_buf_t *buf) {
                auto *self = impl_of(hd->data);
                *buf = uv_buf_init(self->rbuf.get(), rbuf_size);
            },
            on_read);
    if (rc < 0) return c->fail(rc, std::string("write failed: ") + uv_strerror(rc));
    c->arm(c->opts.idle_timeout);
}
} // namespace

void async_call_impl::arm(std::chrono::milliseconds ms) {
    if (ms.count() <= 0) {
        uv_timer_stop(&timer);
        return;
    }
    uv_timer_start(
        &timer,
        [](uv_timer_t *t) {
            auto *c = impl_of(t->data);
            c->fail(-ETIMEDOUT, c->connected ? "upstream went silent" : "connect timed out");
        },
        uint64_t(ms.count()), 0);
}

void async_call_impl::start(const endpoint &ep, const client_request &req) {
    where = ep.describe();
    append_request(out, req, ep.host_header());
    parser.reset(req.method);
    rbuf.reset(new char[rbuf_size]);
    uv_timer_init(loop, &timer);
    timer.data = this;
    ++open_handles;
    creq.data = this;
    wreq.data = this;
    int rc;
    if (ep.kind == transport::unix_socket) {
        uv_pipe_init(loop, &h.pipe, 0);
        h.handle.data = this;
        ++open_handles;
        // libuv connects inside the call: the address (and its directory) may go after it.
        detail::unix_address addr;
        rc = addr.set(ep.path);
        if (rc == 0) uv_pipe_connect(&creq, &h.pipe, addr.path(), on_connected);
    } else {
        uv_tcp_init(loop, &h.tcp);
        h.handle.data = this;
        ++open_handles;
        sockaddr_storage ss{};
        std::string host = ep.host == "localhost" ? "127.0.0.1" : ep.host;
        rc = uv_ip4_addr(host.c_str(), ep.port, reinterpret_cast<sockaddr_in *>(&ss));
        if (rc != 0) rc = uv_ip6_addr(host.c_str(), ep.port, reinterpret_cast<sockaddr_in6 *>(&ss));
        if (rc == 0) rc = uv_tcp_connect(&creq, &h.tcp, reinterpret_cast<sockaddr *>(&ss), on_connected);
        if (rc == 0) uv_tcp_nodelay(&h.tcp, 1);
    }
    arm(opts.connect_timeout);
    if (rc < 0) {
        // Report from the loop, not from inside request(): a zero timer.
        start_error = rc;
        uv_timer_start(
            &timer,
            [](uv_timer_t *t) {
                auto *c = impl_of(t->data);
                int e = c->start_error;
                c->fail(e, e == -EINVAL ? std::string("cannot connect: invalid address") : "cannot connect: " + error_text(e));
            },
            0, 0);
    }
}

void async_call_impl::fail(int code, std::string_view what) {
    error e(code, std::string(what) + " (" + where + ")");
    finish(&e);
}

void async_call_impl::finish(const error *err) {
    if (done) return;
    done = true;
    close_handles();
    auto end = std::move(cbs.on_end);
    cbs.on_end = nullptr;
    if (end) end(err);
}

void async_call_impl::close_handles() {
    auto closed = [](uv_handle_t *hd) {
        auto *c = impl_of(hd->data);
        if (--c->open_handles > 0) return;
        // Callbacks often hold the downstream stream, whose on_close holds this call: drop
        // them here (never while one of them runs) so that no cycle outlives the call.
        auto keep = std::move(c->self); // c dies with the last reference, after this
        c->cbs = {};
    };
    uv_close(reinterpret_cast<uv_handle_t *>(&timer), closed);
    if (open_handles == 2) uv_close(&h.handle, closed);
}

} // namespace alter::net::detail

namespace alter::net {

void async_call::cancel() noexcept {
    if (!impl_ || impl_->done) return;
    impl_->done = true;
    impl_->close_handles();
}

bool async_call::active() const noexcept { return impl_ && !impl_->done; }

async_client::async_client(uv_loop_t *loop, endpoint ep, async_options opts)
    : loop_(loop), ep_(std::move(ep)), opts_(opts) {}

async_call async_client::request(client_request req, async_callbacks cbs) {
    auto impl = std::make_shared<detail::async_call_impl>(loop_, std::move(cbs), opts_);
    impl->self = impl;
    bool has_conn = false;
    for (auto &hd : req.headers) has_conn = has_conn || iequals(hd.name, "connection");
    if (!has_conn) req.headers.push_back({"Connection", "close"});
    impl->start(ep_, req);
    return async_call(std::move(impl));
}

} // namespace alter::net
