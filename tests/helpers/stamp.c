// SPDX-License-Identifier: MIT
// stamp FILE [CODE [DELAYS]]: appends "<CLOCK_MONOTONIC ns>\n" to FILE at start. Without CODE it
// then sleeps until killed. With CODE it waits, then exits with CODE; DELAYS is a comma-separated
// list of milliseconds indexed by the run number (the lines FILE held before this start; the last
// entry repeats), e.g. "0,0,400,0" makes the third run last 400 ms.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long count_lines(const char *path) {
    FILE *f = fopen(path, "r");
    long n = 0;
    int c;
    if (f == NULL) return 0;
    while ((c = fgetc(f)) != EOF)
        if (c == '\n') ++n;
    fclose(f);
    return n;
}

static long delay_for(const char *list, long run) {
    long ms = 0, i = 0;
    const char *p = list;
    for (;;) {
        char *end = NULL;
        ms = strtol(p, &end, 10);
        if (i == run || *end != ',') return ms;
        p = end + 1;
        ++i;
    }
}

int main(int argc, char **argv) {
    struct timespec now;
    char line[64];
    int fd, n;
    long run, ms;
    if (argc < 2) {
        fprintf(stderr, "usage: stamp FILE [CODE [DELAYS]]\n");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    run = count_lines(argv[1]);
    n = snprintf(line, sizeof line, "%lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
    fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, line, (size_t)n) != n) return 3;
    close(fd);
    printf("stamp run=%ld\n", run);
    fflush(stdout);
    if (argc < 3) {
        for (;;) pause();
    }
    ms = argc > 3 ? delay_for(argv[3], run) : 0;
    if (ms > 0) {
        struct timespec ts;
        ts.tv_sec = ms / 1000;
        ts.tv_nsec = (ms % 1000) * 1000000L;
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
    return atoi(argv[2]);
}
