// SPDX-License-Identifier: MIT
// Watch mode: a change restarts the app (debounced), directories created later are watched,
// ignored paths (defaults and the app's globs) do not restart it, include globs narrow it, and
// watch restarts never count against the crash budget.
#include "integ.hpp"

using namespace integ;

namespace {

alter::context make(const temp_dir &dir) {
    auto ctx = alter::context::create({.log_dir = dir / "logs"});
    REQUIRE(ctx.ok());
    return std::move(ctx).value();
}

size_t watch_restarts(const event_recorder &ev, const std::string &inst) {
    return ev.count([&](const rec_event &e) {
        return e.kind == ALTER_EVENT_STATE && e.instance == inst && e.reason == "watch" && e.to == alter::state::stopping;
    });
}

std::string watched_app(const std::string &name, const std::string &src, const std::string &extra = "",
                        int debounce_ms = 100) {
    return R"({"name":")" + name + R"(","command":")" + helper("sleeper") + R"(","cwd":")" + src +
           R"(","watch":true,"watch_debounce_ms":)" + std::to_string(debounce_ms) +
           R"(,"max_restarts":1,"restart_window_ms":600000)" + extra + "}";
}

} // namespace

TEST_CASE("a change restarts the app; new subdirectories are watched; ignored paths are not") {
    temp_dir dir;
    std::string src = dir / "src";
    REQUIRE(::mkdir(src.c_str(), 0755) == 0);
    REQUIRE(::mkdir((src + "/node_modules").c_str(), 0755) == 0);
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    REQUIRE(ctx.add(watched_app("w", src, R"(,"watch_ignore":["*.tmp","cache/"])")).ok());
    REQUIRE(ctx.wait("w", {alter::state::running}, 5000ms).ok());

    write_file(src + "/main.py", "print('v1')\n");
    REQUIRE(eventually([&] { return watch_restarts(ev, "w") == 1; }, 5000ms));
    REQUIRE(ctx.wait("w", {alter::state::running}, 5000ms).ok());

    // A directory created after the start, then a file in it.
    REQUIRE(::mkdir((src + "/pkg").c_str(), 0755) == 0);
    REQUIRE(eventually([&] { return watch_restarts(ev, "w") == 2; }, 5000ms));
    REQUIRE(ctx.wait("w", {alter::state::running}, 5000ms).ok());
    write_file(src + "/pkg/mod.py", "x = 1\n");
    REQUIRE(eventually([&] { return watch_restarts(ev, "w") == 3; }, 5000ms));
    REQUIRE(ctx.wait("w", {alter::state::running}, 5000ms).ok());

    // Ignored: node_modules (default), *.log (default), *.tmp and cache/ (the app's globs).
    REQUIRE(::mkdir((src + "/cache").c_str(), 0755) == 0);
    write_file(src + "/node_modules/dep.js", "x\n");
    write_file(src + "/app.log", "x\n");
    write_file(src + "/scratch.tmp", "x\n");
    write_file(src + "/cache/blob", "x\n");
    // Then one wanted change: exactly one more restart means none of the above counted.
    write_file(src + "/main.py", "print('v2')\n");
    REQUIRE(eventually([&] { return watch_restarts(ev, "w") >= 4; }, 5000ms));
    REQUIRE(ctx.wait("w", {alter::state::running}, 5000ms).ok());
    write_file(src + "/main.py", "print('v3')\n");
    REQUIRE(eventually([&] { return watch_restarts(ev, "w") >= 5; }, 5000ms));
    CHECK(watch_restarts(ev, "w") == 5);

    // Four watch restarts with max_restarts 1: never errored (watch restarts are not crashes).
    REQUIRE(ctx.wait("w", {alter::state::running}, 5000ms).ok());
    CHECK(json::parse(*ctx.list())["processes"][0]["status"].str() == "running");
}

TEST_CASE("a burst of changes restarts once (debounce)") {
    temp_dir dir;
    std::string src = dir / "src";
    REQUIRE(::mkdir(src.c_str(), 0755) == 0);
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    REQUIRE(ctx.add(watched_app("b", src, "", 300)).ok());
    REQUIRE(ctx.wait("b", {alter::state::running}, 5000ms).ok());
    for (int i = 0; i < 20; ++i) write_file(src + "/f" + std::to_string(i) + ".txt", "x");
    REQUIRE(eventually([&] { return watch_restarts(ev, "b") >= 1; }, 5000ms));
    REQUIRE(ctx.wait("b", {alter::state::running}, 5000ms).ok());
    // A marker change after the burst gives the second restart: the burst gave only one.
    write_file(src + "/marker.txt", "x");
    REQUIRE(eventually([&] { return watch_restarts(ev, "b") >= 2; }, 5000ms));
    CHECK(watch_restarts(ev, "b") == 2);
}

TEST_CASE("include globs: only matching files restart the app") {
    temp_dir dir;
    std::string src = dir / "src";
    REQUIRE(::mkdir(src.c_str(), 0755) == 0);
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    REQUIRE(ctx.add(watched_app("inc", src, R"(,"watch_include":["*.py"])")).ok());
    REQUIRE(ctx.wait("inc", {alter::state::running}, 5000ms).ok());
    write_file(src + "/README.md", "x");
    write_file(src + "/app.py", "x");
    REQUIRE(eventually([&] { return watch_restarts(ev, "inc") >= 1; }, 5000ms));
    REQUIRE(ctx.wait("inc", {alter::state::running}, 5000ms).ok());
    write_file(src + "/app.py", "y");
    REQUIRE(eventually([&] { return watch_restarts(ev, "inc") >= 2; }, 5000ms));
    CHECK(watch_restarts(ev, "inc") == 2);
}

TEST_CASE("thousands of watched files cost no CPU while nothing changes") {
    temp_dir dir;
    std::string src = dir / "big";
    REQUIRE(::mkdir(src.c_str(), 0755) == 0);
    for (int d = 0; d < 50; ++d) {
        std::string sub = src + "/d" + std::to_string(d);
        REQUIRE(::mkdir(sub.c_str(), 0755) == 0);
        for (int f = 0; f < 60; ++f) write_file(sub + "/f" + std::to_string(f), "x");
    }
    auto ctx = make(dir);
    REQUIRE(ctx.add(watched_app("big", src)).ok());
    REQUIRE(ctx.wait("big", {alter::state::running}, 5000ms).ok());
    auto cpu = [] {
        std::string stat = read_file("/proc/self/stat");
        auto p = stat.rfind(')');
        std::istringstream in(stat.substr(p + 2));
        std::string f;
        long ut = 0, st = 0;
        for (int i = 3; i <= 15 && in >> f; ++i) {
            if (i == 14) ut = std::stol(f);
            if (i == 15) st = std::stol(f);
        }
        return ut + st;
    };
    long before = cpu();
    std::this_thread::sleep_for(1000ms); // measuring idleness needs a quiet second
    long after = cpu();
    CHECK(after - before <= 2); // clock ticks (10 ms each): nothing polls
}
