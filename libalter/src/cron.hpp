// SPDX-License-Identifier: MIT
// The cron engine: parse a cron expression once, then ask for the next fire time after an
// instant. Pure logic: no I/O and no clock of its own (the caller passes "now"); the only outside
// state it reads is the process's time zone (TZ, through localtime_r). docs/CRON.md is the user
// reference (syntax, day rule, DST rule, error messages); keep the two in step.
//
// Thread-compatible: no globals besides constant tables. cron_next() calls localtime_r(), which
// uses the zone loaded by the last tzset() (or the first localtime call); a caller that changes
// TZ at run time calls tzset() before the next cron_next().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace alter::detail {

/// A parsed expression: one bitset per field. Small (32 bytes), copyable, comparable.
struct cron_schedule {
    uint64_t seconds = 0;  // bit n: second n (0-59); only bit 0 for a 5-field expression
    uint64_t minutes = 0;  // bit n: minute n (0-59)
    uint32_t hours = 0;    // bit n: hour n (0-23)
    uint32_t days = 0;     // bit n: day of month n (1-31)
    uint16_t months = 0;   // bit n: month n (1-12)
    uint8_t weekdays = 0;  // bit n: weekday n (0 = Sunday ... 6 = Saturday; 7 is folded into 0)
    bool dom_star = false; // day-of-month field started with '*' or '?' (Vixie "unrestricted")
    bool dow_star = false; // day-of-week field started with '*' or '?'
    bool has_seconds = false; // written with 6 fields (leading seconds)
    bool reboot = false;      // @reboot: no fire time, the runtime runs it once at start

    friend bool operator==(const cron_schedule &, const cron_schedule &) = default;
};

/// The longest expression cron_parse() accepts.
inline constexpr size_t cron_max_length = 1024;

/// How far cron_next() looks ahead before it gives up and returns -1 (about five years).
inline constexpr int64_t cron_horizon_days = 5 * 366;

/// Parse a cron expression:
///   "min hour dom month dow"            (5 fields; second 0)
///   "sec min hour dom month dow"        (6 fields)
///   "@yearly" "@annually" "@monthly" "@weekly" "@daily" "@midnight" "@hourly" "@reboot"
/// Fields are separated by blanks (space, tab, newline). Each field: lists "1,2,5", ranges "1-5", steps "*/15" "10-50/10" "5/15" (= 5-max/15), names
/// JAN-DEC and SUN-SAT (any case, also inside ranges and lists), Sunday as 0 or 7, '?' = '*' in
/// day-of-month and day-of-week. Day rule (Vixie cron): if both day fields are restricted, a day
/// matches when EITHER matches; a day field whose text starts with '*' (or '?') counts as
/// unrestricted and then both must match (so "*/2" in day-of-month ANDs with day-of-week).
///
/// Errors: ALTER_EPARSE; message names the field (number in the text and name), quotes the
/// offending text and says why, e.g. `cron: field 2 (hour) "25": value out of range 0-23`;
/// error.column is the 1-based position of the offending token in `expr`.
result<cron_schedule> cron_parse(std::string_view expr);

/// The next fire time strictly after `after_ms` (unix ms), as unix ms (always a whole second), in
/// the process's local time zone. -1 for @reboot, when nothing matches within cron_horizon_days
/// (e.g. "0 0 30 2 *"), or when after_ms is outside years 1900-9990. Cost: a few microseconds; it
/// jumps field by field (month, day, hour, minute, second), never minute by minute.
///
/// Daylight-saving rule. A schedule whose hour field covers all 24 hours ("*", "*/1", "0-23")
/// follows elapsed time: it fires at every instant whose local wall-clock time matches, so in a
/// fall-back overlap it fires in both passes, and in a spring-forward gap there is simply nothing
/// to fire. Any other schedule is a wall-clock ("fixed-time") schedule and fires once per matching
/// wall-clock time:
///   - a time that occurs twice (fall-back overlap) fires at its first occurrence only;
///   - a time that does not exist (spring-forward gap) fires at the first instant after the gap
///     (02:30 on a day the clocks jump 02:00 -> 03:00 fires at 03:00), once even if several
///     matching times fall in the gap.
/// Assumes the zone changes its UTC offset at most once in any ~2-day window (true of every real
/// zone).
int64_t cron_next(const cron_schedule &s, int64_t after_ms);

/// The fire time to arm after the tick `fired_ms` (0: none) fired at `now_ms`: cron_next() from
/// the later of the two, so a timer that fires a few ms early (now < fired) never gives back the
/// tick that just fired.
int64_t cron_next_fire(const cron_schedule &s, int64_t now_ms, int64_t fired_ms);

/// True for @reboot.
bool cron_is_reboot(const cron_schedule &s) noexcept;

/// A normalised form for display: numbers, ranges and steps, e.g. "0 9 * * 1-5" for
/// "0 9 * * mon-fri", "@reboot" for @reboot; 6 fields iff the expression had seconds. Parsing the
/// result gives back an equal cron_schedule.
std::string cron_describe(const cron_schedule &s);

} // namespace alter::detail
