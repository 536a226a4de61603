// SPDX-License-Identifier: MIT
// The header-only C++ API (alter.hpp) over the C ABI: what it returns must be what the C call
// returned.
#include "integ.hpp"

using namespace integ;
using alter::state;

// Regression: the wrappers of calls that return JSON through `char **ret_json` used to copy the
// pointer before the call had set it (unsequenced call arguments): they returned "" and leaked
// the string (fixed in alter.hpp's detail::take).
TEST_CASE("alter.hpp: JSON returned through an out-parameter reaches the caller") {
    temp_dir dir;
    auto ctx = make_context(dir);
    auto s = helper_app("cxx", "spew", {"3", "20", "out"});
    s.restart = "never";
    REQUIRE(ctx.add(s).ok());
    wait_state(ctx, "cxx", {state::exited});

    auto check_json = [](const char *what, const alter::result<std::string> &r, const char *key) {
        INFO(std::string(what));
        REQUIRE(r.ok());
        CHECK_FALSE(r->empty());
        if (!r->empty()) CHECK(json::parse(*r).has(key));
    };
    check_json("spec", ctx.spec("cxx"), "command");
    check_json("status_of", ctx.status_of("cxx"), "instances");
    check_json("runs", ctx.runs("cxx"), "runs");
    check_json("host_stats", ctx.host_stats(), "mem_total_bytes");
    check_json("read_logs", ctx.read_logs("cxx"), "lines");
    check_json("log_dates", ctx.log_dates("cxx"), "dates");
    check_json("apply", ctx.apply(R"({"apps":[]})"), "added");
}

TEST_CASE("alter.hpp: list() returns the list") {
    temp_dir dir;
    auto ctx = make_context(dir);
    REQUIRE(ctx.add(helper_app("one", "sleeper"), 0).ok());
    auto l = ctx.list();
    REQUIRE(l.ok());
    auto j = json::parse(*l);
    REQUIRE(j["processes"].size() == 1);
    CHECK(j["processes"][0]["name"].str() == "one");
    CHECK(j["processes"][0]["status"].str() == "stopped");
}

TEST_CASE("alter.hpp: every field of app_spec reaches the library and comes back") {
    temp_dir dir;
    auto ctx = make_context(dir);
    auto s = helper_app("full", "sleeper");
    s.args = {"1"};
    s.cwd = dir.path();
    s.ns = "team";
    s.restart = "on-failure";
    s.stop_signal = "SIGINT";
    s.instances = 2;
    s.max_restarts = 7;
    s.restart_delay = 150ms;
    s.max_restart_delay = 9000ms;
    s.min_uptime = 2000ms;
    s.restart_window = 60000ms;
    s.kill_timeout = 1234ms;
    s.backoff_multiplier = 3.0;
    s.enabled = true;
    s.env = {{"K", "v"}};
    s.log_max_size = 1024 * 1024;
    s.log_max_files = 3;
    s.log_retain_days = 9;
    s.watch = {"src"};
    s.watch_ignore = {"*.tmp"};
    s.watch_include = {"*.py"};
    s.watch_debounce = 250ms;
    REQUIRE(ctx.add(s, 0).ok());
    auto sp = ctx.spec("full");
    REQUIRE(sp.ok());
    json j = json::parse(*sp);
    CHECK(j["namespace"].str() == "team");
    CHECK(j["restart"].str() == "on-failure");
    CHECK(j["instances"].i() == 2);
    CHECK(j["max_restarts"].i() == 7);
    CHECK(j["restart_delay_ms"].i() == 150);
    CHECK(j["max_restart_delay_ms"].i() == 9000);
    CHECK(j["min_uptime_ms"].i() == 2000);
    CHECK(j["restart_window_ms"].i() == 60000);
    CHECK(j["kill_timeout_ms"].i() == 1234);
    CHECK(j["log_max_size"].i() == 1024 * 1024);
    CHECK(j["log_max_files"].i() == 3);
    CHECK(j["log_retain_days"].i() == 9);
    CHECK(j["watch"][0].str() == "src");
    CHECK(j["watch_ignore"][0].str() == "*.tmp");
    CHECK(j["watch_include"][0].str() == "*.py");
    CHECK(j["watch_debounce_ms"].i() == 250);
    CHECK(j["env"]["K"].str() == "v");
}
