// SPDX-License-Identifier: MIT
// sleeper [seconds]: prints "sleeper pid=<pid> instance=<ALTER_INSTANCE_NAME>", then sleeps for
// `seconds` (fractions allowed) and exits 0; without an argument it sleeps until killed.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    const char *inst = getenv("ALTER_INSTANCE_NAME");
    printf("sleeper pid=%d instance=%s\n", (int)getpid(), inst != NULL ? inst : "");
    fflush(stdout);
    if (argc < 2) {
        for (;;) pause();
    }
    double s = strtod(argv[1], NULL);
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    return 0;
}
