// SPDX-License-Identifier: MIT
// Run as another user: as root, the child gets the user's uid, gid, supplementary groups,
// HOME and USER, and the log files stay owned by the supervisor's user; not as root, a clear
// error at start.
#include "integ.hpp"

#include <pwd.h>

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
