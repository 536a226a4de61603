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

bool is_proxied(const alter::net::request &req) noexcept {
    return req.has_header("forwarded") || req.has_header("x-forwarded-for") || req.has_header("x-real-ip");
}

bool is_state_changing(std::string_view m) noexcept {
    return m != "GET" && m != "HEAD" && m != "OPTIONS";
}

} // namespace alter_web
