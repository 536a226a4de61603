// SPDX-License-Identifier: MIT
#include "cron.hpp"

#include <algorithm>
#include <bit>
#include <climits>
#include <ctime>
#include <utility>
#include <vector>

#include "alter/alter.h"

namespace alter::detail {

namespace {

// ---------------------------------------------------------------------------------------------
// Parsing

constexpr std::string_view k_month_names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                              "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::string_view k_dow_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct field_info {
    const char *name;
    int lo, hi;    // accepted values; also the accepted steps are 1..hi
    int star_hi;   // '*' covers lo..star_hi (day-of-week: 0-6; 7 is only an alias of Sunday)
    const std::string_view *names; // names[i] means value names_base + i
    int name_count, names_base;
    bool question; // '?' accepted as '*'
};

enum field_id { f_sec, f_min, f_hour, f_dom, f_month, f_dow };

constexpr field_info k_fields[] = {
    {"second", 0, 59, 59, nullptr, 0, 0, false},
    {"minute", 0, 59, 59, nullptr, 0, 0, false},
    {"hour", 0, 23, 23, nullptr, 0, 0, false},
    {"day-of-month", 1, 31, 31, nullptr, 0, 0, true},
    {"month", 1, 12, 12, k_month_names, 12, 1, false},
    {"day-of-week", 0, 7, 6, k_dow_names, 7, 0, true},
};

struct macro {
    std::string_view name, expansion;
};
constexpr macro k_macros[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"}, {"@reboot", ""},
};

constexpr std::string_view k_quartz = "unsupported Quartz syntax (L, W and # are not supported)";

char upper(char c) { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; }

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (upper(a[i]) != upper(b[i])) return false;
    return true;
}

bool all_digits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return !s.empty();
}

int to_int(std::string_view s) { // digits only; saturates at 9999 (always out of range)
    int v = 0;
    for (char c : s) v = v >= 1000 ? 9999 : v * 10 + (c - '0');
    return v;
}

// Quartz day forms: "L", "W", "LW", "5L", "15W".
bool is_quartz(std::string_view s) {
    size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    std::string_view rest = s.substr(i);
    return iequal(rest, "L") || iequal(rest, "W") || iequal(rest, "LW");
}

// Parses one field of one expression; every error names the field and points into `expr`.
struct field_parser {
    std::string_view expr;  // the whole expression (tokens are views into it)
    std::string_view text;  // this field
    int number;             // 1-based position of the field in the expression
    const field_info &f;

    error fail(std::string_view quoted, std::string_view at, std::string_view why) const {
        error e(ALTER_EPARSE, "cron: field " + std::to_string(number) + " (" + f.name + ") \"" +
                                  std::string(quoted) + "\": " + std::string(why));
        e.column = int(at.data() - expr.data()) + 1;
        return e;
    }

    std::string range_text(int lo, int hi) const {
        return std::to_string(lo) + "-" + std::to_string(hi);
    }

    result<int> value(std::string_view item, std::string_view tok) const {
        if (tok.empty()) return fail(item, tok, "missing value");
        if (all_digits(tok)) {
            int v = to_int(tok);
            if (v < f.lo || v > f.hi) return fail(tok, tok, "value out of range " + range_text(f.lo, f.hi));
            return v;
        }
        for (int i = 0; i < f.name_count; ++i)
            if (iequal(tok, f.names[i])) return f.names_base + i;
        if (is_quartz(tok)) return fail(tok, tok, k_quartz);
        if (!f.names) return fail(tok, tok, "not a number");
        return fail(tok, tok,
                    "unknown name (expected " + std::string(f.names[0]) + "-" +
                        std::string(f.names[f.name_count - 1]) + " or a number)");
    }

