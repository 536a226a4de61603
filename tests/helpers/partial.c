// SPDX-License-Identifier: MIT
// partial: writes "no newline" without a trailing newline, then exits 0.
#include <unistd.h>

int main(void) {
    static const char msg[] = "no newline";
    return write(STDOUT_FILENO, msg, sizeof msg - 1) == (ssize_t)(sizeof msg - 1) ? 0 : 1;
}
