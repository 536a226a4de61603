// SPDX-License-Identifier: MIT
// Tests of the cron engine (libalter/src/cron.cpp): fire-time tables in UTC and in DST zones
// (POSIX TZ strings, so no tzdata is needed), error tables, and a randomized cross-check against
// a brute-force minute-stepping reference written here from the rules in docs/CRON.md.
#include "cron.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "alter/alter.h"

using namespace alter::detail;

namespace {

constexpr const char *k_utc = "UTC0";
constexpr const char *k_new_york = "EST5EDT,M3.2.0,M11.1.0";
constexpr const char *k_paris = "CET-1CEST,M3.5.0,M10.5.0/3";
constexpr const char *k_lord_howe = "LHST-10:30LHDT-11,M10.1.0,M4.1.0"; // 30-minute DST shift
constexpr const char *k_sao_paulo = "BRT3BRST,M10.3.0/0,M2.3.0/0";     // changes at midnight

struct tz_scope {
    explicit tz_scope(const char *tz) { set(tz); }
    ~tz_scope() { set(k_utc); }
    static void set(const char *tz) {
        setenv("TZ", tz, 1);
        tzset();
    }
};

// "2025-03-09 03:00:00 -0400" or "2025-03-09 03:00:00 Z" -> unix ms.
int64_t at(const char *text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, oh = 0, om = 0;
    char sign = 0;
    int n = std::sscanf(text, "%d-%d-%d %d:%d:%d %c%2d%2d", &y, &mo, &d, &h, &mi, &s, &sign, &oh, &om);
    REQUIRE_MESSAGE((n == 9 || (n == 7 && sign == 'Z')), "bad time literal ", std::string(text));
    struct tm tm {};
    tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
    tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = s;
    int64_t off = (oh * 3600 + om * 60) * (sign == '-' ? -1 : 1);
    return (int64_t(timegm(&tm)) - off) * 1000;
}

// Unix ms -> local "YYYY-MM-DD HH:MM:SS +hhmm" (readable failures); "none" for -1.
std::string show(int64_t ms) {
    if (ms == -1) return "none";
    time_t t = time_t(ms / 1000);
    struct tm tm {};
    localtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z", &tm);
    return std::string(buf) + (ms % 1000 ? "+" + std::to_string(ms % 1000) + "ms" : "");
}

cron_schedule parse_ok(const char *expr) {
    auto r = cron_parse(expr);
    INFO("expr: ", std::string(expr));
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
    return r.value();
}

struct next_case {
    const char *tz;
    const char *expr;
    const char *from;
    std::vector<const char *> want; // successive fire times; "none" = -1
};

void run_table(const std::vector<next_case> &table) {
    for (const next_case &c : table) {
        tz_scope tz(c.tz);
        cron_schedule s = parse_ok(c.expr);
        int64_t t = at(c.from);
        for (size_t i = 0; i < c.want.size(); ++i) {
            INFO("TZ=", std::string(c.tz), " expr \"", std::string(c.expr), "\" from ", std::string(c.from), " step ", i + 1);
            int64_t want = std::string(c.want[i]) == "none" ? -1 : at(c.want[i]);
            int64_t got = cron_next(s, t);
            CHECK(show(got) == show(want));
            if (got != want) break;
            t = got;
        }
    }
}

} // namespace

