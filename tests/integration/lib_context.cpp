// SPDX-License-Identifier: MIT
// The context's life and the C ABI's edges: children shut down at free, no callback after free,
// no leaked fd or thread, and clear errors for bad arguments.
#include "integ.hpp"

#include <cstddef>
#include <cstdio>
#include <optional>

using namespace integ;
using alter::state;

TEST_CASE("freeing the context stops every child, grandchildren included") {
    temp_dir dir;
    line_recorder lines;
    std::vector<int> children;
    int grandchild = 0, detached = 0;
    double free_ms = 0;
    {
        std::optional<alter::context> holder(make_context(dir));
        auto &ctx = *holder;
        lines.attach(ctx);
        auto s = helper_app("many", "sleeper");
        s.instances = 3;
        REQUIRE(ctx.add(s).ok());
        auto stubborn = helper_app("stubborn", "ignore_term");
        stubborn.kill_timeout = 300ms;
        REQUIRE(ctx.add(stubborn).ok());
        REQUIRE(ctx.add(helper_app("tree", "grandchild", {"detach"})).ok());
        wait_state(ctx, "all", {state::running});
        REQUIRE(lines.wait_prefix("stubborn", "ready") == "ready");
        std::string l = lines.wait_prefix("tree", "pids ");
        int self = 0;
        REQUIRE(std::sscanf(l.c_str(), "pids %d %d %d", &self, &grandchild, &detached) == 3);
        for (const char *inst : {"many-0", "many-1", "many-2", "stubborn", "tree"})
            children.push_back(static_cast<int>(process_of(ctx, inst)["pid"].i()));
        auto t0 = steady::now();
        holder.reset(); // alter_context_free
        free_ms = elapsed_ms(t0, steady::now());
    }
    INFO("alter_context_free took " << free_ms << " ms");
    CHECK(free_ms >= 295); // it waited for the kill timeout of the child ignoring SIGTERM
    CHECK(free_ms < 5000);
    // The library's own children were reaped before free returned.
    for (int pid : children) {
        INFO("pid " << pid);
        CHECK(::kill(pid, 0) == -1);
        CHECK(errno == ESRCH);
    }
    CHECK(eventually([&] { return pid_gone(grandchild) && pid_gone(detached); }, 3000ms));
}

TEST_CASE("no callback after free, no leaked fd or thread after a full cycle") {
    auto cycle = [](std::atomic<bool> &alive, std::atomic<int> &late, std::atomic<int> &calls) {
        temp_dir dir;
        std::optional<alter::context> ctx(make_context(dir));
        auto id = ctx->watch_events([&](const alter::event &) {
            ++calls;
            if (!alive) ++late;
        });
        REQUIRE(id.ok());
        auto lid = ctx->watch_logs({}, [&](const alter::log_line &) {
            ++calls;
            if (!alive) ++late;
        });
        REQUIRE(lid.ok());
        auto sub = ctx->subscribe(ALTER_SUB_EVENTS | ALTER_SUB_LOGS);
        REQUIRE(sub.ok());
        auto s = helper_app("cycle", "sleeper");
        s.instances = 2;
        REQUIRE(ctx->add(s).ok());
        auto e = helper_app("echo", "spew", {"10", "20", "both"});
        e.restart = "never";
        REQUIRE(ctx->add(e).ok());
        wait_state(*ctx, "cycle", {state::running});
        wait_state(*ctx, "echo", {state::exited});
        REQUIRE(ctx->stop("cycle-0").ok());
        wait_state(*ctx, "cycle-0", {state::stopped});
        // cycle-1 is still running: free stops it.
        ctx.reset();
        alive = false;
        auto r = sub->next(0ms); // the subscription outlives its context: still safe to use
        (void)r;
        // Drain: eventually closed.
        for (int k = 0; k < 100000; ++k) {
            auto x = sub->next(0ms);
            if (!x.ok() || !x->has_value()) break;
        }
    };
    {
        std::atomic<bool> alive{true};
        std::atomic<int> late{0}, calls{0};
        cycle(alive, late, calls); // warm-up: lazily created process-wide things
    }
    size_t fds = count_fds(), threads = count_threads();
    std::atomic<bool> alive{true};
    std::atomic<int> late{0}, calls{0};
    cycle(alive, late, calls);
    CHECK(calls > 0);
    CHECK(late == 0);
    CHECK(count_fds() == fds);
    CHECK(count_threads() == threads);
}

