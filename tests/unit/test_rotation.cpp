// SPDX-License-Identifier: MIT
// Tests of the log rotation policy (libalter/src/rotation.cpp): calendar helpers, file names, and
// the size/day/retention plans, each plan carried out on an in-memory directory that refuses to
// overwrite a file, so a wrong rename order or a lost part shows up as a failure.
#include "rotation.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace alter::detail;

namespace {

std::string show(const std::vector<std::string> &v) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
    return out + "]";
}

std::string show(civil_date d) {
    return std::to_string(d.year) + "-" + std::to_string(d.month) + "-" + std::to_string(d.day);
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int month_days(int y, int m) {
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : n[m - 1];
}
civil_date next_day(civil_date d) {
    if (++d.day > month_days(d.year, d.month)) {
        d.day = 1;
        if (++d.month > 12) {
            d.month = 1;
            ++d.year;
        }
    }
    return d;
}

// An in-memory directory: file name -> content label. Applying a plan fails on a missing source
// or on a rename onto an existing name (which would lose a file).
struct fake_dir {
    std::map<std::string, std::string> files;

    std::vector<std::string> names() const {
        std::vector<std::string> v;
        for (const auto &[k, _] : files) v.push_back(k);
        return v;
    }
    void apply(const rotation_plan &p) {
        for (const auto &f : p.remove) {
            INFO("remove ", f);
            CHECK(files.erase(f) == 1);
        }
        for (const auto &r : p.rename) {
            INFO("rename ", r.from, " -> ", r.to);
            REQUIRE(files.count(r.from) == 1);
            REQUIRE(files.count(r.to) == 0); // nothing is overwritten
            files[r.to] = files[r.from];
            files.erase(r.from);
        }
    }
    std::vector<std::string> contents(const std::vector<std::string> &order) const {
        std::vector<std::string> v;
        for (const auto &f : order) v.push_back(files.at(f));
        return v;
    }
};

} // namespace

TEST_CASE("days_from_civil / civil_from_days: known days") {
    struct c {
        civil_date d;
        int64_t days;
    };
    const c cases[] = {
        {{1970, 1, 1}, 0},        {{1969, 12, 31}, -1},     {{2000, 3, 1}, 11017},   {{2024, 2, 29}, 19782},
        {{2026, 11, 20}, 20777},  {{2038, 1, 19}, 24855},   {{1, 1, 1}, -719162},    {{9999, 12, 31}, 2932896},
        {{1600, 2, 29}, -135081}, {{1970, 3, 1}, 59},       {{1972, 3, 1}, 790},
    };
    for (const auto &x : cases) {
        INFO(show(x.d));
        CHECK(days_from_civil(x.d) == x.days);
        CHECK(civil_from_days(x.days) == x.d);
    }
}

TEST_CASE("days_from_civil / civil_from_days: consecutive days over 1200 years") {
    civil_date d{1600, 1, 1};
    int64_t n = days_from_civil(d);
    const int64_t end = days_from_civil({2800, 12, 31});
    int leap_days = 0;
    for (; n <= end; ++n) {
        civil_date got = civil_from_days(n);
        if (got != d) {
            INFO("day ", n, ": want ", show(d), ", got ", show(got));
            REQUIRE(got == d);
        }
        REQUIRE(days_from_civil(d) == n);
        if (d.month == 2 && d.day == 29) ++leap_days;
        d = next_day(d);
    }
    // 1600..2800: 301 multiples of 4, minus the 9 centuries not divisible by 400 (1700 ... 2700).
    CHECK(leap_days == 292);
}

TEST_CASE("days_from_civil / civil_from_days: round trip over a wide range") {
    for (int64_t n = -100'000'000; n <= 100'000'000; n += 9973) {
        civil_date d = civil_from_days(n);
        CAPTURE(n);
        REQUIRE(days_from_civil(d) == n);
        REQUIRE(d.month >= 1);
        REQUIRE(d.month <= 12);
        REQUIRE(d.day >= 1);
        REQUIRE(d.day <= month_days(d.year, d.month));
    }
}

