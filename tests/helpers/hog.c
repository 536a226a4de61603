// SPDX-License-Identifier: MIT
// hog N MIB: forks N children that each touch MIB MiB of memory and then spin on the CPU; the
// parent prints "ready" once they all have their memory, then sleeps until killed. For the
// stats tests: CPU and RSS must be summed over the whole tree.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2;
    size_t mib = argc > 2 ? (size_t)atol(argv[2]) : 32;
    int fds[2];
    if (pipe(fds) != 0) return 3;
    for (int i = 0; i < n; ++i) {
        pid_t pid = fork();
        if (pid < 0) return 3;
        if (pid == 0) {
            char *p = malloc(mib << 20);
            if (p == NULL) _exit(4);
            memset(p, 1, mib << 20);
            if (write(fds[1], "r", 1) != 1) _exit(1);
            volatile unsigned long x = 0;
            for (;;) x += (unsigned char)p[x % (mib << 20)];
        }
    }
    close(fds[1]);
    char c;
    for (int i = 0; i < n; ++i)
        if (read(fds[0], &c, 1) != 1) return 4;
    printf("ready\n");
    fflush(stdout);
    for (;;) pause();
}