TEST_CASE("cron_next: field kinds, names, steps, seconds (UTC)") {
    run_table({
        {k_utc, "* * * * *", "2025-01-01 00:00:00 Z", {"2025-01-01 00:01:00 Z", "2025-01-01 00:02:00 Z"}},
        {k_utc, "* * * * *", "2025-01-01 00:00:30 Z", {"2025-01-01 00:01:00 Z"}},
        {k_utc, "* * * * *", "2025-12-31 23:59:00 Z", {"2026-01-01 00:00:00 Z"}},
        {k_utc, "*/15 * * * *", "2025-01-01 10:07:00 Z",
         {"2025-01-01 10:15:00 Z", "2025-01-01 10:30:00 Z", "2025-01-01 10:45:00 Z", "2025-01-01 11:00:00 Z"}},
        {k_utc, "1,2,5 * * * *", "2025-01-01 10:03:00 Z",
         {"2025-01-01 10:05:00 Z", "2025-01-01 11:01:00 Z", "2025-01-01 11:02:00 Z"}},
        {k_utc, "10-12 * * * *", "2025-01-01 10:11:30 Z", {"2025-01-01 10:12:00 Z", "2025-01-01 11:10:00 Z"}},
        {k_utc, "10-50/20 * * * *", "2025-01-01 10:00:00 Z",
         {"2025-01-01 10:10:00 Z", "2025-01-01 10:30:00 Z", "2025-01-01 10:50:00 Z", "2025-01-01 11:10:00 Z"}},
        {k_utc, "5/15 * * * *", "2025-01-01 10:00:00 Z",
         {"2025-01-01 10:05:00 Z", "2025-01-01 10:20:00 Z", "2025-01-01 10:35:00 Z", "2025-01-01 10:50:00 Z",
          "2025-01-01 11:05:00 Z"}},
        {k_utc, "0 9-17/4 * * *", "2025-01-01 00:00:00 Z",
         {"2025-01-01 09:00:00 Z", "2025-01-01 13:00:00 Z", "2025-01-01 17:00:00 Z", "2025-01-02 09:00:00 Z"}},
        {k_utc, "0 22 * * *", "2025-01-01 22:00:00 Z", {"2025-01-02 22:00:00 Z"}},
        {k_utc, "0 0 1,15 * *", "2025-01-01 00:00:00 Z",
         {"2025-01-15 00:00:00 Z", "2025-02-01 00:00:00 Z", "2025-02-15 00:00:00 Z"}},
        {k_utc, "0 0 1 jan,jul *", "2025-02-01 00:00:00 Z", {"2025-07-01 00:00:00 Z", "2026-01-01 00:00:00 Z"}},
        {k_utc, "0 0 1 Mar-MAY *", "2025-01-01 00:00:00 Z",
         {"2025-03-01 00:00:00 Z", "2025-04-01 00:00:00 Z", "2025-05-01 00:00:00 Z", "2026-03-01 00:00:00 Z"}},
        {k_utc, "0 0 1 */4 *", "2025-01-01 00:00:00 Z", {"2025-05-01 00:00:00 Z", "2025-09-01 00:00:00 Z",
                                                           "2026-01-01 00:00:00 Z"}},
        // 2025-01-03 is a Friday.
        {k_utc, "0 9 * * MON-FRI", "2025-01-03 10:00:00 Z",
         {"2025-01-06 09:00:00 Z", "2025-01-07 09:00:00 Z", "2025-01-08 09:00:00 Z"}},
        {k_utc, "0 9 * * mon,wed,fri", "2025-01-01 09:00:00 Z",
         {"2025-01-03 09:00:00 Z", "2025-01-06 09:00:00 Z", "2025-01-08 09:00:00 Z"}},
        {k_utc, "0 0 * * 0", "2025-01-01 00:00:00 Z", {"2025-01-05 00:00:00 Z", "2025-01-12 00:00:00 Z"}},
        {k_utc, "0 0 * * 7", "2025-01-01 00:00:00 Z", {"2025-01-05 00:00:00 Z", "2025-01-12 00:00:00 Z"}},
        {k_utc, "0 0 * * sun", "2025-01-01 00:00:00 Z", {"2025-01-05 00:00:00 Z"}},
        {k_utc, "0 0 * * 5-7", "2025-01-02 00:00:00 Z",
         {"2025-01-03 00:00:00 Z", "2025-01-04 00:00:00 Z", "2025-01-05 00:00:00 Z", "2025-01-10 00:00:00 Z"}},
        {k_utc, "0 0 * * FRI-SUN", "2025-01-02 00:00:00 Z",
         {"2025-01-03 00:00:00 Z", "2025-01-04 00:00:00 Z", "2025-01-05 00:00:00 Z", "2025-01-10 00:00:00 Z"}},
        {k_utc, "0 0 * * */2", "2025-01-01 00:00:00 Z", // Sun, Tue, Thu, Sat
         {"2025-01-02 00:00:00 Z", "2025-01-04 00:00:00 Z", "2025-01-05 00:00:00 Z", "2025-01-07 00:00:00 Z"}},
        {k_utc, "0 0 * * 1/2", "2025-01-01 00:00:00 Z", // Mon, Wed, Fri
         {"2025-01-03 00:00:00 Z", "2025-01-06 00:00:00 Z", "2025-01-08 00:00:00 Z"}},
        // Six fields: a leading seconds field.
        {k_utc, "*/20 * * * * *", "2025-01-01 00:00:00 Z",
         {"2025-01-01 00:00:20 Z", "2025-01-01 00:00:40 Z", "2025-01-01 00:01:00 Z"}},
        {k_utc, "30 0 12 * * *", "2025-01-01 12:00:30 Z", {"2025-01-02 12:00:30 Z"}},
        {k_utc, "15,45 30 * * * *", "2025-01-01 10:30:15 Z",
         {"2025-01-01 10:30:45 Z", "2025-01-01 11:30:15 Z", "2025-01-01 11:30:45 Z"}},
        {k_utc, "59 59 23 31 12 *", "2025-06-01 00:00:00 Z", {"2025-12-31 23:59:59 Z", "2026-12-31 23:59:59 Z"}},
        {k_utc, "0 0 0 * * *", "2025-01-01 00:00:00 Z", {"2025-01-02 00:00:00 Z"}},
    });
}

TEST_CASE("cron_next: macros") {
    run_table({
        {k_utc, "@yearly", "2025-06-01 00:00:00 Z", {"2026-01-01 00:00:00 Z", "2027-01-01 00:00:00 Z"}},
        {k_utc, "@annually", "2025-06-01 00:00:00 Z", {"2026-01-01 00:00:00 Z"}},
        {k_utc, "@monthly", "2025-01-31 12:00:00 Z", {"2025-02-01 00:00:00 Z", "2025-03-01 00:00:00 Z"}},
        {k_utc, "@weekly", "2025-01-01 00:00:00 Z", {"2025-01-05 00:00:00 Z", "2025-01-12 00:00:00 Z"}},
        {k_utc, "@daily", "2025-01-01 00:00:00 Z", {"2025-01-02 00:00:00 Z"}},
        {k_utc, "@MIDNIGHT", "2025-01-01 23:59:59 Z", {"2025-01-02 00:00:00 Z"}},
        {k_utc, "@hourly", "2025-01-01 10:59:59 Z", {"2025-01-01 11:00:00 Z", "2025-01-01 12:00:00 Z"}},
        {k_utc, "  @daily  ", "2025-01-01 12:00:00 Z", {"2025-01-02 00:00:00 Z"}},
    });
    cron_schedule r = parse_ok("@reboot");
    CHECK(cron_is_reboot(r));
    CHECK(cron_next(r, at("2025-01-01 00:00:00 Z")) == -1);
    CHECK_FALSE(cron_is_reboot(parse_ok("@daily")));
    CHECK(parse_ok("@daily") == parse_ok("0 0 * * *"));
    CHECK(parse_ok("@weekly") == parse_ok("0 0 * * 0"));
    CHECK(parse_ok("@yearly") == parse_ok("0 0 1 1 *"));
}

