// SPDX-License-Identifier: MIT
// orphan ignore | orphan graceful MS: leaves a grandchild behind in its process group whose
// parent has already exited (so it is no longer a descendant in /proc), then waits to be
// stopped. With "ignore" the grandchild ignores SIGTERM; with "graceful MS" it takes MS ms to
// finish after SIGTERM and prints "flushed" before it exits. The leader dies of SIGTERM at once.
// Prints "orphan <pid>" and then "ready".
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t term;
static void on_term(int sig) {
    (void)sig;
    term = 1;
}

int main(int argc, char **argv) {
    int graceful = argc > 2 && strcmp(argv[1], "graceful") == 0;
    long ms = graceful ? atol(argv[2]) : 0;
    int fds[2];
    if (pipe(fds) != 0) return 3;
    pid_t mid = fork();
    if (mid < 0) return 3;
    if (mid == 0) {
        pid_t g = fork();
        if (g < 0) _exit(3);
        if (g == 0) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = graceful ? on_term : SIG_IGN;
            sigaction(SIGTERM, &sa, NULL);
            printf("orphan %d\n", (int)getpid());
            fflush(stdout);
            if (write(fds[1], "r", 1) != 1) _exit(1);
            close(fds[1]);
            while (!term) pause();
            struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
            printf("flushed\n");
            fflush(stdout);
            _exit(0);
        }
        _exit(0); // the grandchild is re-parented
    }
    close(fds[1]);
    char c;
    if (read(fds[0], &c, 1) != 1) return 4;
    close(fds[0]);
    waitpid(mid, NULL, 0);
    printf("ready\n");
    fflush(stdout);
    for (;;) pause();
}
