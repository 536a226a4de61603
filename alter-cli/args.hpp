// SPDX-License-Identifier: MIT
// Hand-written argv parsing: per-command option tables (constexpr, no static initialisers),
// "--opt value", "--opt=value", "-x value", "--" ending options, and did-you-mean suggestions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace alter::cli {

/// Exit codes (docs/CLI.md).
enum exit_code : int { exit_ok = 0, exit_error = 1, exit_usage = 2, exit_not_running = 3 };

enum class arity : uint8_t { none, value, optional };

struct option {
    std::string_view name; // "--name"
    char short_name;       // 'e' for -e, or 0
    arity kind;
};

struct parsed_args {
    struct item {
        size_t opt;        // index in the option table
        std::string value; // empty for flags
        bool has_value = false;
    };
    std::vector<item> opts;
    std::vector<std::string> positionals;
    std::vector<std::string> rest; // after "--"
    bool dashdash = false;

    [[nodiscard]] bool has(size_t opt) const noexcept;
    /// The last value given for `opt`, or nullptr.
    [[nodiscard]] const std::string *value(size_t opt) const noexcept;
    [[nodiscard]] std::vector<std::string> values(size_t opt) const;
};

/// For arity::optional options given as "--opt NEXT": true if NEXT is the option's value.
using optional_fn = bool (*)(const option &opt, std::string_view next, const parsed_args &so_far);

/// Parse `args` for command `cmd` ("start", "daemon start"). Unknown options and missing values
/// print a usage error (with a did-you-mean) and return false: the caller exits with 2.
/// `max_positionals` (SIZE_MAX: any) bounds the positionals. Arguments after "--" go to `rest`
/// when any number is allowed; otherwise they are positionals too, bounded the same way.
[[nodiscard]] bool parse_args(std::string_view cmd, std::span<const std::string> args,
                              std::span<const option> opts, parsed_args &out,
                              size_t max_positionals = SIZE_MAX, optional_fn optional = nullptr);

/// Print "alter CMD: MESSAGE" and the --help pointer to stderr; returns exit_usage.
int usage_error(std::string_view cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/// The closest candidate to `word` (edit distance small enough to be a typo), or empty.
[[nodiscard]] std::string_view did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

/// Parse a base-10 integer in [min, max]; false if malformed or out of range.
[[nodiscard]] bool parse_int(std::string_view s, int64_t min, int64_t max, int64_t &out) noexcept;

/// Parse an option's integer value or report a usage error ("--instances: expected a number from
/// 1 to 1024 (got 'x')"). Returns false on error (the caller returns exit_usage).
[[nodiscard]] bool option_int(std::string_view cmd, std::string_view opt, const std::string &text, int64_t min,
                              int64_t max, int64_t &out);

} // namespace alter::cli
