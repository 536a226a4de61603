// SPDX-License-Identifier: MIT
// Apps with several instances: names, pids and logs of their own, scaling up and down, and 100
// instances at once.
#include "integ.hpp"

#include <map>
#include <set>

using namespace integ;
using alter::state;

namespace {

std::map<std::string, int> pids_of(alter::context &ctx, std::string_view app) {
    std::map<std::string, int> out;
    auto l = ctx.list();
    REQUIRE(l.ok());
    json j = json::parse(*l);
    for (const auto &p : j["processes"].items)
        if (p["app"].str() == app) out[p["name"].str()] = static_cast<int>(p["pid"].i());
    return out;
}

} // namespace

TEST_CASE("3 instances: names name-0..name-2, their own pid and logs") {
    temp_dir dir;
    auto ctx = make_context(dir);
    auto s = helper_app("web", "sleeper");
    s.instances = 3;
    auto n = ctx.add(s);
    REQUIRE(n.ok());
    CHECK(*n == 3);
    wait_state(ctx, "web", {state::running});
    auto pids = pids_of(ctx, "web");
    REQUIRE(pids.size() == 3);
    std::set<int> distinct;
    for (int i = 0; i < 3; ++i) {
        std::string name = "web-" + std::to_string(i);
        REQUIRE(pids.count(name) == 1);
        int pid = pids[name];
        CHECK(pid > 0);
        distinct.insert(pid);
        auto p = process_of(ctx, name);
        CHECK(p["app"].str() == "web");
        CHECK(p["instance"].i() == i);
        // Each instance logs into its own directory.
        std::string want = "sleeper pid=" + std::to_string(pid) + " instance=" + name;
        bool logged = eventually([&] {
            auto t = log_texts(log_path(dir, name));
            return !t.empty() && t[0] == want;
        });
        CHECK_MESSAGE(logged, name << ": " << read_file(log_path(dir, name)));
    }
    CHECK(distinct.size() == 3);
    // An instance is a target of its own.
    REQUIRE(ctx.stop("web-1").ok());
    wait_state(ctx, "web-1", {state::stopped});
    CHECK(status_of(ctx, "web-0") == "running");
    CHECK(status_of(ctx, "web-2") == "running");
}

TEST_CASE("scaling: update instances to 5 and back to 2") {
    temp_dir dir;
    auto ctx = make_context(dir);
    auto s = helper_app("scale", "sleeper");
    s.instances = 3;
    REQUIRE(ctx.add(s).ok());
    wait_state(ctx, "scale", {state::running});
    auto before = pids_of(ctx, "scale");

    auto up = ctx.update("scale", R"({"instances":5})");
    REQUIRE(up.ok());
    CHECK(*up == 2); // the two new instances were started
    wait_state(ctx, "scale", {state::running});
    auto five = pids_of(ctx, "scale");
    REQUIRE(five.size() == 5);
    for (const auto &[name, pid] : before) CHECK(five[name] == pid); // the old ones kept running
    CHECK(five.count("scale-3") == 1);
    CHECK(five.count("scale-4") == 1);

    REQUIRE(ctx.update("scale", R"({"instances":2})").ok());
    auto two = pids_of(ctx, "scale");
    REQUIRE(two.size() == 2);
    CHECK(two["scale-0"] == before["scale-0"]);
    CHECK(two["scale-1"] == before["scale-1"]);
    for (const char *gone : {"scale-2", "scale-3", "scale-4"}) {
        INFO(std::string(gone));
        int pid = five[gone];
        CHECK(eventually([&] { return pid_gone(pid); }));
        CHECK(process_of(ctx, gone).is_null());
    }
    CHECK(json::parse(*ctx.spec("scale"))["instances"].i() == 2);
}

