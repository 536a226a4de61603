// SPDX-License-Identifier: MIT
// Reading JSON request bodies (simdjson DOM, kept out of this header) with small typed
// accessors that report wrong types clearly, and the Content-Type check for API routes.
// Writing JSON: "json_writer.hpp" (alter::json::writer) from alter_common_dep.
//
//   auto body = read_json_body(req, res);           // answers 415 / 400 itself
//   if (!body) return;
//   auto enabled = body->get_bool("enabled");
//   if (!enabled) return res.send_error("invalid", enabled.err());   // 422 with "field"
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alter_net/http.hpp"

namespace alter::net {

class request;
class responder;

/// A parsed JSON object (owns its document). Keys are member names, or JSON pointers when they
/// start with '/' ("/env/PATH"). Accessor errors: code -ENOENT (missing) or -EINVAL (wrong
/// type), `field` = the key, a message such as "field 'enabled' must be a boolean".
class json_object {
public:
    json_object();
    ~json_object();
    json_object(json_object &&) noexcept;
    json_object &operator=(json_object &&) noexcept;

    /// Parse `text`; the root must be an object. Errors: -EBADMSG "invalid JSON: ..." or
    /// -EINVAL "expected a JSON object".
    [[nodiscard]] static result<json_object> parse(std::string_view text);

    [[nodiscard]] bool has(std::string_view key) const;
    [[nodiscard]] bool is_null(std::string_view key) const;

    [[nodiscard]] result<bool> get_bool(std::string_view key) const;
    [[nodiscard]] result<std::string> get_string(std::string_view key) const;
    [[nodiscard]] result<int64_t> get_int(std::string_view key) const;
    [[nodiscard]] result<double> get_number(std::string_view key) const;
    [[nodiscard]] result<std::vector<std::string>> get_string_array(std::string_view key) const;
    /// Missing or null: `fallback`; present with the wrong type: an error.
    [[nodiscard]] result<bool> get_bool_or(std::string_view key, bool fallback) const;
    [[nodiscard]] result<std::string> get_string_or(std::string_view key,
                                                    std::string_view fallback) const;
    [[nodiscard]] result<int64_t> get_int_or(std::string_view key, int64_t fallback) const;
    /// Any member re-serialised (minified), e.g. a nested spec to hand to another parser.
    [[nodiscard]] result<std::string> get_raw(std::string_view key) const;
    /// The elements of the array at `key`, each minified (e.g. to iterate {"processes":[...]}).
    [[nodiscard]] result<std::vector<std::string>> get_raw_array(std::string_view key) const;
    /// Call `fn` with each object in the array at `key` (other elements are skipped), without
    /// copying them: the json_object passed is valid only during the call. Errors as get_raw_array.
    [[nodiscard]] status for_each_object(std::string_view key,
                                         const std::function<void(const json_object &)> &fn) const;
    /// The whole object, minified.
    [[nodiscard]] std::string raw() const;
    /// Top-level member names in document order.
    [[nodiscard]] std::vector<std::string> keys() const;
    /// -EINVAL for the first top-level member not in `known`, with a "did you mean" hint.
    [[nodiscard]] status check_keys(std::initializer_list<std::string_view> known) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// True if `req` has no body or its Content-Type is application/json (any parameters).
[[nodiscard]] bool is_json_request(const request &req) noexcept;

/// For POST/PATCH/PUT routes: true if is_json_request(req); otherwise answers 415
/// unsupported_media_type and returns false.
bool require_json(const request &req, responder &res);

/// require_json + parse. An empty body is {}. On failure answers (415, 400 invalid_json, or
/// 400 bad_request if the root is not an object) and returns nullopt.
[[nodiscard]] std::optional<json_object> read_json_body(const request &req, responder &res);

} // namespace alter::net
