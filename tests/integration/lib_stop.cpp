// SPDX-License-Identifier: MIT
// Stopping with real processes: the whole tree dies, SIGKILL after the kill timeout, the
// configured stop signal, and the exit code / signal of every run.
#include "integ.hpp"

#include <cstdio>

using namespace integ;
using alter::state;

TEST_CASE("stop kills grandchildren, including one that left the process group") {
    temp_dir dir;
    event_recorder ev;
    line_recorder lines;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    lines.attach(ctx, "tree");
    auto s = helper_app("tree", "grandchild", {"detach"});
    s.kill_timeout = 3000ms;
    REQUIRE(ctx.add(s).ok());
    std::string l = lines.wait_prefix("tree", "pids ");
    REQUIRE_MESSAGE(!l.empty(), "no pids line from the helper");
    int self = 0, child = 0, detached = 0;
    REQUIRE(std::sscanf(l.c_str(), "pids %d %d %d", &self, &child, &detached) == 3);
    CHECK(self == process_of(ctx, "tree")["pid"].i());
    CHECK_FALSE(pid_gone(child));
    CHECK_FALSE(pid_gone(detached));
    CHECK(::getpgid(self) == self);
    CHECK(::getpgid(child) == self);
    CHECK(::getpgid(detached) == detached); // really outside the group

    auto t0 = steady::now();
    REQUIRE(ctx.stop("tree").ok());
    wait_state(ctx, "tree", {state::stopped});
    bool all_gone = eventually([&] { return pid_gone(self) && pid_gone(child) && pid_gone(detached); }, 3000ms);
    CHECK_MESSAGE(all_gone, "still alive: self " << !pid_gone(self) << ", child " << !pid_gone(child)
                                                 << ", detached " << !pid_gone(detached));
    // SIGTERM was enough for all of them: no wait for the kill timeout.
    CHECK(elapsed_ms(t0, steady::now()) < 2500);
}

TEST_CASE("a child ignoring SIGTERM is killed after kill_timeout") {
    temp_dir dir;
    event_recorder ev;
    line_recorder lines;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    lines.attach(ctx, "stubborn");
    auto s = helper_app("stubborn", "ignore_term");
    s.kill_timeout = 300ms;
    REQUIRE(ctx.add(s).ok());
    REQUIRE(lines.wait_prefix("stubborn", "ready") == "ready"); // SIGTERM is ignored from here on

    auto t0 = steady::now();
    REQUIRE(ctx.stop("stubborn").ok());
    wait_state(ctx, "stubborn", {state::stopped});
    double took = elapsed_ms(t0, steady::now());
    auto st = ev.states("stubborn");
    REQUIRE(st.size() >= 2);
    const auto &stopping = st[st.size() - 2];
    const auto &stopped = st.back();
    CHECK(stopping.to == state::stopping);
    CHECK(stopped.from == state::stopping);
    CHECK(stopped.to == state::stopped);
    double gap = elapsed_ms(stopping.at, stopped.at);
    INFO("stop took " << took << " ms; stopping -> stopped " << gap << " ms");
    CHECK(took >= 295); // libuv timers have 1 ms granularity
    CHECK(gap >= 295);
    CHECK(took < 3000);
    CHECK(stopped.signal == SIGKILL);
    CHECK(stopped.parsed()["signal"].str() == "SIGKILL");
    auto p = process_of(ctx, "stubborn");
    CHECK(p["status"].str() == "stopped");
    CHECK(p["signal"].str() == "SIGKILL");
    CHECK(p["exit_code"].is_null());
}

TEST_CASE("stop_signal SIGINT is the signal the child receives") {
    temp_dir dir;
    event_recorder ev;
    line_recorder lines;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    lines.attach(ctx, "polite");
    auto s = helper_app("polite", "sigrecord");
    s.stop_signal = "SIGINT";
    s.kill_timeout = 5000ms;
    REQUIRE(ctx.add(s).ok());
    REQUIRE(lines.wait_prefix("polite", "ready") == "ready");
    REQUIRE(ctx.stop("polite").ok());
    wait_state(ctx, "polite", {state::stopped});
    CHECK(lines.wait_prefix("polite", "got signal", 2000ms) == "got signal " + std::to_string(SIGINT));
    auto last = ev.states("polite").back();
    CHECK(last.to == state::stopped);
    CHECK(last.exit_code == 0); // the helper exits 0 from its handler
    CHECK(last.signal == 0);
}

