// SPDX-License-Identifier: MIT
// sigrecord: catches the usual stop signals (HUP, INT, QUIT, TERM, USR1, USR2, ALRM), prints
// "ready", and on the first one received prints "got signal N" and exits 0.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void on_signal(int sig) {
    char msg[32] = "got signal ";
    size_t n = strlen(msg);
    if (sig >= 10) msg[n++] = (char)('0' + sig / 10);
    msg[n++] = (char)('0' + sig % 10);
    msg[n++] = '\n';
    if (write(STDOUT_FILENO, msg, n) < 0) _exit(1);
    _exit(0);
}

int main(void) {
    static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM};
    struct sigaction sa;
    size_t i;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask);
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; ++i) sigaction(sigs[i], &sa, NULL);
    printf("ready\n");
    fflush(stdout);
    for (;;) pause();
}
