// SPDX-License-Identifier: MIT
// spew LINES SIZE [out|err|both]: writes LINES lines as fast as possible, then exits 0.
// Line k (0-based) is exactly SIZE bytes before its newline: k as 10 zero-padded digits, a space,
// then 'x' up to SIZE (SIZE >= 11), so a reader can check loss, duplication, order and length.
// "both" writes every line to stdout and stderr.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int main(int argc, char **argv) {
    unsigned long lines, size, k;
    const char *stream = argc > 3 ? argv[3] : "out";
    int to_out, to_err;
    size_t cap, used = 0, line_len;
    char *buf;
    if (argc < 3) {
        fprintf(stderr, "usage: spew LINES SIZE [out|err|both]\n");
        return 2;
    }
    lines = strtoul(argv[1], NULL, 10);
    size = strtoul(argv[2], NULL, 10);
    if (size < 11) size = 11;
    to_out = strcmp(stream, "err") != 0;
    to_err = strcmp(stream, "out") != 0;
    line_len = size + 1;
    cap = line_len > (1u << 20) ? line_len : (1u << 20);
    buf = malloc(cap);
    if (buf == NULL) return 3;
    for (k = 0; k < lines; ++k) {
        char num[16];
        if (used + line_len > cap) {
            if ((to_out && write_all(1, buf, used) != 0) || (to_err && write_all(2, buf, used) != 0)) return 1;
            used = 0;
        }
        snprintf(num, sizeof num, "%010lu ", k % 10000000000UL);
        memcpy(buf + used, num, 11);
        memset(buf + used + 11, 'x', size - 11);
        buf[used + size] = '\n';
        used += line_len;
    }
    if ((to_out && write_all(1, buf, used) != 0) || (to_err && write_all(2, buf, used) != 0)) return 1;
    free(buf);
    return 0;
}
