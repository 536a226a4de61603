// SPDX-License-Identifier: MIT
// exit_with CODE [delay_ms]: waits delay_ms (default 0), then exits with CODE.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: exit_with CODE [delay_ms]\n");
        return 2;
    }
    int code = atoi(argv[1]);
    long ms = argc > 2 ? atol(argv[2]) : 0;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (ms > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    return code;
}
