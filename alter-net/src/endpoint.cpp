// SPDX-License-Identifier: MIT
#include "alter_net/endpoint.hpp"

#include <cerrno>
#include <charconv>

namespace alter::net {

endpoint endpoint::unix_socket(std::string path) {
    endpoint e;
    e.kind = transport::unix_socket;
    e.path = std::move(path);
    return e;
}

endpoint endpoint::tcp(std::string host, uint16_t port) {
    endpoint e;
    e.kind = transport::tcp;
    e.host = std::move(host);
    e.port = port;
    return e;
}

result<endpoint> endpoint::parse(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return error(-EINVAL, "invalid address '" + std::string(text) + "': " + std::string(why));
    };
    std::string_view t = text;
    if (t.substr(0, 5) == "unix:") {
        t.remove_prefix(5);
        if (t.empty()) return bad("empty socket path");
        return unix_socket(std::string(t));
    }
    if (!t.empty() && (t.front() == '/' || t.front() == '.')) return unix_socket(std::string(t));
    if (t.substr(0, 8) == "https://") return bad("https is not supported");
    if (t.substr(0, 7) == "http://") t.remove_prefix(7);
    t = t.substr(0, t.find('/'));
    std::string_view host, port;
    if (!t.empty() && t.front() == '[') {
        auto close = t.find(']');
        if (close == std::string_view::npos) return bad("missing ']'");
        host = t.substr(1, close - 1);
        t.remove_prefix(close + 1);
        if (t.empty() || t.front() != ':') return bad("missing port");
        port = t.substr(1);
    } else {
        auto colon = t.rfind(':');
        if (colon == std::string_view::npos) return bad("missing port");
        host = t.substr(0, colon);
        port = t.substr(colon + 1);
    }
    unsigned p = 0;
    auto r = std::from_chars(port.data(), port.data() + port.size(), p);
    if (host.empty() || port.empty() || r.ec != std::errc() || r.ptr != port.data() + port.size() ||
        p == 0 || p > 65535)
        return bad("expected host:port");
    return tcp(std::string(host), static_cast<uint16_t>(p));
}

std::string endpoint::host_header() const {
    if (kind == transport::unix_socket) return "localhost";
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return h + ":" + std::to_string(port);
}

std::string endpoint::describe() const {
    return kind == transport::unix_socket ? path : host_header();
}

} // namespace alter::net
