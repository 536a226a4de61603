// SPDX-License-Identifier: MIT
// stamp: a child that timestamps itself (CLOCK_MONOTONIC, ns) for the benchmark harness.
//
//   stamp FILE TAG               append "TAG NS\n" to FILE
//   stamp FILE crash MS CODE     append "start NS", sleep MS ms, append "exit NS", exit with CODE
//
// One write(2) per line on an O_APPEND descriptor, so lines of concurrent writers never mix.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int stamp(int fd, const char *tag) {
    char line[256];
    int n = snprintf(line, sizeof line, "%s %lld\n", tag, now_ns());
    if (n <= 0 || (size_t)n >= sizeof line) return -1;
    return write(fd, line, (size_t)n) == n ? 0 : -1;
}

int main(int argc, char **argv) {
    if (argc != 3 && !(argc == 5 && strcmp(argv[2], "crash") == 0)) {
        fprintf(stderr, "usage: stamp FILE TAG | stamp FILE crash MS CODE\n");
        return 2;
    }
    int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "stamp: %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    if (argc == 3) return stamp(fd, argv[2]) == 0 ? 0 : 2;

    long ms = strtol(argv[3], NULL, 10);
    int code = (int)strtol(argv[4], NULL, 10);
    if (stamp(fd, "start") != 0) return 2;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    if (stamp(fd, "exit") != 0) return 2;
    _exit(code);
}
