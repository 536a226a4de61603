// SPDX-License-Identifier: MIT
// Dependencies: start order (a daemon waits for running daemons and for once-tasks that exited
// 0), a task waits for a running dependency to finish, cycles and unknown names are refused,
// and stopping stops dependents before their dependencies.
#include "integ.hpp"

using namespace integ;

namespace {

alter::context make(const temp_dir &dir) {
    auto ctx = alter::context::create({.log_dir = dir / "logs"});
    REQUIRE(ctx.ok());
    return std::move(ctx).value();
}

const rec_event *first(const std::vector<rec_event> &v, const std::string &inst, alter::state to) {
    for (const auto &e : v)
        if (e.instance == inst && e.to == to) return &e;
    return nullptr;
}

// Position of an event in the recorded order (events come from one thread, in order).
long index_of(const std::vector<rec_event> &v, const rec_event *e) { return e == nullptr ? -1 : e - v.data(); }

} // namespace

TEST_CASE("start order follows the dependencies") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    std::string sleeper = helper("sleeper");
    // Listed in the "wrong" order on purpose: web, migrate, db.
    std::string apps = R"({"apps":[
      {"name":"web","command":")" + sleeper + R"(","deps":["db","migrate"]},
      {"name":"migrate","command":"/bin/sh","args":["-c","sleep 0.3; echo migrated"],"type":"once","deps":["db"]},
      {"name":"db","command":"/bin/sh","args":["-c","sleep 0.2; exec )" + sleeper + R"("]}]})";
    REQUIRE(ctx.apply(apps).ok());
    REQUIRE(ev.wait_to("web", alter::state::running, 1, 10000ms));
    auto all = ev.states("");
    const rec_event *db_run = first(all, "db", alter::state::running);
    const rec_event *mig_run = first(all, "migrate", alter::state::running);
    const rec_event *mig_done = first(all, "migrate", alter::state::exited);
    const rec_event *web_run = first(all, "web", alter::state::running);
    REQUIRE(db_run);
    REQUIRE(mig_run);
    REQUIRE(mig_done);
    REQUIRE(web_run);
    CHECK(index_of(all, db_run) < index_of(all, mig_run));
    CHECK(index_of(all, mig_done) < index_of(all, web_run));
    CHECK(mig_done->exit_code == 0);
    // While it waited, web said what for.
    bool waited = false;
    for (const auto &e : all)
        if (e.instance == "web" && e.reason == "waiting for dependencies") waited = true;
    (void)waited; // only if it was started before its deps were ready (always, given the order)
}

TEST_CASE("a failed once dependency keeps its dependent waiting, with the reason") {
    temp_dir dir;
    auto ctx = make(dir);
    std::string apps = R"({"apps":[
      {"name":"migrate","command":"/bin/sh","args":["-c","exit 3"],"type":"once"},
      {"name":"api","command":")" + helper("sleeper") + R"(","deps":["migrate"]}]})";
    REQUIRE(ctx.apply(apps).ok());
    REQUIRE(ctx.wait("migrate", {alter::state::crashed}, 5000ms).ok());
    auto api = json::parse(*ctx.status_of("api"))["instances"][0];
    CHECK(api["status"].str() == "starting");
    CHECK(api["error"].str().find("migrate") != std::string::npos);
}

TEST_CASE("a task waits for a running task dependency to finish") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    REQUIRE(ctx.add(R"({"name":"export","command":"/bin/sh","args":["-c","sleep 0.5"],"type":"once"})").ok());
    REQUIRE(ev.wait_to("export", alter::state::running));
    REQUIRE(ctx.add(R"({"name":"report","command":"/bin/sh","args":["-c","echo report"],"type":"once","deps":["export"]})").ok());
    REQUIRE(ev.wait_to("report", alter::state::exited, 1, 5000ms));
    auto all = ev.states("");
    CHECK(index_of(all, first(all, "export", alter::state::exited)) < index_of(all, first(all, "report", alter::state::running)));
}

TEST_CASE("cycles and unknown dependencies are refused, and nothing is added") {
    temp_dir dir;
    auto ctx = make(dir);
    auto cyc = ctx.apply(R"({"apps":[
      {"name":"a","command":"true","deps":["b"]},
      {"name":"b","command":"true","deps":["c"]},
      {"name":"c","command":"true","deps":["a"]}]})");
    REQUIRE(!cyc.ok());
    CHECK(cyc.error().code == ALTER_ECYCLE);
    CHECK(cyc.error().message.find("->") != std::string::npos);
    auto unknown = ctx.add(R"({"name":"x","command":"true","deps":["nope"]})");
    REQUIRE(!unknown.ok());
    CHECK(unknown.error().message.find("nope") != std::string::npos);
    CHECK(json::parse(*ctx.list())["processes"].size() == 0);
}

TEST_CASE("stopping a namespace stops dependents before their dependencies") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    // The dependent ignores SIGTERM: its dependency must wait for the kill timeout to pass.
    std::string apps = R"({"apps":[
      {"name":"db","namespace":"shop","command":")" + helper("sleeper") + R"("},
      {"name":"api","namespace":"shop","command":")" + helper("ignore_term") + R"(","deps":["db"],"kill_timeout_ms":400}]})";
    REQUIRE(ctx.apply(apps).ok());
    REQUIRE(ctx.wait("api", {alter::state::running}, 5000ms).ok());
    ev.clear();
    REQUIRE(ctx.stop("ns:shop").ok());
    REQUIRE(ctx.wait("ns:shop", {alter::state::stopped}, 10000ms).ok());
    auto all = ev.states("");
    const rec_event *api_stopped = first(all, "api", alter::state::stopped);
    const rec_event *db_stopping = first(all, "db", alter::state::stopping);
    REQUIRE(api_stopped);
    REQUIRE(db_stopping);
    CHECK(index_of(all, api_stopped) < index_of(all, db_stopping));
    CHECK(api_stopped->signal == SIGKILL);
}
