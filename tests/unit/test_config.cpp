// SPDX-License-Identifier: MIT
// Ecosystem files -> specs (libalter/src/config*.cpp). Fixtures live in config_fixtures/ next to
// this file; the examples in examples/ecosystem/ must parse too.
#include <doctest/doctest.h>

#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "alter/alter.h"
#include "config.hpp"

using namespace alter::detail;
namespace fs = std::filesystem;

namespace {

// The source tree: __FILE__ is absolute, or relative to the build root (meson) or to the cwd.
fs::path source_root() {
    static const fs::path root = [] {
        fs::path file(__FILE__);
        std::vector<fs::path> candidates;
        if (file.is_absolute()) candidates.push_back(file.parent_path());
        std::error_code ec;
        fs::path exe = fs::read_symlink("/proc/self/exe", ec); // <build>/tests/unit/test_config
        if (!ec) candidates.push_back(exe.parent_path().parent_path().parent_path() / file.parent_path());
        candidates.push_back(fs::current_path() / file.parent_path());
        for (const auto &c : candidates)
            if (fs::exists(c / "config_fixtures" / "full.toml")) return fs::weakly_canonical(c / ".." / "..");
        return fs::path();
    }();
    REQUIRE_MESSAGE(!root.empty(), "cannot find tests/unit/config_fixtures from " << __FILE__);
    return root;
}

std::string slurp(const fs::path &p) {
    std::ifstream f(p, std::ios::binary);
    REQUIRE_MESSAGE(f.good(), "cannot read " << p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string fixture(const std::string &name) { return slurp(source_root() / "tests/unit/config_fixtures" / name); }

config_result ok(std::string_view text, std::string_view name = "", config_format f = config_format::auto_detect) {
    auto r = config_parse(text, name, f, config_options{8});
    if (!r) FAIL("unexpected error: " << config_error_string(r.err()));
    return std::move(r).value();
}

error fails(std::string_view text, std::string_view name = "", config_format f = config_format::auto_detect) {
    auto r = config_parse(text, name, f, config_options{8});
    REQUIRE_MESSAGE(!r.ok(), "expected an error for " << name);
    return r.err();
}

const app_spec &app(const config_result &r, std::string_view name) {
    for (const auto &a : r.apps)
        if (a.name == name) return a;
    FAIL("no app " << name);
    return r.apps.front();
}

bool warned(const config_result &r, std::string_view needle) {
    for (const auto &w : r.warnings)
        if (w.find(needle) != std::string::npos) return true;
    return false;
}

app_spec full_spec() {
    app_spec s;
    s.name = "full";
    s.command = "/usr/bin/env";
    s.args = {"python3", "-m", "http.server", "9000"};
    s.cwd = "srv/www";
    s.env = {{"PORT", "9000"}, {"DEBUG", "true"}, {"WORKERS", "4"}};
    s.env_file = ".env";
    s.ns = "web";
    s.instances = 3;
    s.type = app_type::cron;
    s.restart = restart_policy::always;
    s.restart_delay_ms = 250;
    s.max_restart_delay_ms = 60'000;
    s.backoff_multiplier = 1.5;
    s.min_uptime_ms = 2000;
    s.max_restarts = 7;
    s.restart_window_ms = 120'000;
    s.stop_signal = SIGINT;
    s.kill_timeout_ms = 8000;
    s.enabled = false;
    s.user = "www-data";
    s.group = "www-data";
    s.log_max_size = 20u * 1024 * 1024;
    s.log_max_files = 9;
    s.log_retain_days = 14;
    s.watch = {"src", "config"};
    s.watch_ignore = {"*.pyc", "node_modules"};
    s.watch_include = {"*.py"};
    s.watch_debounce_ms = 750;
    s.cron = "0 3 * * *";
    s.overlap = overlap_policy::replace;
    s.deps = {"db", "cache"};
    s.hidden = true;
    return s;
}

} // namespace

TEST_CASE("the full fixture sets every field of app_spec to a non-default value") {
    // Guards the round-trip test below: a new app_spec field must be added to the fixtures.
    value full = spec_to_value(full_spec()), dflt = spec_to_value(app_spec{});
    REQUIRE(full.fields.size() == dflt.fields.size());
    for (size_t i = 0; i < full.fields.size(); ++i)
        CHECK_MESSAGE(to_json(full.fields[i].second) != to_json(dflt.fields[i].second), full.fields[i].first);
}

TEST_CASE("toml, json and yaml read every field to the same spec") {
    for (const char *name : {"full.toml", "full.json", "full.yaml"}) {
        CAPTURE(name);
        auto r = ok(fixture(name), name);
        REQUIRE(r.apps.size() == 3);
        CHECK(spec_to_json(r.apps[0]) == spec_to_json(full_spec()));
        CHECK(r.apps[0] == full_spec());
        CHECK(r.apps[1].name == "db");
        CHECK(r.apps[2].command == "redis-server");
        CHECK(r.warnings.empty());
    }
}

TEST_CASE("the reference product's TOML keys are aliases") {
    auto r = ok(fixture("reference.toml"), "alter.config.toml");
    const auto &api = app(r, "api");
    CHECK(api.command == "python");
    CHECK(api.args == std::vector<std::string>{"-m", "uvicorn", "main:app", "--port", "8000"});
    CHECK(api.cwd == "C:\\projects\\api");
    CHECK(api.restart == restart_policy::on_failure); // autorestart = true: restart on failure
    CHECK(api.max_restarts == 10);
    CHECK(api.env.at("DATABASE_URL") == "postgres://localhost/mydb");
    const auto &worker = app(r, "worker");
    CHECK(worker.watch == std::vector<std::string>{"dist/"}); // watch = true + watch_paths
    CHECK(worker.ns == "workers");
    auto off = ok("[[apps]]\nname='a'\ncommand='b'\nwatch=false\nwatch_paths=['x']\n", "a.toml");
    CHECK(off.apps[0].watch.empty());
}

TEST_CASE("json: a bare array of apps; relative paths stay as written") {
    auto r = ok(R"([{"name":"a","command":"./run","cwd":"sub/dir","env_file":"../.env","watch":["src"]}])", "x.json");
    REQUIRE(r.apps.size() == 1);
    CHECK(r.apps[0].cwd == "sub/dir");
    CHECK(r.apps[0].env_file == "../.env");
    CHECK(r.apps[0].watch == std::vector<std::string>{"src"});
}

TEST_CASE("yaml: scalars follow the core schema") {
    auto r = ok("apps:\n"
                "  - name: a\n"
                "    command: x\n"
                "    args: [1, \"2\", yes, 0x10]\n"
                "    restart: no\n"
                "    enabled: off\n"
                "    cron: ~\n"
                "    log_max_size: 0x100000\n"
                "    env: {A: \"true\", B: true, C: 1.5, D: '007', E: 007}\n",
                "a.yaml");
    const auto &a = r.apps[0];
    CHECK(a.args == std::vector<std::string>{"1", "2", "yes", "16"});
    CHECK(a.restart == restart_policy::never); // plain `no` stays the string "no"
    CHECK_FALSE(a.enabled);
    CHECK(a.cron.empty());
    CHECK(a.log_max_size == 1048576);
    CHECK(a.env.at("A") == "true");
    CHECK(a.env.at("B") == "true");
    CHECK(a.env.at("C") == "1.5");
    CHECK(a.env.at("D") == "007"); // quoted: a string
    CHECK(a.env.at("E") == "7");   // plain: an integer
    auto e = fails("apps:\n  - name: 123\n    command: x\n", "a.yaml");
    CHECK(e.field == "apps[0].name");
    CHECK(e.message.find("expected a string, got integer") != std::string::npos);
    CHECK(ok("apps:\n  - name: \"123\"\n    command: x\n", "a.yaml").apps[0].name == "123");
}

TEST_CASE("yaml: merge keys, duplicate keys, several documents") {
    auto r = ok("x-base: &base {cwd: /srv, namespace: jobs, restart: always}\n"
                "apps:\n  - <<: *base\n    name: a\n    command: x\n    restart: never\n",
                "a.yaml");
    CHECK(r.apps[0].cwd == "/srv");
    CHECK(r.apps[0].ns == "jobs");
    CHECK(r.apps[0].restart == restart_policy::never); // explicit keys win over merged ones
    auto dup = fails("apps:\n  - name: a\n    command: x\n    name: b\n", "a.yaml");
    CHECK(dup.code == ALTER_EPARSE);
    CHECK(dup.message.find("duplicate key 'name'") != std::string::npos);
    CHECK(dup.line == 4);
    CHECK(dup.column == 5);
    auto docs = fails("apps: []\n---\napps: []\n", "a.yaml");
    CHECK(docs.line == 3);
    CHECK(docs.message.find("more than one document") != std::string::npos);
}

TEST_CASE("yaml_leading_comma_is_an_error_not_a_hang") {
    // yaml-cpp 0.7's LoadAll loops forever (allocating) on this input (yaml-cpp issue #1040).
    for (const char *text : {",", ",a", ",# c\napps: []\n", "\n,\n"}) {
        CAPTURE(text);
        auto e = fails(text, "a.yaml");
        CHECK(e.code == ALTER_EPARSE);
        CHECK(e.message.rfind("invalid YAML: ", 0) == 0);
        CHECK(e.line >= 1);
    }
}

TEST_CASE("syntax errors carry the parser's message and position") {
    struct want { const char *file; const char *what; int line; int column; };
    for (auto w : {want{"bad_syntax.toml", "invalid TOML: ", 4, 19}, want{"bad_syntax.yaml", "invalid YAML: ", 5, 12},
                   want{"bad_syntax.json", "invalid JSON: ", 3, 38}}) {
        CAPTURE(w.file);
        auto e = fails(fixture(w.file), w.file);
        CHECK(e.code == ALTER_EPARSE);
        CHECK(e.file == w.file);
        CHECK(e.message.rfind(w.what, 0) == 0);
        CHECK(e.line == w.line);
        CHECK(e.column == w.column);
    }
}

TEST_CASE("field errors name the file, app, field and position") {
    auto t = fails(fixture("bad_type.toml"), "bad_type.toml");
    CHECK(t.code == ALTER_ESPEC);
    CHECK(t.field == "apps[1].instances");
    CHECK(t.line == 9);
    CHECK(t.column == 13);
    CHECK(config_error_string(t) == "bad_type.toml:9:13: apps[1] (worker): instances: expected an integer, got string");

    auto u = fails(fixture("bad_unknown.yaml"), "bad_unknown.yaml");
    CHECK(u.field == "apps[0].restrat");
    CHECK(u.hint == "did you mean 'restart'?");
    CHECK(u.message == "apps[0] (web): restrat: unknown field (did you mean 'restart'?)");
    CHECK(u.line == 5);
    CHECK(u.column == 5); // the key, not its value

    auto en = fails(fixture("bad_enum.toml"), "bad_enum.toml");
    CHECK(en.field == "apps[0].restart");
    CHECK(en.hint == "did you mean 'always'?");
    CHECK(en.line == 5);
    CHECK(en.column == 11);

    auto m = fails(fixture("bad_missing_command.yaml"), "bad_missing_command.yaml");
    CHECK(m.field == "apps[1].command");
    CHECK(m.message == "apps[1] (worker): command: required");
    CHECK(m.line == 5);

    auto n = fails("[[apps]]\ncommand = \"x\"\n", "a.toml");
    CHECK(n.field == "apps[0].name");
    CHECK(n.line == 1);
}

TEST_CASE("top-level keys: typos get a hint, x- keys are ignored, daemon warns") {
    auto e = fails(fixture("bad_toplevel.toml"), "bad_toplevel.toml");
    CHECK(e.field == "app");
    CHECK(e.hint == "did you mean 'apps'?");
    CHECK(e.line == 2);
    auto inline_app = fails("app = [{name = 'a', command = 'b'}]\n", "a.toml");
    CHECK(inline_app.hint == "did you mean 'apps'?");
    auto flat = fails("name = 'a'\ncommand = 'b'\n", "a.toml");
    CHECK(flat.field == "name");
    CHECK(flat.hint == "app fields go inside an entry of 'apps'");
    auto missing = fails("{}", "a.json");
    CHECK(missing.field == "apps");
    auto r = ok("daemon = {port = 2999}\nx-note = 'free'\n[[apps]]\nname='a'\ncommand='b'\n", "a.toml");
    CHECK(warned(r, "daemon: ignored"));
    CHECK(r.warnings.size() == 1);
    auto table = fails("[apps]\nname = 'a'\n", "a.toml");
    CHECK(table.message == "apps: expected a list of apps, got object (use [[apps]] (an array of tables) in TOML, "
                           "'- name: ...' items in YAML)");
    CHECK(warned(ok("apps = []\n", "a.toml"), "no apps"));
    CHECK(fails("", "a.yaml").field == "apps");
}

TEST_CASE("duplicate names are an error") {
    auto e = fails(fixture("bad_duplicate.json"), "bad_duplicate.json");
    CHECK(e.code == ALTER_ESPEC);
    CHECK(e.field == "apps[2].name");
    CHECK(e.message == "apps[2] (web): name: 'web' is already the name of apps[0] (line 3)");
    CHECK(e.line == 5);
}

TEST_CASE("deps: apps outside the file warn, cycles are errors") {
    auto r = ok("[[apps]]\nname='a'\ncommand='x'\ndeps=['b', 'db']\n[[apps]]\nname='b'\ncommand='y'\n", "a.toml");
    CHECK(r.warnings.size() == 1);
    CHECK(warned(r, "apps[0].deps: 'db' is not defined in this file"));
    auto cycle = fails("[[apps]]\nname='a'\ncommand='x'\ndeps=['b']\n[[apps]]\nname='b'\ncommand='y'\ndeps=['a']\n", "c.toml");
    CHECK(cycle.code == ALTER_ECYCLE);
    CHECK(cycle.file == "c.toml");
    CHECK(cycle.message.find("a -> b -> a") != std::string::npos);
    // Placed at the deps of the cycle's first app.
    CHECK(cycle.field == "apps[0].deps");
    CHECK(cycle.message == "apps[0] (a): deps: dependency cycle: a -> b -> a");
    CHECK(cycle.line == 4);
    CHECK(cycle.column == 6);
}

TEST_CASE("errors name the app by index and name, and point at an unknown key") {
    // TOML: the key's line and column, not its value's.
    auto t = fails("[[apps]]\nname = 'a'\ncommand = 'x'\n[[apps]]\nname = 'worker'\ncommand = 'y'\nrestrat = 'always'\n", "w.toml");
    CHECK(t.field == "apps[1].restrat");
    CHECK(t.message == "apps[1] (worker): restrat: unknown field (did you mean 'restart'?)");
    CHECK(t.line == 7);
    CHECK(t.column == 1);
    // JSON: at the key's opening quote; the name may come after the bad key.
    auto j = fails("{\"apps\": [\n  {\"restrat\": \"always\", \"name\": \"api\", \"command\": \"x\"}]}", "w.json");
    CHECK(j.message == "apps[0] (api): restrat: unknown field (did you mean 'restart'?)");
    CHECK(j.line == 2);
    CHECK(j.column == 4);
    // A key given twice (an alias) is reported at the second key.
    auto twice = fails("apps:\n  - name: a\n    command: x\n    cwd: .\n    workdir: /tmp\n", "w.yaml");
    CHECK(twice.line == 5);
    CHECK(twice.column == 5);
    // An unknown top-level key, at the key.
    auto top = fails("{\"apps\": [], \"appz\": 1}", "w.json");
    CHECK(top.line == 1);
    CHECK(top.column == 14);
    // Without a name the index alone names the app.
    auto anon = fails("[[apps]]\ncommand = 'x'\n", "w.toml");
    CHECK(anon.message == "apps[0].name: required");
    // Imports too.
    auto pm2 = fails(R"({"apps":[{"name":"p","script":"x","exec_mod":"fork"}]})", "ecosystem.config.json");
    CHECK(pm2.message.rfind("apps[0] (p): exec_mod: unknown field", 0) == 0);
}

TEST_CASE("a bad cron expression names the field once and points into the expression") {
    auto t = fails("[[apps]]\nname = 'job'\ncommand = 'x'\ncron = '0 25 * * *'\n", "c.toml");
    CHECK(t.code == ALTER_ESPEC);
    CHECK(t.field == "apps[0].cron");
    CHECK(t.message == "apps[0] (job): cron: field 2 (hour) \"25\": value out of range 0-23");
    CHECK(t.line == 4);
    CHECK(t.column == 11); // cron = '0 25: the quote is at 8, "25" at 11
    auto y = fails("apps:\n  - name: job\n    command: x\n    cron: 0 0 * * MONDAY\n", "c.yaml");
    CHECK(y.line == 4);
    CHECK(y.column == 19); // a plain scalar (no quote) at 11, MONDAY is its 9th character
    auto j = fails("{\"apps\":[{\"name\":\"job\",\"command\":\"x\",\"cron\":\"* * * *\"}]}", "c.json");
    CHECK(j.message.rfind("apps[0] (job): cron: 4 fields", 0) == 0);
    CHECK(j.column == 53); // the quote at 45, then one past the expression's end (its column 8)
}

TEST_CASE("limits: file size, nesting depth, alias expansion") {
    std::string big(config_limits::max_text + 1, ' ');
    CHECK(fails(big, "a.toml").code == ALTER_ELIMIT);
    std::string deep = "apps: " + std::string(100, '[') + std::string(100, ']') + "\n";
    auto d = fails(deep, "a.yaml");
    CHECK(d.code == ALTER_EPARSE);
    CHECK(d.message.find("nested deeper") != std::string::npos);
    std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'h'; ++c) {
        std::string prev(1, static_cast<char>(c - 1));
        bomb += std::string(1, c) + ": &" + c + " [*" + prev;
        for (int i = 0; i < 9; ++i) bomb += ", *" + prev;
        bomb += "]\n";
    }
    CHECK(fails(bomb, "a.yaml").code == ALTER_ELIMIT);
}

// ---- PM2 --------------------------------------------------------------------------------

TEST_CASE("pm2: keys are translated to alter's") {
    auto r = ok(fixture("pm2.json"), "ecosystem.json");
    REQUIRE(r.apps.size() == 3);
    const auto &api = app(r, "api");
    CHECK(api.command == "node"); // .js -> node; node_args before the script, args after
    CHECK(api.args == std::vector<std::string>{"--max-old-space-size=512", "server.js", "--port", "3000", "--name", "my api"});
    CHECK(api.cwd == "/srv/api");
    CHECK(api.env == std::map<std::string, std::string>{{"NODE_ENV", "production"}, {"PORT", "3000"}});
    CHECK(api.instances == 8); // "max" with cpu_count 8
    CHECK(api.watch == std::vector<std::string>{"."});
    CHECK(api.watch_ignore == std::vector<std::string>{"node_modules", "logs"});
    CHECK(api.watch_debounce_ms == 1000);
    CHECK(api.kill_timeout_ms == 3000);
    CHECK(api.max_restarts == 10);
    CHECK(api.min_uptime_ms == 5000);
    CHECK(api.restart_delay_ms == 4000);
    CHECK(api.backoff_multiplier == 1.0); // PM2's restart_delay is a fixed delay
    CHECK(api.restart == restart_policy::always);
    CHECK(api.stop_signal == SIGINT);
    CHECK(api.ns == "web");
    CHECK(api.user == "1000");
    CHECK(api.group == "www-data");
    CHECK(api.type == app_type::daemon);

    const auto &job = app(r, "cleanup"); // name from the script's file name
    CHECK(job.command == "python3");
    CHECK(job.args == std::vector<std::string>{"-u", "jobs/cleanup.py"});
    CHECK(job.env.at("PYTHONUNBUFFERED") == "1");
    CHECK(job.type == app_type::cron); // cron_restart + autorestart false: a cron job
    CHECK(job.cron == "0 * * * *");
    CHECK(job.overlap == overlap_policy::replace);
    CHECK(job.restart == restart_policy::never);
    CHECK(job.restart_delay_ms == 200);
    CHECK(job.backoff_multiplier == 1.5);
    CHECK(job.max_restart_delay_ms == 15000);

    const auto &worker = app(r, "worker");
    CHECK(worker.command == "bin/worker"); // interpreter none
    CHECK(worker.args == std::vector<std::string>{"--queue", "default"});
    CHECK(worker.instances == 7); // -1: all CPUs but one
    CHECK_FALSE(worker.enabled);  // autostart: false
    CHECK(worker.restart == restart_policy::on_failure); // stop_exit_codes [0, 3]
    CHECK(worker.type == app_type::daemon);              // cron_restart on a daemon: restart on schedule
    CHECK(worker.cron == "*/5 * * * *");
}

TEST_CASE("pm2: keys alter cannot honour become warnings") {
    auto r = ok(fixture("pm2.json"), "ecosystem.json");
    CHECK(warned(r, "apps[0].exec_mode=cluster: cluster mode is not supported; running 8 independent instances"));
    CHECK(warned(r, "apps[0].env_staging: ignored"));
    CHECK(warned(r, "apps[0].max_memory_restart=300M: ignored"));
    CHECK(warned(r, "apps[0].out_file=/var/log/api.out: ignored"));
    CHECK(warned(r, "apps[0].error_file"));
    CHECK(warned(r, "apps[0].listen_timeout"));
    CHECK(warned(r, "apps[0].wait_ready"));
    CHECK(warned(r, "apps[0].merge_logs"));
    CHECK(warned(r, "apps[0].log_date_format"));
    CHECK(warned(r, "apps[2].stop_exit_codes: exit code 3 will still restart"));
    CHECK_FALSE(warned(r, "vizion")); // PM2-internal keys are dropped silently
    CHECK_FALSE(warned(r, "treekill"));
    CHECK_FALSE(warned(r, "].time"));
    CHECK(r.warnings.size() == 10);
    auto tk = ok(R"({"apps":[{"script":"a","treekill":false,"restart_delay":5,"exp_backoff_restart_delay":9}]})", "x", config_format::pm2);
    CHECK(warned(tk, "apps[0].treekill=false: ignored"));
    CHECK(warned(tk, "apps[0].restart_delay: ignored: exp_backoff_restart_delay takes precedence"));
    CHECK(tk.apps[0].restart_delay_ms == 9);
}

TEST_CASE("pm2: scripts, interpreters and names") {
    auto one = [](std::string app_json) {
        auto r = ok("{\"apps\":[" + app_json + "]}", "x.json", config_format::pm2);
        REQUIRE(r.apps.size() == 1);
        return r.apps[0];
    };
    auto a = one(R"({"script":"/opt/app/main.py","interpreter":"/usr/bin/python3.11","args":["-v"]})");
    CHECK(a.name == "main");
    CHECK(a.command == "/usr/bin/python3.11");
    CHECK(a.args == std::vector<std::string>{"/opt/app/main.py", "-v"});
    CHECK(a.env.at("PYTHONUNBUFFERED") == "1");
    auto b = one(R"({"name":"s","script":"run.sh"})");
    CHECK(b.command == "bash");
    auto c = one(R"({"name":"n","script":"npm","args":"run start"})");
    CHECK(c.command == "npm");
    CHECK(c.args == std::vector<std::string>{"run", "start"});
    auto d = one(R"({"name":"d","script":"npm run dev"})");
    CHECK(d.command == "npm");
    CHECK(d.args == std::vector<std::string>{"run", "dev"});
    auto e = one(R"({"name":"e","script":"echo hi | cat","args":["x y"]})");
    CHECK(e.command == "/bin/sh");
    CHECK(e.args == std::vector<std::string>{"-c", "echo hi | cat 'x y'"});
    auto f = one(R"({"script":"lib/a.js","instances":"3","autorestart":true,"min_uptime":1500})");
    CHECK(f.name == "a");
    CHECK(f.command == "node");
    CHECK(f.args == std::vector<std::string>{"lib/a.js"});
    CHECK(f.instances == 3);
    CHECK(f.min_uptime_ms == 1500);
    CHECK(f.restart == restart_policy::always);
    auto g = one(R"({"name":"g","script":"a","stop_exit_codes":0})");
    CHECK(g.restart == restart_policy::on_failure);
    auto h = one(R"({"name":"h","script":"a","autorestart":false,"stop_exit_codes":[0,3]})");
    CHECK(h.restart == restart_policy::never);
}

TEST_CASE("pm2: errors") {
    auto unknown = fails(R"({"apps":[{"script":"a","exec_mod":"fork"}]})", "ecosystem.json");
    CHECK(unknown.field == "apps[0].exec_mod");
    CHECK(unknown.hint == "did you mean 'exec_mode'?");
    auto twice = fails(R"({"apps":[{"script":"a","exec":"b"}]})", "x", config_format::pm2);
    CHECK(twice.field == "apps[0].exec");
    CHECK(twice.message.find("given twice") != std::string::npos);
    auto noscript = fails(R"({"apps":[{"name":"a"}]})", "x", config_format::pm2);
    CHECK(noscript.field == "apps[0].script");
    auto uptime = fails(R"({"apps":[{"script":"a","min_uptime":"soon"}]})", "x", config_format::pm2);
    CHECK(uptime.field == "apps[0].min_uptime");
    CHECK(uptime.line == 1);
    auto inst = fails(R"({"apps":[{"script":"a","instances":"lots"}]})", "x", config_format::pm2);
    CHECK(inst.field == "apps[0].instances");
    auto mode = fails(R"({"apps":[{"script":"a","exec_mode":"thread"}]})", "x", config_format::pm2);
    CHECK(mode.field == "apps[0].exec_mode");
    auto js = fails("module.exports = { apps: [{ script: 'a.js' }] };\n", "ecosystem.config.js");
    CHECK(js.code == ALTER_EPARSE);
    CHECK(js.message.find("JSON.stringify") != std::string::npos);
    auto mixed = fails(R"({"apps":[{"name":"a","command":"b","script":"c"}]})", "x", config_format::pm2);
    CHECK(mixed.message.find("given twice") != std::string::npos);
    auto hint = fails(R"({"apps":[{"name":"a","command":"b","exec_mode":"fork"}]})", "a.json", config_format::json);
    CHECK(hint.hint == "'exec_mode' is a PM2 key: import the file as PM2 (format pm2)");
}

TEST_CASE("pm2: alter's own keys pass through; YAML is accepted") {
    auto r = ok("apps:\n  - script: a.js\n    type: once\n    log_max_files: 2\n    stop_signal: SIGTERM\n", "x.yml",
                config_format::pm2);
    CHECK(r.apps[0].type == app_type::once);
    CHECK(r.apps[0].log_max_files == 2);
    CHECK(r.apps[0].stop_signal == SIGTERM);
}

// ---- Procfile, PPM, supervisord ------------------------------------------------------------

TEST_CASE("command lines: a shell only for shell syntax") {
    for (const char *plain : {"python3 app.py", "gunicorn app:wsgi --bind 0.0.0.0:80", "echo 'a b' \"c d\"", "a\\ b",
                              "node --x=1 server.js", "ls -la", "x#y"})
        CHECK_MESSAGE(!command_needs_shell(plain), plain);
    for (const char *shell : {"a | b", "a && b", "a; b", "a > log", "a < in", "(a)", "echo $HOME", "echo `date`",
                              "ls *.py", "ls ?", "cd ~", "ls [ab]", "FOO=1 cmd", "exec cmd", "cd dir", "a # note",
                              "echo \"$X\"", "a\nb", "if true; then x; fi"})
        CHECK_MESSAGE(command_needs_shell(shell), shell);
}

TEST_CASE("procfile: names, comments, shell detection") {
    auto r = ok(fixture("Procfile"), "Procfile");
    REQUIRE(r.apps.size() == 5);
    CHECK(r.apps[0].name == "web");
    CHECK(r.apps[0].command == "/bin/sh");
    CHECK(r.apps[0].args == std::vector<std::string>{"-c", "gunicorn app:wsgi --bind \"0.0.0.0:$PORT\""});
    CHECK(r.apps[0].cwd == ".");
    CHECK(app(r, "worker").command == "python3");
    CHECK(app(r, "worker").args == std::vector<std::string>{"worker.py", "--queue", "high priority"});
    CHECK(app(r, "clock").command == "bundle");
    CHECK(app(r, "assets").command == "/bin/sh");
    CHECK(app(r, "release").args[1] == "RAILS_ENV=production rake db:migrate");
    auto crlf = ok("a: x y\r\n\r\nb: z\r\n", "Procfile");
    CHECK(crlf.apps[1].command == "z");
    auto bad = fails("web: ok\nthis is not a process\n", "Procfile");
    CHECK(bad.code == ALTER_EPARSE);
    CHECK(bad.line == 2);
    CHECK(bad.column == 1);
    auto quote = fails("web: echo 'open\n", "Procfile");
    CHECK(quote.field == "web.command");
    CHECK(quote.line == 1);
    CHECK(quote.column == 6);
    auto dup = fails("web: a\nweb: b\n", "dev.procfile");
    CHECK(dup.field == "web.name");
    CHECK(dup.line == 2);
    CHECK(fails("web:\n", "Procfile").field == "web.command");
}

TEST_CASE("ppm: services, command objects, schedules and watches") {
    auto r = ok(fixture("ppm.yml"), "ppm.yml");
    REQUIRE(r.apps.size() == 4);
    const auto &web = app(r, "web");
    CHECK(web.command == "python3");
    CHECK(web.args == std::vector<std::string>{"-m", "http.server", "8000"});
    CHECK(web.env.at("PYTHONUNBUFFERED") == "1");
    CHECK(web.cwd == "/srv/www");
    CHECK(web.watch == std::vector<std::string>{"src", "templates"});
    CHECK(web.watch_include == std::vector<std::string>{"*.py", "*.html"});
    CHECK(web.watch_ignore == std::vector<std::string>{"*.pyc"});
    CHECK(web.restart_delay_ms == 2000);   // restart_interval
    CHECK(web.watch_debounce_ms == 3000);  // watch_restart_interval
    CHECK(web.log_max_size == 20u * 1024 * 1024);
    CHECK(web.log_max_files == 4);
    const auto &ticker = app(r, "ticker");
    CHECK(ticker.type == app_type::cron);
    CHECK(ticker.cron == "*/15 * * * * *");
    CHECK(ticker.overlap == overlap_policy::replace);
    const auto &sh = app(r, "shell");
    CHECK(sh.command == "/bin/sh");
    CHECK(sh.watch == std::vector<std::string>{"conf"});
    CHECK(app(r, "nested").cwd == "/tmp");
    CHECK(warned(r, "stats_interval: ignored"));
    CHECK(warned(r, "logger.path: ignored"));
    CHECK(warned(r, "services[0].watch.max_depth: ignored"));

    auto typo = fails("services:\n  - name: a\n    command: {path: x}\n    workdri: /\n", "p.yml");
    CHECK(typo.field == "services[0].workdri");
    CHECK(typo.hint == "did you mean 'workdir'?");
    CHECK(typo.line == 4);
    auto path = fails("services:\n  - name: a\n    command: {args: [x]}\n", "p.yml");
    CHECK(path.field == "services[0].command.path");
    auto top = fails("servics: []\nrestart_interval: 1s\n", "p.yml");
    CHECK(top.field == "servics");
    auto ptop = fails("services: []\nrestart_intervall: 1s\n", "p.yml");
    CHECK(ptop.hint == "did you mean 'restart_interval'?");
    auto dur = fails("restart_interval: soon\nservices: []\n", "p.yml");
    CHECK(dur.field == "restart_interval");
    auto anchors = ok("x-env: &env {A: '1'}\nservices:\n  - name: a\n    command: {path: x, env: *env}\n", "p.yml");
    CHECK(anchors.apps[0].env.at("A") == "1");
    auto name = fails("services:\n  - command: {path: x}\n", "p.yml");
    CHECK(name.field == "services[0].name");
}

TEST_CASE("supervisord: [program:x] sections") {
    auto r = ok(fixture("supervisord.conf"), "supervisord.conf");
    REQUIRE(r.apps.size() == 2);
    const auto &web = app(r, "web");
    CHECK(web.command == "/usr/bin/python3");
    CHECK(web.args == std::vector<std::string>{"-m", "http.server", "8000"});
    CHECK(web.cwd == "/srv/www");
    CHECK_FALSE(web.enabled);
    CHECK(web.restart == restart_policy::always);
    CHECK(web.max_restarts == 5);
    CHECK(web.min_uptime_ms == 3000);
    CHECK(web.stop_signal == SIGINT);
    CHECK(web.kill_timeout_ms == 20000);
    CHECK(web.user == "www-data");
    CHECK(web.env == std::map<std::string, std::string>{{"GREETING", "hello, world"}, {"PORT", "8000"}});
    CHECK(web.instances == 2);
    CHECK(web.log_max_size == 2u * 1024 * 1024);
    CHECK(web.log_max_files == 4);
    CHECK(app(r, "job").restart == restart_policy::on_failure);
    CHECK(warned(r, "[unix_http_server]: ignored"));
    CHECK(warned(r, "program:web.redirect_stderr: ignored"));
    CHECK(warned(r, "program:job.exitcodes=0,2"));
    auto typo = fails("[program:a]\ncommand = x\nautorestrat = true\n", "s.conf");
    CHECK(typo.field == "program:a.autorestrat");
    CHECK(typo.hint == "did you mean 'autorestart'?");
    CHECK(typo.line == 3);
    auto bad = fails("[program:a]\ncommand = x\nautorestart = maybe\n", "s.conf");
    CHECK(bad.field == "program:a.autorestart");
    CHECK(fails("[program:a]\ndirectory = /\n", "s.conf").field == "program:a.command");
}

// ---- Detection, helpers, examples ----------------------------------------------------------

TEST_CASE("format detection") {
    using f = config_format;
    CHECK(config_detect("x/alter.toml", "") == f::toml);
    CHECK(config_detect("alter.json", "{\"apps\":[]}") == f::json);
    CHECK(config_detect("a.YML", "apps: []") == f::yaml);
    CHECK(config_detect("Procfile", "web: x") == f::procfile);
    CHECK(config_detect("Procfile.dev", "web: x") == f::procfile);
    CHECK(config_detect("dev.procfile", "web: x") == f::procfile);
    CHECK(config_detect("ecosystem.config.js", "module.exports = {}") == f::pm2);
    CHECK(config_detect("ecosystem.json", R"({"apps":[{"script":"a"}]})") == f::pm2);
    CHECK(config_detect("pm2-prod.json", R"({"apps":[{"script":"a"}]})") == f::pm2);
    CHECK(config_detect("web.config.json", R"({"apps":[{"script":"a"}]})") == f::pm2);
    CHECK(config_detect("alter.config.json", R"({"apps":[{"script":"a"}]})") == f::json);
    CHECK(config_detect("ecosystem.json", R"({"apps":[{"name":"a","command":"b"}]})") == f::json);
    CHECK(config_detect("apps.json", R"({"apps":[{"script":"a","exec_mode":"fork"}]})") == f::pm2);
    CHECK(config_detect("apps.json", R"([{"name":"a","script":"b","env_production":{}}])") == f::pm2);
    CHECK(config_detect("supervisord.conf", "[program:a]\ncommand=x\n") == f::supervisord);
    // No useful name: sniff the text.
    CHECK(config_detect("", "# c\n[[apps]]\nname = 'a'\n") == f::toml);
    CHECK(config_detect("", "name = 'a'\n") == f::toml);
    CHECK(config_detect("", "  {\"apps\": []}") == f::json);
    CHECK(config_detect("", "[{\"name\": \"a\"}]") == f::json);
    CHECK(config_detect("", "apps:\n  - name: a\n") == f::yaml);
    CHECK(config_detect("", "services:\n  - name: a\n") == f::yaml);
    CHECK(config_detect("", "# x\nweb: python3 app.py\nworker: ./w\n") == f::procfile);
    CHECK(config_detect("", "[program:x]\ncommand=y\n") == f::supervisord);
    CHECK(config_detect("stdin", "module.exports = {apps: []}") == f::pm2);
    CHECK(std::string(to_string(f::procfile)) == "procfile");
    CHECK(static_cast<unsigned>(f::pm2) == ALTER_FORMAT_PM2);
    CHECK(static_cast<unsigned>(f::procfile) == ALTER_FORMAT_PROCFILE);
    CHECK(static_cast<unsigned>(f::yaml) == ALTER_FORMAT_YAML);
}

TEST_CASE("parse_duration_ms") {
    int64_t ms = -1;
    for (const auto &c : std::initializer_list<std::pair<const char *, int64_t>>{
             {"1500", 1500}, {"500ms", 500}, {"2s", 2000}, {"1m", 60'000}, {"1h30m", 5'400'000},
             {"2days", 172'800'000}, {"1 week", 604'800'000}, {" 3 s ", 3000}, {"1h 1s", 3'601'000}}) {
        CAPTURE(c.first);
        REQUIRE(parse_duration_ms(c.first, ms));
        CHECK(ms == c.second);
    }
    for (const char *bad : {"", "s", "1x", "1.5s", "-1s", "99999999999999999999", "1h h"})
        CHECK_MESSAGE(!parse_duration_ms(bad, ms), bad);
}

TEST_CASE("config_error_string") {
    error e(ALTER_ESPEC, "apps[0].x: unknown field");
    CHECK(config_error_string(e) == "apps[0].x: unknown field");
    e.file = "a.toml";
    e.line = 3;
    e.column = 7;
    e.hint = "did you mean 'y'?";
    CHECK(config_error_string(e) == "a.toml:3:7: apps[0].x: unknown field (did you mean 'y'?)");
}

TEST_CASE("every file in examples/ecosystem parses to the demo system") {
    fs::path dir = source_root() / "examples" / "ecosystem";
    size_t files = 0;
    for (const auto &entry : fs::directory_iterator(dir)) {
        if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
        std::string name = entry.path().filename().string();
        CAPTURE(name);
        auto r = ok(slurp(entry.path()), name);
        ++files;
        CHECK(r.apps.size() >= 2);
        for (const auto &a : r.apps) {
            if (a.command == "/bin/sh") continue;
            // Every program the demo runs exists in apps/ and is executable (or is python3).
            if (a.command == "python3") CHECK(fs::exists(dir / "apps" / a.args.at(0)));
            else CHECK_MESSAGE(access((dir / a.cwd / a.command).c_str(), X_OK) == 0, a.command);
        }
        if (name.rfind("alter.", 0) == 0) {
            CHECK(r.warnings.empty());
            CHECK(app(r, "api").deps == std::vector<std::string>{"migrate"});
            CHECK(app(r, "report").type == app_type::cron);
            CHECK(app(r, "migrate").type == app_type::once);
        }
    }
    CHECK(files >= 7);
    auto toml = ok(slurp(dir / "alter.toml"), "alter.toml");
    CHECK(ok(slurp(dir / "alter.json"), "alter.json").apps == toml.apps);
    CHECK(ok(slurp(dir / "alter.yaml"), "alter.yaml").apps == toml.apps);
}