TEST_CASE("exit code and terminating signal are kept for every run") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make_context(dir);
    ev.attach(ctx);

    SUBCASE("exit code") {
        auto s = helper_app("code3", "exit_with", {"3"});
        s.restart = "never";
        REQUIRE(ctx.add(s).ok());
        wait_state(ctx, "code3", {state::crashed});
        auto e = ev.states("code3").back();
        CHECK(e.to == state::crashed);
        CHECK(e.exit_code == 3);
        CHECK(e.signal == 0);
        CHECK(e.parsed()["exit_code"].i() == 3);
        CHECK_FALSE(e.parsed().has("signal"));
        auto p = process_of(ctx, "code3");
        CHECK(p["exit_code"].i() == 3);
        CHECK(p["signal"].is_null());
    }
    SUBCASE("signal") {
        auto s = helper_app("segv", "crash", {"SEGV"});
        s.restart = "never";
        REQUIRE(ctx.add(s).ok());
        wait_state(ctx, "segv", {state::crashed});
        auto e = ev.states("segv").back();
        CHECK(e.signal == SIGSEGV);
        CHECK(e.exit_code == -1);
        CHECK(e.parsed()["signal"].str() == "SIGSEGV");
        auto p = process_of(ctx, "segv");
        CHECK(p["signal"].str() == "SIGSEGV");
        CHECK(p["exit_code"].is_null());
    }
    SUBCASE("every run of a restarting app") {
        auto s = helper_app("seven", "exit_with", {"7"});
        s.restart_delay = 0ms;
        s.max_restarts = 2;
        REQUIRE(ctx.add(s).ok());
        wait_state(ctx, "seven", {state::errored});
        auto crashes = ev.count_to("seven", state::crashed);
        CHECK(crashes == 3);
        for (const auto &e : ev.states("seven"))
            if (e.to == state::crashed) CHECK(e.exit_code == 7);
        auto p = process_of(ctx, "seven");
        CHECK(p["exit_code"].i() == 7);
        CHECK(p["status"].str() == "errored");
    }
    SUBCASE("a stopped process keeps SIGTERM") {
        auto s = helper_app("term", "sleeper");
        REQUIRE(ctx.add(s).ok());
        wait_state(ctx, "term", {state::running});
        REQUIRE(ctx.stop("term").ok());
        wait_state(ctx, "term", {state::stopped});
        auto p = process_of(ctx, "term");
        CHECK(p["signal"].str() == "SIGTERM");
        CHECK(p["pid"].i() == 0);
        CHECK(ev.states("term").back().signal == SIGTERM);
    }
}

TEST_CASE("restart replaces the process and counts it") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    REQUIRE(ctx.add(helper_app("again", "sleeper")).ok());
    wait_state(ctx, "again", {state::running});
    int pid0 = static_cast<int>(process_of(ctx, "again")["pid"].i());
    auto r = ctx.restart("again");
    REQUIRE(r.ok());
    CHECK(*r == 1);
    REQUIRE(ev.wait_to("again", state::running, 2));
    auto p = process_of(ctx, "again");
    CHECK(p["pid"].i() != pid0);
    CHECK(p["restarts"].i() == 1);
    CHECK(pid_gone(pid0));
    std::string path;
    for (const auto &e : ev.states("again")) path += std::string(alter::to_string(e.to)) + " ";
    CHECK(path == "starting running stopping starting running ");
}

