// SPDX-License-Identifier: MIT
// Run as another user: as root, the child gets the user's uid, gid, supplementary groups,
// HOME and USER, and the log files stay owned by the supervisor's user; an explicit group
// replaces the user's own (systemd's User= + Group=); a uid without a passwd entry works; not
// as root, the supervisor's own user just runs and another is a clear error at start.
#include "integ.hpp"

#include <algorithm>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>

using namespace integ;

TEST_CASE("run as another user") {
    temp_dir dir;
    auto made = alter::context::create({.log_dir = dir / "logs"});
    REQUIRE(made.ok());
    auto ctx = std::move(made).value();
    // The log dir must be reachable for nobody only through the supervisor: nothing to grant.
    std::string spec = R"({"name":"who","command":")" + helper("envdump") + R"(","user":"nobody","type":"once"})";
    REQUIRE(ctx.add(spec).ok());
    if (::geteuid() != 0) {
        REQUIRE(ctx.wait("who", {alter::state::errored}, 5000ms).ok());
        auto p = json::parse(*ctx.list())["processes"][0];
        CHECK(p["error"].str().find("root") != std::string::npos);
        return;
    }
    REQUIRE(ctx.wait("who", {alter::state::exited, alter::state::crashed}, 5000ms).ok());
    struct passwd *pw = ::getpwnam("nobody");
    REQUIRE(pw != nullptr);
    auto logs = json::parse(*ctx.read_logs("who", {.lines = 1000}))["lines"];
    std::string all;
    for (size_t i = 0; i < logs.size(); ++i) all += logs[i]["text"].str() + "\n";
    INFO(all);
    CHECK(all.find("uid=" + std::to_string(pw->pw_uid)) != std::string::npos);
    CHECK(all.find("gid=" + std::to_string(pw->pw_gid)) != std::string::npos);
    CHECK(all.find("HOME=" + std::string(pw->pw_dir)) != std::string::npos);
    CHECK(all.find("USER=nobody") != std::string::npos);
    struct stat st {};
    REQUIRE(::stat((dir / "logs/who/out.log").c_str(), &st) == 0);
    CHECK(st.st_uid == 0);
    // An unknown user is a clear error.
    REQUIRE(ctx.add(R"({"name":"ghost","command":"/bin/true","user":"no-such-user-xyz"})").ok());
    REQUIRE(ctx.wait("ghost", {alter::state::errored}, 5000ms).ok());
    CHECK(json::parse(*ctx.status_of("ghost"))["instances"][0]["error"].str().find("no-such-user-xyz") != std::string::npos);
}

namespace {

// The envdump output of a once app run with `extra` fields, once it has exited.
std::string run_envdump(alter::context &ctx, const std::string &name, const std::string &extra) {
    REQUIRE(ctx.add(R"({"name":")" + name + R"(","command":")" + helper("envdump") + R"(","type":"once")" + extra + "}").ok());
    REQUIRE(ctx.wait(name, {alter::state::exited, alter::state::crashed, alter::state::errored}, 5000ms).ok());
    auto logs = json::parse(*ctx.read_logs(name, {.lines = 1000}))["lines"];
    std::string all;
    for (size_t i = 0; i < logs.size(); ++i) all += logs[i]["text"].str() + "\n";
    return all;
}

} // namespace