    result<uint64_t> item(std::string_view it) const {
        if (it.empty()) return fail(text, it, "empty list item");
        if (size_t h = it.find('#'); h != it.npos) return fail(it, it.substr(h, 1), k_quartz);
        std::string_view base = it, step_tok;
        size_t slash = it.find('/');
        if (slash != it.npos) {
            base = it.substr(0, slash);
            step_tok = it.substr(slash + 1);
        }
        int a = 0, b = 0;
        if (base == "*" || base == "?") {
            if (base == "?" && !f.question)
                return fail(it, base, "'?' is only allowed in day-of-month and day-of-week");
            a = f.lo;
            b = f.star_hi;
        } else {
            size_t dash = base.find('-');
            auto ra = value(it, base.substr(0, dash));
            if (!ra) return std::move(ra).err();
            a = b = ra.value();
            if (dash != base.npos) {
                auto rb = value(it, base.substr(dash + 1));
                if (!rb) return std::move(rb).err();
                b = rb.value();
                if (&f == &k_fields[f_dow] && a > 0 && b == 0 && !all_digits(base.substr(dash + 1)))
                    b = 7; // "FRI-SUN": a range ending in SUN ends on Sunday
                if (b < a) return fail(it, base, "range " + range_text(a, b) + " goes backwards");
            } else if (slash != it.npos) {
                b = std::max(a, f.star_hi); // "5/15" = 5-max/15
            }
        }
        int step = 1;
        if (slash != it.npos) {
            step = all_digits(step_tok) ? to_int(step_tok) : 0;
            if (step < 1 || step > f.hi)
                return fail(it, step_tok, "bad step (must be a number 1-" + std::to_string(f.hi) + ")");
        }
        uint64_t mask = 0;
        for (int v = a; v <= b; v += step) mask |= uint64_t(1) << v;
        return mask;
    }

    result<uint64_t> parse() const {
        uint64_t mask = 0;
        for (size_t start = 0;;) {
            size_t comma = text.find(',', start);
            auto r = item(text.substr(start, comma == text.npos ? text.npos : comma - start));
            if (!r) return std::move(r).err();
            mask |= r.value();
            if (comma == text.npos) break;
            start = comma + 1;
        }
        return mask;
    }
};

error parse_error(size_t at, std::string msg) {
    error e(ALTER_EPARSE, "cron: " + std::move(msg));
    e.column = int(at) + 1;
    return e;
}

result<cron_schedule> parse_macro(std::string_view expr, const std::vector<std::string_view> &fields) {
    std::string_view m = fields[0];
    size_t at = size_t(m.data() - expr.data());
    if (fields.size() > 1)
        return parse_error(size_t(fields[1].data() - expr.data()),
                           "\"" + std::string(m) + "\" takes no fields, found \"" + std::string(fields[1]) + "\"");
    for (const macro &mc : k_macros) {
        if (!iequal(m, mc.name)) continue;
        if (mc.expansion.empty()) {
            cron_schedule s;
            s.reboot = true;
            return s;
        }
        return cron_parse(mc.expansion);
    }
    return parse_error(at,
                       "unknown macro \"" + std::string(m) +
                           "\" (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight, "
                           "@hourly or @reboot)");
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic on "wall seconds": local wall-clock time counted as if it were UTC.

constexpr int64_t k_day = 86400;
// Wider than any UTC offset and any offset change; the zone is assumed to change its offset at
// most once within a window of this size on either side of an instant.
constexpr int64_t k_window = 26 * 3600;
constexpr int64_t k_none = INT64_MIN;
constexpr int64_t k_min_s = -2208988800;                                  // 1900-01-01
constexpr int64_t k_max_s = 253402300799 - (cron_horizon_days + 2) * k_day; // ~9990
constexpr uint32_t k_all_hours = (uint32_t(1) << 24) - 1;

int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

struct civil {
    int64_t y;
    int m, d;
};

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, day 0 = 1970-01-01).
int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

civil civil_from_days(int64_t z) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = int(doy - (153 * mp + 2) / 5 + 1);
    int m = int(mp < 10 ? mp + 3 : mp - 9);
    return {yoe + era * 400 + (m <= 2), m, d};
}

int days_in_month(int64_t y, int m) {
    static constexpr int k_dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : k_dim[m - 1];
}