TEST_CASE("a reader blocked on a subscription wakes up when the context is freed") {
    temp_dir dir;
    std::optional<alter::context> ctx(make_context(dir));
    auto sub = ctx->subscribe(ALTER_SUB_EVENTS);
    REQUIRE(sub.ok());
    std::atomic<int> code{1};
    std::thread reader([&] {
        for (;;) {
            auto r = sub->next(ms(-1)); // waits forever
            if (!r.ok()) {
                code = r.error().code;
                return;
            }
        }
    });
    REQUIRE(ctx->add(helper_app("one", "sleeper")).ok());
    wait_state(*ctx, "one", {state::running});
    ctx.reset();
    bool woke = eventually([&] { return code != 1; }, 5000ms);
    CHECK(woke);
    if (!woke) sub->close(); // do not hang the test
    reader.join();
    CHECK(code == ALTER_ECLOSED);
}

TEST_CASE("event subscriptions carry every event as JSON") {
    temp_dir dir;
    auto ctx = make_context(dir);
    auto sub = ctx.subscribe(ALTER_SUB_EVENTS);
    REQUIRE(sub.ok());
    auto s = helper_app("subbed", "exit_with", {"0"});
    s.restart = "never";
    REQUIRE(ctx.add(s).ok());
    wait_state(ctx, "subbed", {state::exited});
    std::vector<std::string> types, tos;
    for (;;) {
        auto r = sub->next(0ms);
        REQUIRE(r.ok());
        if (!r->has_value()) break;
        json j = json::parse(**r);
        types.push_back(j["type"].str());
        if (j["type"].str() == "state") tos.push_back(j["to"].str());
        CHECK(j["app"].str() == "subbed");
    }
    REQUIRE(!types.empty());
    CHECK(types.front() == "added");
    CHECK(tos == std::vector<std::string>{"starting", "running", "exited"});
}

