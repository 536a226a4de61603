// SPDX-License-Identifier: MIT
// sigpipe_check: reports what a child inherited, one "key=value" per line, then exits 0:
//   sigpipe=default|ignored|handler, sigpipe_blocked=0|1, sigmask=<blocked signals or "empty">,
//   ignored=<signals set to SIG_IGN or "none">, fds=<open fds above 2, comma-separated, or "none">,
//   stdin=<what fd 0 is>, pid=N, pgid=N.
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    struct sigaction sa;
    sigset_t mask;
    int sig, any;
    DIR *d;
    struct dirent *e;
    char target[PATH_MAX];
    ssize_t n;

    sigaction(SIGPIPE, NULL, &sa);
    printf("sigpipe=%s\n", sa.sa_handler == SIG_DFL ? "default" : sa.sa_handler == SIG_IGN ? "ignored" : "handler");
    sigprocmask(SIG_BLOCK, NULL, &mask);
    printf("sigpipe_blocked=%d\n", sigismember(&mask, SIGPIPE) == 1);
    printf("sigmask=");
    any = 0;
    for (sig = 1; sig < 65; ++sig)
        if (sigismember(&mask, sig) == 1) printf(any++ ? ",%d" : "%d", sig);
    printf("%s\n", any ? "" : "empty");
    printf("ignored=");
    any = 0;
    for (sig = 1; sig < 32; ++sig) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) printf(any++ ? ",%d" : "%d", sig);
    }
    printf("%s\n", any ? "" : "none");

    printf("fds=");
    any = 0;
    d = opendir("/proc/self/fd");
    if (d != NULL) {
        while ((e = readdir(d)) != NULL) {
            int fd;
            if (e->d_name[0] == '.') continue;
            fd = atoi(e->d_name);
            if (fd <= 2 || fd == dirfd(d)) continue;
            printf(any++ ? ",%d" : "%d", fd);
        }
        closedir(d);
    }
    printf("%s\n", any ? "" : "none");
    n = readlink("/proc/self/fd/0", target, sizeof target - 1);
    target[n > 0 ? n : 0] = '\0';
    printf("stdin=%s\n", target);
    printf("pid=%d\npgid=%d\n", (int)getpid(), (int)getpgrp());
    return 0;
}
