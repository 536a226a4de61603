// SPDX-License-Identifier: MIT
// Spawning a child: clone(CLONE_VM | CLONE_VFORK | CLONE_PIDFD), so the parent is suspended only
// until the child has exec'd (no copy of the parent's memory, fast even for a big parent), exec
// failures come back as an errno, and the parent gets a pidfd (exit notification without
// SIGCHLD, race-free signalling). In the child, before exec:
//   all signal dispositions back to default, an empty signal mask (no inherited ignored SIGPIPE),
//   a process group of its own (setpgid, not setsid: with scheduler autogroups a new session costs
//   1-2 ms per spawn),
//   supplementary groups / gid / uid when asked (raw syscalls: the child shares the parent's memory),
//   chdir, stdin from /dev/null, stdout/stderr to the given fds, every other fd closed.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

#include "common/result.hpp"

namespace alter::detail {

struct spawn_request {
    std::string path;               // executable, already resolved (see resolve_command)
    std::vector<std::string> argv;  // argv[0] included
    std::vector<std::string> envp;  // "KEY=value"
    std::string cwd;                // empty: inherit
    int stdin_fd = -1;              // -1: /dev/null
    int stdout_fd = -1;             // -1: /dev/null
    int stderr_fd = -1;             // -1: /dev/null
    bool set_ids = false;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
    uint64_t nofile_soft = 0;       // > 0: the child's soft RLIMIT_NOFILE (at most the hard limit)
};

struct spawn_result {
    pid_t pid = 0;
    int pidfd = -1; // O_CLOEXEC; readable when the child exits
};

/// Spawn. On failure nothing is left behind; the error says which step failed (exec, chdir...).
result<spawn_result> spawn_process(const spawn_request &req);

/// Resolve `command` like execvp would, with `path_env` (the child's PATH) and relative to `cwd`
/// for names containing '/'. Errors: -ENOENT (not found), -EACCES (not executable).
result<std::string> resolve_command(const std::string &command, const std::string &path_env, const std::string &cwd);

/// Run-as for a `user` and/or a `group` (either may be empty), following systemd's User= and
/// Group= (docs/CONFIG.md, "user"):
///   - user: a name or a uid; its uid, home and shell from passwd. A uid without a passwd entry
///     is accepted: gid = the same number, home "/", name = the number.
///   - gid: `group` (a name or a gid) if given, else the user's passwd group.
///   - supplementary groups: initgroups(user, gid): the groups that list the user in
///     /etc/group, plus gid. So with an explicit group the user's passwd group is dropped unless
///     /etc/group lists the user in it. A group alone: just that group.
/// `change` false: the ids are the process's own and nothing is to be done (fine without root).
/// Errors: ALTER_ENOENT (unknown user or group name), ALTER_EPERM (other ids, not root).
struct user_ids {
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
    std::string name, home, shell; // name/home empty: no user given
    bool change = true;
};
result<user_ids> lookup_user(const std::string &user, const std::string &group);

/// Create a pipe for a child's output: the read end O_NONBLOCK|O_CLOEXEC, the write end
/// blocking|O_CLOEXEC (dup2 in the child clears CLOEXEC). fds[0] read, fds[1] write.
status make_output_pipe(int fds[2]);

} // namespace alter::detail
