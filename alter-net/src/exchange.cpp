// SPDX-License-Identifier: MIT
// The answer side of a request: request accessors, responder / stream / sse_stream handles and
// the exchange that formats responses and hands them to the connection in order.
#include "server_impl.hpp"

#include "alter_net/api_error.hpp"
#include "alter_net/sse.hpp"

namespace alter::net {

// ---- request --------------------------------------------------------------------------------

std::string_view request::path() const noexcept { return split_target(target_).path; }

std::string_view request::query_string() const noexcept { return split_target(target_).query; }

const query_params &request::query() const {
    if (!query_parsed_) {
        query_ = query_params::parse(query_string());
        query_parsed_ = true;
    }
    return query_;
}

header_view request::header_at(size_t i) const noexcept {
    std::string_view buf(header_buf_);
    const auto &r = headers_[i];
    return {buf.substr(r.name_off, r.name_len), buf.substr(r.value_off, r.value_len)};
}

std::string_view request::header(std::string_view name) const noexcept {
    for (size_t i = 0; i < headers_.size(); ++i) {
        auto h = header_at(i);
        if (iequals(h.name, name)) return h.value;
    }
    return {};
}

bool request::has_header(std::string_view name) const noexcept {
    for (size_t i = 0; i < headers_.size(); ++i)
        if (iequals(header_at(i).name, name)) return true;
    return false;
}

std::string_view request::param(std::string_view name) const noexcept {
    for (const auto &p : params_)
        if (p.first == name) return p.second;
    return {};
}

void request::reset() noexcept {
    method_ = {};
    target_.clear();
    header_buf_.clear();
    headers_.clear();
    if (body_.capacity() > 64 * 1024) body_ = std::string();
    body_.clear();
    params_.clear();
    query_.clear();
    query_parsed_ = false;
    http_minor_ = 1;
}

// ---- handles --------------------------------------------------------------------------------

responder::~responder() {
    // use_count 2: this handle and the connection's queue. Nobody else can answer any more.
    if (ex_ && ex_.use_count() == 2 && ex_->can_answer())
        ex_->respond_error(500, "internal", error(0, "the request was not answered"));
}

request &responder::req() const noexcept { return ex_->req; }

bool responder::can_answer() const noexcept { return ex_ && ex_->can_answer(); }

responder &responder::header(std::string_view name, std::string_view value) {
    if (can_answer() && !name.empty() && header_text_ok(name) && header_text_ok(value))
        detail::append_header(ex_->extra_headers, name, value);
    return *this;
}

void responder::send(int status, std::string body, std::string_view content_type) {
    if (can_answer()) ex_->respond(status, content_type, std::move(body));
}

void responder::send_empty(int status) {
    if (can_answer()) ex_->respond(status, {}, std::string());
}

void responder::send_error(std::string_view code, std::string_view message) {
    send_error(code, error(0, std::string(message)));
}

void responder::send_error(std::string_view code, const error &detail) {
    if (can_answer()) ex_->respond_error(status_for_code(code), code, detail);
}

stream responder::begin_stream(int status, std::string_view content_type) {
    if (!can_answer() || !ex_->begin_stream(status, content_type, {})) return stream();
    return stream(ex_);
}

sse_stream responder::begin_sse() {
    if (!can_answer() ||
        !ex_->begin_stream(200, "text/event-stream", "Cache-Control: no-cache\r\n"
                                                     "X-Accel-Buffering: no\r\n"))
        return sse_stream();
    ex_->sse = true;
    ex_->conn->srv()->add_sse(ex_.get());
    return sse_stream(stream(ex_));
}

void responder::on_close(std::function<void()> fn) {
    if (ex_ && ex_->conn) ex_->on_close = std::move(fn);
    else if (fn) fn(); // already gone: clean up now rather than never
}

bool stream::is_open() const noexcept {
    return ex_ && ex_->conn && ex_->ph == detail::exchange::phase::streaming;
}

bool stream::write(std::string_view data) { return is_open() && ex_->write_chunk(data); }

void stream::end() {
    if (is_open()) ex_->end_stream();
}

void stream::abort() {
    if (is_open()) ex_->conn->close_now();
}

size_t stream::backlog() const noexcept {
    if (!ex_ || !ex_->conn) return 0;
    return ex_->held.size() + (ex_->conn->is_front(ex_.get()) ? ex_->conn->backlog() : 0);
}

void stream::on_close(std::function<void()> fn) {
    if (is_open()) ex_->on_close = std::move(fn);
    else if (fn) fn(); // already closed (HEAD, client gone): clean up now rather than never
}

bool sse_stream::send(std::string_view data, std::string_view event, std::string_view id) {
    if (!is_open()) return false;
    std::string out;
    format_sse_event(out, data, event, id);
    return s_.write(out);
}

bool sse_stream::comment(std::string_view text) {
    if (!is_open()) return false;
    std::string out;
    format_sse_comment(out, text);
    return s_.write(out);
}

} // namespace alter::net

