// SPDX-License-Identifier: MIT
// Tests of the restart decision (libalter/src/backoff.cpp): backoff sequences, the verdict for
// every policy x exit x type, min_uptime resetting the backoff, max_restarts inside the window,
// and the counters. Expected values come from backoff.hpp and docs/CONFIG.md ("Backoff").
#include "backoff.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace alter::detail;

namespace {

const char *kind_name(verdict_kind k) {
    switch (k) {
    case verdict_kind::final: return "final";
    case verdict_kind::now: return "now";
    case verdict_kind::later: return "later";
    case verdict_kind::give_up: return "give_up";
    case verdict_kind::schedule: return "schedule";
    }
    return "?";
}

std::string show(verdict v) { return std::string(kind_name(v.kind)) + "(" + std::to_string(v.delay_ms) + ")"; }

exit_info crash(int64_t uptime_ms) { return exit_info{1, 0, uptime_ms}; }
exit_info clean_exit(int64_t uptime_ms) { return exit_info{0, 0, uptime_ms}; }
exit_info killed(int sig, int64_t uptime_ms) { return exit_info{-1, sig, uptime_ms}; }

} // namespace

TEST_CASE("backoff_delay: doubling from 100 ms, capped at 30 s (the defaults)") {
    app_spec s; // 100 ms, x2, cap 30000
    const int64_t want[] = {0, 100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000};
    for (uint32_t n = 0; n < sizeof want / sizeof want[0]; ++n) {
        CAPTURE(n);
        CHECK(backoff_delay(s, n) == want[n]);
    }
}

TEST_CASE("backoff_delay: other multipliers, bases and caps") {
    struct c {
        int64_t base, cap;
        double mult;
        uint32_t n;
        int64_t want; // exact, or the floor of a fractional delay
        bool fractional;
    };
    const c cases[] = {
        {100, 30000, 1.5, 1, 100, false},     {100, 30000, 1.5, 2, 150, false},
        {100, 30000, 1.5, 3, 225, false},     {100, 30000, 1.5, 4, 337, true},
        {100, 30000, 1.5, 5, 506, true},      {100, 30000, 1.5, 6, 759, true},
        {100, 30000, 1.5, 7, 1139, true},     {1000, 15000, 1.5, 7, 11390, true},
        {1000, 15000, 1.5, 8, 15000, false},  {250, 60000, 1.0, 1, 250, false},
        {250, 60000, 1.0, 1000, 250, false},  {250, 60000, 1.0, UINT32_MAX, 250, false},
        {1, 1000, 10.0, 3, 100, false},       {1, 1000, 10.0, 4, 1000, false},
        {1, 1000, 10.0, 5, 1000, false},      {0, 30000, 2.0, 1, 0, false},
        {0, 30000, 2.0, 50, 0, false},        {0, 0, 2.0, 5, 0, false},
        {500, 500, 2.0, 1, 500, false},       {500, 500, 2.0, 2, 500, false},
        {500, 100, 2.0, 1, 100, false}, // a cap below the base wins (spec_from_value raises it)
        {100, 30000, 2.0, 9, 25600, false},   {100, 30000, 2.0, 10, 30000, false},
        {100, 604800000, 2.0, 23, 419430400, false}, {100, 604800000, 2.0, 24, 604800000, false},
        {7, 1000000, 3.0, 5, 567, false},
    };
    for (const auto &x : cases) {
        app_spec s;
        s.restart_delay_ms = x.base;
        s.max_restart_delay_ms = x.cap;
        s.backoff_multiplier = x.mult;
        CAPTURE(x.base);
        CAPTURE(x.cap);
        CAPTURE(x.mult);
        CAPTURE(x.n);
        int64_t got = backoff_delay(s, x.n);
        // A fractional delay may be truncated or rounded, nothing else.
        if (x.fractional) CHECK((got == x.want || got == x.want + 1));
        else CHECK(got == x.want);
    }
}

