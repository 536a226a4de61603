// SPDX-License-Identifier: MIT
// forkexec: the machine's limit for starting N processes from C.
//
//   forkexec N PROG [ARGS...]
//   forkexec --respawn N PROG [ARGS...]
//
// Forks N children that exec PROG ARGS and prints the seconds until all of them have exec'd: each
// child holds the write end of an O_CLOEXEC pipe, so the parent's read sees EOF exactly when the
// last exec has happened. Then it sends SIGTERM to the children and reaps them.
//
// --respawn runs PROG N+1 times one after another, forking the next one as soon as waitpid()
// returns for the previous one: the floor of "crash -> replacement running" for a supervisor
// (time it with `stamp FILE crash MS CODE` as PROG, like the managers).
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int respawn(long n, char **argv) {
    for (long i = 0; i <= n; ++i) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("forkexec: fork");
            return 1;
        }
        if (pid == 0) {
            execv(argv[0], argv);
            _exit(127);
        }
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "--respawn") == 0) {
        long n = strtol(argv[2], NULL, 10);
        return n >= 0 ? respawn(n, argv + 3) : 2;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: forkexec N PROG [ARGS...]\n");
        return 2;
    }
    long n = strtol(argv[1], NULL, 10);
    if (n < 1 || n > 100000) {
        fprintf(stderr, "forkexec: N must be 1-100000\n");
        return 2;
    }
    pid_t *pids = calloc((size_t)n, sizeof *pids);
    int fds[2];
    if (pids == NULL || pipe2(fds, O_CLOEXEC) != 0) {
        perror("forkexec");
        return 2;
    }
    double t0 = now_s();
    long started = 0;
    for (long i = 0; i < n; ++i) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("forkexec: fork");
            break;
        }
        if (pid == 0) {
            execv(argv[2], argv + 2);
            _exit(127);
        }
        pids[started++] = pid;
    }
    close(fds[1]);
    char c;
    while (read(fds[0], &c, 1) < 0 && errno == EINTR) {
    }
    double t1 = now_s();
    printf("%.6f\n", t1 - t0);
    fflush(stdout);
    for (long i = 0; i < started; ++i) kill(pids[i], SIGTERM);
    for (long i = 0; i < started; ++i) {
        while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR) {
        }
    }
    free(pids);
    return started == n ? 0 : 1;
}
