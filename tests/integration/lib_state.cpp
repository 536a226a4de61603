// SPDX-License-Identifier: MIT
// Specs and their life: save/restore round trip, PATCH semantics of alter_app_update, and the
// events every transition emits.
#include "integ.hpp"

#include <map>
#include <optional>

using namespace integ;
using alter::state;

namespace {

std::string q(const std::string &s) {
    std::string out;
    alter::json::append_quoted(out, s);
    return out;
}

json spec_of(alter::context &ctx, const std::string &name) {
    auto r = ctx.spec(name);
    REQUIRE_MESSAGE(r.ok(), r.error().message);
    return json::parse(*r);
}

/// Compare two parsed JSON values (numbers by value, objects by key set).
bool same(const json &a, const json &b) {
    if (a.k != b.k) return false;
    switch (a.k) {
    case json::kind::null: return true;
    case json::kind::boolean: return a.b == b.b;
    case json::kind::number: return a.n == b.n;
    case json::kind::string: return a.s == b.s;
    case json::kind::array:
        if (a.items.size() != b.items.size()) return false;
        for (size_t i = 0; i < a.items.size(); ++i)
            if (!same(a.items[i], b.items[i])) return false;
        return true;
    case json::kind::object:
        if (a.fields.size() != b.fields.size()) return false;
        for (const auto &[k, v] : a.fields)
            if (!b.has(k) || !same(v, b[k])) return false;
        return true;
    }
    return false;
}

} // namespace

TEST_CASE("save/load round trip: every spec field, running apps run again, stopped ones stay stopped") {
    temp_dir dir;
    ::mkdir((dir / "work").c_str(), 0755);
    write_file(dir / "alpha.env", "FROM_FILE=1\n");
    // Together the three specs give every field a non-default value.
    const std::string alpha = R"({"name":"alpha","command":)" + q(helper("sleeper")) + R"(,"args":["3600"],"cwd":)" +
                              q(dir / "work") + R"(,"env":{"K":"v","N":"2"},"env_file":)" + q(dir / "alpha.env") +
                              R"(,"namespace":"team","instances":2,"type":"daemon","restart":"always","restart_delay_ms":123,)"
                              R"("max_restart_delay_ms":4567,"backoff_multiplier":1.5,"min_uptime_ms":2345,"max_restarts":7,)"
                              R"("restart_window_ms":98765,"stop_signal":"SIGINT","kill_timeout_ms":1500,"enabled":true,)"
                              R"("log_max_size":5242880,"log_max_files":3,"log_retain_days":7,"watch_debounce_ms":250})";
    const std::string beta = R"({"name":"beta","command":)" + q(helper("exit_with")) + R"(,"args":["0"],"cwd":)" +
                             q(dir.path()) + R"(,"env":{"B":"1"},"env_file":"beta.env","namespace":"other","type":"cron",)"
                             R"("cron":"0 0 1 1 *","overlap":"replace","restart":"never","restart_delay_ms":1,)"
                             R"("max_restart_delay_ms":2,"backoff_multiplier":3,"min_uptime_ms":4,"max_restarts":5,)"
                             R"("restart_window_ms":6,"stop_signal":"SIGHUP","kill_timeout_ms":7,"user":"nobody",)"
                             R"("group":"nogroup","log_max_size":8192,"log_max_files":0,"log_retain_days":0,"watch":["src"],)"
                             R"("watch_ignore":["*.tmp"],"watch_include":["*.js"],"watch_debounce_ms":9,"deps":["alpha"]})";
    const std::string gamma = R"({"name":"gamma","command":)" + q(helper("sleeper")) + R"(,"enabled":false})";
    const std::string state_file = dir / "state.json";
    std::map<std::string, std::string> saved_specs;
    std::vector<int> old_pids;
    {
        auto ctx = make_context(dir);
        REQUIRE(ctx.add(alpha).ok());
        REQUIRE(ctx.add(beta, 0).ok());
        REQUIRE(ctx.add(gamma, 0).ok());
        wait_state(ctx, "alpha", {state::running});
        for (const char *name : {"alpha", "beta", "gamma"}) saved_specs[name] = *ctx.spec(name);
        for (const char *inst : {"alpha-0", "alpha-1"}) old_pids.push_back(static_cast<int>(process_of(ctx, inst)["pid"].i()));
        CHECK(status_of(ctx, "beta") == "stopped");
        CHECK(status_of(ctx, "gamma") == "disabled");

        // Every field differs from its default in at least one of the specs.
        char *def = nullptr;
        REQUIRE(alter_spec_validate(R"({"name":"d","command":"x"})", &def) == 0);
        json defaults = json::parse(def);
        alter_free(def);
        for (const auto &[key, dv] : defaults.fields) {
            if (key == "name" || key == "command") continue;
            if (key == "hidden") continue; // hidden apps are never saved (next test case)
            bool differs = false;
            for (const auto &[name, js] : saved_specs) differs = differs || !same(json::parse(js)[key], dv);
            CHECK_MESSAGE(differs, "no spec sets a non-default " << key);
        }

        auto saved = ctx.save(state_file);
        REQUIRE(saved.ok());
        CHECK(*saved == 3);
    } // freeing the context stops alpha
    for (int pid : old_pids) CHECK(pid_gone(pid));

    event_recorder ev;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    auto loaded = ctx.load(state_file);
    REQUIRE_MESSAGE(loaded.ok(), loaded.error().message);
    CHECK(*loaded == 3);
    for (const auto &[name, js] : saved_specs) {
        INFO(name);
        auto now = ctx.spec(name);
        REQUIRE(now.ok());
        CHECK(*now == js);
    }
    wait_state(ctx, "alpha", {state::running});
    for (const char *inst : {"alpha-0", "alpha-1"}) CHECK(process_of(ctx, inst)["pid"].i() > 0);
    CHECK(status_of(ctx, "beta") == "stopped");
    CHECK(status_of(ctx, "gamma") == "disabled");
    CHECK(ev.count([](const rec_event &e) { return e.kind == ALTER_EVENT_ADDED && e.reason == "restored"; }) == 3);
    // The restored alpha really has its env and env_file.
    auto p = process_of(ctx, "alpha-0");
    std::string environ_text = read_file("/proc/" + std::to_string(p["pid"].i()) + "/environ");
    CHECK(environ_text.find(std::string("FROM_FILE=1") + '\0') != std::string::npos);
    CHECK(environ_text.find(std::string("K=v") + '\0') != std::string::npos);
}

