// SPDX-License-Identifier: MIT
// Restart behaviour with real processes: backoff delays, stable runs, restart policies,
// max_restarts, and user stops that autorestart never undoes.
#include "integ.hpp"

using namespace integ;
using alter::state;

namespace {

/// The state events of `inst` as a compact string ("running>crashed crashed>waiting ..."), for
/// failure messages.
std::string trace(const event_recorder &ev, std::string_view inst) {
    std::string out;
    for (const auto &e : ev.states(inst)) out += std::string(alter::to_string(e.from)) + ">" + alter::to_string(e.to) + " ";
    return out;
}

/// For each `crashed` (or `exited`) event: the time to the next `running` event and the delay_ms of
/// the `waiting` event in between (0 if the restart was immediate).
struct restart_gap {
    double gap_ms;
    long long delay_ms;
    std::string path; // states from the exit to running
};
std::vector<restart_gap> restart_gaps(const std::vector<rec_event> &st) {
    std::vector<restart_gap> out;
    for (size_t i = 0; i < st.size(); ++i) {
        if (st[i].to != state::crashed && st[i].to != state::exited) continue;
        restart_gap g{-1, 0, alter::to_string(st[i].to)};
        for (size_t j = i + 1; j < st.size(); ++j) {
            g.path += std::string(">") + alter::to_string(st[j].to);
            if (st[j].to == state::waiting) g.delay_ms = st[j].parsed()["delay_ms"].i();
            if (st[j].to == state::running) {
                g.gap_ms = elapsed_ms(st[i].at, st[j].at);
                break;
            }
            if (st[j].to == state::stopped) break;
        }
        if (g.gap_ms >= 0) out.push_back(g);
    }
    return out;
}

} // namespace

TEST_CASE("a crash restarts after restart_delay, growing by backoff_multiplier") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    auto s = helper_app("crasher", "crash", {"SEGV"});
    s.restart = "always";
    s.restart_delay = 100ms;
    s.backoff_multiplier = 2.0;
    s.min_uptime = 10000ms;
    s.max_restarts = 100;
    REQUIRE(ctx.add(s).ok());
    REQUIRE_MESSAGE(ev.wait_to("crasher", state::running, 4), trace(ev, "crasher"));
    REQUIRE(ctx.stop("crasher").ok());
    wait_state(ctx, "crasher", {state::stopped});

    auto gaps = restart_gaps(ev.states("crasher"));
    INFO(trace(ev, "crasher"));
    REQUIRE(gaps.size() >= 3);
    const long long want[3] = {100, 200, 400};
    for (size_t k = 0; k < 3; ++k) {
        INFO("restart " << k + 1 << ": gap " << gaps[k].gap_ms << " ms, path " << gaps[k].path);
        CHECK(gaps[k].path == "crashed>waiting>starting>running");
        CHECK(gaps[k].delay_ms == want[k]);
        CHECK(gaps[k].gap_ms >= static_cast<double>(want[k]) - 10);
        CHECK(gaps[k].gap_ms < static_cast<double>(want[k]) + 900); // generous: shared machines
    }
    CHECK(gaps[1].gap_ms > gaps[0].gap_ms);
    CHECK(gaps[2].gap_ms > gaps[1].gap_ms);
    // Every crash event carries the signal; the restart counter grows by one per restart.
    uint32_t last_restarts = 0;
    for (const auto &e : ev.states("crasher")) {
        if (e.to != state::crashed) continue;
        CHECK(e.signal == SIGSEGV);
        CHECK(e.exit_code == -1);
        CHECK(e.parsed()["signal"].str() == "SIGSEGV");
        CHECK(e.restarts >= last_restarts);
        last_restarts = e.restarts;
    }
}

TEST_CASE("a stable run restarts at once and resets the backoff") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    // Runs 0 and 1 fail at once, run 2 lasts 400 ms (>= min_uptime 300 ms: stable), then fast again.
    auto s = helper_app("flaky", "stamp", {dir / "starts", "1", "0,0,400,0"});
    s.restart_delay = 200ms;
    s.backoff_multiplier = 2.0;
    s.min_uptime = 300ms;
    s.max_restarts = 100;
    REQUIRE(ctx.add(s).ok());
    REQUIRE_MESSAGE(ev.wait_to("flaky", state::running, 5), trace(ev, "flaky"));
    REQUIRE(ctx.stop("flaky").ok());
    wait_state(ctx, "flaky", {state::stopped});

    auto gaps = restart_gaps(ev.states("flaky"));
    INFO(trace(ev, "flaky"));
    REQUIRE(gaps.size() >= 4);
    CHECK(gaps[0].delay_ms == 200);
    CHECK(gaps[1].delay_ms == 400);
    // After the stable run: no waiting state, and far quicker than the restart delay.
    CHECK(gaps[2].path == "crashed>starting>running");
    CHECK(gaps[2].delay_ms == 0);
    CHECK(gaps[2].gap_ms < 100);
    // The backoff starts over at restart_delay.
    CHECK(gaps[3].delay_ms == 200);
    CHECK(gaps[3].gap_ms >= 190);
}

