// SPDX-License-Identifier: MIT
#include "gateway.hpp"

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <unistd.h>

#include <uv.h>

#include "alter/alter.h"
#include "alter/json.hpp"
#include "alter_net/api_error.hpp"
#include "assets.hpp"
#include "compress.hpp"

namespace alter_web {

using alter::net::request;
using alter::net::responder;

int64_t now_ms() noexcept {
    struct timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

void send_status_error(responder &res, int status, std::string_view code, std::string_view message) {
    res.send(status, alter::net::error_body(code, message));
}

void send_unauthorized(responder &res) {
    res.header("WWW-Authenticate", "Bearer realm=\"alter\"");
    send_status_error(res, 401, "unauthorized", "authentication required");
}

namespace {

constexpr int64_t housekeeping_ms = 10'000;
// Up to this size a forwarded response is collected and sent with a Content-Length; larger
// ones, unsized ones and event streams are relayed chunk by chunk.
constexpr size_t buffer_limit = 256 * 1024;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Request headers that describe this hop or carry our credentials: never sent to alterd.
bool drop_request_header(std::string_view name) {
    using alter::net::iequals;
    for (std::string_view h : {"host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
                               "trailer", "upgrade", "content-length", "expect", "authorization", "cookie",
                               "proxy-authorization"})
        if (iequals(name, h)) return true;
    return false;
}

// Response headers the server sets itself (framing) or that we set on every response.
bool drop_response_header(std::string_view name) {
    using alter::net::iequals;
    for (std::string_view h : {"connection", "keep-alive", "transfer-encoding", "content-length", "content-type",
                               "trailer", "upgrade", "set-cookie", "content-security-policy",
                               "x-content-type-options", "referrer-policy", "x-frame-options",
                               "cross-origin-opener-policy", "cross-origin-resource-policy", "permissions-policy"})
        if (iequals(name, h)) return true;
    return false;
}

std::string_view cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        size_t semi = header.find(';');
        std::string_view item = header.substr(0, semi);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        if (item.size() > name.size() && starts_with(item, name) && item[name.size()] == '=')
            return item.substr(name.size() + 1);
        if (semi == std::string_view::npos) break;
        header.remove_prefix(semi + 1);
    }
    return {};
}

} // namespace

struct gateway::live_call {
    alter::net::async_call call;
    responder res;
    alter::net::stream down;
    bool streaming = false;
    bool event_stream = false;
    bool may_gzip = false; // the client accepts gzip and the answer is worth it
    int status = 0;
    std::string content_type;
    std::string body;
    std::unique_ptr<gzip_stream> gz; // relayed answers being compressed
    std::string gz_out;

    // The session behind it was locked or ended: cut the response off. An event stream ends
    // cleanly (the browser's EventSource reconnects and is told 401/423); any other stream is
    // aborted so that a cut-off download never looks complete.
    void end() {
        call.cancel();
        if (streaming && event_stream) down.end();
        else if (streaming) down.abort();
        else if (res.can_answer()) send_status_error(res, 423, "locked", "the session was locked or ended");
    }
};

gateway::gateway(uv_loop_t *loop, gateway_options opts)
    : loop_(loop), opts_(std::move(opts)), store_(opts_.home), limiter_(opts_.rate_window_ms),
      upstream_(loop, alter::net::endpoint::unix_socket(opts_.socket.empty() ? opts_.home + "/alterd.sock" : opts_.socket)),
      web_info_path_(opts_.home + "/web.json") {}

gateway::~gateway() {
    if (timer_ != nullptr) uv_close(reinterpret_cast<uv_handle_t *>(timer_), [](uv_handle_t *h) { delete reinterpret_cast<uv_timer_t *>(h); });
}

void gateway::log(std::string_view line) const {
    if (opts_.log) opts_.log(line);
}

int gateway::start() {
    if (auto st = store_.load(now_ms()); !st) log("auth: " + st.err().message);
    if (auto w = store_.take_warning(); !w.empty()) log(w);
    if (store_.master_token().size() < 32) log("auth: no master token in auth.json yet (alterd writes it): bearer access is off");

    alter::net::server_options so;
    so.max_body_bytes = 8 * 1024 * 1024; // ecosystem files and specs pass through to alterd
    so.log = [this](alter::net::log_level, std::string_view m) { log(std::string("http: ") + std::string(m)); };
    server_ = std::make_unique<alter::net::server>(loop_, [this](request &req, responder res) { handle(req, std::move(res)); }, so);
    if (int rc = server_->listen_tcp(opts_.bind, opts_.port); rc < 0) return rc;
    hosts_.init(opts_.bind, server_->port(), opts_.allow_hosts);

    timer_ = new uv_timer_t;
    uv_timer_init(loop_, timer_);
    timer_->data = this;
    uv_timer_start(timer_, [](uv_timer_t *t) { static_cast<gateway *>(t->data)->housekeeping(); }, housekeeping_ms,
                   housekeeping_ms);
    write_web_info();
    std::string setup = store_.password_configured() ? "" : " (no password yet: first visit sets it; setup code in web-setup-code)";
    std::string where = wildcard_bind() ? " (bind " + opts_.bind + ": every interface)" : "";
    log("alter-web listening on " + url() + where + ", dashboard: " + std::string(embedded_assets_mode) + setup);
    return 0;
}

