// SPDX-License-Identifier: MIT
#include "spawn.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <optional>
#include <pwd.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alter/alter.h"

namespace alter::detail {

namespace {

// Everything the child needs, prepared in the parent (the child may not allocate).
struct child_args {
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *cwd;
    int fds[3];
    bool set_ids;
    uid_t uid;
    gid_t gid;
    const gid_t *groups;
    size_t ngroups;
    uint64_t nofile_soft;
    // Written by the child on failure (shared memory: CLONE_VM), read by the parent after.
    volatile int err;
    volatile int step;
};

enum child_step { step_none, step_signals, step_pgid, step_ids, step_chdir, step_fds, step_exec, step_rlimit };

const char *step_name(int s) {
    switch (s) {
    case step_signals: return "reset signals";
    case step_pgid: return "setpgid";
    case step_ids: return "set user/group";
    case step_chdir: return "chdir";
    case step_fds: return "set up stdio";
    case step_exec: return "exec";
    case step_rlimit: return "set the open files limit";
    default: return "spawn";
    }
}

[[noreturn]] __attribute__((no_sanitize("address", "undefined"))) void child_fail(child_args *a, int step) {
    a->step = step;
    a->err = errno != 0 ? errno : EINVAL;
    syscall(SYS_exit, 127);
    __builtin_unreachable();
}

// Runs in the child on its own stack, sharing the parent's memory until exec. Only raw system
// calls and async-signal-safe functions; no allocation, no locks.
__attribute__((no_sanitize("address", "undefined"))) int child_main(void *p) {
    auto *a = static_cast<child_args *>(p);
    // Default dispositions for every signal (handlers and SIG_IGN alike), then an empty mask.
    // The kernel's struct (not glibc's): handler, flags, restorer, mask.
    struct {
        void *handler;
        unsigned long flags;
        void *restorer;
        uint64_t mask;
    } dfl = {nullptr /* SIG_DFL */, 0, nullptr, 0};
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        syscall(SYS_rt_sigaction, sig, &dfl, nullptr, sizeof(uint64_t));
    }
    uint64_t empty = 0;
    if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, nullptr, sizeof empty) != 0) child_fail(a, step_signals);

    // A process group of its own (the stop signal goes to the whole group; terminal signals do not
    // reach it). Not setsid(): with sched autogroups on, a new session costs 1-2 ms per spawn.
    if (syscall(SYS_setpgid, 0, 0) < 0) child_fail(a, step_pgid);

    if (a->set_ids) {
        if (syscall(SYS_setgroups, a->ngroups, a->groups) != 0) child_fail(a, step_ids);
        if (syscall(SYS_setgid, a->gid) != 0) child_fail(a, step_ids);
        if (syscall(SYS_setuid, a->uid) != 0) child_fail(a, step_ids);
    }
    if (a->cwd != nullptr && a->cwd[0] != '\0' && syscall(SYS_chdir, a->cwd) != 0) child_fail(a, step_chdir);
    if (a->nofile_soft > 0) {
        // The supervisor raised its own open-files limit; the child gets the one it started with
        // (programs that use select() break above 1024).
        struct {
            uint64_t cur, max;
        } lim{};
        if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, nullptr, &lim) != 0) child_fail(a, step_rlimit);
        lim.cur = a->nofile_soft < lim.max ? a->nofile_soft : lim.max;
        if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &lim, nullptr) != 0) child_fail(a, step_rlimit);
    }

    // Move the source fds out of 0..2 first so dup2 cannot clobber one with another.
    int src[3];
    for (int i = 0; i < 3; ++i) {
        src[i] = static_cast<int>(syscall(SYS_fcntl, a->fds[i], F_DUPFD_CLOEXEC, 3));
        if (src[i] < 0) child_fail(a, step_fds);
    }
    for (int i = 0; i < 3; ++i)
        if (syscall(SYS_dup2, src[i], i) < 0) child_fail(a, step_fds);
    if (syscall(SYS_close_range, 3u, ~0u, 0u) != 0) {
        // Kernels before 5.9: close what is open, one by one.
        for (int fd = 3; fd < 65536; ++fd) syscall(SYS_close, fd);
    }
    syscall(SYS_execve, a->path, a->argv, a->envp);
    child_fail(a, step_exec);
}