TEST_CASE("restart policies") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    auto add = [&](std::string name, std::string policy, std::string_view program, std::vector<std::string> args) {
        auto s = helper_app(std::move(name), program, std::move(args));
        s.restart = std::move(policy);
        s.restart_delay = 50ms;
        REQUIRE(ctx.add(s).ok());
    };

    SUBCASE("never: a crash stays crashed") {
        add("never", "never", "crash", {"SEGV"});
        wait_state(ctx, "never", {state::crashed});
        // The restart verdict is applied in the same loop turn as the exit: after a round trip
        // through the loop, a restart would already show.
        CHECK(status_of(ctx, "never") == "crashed");
        CHECK(ev.count_to("never", state::starting) == 1);
        CHECK(ev.count_to("never", state::waiting) == 0);
    }
    SUBCASE("on-failure: exit 0 is not restarted") {
        add("clean", "on-failure", "exit_with", {"0"});
        wait_state(ctx, "clean", {state::exited});
        CHECK(status_of(ctx, "clean") == "exited");
        CHECK(ev.count_to("clean", state::starting) == 1);
        CHECK(process_of(ctx, "clean")["exit_code"].i() == 0);
    }
    SUBCASE("on-failure: exit 1 is restarted") {
        add("fail", "on-failure", "exit_with", {"1"});
        CHECK_MESSAGE(ev.wait_to("fail", state::running, 2), trace(ev, "fail"));
        CHECK(ev.count_to("fail", state::crashed) >= 1);
        REQUIRE(ctx.stop("fail").ok());
        wait_state(ctx, "fail", {state::stopped});
    }
    SUBCASE("always: exit 0 is restarted") {
        add("always", "always", "exit_with", {"0"});
        CHECK_MESSAGE(ev.wait_to("always", state::running, 2), trace(ev, "always"));
        CHECK(ev.count_to("always", state::exited) >= 1);
        REQUIRE(ctx.stop("always").ok());
        wait_state(ctx, "always", {state::stopped});
    }
}

TEST_CASE("max_restarts within the window ends in errored; reset leaves it; start works again") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    // Runs 0..3 fail at once; run 4 (after reset + start) keeps running.
    auto s = helper_app("giveup", "stamp", {dir / "starts", "1", "0,0,0,0,60000"});
    s.restart_delay = 0ms;
    s.max_restarts = 3;
    s.restart_window = 60000ms;
    REQUIRE(ctx.add(s).ok());
    wait_state(ctx, "giveup", {state::errored});
    auto p = process_of(ctx, "giveup");
    CHECK(p["status"].str() == "errored");
    CHECK(p["restarts"].i() == 3);
    CHECK(p["error"].str().find("gave up after 3 restarts") != std::string::npos);
    CHECK(ev.count_to("giveup", state::starting) == 4);
    auto errored = ev.states("giveup").back();
    CHECK(errored.to == state::errored);
    CHECK(errored.parsed()["error"].str().find("gave up") != std::string::npos);

    auto r = ctx.reset_counters("giveup");
    REQUIRE(r.ok());
    CHECK(*r == 1);
    CHECK(status_of(ctx, "giveup") == "stopped");
    CHECK(process_of(ctx, "giveup")["restarts"].i() == 0);

    REQUIRE(ctx.start("giveup").ok());
    wait_state(ctx, "giveup", {state::running});
    CHECK(process_of(ctx, "giveup")["restarts"].i() == 0);
    CHECK(eventually([&] { return split_lines(read_file(dir / "starts")).size() == 5; })); // run 4 is this one
    REQUIRE(ctx.stop("giveup").ok());
    wait_state(ctx, "giveup", {state::stopped});
}

TEST_CASE("a user stop is never undone by autorestart") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make_context(dir);
    ev.attach(ctx);

    SUBCASE("stop while running (restart = always)") {
        auto s = helper_app("busy", "sleeper");
        s.restart = "always";
        s.restart_delay = 0ms;
        REQUIRE(ctx.add(s).ok());
        wait_state(ctx, "busy", {state::running});
        REQUIRE(ctx.stop("busy").ok());
        wait_state(ctx, "busy", {state::stopped});
        CHECK(status_of(ctx, "busy") == "stopped"); // a round trip later: still stopped
        CHECK(ev.count_to("busy", state::starting) == 1);
        auto last = ev.states("busy").back();
        CHECK(last.from == state::stopping);
        CHECK(last.to == state::stopped);
        CHECK(last.signal == SIGTERM);
    }
    SUBCASE("stop while waiting in backoff") {
        auto s = helper_app("backoff", "crash", {"SEGV"});
        s.restart = "always";
        s.restart_delay = 300ms;
        REQUIRE(ctx.add(s).ok());
        wait_state(ctx, "backoff", {state::waiting});
        auto p = process_of(ctx, "backoff");
        CHECK(p["restart_in_ms"].i() >= 0);
        CHECK(p["restart_in_ms"].i() <= 300);
        auto n = ctx.stop("backoff");
        REQUIRE(n.ok());
        CHECK(*n == 1);
        CHECK(status_of(ctx, "backoff") == "stopped");
        // The backoff timer would have fired after 300 ms: nothing may start within 800 ms.
        bool restarted = eventually([&] { return ev.count_to("backoff", state::starting) > 1; }, 800ms, 20ms);
        CHECK_FALSE(restarted);
        CHECK(status_of(ctx, "backoff") == "stopped");
    }
}