TEST_CASE("bad arguments on the C ABI") {
    temp_dir dir;
    auto ctx = make_context(dir);
    alter_context_t *c = ctx.get();
    const std::string good = R"({"name":"dup","command":)" + [] {
        std::string q;
        alter::json::append_quoted(q, helper("sleeper"));
        return q;
    }() + "}";

    SUBCASE("NULL context or strings: EINVAL with a message") {
        CHECK(alter_app_add(nullptr, good.c_str(), 0) == ALTER_EINVAL);
        CHECK(std::string(alter_last_error()).find("context") != std::string::npos);
        CHECK(std::string(alter_last_error_json()).find("EINVAL") != std::string::npos);
        CHECK(alter_app_add(c, nullptr, 0) == ALTER_EINVAL);
        CHECK(std::string(alter_last_error()).find("spec_json") != std::string::npos);
        CHECK(alter_app_start(c, nullptr) == ALTER_EINVAL);
        CHECK(alter_app_stop(nullptr, "x") == ALTER_EINVAL);
        CHECK(alter_app_update(c, "x", nullptr) == ALTER_EINVAL);
        char *js = nullptr;
        CHECK(alter_app_list(nullptr, nullptr, &js) == ALTER_EINVAL);
        CHECK(js == nullptr);
        CHECK(alter_app_wait(c, "x", 0, 10) == ALTER_EINVAL); // empty state mask
        CHECK(alter_log_read(c, "x", nullptr, nullptr) == ALTER_EINVAL);
        CHECK(alter_sub_next(nullptr, 0, &js) == ALTER_EINVAL);
        alter_context_t *none = nullptr;
        CHECK(alter_context_new(nullptr, nullptr) == ALTER_EINVAL);
        alter_context_options_t tiny = ALTER_CONTEXT_OPTIONS_INIT;
        tiny.struct_size = 4;
        CHECK(alter_context_new(&tiny, &none) == ALTER_EINVAL);
        CHECK(none == nullptr);
        alter_context_free(nullptr);
        alter_free(nullptr);
        alter_sub_free(nullptr);
    }
    SUBCASE("invalid JSON: EPARSE with line and column") {
        const char *bad = "{\n  \"name\": \"x\",\n  oops\n}";
        CHECK(alter_app_add(c, bad, 0) == ALTER_EPARSE);
        std::string ej = alter_last_error_json();
        INFO(ej);
        json j = json::parse(ej);
        CHECK(j["code"].str() == "EPARSE");
        CHECK(j["line"].i() >= 1); // where exactly: see the next test case
        CHECK(j["column"].i() >= 1);
        CHECK(!j["message"].str().empty());
        CHECK(alter_app_update(c, "x", "{\"a\":") == ALTER_EPARSE);
        // A value error deep in the text is located precisely.
        CHECK(alter_app_add(c, "{\n\"name\":\"x\",\n\"command\": 12x\n}", 0) == ALTER_EPARSE);
        j = json::parse(alter_last_error_json());
        CHECK(j["line"].i() == 3);
        CHECK(j["column"].i() == 12);
        // So is trailing content.
        CHECK(alter_app_add(c, "{\"a\":1} x", 0) == ALTER_EPARSE);
        j = json::parse(alter_last_error_json());
        CHECK(j["line"].i() == 1);
        CHECK(j["column"].i() == 9);
    }
    SUBCASE("invalid spec: ESPEC naming the field") {
        CHECK(alter_app_add(c, R"({"name":"x","command":"y","restart":"sometimes"})", 0) == ALTER_ESPEC);
        json j = json::parse(alter_last_error_json());
        CHECK(j["code"].str() == "ESPEC");
        CHECK(j["field"].str() == "restart");
        CHECK(alter_app_add(c, R"({"name":"x"})", 0) == ALTER_ESPEC);
        CHECK(json::parse(alter_last_error_json())["field"].str() == "command");
    }
    SUBCASE("unknown app: ENOTFOUND") {
        CHECK(alter_app_start(c, "nope") == ALTER_ENOTFOUND);
        CHECK(std::string(alter_last_error()).find("nope") != std::string::npos);
        CHECK(alter_app_stop(c, "nope") == ALTER_ENOTFOUND);
        CHECK(alter_app_remove(c, "nope") == ALTER_ENOTFOUND);
        char *js = nullptr;
        CHECK(alter_app_get(c, "nope", &js) == ALTER_ENOTFOUND);
        CHECK(alter_app_spec(c, "nope", &js) == ALTER_ENOTFOUND);
        CHECK(js == nullptr);
        CHECK(alter_app_wait(c, "nope", 1u << ALTER_STATE_RUNNING, 1000) == ALTER_ENOTFOUND);
    }
    SUBCASE("duplicate name: EEXIST") {
        CHECK(alter_app_add(c, good.c_str(), 0) == 0);
        CHECK(alter_app_add(c, good.c_str(), 0) == ALTER_EEXIST);
        CHECK(std::string(alter_last_error()).find("dup") != std::string::npos);
        CHECK(alter_app_add(c, good.c_str(), ALTER_ADD_UPDATE) >= 0);
    }
    SUBCASE("wait times out with ETIMEDOUT") {
        CHECK(alter_app_add(c, good.c_str(), 0) == 0);
        auto t0 = steady::now();
        CHECK(alter_app_wait(c, "dup", 1u << ALTER_STATE_RUNNING, 100) == ALTER_ETIMEDOUT);
        CHECK(elapsed_ms(t0, steady::now()) >= 95);
    }
    SUBCASE("names and messages of codes") {
        CHECK(std::string(alter_err_name(ALTER_ENOTFOUND)) == "ENOTFOUND");
        CHECK(std::string(alter_err_name(-ENOENT)) == "ENOENT");
        CHECK(std::string(alter_err_name(-999999)) == "EUNKNOWN");
        CHECK(std::string(alter_strerror(ALTER_EEXIST)) == "already exists");
        CHECK(alter_strerror(-999999) != nullptr);
        CHECK(std::string(alter_state_name(ALTER_STATE_ERRORED)) == "errored");
        CHECK(std::string(alter_state_name(99)) == "unknown");
        CHECK(std::string(alter_version()) == "0.1.0");
    }
}

