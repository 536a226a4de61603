// SPDX-License-Identifier: MIT
// Percent-encoding and query strings (RFC 3986 / application/x-www-form-urlencoded).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace alter::net {

/// Append the percent-decoded `in` to `out`. With `plus_as_space` (query strings) '+' becomes a
/// space. Returns false if an escape is malformed ("%4", "%zz"); such bytes are kept literally.
bool percent_decode(std::string_view in, std::string &out, bool plus_as_space = false);

/// Percent-encode everything except RFC 3986 unreserved characters (and '/' if keep_slash):
/// for building targets from app names in the clients.
[[nodiscard]] std::string percent_encode(std::string_view in, bool keep_slash = false);

/// A request-target split at the first '?' (a '#' fragment is dropped).
struct target_parts {
    std::string_view path;
    std::string_view query;
};
[[nodiscard]] target_parts split_target(std::string_view target) noexcept;

/// Decoded query parameters in order; repeated keys are kept. "a=1&b&c=x+y%21" gives
/// a="1", b="", c="x y!".
class query_params {
public:
    query_params() = default;
    [[nodiscard]] static query_params parse(std::string_view query);

    /// First value of `key`, or nullopt.
    [[nodiscard]] std::optional<std::string_view> get(std::string_view key) const noexcept;
    [[nodiscard]] bool has(std::string_view key) const noexcept { return get(key).has_value(); }
    /// Every value of `key`, in order.
    [[nodiscard]] std::vector<std::string_view> all(std::string_view key) const;
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>> &items() const noexcept {
        return items_;
    }
    [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
    void clear() noexcept { items_.clear(); }

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

} // namespace alter::net
