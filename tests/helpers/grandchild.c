// SPDX-License-Identifier: MIT
// grandchild [detach]: forks a child that sleeps forever and, with "detach", a second one that
// first calls setpgid(0, 0) to leave the process group. Prints
// "pids <self> <child> <detached or 0>" once the children exist, then sleeps until killed.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static pid_t spawn_sleeper(int leave_group, int ready_fd) {
    pid_t pid = fork();
    if (pid == 0) {
        if (leave_group) setpgid(0, 0);
        if (write(ready_fd, "r", 1) != 1) _exit(1);
        close(ready_fd);
        for (;;) pause();
    }
    return pid;
}

int main(int argc, char **argv) {
    int detach = argc > 1 && strcmp(argv[1], "detach") == 0;
    int fds[2];
    char c;
    pid_t child, detached = 0;
    if (pipe(fds) != 0) return 3;
    child = spawn_sleeper(0, fds[1]);
    if (child < 0) return 3;
    if (detach) {
        detached = spawn_sleeper(1, fds[1]);
        if (detached < 0) return 3;
    }
    close(fds[1]);
    /* Wait until each child has run (and the detached one has left the group). */
    if (read(fds[0], &c, 1) != 1) return 4;
    if (detach && read(fds[0], &c, 1) != 1) return 4;
    close(fds[0]);
    printf("pids %d %d %d\n", (int)getpid(), (int)child, (int)detached);
    fflush(stdout);
    for (;;) pause();
}