std::vector<char *> c_array(const std::vector<std::string> &v) {
    std::vector<char *> out;
    out.reserve(v.size() + 1);
    for (const auto &s : v) out.push_back(const_cast<char *>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

constexpr size_t child_stack_size = 64 * 1024;

} // namespace

status make_output_pipe(int fds[2]) {
    if (::pipe2(fds, O_CLOEXEC) != 0) return error(-errno, std::string("pipe: ") + std::strerror(errno));
    int fl = ::fcntl(fds[0], F_GETFL);
    ::fcntl(fds[0], F_SETFL, fl | O_NONBLOCK);
    return {};
}

result<spawn_result> spawn_process(const spawn_request &req) {
    if (req.path.empty() || req.argv.empty()) return error(ALTER_EINVAL, "spawn: empty command");
    auto argv = c_array(req.argv);
    auto envp = c_array(req.envp);

    int devnull = -1;
    if (req.stdin_fd < 0 || req.stdout_fd < 0 || req.stderr_fd < 0) {
        devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull < 0) return error(-errno, std::string("open /dev/null: ") + std::strerror(errno));
    }
    child_args a{};
    a.path = req.path.c_str();
    a.argv = argv.data();
    a.envp = envp.data();
    a.cwd = req.cwd.empty() ? nullptr : req.cwd.c_str();
    a.fds[0] = req.stdin_fd >= 0 ? req.stdin_fd : devnull;
    a.fds[1] = req.stdout_fd >= 0 ? req.stdout_fd : devnull;
    a.fds[2] = req.stderr_fd >= 0 ? req.stderr_fd : devnull;
    a.set_ids = req.set_ids;
    a.uid = req.uid;
    a.gid = req.gid;
    a.groups = req.groups.data();
    a.ngroups = req.groups.size();
    a.nofile_soft = req.nofile_soft;
    a.err = 0;
    a.step = step_none;

    void *stack = ::mmap(nullptr, child_stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        int e = errno;
        if (devnull >= 0) ::close(devnull);
        return error(-e, "spawn: no memory for the child's stack");
    }
    // Block every signal so no handler of this process runs in the child before it resets them.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int pidfd = -1;
    pid_t pid = ::clone(child_main, static_cast<char *>(stack) + child_stack_size,
                        CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, &a, &pidfd);
    int clone_errno = errno;
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    ::munmap(stack, child_stack_size);
    if (devnull >= 0) ::close(devnull);

    if (pid < 0) return error(-clone_errno, std::string("spawn: clone failed: ") + std::strerror(clone_errno));
    if (a.err != 0) {
        // The child has exited with 127: reap it.
        siginfo_t si{};
        while (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd), &si, WEXITED) != 0 && errno == EINTR) {
        }
        ::close(pidfd);
        int e = a.err;
        std::string what = step_name(a.step);
        std::string msg;
        if (a.step == step_chdir) msg = "cannot change to directory '" + req.cwd + "': " + std::strerror(e);
        else if (a.step == step_exec) msg = "cannot execute '" + req.path + "': " + std::strerror(e);
        else msg = "spawn failed (" + what + "): " + std::strerror(e);
        return error(-e, msg);
    }
    return spawn_result{pid, pidfd};
}

result<std::string> resolve_command(const std::string &command, const std::string &path_env, const std::string &cwd) {
    auto check = [](const std::string &p) -> int {
        struct stat st {};
        if (::stat(p.c_str(), &st) != 0) return -errno;
        if (S_ISDIR(st.st_mode)) return -EACCES;
        if (::access(p.c_str(), X_OK) != 0) return -errno;
        return 0;
    };
    if (command.empty()) return error(ALTER_EINVAL, "empty command");
    if (command.find('/') != std::string::npos) {
        std::string p = (command[0] == '/' || cwd.empty()) ? command : cwd + "/" + command;
        int r = check(p);
        if (r == 0) return p;
        if (r == -ENOENT) return error(r, "command not found: " + p);
        return error(r, "cannot execute " + p + ": " + std::strerror(-r));
    }
    std::string path = path_env.empty() ? std::string("/usr/local/bin:/usr/bin:/bin") : path_env;
    int first_err = -ENOENT;
    size_t i = 0;
    while (i <= path.size()) {
        size_t j = path.find(':', i);
        if (j == std::string::npos) j = path.size();
        std::string dir = path.substr(i, j - i);
        i = j + 1;
        if (dir.empty()) dir = ".";
        if (dir[0] != '/' && !cwd.empty()) dir = cwd + "/" + dir;
        std::string p = dir + "/" + command;
        int r = check(p);
        if (r == 0) return p;
        if (r == -EACCES && first_err == -ENOENT) first_err = r;
    }
    if (first_err == -EACCES) return error(first_err, "cannot execute '" + command + "': permission denied");
    return error(first_err, "command not found: '" + command + "' (searched PATH=" + path + ")");
}

