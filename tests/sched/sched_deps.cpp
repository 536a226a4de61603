// SPDX-License-Identifier: MIT
// Dependencies: start order (a daemon waits for running daemons and for once-tasks that exited
// 0), a task waits for a running dependency to finish, cycles and unknown names are refused,
// and stopping stops dependents before their dependencies (also for a list of apps, as an
// ecosystem file's stop and delete use). A batch is validated as a whole; a removed dependency
// does not block its dependents; a task is not held by a task that never ran (Meproc); a
// waiting daemon says why; reloading does not re-run an unchanged once task.
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

// ignore_term says "ready" once SIGTERM is ignored: "running" comes before that.
bool ready(alter::context &ctx, const std::string &name) {
    return eventually([&] { return json::parse(*ctx.read_logs(name, {.lines = 10}))["lines"].size() > 0; });
}

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
    REQUIRE(ready(ctx, "api"));
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

TEST_CASE("a batch is validated as a whole: an update may depend on an app defined later") {
    temp_dir dir;
    auto ctx = make(dir);
    std::string sleeper = helper("sleeper");
    auto app = [&](const std::string &name, const std::string &extra = "") {
        return R"({"name":")" + name + R"(","command":")" + sleeper + R"(")" + extra + "}";
    };
    REQUIRE(ctx.apply(R"({"apps":[)" + app("exist") + "]}").ok());
    // `exist` gains a dependency on `brandnew`, which comes later in the file: valid (it was
    // refused with "depends on unknown app").
    auto r = ctx.apply(R"({"apps":[)" + app("exist", R"(,"deps":["brandnew"])") + "," + app("brandnew") + "]}");
    REQUIRE(r.ok());
    auto out = json::parse(*r);
    CHECK(out["updated"][0].str() == "exist");
    CHECK(out["added"][0].str() == "brandnew");
    CHECK(json::parse(*ctx.spec("exist"))["deps"][0].str() == "brandnew");
    // A rejected batch changes nothing, not even the apps listed before the bad one.
    auto bad = ctx.apply(R"({"apps":[)" + app("exist", R"(,"args":["changed"])") + "," + app("second", R"(,"deps":["nope"])") + "]}");
    REQUIRE(!bad.ok());
    CHECK(bad.error().message.find("nope") != std::string::npos);
    CHECK(json::parse(*ctx.spec("exist"))["args"].size() == 0);
    CHECK(json::parse(*ctx.list())["processes"].size() == 2);
}

TEST_CASE("removing a dependency leaves its dependents usable") {
    temp_dir dir;
    auto ctx = make(dir);
    std::string sleeper = helper("sleeper");
    REQUIRE(ctx.add(R"({"name":"db","command":")" + sleeper + R"("})").ok());
    REQUIRE(ctx.add(R"({"name":"api","command":")" + sleeper + R"(","deps":["db"]})").ok());
    REQUIRE(ctx.wait("api", {alter::state::running}, 5000ms).ok());
    REQUIRE(ctx.remove("db").ok());
    // The dangling dependency, unchanged, is no error; a newly named unknown one is.
    CHECK(ctx.update("api", R"({"args":["x"]})").ok());
    auto bad = ctx.update("api", R"({"deps":["db","ghost"]})");
    REQUIRE(!bad.ok());
    CHECK(bad.error().message.find("ghost") != std::string::npos);
    // A removed dependency counts as met: api restarts at once.
    REQUIRE(ctx.restart("api").ok());
    REQUIRE(ctx.wait("api", {alter::state::running}, 5000ms).ok());
}

TEST_CASE("a task is not held by a dependency that has never run (Meproc)") {
    temp_dir dir;
    auto ctx = make(dir);
    // `prep` is added but never started; `job` depends on it and runs anyway.
    REQUIRE(ctx.add(R"({"name":"prep","command":"/bin/true","type":"once"})", 0).ok());
    REQUIRE(ctx.add(R"({"name":"job","command":"/bin/sh","args":["-c","echo done"],"type":"once","deps":["prep"]})").ok());
    REQUIRE(ctx.wait("job", {alter::state::exited}, 5000ms).ok());
    CHECK(json::parse(*ctx.status_of("prep"))["instances"][0]["status"].str() == "stopped");
}