int next_bit(uint64_t mask, int from) {
    if (from >= 64) return -1;
    uint64_t m = mask & (~uint64_t(0) << from);
    return m ? std::countr_zero(m) : -1;
}

// The days of month m of year y that match: the Vixie rule (OR when both day fields are
// restricted, AND when either starts with '*').
uint32_t day_mask(const cron_schedule &s, int64_t y, int m) {
    int64_t first = days_from_civil(y, m, 1);
    int wd = int(((first + 4) % 7 + 7) % 7); // 1970-01-01 was a Thursday
    uint32_t mask = 0;
    for (int d = 1, n = days_in_month(y, m); d <= n; ++d, wd = wd == 6 ? 0 : wd + 1) {
        bool dom = s.days >> d & 1, dow = s.weekdays >> wd & 1;
        if ((s.dom_star || s.dow_star) ? (dom && dow) : (dom || dow)) mask |= uint32_t(1) << d;
    }
    return mask;
}

// First matching time of day at or after h:m:sec, in seconds since midnight; -1 if none.
int next_time_of_day(const cron_schedule &s, int h, int m, int sec) {
    while (h < 24) {
        int nh = next_bit(s.hours, h);
        if (nh < 0) return -1;
        if (nh != h) h = nh, m = 0, sec = 0;
        int nm = next_bit(s.minutes, m);
        if (nm < 0) {
            ++h, m = 0, sec = 0;
            continue;
        }
        if (nm != m) m = nm, sec = 0;
        int ns = next_bit(s.seconds, sec);
        if (ns >= 0) return h * 3600 + m * 60 + ns;
        if (++m == 60) ++h, m = 0;
        sec = 0;
    }
    return -1;
}

// The first matching wall time >= w, field by field (month, day, time of day); k_none past limit.
int64_t next_wall(const cron_schedule &s, int64_t w, int64_t limit) {
    int64_t day = floor_div(w, k_day);
    int tod = int(w - day * k_day);
    civil c = civil_from_days(day);
    int h = tod / 3600, mi = tod / 60 % 60, sec = tod % 60;
    auto to_month = [&](int64_t y, int m) {
        c = {y, m, 1};
        day = days_from_civil(y, m, 1);
        h = mi = sec = 0;
    };
    while (day * k_day <= limit) {
        if (!(s.months >> c.m & 1)) {
            int nm = next_bit(s.months, c.m + 1);
            if (nm < 0) to_month(c.y + 1, next_bit(s.months, 1));
            else to_month(c.y, nm);
            continue;
        }
        int nd = next_bit(day_mask(s, c.y, c.m), c.d);
        if (nd < 0) {
            if (c.m == 12) to_month(c.y + 1, 1);
            else to_month(c.y, c.m + 1);
            continue;
        }
        if (nd != c.d) {
            day += nd - c.d;
            c.d = nd;
            h = mi = sec = 0;
        }
        int t = next_time_of_day(s, h, mi, sec);
        if (t >= 0) return day * k_day + t <= limit ? day * k_day + t : k_none;
        ++day, ++c.d, h = mi = sec = 0; // past the month's end: next_bit above finds nothing
    }
    return k_none;
}

// ---------------------------------------------------------------------------------------------
// Wall time <-> instants (only through localtime_r's tm_gmtoff)

int64_t utc_offset(int64_t t) {
    time_t tt = time_t(t);
    struct tm tm {};
    return localtime_r(&tt, &tm) ? int64_t(tm.tm_gmtoff) : 0;
}

// The first instant in (lo, hi] whose offset differs from o, given utc_offset(lo) == o and
// utc_offset(hi) != o: the transition instant.
int64_t find_change(int64_t lo, int64_t hi, int64_t o) {
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        (utc_offset(mid) == o ? lo : hi) = mid;
    }
    return hi;
}

struct occurrences {
    int n = 0;          // 0: in a gap, 1: normal, 2: in an overlap
    int64_t t[2] = {};  // ascending
    int64_t gap_end = k_none; // n == 0: the first instant after the gap
};