TEST_CASE("a hidden app runs but is not listed, not reached by \"all\", not saved") {
    temp_dir dir;
    auto ctx = make_context(dir);
    std::string js = R"({"name":"secret","hidden":true,"command":)" + q(helper("sleeper")) + "}";
    REQUIRE(ctx.add(js).ok());
    REQUIRE(ctx.add(helper_app("visible", "sleeper")).ok());
    wait_state(ctx, "secret", {state::running});
    wait_state(ctx, "visible", {state::running});
    CHECK(process_of(ctx, "secret").is_null());
    CHECK(!process_of(ctx, "visible").is_null());
    auto n = ctx.stop("all");
    REQUIRE(n.ok());
    CHECK(*n == 1);
    CHECK(json::parse(*ctx.status_of("secret"))["instances"][0]["status"].str() == "running");
    auto saved = ctx.save(dir / "state.json");
    REQUIRE(saved.ok());
    CHECK(read_file(dir / "state.json").find("secret") == std::string::npos);
    REQUIRE(ctx.stop("secret").ok());
    wait_state(ctx, "secret", {state::stopped});
}

TEST_CASE("update merges a patch: unnamed fields are kept; restart only for process fields") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    auto s = helper_app("patchy", "sleeper");
    s.restart = "always";
    s.max_restarts = 5;
    s.kill_timeout = 2000ms;
    s.env = {{"A", "1"}};
    REQUIRE(ctx.add(s).ok());
    wait_state(ctx, "patchy", {state::running});
    auto pid0 = process_of(ctx, "patchy")["pid"].i();

    // Supervision fields: no restart.
    auto r = ctx.update("patchy", R"({"max_restarts":9,"restart_delay_ms":250,"kill_timeout_ms":null})");
    REQUIRE_MESSAGE(r.ok(), r.error().message);
    CHECK(*r == 0);
    json sp = spec_of(ctx, "patchy");
    CHECK(sp["max_restarts"].i() == 9);
    CHECK(sp["restart_delay_ms"].i() == 250);
    CHECK(sp["kill_timeout_ms"].i() == 5000); // null: back to the default
    CHECK(sp["restart"].str() == "always");  // not in the patch: kept
    CHECK(sp["env"]["A"].str() == "1");
    CHECK(sp["command"].str() == helper("sleeper"));
    CHECK(process_of(ctx, "patchy")["pid"].i() == pid0);
    CHECK(ev.count_to("patchy", state::starting) == 1);
    CHECK(ev.count([](const rec_event &e) { return e.kind == ALTER_EVENT_UPDATED && e.app == "patchy"; }) == 1);

    // The same values again: nothing changes, no event.
    r = ctx.update("patchy", R"({"max_restarts":9})");
    REQUIRE(r.ok());
    CHECK(*r == 0);
    CHECK(ev.count([](const rec_event &e) { return e.kind == ALTER_EVENT_UPDATED; }) == 1);

    // A process field: restarted once, with the new environment.
    r = ctx.update("patchy", R"({"env":{"A":"2"}})");
    REQUIRE(r.ok());
    CHECK(*r == 1);
    REQUIRE(ev.wait_to("patchy", state::running, 2));
    auto pid1 = process_of(ctx, "patchy")["pid"].i();
    CHECK(pid1 != pid0);
    CHECK(pid_gone(static_cast<pid_t>(pid0)));
    sp = spec_of(ctx, "patchy");
    CHECK(sp["env"]["A"].str() == "2");
    CHECK(sp["max_restarts"].i() == 9);
    CHECK(read_file("/proc/" + std::to_string(pid1) + "/environ").find(std::string("A=2") + '\0') != std::string::npos);

    // Errors leave the spec alone.
    r = ctx.update("patchy", R"({"max_restrats":3})");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ALTER_ESPEC);
    CHECK(r.error().message.find("max_restarts") != std::string::npos); // did-you-mean
    r = ctx.update("patchy", R"({"instances":0})");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ALTER_ESPEC);
    r = ctx.update("patchy", R"({"name":"other"})");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ALTER_ESPEC);
    r = ctx.update("nope", R"({"max_restarts":3})");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ALTER_ENOTFOUND);
    CHECK(spec_of(ctx, "patchy")["instances"].i() == 1);
    CHECK(process_of(ctx, "patchy")["pid"].i() == pid1);

    // A stopped app stays stopped when a process field changes.
    REQUIRE(ctx.stop("patchy").ok());
    wait_state(ctx, "patchy", {state::stopped});
    r = ctx.update("patchy", R"({"args":["3600"]})");
    REQUIRE(r.ok());
    CHECK(*r == 0);
    CHECK(status_of(ctx, "patchy") == "stopped");
}