TEST_CASE("disable stops an app and keeps it from starting; enable allows it again") {
    temp_dir dir;
    auto ctx = make_context(dir);
    REQUIRE(ctx.add(helper_app("toggle", "sleeper")).ok());
    wait_state(ctx, "toggle", {state::running});
    int pid = static_cast<int>(process_of(ctx, "toggle")["pid"].i());
    REQUIRE(ctx.enable("toggle", false).ok());
    wait_state(ctx, "toggle", {state::disabled});
    CHECK(pid_gone(pid));
    auto st = ctx.start("toggle");
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == ALTER_ESTATE);
    REQUIRE(ctx.enable("toggle", true).ok());
    CHECK(status_of(ctx, "toggle") == "stopped");
    REQUIRE(ctx.start("toggle").ok());
    wait_state(ctx, "toggle", {state::running});
}

TEST_CASE("remove stops a running app; the name can be used again at once") {
    temp_dir dir;
    line_recorder lines;
    auto ctx = make_context(dir);
    lines.attach(ctx, "gone");
    auto s = helper_app("gone", "ignore_term");
    s.kill_timeout = 200ms;
    REQUIRE(ctx.add(s).ok());
    REQUIRE(lines.wait_prefix("gone", "ready") == "ready");
    int pid = static_cast<int>(process_of(ctx, "gone")["pid"].i());
    auto r = ctx.remove("gone");
    REQUIRE(r.ok());
    CHECK(*r == 1);
    CHECK(process_of(ctx, "gone").is_null());
    auto w = ctx.wait("gone", {state::stopped}, 1000ms);
    REQUIRE_FALSE(w.ok());
    CHECK(w.error().code == ALTER_ENOTFOUND);
    CHECK(eventually([&] { return pid_gone(pid); }, 3000ms));
    REQUIRE(ctx.add(helper_app("gone", "sleeper")).ok());
    wait_state(ctx, "gone", {state::running});
}

// Regression: a re-parented orphan that ignored SIGTERM outlived the stop (its parent had exited,
// so it was no longer a descendant, and the leader's exit cancelled the kill timer).
TEST_CASE("stop kills an orphan left in the group that ignores SIGTERM, after kill_timeout") {
    temp_dir dir;
    event_recorder ev;
    line_recorder lines;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    lines.attach(ctx, "orphaner");
    auto s = helper_app("orphaner", "orphan", {"ignore"});
    s.kill_timeout = 400ms;
    REQUIRE(ctx.add(s).ok());
    std::string l = lines.wait_prefix("orphaner", "orphan ");
    int orphan = 0;
    REQUIRE(std::sscanf(l.c_str(), "orphan %d", &orphan) == 1);
    REQUIRE(lines.wait_prefix("orphaner", "ready") == "ready");
    int leader = static_cast<int>(process_of(ctx, "orphaner")["pid"].i());
    CHECK(::getpgid(orphan) == leader);

    auto t0 = steady::now();
    REQUIRE(ctx.stop("orphaner").ok());
    wait_state(ctx, "orphaner", {state::stopped});
    double took = elapsed_ms(t0, steady::now());
    CHECK(took >= 395); // it ignored SIGTERM: only the kill timeout ends it
    CHECK(took < 3000);
    CHECK(eventually([&] { return pid_gone(orphan); }, 2000ms));
}

TEST_CASE("descendants that outlive the leader get the kill timeout to finish, not SIGKILL at once") {
    temp_dir dir;
    line_recorder lines;
    auto ctx = make_context(dir);
    lines.attach(ctx, "graceful");
    auto s = helper_app("graceful", "orphan", {"graceful", "300"});
    s.kill_timeout = 5000ms;
    REQUIRE(ctx.add(s).ok());
    std::string l = lines.wait_prefix("graceful", "orphan ");
    int orphan = 0;
    REQUIRE(std::sscanf(l.c_str(), "orphan %d", &orphan) == 1);
    REQUIRE(lines.wait_prefix("graceful", "ready") == "ready");

    auto t0 = steady::now();
    REQUIRE(ctx.stop("graceful").ok());
    // Still stopping while the orphan finishes its work.
    CHECK(status_of(ctx, "graceful") == "stopping");
    wait_state(ctx, "graceful", {state::stopped});
    double took = elapsed_ms(t0, steady::now());
    CHECK(took >= 290);
    CHECK(took < 4000);
    CHECK(lines.wait_prefix("graceful", "flushed") == "flushed"); // its last words reached the log
    CHECK(pid_gone(orphan));
}