occurrences occurrences_of(int64_t w) {
    occurrences r;
    int64_t before = utc_offset(w - k_window), after = utc_offset(w + k_window);
    for (int64_t o : {before, after}) {
        if (r.n == 1 && o == before) break;
        if (utc_offset(w - o) == o) r.t[r.n++] = w - o;
    }
    if (r.n == 2 && r.t[0] > r.t[1]) std::swap(r.t[0], r.t[1]);
    if (r.n == 0 && after > before) r.gap_end = find_change(w - after, w - before, before);
    return r;
}

// Wall-clock schedules. fire(w) = first occurrence of w, or the end of the gap w falls in, is
// non-decreasing in w, so the first matching w whose fire time is >= s0 gives the answer.
int64_t next_fixed(const cron_schedule &s, int64_t s0, int64_t limit) {
    int64_t w = s0 - 1 + utc_offset(s0 - 1) + 1; // walls below this fired before s0
    for (int i = 0; i < 8; ++i) {
        w = next_wall(s, w, limit);
        if (w == k_none) return k_none;
        occurrences oc = occurrences_of(w);
        int64_t f = oc.n ? oc.t[0] : oc.gap_end;
        if (f != k_none && f >= s0) return f;
        // s0 is in the second pass of an overlap whose first pass already had w: skip to the
        // first wall time the first pass never reached.
        int64_t o1 = oc.n ? w - oc.t[0] : 0; // the offset of the first pass
        if (oc.n && utc_offset(s0 - 1) != o1)
            w = std::max(w + 1, find_change(oc.t[0], s0 - 1, o1) + o1);
        else
            ++w;
    }
    return k_none;
}

// Elapsed-time schedules: the first instant >= s0 whose wall time matches, walking segments of
// constant UTC offset. Only offset changes near t or near the candidate can reorder matches.
int64_t next_elapsed(const cron_schedule &s, int64_t s0, int64_t limit) {
    int64_t t = s0;
    for (int i = 0; i < 64; ++i) {
        int64_t o = utc_offset(t);
        int64_t change = utc_offset(t + k_window) != o ? find_change(t, t + k_window, o) : k_none;
        int64_t w = next_wall(s, t + o, limit);
        if (w == k_none) return k_none;
        int64_t c = w - o;
        if (change != k_none && c >= change) {
            t = change; // the offset changes before c: start again with the new offset
            continue;
        }
        if (c - t <= k_window) return c;
        t = c - k_window; // nothing fires in [t, c - k_window): look again close to c
    }
    return k_none;
}

// ---------------------------------------------------------------------------------------------
// Describe

std::string describe_field(uint64_t mask, const field_info &f, bool star) {
    bool day = f.question; // day fields: '*' forms change the meaning (the Vixie rule)
    int lo = f.lo, hi = f.star_hi;
    std::vector<int> v;
    for (int i = lo; i <= hi; ++i)
        if (mask >> i & 1) v.push_back(i);
    auto step_of = [&v] { // the common difference of v, 0 if none
        if (v.size() < 2) return 0;
        int d = v[1] - v[0];
        for (size_t i = 1; i < v.size(); ++i)
            if (v[i] - v[i - 1] != d) return 0;
        return d;
    };
    std::string out;
    if (!day || star) {
        int d = v.size() == 1 ? hi - lo + 1 : step_of();
        if (d > 0 && v[0] == lo && v.back() + d > hi && (d == 1 || v.size() > 2 || day))
            return d == 1 ? "*" : "*/" + std::to_string(d);
        if (star && !v.empty() && v[0] == lo) { // not "*/n": keep the star, then the rest
            out = "*/" + std::to_string(hi - lo + 1);
            v.erase(v.begin());
            if (v.empty()) return out;
            out += ',';
        }
    }
    if (int d = step_of(); v.size() >= 3 && d >= 2)
        return out + std::to_string(v[0]) + "-" + std::to_string(v.back()) + "/" + std::to_string(d);
    for (size_t i = 0; i < v.size();) {
        size_t j = i;
        while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
        if (i) out += ',';
        out += std::to_string(v[i]);
        if (j >= i + 2) out += "-" + std::to_string(v[j]);
        else if (j == i + 1) out += "," + std::to_string(v[j]);
        i = j + 1;
    }
    return out;
}

} // namespace