TEST_CASE("every transition emits an event with app, instance, from, to, pid, exit_code, signal, time") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    auto t0 = std::chrono::duration_cast<ms>(std::chrono::system_clock::now().time_since_epoch()).count();

    auto flaky = helper_app("flaky", "exit_with", {"1"});
    flaky.restart_delay = 20ms;
    flaky.max_restarts = 1;
    REQUIRE(ctx.add(flaky).ok());
    wait_state(ctx, "flaky", {state::errored});
    REQUIRE(ctx.reset_counters("flaky").ok());
    auto calm = helper_app("calm", "sleeper");
    REQUIRE(ctx.add(calm).ok());
    wait_state(ctx, "calm", {state::running});
    int calm_pid = static_cast<int>(process_of(ctx, "calm")["pid"].i());
    REQUIRE(ctx.stop("calm").ok());
    wait_state(ctx, "calm", {state::stopped});
    REQUIRE(ctx.remove("calm").ok());
    auto t1 = std::chrono::duration_cast<ms>(std::chrono::system_clock::now().time_since_epoch()).count();

    // Transitions, in order.
    auto path = [&](std::string_view inst) {
        std::string out = "stopped";
        for (const auto &e : ev.states(inst)) out += std::string(">") + alter::to_string(e.to);
        return out;
    };
    CHECK(path("flaky") == "stopped>starting>running>crashed>waiting>starting>running>crashed>errored>stopped");
    CHECK(path("calm") == "stopped>starting>running>stopping>stopped");

    for (const auto &e : ev.all()) {
        json j = e.parsed();
        INFO(e.json_text);
        CHECK(j["app"].str() == e.app);
        CHECK(j["time_ms"].i() == e.time_ms);
        CHECK(e.time_ms >= t0 - 1000);
        CHECK(e.time_ms <= t1 + 1000);
        if (e.kind != ALTER_EVENT_STATE) continue;
        CHECK(j["type"].str() == "state");
        CHECK(j["instance"].str() == e.instance);
        CHECK(j["from"].str() == alter::to_string(e.from));
        CHECK(j["to"].str() == alter::to_string(e.to));
        CHECK(j["pid"].i() == e.pid);
        CHECK(j.has("restarts"));
        CHECK(j.has("reason"));
        if (e.to == state::running) CHECK(e.pid > 0);
        if (e.to == state::crashed) {
            CHECK(e.exit_code == 1);
            CHECK(j["exit_code"].i() == 1);
            CHECK(e.signal == 0);
        }
        if (e.from == state::stopping) {
            CHECK(e.signal == SIGTERM);
            CHECK(j["signal"].str() == "SIGTERM");
        }
        if (e.to != state::crashed && e.to != state::exited && e.from != state::stopping) {
            CHECK(e.exit_code == -1); // only the events of a process's end carry its exit
            CHECK(e.signal == 0);
            CHECK_FALSE(j.has("exit_code"));
        }
    }
    // Chained: each event of an instance starts where the previous one ended; the event of a
    // process's end (crashed, exited, stopping -> stopped) carries the pid of that process.
    for (const char *inst : {"flaky", "calm"}) {
        auto st = ev.states(inst);
        REQUIRE(!st.empty());
        CHECK(st.front().from == state::stopped);
        int last_pid = 0;
        for (size_t k = 0; k < st.size(); ++k) {
            if (k > 0) CHECK(st[k].from == st[k - 1].to);
            if (st[k].to == state::running) last_pid = st[k].pid;
            if (st[k].to == state::crashed || st[k].to == state::exited || st[k].from == state::stopping) {
                INFO(inst << " event " << k);
                CHECK(st[k].pid == last_pid);
            }
        }
    }
    auto calm_running = ev.states("calm")[1];
    CHECK(calm_running.to == state::running);
    CHECK(calm_running.pid == calm_pid);
    auto app_events = [&](uint32_t kind) {
        return ev.count([kind](const rec_event &e) { return e.kind == kind && e.app == "calm"; });
    };
    CHECK(app_events(ALTER_EVENT_ADDED) == 1);
    CHECK(app_events(ALTER_EVENT_REMOVED) == 1);
}
