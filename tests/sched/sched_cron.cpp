// SPDX-License-Identifier: MIT
// Cron jobs: a per-second schedule fires, next/last run are reported, the overlap policies
// (skip, allow, replace) behave, run-now works, follows the overlap policy and is recorded,
// @reboot runs at start, a tick fires once, and allow runs are capped.
#include "integ.hpp"

using namespace integ;

namespace {

alter::context make(const temp_dir &dir) {
    auto ctx = alter::context::create({.log_dir = dir / "logs"});
    REQUIRE(ctx.ok());
    return std::move(ctx).value();
}

json runs_of(alter::context &ctx, const std::string &name) {
    auto r = ctx.runs(name);
    REQUIRE(r.ok());
    return json::parse(*r)["runs"];
}

std::string cron_job(const std::string &name, const std::string &script, const std::string &overlap,
                     const std::string &expr = "* * * * * *") {
    return R"({"name":")" + name + R"(","command":"/bin/sh","args":["-c",")" + script + R"("],"cron":")" + expr +
           R"(","overlap":")" + overlap + R"("})";
}

} // namespace

TEST_CASE("a per-second cron job fires, with next_run and last_run in the list") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    REQUIRE(ctx.add(cron_job("tick", "echo tick", "skip")).ok());
    // Started = scheduled: waiting for the next fire.
    auto list = json::parse(*ctx.list())["processes"][0];
    CHECK(list["type"].str() == "cron");
    CHECK(list["status"].str() == "waiting");
    CHECK(list["next_run"].i() > 0);
    // Two runs within a few seconds.
    REQUIRE(ev.wait_to("tick", alter::state::running, 2, 5000ms));
    REQUIRE(eventually([&] { return runs_of(ctx, "tick").size() >= 2 && !runs_of(ctx, "tick")[0]["running"].b; }, 5000ms));
    auto runs = runs_of(ctx, "tick");
    CHECK(runs[0]["exit_code"].i() == 0); // newest first
    CHECK(runs[0]["trigger"].str() == "cron");
    auto after = json::parse(*ctx.list())["processes"][0];
    CHECK(after["last_run"].i() > 0);
    CHECK(after["next_run"].i() >= after["last_run"].i());
    // The events carry the schedule too.
    bool saw_next = false;
    for (const auto &e : ev.states("tick"))
        if (e.parsed().has("next_run")) saw_next = true;
    CHECK(saw_next);
    // Stopped: no more runs.
    REQUIRE(ctx.stop("tick").ok());
    REQUIRE(ctx.wait("tick", {alter::state::stopped}, 5000ms).ok());
    CHECK(json::parse(*ctx.list())["processes"][0]["next_run"].is_null());
}

TEST_CASE("overlap skip: a tick while the job runs is skipped and recorded") {
    temp_dir dir;
    auto ctx = make(dir);
    REQUIRE(ctx.add(cron_job("slow", "sleep 2.5", "skip")).ok());
    REQUIRE(eventually([&] {
        auto runs = runs_of(ctx, "slow");
        for (size_t i = 0; i < runs.size(); ++i)
            if (runs[i]["trigger"].str().find("skipped") != std::string::npos) return true;
        return false;
    }, 6000ms));
    // Only one process at a time.
    auto procs = json::parse(*ctx.list())["processes"];
    CHECK(procs.size() == 1);
}

TEST_CASE("overlap allow: a second run starts next to the first") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    REQUIRE(ctx.add(cron_job("both", "echo start; sleep 2.5", "allow")).ok());
    // A transient run "both#1" starts while "both" still runs.
    REQUIRE(ev.wait_count([](const rec_event &e) {
        return e.kind == ALTER_EVENT_STATE && e.instance.rfind("both#", 0) == 0 && e.to == alter::state::running;
    }, 1, 6000ms));
    auto procs = json::parse(*ctx.list())["processes"];
    int running = 0;
    for (size_t i = 0; i < procs.size(); ++i)
        if (procs[i]["status"].str() == "running") ++running;
    CHECK(running >= 2);
    // Both runs are in the history; the extra run goes away once it has finished.
    REQUIRE(ctx.stop("both").ok());
    REQUIRE(eventually([&] { return json::parse(*ctx.list())["processes"].size() == 1; }, 8000ms));
}

TEST_CASE("overlap replace: a tick while the job runs restarts it") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    REQUIRE(ctx.add(cron_job("fresh", "sleep 10", "replace")).ok());
    REQUIRE(ev.wait_to("fresh", alter::state::running, 2, 6000ms));
    // The first run ended by the stop signal before the second started.
    auto runs = runs_of(ctx, "fresh");
    bool killed = false;
    for (size_t i = 0; i < runs.size(); ++i)
        if (runs[i]["signal"].str() == "SIGTERM") killed = true;
    CHECK(killed);
    CHECK(json::parse(*ctx.list())["processes"].size() == 1);
    // The new run is recorded as a cron run (not as "stopped", the restart's own reason).
    CHECK(runs[0]["trigger"].str() == "cron (replace)");
    CHECK(runs[runs.size() - 1]["trigger"].str() == "cron");
    // Run now on a busy replace job replaces it too.
    REQUIRE(ctx.run("fresh").ok());
    REQUIRE(eventually([&] { return runs_of(ctx, "fresh")[0]["trigger"].str() == "manual (replace)"; }, 5000ms));
}