result<cron_schedule> cron_parse(std::string_view expr) {
    if (expr.size() > cron_max_length)
        return parse_error(cron_max_length, "expression longer than " + std::to_string(cron_max_length) +
                                                " characters");
    auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
    std::vector<std::string_view> fields;
    for (size_t i = 0; i < expr.size();) {
        if (space(expr[i])) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < expr.size() && !space(expr[j])) ++j;
        fields.push_back(expr.substr(i, j - i));
        i = j;
    }
    if (fields.empty()) return parse_error(0, "empty expression");
    if (fields[0][0] == '@') return parse_macro(expr, fields);
    if (fields.size() != 5 && fields.size() != 6) {
        std::string msg = std::to_string(fields.size()) +
                          " fields, expected 5 (minute hour day-of-month month day-of-week) or 6 "
                          "(second minute hour day-of-month month day-of-week)";
        if (fields.size() == 7) msg += "; a Quartz year field is not supported";
        size_t at = fields.size() > 6 ? size_t(fields[6].data() - expr.data()) : expr.size();
        return parse_error(at, std::move(msg));
    }
    cron_schedule s;
    s.has_seconds = fields.size() == 6;
    s.seconds = 1;
    int first = s.has_seconds ? f_sec : f_min;
    for (size_t i = 0; i < fields.size(); ++i) {
        int id = first + int(i);
        field_parser p{expr, fields[i], int(i) + 1, k_fields[id]};
        auto r = p.parse();
        if (!r) return std::move(r).err();
        uint64_t m = r.value();
        bool star = fields[i][0] == '*' || fields[i][0] == '?';
        switch (id) {
        case f_sec: s.seconds = m; break;
        case f_min: s.minutes = m; break;
        case f_hour: s.hours = uint32_t(m); break;
        case f_dom: s.days = uint32_t(m), s.dom_star = star; break;
        case f_month: s.months = uint16_t(m); break;
        case f_dow: s.weekdays = uint8_t((m | (m >> 7)) & 0x7f), s.dow_star = star; break;
        }
    }
    return s;
}

int64_t cron_next(const cron_schedule &s, int64_t after_ms) {
    if (s.reboot || !s.months || !s.days || !s.weekdays || !s.hours || !s.minutes || !s.seconds)
        return -1;
    int64_t s0 = floor_div(after_ms, 1000) + 1; // fire times are whole seconds > after_ms
    if (s0 < k_min_s || s0 > k_max_s) return -1;
    int64_t limit = s0 + cron_horizon_days * k_day + k_window; // in wall seconds
    int64_t f = (s.hours & k_all_hours) == k_all_hours ? next_elapsed(s, s0, limit)
                                                       : next_fixed(s, s0, limit);
    return f == k_none ? -1 : f * 1000;
}

bool cron_is_reboot(const cron_schedule &s) noexcept { return s.reboot; }

int64_t cron_next_fire(const cron_schedule &s, int64_t now_ms, int64_t fired_ms) {
    return cron_next(s, std::max(now_ms, fired_ms));
}

std::string cron_describe(const cron_schedule &s) {
    if (s.reboot) return "@reboot";
    std::string out;
    if (s.has_seconds) out = describe_field(s.seconds, k_fields[f_sec], false) + " ";
    out += describe_field(s.minutes, k_fields[f_min], false) + " ";
    out += describe_field(s.hours, k_fields[f_hour], false) + " ";
    out += describe_field(s.days, k_fields[f_dom], s.dom_star) + " ";
    out += describe_field(s.months, k_fields[f_month], false) + " ";
    out += describe_field(s.weekdays, k_fields[f_dow], s.dow_star);
    return out;
}

} // namespace alter::detail
