// SPDX-License-Identifier: MIT
// Terminal output: colour decisions, styled text, human units, times, and aligned tables.
// Everything is appended to std::string buffers and written with one fwrite (no iostreams).
#pragma once

#include <cstdarg>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace alter::cli {

/// SGR styles. Empty when colour is off.
enum class style : uint8_t { none, bold, dim, red, green, yellow, blue, cyan, gray, bold_red };

/// Colour is used on a terminal only: never with --no-color, a non-empty NO_COLOR, TERM=dumb,
/// or when the stream is not a tty.
[[nodiscard]] bool want_color(int fd, bool no_color_flag) noexcept;

/// Append printf-formatted text.
void appendf(std::string &out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vappendf(std::string &out, const char *fmt, va_list ap);

/// Append `text` in `s` (the escape codes only if `color`).
void styled(std::string &out, bool color, style s, std::string_view text);

/// Write the whole buffer to stdout / stderr.
void write_out(std::string_view text);
void write_err(std::string_view text);

/// Columns a UTF-8 string takes (code points; no wide-character tables, names are ASCII).
[[nodiscard]] size_t display_width(std::string_view s) noexcept;

/// "12s", "12m", "3h", "4d".
[[nodiscard]] std::string human_duration(int64_t ms);
/// Two units: "45s", "2m 30s", "9h 15m", "3d 4h".
[[nodiscard]] std::string human_span(int64_t ms);
/// "812 B", "45.2 MB", "1.5 GB" (1024-based).
[[nodiscard]] std::string human_bytes(uint64_t bytes);
/// Unix ms as local "YYYY-MM-DD HH:MM:SS" (with_date) or "HH:MM:SS".
[[nodiscard]] std::string local_time(int64_t ms, bool with_date = true);
/// Unix ms as ISO 8601 local time with offset: "2026-11-21T13:15:00+01:00".
[[nodiscard]] std::string iso_time(int64_t ms);
/// Current unix time in ms.
[[nodiscard]] int64_t now_ms() noexcept;
/// Sleep `ms` milliseconds (a signal does not cut it short).
void sleep_ms(int64_t ms) noexcept;

/// The style of an instance status in tables (running green, errored red, ...).
[[nodiscard]] style status_style(std::string_view status) noexcept;

/// A text table: header row plus rows of cells, each cell with its own style. Columns are
/// left-aligned and padded to the widest cell; `right` marks right-aligned columns.
class table {
public:
    struct cell {
        std::string text;
        style s = style::none;
    };
    explicit table(std::vector<std::string> headers, std::vector<bool> right = {});
    void add(std::vector<cell> row);
    [[nodiscard]] bool empty() const noexcept { return rows_.empty(); }
    void render(std::string &out, bool color) const;

private:
    std::vector<std::string> headers_;
    std::vector<bool> right_;
    std::vector<std::vector<cell>> rows_;
};

/// `message` without a trailing " (HINT)" when the hint is printed on its own line.
[[nodiscard]] std::string strip_hint(std::string message, std::string_view hint);

/// Quote a word for a shell-like display of a command line ('a b' -> "'a b'").
[[nodiscard]] std::string shell_quote(std::string_view word);

} // namespace alter::cli