namespace {

bool all_digits(const std::string &s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// 0..2^32-2 (-1 is "no change" to setuid/setgid).
bool parse_id(const std::string &s, uint32_t &out) {
    if (!all_digits(s) || s.size() > 10) return false;
    unsigned long long v = std::stoull(s);
    if (v >= 0xffffffffull) return false;
    out = static_cast<uint32_t>(v);
    return true;
}

// The passwd or group entry named by `key` (a number looks up the id; `number` then holds it).
template <class E, class Id>
E *find_entry(const std::string &key, E &e, std::vector<char> &buf, int (*by_id)(Id, E *, char *, size_t, E **),
              int (*by_name)(const char *, E *, char *, size_t, E **), std::optional<uint32_t> &number) {
    E *res = nullptr;
    uint32_t n = 0;
    if (parse_id(key, n)) {
        number = n;
        by_id(static_cast<Id>(n), &e, buf.data(), buf.size(), &res);
    } else {
        by_name(key.c_str(), &e, buf.data(), buf.size(), &res);
    }
    return res;
}

} // namespace

result<user_ids> lookup_user(const std::string &user, const std::string &group) {
    user_ids ids;
    ids.uid = ::geteuid();
    ids.gid = ::getegid();
    std::vector<char> buf(16384);
    bool have_passwd = false;
    if (!user.empty()) {
        struct passwd pw {};
        std::optional<uint32_t> number;
        if (find_entry(user, pw, buf, ::getpwuid_r, ::getpwnam_r, number) != nullptr) {
            have_passwd = true;
            ids.uid = pw.pw_uid;
            ids.gid = pw.pw_gid;
            ids.name = pw.pw_name;
            ids.home = pw.pw_dir != nullptr && pw.pw_dir[0] != 0 ? pw.pw_dir : "/";
            ids.shell = pw.pw_shell != nullptr ? pw.pw_shell : "";
        } else if (number) {
            // A uid without a passwd entry (containers, systemd's numeric User=): its own
            // number as group unless `group` says otherwise, no supplementary groups.
            ids.uid = static_cast<uid_t>(*number);
            ids.gid = static_cast<gid_t>(*number);
            ids.name = user;
            ids.home = "/";
        } else {
            return error(ALTER_ENOENT, "unknown user '" + user + "'");
        }
    }
    if (!group.empty()) {
        struct group gr {};
        std::optional<uint32_t> number;
        if (find_entry(group, gr, buf, ::getgrgid_r, ::getgrnam_r, number) != nullptr) ids.gid = gr.gr_gid;
        else if (number) ids.gid = static_cast<gid_t>(*number);
        else return error(ALTER_ENOENT, "unknown group '" + group + "'");
    }
    // Supplementary groups as initgroups(user, gid) sets them (what systemd does for User= and
    // Group=): the groups that list the user in /etc/group, plus gid. With an explicit group the
    // user's passwd group is only kept if /etc/group lists the user in it.
    if (have_passwd) {
        int n = 64;
        std::vector<gid_t> groups(static_cast<size_t>(n));
        if (::getgrouplist(ids.name.c_str(), ids.gid, groups.data(), &n) < 0) {
            groups.resize(static_cast<size_t>(n));
            if (::getgrouplist(ids.name.c_str(), ids.gid, groups.data(), &n) < 0) n = 0;
        }
        groups.resize(static_cast<size_t>(n));
        ids.groups = std::move(groups);
    }
    if (std::find(ids.groups.begin(), ids.groups.end(), ids.gid) == ids.groups.end()) ids.groups.insert(ids.groups.begin(), ids.gid);
    // Already those ids (the supervisor's own user): nothing to change, no root needed.
    if (ids.uid == ::geteuid() && ids.gid == ::getegid()) {
        ids.change = ::geteuid() == 0;
        if (!ids.change) return ids;
    }
    if (::geteuid() != 0)
        return error(ALTER_EPERM, "cannot run as user '" + user + "'" + (group.empty() ? "" : " / group '" + group + "'") +
                                      ": the supervisor is not running as root");
    ids.change = true;
    return ids;
}

} // namespace alter::detail
