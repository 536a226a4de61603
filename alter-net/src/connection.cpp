// SPDX-License-Identifier: MIT
// One client connection: llhttp parsing with limits, the in-order response queue, non-blocking
// writes (uv_try_write first, then one uv_write at a time) and the per-connection timer.
#include "server_impl.hpp"

#include <cstring>
#include <exception>

namespace alter::net::detail {

namespace {
constexpr uint64_t linger_ms = 2000; // after our last answer, wait this long for the peer's EOF
constexpr size_t max_spare = 2;

connection *conn_of(llhttp_t *p) { return static_cast<connection *>(p->data); }
} // namespace

// llhttp callbacks. Returning -1 makes llhttp_execute fail; reject_status_ says why.
struct parser_callbacks {
    static bool count(connection *c, size_t len) {
        c->header_bytes_ += len;
        if (c->header_bytes_ <= c->srv_->opts.max_header_bytes) return true;
        c->reject_status_ = 431;
        return false;
    }
    static int on_message_begin(llhttp_t *p) {
        auto *c = conn_of(p);
        c->cur_ = c->take_exchange();
        c->header_bytes_ = 0;
        c->in_field_ = false;
        c->headers_done_ = false;
        c->deadline_ = uv_now(c->srv_->loop) + uint64_t(c->srv_->opts.header_timeout.count());
        c->arm_timer();
        return 0;
    }
    static int on_url(llhttp_t *p, const char *at, size_t len) {
        auto *c = conn_of(p);
        if (!count(c, len)) return -1;
        c->cur_->req.target_.append(at, len);
        return 0;
    }
    static int on_header_field(llhttp_t *p, const char *at, size_t len) {
        auto *c = conn_of(p);
        if (!count(c, len + 4)) return -1; // ": " and CRLF
        auto &r = c->cur_->req;
        if (!c->in_field_) {
            auto off = static_cast<uint32_t>(r.header_buf_.size());
            r.headers_.push_back({off, 0, off, 0});
            c->in_field_ = true;
        }
        r.header_buf_.append(at, len);
        r.headers_.back().name_len += static_cast<uint32_t>(len);
        r.headers_.back().value_off = static_cast<uint32_t>(r.header_buf_.size());
        return 0;
    }
    static int on_header_value(llhttp_t *p, const char *at, size_t len) {
        auto *c = conn_of(p);
        if (!count(c, len)) return -1;
        auto &r = c->cur_->req;
        c->in_field_ = false;
        if (r.headers_.empty()) return 0;
        r.header_buf_.append(at, len);
        r.headers_.back().value_len += static_cast<uint32_t>(len);
        return 0;
    }
    static int on_headers_complete(llhttp_t *p) {
        auto *c = conn_of(p);
        auto &ex = *c->cur_;
        ex.req.method_ = llhttp_method_name(static_cast<llhttp_method_t>(p->method));
        ex.req.http_minor_ = p->http_major == 1 ? p->http_minor : 0;
        c->headers_done_ = true;
        bool has_length = (p->flags & F_CONTENT_LENGTH) != 0;
        if (has_length && p->content_length > c->srv_->opts.max_body_bytes) {
            c->reject_status_ = 413;
            return -1;
        }
        if (has_length) ex.req.body_.reserve(p->content_length);
        bool body_follows = (has_length && p->content_length > 0) || (p->flags & F_CHUNKED);
        if (body_follows) {
            // curl and others wait for this before sending a large body.
            if (iequals(ex.req.header("expect"), "100-continue") && c->queue_.empty())
                c->send("HTTP/1.1 100 Continue\r\n\r\n", std::string());
            c->deadline_ = uv_now(c->srv_->loop) + uint64_t(c->srv_->opts.body_timeout.count());
            c->arm_timer();
        }
        return 0;
    }
    static int on_body(llhttp_t *p, const char *at, size_t len) {
        auto *c = conn_of(p);
        auto &body = c->cur_->req.body_;
        if (body.size() + len > c->srv_->opts.max_body_bytes) {
            c->reject_status_ = 413;
            return -1;
        }
        body.append(at, len);
        return 0;
    }
    static int on_message_complete(llhttp_t *p) {
        auto *c = conn_of(p);
        c->cur_->keep_alive = llhttp_should_keep_alive(p) != 0;
        c->cur_->ph = exchange::phase::waiting;
        c->queue_.push_back(std::move(c->cur_));
        c->cur_.reset();
        c->deadline_ = 0;
        return HPE_PAUSED; // dispatch it before parsing the next one
    }
};

void init_parser_settings(llhttp_settings_t &s) {
    llhttp_settings_init(&s);
    s.on_message_begin = parser_callbacks::on_message_begin;
    s.on_url = parser_callbacks::on_url;
    s.on_header_field = parser_callbacks::on_header_field;
    s.on_header_value = parser_callbacks::on_header_value;
    s.on_headers_complete = parser_callbacks::on_headers_complete;
    s.on_body = parser_callbacks::on_body;
    s.on_message_complete = parser_callbacks::on_message_complete;
}

connection::connection(server_impl *s, transport kind) : srv_(s) {
    std::memset(&h, 0, sizeof h);
    if (kind == transport::tcp)
        uv_tcp_init(s->loop, &h.tcp);
    else
        uv_pipe_init(s->loop, &h.pipe, 0);
    uv_timer_init(s->loop, &timer_);
    peer.kind = kind;
    llhttp_init(&parser_, HTTP_REQUEST, &s->settings);
    parser_.data = this;
    h.handle.data = this;
    timer_.data = this;
    wreq_.data = this;
    sreq_.data = this;
}

void connection::start() {
    uv_read_start(
        &h.stream,
        [](uv_handle_t *hd, size_t, uv_buf_t *buf) {
            auto *c = static_cast<connection *>(hd->data);
            *buf = uv_buf_init(c->srv_->read_buf.get(), server_impl::read_buf_size);
        },
        on_read);
    arm_timer();
}

void connection::on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
    auto *c = static_cast<connection *>(s->data);
    if (c->closing_) return;
    if (nread < 0) {
        // The peer is gone (or only half-closed): finish what was asked unless a stream is
        // running (it would never end) or nothing is pending.
        if (nread != UV_EOF || c->draining_ || c->queue_.empty() || c->cur_ ||
            c->queue_.front()->ph == exchange::phase::streaming) {
            c->close_now();
            return;
        }
        c->eof_ = c->draining_ = true;
        uv_read_stop(&c->h.stream);
        return;
    }
    if (nread == 0 || c->draining_) return; // after our last answer input is discarded
    c->feed(buf->base, static_cast<size_t>(nread));
}