TEST_CASE("cron_next: month ends, leap years, horizon") {
    run_table({
        {k_utc, "0 0 31 * *", "2025-01-31 00:00:00 Z",
         {"2025-03-31 00:00:00 Z", "2025-05-31 00:00:00 Z", "2025-07-31 00:00:00 Z", "2025-08-31 00:00:00 Z",
          "2025-10-31 00:00:00 Z", "2025-12-31 00:00:00 Z", "2026-01-31 00:00:00 Z"}},
        {k_utc, "0 0 30 * *", "2025-01-30 00:00:00 Z", {"2025-03-30 00:00:00 Z"}},
        {k_utc, "0 0 29 2 *", "2025-01-01 00:00:00 Z", {"2028-02-29 00:00:00 Z", "2032-02-29 00:00:00 Z"}},
        {k_utc, "0 0 29 * *", "2027-02-01 00:00:00 Z", {"2027-03-29 00:00:00 Z"}},
        {k_utc, "0 0 29 * *", "2028-02-01 00:00:00 Z", {"2028-02-29 00:00:00 Z", "2028-03-29 00:00:00 Z"}},
        {k_utc, "0 0 29 2 *", "2399-03-01 00:00:00 Z", {"2400-02-29 00:00:00 Z"}}, // 2400 is a leap year
        {k_utc, "0 0 29 2 *", "2096-03-01 00:00:00 Z", {"none"}}, // 2100 is not: next is 2104 (> 5 y)
        // Feb 29 on a Sunday (AND rule: day-of-week starts with '*'): 2032, within 5 years of 2028.
        {k_utc, "0 0 29 2 */7", "2028-03-01 00:00:00 Z", {"2032-02-29 00:00:00 Z"}},
        {k_utc, "0 0 29 2 */7", "2025-01-01 00:00:00 Z", {"none"}},
        {k_utc, "0 0 30 2 *", "2025-01-01 00:00:00 Z", {"none"}},
        {k_utc, "0 0 31 4,6,9,11 *", "2025-01-01 00:00:00 Z", {"none"}},
        {k_utc, "0 0 31 2 ?", "2025-01-01 00:00:00 Z", {"none"}},
        // The OR rule makes "Feb 30 or Monday" fire on February Mondays.
        {k_utc, "0 0 30 2 MON", "2025-01-01 00:00:00 Z", {"2025-02-03 00:00:00 Z", "2025-02-10 00:00:00 Z"}},
    });
}

TEST_CASE("cron_next: Vixie day rule (OR when both restricted, AND when one starts with '*')") {
    run_table({
        // 13th OR Friday. 2025-01-03/10/17 are Fridays, 2025-01-13 a Monday.
        {k_utc, "0 0 13 * FRI", "2025-01-01 00:00:00 Z",
         {"2025-01-03 00:00:00 Z", "2025-01-10 00:00:00 Z", "2025-01-13 00:00:00 Z", "2025-01-17 00:00:00 Z"}},
        // "*/2" counts as unrestricted: odd days AND Fridays.
        {k_utc, "0 0 */2 * FRI", "2025-01-01 00:00:00 Z",
         {"2025-01-03 00:00:00 Z", "2025-01-17 00:00:00 Z", "2025-01-31 00:00:00 Z"}},
        // "1-31/2" is the same set but restricted: odd days OR Fridays.
        {k_utc, "0 0 1-31/2 * FRI", "2025-01-01 00:00:00 Z",
         {"2025-01-03 00:00:00 Z", "2025-01-05 00:00:00 Z", "2025-01-07 00:00:00 Z", "2025-01-09 00:00:00 Z",
          "2025-01-10 00:00:00 Z", "2025-01-11 00:00:00 Z"}},
        {k_utc, "0 0 * * FRI", "2025-01-01 00:00:00 Z", {"2025-01-03 00:00:00 Z", "2025-01-10 00:00:00 Z"}},
        {k_utc, "0 0 ? * FRI", "2025-01-01 00:00:00 Z", {"2025-01-03 00:00:00 Z", "2025-01-10 00:00:00 Z"}},
        {k_utc, "0 0 13 * *", "2025-01-01 00:00:00 Z", {"2025-01-13 00:00:00 Z", "2025-02-13 00:00:00 Z"}},
        {k_utc, "0 0 13 * ?", "2025-01-01 00:00:00 Z", {"2025-01-13 00:00:00 Z"}},
        {k_utc, "0 0 13 * */1", "2025-01-01 00:00:00 Z", {"2025-01-13 00:00:00 Z"}},
        // "0-6" is every weekday but restricted: 13th OR any day = every day.
        {k_utc, "0 0 13 * 0-6", "2025-01-01 00:00:00 Z", {"2025-01-02 00:00:00 Z", "2025-01-03 00:00:00 Z"}},
        // Day-of-week "*/7" (Sundays, starts with '*') AND day 1: 2026-02-01 is a Sunday.
        {k_utc, "0 0 1 * */7", "2025-01-01 00:00:00 Z", {"2025-06-01 00:00:00 Z", "2026-02-01 00:00:00 Z"}},
    });
}