TEST_CASE("parse_date and format_date") {
    const char *good[] = {"1970-01-01", "2026-11-20", "2024-02-29", "2000-02-29", "2026-12-31", "9999-12-31", "2026-04-30"};
    for (const char *s : good) {
        INFO(std::string(s));
        auto d = parse_date(s);
        REQUIRE(d.has_value());
        CHECK(format_date(*d) == s);
    }
    CHECK(parse_date("2026-11-20") == civil_date{2026, 11, 20});
    const char *bad[] = {
        "2026-02-30", "2026-02-29", "2100-02-29", "2023-02-29", "2026-04-31", "2026-06-31", "2026-13-01",
        "2026-00-10", "2026-01-00", "2026-01-32", "1969-12-31", "0000-01-01", "2026-1-01",  "2026/01/01",
        "20260101",   "2026-01-01 ", " 2026-01-01", "2026-01-1x", "+026-01-01", "2026-0a-01", "",
        "2026-01-01x", "-026-01-01", "2026--1-01",
    };
    for (const char *s : bad) {
        INFO(std::string(s));
        CHECK_FALSE(parse_date(s).has_value());
    }
    CHECK(format_date({2026, 1, 5}) == "2026-01-05");
    CHECK(format_date({1970, 12, 31}) == "1970-12-31");
    CHECK(format_date({999, 1, 1}) == "0999-01-01");
}

TEST_CASE("civil_date ordering") {
    CHECK(civil_date{2026, 1, 1} < civil_date{2026, 1, 2});
    CHECK(civil_date{2025, 12, 31} < civil_date{2026, 1, 1});
    CHECK(civil_date{2026, 2, 1} > civil_date{2026, 1, 31});
    CHECK(civil_date{2026, 2, 1} == civil_date{2026, 2, 1});
}

TEST_CASE("parse_log_name") {
    using K = log_name::kind;
    struct c {
        const char *file;
        bool ok;
        K k;
        civil_date date;
        uint32_t index;
    };
    const c cases[] = {
        {"out.log", true, K::current, {}, 0},
        {"out.log.1", true, K::segment, {}, 1},
        {"out.log.12", true, K::segment, {}, 12},
        {"out.log.999999", true, K::segment, {}, 999999},
        {"out.log.2026-11-20", true, K::archive, {2026, 11, 20}, 0},
        {"out.log.2026-11-20.1", true, K::archive, {2026, 11, 20}, 1},
        {"out.log.2024-02-29.37", true, K::archive, {2024, 2, 29}, 37},
        {"out.log.0", false, K::current, {}, 0},
        {"out.log.01", false, K::current, {}, 0},
        {"out.log.1000000", false, K::current, {}, 0},
        {"out.log.-1", false, K::current, {}, 0},
        {"out.log.", false, K::current, {}, 0},
        {"out.log.1.gz", false, K::current, {}, 0},
        {"out.log.1x", false, K::current, {}, 0},
        {"out.log.2026-02-30", false, K::current, {}, 0},
        {"out.log.2026-11-20.", false, K::current, {}, 0},
        {"out.log.2026-11-20.0", false, K::current, {}, 0},
        {"out.log.2026-11-20x", false, K::current, {}, 0},
        {"out.log.2026-11-201", false, K::current, {}, 0},
        {"out.log.2026-11-20.1.2", false, K::current, {}, 0},
        {"out.logx", false, K::current, {}, 0},
        {"out.log-1", false, K::current, {}, 0},
        {"out.lo", false, K::current, {}, 0},
        {"err.log", false, K::current, {}, 0},
        {"err.log.1", false, K::current, {}, 0},
        {"xout.log", false, K::current, {}, 0},
        {"", false, K::current, {}, 0},
    };
    for (const auto &x : cases) {
        INFO(std::string(x.file));
        auto n = parse_log_name("out.log", x.file);
        REQUIRE(n.has_value() == x.ok);
        if (!x.ok) continue;
        CHECK(int(n->k) == int(x.k));
        CHECK(n->index == x.index);
        if (x.k == K::archive) CHECK(n->date == x.date);
    }
    CHECK(parse_log_name("err.log", "err.log.3").has_value());
}