TEST_CASE("a task listed before its task dependency still waits for it") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    REQUIRE(ctx.apply(R"({"apps":[
      {"name":"report","command":"/bin/sh","args":["-c","echo report"],"type":"once","deps":["export"]},
      {"name":"export","command":"/bin/sh","args":["-c","sleep 0.3"],"type":"once"}]})").ok());
    REQUIRE(ev.wait_to("report", alter::state::exited, 1, 5000ms));
    auto all = ev.states("");
    CHECK(index_of(all, first(all, "export", alter::state::exited)) < index_of(all, first(all, "report", alter::state::running)));
}

TEST_CASE("a daemon waiting for a failed once dependency says why, and the reason is announced") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    REQUIRE(ctx.apply(R"({"apps":[
      {"name":"mfail","command":"/bin/sh","args":["-c","sleep 0.2; exit 1"],"type":"once"},
      {"name":"api","command":")" + helper("sleeper") + R"(","deps":["mfail"]}]})").ok());
    REQUIRE(ctx.wait("mfail", {alter::state::crashed}, 5000ms).ok());
    std::string want = "waiting for 'mfail' (it exited with code 1)";
    REQUIRE(eventually([&] { return json::parse(*ctx.status_of("api"))["instances"][0]["error"].str() == want; }));
    CHECK(json::parse(*ctx.status_of("api"))["instances"][0]["status"].str() == "starting");
    CHECK(ev.count([&](const rec_event &e) { return e.instance == "api" && e.reason == want; }) == 1);
    // Fixed and run again: api starts.
    REQUIRE(ctx.update("mfail", R"({"args":["-c","exit 0"]})").ok());
    REQUIRE(ctx.start("mfail").ok());
    REQUIRE(ctx.wait("api", {alter::state::running}, 5000ms).ok());
}

TEST_CASE("a list of apps stops in dependency order (ecosystem stop and delete)") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make(dir);
    ev.attach(ctx);
    std::string apps = R"({"apps":[
      {"name":"api","command":")" + helper("ignore_term") + R"(","deps":["db"],"kill_timeout_ms":400},
      {"name":"db","command":")" + helper("sleeper") + R"("}]})";
    REQUIRE(ctx.apply(apps).ok());
    REQUIRE(ctx.wait("api", {alter::state::running}, 5000ms).ok());
    REQUIRE(ready(ctx, "api"));
    ev.clear();
    // Listed dependency first: the order comes from deps, not from the list.
    REQUIRE(ctx.stop("db,api").ok());
    REQUIRE(ctx.wait("db,api", {alter::state::stopped}, 10000ms).ok());
    auto all = ev.states("");
    CHECK(index_of(all, first(all, "api", alter::state::stopped)) < index_of(all, first(all, "db", alter::state::stopping)));
    // remove: the same order.
    REQUIRE(ctx.start("db,api").ok());
    REQUIRE(ctx.wait("api", {alter::state::running}, 5000ms).ok());
    ev.clear();
    REQUIRE(ctx.remove("db,api").ok());
    REQUIRE(ev.wait_to("db", alter::state::stopped, 1, 10000ms));
    all = ev.states("");
    REQUIRE(first(all, "api", alter::state::stopped) != nullptr);
    CHECK(index_of(all, first(all, "api", alter::state::stopped)) < index_of(all, first(all, "db", alter::state::stopping)));
    CHECK(json::parse(*ctx.list())["processes"].size() == 0);
}

TEST_CASE("reloading a file does not run an unchanged once task again; a changed one runs") {
    temp_dir dir;
    auto ctx = make(dir);
    auto file = [&](const std::string &arg) {
        return R"({"apps":[{"name":"migrate","command":"/bin/sh","args":["-c","echo )" + arg + R"("],"type":"once"}]})";
    };
    auto runs = [&] { return json::parse(*ctx.runs("migrate"))["runs"].size(); };
    REQUIRE(ctx.apply(file("v1")).ok());
    REQUIRE(ctx.wait("migrate", {alter::state::exited}, 5000ms).ok());
    REQUIRE(eventually([&] { return runs() == 1; }));
    REQUIRE(ctx.apply(file("v1")).ok());
    CHECK(json::parse(*ctx.status_of("migrate"))["instances"][0]["status"].str() == "exited");
    CHECK(runs() == 1);
    REQUIRE(ctx.apply(file("v2")).ok());
    REQUIRE(eventually([&] { return runs() == 2; }));
}
