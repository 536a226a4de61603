// SPDX-License-Identifier: MIT
// Where a client connects: a unix socket path or a TCP host:port (numeric or "localhost").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "alter_net/http.hpp"

namespace alter::net {

struct endpoint {
    transport kind = transport::unix_socket;
    std::string path; // unix socket
    std::string host; // tcp: "127.0.0.1", "::1", "localhost"
    uint16_t port = 0;

    [[nodiscard]] static endpoint unix_socket(std::string path);
    [[nodiscard]] static endpoint tcp(std::string host, uint16_t port);
    /// "unix:/run/a.sock", "/run/a.sock", "./a.sock", "http://127.0.0.1:2999",
    /// "127.0.0.1:2999", "[::1]:2999", "localhost:2999" (a path after the port is ignored).
    /// -EINVAL for anything else (https is not supported).
    [[nodiscard]] static result<endpoint> parse(std::string_view text);
    /// The Host header value: "localhost" for unix sockets, "host:port" ("[::1]:port") for TCP.
    [[nodiscard]] std::string host_header() const;
    /// For messages: the path or "host:port".
    [[nodiscard]] std::string describe() const;
};

} // namespace alter::net