TEST_CASE("scaling between 1 and N instances renames them: name <-> name-i") {
    temp_dir dir;
    auto ctx = make_context(dir);
    REQUIRE(ctx.add(helper_app("solo", "sleeper")).ok());
    wait_state(ctx, "solo", {state::running});
    int solo_pid = static_cast<int>(process_of(ctx, "solo")["pid"].i());

    auto up = ctx.update("solo", R"({"instances":3})");
    REQUIRE_MESSAGE(up.ok(), up.error().message);
    wait_state(ctx, "solo", {state::running});
    auto three = pids_of(ctx, "solo");
    CHECK(three.size() == 3);
    CHECK(three.count("solo") == 0);
    for (const char *name : {"solo-0", "solo-1", "solo-2"}) CHECK(three[name] > 0);
    CHECK(eventually([&] { return pid_gone(solo_pid); }));

    auto down = ctx.update("solo", R"({"instances":1})");
    REQUIRE_MESSAGE(down.ok(), down.error().message);
    wait_state(ctx, "solo", {state::running});
    auto one = pids_of(ctx, "solo");
    CHECK(one.size() == 1);
    CHECK(one["solo"] > 0);
    for (const auto &[name, pid] : three) {
        INFO(name);
        CHECK(eventually([&] { return pid_gone(pid); }));
    }
}

TEST_CASE("100 instances start and stop") {
    temp_dir dir;
    auto ctx = make_context(dir);
    auto s = helper_app("many", "sleeper");
    s.instances = 100;
    auto t0 = steady::now();
    auto n = ctx.add(s);
    REQUIRE(n.ok());
    CHECK(*n == 100);
    wait_state(ctx, "many", {state::running}, 30000ms);
    double started = elapsed_ms(t0, steady::now());
    auto pids = pids_of(ctx, "many");
    REQUIRE(pids.size() == 100);
    std::set<int> distinct;
    for (const auto &[name, pid] : pids) distinct.insert(pid);
    CHECK(distinct.size() == 100);

    auto t1 = steady::now();
    auto stopped_n = ctx.stop("many");
    REQUIRE(stopped_n.ok());
    CHECK(*stopped_n == 100);
    wait_state(ctx, "many", {state::stopped}, 30000ms);
    double stopped = elapsed_ms(t1, steady::now());
    MESSAGE("100 instances: running after " << started << " ms, stopped after " << stopped << " ms");
    CHECK(started < 20000);
    CHECK(stopped < 20000);
    for (const auto &[name, pid] : pids) CHECK(pid_gone(pid));
}

TEST_CASE("instance names cannot collide with another app's name") {
    temp_dir dir;
    auto ctx = make_context(dir);
    REQUIRE(ctx.add(helper_app("api-1", "sleeper"), 0).ok());
    auto s = helper_app("api", "sleeper");
    s.instances = 2;
    auto r = ctx.add(s, 0);
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(r.error().code == ALTER_EEXIST);

    // The same through scaling up.
    REQUIRE(ctx.add(helper_app("db-2", "sleeper"), 0).ok());
    auto d = helper_app("db", "sleeper");
    d.instances = 2;
    REQUIRE(ctx.add(d, 0).ok());
    auto u = ctx.update("db", R"({"instances":3})");
    CHECK_FALSE(u.ok());
}

TEST_CASE("stats: CPU and memory are summed over the whole process tree") {
    temp_dir dir;
    alter::context_options o;
    o.stats_interval = 200ms;
    auto ctx = make_context(dir, o);
    line_recorder lines;
    lines.attach(ctx, "hog");
    REQUIRE(ctx.add(helper_app("hog", "hog", {"2", "48"})).ok());
    REQUIRE(lines.wait_prefix("hog", "ready") == "ready");
    // The leader itself is tiny and idle: only the children's 2 x 48 MiB and their spinning
    // can make these figures.
    bool seen = eventually(
        [&] {
            auto p = process_of(ctx, "hog");
            return p["memory_bytes"].i() >= 90ll * 1024 * 1024 && p["cpu_percent"].n > 25.0;
        },
        10000ms, 50ms);
    auto p = process_of(ctx, "hog");
    INFO("memory_bytes " << p["memory_bytes"].i() << ", cpu_percent " << p["cpu_percent"].n);
    CHECK(seen);
    auto h = ctx.host_stats();
    REQUIRE(h.ok());
    json hj = json::parse(*h);
    CHECK(hj["cpus"].i() >= 1);
    CHECK(hj["mem_total_bytes"].i() > hj["mem_available_bytes"].i());
    REQUIRE(ctx.stop("hog").ok());
    wait_state(ctx, "hog", {state::stopped});
}
