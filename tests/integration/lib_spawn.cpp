// SPDX-License-Identifier: MIT
// What a child gets at spawn: clean signal state, /dev/null stdin, no leaked fds, its own process
// group, its environment and identity; and clear errors when it cannot be spawned.
#include "integ.hpp"

#include <grp.h>
#include <map>
#include <pwd.h>
#include <sys/wait.h>

using namespace integ;
using alter::state;

namespace {

/// "key=value" lines of a helper's output.
std::map<std::string, std::string> key_values(const std::vector<std::string> &lines) {
    std::map<std::string, std::string> out;
    for (const auto &l : lines)
        if (auto eq = l.find('='); eq != std::string::npos && l.compare(0, 4, "env ") != 0) out[l.substr(0, eq)] = l.substr(eq + 1);
    return out;
}

/// The "env KEY=VALUE" lines of envdump's output.
std::map<std::string, std::string> env_of(const std::vector<std::string> &lines) {
    std::map<std::string, std::string> out;
    for (const auto &l : lines)
        if (l.compare(0, 4, "env ") == 0)
            if (auto eq = l.find('=', 4); eq != std::string::npos) out[l.substr(4, eq - 4)] = l.substr(eq + 1);
    return out;
}

} // namespace

TEST_CASE("spawn hygiene: default signals, empty mask, /dev/null stdin, no leaked fd, group leader") {
    // Before the context (and its loop thread, which inherits this thread's mask) exists, the test
    // process ignores SIGPIPE and SIGHUP, blocks a few signals and holds fds without O_CLOEXEC.
    struct sigaction ign {}, old_pipe{}, old_hup{};
    ign.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ign, &old_pipe);
    ::sigaction(SIGHUP, &ign, &old_hup);
    sigset_t block, old_mask;
    sigemptyset(&block);
    for (int sig : {SIGPIPE, SIGUSR1, SIGUSR2, SIGTERM, SIGALRM}) sigaddset(&block, sig);
    ::pthread_sigmask(SIG_BLOCK, &block, &old_mask);
    int leaked = ::open("/dev/null", O_RDONLY); // no O_CLOEXEC on purpose
    int leaked_pipe[2] = {-1, -1};
    REQUIRE(::pipe(leaked_pipe) == 0);
    REQUIRE(leaked >= 0);

    std::map<std::string, std::string> kv;
    {
        temp_dir dir;
        auto ctx = make_context(dir);
        auto s = helper_app("hygiene", "sigpipe_check");
        s.restart = "never";
        REQUIRE(ctx.add(s).ok());
        wait_state(ctx, "hygiene", {state::exited, state::crashed, state::errored});
        CHECK(status_of(ctx, "hygiene") == "exited");
        kv = key_values(log_texts(log_path(dir, "hygiene")));
    }
    ::close(leaked);
    ::close(leaked_pipe[0]);
    ::close(leaked_pipe[1]);
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    ::sigaction(SIGPIPE, &old_pipe, nullptr);
    ::sigaction(SIGHUP, &old_hup, nullptr);

    CHECK(kv["sigpipe"] == "default");
    CHECK(kv["sigpipe_blocked"] == "0");
    CHECK(kv["sigmask"] == "empty");
    CHECK(kv["ignored"] == "none");
    CHECK(kv["fds"] == "none");
    CHECK(kv["stdin"] == "/dev/null");
    CHECK(!kv["pid"].empty());
    CHECK(kv["pgid"] == kv["pid"]);
}