TEST_CASE("run as: an explicit group replaces the user's own group (systemd's User= + Group=)") {
    if (::geteuid() != 0) return; // needs root
    temp_dir dir;
    auto made = alter::context::create({.log_dir = dir / "logs"});
    REQUIRE(made.ok());
    auto ctx = std::move(made).value();
    struct passwd *pw = ::getpwnam("nobody");
    struct group *gr = ::getgrnam("daemon");
    if (pw == nullptr || gr == nullptr) return;
    gid_t own = pw->pw_gid, chosen = gr->gr_gid;
    // The groups initgroups("nobody", daemon) gives: /etc/group memberships plus daemon.
    int n = 64;
    std::vector<gid_t> expect(64);
    REQUIRE(::getgrouplist("nobody", chosen, expect.data(), &n) >= 0);
    expect.resize(static_cast<size_t>(n));
    std::sort(expect.begin(), expect.end());
    std::string groups = "groups=";
    for (size_t i = 0; i < expect.size(); ++i) groups += (i ? "," : "") + std::to_string(expect[i]);
    std::string out = run_envdump(ctx, "grp", R"(,"user":"nobody","group":"daemon")");
    INFO(out);
    CHECK(out.find("gid=" + std::to_string(chosen) + "\n") != std::string::npos);
    CHECK(out.find(groups + "\n") != std::string::npos);
    bool listed = false; // nobody's own group stays only when /etc/group lists nobody in it
    for (gid_t g : expect) listed |= g == own;
    if (!listed) CHECK(out.find("," + std::to_string(own)) == std::string::npos);
}

TEST_CASE("run as: a numeric uid without a passwd entry") {
    if (::geteuid() != 0) return;
    uid_t free_uid = 54321;
    while (::getpwuid(free_uid) != nullptr) ++free_uid;
    temp_dir dir;
    auto made = alter::context::create({.log_dir = dir / "logs"});
    REQUIRE(made.ok());
    auto ctx = std::move(made).value();
    std::string id = std::to_string(free_uid);
    std::string out = run_envdump(ctx, "num", R"(,"user":")" + id + R"(","cwd":"/")");
    INFO(out);
    CHECK(out.find("uid=" + id + "\n") != std::string::npos);
    CHECK(out.find("gid=" + id + "\n") != std::string::npos);
    CHECK(out.find("groups=" + id + "\n") != std::string::npos);
    CHECK(out.find("env HOME=/\n") != std::string::npos);
    CHECK(out.find("env USER=" + id + "\n") != std::string::npos);
}

TEST_CASE("run as the supervisor's own user needs no root") {
    if (::geteuid() == 0) {
        // Check it as nobody, in a child process: its own user runs, another is refused.
        struct passwd *pw = ::getpwnam("nobody");
        if (pw == nullptr) return;
        temp_dir dir;
        REQUIRE(::chown(dir.path().c_str(), pw->pw_uid, pw->pw_gid) == 0);
        uid_t uid = pw->pw_uid;
        gid_t gid = pw->pw_gid;
        pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(10);
            auto made = alter::context::create({.log_dir = dir / "logs"});
            if (!made.ok()) ::_exit(11);
            auto ctx = std::move(made).value();
            std::string cmd = helper("envdump");
            if (!ctx.add(R"({"name":"me","command":")" + cmd + R"(","type":"once","user":"nobody"})").ok()) ::_exit(12);
            if (!ctx.wait("me", {alter::state::exited}, 5000ms).ok()) ::_exit(13);
            if (!ctx.add(R"({"name":"boss","command":")" + cmd + R"(","type":"once","user":"root"})").ok()) ::_exit(14);
            if (!ctx.wait("boss", {alter::state::errored}, 5000ms).ok()) ::_exit(15);
            if (json::parse(*ctx.status_of("boss"))["instances"][0]["error"].str().find("not running as root") == std::string::npos)
                ::_exit(16);
            ::_exit(0);
        }
        int st = 0;
        REQUIRE(::waitpid(child, &st, 0) == child);
        CHECK(WIFEXITED(st));
        CHECK(WEXITSTATUS(st) == 0);
        return;
    }
    temp_dir dir;
    auto made = alter::context::create({.log_dir = dir / "logs"});
    REQUIRE(made.ok());
    auto ctx = std::move(made).value();
    struct passwd *pw = ::getpwuid(::geteuid());
    REQUIRE(pw != nullptr);
    std::string out = run_envdump(ctx, "self", R"(,"user":")" + std::string(pw->pw_name) + R"(")");
    INFO(out);
    CHECK(out.find("uid=" + std::to_string(::geteuid()) + "\n") != std::string::npos);
    CHECK(out.find("env USER=" + std::string(pw->pw_name) + "\n") != std::string::npos);
}
