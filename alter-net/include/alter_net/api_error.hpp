// SPDX-License-Identifier: MIT
// API error bodies: {"error":{"code":"not_found","message":"...", "field":..., "hint":...,
// "line":..., "column":...}} and the status each code name maps to.
#pragma once

#include <string>
#include <string_view>

#include "alter_net/http.hpp"

namespace alter::net {

/// bad_request 400, invalid_json 400, unauthorized 401, forbidden 403, not_found 404,
/// method_not_allowed 405, request_timeout 408, conflict 409, payload_too_large 413,
/// unsupported_media_type 415, invalid 422 (validation), too_many_requests 429,
/// headers_too_large 431, internal 500, bad_gateway 502, unavailable 503, gateway_timeout 504.
/// Unknown codes: 500.
[[nodiscard]] int status_for_code(std::string_view code) noexcept;

/// The reverse ("not_found" for 404); "internal" for statuses it does not know.
[[nodiscard]] std::string_view code_for_status(int status) noexcept;

/// The error body with code and message.
[[nodiscard]] std::string error_body(std::string_view code, std::string_view message);

/// The error body with `detail`'s message and, when set, its field, file, hint, line, column.
[[nodiscard]] std::string error_body(std::string_view code, const error &detail);

} // namespace alter::net