TEST_CASE("EPARSE points at the offending token") {
    struct bad_case {
        const char *text;
        int line;
    };
    const bad_case cases[] = {
        {"{\n  \"name\": \"x\",\n  oops\n}", 3},
        {"{\n\"name\":\"x\"\n\"command\":\"y\"}", 3},   // missing comma
        {"{\n\"name\":\"x\",\n\"command\":\"y\",\n}", 4}, // trailing comma
        {"{\n\"name\":\n\"unterminated}", 3},
    };
    for (const auto &bc : cases) {
        INFO(std::string(bc.text));
        CHECK(alter_spec_validate(bc.text, nullptr) == ALTER_EPARSE);
        json j = json::parse(alter_last_error_json());
        INFO(std::string(alter_last_error_json()));
        CHECK(j["line"].i() == bc.line);
        CHECK(j.has("column"));
    }
}

namespace {
// What a program built against an older alter.h passes: the same struct, cut short.
struct old_context_options {
    uint32_t struct_size;
    uint32_t flags;
    const char *log_dir;
    const char *state_path;
};
struct old_sub_options {
    uint32_t struct_size;
    uint32_t flags;
    const char *target;
};
struct old_log_query {
    uint32_t struct_size;
    uint32_t streams;
    uint32_t lines;
    uint32_t flags;
};
} // namespace

TEST_CASE("option structs from an older, smaller alter.h are accepted") {
    temp_dir dir;
    std::string logs = dir / "old-logs";
    old_context_options oo{sizeof(old_context_options), 0, logs.c_str(), nullptr};
    static_assert(sizeof(old_context_options) == offsetof(alter_context_options_t, autosave_ms));
    alter_context_t *c = nullptr;
    REQUIRE(alter_context_new(reinterpret_cast<const alter_context_options_t *>(&oo), &c) == 0);
    REQUIRE(c != nullptr);
    std::string q;
    alter::json::append_quoted(q, helper("spew"));
    REQUIRE(alter_app_add(c, (R"({"name":"old","restart":"never","args":["3","20","out"],"command":)" + q + "}").c_str(), 0) == 0);

    old_sub_options so{sizeof(old_sub_options), ALTER_SUB_LOGS, "old"};
    static_assert(sizeof(old_sub_options) == offsetof(alter_sub_options_t, backlog));
    alter_sub_t *sub = nullptr;
    REQUIRE(alter_sub_new(c, reinterpret_cast<const alter_sub_options_t *>(&so), &sub) == 0);
    REQUIRE(alter_app_start(c, "old") == 1);
    REQUIRE(alter_app_wait(c, "old", 1u << ALTER_STATE_EXITED, 10000) == 0);
    char *rec = nullptr;
    REQUIRE(alter_sub_next(sub, 5000, &rec) == 1);
    CHECK(json::parse(rec)["type"].str() == "log");
    alter_free(rec);

    old_log_query lq{sizeof(old_log_query), ALTER_STREAM_OUT, 2, 0};
    static_assert(sizeof(old_log_query) == offsetof(alter_log_query_t, date));
    char *js = nullptr;
    REQUIRE(alter_log_read(c, "old", reinterpret_cast<const alter_log_query_t *>(&lq), &js) == 0);
    json j = json::parse(js);
    alter_free(js);
    CHECK(j["lines"].size() == 2);
    // The log went where the old struct said.
    CHECK(!read_file(logs + "/old/out.log").empty());
    alter_sub_free(sub);
    alter_context_free(c);
}