TEST_CASE("plan_size_rotation: shifts, gaps, keep 0 and keep 1") {
    struct c {
        const char *what;
        std::vector<std::string> files;
        uint32_t keep;
        std::map<std::string, std::string> after; // name -> which file's content it holds
    };
    const c cases[] = {
        {"first rotation", {"out.log"}, 5, {{"out.log.1", "out.log"}}},
        {"shift", {"out.log", "out.log.1", "out.log.2"}, 5,
         {{"out.log.1", "out.log"}, {"out.log.2", "out.log.1"}, {"out.log.3", "out.log.2"}}},
        {"oldest dropped at keep", {"out.log", "out.log.1", "out.log.2", "out.log.3"}, 3,
         {{"out.log.1", "out.log"}, {"out.log.2", "out.log.1"}, {"out.log.3", "out.log.2"}}},
        {"beyond keep all dropped", {"out.log", "out.log.1", "out.log.2", "out.log.3", "out.log.7"}, 2,
         {{"out.log.1", "out.log"}, {"out.log.2", "out.log.1"}}},
        {"gaps", {"out.log", "out.log.1", "out.log.3", "out.log.4"}, 5,
         {{"out.log.1", "out.log"}, {"out.log.2", "out.log.1"}, {"out.log.4", "out.log.3"}, {"out.log.5", "out.log.4"}}},
        {"gap at 1", {"out.log", "out.log.2"}, 5, {{"out.log.1", "out.log"}, {"out.log.3", "out.log.2"}}},
        {"keep 1", {"out.log", "out.log.1", "out.log.2"}, 1, {{"out.log.1", "out.log"}}},
        {"keep 0", {"out.log", "out.log.1"}, 0, {}},
        {"no current file", {"out.log.1"}, 5, {{"out.log.2", "out.log.1"}}},
        {"empty directory", {}, 5, {}},
        {"other files untouched",
         {"out.log", "err.log", "err.log.1", "out.log.2026-01-01", "notes.txt"}, 5,
         {{"out.log.1", "out.log"}, {"err.log", "err.log"}, {"err.log.1", "err.log.1"},
          {"out.log.2026-01-01", "out.log.2026-01-01"}, {"notes.txt", "notes.txt"}}},
    };
    for (const auto &x : cases) {
        INFO(std::string(x.what), ": ", show(x.files), " keep ", x.keep);
        fake_dir d;
        for (const auto &f : x.files) d.files[f] = f;
        d.apply(plan_size_rotation("out.log", x.keep, x.files));
        CHECK(d.files == x.after);
        CHECK(d.files.count("out.log") == 0); // the current file always goes
    }
}

TEST_CASE("plan_size_rotation: repeated rotations keep the newest `keep` segments in order") {
    for (uint32_t keep : {0u, 1u, 2u, 5u}) {
        fake_dir d;
        for (int gen = 1; gen <= 12; ++gen) {
            d.files["out.log"] = "gen" + std::to_string(gen);
            d.apply(plan_size_rotation("out.log", keep, d.names()));
        }
        INFO("keep ", keep);
        auto order = files_of_day("out.log", std::nullopt, d.names()); // oldest first
        std::vector<std::string> want;
        for (int gen = 12 - static_cast<int>(keep) + 1; gen <= 12; ++gen) want.push_back("gen" + std::to_string(gen));
        CHECK(show(d.contents(order)) == show(want));
        CHECK(d.files.size() == keep);
    }
}

TEST_CASE("plan_day_rotation: today's parts become the day's archive, after any earlier archive") {
    const civil_date day{2026, 11, 20};
    struct c {
        const char *what;
        std::vector<std::string> files;
        std::map<std::string, std::string> after;
    };
    const c cases[] = {
        {"current only", {"out.log"}, {{"out.log.2026-11-20", "out.log"}}},
        {"current and segments", {"out.log", "out.log.1", "out.log.2"},
         {{"out.log.2026-11-20", "out.log"}, {"out.log.2026-11-20.1", "out.log.1"}, {"out.log.2026-11-20.2", "out.log.2"}}},
        {"segments with a gap", {"out.log", "out.log.1", "out.log.3"},
         {{"out.log.2026-11-20", "out.log"}, {"out.log.2026-11-20.1", "out.log.1"}, {"out.log.2026-11-20.2", "out.log.3"}}},
        {"segments only", {"out.log.1", "out.log.2"},
         {{"out.log.2026-11-20", "out.log.1"}, {"out.log.2026-11-20.1", "out.log.2"}}},
        {"second rotation of the same day", {"out.log", "out.log.2026-11-20"},
         {{"out.log.2026-11-20", "out.log"}, {"out.log.2026-11-20.1", "out.log.2026-11-20"}}},
        {"second rotation, both with segments",
         {"out.log", "out.log.1", "out.log.2026-11-20", "out.log.2026-11-20.1"},
         {{"out.log.2026-11-20", "out.log"},
          {"out.log.2026-11-20.1", "out.log.1"},
          {"out.log.2026-11-20.2", "out.log.2026-11-20"},
          {"out.log.2026-11-20.3", "out.log.2026-11-20.1"}}},
        {"existing archive with a gap",
         {"out.log", "out.log.2026-11-20", "out.log.2026-11-20.2"},
         {{"out.log.2026-11-20", "out.log"}, {"out.log.2026-11-20.1", "out.log.2026-11-20"},
          {"out.log.2026-11-20.3", "out.log.2026-11-20.2"}}},
        {"other days untouched",
         {"out.log", "out.log.2026-11-19", "out.log.2026-11-19.1", "out.log.2026-11-21"},
         {{"out.log.2026-11-20", "out.log"}, {"out.log.2026-11-19", "out.log.2026-11-19"},
          {"out.log.2026-11-19.1", "out.log.2026-11-19.1"}, {"out.log.2026-11-21", "out.log.2026-11-21"}}},
        {"nothing to rotate", {"out.log.2026-11-20", "err.log"},
         {{"out.log.2026-11-20", "out.log.2026-11-20"}, {"err.log", "err.log"}}},
        {"empty directory", {}, {}},
    };
    for (const auto &x : cases) {
        INFO(std::string(x.what), ": ", show(x.files));
        fake_dir d;
        for (const auto &f : x.files) d.files[f] = f;
        auto plan = plan_day_rotation("out.log", day, x.files);
        CHECK(plan.remove.empty()); // a day rotation never deletes
        d.apply(plan);
        CHECK(d.files == x.after);
    }
}

