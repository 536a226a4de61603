// SPDX-License-Identifier: MIT
#include "security.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>

namespace alter_web {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool has_port(std::string_view host) {
    if (!host.empty() && host.front() == '[') return host.find("]:") != std::string_view::npos;
    return host.find(':') != std::string_view::npos;
}

} // namespace

void host_policy::init(std::string_view bind, uint16_t port, const std::vector<std::string> &extra) {
    hosts_.clear();
    port_ = port;
    std::string p = ":" + std::to_string(port);
    add("127.0.0.1" + p);
    add("localhost" + p);
    add("[::1]" + p);
    if (!bind.empty() && bind != "0.0.0.0" && bind != "::" && bind != "[::]") {
        std::string b(bind);
        if (b.find(':') != std::string::npos && b.front() != '[') b = "[" + b + "]";
        add(b + p);
    }
    for (const auto &h : extra) {
        if (h.empty()) continue;
        std::string x = h;
        if (x.find(':') != std::string::npos && x.front() != '[' && std::count(x.begin(), x.end(), ':') > 1)
            x = "[" + x + "]"; // a bare IPv6 address
        add(has_port(x) ? x : x + p);
    }
}

void host_policy::add(std::string host) {
    host = lower(host);
    if (std::find(hosts_.begin(), hosts_.end(), host) == hosts_.end()) hosts_.push_back(std::move(host));
}

bool host_policy::host_allowed(std::string_view host) const {
    if (host.empty() || host.size() > 255) return false;
    std::string h = lower(host);
    if (!has_port(h)) {
        if (port_ != 80) return false;
        h += ":80";
    }
    return std::find(hosts_.begin(), hosts_.end(), h) != hosts_.end();
}

bool host_policy::origin_allowed(std::string_view origin) const {
    constexpr std::string_view scheme = "http://";
    if (origin.size() <= scheme.size() || lower(origin.substr(0, scheme.size())) != scheme) return false;
    std::string_view rest = origin.substr(scheme.size());
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    if (rest.find('/') != std::string_view::npos) return false;
    return host_allowed(rest);
}

void add_security_headers(alter::net::responder &res) {
    res.header("Content-Security-Policy",
               "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
               "form-action 'self'; frame-ancestors 'none'")
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header("X-Frame-Options", "DENY")
        .header("Cross-Origin-Opener-Policy", "same-origin")
        .header("Cross-Origin-Resource-Policy", "same-origin")
        .header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
}

std::string client_key(const alter::net::peer_info &peer) {
    const std::string &a = peer.address;
    if (a.rfind("::ffff:", 0) == 0 && a.find('.') != std::string::npos) return a.substr(7);
    in6_addr v6{};
    if (a.find(':') != std::string::npos && ::inet_pton(AF_INET6, a.c_str(), &v6) == 1) {
        for (int i = 8; i < 16; ++i) v6.s6_addr[i] = 0;
        char buf[INET6_ADDRSTRLEN];
        if (::inet_ntop(AF_INET6, &v6, buf, sizeof buf) != nullptr) return std::string(buf) + "/64";
    }
    return a.empty() ? "unknown" : a;
}

namespace {

std::string_view trim_ws(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The last comma-separated item of a header value.
std::string_view last_item(std::string_view v) {
    size_t comma = v.rfind(',');
    return trim_ws(comma == std::string_view::npos ? v : v.substr(comma + 1));
}

// "192.0.2.1", "192.0.2.1:4711", "[2001:db8::1]:4711", "\"[2001:db8::1]\"" -> the address.
std::string bare_address(std::string_view a) {
    if (a.size() >= 2 && a.front() == '"' && a.back() == '"') a = a.substr(1, a.size() - 2);
    if (!a.empty() && a.front() == '[') {
        size_t close = a.find(']');
        return std::string(close == std::string_view::npos ? a.substr(1) : a.substr(1, close - 1));
    }
    if (std::count(a.begin(), a.end(), ':') == 1) a = a.substr(0, a.find(':')); // v4:port
    return std::string(a);
}

} // namespace

std::string client_key(const alter::net::request &req) {
    if (!req.peer().loopback || !is_proxied(req)) return client_key(req.peer());
    std::string addr;
    if (req.has_header("x-real-ip")) addr = bare_address(trim_ws(req.header("x-real-ip")));
    else if (req.has_header("x-forwarded-for")) addr = bare_address(last_item(req.header("x-forwarded-for")));
    else {
        // Forwarded: for=192.0.2.60;proto=http, for="[2001:db8::1]"
        std::string_view last = last_item(req.header("forwarded"));
        while (!last.empty()) {
            size_t semi = last.find(';');
            std::string_view pair = trim_ws(last.substr(0, semi));
            if (pair.size() > 4 && (pair.substr(0, 4) == "for=" || pair.substr(0, 4) == "For=" || pair.substr(0, 4) == "FOR=")) {
                addr = bare_address(pair.substr(4));
                break;
            }
            if (semi == std::string_view::npos) break;
            last.remove_prefix(semi + 1);
        }
    }
    if (addr.empty() || addr.size() > 64) return "proxy:" + client_key(req.peer());
    alter::net::peer_info p;
    p.address = addr;
    return "fwd:" + client_key(p);
}

bool is_proxied(const alter::net::request &req) noexcept {
    return req.has_header("forwarded") || req.has_header("x-forwarded-for") || req.has_header("x-real-ip");
}

bool is_state_changing(std::string_view m) noexcept {
    return m != "GET" && m != "HEAD" && m != "OPTIONS";
}

} // namespace alter_web