uint16_t gateway::port() const noexcept { return server_ ? server_->port() : 0; }

void gateway::stop(std::function<void()> done) {
    store_.flush();
    ::unlink(web_info_path_.c_str());
    if (timer_ != nullptr) uv_timer_stop(timer_);
    if (server_) server_->close(std::move(done));
    else if (done) done();
}

bool gateway::wildcard_bind() const {
    return opts_.bind.empty() || opts_.bind == "0.0.0.0" || opts_.bind == "::" || opts_.bind == "[::]";
}

std::string gateway::url() const {
    // Where this server can be reached: its bind address; for a wildcard, this machine's loopback.
    std::string host = opts_.bind;
    if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
    else if (host == "::" || host == "[::]") host = "[::1]";
    else if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
    return "http://" + host + ":" + std::to_string(port()) + "/";
}

void gateway::write_web_info() {
    std::string out;
    alter::json::writer w(out);
    w.begin_object()
        .field("url", url())
        .field("port", static_cast<int>(port()))
        .field("bind", opts_.bind)
        .field("pid", static_cast<int>(::getpid()))
        .field("assets", embedded_assets_mode)
        .end_object();
    out.push_back('\n');
    if (alter_write_file_atomic(web_info_path_.c_str(), out.data(), out.size(), 0600) < 0)
        log(std::string("cannot write ") + web_info_path_ + ": " + alter_last_error());
}

void gateway::housekeeping() {
    int64_t now = now_ms();
    for (const auto &id : store_.sweep(now)) end_streams(id);
    store_.flush();
    limiter_.prune(now);
    for (auto it = live_.begin(); it != live_.end();) {
        auto &v = it->second;
        std::erase_if(v, [](const std::weak_ptr<live_call> &p) { return p.expired(); });
        it = v.empty() ? live_.erase(it) : std::next(it);
    }
    if (auto w = store_.take_warning(); !w.empty()) log(w);
}

void gateway::end_streams(const std::string &session_id) {
    auto it = live_.find(session_id);
    if (it == live_.end()) return;
    auto calls = std::move(it->second);
    live_.erase(it);
    for (auto &weak : calls)
        if (auto c = weak.lock()) c->end();
}

gateway::who gateway::authenticate(const request &req, int64_t now) {
    who w;
    store_.refresh();
    if (req.has_header("authorization")) {
        // A wrong Authorization header is final: no fallback to the cookie.
        std::string_view v = req.header("authorization");
        if (v.size() > 7 && alter::net::iequals(v.substr(0, 7), "bearer ")) {
            std::string_view tok = v.substr(7);
            while (!tok.empty() && tok.front() == ' ') tok.remove_prefix(1);
            const std::string &master = store_.master_token();
            if (master.size() >= 32 && constant_time_equal(tok, master)) w.kind = auth_kind::master;
        }
        return w;
    }
    for (size_t i = 0; i < req.header_count(); ++i) {
        auto h = req.header_at(i);
        if (!alter::net::iequals(h.name, "cookie")) continue;
        std::string_view tok = cookie_value(h.value, "alter_session");
        if (tok.empty()) continue;
        w.cookie = true;
        if (session *s = store_.find(tok, now)) {
            w.kind = auth_kind::session;
            w.session_id = s->id;
            w.locked = s->locked;
        }
        break;
    }
    return w;
}

void gateway::handle(request &req, responder res) {
    add_security_headers(res);
    if (!hosts_.host_allowed(req.header("host")))
        return send_status_error(res, 403, "forbidden", "this Host is not served here (see alter-web --allow-host)");
    bool changing = is_state_changing(req.method());
    std::string_view origin = req.header("origin");
    if (changing && req.has_header("origin") && !hosts_.origin_allowed(origin))
        return send_status_error(res, 403, "forbidden", "cross-origin request refused");

    std::string_view path = req.path();
    if (path != "/api" && !starts_with(path, "/api/")) return serve_asset(req, std::move(res));

    // Credentials in URLs end up in logs, history and Referer headers: never accepted.
    const auto &q = req.query();
    if (q.has("token") || q.has("access_token")) return send_unauthorized(res);

    who w = authenticate(req, now_ms());
    if (changing && w.cookie && !req.has_header("origin") && req.header("sec-fetch-site") != "same-origin")
        return send_status_error(res, 403, "forbidden", "a state-changing request with a session cookie needs an Origin header");

    constexpr std::string_view auth_prefix = "/api/v1/auth/";
    if (starts_with(path, auth_prefix)) {
        std::string_view sub = path.substr(auth_prefix.size());
        while (!sub.empty() && sub.back() == '/') sub.remove_suffix(1);
        return auth_route(sub, req, std::move(res), w);
    }
    if (w.kind == auth_kind::none) return send_unauthorized(res);
    if (w.locked) return send_status_error(res, 423, "locked", "the session is locked: unlock it with the PIN or password");
    if (changing && w.kind == auth_kind::session) {
        if (session *s = store_.find_id(w.session_id)) {
            s->last_active_ms = now_ms();
            store_.touch();
        }
    }
    forward(req, std::move(res), w);
}

