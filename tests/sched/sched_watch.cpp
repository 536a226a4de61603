// SPDX-License-Identifier: MIT
// Watch mode: a change restarts the app (debounced), directories created later are watched,
// ignored paths (defaults and the app's globs) do not restart it, include globs narrow it, and
// watch restarts never count against the crash budget. Several listed files and directories
// each count; changed watch settings apply on update; a root that appears later is picked up.
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

TEST_CASE("several listed files and a directory: each one restarts the app") {
    temp_dir dir;
    std::string app_dir = dir / "app";
    REQUIRE(::mkdir(app_dir.c_str(), 0755) == 0);
    REQUIRE(::mkdir((app_dir + "/src").c_str(), 0755) == 0);
    write_file(app_dir + "/a.py", "a\n");
    write_file(app_dir + "/b.py", "b\n");
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    REQUIRE(ctx.add(R"({"name":"m","command":")" + helper("sleeper") + R"(","cwd":")" + app_dir +
                    R"(","watch":["a.py","b.py","src"],"watch_debounce_ms":100})").ok());
    REQUIRE(ctx.wait("m", {alter::state::running}, 5000ms).ok());
    size_t n = 0;
    for (const char *f : {"b.py", "src/mod.py", "a.py"}) {
        CAPTURE(f);
        write_file(app_dir + "/" + f, "changed\n");
        ++n;
        REQUIRE(eventually([&] { return watch_restarts(ev, "m") == n; }, 5000ms));
        REQUIRE(ctx.wait("m", {alter::state::running}, 5000ms).ok());
    }
    // A file next to the listed ones is not watched; the marker after it gives exactly one more.
    write_file(app_dir + "/c.py", "c\n");
    write_file(app_dir + "/b.py", "again\n");
    REQUIRE(eventually([&] { return watch_restarts(ev, "m") == n + 1; }, 5000ms));
    REQUIRE(ctx.wait("m", {alter::state::running}, 5000ms).ok());
    CHECK(watch_restarts(ev, "m") == n + 1);
}

TEST_CASE("changed watch settings take effect on update, without a stop") {
    temp_dir dir;
    std::string one = dir / "one", two = dir / "two";
    REQUIRE(::mkdir(one.c_str(), 0755) == 0);
    REQUIRE(::mkdir(two.c_str(), 0755) == 0);
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    REQUIRE(ctx.add(watched_app("u", one)).ok());
    REQUIRE(ctx.wait("u", {alter::state::running}, 5000ms).ok());
    REQUIRE(ctx.update("u", R"({"watch":[")" + two + R"("]})").ok());
    write_file(two + "/x", "x\n");
    REQUIRE(eventually([&] { return watch_restarts(ev, "u") == 1; }, 5000ms));
    REQUIRE(ctx.wait("u", {alter::state::running}, 5000ms).ok());
    // The old root is not watched any more; the new ignore glob applies at once.
    REQUIRE(ctx.update("u", R"({"watch_ignore":["*.skip"]})").ok());
    write_file(one + "/y", "y\n");
    write_file(two + "/z.skip", "z\n");
    write_file(two + "/marker", "m\n");
    REQUIRE(eventually([&] { return watch_restarts(ev, "u") == 2; }, 5000ms));
    REQUIRE(ctx.wait("u", {alter::state::running}, 5000ms).ok());
    CHECK(watch_restarts(ev, "u") == 2);
}

TEST_CASE("a watch root that does not exist yet is picked up when it appears") {
    temp_dir dir;
    std::string base = dir / "proj";
    REQUIRE(::mkdir(base.c_str(), 0755) == 0);
    event_recorder ev;
    std::vector<std::string> records;
    std::mutex mu;
    auto made = alter::context::create({.log_dir = dir / "logs", .on_record = [&](int, std::string_view m) {
                                            std::lock_guard lock(mu);
                                            records.emplace_back(m);
                                        }});
    REQUIRE(made.ok());
    auto ctx = std::move(made).value();
    ev.attach(ctx);
    REQUIRE(ctx.add(R"({"name":"late","command":")" + helper("sleeper") + R"(","cwd":")" + base +
                    R"(","watch":["gen/out","conf.toml"],"watch_debounce_ms":100})").ok());
    REQUIRE(ctx.wait("late", {alter::state::running}, 5000ms).ok());
    CHECK(json::parse(*ctx.list())["processes"][0]["watch"].b);
    // Two levels appear; the root's arrival is a change, then changes inside it are seen.
    REQUIRE(::mkdir((base + "/gen").c_str(), 0755) == 0);
    REQUIRE(::mkdir((base + "/gen/out").c_str(), 0755) == 0);
    REQUIRE(eventually([&] { return watch_restarts(ev, "late") == 1; }, 5000ms));
    REQUIRE(ctx.wait("late", {alter::state::running}, 5000ms).ok());
    write_file(base + "/gen/out/bundle.js", "x\n");
    REQUIRE(eventually([&] { return watch_restarts(ev, "late") == 2; }, 5000ms));
    REQUIRE(ctx.wait("late", {alter::state::running}, 5000ms).ok());
    // A listed file that appears later.
    write_file(base + "/conf.toml", "x = 1\n");
    REQUIRE(eventually([&] { return watch_restarts(ev, "late") == 3; }, 5000ms));
    REQUIRE(ctx.wait("late", {alter::state::running}, 5000ms).ok());
    // Removed and created again: still watched.
    write_file(base + "/gen/out/bundle.js", "");
    REQUIRE(::unlink((base + "/gen/out/bundle.js").c_str()) == 0);
    REQUIRE(::rmdir((base + "/gen/out").c_str()) == 0);
    REQUIRE(eventually([&] { return watch_restarts(ev, "late") >= 4; }, 5000ms));
    REQUIRE(ctx.wait("late", {alter::state::running}, 5000ms).ok());
    size_t before = watch_restarts(ev, "late");
    REQUIRE(::mkdir((base + "/gen/out").c_str(), 0755) == 0);
    write_file(base + "/gen/out/again.js", "x\n");
    REQUIRE(eventually([&] { return watch_restarts(ev, "late") > before; }, 5000ms));
    std::lock_guard lock(mu);
    for (const auto &r : records) CHECK(r.find("cannot watch") == std::string::npos);
}