namespace alter::net::detail {

void exchange::reset() noexcept {
    req.reset();
    ph = phase::reading;
    keep_alive = true;
    chunked = false;
    sse = false;
    extra_headers.clear();
    held.clear();
    on_close = nullptr;
}

void exchange::append_head(std::string &out, int status, std::string_view content_type) {
    out.append(req.http_minor_ == 0 ? "HTTP/1.0 " : "HTTP/1.1 ");
    append_uint(out, static_cast<uint64_t>(status));
    out.push_back(' ');
    out.append(reason_phrase(status));
    out.append("\r\n");
    if (!content_type.empty()) append_header(out, "Content-Type", content_type);
    if (!keep_alive || conn->srv()->closing) {
        keep_alive = false;
        out.append("Connection: close\r\n");
    } else if (req.http_minor_ == 0) {
        out.append("Connection: keep-alive\r\n");
    }
    out.append(conn->srv()->default_headers);
    out.append(extra_headers);
}

void exchange::emit(std::string_view head, std::string &&body) {
    if (conn->is_front(this)) {
        conn->send(head, std::move(body));
    } else {
        held.append(head);
        held.append(body);
    }
}

void exchange::finished() {
    ph = phase::done;
    on_close = nullptr; // never called now; it may hold a handle on this exchange (a cycle)
    if (conn == nullptr) return;
    conn->srv()->remove_sse(this);
    if (conn->is_front(this)) conn->advance();
}

void exchange::respond(int status, std::string_view content_type, std::string &&body) {
    std::string &head = conn->scratch();
    head.clear();
    append_head(head, status, content_type);
    bool no_body = status == 204 || status == 304 || (status >= 100 && status < 200);
    if (!no_body) {
        head.append("Content-Length: ");
        append_uint(head, body.size());
        head.append("\r\n");
    }
    head.append("\r\n");
    if (no_body || req.is_head()) body.clear();
    ph = phase::done; // a failing write must not report "went away" for a produced answer
    emit(head, std::move(body));
    finished();
}

void exchange::respond_error(int status, std::string_view code, const error &detail) {
    respond(status, "application/json", error_body(code, detail));
}

bool exchange::begin_stream(int status, std::string_view content_type, std::string_view extra) {
    std::string &head = conn->scratch();
    head.clear();
    // HTTP/1.0 has no chunked encoding: the body then ends when the connection closes.
    chunked = req.http_minor_ != 0;
    if (!chunked) keep_alive = false;
    append_head(head, status, content_type);
    head.append(extra);
    if (chunked && !req.is_head()) head.append("Transfer-Encoding: chunked\r\n");
    head.append("\r\n");
    ph = req.is_head() ? phase::done : phase::streaming;
    emit(head, std::string());
    if (ph == phase::done) {
        finished();
        return false;
    }
    return conn != nullptr;
}

bool exchange::write_chunk(std::string_view data) {
    if (data.empty()) return true;
    size_t limit = conn->srv()->opts.max_stream_backlog;
    bool front = conn->is_front(this);
    size_t queued = held.size() + (front ? conn->backlog() : 0);
    if (queued + data.size() > limit) {
        conn->srv()->log(log_level::warn, "dropping a slow stream client (backlog over the limit)");
        conn->close_now();
        return false;
    }
    std::string &buf = front ? conn->scratch() : held;
    if (front) buf.clear();
    if (chunked) {
        append_hex(buf, data.size());
        buf.append("\r\n");
    }
    buf.append(data);
    if (chunked) buf.append("\r\n");
    if (front) conn->send(buf, std::string());
    return conn != nullptr;
}

void exchange::end_stream() {
    ph = phase::done;
    if (chunked) emit("0\r\n\r\n", std::string());
    finished();
}

void exchange::detach() {
    conn->srv()->remove_sse(this);
    bool unfinished = ph != phase::done;
    conn = nullptr;
    if (unfinished && on_close) {
        auto fn = std::move(on_close);
        on_close = nullptr;
        fn();
    }
}

} // namespace alter::net::detail