void connection::feed(const char *data, size_t len) {
    in_feed_ = true;
    while (len > 0 && !closing_ && !draining_) {
        if (queue_.size() >= srv_->opts.max_pipelined) {
            // Too many unanswered requests: keep the bytes and stop reading until answers go out.
            stash_.append(data, len);
            paused_ = true;
            uv_read_stop(&h.stream);
            break;
        }
        llhttp_errno_t err = llhttp_execute(&parser_, data, len);
        if (err == HPE_OK) break;
        if (err == HPE_PAUSED) {
            const char *pos = llhttp_get_error_pos(&parser_);
            llhttp_resume(&parser_);
            len -= static_cast<size_t>(pos - data);
            data = pos;
            if (!queue_.back()->keep_alive) draining_ = true; // "Connection: close": nothing after
            dispatch();
            continue;
        }
        int st = reject_status_ != 0 ? reject_status_ : 400;
        if (st == 431)
            reject(431, "headers_too_large", "request headers are too large");
        else if (st == 413)
            reject(413, "payload_too_large", "request body is too large");
        else
            reject(400, "bad_request", llhttp_errno_name(err));
        break;
    }
    in_feed_ = false;
    if (!closing_) advance(); // answers given during the feed may now be written
}

void connection::dispatch() {
    served_one_ = true;
    arm_timer();
    if (srv_->closing) return;
    // No local copy of the shared_ptr: the responder must be the only handle besides the queue
    // so that dropping it unanswered is noticed (see ~responder).
    request &req = queue_.back()->req;
    try {
        srv_->on_request(req, responder(queue_.back()));
    } catch (const std::exception &e) {
        // The unwound responder already answered 500 (see ~responder).
        srv_->log(log_level::error, std::string("request handler threw: ") + e.what());
    } catch (...) {
        srv_->log(log_level::error, "request handler threw");
    }
}

void connection::refuse() {
    reject(503, "unavailable", "too many connections");
}

void connection::reject(int status, std::string_view code, std::string_view message) {
    srv_->log(log_level::debug, message);
    auto ex = cur_ ? std::move(cur_) : take_exchange();
    cur_.reset();
    ex->ph = exchange::phase::waiting;
    ex->keep_alive = false;
    queue_.push_back(ex);
    draining_ = true;
    ex->respond_error(status, code, error(0, std::string(message)));
}

void connection::advance() {
    while (!queue_.empty() && !closing_) {
        auto &front = queue_.front();
        if (!front->held.empty()) {
            std::string held = std::move(front->held);
            front->held.clear();
            send(held, std::string());
            if (closing_) return;
        }
        if (front->ph != exchange::phase::done) break;
        bool keep = front->keep_alive;
        recycle(std::move(front));
        queue_.pop_front();
        if (!keep) {
            draining_ = true;
            break;
        }
    }
    if (closing_) return;
    if (draining_) {
        if (queue_.empty() && !writing_ && wq_.empty()) drained();
        return;
    }
    if (paused_ && !in_feed_ && queue_.size() < srv_->opts.max_pipelined) resume();
    arm_timer();
}

void connection::resume() {
    paused_ = false;
    std::string pending = std::move(stash_);
    stash_.clear();
    feed(pending.data(), pending.size());
    if (!closing_ && !paused_ && !draining_) uv_read_start(&h.stream, h.stream.alloc_cb, on_read);
}

