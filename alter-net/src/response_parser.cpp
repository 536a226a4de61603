// SPDX-License-Identifier: MIT
#include "response_parser.hpp"

#include "wire.hpp"

namespace alter::net {

client_request client_request::json(std::string method, std::string target, std::string body) {
    client_request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers.push_back({"Content-Type", "application/json"});
    return r;
}

} // namespace alter::net

namespace alter::net::detail {

void append_request(std::string &out, const client_request &req, std::string_view host) {
    out.append(req.method);
    out.push_back(' ');
    out.append(req.target.empty() ? std::string_view("/") : std::string_view(req.target));
    out.append(" HTTP/1.1\r\n");
    if (find_header(req.headers, "host") == nullptr) append_header(out, "Host", host);
    for (const auto &h : req.headers) {
        if (iequals(h.name, "content-length") || !header_text_ok(h.name) ||
            !header_text_ok(h.value))
            continue;
        append_header(out, h.name, h.value);
    }
    if (!req.body.empty() || req.method == "POST" || req.method == "PUT" ||
        req.method == "PATCH") {
        out.append("Content-Length: ");
        append_uint(out, req.body.size());
        out.append("\r\n");
    }
    out.append("\r\n");
    out.append(req.body);
}

namespace {
response_parser *self(llhttp_t *p) { return static_cast<response_parser *>(p->data); }
} // namespace

struct response_callbacks {
    static bool count(response_parser *r, size_t len) {
        r->header_bytes_ += len;
        return r->header_bytes_ <= r->max_header_bytes_;
    }
    static int on_message_begin(llhttp_t *p) {
        auto *r = self(p);
        r->headers_.clear();
        r->header_bytes_ = 0;
        r->in_field_ = false;
        return 0;
    }
    static int on_header_field(llhttp_t *p, const char *at, size_t len) {
        auto *r = self(p);
        if (!count(r, len)) return -1;
        if (!r->in_field_) r->headers_.emplace_back();
        r->in_field_ = true;
        r->headers_.back().name.append(at, len);
        return 0;
    }
    static int on_header_value(llhttp_t *p, const char *at, size_t len) {
        auto *r = self(p);
        if (!count(r, len)) return -1;
        r->in_field_ = false;
        if (!r->headers_.empty()) r->headers_.back().value.append(at, len);
        return 0;
    }
    static bool interim(llhttp_t *p) { return p->status_code >= 100 && p->status_code < 200; }
    static int on_headers_complete(llhttp_t *p) {
        auto *r = self(p);
        if (interim(p)) return 0;
        r->keep_alive_ = llhttp_should_keep_alive(p) != 0;
        r->sink_.on_head(p->status_code, std::move(r->headers_));
        r->headers_.clear();
        return r->head_request_ ? 1 : 0; // 1: no body follows
    }
    static int on_body(llhttp_t *p, const char *at, size_t len) {
        auto *r = self(p);
        if (r->sink_.on_body(std::string_view(at, len))) return 0;
        r->stopped_ = true;
        return HPE_USER;
    }
    static int on_message_complete(llhttp_t *p) {
        auto *r = self(p);
        if (interim(p)) return 0; // "100 Continue": the real response follows
        r->keep_alive_ = llhttp_should_keep_alive(p) != 0;
        r->complete_ = true;
        return HPE_PAUSED;
    }
};

response_parser::response_parser(sink &s, size_t max_header_bytes)
    : sink_(s), max_header_bytes_(max_header_bytes) {
    llhttp_settings_init(&settings_);
    settings_.on_message_begin = response_callbacks::on_message_begin;
    settings_.on_header_field = response_callbacks::on_header_field;
    settings_.on_header_value = response_callbacks::on_header_value;
    settings_.on_headers_complete = response_callbacks::on_headers_complete;
    settings_.on_body = response_callbacks::on_body;
    settings_.on_message_complete = response_callbacks::on_message_complete;
    reset("GET");
}

void response_parser::reset(std::string_view method) {
    llhttp_init(&parser_, HTTP_RESPONSE, &settings_);
    parser_.data = this;
    headers_.clear();
    error_.clear();
    header_bytes_ = 0;
    in_field_ = false;
    head_request_ = method == "HEAD";
    complete_ = stopped_ = keep_alive_ = got_bytes_ = false;
}

response_parser::state response_parser::result_of(llhttp_errno_t err) {
    if (complete_) return state::complete;
    if (stopped_) return state::stopped;
    if (err == HPE_OK) return state::more;
    if (error_.empty()) {
        error_ = header_bytes_ > max_header_bytes_ ? "response headers too large"
                                                   : std::string("invalid response: ") +
                                                         llhttp_errno_name(err);
    }
    return state::failed;
}

response_parser::state response_parser::feed(const char *data, size_t len) {
    if (complete_ || stopped_) return result_of(HPE_OK);
    if (len > 0) got_bytes_ = true;
    return result_of(llhttp_execute(&parser_, data, len));
}

response_parser::state response_parser::finish() {
    if (complete_ || stopped_) return result_of(HPE_OK);
    if (!got_bytes_) {
        error_ = "connection closed before a response";
        return state::failed;
    }
    auto err = llhttp_finish(&parser_);
    if (!complete_ && !stopped_) {
        error_ = "connection closed in the middle of the response";
        return state::failed;
    }
    return result_of(err);
}

} // namespace alter::net::detail