void gateway::forward(request &req, responder res, const who &w) {
    alter::net::client_request up;
    up.method = std::string(req.method());
    up.target = std::string(req.target());
    for (size_t i = 0; i < req.header_count(); ++i) {
        auto h = req.header_at(i);
        if (!drop_request_header(h.name)) up.headers.push_back({std::string(h.name), std::string(h.value)});
    }
    up.body = std::move(req.body());

    auto c = std::make_shared<live_call>();
    c->res = res;
    bool head = req.is_head();
    bool gzip_ok = accepts_gzip(req.header("accept-encoding"));
    alter::net::async_callbacks cbs;
    cbs.on_head = [c, head, gzip_ok](int status, const alter::net::header_list &headers) {
        c->status = status;
        const std::string *ct = alter::net::find_header(headers, "content-type");
        c->content_type = ct != nullptr ? *ct : std::string();
        for (const auto &h : headers)
            if (!drop_response_header(h.name)) c->res.header(h.name, h.value);
        const std::string *len = alter::net::find_header(headers, "content-length");
        bool event_stream = alter::net::media_type_is(c->content_type, "text/event-stream");
        size_t n = len != nullptr ? std::strtoull(len->c_str(), nullptr, 10) : 0;
        bool no_body = head || status == 204 || status == 304 || status < 200;
        // Compressed when the client takes gzip, the body is of a text type, not already
        // encoded, and (if its size is known) at least gzip_min_bytes. Never an event stream.
        bool worth = !no_body && !event_stream && compressible_type(c->content_type) &&
                     alter::net::find_header(headers, "content-encoding") == nullptr &&
                     (len == nullptr || n >= gzip_min_bytes);
        if (worth) c->res.header("Vary", "Accept-Encoding");
        c->may_gzip = worth && gzip_ok;
        if (!no_body && (event_stream || len == nullptr || n > buffer_limit)) {
            if (event_stream) c->res.header("X-Accel-Buffering", "no");
            if (c->may_gzip) {
                c->gz = std::make_unique<gzip_stream>();
                if (c->gz->ok()) c->res.header("Content-Encoding", "gzip");
                else c->gz.reset();
            }
            c->down = c->res.begin_stream(status, c->content_type);
            c->streaming = true;
            c->event_stream = event_stream;
            std::weak_ptr<live_call> weak = c;
            c->down.on_close([weak] {
                if (auto self = weak.lock()) self->call.cancel();
            });
        }
    };
    cbs.on_body = [c](std::string_view chunk) {
        if (!c->streaming) {
            c->body.append(chunk);
            return;
        }
        if (c->gz) {
            c->gz_out.clear();
            if (!c->gz->feed(chunk, c->gz_out)) {
                c->call.cancel();
                c->down.abort();
                return;
            }
            if (c->gz_out.empty()) return;
            chunk = c->gz_out;
        }
        if (!c->down.write(chunk)) c->call.cancel(); // the client left, or fell too far behind
    };
    cbs.on_end = [c](const alter::net::error *err) {
        if (c->streaming) {
            if (err == nullptr && c->gz) {
                c->gz_out.clear();
                if (!c->gz->finish(c->gz_out)) return c->down.abort();
                if (!c->gz_out.empty()) (void)c->down.write(c->gz_out);
            }
            if (err != nullptr) c->down.abort();
            else c->down.end();
            return;
        }
        if (err != nullptr) {
            if (c->status == 0) send_status_error(c->res, 502, "bad_gateway", "alterd is not reachable (is the daemon running?)");
            else send_status_error(c->res, 502, "bad_gateway", "alterd's answer was cut off");
            return;
        }
        if (c->status == 204 || c->status == 304) return c->res.send_empty(c->status);
        if (c->may_gzip && c->body.size() >= gzip_min_bytes) {
            if (auto z = gzip_bytes(c->body)) {
                c->res.header("Content-Encoding", "gzip");
                return c->res.send(c->status, std::move(*z), c->content_type);
            }
        }
        c->res.send(c->status, std::move(c->body), c->content_type);
    };
    c->call = upstream_.request(std::move(up), std::move(cbs));
    std::weak_ptr<live_call> weak = c;
    res.on_close([weak] {
        if (auto self = weak.lock()) self->call.cancel();
    });
    if (w.kind == auth_kind::session) {
        auto &v = live_[w.session_id];
        if (v.size() >= 64) std::erase_if(v, [](const std::weak_ptr<live_call> &p) { return p.expired(); });
        v.push_back(c);
    }
}

} // namespace alter_web