TEST_CASE("a process that cannot be spawned ends in errored with a clear error") {
    temp_dir dir;
    event_recorder ev;
    std::vector<std::string> records;
    std::mutex records_mu;
    alter::context_options o;
    o.on_record = [&](int, std::string_view m) {
        std::lock_guard lock(records_mu);
        records.emplace_back(m);
    };
    auto ctx = make_context(dir, o);
    ev.attach(ctx);
    alter::app_spec s;
    s.name = "bad";
    std::string want;

    SUBCASE("absolute command that does not exist") {
        s.command = dir / "no-such-program";
        want = "command not found: " + (dir / "no-such-program");
    }
    SUBCASE("command not on PATH") {
        s.command = "alter-integ-no-such-command";
        want = "command not found: 'alter-integ-no-such-command'";
    }
    SUBCASE("cwd that does not exist") {
        s.command = helper("sleeper");
        s.cwd = dir / "missing-dir";
        want = "cannot change to directory '" + (dir / "missing-dir") + "'";
    }
    SUBCASE("file that is not executable") {
        write_file(dir / "script.sh", "#!/bin/sh\necho hi\n");
        ::chmod((dir / "script.sh").c_str(), 0644);
        s.command = dir / "script.sh";
        want = "cannot execute " + (dir / "script.sh");
    }
    SUBCASE("env_file that does not exist") {
        s.command = helper("sleeper");
        s.env_file = dir / "missing.env";
        want = "cannot read env_file " + (dir / "missing.env");
    }
    REQUIRE(ctx.add(s).ok());
    wait_state(ctx, "bad", {state::errored});
    auto p = process_of(ctx, "bad");
    CHECK(p["status"].str() == "errored");
    CHECK(p["pid"].i() == 0);
    INFO("error: " << p["error"].str());
    CHECK(p["error"].str().find(want) != std::string::npos);
    auto last = ev.states("bad").back();
    CHECK(last.from == state::starting);
    CHECK(last.to == state::errored);
    CHECK(last.parsed()["error"].str() == p["error"].str());
    {
        std::lock_guard lock(records_mu);
        bool reported = false;
        for (const auto &r : records) reported = reported || r.find(want) != std::string::npos;
        CHECK_MESSAGE(reported, "the failure is also reported through on_record");
    }
    // The context is fine: another app runs.
    REQUIRE(ctx.add(helper_app("good", "sleeper")).ok());
    wait_state(ctx, "good", {state::running});
}

TEST_CASE("env overrides, env_file re-read on every start, ALTER_* variables") {
    ::setenv("ALTER_INTEG_INHERITED", "parent", 1);
    ::setenv("ALTER_INTEG_OVERRIDDEN", "parent", 1);
    temp_dir dir;
    event_recorder ev;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    write_file(dir / "app.env", "FROM_FILE=one\nREMOVED_LATER=yes\nSHARED=file\n");
    auto s = helper_app("envy", "envdump");
    s.restart = "never";
    s.cwd = dir.path();
    s.env_file = "app.env"; // relative to cwd
    s.env = {{"ALTER_INTEG_OVERRIDDEN", "spec"}, {"SHARED", "spec"}, {"SPACES", "a b  c"}};
    REQUIRE(ctx.add(s).ok());
    REQUIRE(ev.wait_to("envy", state::exited, 1));
    auto lines = log_texts(log_path(dir, "envy"));
    auto env = env_of(lines);
    CHECK(env["ALTER_INTEG_INHERITED"] == "parent");
    CHECK(env["ALTER_INTEG_OVERRIDDEN"] == "spec");
    CHECK(env["FROM_FILE"] == "one");
    CHECK(env["REMOVED_LATER"] == "yes");
    CHECK(env["SHARED"] == "spec"); // env wins over env_file
    CHECK(env["SPACES"] == "a b  c");
    CHECK(env["ALTER_APP_NAME"] == "envy");
    CHECK(env["ALTER_INSTANCE"] == "0");
    CHECK(key_values(lines)["cwd"] == dir.path());

    // Edit the file: a changed value changes, a removed key disappears.
    write_file(dir / "app.env", "FROM_FILE=two\nSHARED=file\n");
    REQUIRE(ctx.clear_logs("envy").ok());
    REQUIRE(ctx.start("envy").ok());
    REQUIRE(ev.wait_to("envy", state::exited, 2));
    env = env_of(log_texts(log_path(dir, "envy")));
    CHECK(env["FROM_FILE"] == "two");
    CHECK(env.count("REMOVED_LATER") == 0);
    CHECK(env["SHARED"] == "spec");
    ::unsetenv("ALTER_INTEG_INHERITED");
    ::unsetenv("ALTER_INTEG_OVERRIDDEN");
}

