// SPDX-License-Identifier: MIT
// Request checks that do not depend on who is asking: the Host allow-list (DNS rebinding), the
// Origin check of state-changing requests (CSRF), the response headers every answer carries,
// and the key a client is rate-limited by.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "alter_net/server.hpp"

namespace alter_web {

/// Hosts a request may name: 127.0.0.1:PORT, localhost:PORT, [::1]:PORT, the bind address
/// (unless it is a wildcard) and every --allow-host (NAME means NAME:PORT; NAME:P is exact).
/// Without a port the name is accepted only when PORT is 80. Case-insensitive.
class host_policy {
public:
    void init(std::string_view bind, uint16_t port, const std::vector<std::string> &extra);
    [[nodiscard]] bool host_allowed(std::string_view host) const;
    /// "http://" + an allowed host. "null" and anything else are refused.
    [[nodiscard]] bool origin_allowed(std::string_view origin) const;
    [[nodiscard]] const std::vector<std::string> &hosts() const noexcept { return hosts_; }

private:
    void add(std::string host);
    std::vector<std::string> hosts_; // lower case, with port
    uint16_t port_ = 0;
};

/// Content-Security-Policy (no inline scripts or styles), nosniff, no referrer, no framing,
/// same-origin opener and resource policies. Added to every response.
void add_security_headers(alter::net::responder &res);

/// The rate-limit key of a client: its IPv4 address, or the /64 of an IPv6 address (one host
/// usually owns a whole /64).
[[nodiscard]] std::string client_key(const alter::net::peer_info &peer);
/// The same for a request: behind a proxy on this machine (a loopback peer that sent
/// X-Real-IP, X-Forwarded-For or Forwarded), the address the proxy reports (X-Real-IP, else the
/// last X-Forwarded-For entry, else the last Forwarded `for=`: the ones the proxy itself
/// wrote); otherwise the peer's address. Forwarding headers from any other peer are ignored.
[[nodiscard]] std::string client_key(const alter::net::request &req);

/// True if the request came through a proxy on this machine (Forwarded, X-Forwarded-For,
/// X-Real-IP): then "from loopback" proves nothing about the person behind it.
[[nodiscard]] bool is_proxied(const alter::net::request &req) noexcept;

/// True for POST, PUT, PATCH and DELETE (anything but GET, HEAD, OPTIONS).
[[nodiscard]] bool is_state_changing(std::string_view method) noexcept;

} // namespace alter_web
