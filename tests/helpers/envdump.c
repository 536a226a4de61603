// SPDX-License-Identifier: MIT
// envdump: prints its environment sorted ("env KEY=VALUE"), then "cwd=...", "uid=N", "gid=N",
// "euid=N", "egid=N" and "groups=a,b,c" (supplementary groups, ascending), and exits 0.
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

extern char **environ;

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }
static int cmp_gid(const void *a, const void *b) {
    gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;
    return x < y ? -1 : x > y;
}

int main(void) {
    size_t n = 0, i;
    char **copy;
    char cwd[PATH_MAX];
    gid_t groups[256];
    int ng;
    while (environ[n] != NULL) ++n;
    copy = malloc((n + 1) * sizeof *copy);
    if (copy == NULL) return 3;
    memcpy(copy, environ, n * sizeof *copy);
    qsort(copy, n, sizeof *copy, cmp_str);
    for (i = 0; i < n; ++i) printf("env %s\n", copy[i]);
    free(copy);
    printf("cwd=%s\n", getcwd(cwd, sizeof cwd) != NULL ? cwd : "?");
    printf("uid=%d\ngid=%d\neuid=%d\negid=%d\n", (int)getuid(), (int)getgid(), (int)geteuid(), (int)getegid());
    ng = getgroups(256, groups);
    if (ng < 0) ng = 0;
    qsort(groups, (size_t)ng, sizeof groups[0], cmp_gid);
    printf("groups=");
    for (i = 0; i < (size_t)ng; ++i) printf(i == 0 ? "%d" : ",%d", (int)groups[i]);
    printf("\n");
    return 0;
}
