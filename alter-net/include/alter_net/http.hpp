// SPDX-License-Identifier: MIT
// Vocabulary shared by every alter-net module: result/error types, headers, status phrases and
// the optional log callback. The library never prints; it reports through log_fn.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace alter::net {

/// I/O errors carry a negative errno (libuv codes are -errno on Linux) and a message; JSON
/// accessor errors also fill `field` / `hint`. Never thrown: returned in result<T>.
using error = alter::detail::error;
template <class T> using result = alter::detail::result<T>;
using status = alter::detail::status;

enum class transport : uint8_t { unix_socket, tcp };

enum class log_level : uint8_t { debug, info, warn, error };
/// Optional sink for the library's diagnostics (loop thread for the server and async client).
using log_fn = std::function<void(log_level, std::string_view)>;

/// An owned header (client requests/responses, extra response headers).
struct header {
    std::string name;
    std::string value;
};
using header_list = std::vector<header>;

/// A borrowed header of a server request; valid as long as the request.
struct header_view {
    std::string_view name;
    std::string_view value;
};

/// ASCII case-insensitive comparison (header names, media types).
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

/// First header named `name` (case-insensitive), or nullptr.
[[nodiscard]] const std::string *find_header(const header_list &headers,
                                             std::string_view name) noexcept;

/// "OK", "Not Found", ...; "Unknown" for codes it does not know.
[[nodiscard]] std::string_view reason_phrase(int status) noexcept;

/// True if the media type of a Content-Type value (parameters ignored, case-insensitive) is
/// `type`: media_type_is("Application/JSON; charset=utf-8", "application/json").
[[nodiscard]] bool media_type_is(std::string_view content_type, std::string_view type) noexcept;

/// True if a header name or value may be sent as is (no CR, LF or NUL: no header injection).
[[nodiscard]] bool header_text_ok(std::string_view s) noexcept;

/// Message for a negative errno / libuv code ("connection refused").
[[nodiscard]] std::string error_text(int code);

} // namespace alter::net