TEST_CASE("run now: a job runs at once, recorded as manual; busy + skip is refused") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    // Far in the future: only run-now makes it run.
    REQUIRE(ctx.add(cron_job("nightly", "echo backup; sleep 1", "skip", "0 3 1 1 *")).ok());
    REQUIRE(ctx.run("nightly").ok());
    REQUIRE(ev.wait_to("nightly", alter::state::running, 1, 3000ms));
    auto busy = ctx.run("nightly");
    CHECK(!busy.ok());
    if (!busy.ok()) CHECK(busy.error().code == ALTER_EBUSY);
    REQUIRE(eventually([&] {
        auto runs = runs_of(ctx, "nightly");
        return runs.size() >= 1 && !runs[0]["running"].b;
    }, 5000ms));
    CHECK(runs_of(ctx, "nightly")[0]["trigger"].str() == "manual");
    CHECK(runs_of(ctx, "nightly")[0]["exit_code"].i() == 0);
    // Back to waiting for 03:00 on 1 January.
    CHECK(json::parse(*ctx.list())["processes"][0]["status"].str() == "waiting");
}

TEST_CASE("@reboot runs once when started, then waits without a next run") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    REQUIRE(ctx.add(cron_job("boot", "echo booted", "skip", "@reboot")).ok());
    REQUIRE(ev.wait_to("boot", alter::state::running, 1, 3000ms));
    REQUIRE(ctx.wait("boot", {alter::state::waiting}, 3000ms).ok());
    auto p = json::parse(*ctx.list())["processes"][0];
    CHECK(p["next_run"].is_null());
    CHECK(runs_of(ctx, "boot").size() == 1);
}

TEST_CASE("an invalid cron expression is refused with the field named") {
    temp_dir dir;
    auto ctx = make(dir);
    // The spec is valid JSON; the expression is checked when the job is added.
    auto r = ctx.add(cron_job("bad", "true", "skip", "0 25 * * *"));
    REQUIRE(!r.ok());
    CHECK(r.error().code == ALTER_ESPEC);
    CHECK(r.error().message.find("hour") != std::string::npos);
}

TEST_CASE("a tick fires once: runs are a second apart, and the events carry the next run") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    REQUIRE(ctx.add(cron_job("once_a_tick", "true", "skip")).ok());
    REQUIRE(ev.wait_to("once_a_tick", alter::state::running, 3, 6000ms));
    REQUIRE(ctx.stop("once_a_tick").ok());
    auto runs = runs_of(ctx, "once_a_tick");
    REQUIRE(runs.size() >= 3);
    for (size_t i = 0; i + 1 < runs.size(); ++i) // newest first; a doubled tick would be ~0-5 ms apart
        CHECK(runs[i]["start_ms"].i() - runs[i + 1]["start_ms"].i() >= 900);
    // A run's events announce the tick after it, not the one that started it.
    for (const auto &e : ev.states("once_a_tick"))
        if (e.to == alter::state::running) CHECK(e.parsed()["next_run"].i() > e.time_ms);
}

TEST_CASE("run now follows overlap = allow: an extra run, up to the cap") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    REQUIRE(ctx.add(cron_job("par", "sleep 5", "allow", "0 3 1 1 *")).ok());
    REQUIRE(ctx.run("par").ok());
    REQUIRE(ev.wait_to("par", alter::state::running, 1, 3000ms));
    // Busy: each run now starts a parallel run, at most app::max_extra_runs (8) of them.
    for (int i = 0; i < 8; ++i) {
        auto r = ctx.run("par");
        REQUIRE(r.ok());
        CHECK(*r == 1);
    }
    auto capped = ctx.run("par");
    REQUIRE(!capped.ok());
    CHECK(capped.error().code == ALTER_EBUSY);
    CHECK(capped.error().message.find("8 extra runs") != std::string::npos);
    size_t running = 0;
    auto procs = json::parse(*ctx.list())["processes"];
    for (size_t i = 0; i < procs.size(); ++i)
        if (procs[i]["status"].str() == "running") ++running;
    CHECK(running == 9);
    size_t manual = 0;
    auto runs = runs_of(ctx, "par");
    for (size_t i = 0; i < runs.size(); ++i)
        if (runs[i]["trigger"].str() == "manual (overlap)") ++manual;
    CHECK(manual == 8);
    REQUIRE(ctx.stop("par").ok());
    REQUIRE(eventually([&] { return json::parse(*ctx.list())["processes"].size() == 1; }, 10000ms));
}
