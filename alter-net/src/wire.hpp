// SPDX-License-Identifier: MIT
// Small formatting helpers shared by the server (response heads) and the clients (requests).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "alter_net/http.hpp"

namespace alter::net::detail {

inline void append_uint(std::string &out, uint64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<size_t>(r.ptr - buf));
}

inline void append_hex(std::string &out, uint64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v, 16);
    out.append(buf, static_cast<size_t>(r.ptr - buf));
}

inline void append_header(std::string &out, std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
}

} // namespace alter::net::detail