// Everything was answered and written: half-close and give the peer a moment to read and close,
// so that an early answer (413) is not lost to a reset caused by unread input.
void connection::drained() {
    if (shut_) return;
    shut_ = true;
    if (eof_ || paused_) {
        close_now();
        return;
    }
    int rc = uv_shutdown(&sreq_, &h.stream, [](uv_shutdown_t *req, int status) {
        auto *c = static_cast<connection *>(req->data);
        if (status < 0 && !c->closing_) c->close_now();
    });
    if (rc < 0) {
        close_now();
        return;
    }
    uv_timer_start(&timer_, on_timer, linger_ms, 0);
}

void connection::send(std::string_view head, std::string &&body) {
    if (closing_) return;
    size_t total = head.size() + body.size();
    if (total == 0) return;
    size_t done = 0;
    if (!writing_ && wq_.empty()) {
        uv_buf_t b[2];
        unsigned n = 0;
        if (!head.empty()) b[n++] = uv_buf_init(const_cast<char *>(head.data()), unsigned(head.size()));
        if (!body.empty()) b[n++] = uv_buf_init(body.data(), unsigned(body.size()));
        int rc = uv_try_write(&h.stream, b, n);
        if (rc < 0 && rc != UV_EAGAIN) {
            close_now();
            return;
        }
        done = rc > 0 ? size_t(rc) : 0;
        if (done == total) return;
    }
    if (done < head.size()) {
        wq_.emplace_back(head.substr(done));
        if (!body.empty()) wq_.push_back(std::move(body));
    } else {
        wq_.emplace_back(std::string_view(body).substr(done - head.size()));
    }
    backlog_ += total - done;
    start_write();
}

void connection::start_write() {
    if (writing_ || wq_.empty() || closing_) return;
    inflight_.swap(wq_);
    bufs_.clear();
    for (auto &s : inflight_) bufs_.push_back(uv_buf_init(s.data(), unsigned(s.size())));
    int rc = uv_write(&wreq_, &h.stream, bufs_.data(), unsigned(bufs_.size()), on_write);
    if (rc < 0) {
        close_now();
        return;
    }
    writing_ = true;
}

void connection::on_write(uv_write_t *req, int status) {
    auto *c = static_cast<connection *>(req->data);
    c->writing_ = false;
    for (auto &s : c->inflight_) c->backlog_ -= s.size();
    c->inflight_.clear();
    if (c->closing_) return;
    if (status < 0) {
        c->close_now();
        return;
    }
    if (!c->wq_.empty())
        c->start_write();
    else if (c->draining_ && c->queue_.empty())
        c->drained();
}

void connection::arm_timer() {
    if (closing_ || shut_) return;
    uint64_t now = uv_now(srv_->loop);
    uint64_t ms;
    if (cur_ && deadline_ != 0) {
        ms = deadline_ > now ? deadline_ - now : 0; // a request is being received
    } else if (queue_.empty() && !draining_) {
        ms = uint64_t(served_one_ ? srv_->opts.idle_timeout.count()
                                  : srv_->opts.header_timeout.count());
    } else {
        uv_timer_stop(&timer_); // a handler or a stream has the floor
        return;
    }
    uv_timer_start(&timer_, on_timer, ms, 0);
}

void connection::on_timer(uv_timer_t *t) {
    auto *c = static_cast<connection *>(t->data);
    // Part of a request came and the rest did not: say so (408) before closing. An idle
    // connection (nothing received) is closed without a word; so is one with answers still
    // owed ahead of the late request (a handler or a stream has the floor).
    if (!c->shut_ && c->cur_ && !c->draining_ && c->queue_.empty()) {
        c->reject(408, "request_timeout",
                  c->headers_done_ ? "the request body did not arrive in time" : "the request headers did not arrive in time");
        if (!c->closing_) c->advance();
        return;
    }
    if (!c->shut_) c->srv_->log(log_level::debug, "closing a connection that timed out");
    c->close_now();
}

void connection::close_now() {
    if (closing_) return;
    closing_ = true;
    srv_->connection_gone(this);
    auto queue = std::move(queue_);
    queue_.clear();
    if (cur_) queue.push_back(std::move(cur_));
    for (auto &ex : queue) ex->detach();
    uv_close(&h.handle, on_handle_closed);
    uv_close(reinterpret_cast<uv_handle_t *>(&timer_), on_handle_closed);
}

void connection::on_handle_closed(uv_handle_t *hd) {
    auto *c = static_cast<connection *>(hd->data);
    if (--c->open_handles_ > 0) return;
    server_impl *s = c->srv_;
    delete c;
    s->handle_freed();
}

std::shared_ptr<exchange> connection::take_exchange() {
    if (!spare_.empty()) {
        auto ex = std::move(spare_.back());
        spare_.pop_back();
        return ex;
    }
    auto ex = std::make_shared<exchange>(this);
    ex->req.peer_ = peer;
    return ex;
}

void connection::recycle(std::shared_ptr<exchange> &&ex) {
    if (ex.use_count() != 1 || spare_.size() >= max_spare) {
        ex->conn = nullptr; // handles may outlive this connection
        ex.reset();
        return;
    }
    ex->reset();
    spare_.push_back(std::move(ex));
}

} // namespace alter::net::detail