TEST_CASE("user: the child runs as that user, its log files stay root's" * doctest::skip(::geteuid() != 0)) {
    struct passwd *pw = ::getpwnam("nobody");
    if (pw == nullptr) {
        MESSAGE("no user 'nobody' on this machine: skipped");
        return;
    }
    uid_t uid = pw->pw_uid;
    gid_t gid = pw->pw_gid;
    std::string home = pw->pw_dir;
    int ng = 64;
    std::vector<gid_t> groups(64);
    ::getgrouplist("nobody", gid, groups.data(), &ng);
    groups.resize(static_cast<size_t>(ng));
    std::sort(groups.begin(), groups.end());
    std::string want_groups;
    for (gid_t g : groups) want_groups += (want_groups.empty() ? "" : ",") + std::to_string(g);

    temp_dir dir;
    auto ctx = make_context(dir);
    auto s = helper_app("asnobody", "envdump");
    s.restart = "never";
    s.user = "nobody";
    s.cwd = "/";
    REQUIRE(ctx.add(s).ok());
    wait_state(ctx, "asnobody", {state::exited, state::crashed, state::errored});
    auto p = process_of(ctx, "asnobody");
    REQUIRE_MESSAGE(p["status"].str() == "exited", p["error"].str());
    auto lines = log_texts(log_path(dir, "asnobody"));
    auto kv = key_values(lines);
    auto env = env_of(lines);
    CHECK(kv["uid"] == std::to_string(uid));
    CHECK(kv["euid"] == std::to_string(uid));
    CHECK(kv["gid"] == std::to_string(gid));
    CHECK(kv["egid"] == std::to_string(gid));
    CHECK(kv["groups"] == want_groups);
    CHECK(env["HOME"] == home);
    CHECK(env["USER"] == "nobody");
    CHECK(env["LOGNAME"] == "nobody");
    struct stat st {};
    REQUIRE(::stat(log_path(dir, "asnobody").c_str(), &st) == 0);
    CHECK(st.st_uid == 0);
    CHECK(st.st_gid == 0);
    REQUIRE(::stat((dir / "logs/asnobody").c_str(), &st) == 0);
    CHECK(st.st_uid == 0);
}

TEST_CASE("group only: primary and supplementary groups become that group" * doctest::skip(::geteuid() != 0)) {
    struct group *gr = ::getgrnam("nogroup");
    if (gr == nullptr) {
        MESSAGE("no group 'nogroup' on this machine: skipped");
        return;
    }
    gid_t gid = gr->gr_gid;
    temp_dir dir;
    auto ctx = make_context(dir);
    auto s = helper_app("asgroup", "envdump");
    s.restart = "never";
    s.group = "nogroup";
    REQUIRE(ctx.add(s).ok());
    wait_state(ctx, "asgroup", {state::exited, state::crashed, state::errored});
    auto kv = key_values(log_texts(log_path(dir, "asgroup")));
    CHECK(kv["uid"] == "0");
    CHECK(kv["gid"] == std::to_string(gid));
    CHECK(kv["groups"] == std::to_string(gid));
}

namespace {
// Run as a non-root user: a spec with `user` fails with a clear error. Returns 0 on success, or a
// code naming the failed step. Runs in a forked, single-threaded child when the tests run as root.
int check_user_without_root(const std::string &log_dir) {
    alter::context_options o;
    o.log_dir = log_dir;
    auto c = alter::context::create(o);
    if (!c) return 10;
    auto &ctx = *c;
    auto s = helper_app("asroot", "sleeper");
    s.user = "root";
    if (!ctx.add(s).ok()) return 11;
    if (!ctx.wait("asroot", {state::errored}, 10000ms).ok()) return 12;
    auto p = process_of(ctx, "asroot");
    if (p["error"].str().find("not running as root") == std::string::npos) return 13;
    return 0;
}
} // namespace

TEST_CASE("user when the supervisor is not root: errored with a clear error") {
    if (::geteuid() != 0) {
        temp_dir dir;
        CHECK(check_user_without_root(dir / "logs") == 0);
        return;
    }
    struct passwd *pw = ::getpwnam("nobody");
    if (pw == nullptr) {
        MESSAGE("no user 'nobody' to drop to: skipped");
        return;
    }
    // Drop to nobody in a child process (this process has no other thread now).
    temp_dir dir;
    REQUIRE(::chown(dir.path().c_str(), pw->pw_uid, pw->pw_gid) == 0);
    uid_t uid = pw->pw_uid;
    gid_t gid = pw->pw_gid;
    std::string logs = dir / "logs";
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(20);
        ::_exit(check_user_without_root(logs));
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("child_nofile_soft: the children get that soft open-files limit, not the supervisor's") {
    temp_dir dir;
    alter::context_options o;
    o.child_nofile_soft = 512;
    auto ctx = make_context(dir, o);
    line_recorder lines;
    lines.attach(ctx, "limits");
    alter::app_spec s;
    s.name = "limits";
    s.command = "/bin/sh";
    s.args = {"-c", "echo nofile $(ulimit -n)"};
    s.restart = "never";
    REQUIRE(ctx.add(s).ok());
    CHECK(lines.wait_prefix("limits", "nofile ") == "nofile 512");
}
