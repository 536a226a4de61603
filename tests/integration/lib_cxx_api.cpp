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
