// SPDX-License-Identifier: MIT
// A small JSON reader for the CLI's human output (tables, describe). The CLI keeps its own
// instead of alter-net's simdjson-backed json_object so that `alter` loads no C++ shared library
// at start-up (see docs/CLI.md, "Start-up cost"); the --json paths never parse at all.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace alter::cli {

/// One JSON value. Objects keep their members in document order; numbers keep their text.
struct jvalue {
    enum class kind : uint8_t { null, boolean, number, string, array, object };
    kind k = kind::null;
    bool b = false;
    double n = 0;
    std::string s; // string value, or the number as written
    std::vector<jvalue> items;
    std::vector<std::pair<std::string, jvalue>> members;

    [[nodiscard]] bool is_null() const noexcept { return k == kind::null; }
    [[nodiscard]] bool is_object() const noexcept { return k == kind::object; }
    [[nodiscard]] bool is_array() const noexcept { return k == kind::array; }
    [[nodiscard]] bool is_string() const noexcept { return k == kind::string; }
    [[nodiscard]] bool is_number() const noexcept { return k == kind::number; }

    /// The member `key` of an object, or nullptr.
    [[nodiscard]] const jvalue *get(std::string_view key) const noexcept;
    /// Typed member access with a fallback for missing / null / wrong-typed members.
    [[nodiscard]] std::string_view str(std::string_view key, std::string_view fallback = {}) const noexcept;
    [[nodiscard]] int64_t num(std::string_view key, int64_t fallback = 0) const noexcept;
    [[nodiscard]] double real(std::string_view key, double fallback = 0) const noexcept;
    [[nodiscard]] bool flag(std::string_view key, bool fallback = false) const noexcept;
    /// The members of an array member (empty if missing).
    [[nodiscard]] const std::vector<jvalue> &list(std::string_view key) const noexcept;
};

/// Parse `text` into `out`. On failure returns false and sets `err` ("... at offset N").
/// Nesting is limited to 64 levels.
[[nodiscard]] bool json_parse(std::string_view text, jvalue &out, std::string &err);

/// Append `v` as compact JSON.
void json_append(std::string &out, const jvalue &v);

} // namespace alter::cli
