// SPDX-License-Identifier: MIT
// Helpers shared by the route handlers: library errors to HTTP errors, library JSON passed
// through, path and query parameters, body field checks. Loop thread only.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "alter/alter.h"
#include "alter_net/json.hpp"
#include "alter_net/server.hpp"

namespace alterd {

/// What a failed libalter call was about, which decides the status of some codes.
enum class lib_input {
    target, ///< an app named in the path: ENOENT is 404
    body,   ///< text the client sent (an ecosystem file, a cron expression): parse errors,
            ///< missing or unreadable files and limits are 422 invalid
};

/// Answer with the error of the last failed libalter call (`code` is its return value):
/// ENOTFOUND 404, ESPEC/ECYCLE/ELIMIT 422, EPARSE 400 (422 for body input), EEXIST/ESTATE/EBUSY
/// 409, EINVAL/ERANGE 400, EPERM/EACCES 403, ECLOSED 503, others 500. The body carries the
/// library's message, field, line, column and hint.
void send_lib_error(alter::net::responder &res, int code, lib_input about = lib_input::target);

/// Answer with a JSON string the library returned (then freed), or the error if rc < 0.
void send_lib_json(alter::net::responder &res, int rc, char *json, int status = 200);

/// A library string (freed here) as std::string; "" for NULL.
std::string take_lib_string(char *s);

/// read_json_body (415, 400 invalid_json, 400 bad_request for a non-object) that also refuses a
/// top-level member given twice (422 invalid): the library would take the last one, the
/// accessors here the first.
std::optional<alter::net::json_object> read_body(const alter::net::request &req, alter::net::responder &res);

/// A {name} path parameter must name an app or an instance, or be "all" where `allow_multi`.
/// The library's "ns:NAME" form (and "all" elsewhere) gets 404: namespaces have their own
/// routes, and a GET of "all" would show one app's spec over every instance. So does a name
/// with a NUL byte (the C ABI would see only the part before it).
bool check_name(alter::net::responder &res, std::string_view name, bool allow_multi);

/// The body's top-level members must be among `known`; otherwise 422 invalid with the field
/// and a hint (the closest known name, else the list). Returns false once it answered.
bool check_fields(const alter::net::json_object &body, std::initializer_list<std::string_view> known,
                  alter::net::responder &res);

/// A non-negative integer query parameter; nullopt if absent; `bad` set if malformed.
std::optional<uint64_t> query_uint(const alter::net::request &req, std::string_view key, bool &bad);

/// A boolean query parameter (1/0, true/false, yes/no); `fallback` if absent; `bad` if malformed.
bool query_bool(const alter::net::request &req, std::string_view key, bool fallback, bool &bad);

/// {"ok":true,"affected":N}
std::string affected_json(int n);

/// Apps and instances the supervisor has (for health and metrics).
struct app_counts {
    int apps = 0;
    int instances = 0;
    int running = 0;
};
app_counts count_apps(alter_context_t *ctx);

/// Unix time in ms.
int64_t now_ms();

} // namespace alterd