TEST_CASE("cron_next: strictly after") {
    tz_scope tz(k_utc);
    cron_schedule s = parse_ok("0 9 * * *");
    CHECK(show(cron_next(s, at("2025-01-01 09:00:00 Z"))) == show(at("2025-01-02 09:00:00 Z")));
    CHECK(show(cron_next(s, at("2025-01-01 09:00:00 Z") - 1)) == show(at("2025-01-01 09:00:00 Z")));
    CHECK(show(cron_next(s, at("2025-01-01 09:00:00 Z") + 1)) == show(at("2025-01-02 09:00:00 Z")));
    cron_schedule every = parse_ok("* * * * * *");
    CHECK(cron_next(every, 1'000) == 2'000);
    CHECK(cron_next(every, 999) == 1'000);
    CHECK(cron_next(every, -1) == 0);
    CHECK(cron_next(every, -1'500) == -1'000);
    // Out of the supported range, and a default (empty) schedule.
    CHECK(cron_next(every, INT64_MAX) == -1);
    CHECK(cron_next(every, INT64_MIN) == -1);
    CHECK(cron_next(cron_schedule{}, 0) == -1);
}

TEST_CASE("cron_next_fire: a timer that fires a few ms early does not fire the same tick twice") {
    tz_scope tz(k_utc);
    cron_schedule every = parse_ok("* * * * * *");
    int64_t tick = at("2025-01-01 09:00:05 Z");
    // The timer fired 3 ms before the tick: cron_next(now) alone would give the same tick again.
    CHECK(cron_next(every, tick - 3) == tick);
    CHECK(cron_next_fire(every, tick - 3, tick) == tick + 1000);
    // Late, or without a tick (first arming): from now.
    CHECK(cron_next_fire(every, tick + 1500, tick) == tick + 2000);
    CHECK(cron_next_fire(every, tick - 3, 0) == tick);
    cron_schedule daily = parse_ok("0 9 * * *");
    int64_t nine = at("2025-01-01 09:00:00 Z");
    CHECK(show(cron_next_fire(daily, nine - 4, nine)) == show(at("2025-01-02 09:00:00 Z")));
}

TEST_CASE("cron_next: DST spring forward (America/New_York rules, 2025-03-09 02:00 -> 03:00)") {
    run_table({
        // A fixed time in the gap runs once, at the first instant after it.
        {k_new_york, "30 2 * * *", "2025-03-08 12:00:00 -0500",
         {"2025-03-09 03:00:00 -0400", "2025-03-10 02:30:00 -0400"}},
        {k_new_york, "30 2 * * *", "2025-03-09 01:59:59 -0500", {"2025-03-09 03:00:00 -0400"}},
        {k_new_york, "30 2 * * *", "2025-03-09 03:00:00 -0400", {"2025-03-10 02:30:00 -0400"}},
        {k_new_york, "30 30 2 * * *", "2025-03-09 00:00:00 -0500", {"2025-03-09 03:00:00 -0400"}},
        // Several matching times in the gap still run once; 03:00 itself is the same instant.
        {k_new_york, "0,30 2,3 * * *", "2025-03-09 00:00:00 -0500",
         {"2025-03-09 03:00:00 -0400", "2025-03-09 03:30:00 -0400", "2025-03-10 02:00:00 -0400"}},
        {k_new_york, "0 3 * * *", "2025-03-09 00:00:00 -0500", {"2025-03-09 03:00:00 -0400"}},
        {k_new_york, "0 */2 * * *", "2025-03-08 23:00:00 -0500",
         {"2025-03-09 00:00:00 -0500", "2025-03-09 03:00:00 -0400", "2025-03-09 04:00:00 -0400"}},
        // Every-hour schedules follow elapsed time: nothing to fire in the skipped hour.
        {k_new_york, "*/15 * * * *", "2025-03-09 01:30:00 -0500",
         {"2025-03-09 01:45:00 -0500", "2025-03-09 03:00:00 -0400", "2025-03-09 03:15:00 -0400"}},
        {k_new_york, "0 * * * *", "2025-03-09 00:30:00 -0500",
         {"2025-03-09 01:00:00 -0500", "2025-03-09 03:00:00 -0400", "2025-03-09 04:00:00 -0400"}},
        {k_new_york, "@daily", "2025-03-08 12:00:00 -0500", {"2025-03-09 00:00:00 -0500", "2025-03-10 00:00:00 -0400"}},
        // Paris: 2025-03-30 02:00 -> 03:00.
        {k_paris, "30 2 * * *", "2025-03-29 12:00:00 +0100", {"2025-03-30 03:00:00 +0200", "2025-03-31 02:30:00 +0200"}},
        // Lord Howe: 2025-10-05 02:00 -> 02:30 (a 30-minute shift).
        {k_lord_howe, "0 2 * * *", "2025-10-04 12:00:00 +1030", {"2025-10-05 02:30:00 +1100", "2025-10-06 02:00:00 +1100"}},
        {k_lord_howe, "0 * * * *", "2025-10-05 01:30:00 +1030", {"2025-10-05 03:00:00 +1100"}},
        {k_lord_howe, "*/30 * * * *", "2025-10-05 01:30:00 +1030", {"2025-10-05 02:30:00 +1100"}},
        // Sao Paulo (old rules): midnight 2025-10-19 does not exist; @daily runs at 01:00.
        {k_sao_paulo, "@daily", "2025-10-18 12:00:00 -0300", {"2025-10-19 01:00:00 -0200", "2025-10-20 00:00:00 -0200"}},
    });
}

TEST_CASE("cron_next: DST fall back (America/New_York rules, 2025-11-02 02:00 -> 01:00)") {
    run_table({
        // A fixed time in the repeated hour runs once, at its first occurrence.
        {k_new_york, "30 1 * * *", "2025-11-01 12:00:00 -0400", {"2025-11-02 01:30:00 -0400", "2025-11-03 01:30:00 -0500"}},
        {k_new_york, "30 1 * * *", "2025-11-02 01:10:00 -0500", {"2025-11-03 01:30:00 -0500"}},
        {k_new_york, "* 1 * * *", "2025-11-02 01:58:00 -0400",
         {"2025-11-02 01:59:00 -0400", "2025-11-03 01:00:00 -0500"}},
        {k_new_york, "* 1 * * *", "2025-11-02 01:05:00 -0500", {"2025-11-03 01:00:00 -0500"}},
        {k_new_york, "0 */2 * * *", "2025-11-01 23:00:00 -0400",
         {"2025-11-02 00:00:00 -0400", "2025-11-02 02:00:00 -0500", "2025-11-02 04:00:00 -0500"}},
        // Every-hour schedules fire in both passes of the repeated hour.
        {k_new_york, "*/15 * * * *", "2025-11-02 01:40:00 -0400",
         {"2025-11-02 01:45:00 -0400", "2025-11-02 01:00:00 -0500", "2025-11-02 01:15:00 -0500",
          "2025-11-02 01:30:00 -0500", "2025-11-02 01:45:00 -0500", "2025-11-02 02:00:00 -0500"}},
        {k_new_york, "*/15 * * * *", "2025-11-02 01:20:00 -0500", {"2025-11-02 01:30:00 -0500"}},
        {k_new_york, "0 * * * *", "2025-11-02 00:30:00 -0400",
         {"2025-11-02 01:00:00 -0400", "2025-11-02 01:00:00 -0500", "2025-11-02 02:00:00 -0500"}},
        {k_new_york, "30 * * * * *", "2025-11-02 01:59:30 -0400", {"2025-11-02 01:00:30 -0500"}},
        // Paris: 2025-10-26 03:00 -> 02:00.
        {k_paris, "30 2 * * *", "2025-10-25 12:00:00 +0200", {"2025-10-26 02:30:00 +0200", "2025-10-27 02:30:00 +0100"}},
        {k_paris, "*/30 * * * *", "2025-10-26 02:10:00 +0200",
         {"2025-10-26 02:30:00 +0200", "2025-10-26 02:00:00 +0100", "2025-10-26 02:30:00 +0100",
          "2025-10-26 03:00:00 +0100"}},
        // Sao Paulo: 2026-02-15 00:00 -> 2026-02-14 23:00; 23:00 on the 14th runs once.
        {k_sao_paulo, "0 23 * * *", "2026-02-14 12:00:00 -0200", {"2026-02-14 23:00:00 -0200", "2026-02-15 23:00:00 -0300"}},
    });
}

TEST_CASE("cron_next: never-matching and sparse schedules return quickly") {
    tz_scope tz(k_new_york);
    const char *exprs[] = {"0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 29 2 */7", "@yearly", "0 0 29 2 *",
                           "59 59 23 31 12 *"};
    int64_t from = at("2025-01-01 00:00:00 Z");
    for (const char *e : exprs) {
        cron_schedule s = parse_ok(e);
        auto start = std::chrono::steady_clock::now();
        constexpr int k_calls = 2000;
        int64_t sink = 0;
        for (int i = 0; i < k_calls; ++i) sink += cron_next(s, from + int64_t(i) * 3'600'000);
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
        INFO("expr ", std::string(e), ": ", us.count(), " us for ", k_calls, " calls (sink ", sink, ")");
        CHECK(us.count() < int64_t(k_calls) * 100); // < 100 us a call even under sanitizers
    }
    CHECK(cron_next(parse_ok("0 0 30 2 *"), from) == -1);
}

TEST_CASE("cron_parse: errors name the field, quote the text, and point at the column") {
    struct bad {
        const char *expr;
        int column;
        const char *message;
    };
    const char *quartz = "unsupported Quartz syntax (L, W and # are not supported)";
    const std::vector<bad> table = {
        {"", 1, "cron: empty expression"},
        {"   ", 1, "cron: empty expression"},
        {"* * * *", 8, "cron: 4 fields, expected 5 (minute hour day-of-month month day-of-week) or 6 "
                       "(second minute hour day-of-month month day-of-week)"},
        {"* * * * * * *", 13, "cron: 7 fields, expected 5 (minute hour day-of-month month day-of-week) or 6 "
                             "(second minute hour day-of-month month day-of-week); a Quartz year field is not "
                             "supported"},
        {"0 25 * * *", 3, "cron: field 2 (hour) \"25\": value out of range 0-23"},
        {"0 0 25 * * *", 5, "cron: field 3 (hour) \"25\": value out of range 0-23"},
        {"  0\t25 * * *", 5, "cron: field 2 (hour) \"25\": value out of range 0-23"},
        {"0 1,20-25 * * *", 8, "cron: field 2 (hour) \"25\": value out of range 0-23"},
        {"60 * * * *", 1, "cron: field 1 (minute) \"60\": value out of range 0-59"},
        {"61 0 0 * * *", 1, "cron: field 1 (second) \"61\": value out of range 0-59"},
        {"0 0 32 * *", 5, "cron: field 3 (day-of-month) \"32\": value out of range 1-31"},
        {"0 0 0 * *", 5, "cron: field 3 (day-of-month) \"0\": value out of range 1-31"},
        {"0 0 * 13 *", 7, "cron: field 4 (month) \"13\": value out of range 1-12"},
        {"0 0 * * 8", 9, "cron: field 5 (day-of-week) \"8\": value out of range 0-7"},
        {"99999999999999 * * * *", 1, "cron: field 1 (minute) \"99999999999999\": value out of range 0-59"},
        {"0 0 * FOO *", 7, "cron: field 4 (month) \"FOO\": unknown name (expected JAN-DEC or a number)"},
        {"0 0 * JAN-FOO *", 11, "cron: field 4 (month) \"FOO\": unknown name (expected JAN-DEC or a number)"},
        {"0 0 * * MONDAY", 9, "cron: field 5 (day-of-week) \"MONDAY\": unknown name (expected SUN-SAT or a number)"},
        {"0 0 * * JAN", 9, "cron: field 5 (day-of-week) \"JAN\": unknown name (expected SUN-SAT or a number)"},
        {"x * * * *", 1, "cron: field 1 (minute) \"x\": not a number"},
        {"0 0 MON * *", 5, "cron: field 3 (day-of-month) \"MON\": not a number"},
        {"*/0 * * * *", 3, "cron: field 1 (minute) \"*/0\": bad step (must be a number 1-59)"},
        {"*/ * * * *", 3, "cron: field 1 (minute) \"*/\": bad step (must be a number 1-59)"},
        {"*/x * * * *", 3, "cron: field 1 (minute) \"*/x\": bad step (must be a number 1-59)"},
        {"*/2/3 * * * *", 3, "cron: field 1 (minute) \"*/2/3\": bad step (must be a number 1-59)"},
        {"0 */24 * * *", 5, "cron: field 2 (hour) \"*/24\": bad step (must be a number 1-23)"},
        {"0 0 * * 1-5/8", 13, "cron: field 5 (day-of-week) \"1-5/8\": bad step (must be a number 1-7)"},
        {"1,,2 * * * *", 3, "cron: field 1 (minute) \"1,,2\": empty list item"},
        {"1, * * * *", 3, "cron: field 1 (minute) \"1,\": empty list item"},
        {",1 * * * *", 1, "cron: field 1 (minute) \",1\": empty list item"},
        {"5-1 * * * *", 1, "cron: field 1 (minute) \"5-1\": range 5-1 goes backwards"},
        {"0 0 * * FRI-MON", 9, "cron: field 5 (day-of-week) \"FRI-MON\": range 5-1 goes backwards"},
        {"-5 * * * *", 1, "cron: field 1 (minute) \"-5\": missing value"},
        {"5- * * * *", 3, "cron: field 1 (minute) \"5-\": missing value"},
        {"? * * * *", 1, "cron: field 1 (minute) \"?\": '?' is only allowed in day-of-month and day-of-week"},
        {"0 0 L * *", 5, "cron: field 3 (day-of-month) \"L\": "},
        {"0 0 15W * *", 5, "cron: field 3 (day-of-month) \"15W\": "},
        {"0 0 LW * *", 5, "cron: field 3 (day-of-month) \"LW\": "},
        {"0 0 L-3 * *", 5, "cron: field 3 (day-of-month) \"L\": "},
        {"0 0 * * 5L", 9, "cron: field 5 (day-of-week) \"5L\": "},
        {"0 0 * * MON#2", 12, "cron: field 5 (day-of-week) \"MON#2\": "},
        {"0 0 12 ? * 2#1", 13, "cron: field 6 (day-of-week) \"2#1\": "},
        {"@foo", 1, "cron: unknown macro \"@foo\" (expected @yearly, @annually, @monthly, @weekly, @daily, "
                    "@midnight, @hourly or @reboot)"},
        {"0 0 * * * *\n*", 13, "cron: 7 fields, expected 5 (minute hour day-of-month month day-of-week) or 6 "
                               "(second minute hour day-of-month month day-of-week); a Quartz year field is "
                               "not supported"},
        {"  @daily x", 10, "cron: \"@daily\" takes no fields, found \"x\""},
    };
    std::string long_expr(cron_max_length + 1, ' ');
    long_expr.replace(0, 9, "* * * * *");
    auto too_long = cron_parse(long_expr);
    REQUIRE_FALSE(too_long.ok());
    CHECK(too_long.err().column == int(cron_max_length) + 1);
    CHECK(too_long.err().message == "cron: expression longer than 1024 characters");
    CHECK(cron_parse(long_expr.substr(0, cron_max_length)).ok());
    for (const bad &b : table) {
        INFO("expr: \"", std::string(b.expr), "\"");
        auto r = cron_parse(b.expr);
        REQUIRE_FALSE(r.ok());
        CHECK(r.err().code == ALTER_EPARSE);
        CHECK(r.err().column == b.column);
        std::string msg = b.message;
        if (msg.back() == ' ') msg += quartz; // Quartz forms
        CHECK(r.err().message == msg);
    }
}

TEST_CASE("cron_parse: equivalent spellings give equal schedules") {
    const std::vector<std::pair<const char *, const char *>> same = {
        {"0 0 * * 0", "0 0 * * 7"},
        {"0 0 * * 0", "0 0 * * SUN"},
        {"0 0 * * 1-5", "0 0 * * mon-fri"},
        {"0 0 * * 5-7", "0 0 * * 0,5,6"},
        {"0 0 * JAN,jul *", "0 0 * 1,7 *"},
        {"*/15 * * * *", "0,15,30,45 * * * *"},
        {"5/15 * * * *", "5-59/15 * * * *"},
        {"0 0 ? * MON", "0 0 * * 1"},
        {"0 0 * * *", "0  0\t*  *   *"},
        {"0 0 * * *", "\t0 0 * * *\r\n"},
        {"0 0 * * 5-7", "0 0 * * FRI-SUN"},
        {"0 0 * * 6,0", "0 0 * * sat-sun"},
        {"0 0 * * 0", "0 0 * * SUN-SUN"},
        {"0 0 * * 0", "0 0 * * 0-SUN"},
    };
    for (const auto &pair : same) {
        INFO(std::string(pair.first), " vs ", std::string(pair.second));
        CHECK(parse_ok(pair.first) == parse_ok(pair.second));
    }
    CHECK_FALSE(parse_ok("0 0 1-31 * MON") == parse_ok("0 0 * * MON")); // restricted vs star
    CHECK_FALSE(parse_ok("0 0 0 1 * *").has_seconds == parse_ok("0 0 1 * *").has_seconds);
    static_assert(sizeof(cron_schedule) <= 40);
}

TEST_CASE("cron_describe") {
    const std::vector<std::pair<const char *, const char *>> table = {
        {"* * * * *", "* * * * *"},
        {"0 9 * * mon-fri", "0 9 * * 1-5"},
        {"*/15 * * * *", "*/15 * * * *"},
        {"0,15,30,45 * * * *", "*/15 * * * *"},
        {"5/15 * * * *", "5-50/15 * * * *"},
        {"0 0 1 jan,jul *", "0 0 1 1,7 *"},
        {"0 0 * * 5-7", "0 0 * * 0,5,6"},
        {"0 0 1-31 * MON", "0 0 1-31 * 1"},
        {"0 0 */2 * FRI", "0 0 */2 * 5"},
        {"0 0 */10,5 * FRI", "0 0 */31,5,11,21,31 * 5"},
        {"0 0 13 * */7", "0 0 13 * */7"},
        {"0 0 13 * ?", "0 0 13 * *"},
        {"30 0 12 * * *", "30 0 12 * * *"},
        {"@daily", "0 0 * * *"},
        {"@reboot", "@reboot"},
        {"1,2,3,5,6 1-23 * * *", "1-3,5,6 1-23 * * *"},
    };
    for (const auto &row : table) {
        INFO(std::string(row.first));
        cron_schedule s = parse_ok(row.first);
        CHECK(cron_describe(s) == row.second);
        CHECK(parse_ok(cron_describe(s).c_str()) == s);
    }
}

// ------------------------------------------------------------------------------------------------
// Randomized cross-check against a brute-force reference.

namespace {

struct field_gen {
    int lo, hi, star_hi, step_max;
    const char *const *names; // nullptr or names for lo.. (month) / 0.. (day-of-week)
};
const char *const k_months[] = {"jan", "FEB", "Mar", "apr", "MAY", "jun", "Jul", "aug", "SEP", "oct", "Nov", "dec"};
const char *const k_days[] = {"sun", "MON", "Tue", "wed", "THU", "fri", "Sat"};
const field_gen k_gen[6] = {
    {0, 59, 59, 59, nullptr}, {0, 59, 59, 59, nullptr}, {0, 23, 23, 23, nullptr},
    {1, 31, 31, 31, nullptr}, {1, 12, 12, 12, k_months}, {0, 7, 6, 7, k_days},
};

// A random schedule, built with its expected bitsets (independent of the parser).
struct gen_schedule {
    std::string text;
    uint64_t mask[6] = {};
    bool dom_star = false, dow_star = false;
};

struct generator {
    std::mt19937_64 rng;
    int uniform(int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); }
    bool chance(int percent) { return uniform(1, 100) <= percent; }

    std::string value_text(const field_gen &f, int v) {
        if (f.names && v <= 6 + (f.lo == 1 ? 6 : 0) && chance(30)) return f.names[v - f.lo];
        return std::to_string(v);
    }
    // One list item; adds its values to mask.
    std::string item(const field_gen &f, uint64_t &mask, bool first_star, int max_kind = 5) {
        int kind = first_star ? uniform(0, 1) : uniform(2, max_kind);
        int a = f.lo, b = f.star_hi, step = 1;
        std::string text;
        if (kind <= 1) {
            text = "*";
            if (kind == 1) step = uniform(2, std::min(f.step_max, 20)), text += "/" + std::to_string(step);
        } else {
            a = uniform(f.lo, f.hi);
            b = a;
            text = value_text(f, a);
            bool range = (kind == 3 || kind == 4) && a < f.hi;
            if (range) {
                b = uniform(a, f.hi);
                text += "-" + (f.names == k_days && b == 7 && a > 0 && chance(50) ? std::string("Sun") : value_text(f, b));
            }
            if (kind == 4 || kind == 5) { // "a-b/step", or "a/step" = a-max/step
                step = uniform(1, std::min(f.step_max, 12));
                text += "/" + std::to_string(step);
                if (!range) b = std::max(a, f.star_hi);
            }
        }
        for (int v = a; v <= b; v += step) mask |= uint64_t(1) << (v == 7 && f.lo == 0 && f.hi == 7 ? 0 : v);
        return text;
    }
    std::string field(const field_gen &f, uint64_t &mask, int star_percent, bool &star) {
        star = chance(star_percent);
        std::string text = item(f, mask, star);
        for (int n = chance(25) ? uniform(1, 2) : 0; n > 0; --n) text += "," + item(f, mask, false);
        return text;
    }
    gen_schedule make(bool seconds) {
        gen_schedule g;
        int star_pct[6] = {60, 50, 55, 75, 85, 75};
        bool star = false;
        if (seconds) g.text = field(k_gen[0], g.mask[0], 40, star) + " ";
        else g.mask[0] = 1;
        for (int i = 1; i < 6; ++i) {
            if (i == 2 && chance(25)) { // every hour: elapsed-time schedules
                g.text += "* ";
                g.mask[2] = 0xffffff;
                continue;
            }
            if (i == 2 && chance(45)) { // hours where the test zones change offset: 0-3 and 23
                g.text += item(field_gen{0, 3, 3, 3, nullptr}, g.mask[2], false, 3);
                if (chance(30)) g.text += ",23", g.mask[2] |= uint64_t(1) << 23;
                g.text += " ";
                continue;
            }
            g.text += field(k_gen[i], g.mask[i], star_pct[i], star) + (i < 5 ? " " : "");
            if (i == 3) g.dom_star = star;
            if (i == 5) g.dow_star = star;
        }
        return g;
    }
};

bool day_matches(const gen_schedule &g, const struct tm &tm) {
    bool dom = g.mask[3] >> tm.tm_mday & 1, dow = g.mask[5] >> tm.tm_wday & 1;
    if (!(g.mask[4] >> (tm.tm_mon + 1) & 1)) return false;
    return (g.dom_star || g.dow_star) ? (dom && dow) : (dom || dow);
}
bool minute_matches(const gen_schedule &g, const struct tm &tm) { // ignores seconds
    return (g.mask[1] >> tm.tm_min & 1) && (g.mask[2] >> tm.tm_hour & 1) && day_matches(g, tm);
}

// Brute force: step minute by minute (the zones here change offset on whole minutes) from a day
// before, tracking the highest wall time seen, and apply the rules of docs/CRON.md literally.
// Returns the fire second, or -1 if none up to *checked_until.
int64_t brute_next(const gen_schedule &g, int64_t after_ms, int64_t horizon_s, int64_t *checked_until) {
    int64_t s0 = (after_ms >= 0 ? after_ms / 1000 : -((-after_ms + 999) / 1000)) + 1;
    int64_t start = (s0 / 60) * 60 - 86400, end = s0 + horizon_s;
    bool elapsed = (g.mask[2] & 0xffffff) == 0xffffff;
    int64_t max_seen = INT64_MIN, prev_wall = INT64_MIN;
    for (int64_t m = start; m <= end; m += 60) {
        time_t tt = time_t(m);
        struct tm tm {};
        localtime_r(&tt, &tm);
        if (tm.tm_sec != 0) FAIL("offset not on a whole minute at ", m);
        struct tm copy = tm;
        int64_t wall = int64_t(timegm(&copy));
        if (!elapsed && prev_wall != INT64_MIN && wall > prev_wall + 60 && m >= s0) {
            for (int64_t w = prev_wall + 60; w < wall; w += 60) { // the skipped wall minutes
                time_t wt = time_t(w);
                struct tm wtm {};
                gmtime_r(&wt, &wtm);
                if (minute_matches(g, wtm) && g.mask[0]) return m; // first instant after the gap
            }
        }
        if (minute_matches(g, tm)) {
            for (int sec = 0; sec < 60; ++sec) {
                if (!(g.mask[0] >> sec & 1)) continue;
                bool fire = elapsed || wall + sec > max_seen;
                if (fire && m + sec >= s0) return m + sec;
            }
        }
        max_seen = std::max(max_seen, wall + 59);
        prev_wall = wall;
    }
    *checked_until = start + (end - start) / 60 * 60 + 59; // the end of the last minute stepped
    return -1;
}

std::vector<int64_t> transitions(int y0, int y1) { // offset changes, found hour by hour
    std::vector<int64_t> out;
    int64_t from = at((std::to_string(y0) + "-01-01 00:00:00 Z").c_str()) / 1000;
    int64_t to = at((std::to_string(y1) + "-01-01 00:00:00 Z").c_str()) / 1000;
    long prev = 0;
    for (int64_t t = from; t < to; t += 1800) {
        time_t tt = time_t(t);
        struct tm tm {};
        localtime_r(&tt, &tm);
        if (t != from && tm.tm_gmtoff != prev) out.push_back(t);
        prev = tm.tm_gmtoff;
    }
    return out;
}

void cross_check(const char *tz, int cases, uint64_t seed, int y0 = 2024, int y1 = 2031) {
    tz_scope scope(tz);
    generator gen{std::mt19937_64(seed)};
    std::vector<int64_t> trans = transitions(y0, y1);
    int64_t lo = at((std::to_string(y0) + "-01-01 00:00:00 Z").c_str());
    int64_t hi = at((std::to_string(y1 - 1) + "-12-31 00:00:00 Z").c_str());
    int compared = 0, fired = 0, near_fixed = 0, near_elapsed = 0;
    for (int i = 0; i < cases; ++i) {
        gen_schedule g = gen.make(gen.chance(25));
        INFO("TZ=", std::string(tz), " seed ", seed, " case ", i, " expr \"", g.text, "\"");
        auto r = cron_parse(g.text);
        REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
        const cron_schedule &s = r.value();
        CHECK(s.seconds == g.mask[0]);
        CHECK(s.minutes == g.mask[1]);
        CHECK(s.hours == g.mask[2]);
        CHECK(s.days == g.mask[3]);
        CHECK(s.months == g.mask[4]);
        CHECK(s.weekdays == g.mask[5]);
        CHECK(s.dom_star == g.dom_star);
        CHECK(s.dow_star == g.dow_star);
        CHECK(parse_ok(cron_describe(s).c_str()) == s);

        int64_t t = 0;
        if (!trans.empty() && gen.chance(75)) { // near an offset change
            int64_t c = trans[size_t(gen.uniform(0, int(trans.size()) - 1))];
            bool close = gen.chance(70);
            t = c * 1000 + std::uniform_int_distribution<int64_t>(close ? -6 * 3'600'000 : -2 * 86'400'000,
                                                                   close ? 2 * 3'600'000 : 86'400'000)(gen.rng);
        } else {
            t = std::uniform_int_distribution<int64_t>(lo, hi)(gen.rng);
        }
        if (gen.chance(50)) t -= t % 60'000; // often exactly on a minute
        for (int step = 0; step < 4; ++step) {
            INFO("step ", step, " from ", show(t), " (", t, " ms)");
            int64_t checked = 0;
            int64_t want = brute_next(g, t, 3 * 86400, &checked);
            int64_t got = cron_next(s, t);
            ++compared;
            if (want >= 0) {
                ++fired;
                for (int64_t c : trans) { // a fire time within 2 hours of an offset change
                    if (want < c - 7200 || want > c + 7200) continue;
                    ++((s.hours & 0xffffff) == 0xffffff ? near_elapsed : near_fixed);
                    break;
                }
                REQUIRE(show(got) == show(want * 1000));
                t = got;
            } else {
                CHECK((got == -1 || got / 1000 > checked));
                break;
            }
        }
    }
    MESSAGE(std::string(tz), ": ", compared, " comparisons, ", fired, " with a fire time within 3 days, ",
            near_fixed, " + ", near_elapsed, " fixed + elapsed within 2 h of an offset change");
    CHECK(fired > compared / 2);
    if (!trans.empty()) CHECK(near_fixed >= cases / 20);
    if (!trans.empty()) CHECK(near_elapsed >= cases / 20);
}

} // namespace

TEST_CASE("cron_next equals a brute-force reference: UTC") { cross_check(k_utc, 1000, 1); }
TEST_CASE("cron_next equals a brute-force reference: New York rules") { cross_check(k_new_york, 1500, 2); }
TEST_CASE("cron_next equals a brute-force reference: Paris rules") { cross_check(k_paris, 500, 3); }
TEST_CASE("cron_next equals a brute-force reference: Lord Howe rules") { cross_check(k_lord_howe, 500, 4); }
TEST_CASE("cron_next equals a brute-force reference: Sao Paulo rules") { cross_check(k_sao_paulo, 500, 5); }

// The same against the system's tzdata files when they are installed (skipped otherwise): real
// rules, including Samoa skipping all of 2011-12-30 (UTC-10 -> UTC+14).
TEST_CASE("cron_next equals a brute-force reference: tzdata zones (if installed)") {
    struct zone {
        const char *name;
        int y0, y1;
    };
    const zone zones[] = {{"America/New_York", 2024, 2028}, {"Europe/London", 2024, 2028},
                          {"Australia/Lord_Howe", 2024, 2028}, {"Pacific/Apia", 2011, 2013},
                          {"America/Sao_Paulo", 2017, 2020}};
    uint64_t seed = 6;
    for (const zone &z : zones) {
        ++seed;
        std::string file = std::string("/usr/share/zoneinfo/") + z.name;
        if (std::FILE *f = std::fopen(file.c_str(), "rb")) {
            std::fclose(f);
            cross_check(z.name, 300, seed, z.y0, z.y1);
        } else {
            MESSAGE("skipped ", std::string(z.name), ": no ", file);
        }
    }
}
