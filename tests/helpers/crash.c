// SPDX-License-Identifier: MIT
// crash SIGNAL [delay_ms]: waits delay_ms (default 0), then raises SIGNAL (a number, or a name
// such as SEGV / SIGSEGV, ABRT, KILL) with its default action. Core dumps are disabled first.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static int parse_signal(const char *s) {
    static const struct {
        const char *name;
        int sig;
    } names[] = {{"SEGV", SIGSEGV}, {"ABRT", SIGABRT}, {"KILL", SIGKILL}, {"TERM", SIGTERM},
                 {"INT", SIGINT},   {"BUS", SIGBUS},   {"FPE", SIGFPE},   {"ILL", SIGILL},
                 {"HUP", SIGHUP},   {"QUIT", SIGQUIT}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2}};
    size_t i;
    if (s[0] >= '0' && s[0] <= '9') return atoi(s);
    if (strncmp(s, "SIG", 3) == 0) s += 3;
    for (i = 0; i < sizeof names / sizeof names[0]; ++i)
        if (strcmp(s, names[i].name) == 0) return names[i].sig;
    return 0;
}

int main(int argc, char **argv) {
    struct rlimit no_core = {0, 0};
    struct sigaction sa;
    sigset_t set;
    int sig;
    long ms;
    struct timespec ts;
    if (argc < 2 || (sig = parse_signal(argv[1])) <= 0) {
        fprintf(stderr, "usage: crash SIGNAL [delay_ms]\n");
        return 2;
    }
    ms = argc > 2 ? atol(argv[2]) : 0;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (ms > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    setrlimit(RLIMIT_CORE, &no_core);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    return 3; /* not reached for a fatal signal */
}