TEST_CASE("backoff_delay: huge counts and multipliers never overflow") {
    for (double mult : {1.0001, 1.5, 2.0, 10.0, 100.0}) {
        for (uint32_t n : {64u, 100u, 1024u, 1u << 20, UINT32_MAX - 1, UINT32_MAX}) {
            app_spec s;
            s.backoff_multiplier = mult;
            s.restart_delay_ms = 604'800'000; // the largest allowed
            s.max_restart_delay_ms = 604'800'000;
            CAPTURE(mult);
            CAPTURE(n);
            CHECK(backoff_delay(s, n) == 604'800'000);
            s.restart_delay_ms = 1;
            s.max_restart_delay_ms = 7;
            if (mult >= 1.5 || n >= (1u << 20)) CHECK(backoff_delay(s, n) == 7);
        }
    }
}

TEST_CASE("backoff_delay: never decreasing, never above the cap (random specs)") {
    std::mt19937_64 rng(42);
    for (int iter = 0; iter < 2000; ++iter) {
        app_spec s;
        s.restart_delay_ms = static_cast<int64_t>(rng() % 100'000);
        s.max_restart_delay_ms = s.restart_delay_ms + static_cast<int64_t>(rng() % 10'000'000);
        s.backoff_multiplier = 1.0 + static_cast<double>(rng() % 9900) / 100.0;
        CAPTURE(s.restart_delay_ms);
        CAPTURE(s.max_restart_delay_ms);
        CAPTURE(s.backoff_multiplier);
        int64_t prev = 0;
        for (uint32_t n = 1; n < 80; ++n) {
            int64_t d = backoff_delay(s, n);
            CAPTURE(n);
            REQUIRE(d >= prev);
            REQUIRE(d <= s.max_restart_delay_ms);
            if (n == 1) REQUIRE(d == s.restart_delay_ms);
            prev = d;
        }
        if (s.restart_delay_ms > 0 && s.backoff_multiplier >= 2.0) CHECK(prev == s.max_restart_delay_ms);
    }
}

TEST_CASE("decide_restart: every type x policy x exit kind") {
    struct exit_case {
        const char *name;
        exit_info e;
        bool clean;
    };
    const exit_case exits[] = {
        {"code 0", clean_exit(10), true},       {"code 1", crash(10), false},
        {"code 255", exit_info{255, 0, 10}, false}, {"SIGKILL", killed(9, 10), false},
        {"SIGTERM", killed(15, 10), false},     {"code 0 + signal", exit_info{0, 15, 10}, false},
    };
    const app_type types[] = {app_type::daemon, app_type::once, app_type::cron};
    const restart_policy policies[] = {restart_policy::always, restart_policy::on_failure, restart_policy::never};
    for (auto t : types)
        for (auto p : policies)
            for (const auto &x : exits) {
                app_spec s;
                s.type = t;
                s.restart = p;
                restart_history h;
                INFO(to_string(t), " / ", to_string(p), " / ", std::string(x.name));
                verdict v = decide_restart(s, h, x.e, 1'000'000);
                verdict_kind want;
                if (t == app_type::once) want = verdict_kind::final;        // runs to completion
                else if (t == app_type::cron) want = verdict_kind::schedule; // waits for the next fire
                else if (p == restart_policy::always || (p == restart_policy::on_failure && !x.clean))
                    want = verdict_kind::later; // a 10 ms run is unstable: the first backoff step
                else want = verdict_kind::final;
                CHECK(std::string(kind_name(v.kind)) == kind_name(want));
                if (want == verdict_kind::later) {
                    CHECK(v.delay_ms == 100);
                    CHECK(h.total == 1);
                    CHECK(h.unstable == 1);
                    CHECK(h.recent_ms.size() == 1);
                } else {
                    CHECK(v.delay_ms == 0);
                    CHECK(h.total == 0); // no restart: nothing recorded
                    CHECK(h.unstable == 0);
                    CHECK(h.recent_ms.empty());
                }
                CHECK(x.e.clean() == x.clean);
            }
}

TEST_CASE("decide_restart: the backoff grows with unstable runs and min_uptime resets it") {
    app_spec s; // min_uptime 1000, 100 ms x2, no window pressure with max_restarts 0
    s.max_restarts = 0;
    restart_history h;
    struct step {
        int64_t uptime;
        const char *want;
        uint32_t unstable;
    };
    const step steps[] = {
        {10, "later(100)", 1},    {999, "later(200)", 2},   {0, "later(400)", 3},   {500, "later(800)", 4},
        {1000, "now(0)", 0},      // exactly min_uptime: stable, restart at once, backoff reset
        {20, "later(100)", 1},    {30, "later(200)", 2},    {86'400'000, "now(0)", 0},
        {1, "later(100)", 1},
    };
    int64_t now = 0;
    int i = 0;
    for (const auto &st : steps) {
        now += 5000;
        CAPTURE(i);
        CAPTURE(st.uptime);
        verdict v = decide_restart(s, h, crash(st.uptime), now);
        CHECK(show(v) == st.want);
        CHECK(h.unstable == st.unstable);
        ++i;
    }
    CHECK(h.total == uint32_t(sizeof steps / sizeof steps[0]));
}

TEST_CASE("decide_restart: min_uptime 0 makes every run stable; restart_delay 0 restarts at once") {
    {
        app_spec s;
        s.min_uptime_ms = 0;
        restart_history h;
        for (int i = 0; i < 5; ++i) CHECK(show(decide_restart(s, h, crash(0), i * 10'000)) == "now(0)");
    }
    {
        app_spec s;
        s.restart_delay_ms = 0;
        restart_history h;
        for (int i = 0; i < 5; ++i) CHECK(show(decide_restart(s, h, crash(5), i * 10'000)) == "now(0)");
        CHECK(h.unstable == 5);
        CHECK(h.total == 5);
    }
}

TEST_CASE("decide_restart: max_restarts restarts are allowed inside the window, the next exit gives up") {
    for (uint32_t max : {1u, 2u, 3u, 15u}) {
        app_spec s;
        s.max_restarts = max;
        s.restart_window_ms = 60'000;
        restart_history h;
        CAPTURE(max);
        for (uint32_t i = 0; i < max; ++i) {
            CAPTURE(i);
            verdict v = decide_restart(s, h, crash(10), 1000 + i);
            CHECK(v.kind == verdict_kind::later);
        }
        CHECK(h.total == max);
        verdict v = decide_restart(s, h, crash(10), 1000 + max);
        CHECK(show(v) == "give_up(0)");
        CHECK(h.total == max); // giving up is not a restart
        // Still inside the window: still given up.
        CHECK(decide_restart(s, h, crash(10), 1000 + 59'000).kind == verdict_kind::give_up);
    }
}

TEST_CASE("decide_restart: the defaults give up on the 16th crash within 5 minutes") {
    app_spec s; // 15 in 300000 ms
    restart_history h;
    int64_t now = 0;
    for (int i = 0; i < 15; ++i) {
        verdict v = decide_restart(s, h, crash(10), now);
        CAPTURE(i);
        REQUIRE(v.kind == verdict_kind::later);
        now += v.delay_ms + 10; // the backoff runs, the process lives 10 ms
    }
    CHECK(now < 300'000);
    CHECK(decide_restart(s, h, crash(10), now).kind == verdict_kind::give_up);
}

TEST_CASE("decide_restart: restarts older than the window no longer count") {
    app_spec s;
    s.max_restarts = 3;
    s.restart_window_ms = 1000;
    s.min_uptime_ms = 0; // restart at once, to keep the arithmetic on the window
    restart_history h;
    CHECK(decide_restart(s, h, crash(0), 0).kind == verdict_kind::now);
    CHECK(decide_restart(s, h, crash(0), 10).kind == verdict_kind::now);
    CHECK(decide_restart(s, h, crash(0), 20).kind == verdict_kind::now);
    CHECK(decide_restart(s, h, crash(0), 999).kind == verdict_kind::give_up); // all three inside
    restart_history h2 = h;
    // 1001 ms after the first: it has left the window, one slot is free again.
    CHECK(decide_restart(s, h, crash(0), 1001).kind == verdict_kind::now);
    CHECK(decide_restart(s, h, crash(0), 1002).kind == verdict_kind::give_up); // 10, 20, 1001 inside
    CHECK(decide_restart(s, h, crash(0), 1021).kind == verdict_kind::now);     // 10 and 20 left
    CHECK(decide_restart(s, h, crash(0), 1022).kind == verdict_kind::now);     // 1001, 1021 inside
    CHECK(decide_restart(s, h, crash(0), 1023).kind == verdict_kind::give_up); // 1001, 1021, 1022
    CHECK(h.total == 6);
    // Long after everything: three again.
    for (int i = 0; i < 3; ++i) CHECK(decide_restart(s, h2, crash(0), 100'000 + i).kind == verdict_kind::now);
    CHECK(decide_restart(s, h2, crash(0), 100'003).kind == verdict_kind::give_up);
}

TEST_CASE("decide_restart: stable runs count in the window too (a flapping app is given up on)") {
    app_spec s;
    s.max_restarts = 3;
    s.restart_window_ms = 300'000;
    restart_history h;
    for (int i = 0; i < 3; ++i) CHECK(show(decide_restart(s, h, crash(5000), (i + 1) * 6000)) == "now(0)");
    CHECK(decide_restart(s, h, crash(5000), 24'000).kind == verdict_kind::give_up);
    // One crash an hour is never given up on.
    restart_history hourly;
    for (int i = 0; i < 50; ++i) CHECK(decide_restart(s, hourly, crash(3'600'000), int64_t(i) * 3'600'000).kind == verdict_kind::now);
    CHECK(hourly.total == 50);
    CHECK(hourly.recent_ms.size() <= 3);
}

TEST_CASE("decide_restart: window 0 never forgets; max_restarts 0 is unlimited") {
    {
        app_spec s;
        s.max_restarts = 2;
        s.restart_window_ms = 0; // no window: every restart since the last reset counts
        s.min_uptime_ms = 0;
        restart_history h;
        CHECK(decide_restart(s, h, crash(0), 0).kind == verdict_kind::now);
        CHECK(decide_restart(s, h, crash(0), 1'000'000'000).kind == verdict_kind::now);
        CHECK(decide_restart(s, h, crash(0), 2'000'000'000'000).kind == verdict_kind::give_up);
        h.reset();
        CHECK(decide_restart(s, h, crash(0), 3'000'000'000'000).kind == verdict_kind::now);
    }
    {
        app_spec s;
        s.max_restarts = 0;
        s.restart_window_ms = 300'000;
        restart_history h;
        for (int i = 0; i < 10'000; ++i) {
            verdict v = decide_restart(s, h, crash(1), i);
            if (v.kind != verdict_kind::later) {
                CAPTURE(i);
                FAIL("expected later, got ", show(v));
            }
        }
        CHECK(h.total == 10'000);
        CHECK(h.unstable == 10'000);
        CHECK(h.recent_ms.size() <= 1); // nothing to count: the window is not kept
        CHECK(backoff_delay(s, h.unstable) == 30'000);
    }
}

TEST_CASE("decide_restart: total counts automatic restarts only; reset zeroes everything") {
    app_spec s;
    s.restart = restart_policy::on_failure;
    s.max_restarts = 2;
    s.restart_window_ms = 1'000'000;
    restart_history h;
    CHECK(decide_restart(s, h, crash(10), 1).kind == verdict_kind::later);       // 1
    CHECK(decide_restart(s, h, clean_exit(10), 2).kind == verdict_kind::final);  // not a restart
    CHECK(decide_restart(s, h, crash(5000), 3).kind == verdict_kind::now);       // 2
    CHECK(decide_restart(s, h, crash(10), 4).kind == verdict_kind::give_up);     // not a restart
    CHECK(h.total == 2);
    CHECK(h.recent_ms.size() == 2);
    h.reset();
    CHECK(h.total == 0);
    CHECK(h.unstable == 0);
    CHECK(h.recent_ms.empty());
    CHECK(show(decide_restart(s, h, crash(10), 5)) == "later(100)");
    CHECK(h.total == 1);
}
