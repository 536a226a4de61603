// SPDX-License-Identifier: MIT
// Helpers shared by the route handlers: library errors to HTTP errors, library JSON passed
// through, query parameters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "alter/alter.h"
#include "alter_net/server.hpp"

namespace alterd {

/// Answer with the error of the last failed libalter call (`code` is its return value):
/// ENOTFOUND 404, ESPEC/ECYCLE 422, EPARSE 400 or 422, EEXIST/ESTATE/EBUSY 409, EINVAL 400,
/// ECLOSED 503, others 500. The body carries the library's message, field, line and hint.
void send_lib_error(alter::net::responder &res, int code, bool parse_is_invalid = false);

/// Answer 200 with a JSON string the library returned (then freed), or the error.
void send_lib_json(alter::net::responder &res, int rc, char *json, int status = 200);

/// A non-negative integer query parameter; nullopt if absent; `bad` set if malformed.
std::optional<uint64_t> query_uint(const alter::net::request &req, std::string_view key, bool &bad);

/// {"ok":true,"affected":N}
std::string affected_json(int n);

} // namespace alterd