TEST_CASE("plan_day_rotation: many rotations of one day keep every part in chronological order") {
    const civil_date day{2026, 3, 8};
    std::mt19937_64 rng(3);
    for (int iter = 0; iter < 200; ++iter) {
        fake_dir d;
        int seq = 0;
        std::vector<std::string> written; // every part, oldest first
        int rounds = 1 + static_cast<int>(rng() % 5);
        for (int r = 0; r < rounds; ++r) {
            // Some size rotations during the day (keep large enough to lose nothing)...
            int sizes = static_cast<int>(rng() % 4);
            for (int k = 0; k < sizes; ++k) {
                d.files["out.log"] = "part" + std::to_string(seq);
                written.push_back("part" + std::to_string(seq++));
                d.apply(plan_size_rotation("out.log", 100, d.names()));
            }
            d.files["out.log"] = "part" + std::to_string(seq);
            written.push_back("part" + std::to_string(seq++));
            // ...then a day rotation (e.g. a restart of alterd on the same day archives it again).
            d.apply(plan_day_rotation("out.log", day, d.names()));
            CHECK(files_of_day("out.log", std::nullopt, d.names()).empty());
        }
        INFO("iteration ", iter);
        auto order = files_of_day("out.log", day, d.names());
        CHECK(show(d.contents(order)) == show(written));
    }
}

TEST_CASE("plan_retention") {
    const std::vector<std::string> files = {
        "out.log",           "out.log.1",          "out.log.2026-11-20",  "out.log.2026-11-19.1", "out.log.2026-10-21",
        "out.log.2026-10-20", "out.log.2026-10-20.3", "out.log.2025-01-01", "err.log.2020-01-01", "junk",
    };
    const civil_date today{2026, 11, 20};
    struct c {
        uint32_t days;
        std::vector<std::string> want;
    };
    const c cases[] = {
        {0, {}},
        {30, {"out.log.2025-01-01", "out.log.2026-10-20", "out.log.2026-10-20.3"}}, // cutoff 2026-10-21
        {31, {"out.log.2025-01-01"}},
        {1, {"out.log.2025-01-01", "out.log.2026-10-20", "out.log.2026-10-20.3", "out.log.2026-10-21"}}, // keeps 11-19
        {10000, {}},
    };
    for (const auto &x : cases) {
        INFO("retain ", x.days);
        CHECK(show(plan_retention("out.log", today, x.days, files)) == show(x.want));
    }
}

TEST_CASE("files_of_day and archived_days") {
    const std::vector<std::string> files = {
        "out.log.2026-11-19",  "out.log.1",            "out.log.2026-11-19.10", "out.log",  "out.log.2026-11-19.2",
        "out.log.3",           "out.log.2026-11-20.1", "out.log.2026-11-18",    "err.log",  "err.log.2026-11-17",
        "out.log.2026-11-19.1", "out.log.2",           "other",                 "out.log.2026-11-20",
    };
    CHECK(show(files_of_day("out.log", std::nullopt, files)) == show({"out.log.3", "out.log.2", "out.log.1", "out.log"}));
    CHECK(show(files_of_day("out.log", civil_date{2026, 11, 19}, files)) ==
          show({"out.log.2026-11-19.10", "out.log.2026-11-19.2", "out.log.2026-11-19.1", "out.log.2026-11-19"}));
    CHECK(show(files_of_day("out.log", civil_date{2026, 11, 20}, files)) ==
          show({"out.log.2026-11-20.1", "out.log.2026-11-20"}));
    CHECK(files_of_day("out.log", civil_date{2026, 11, 21}, files).empty());
    CHECK(show(files_of_day("err.log", std::nullopt, files)) == show({"err.log"}));
    auto days = archived_days("out.log", files);
    REQUIRE(days.size() == 3);
    CHECK(days[0] == civil_date{2026, 11, 20});
    CHECK(days[1] == civil_date{2026, 11, 19});
    CHECK(days[2] == civil_date{2026, 11, 18});
    auto err_days = archived_days("err.log", files);
    REQUIRE(err_days.size() == 1);
    CHECK(err_days[0] == civil_date{2026, 11, 17});
    CHECK(archived_days("out.log", {}).empty());
}
