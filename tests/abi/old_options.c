/* SPDX-License-Identifier: MIT */
/* Every option struct of alter.h is accepted in an older, smaller size: a program built against
 * an older alter.h passes a struct that ends early, and the library must read nothing past its
 * struct_size and give the missing fields their defaults. Each struct is cut at every field
 * boundary and placed at the very end of a page followed by an inaccessible page, so a read
 * past struct_size faults. A struct from a newer header (larger, zero tail) is accepted too, and
 * one too small for struct_size and the first field is refused with ALTER_EINVAL. */
#define _DEFAULT_SOURCE
#include <alter/alter.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            ++failures;                                                                        \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                               \
            fprintf(stderr, __VA_ARGS__);                                                      \
            fprintf(stderr, " (%s)\n", alter_last_error());                                   \
        }                                                                                      \
    } while (0)

/* The first `size` bytes of `full`, with struct_size = size, ending where an inaccessible page
 * begins. Release with guarded_free(). */
static void *guarded_copy(const void *full, size_t size) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    char *base = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED || mprotect(base + page, page, PROT_NONE) != 0) {
        perror("mmap");
        exit(1);
    }
    char *p = base + page - size;
    uint32_t s = (uint32_t)size;
    memcpy(p, full, size);
    memcpy(p, &s, sizeof s);
    return p;
}

static void guarded_free(void *p) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    munmap((void *)((uintptr_t)p & ~(uintptr_t)(page - 1)), 2 * page);
}

/* A struct from a newer header: `full` followed by 16 zero bytes. */
static void *newer_copy(const void *full, size_t size) {
    char *p = calloc(1, size + 16);
    uint32_t s = (uint32_t)(size + 16);
    if (p == NULL) exit(1);
    memcpy(p, full, size);
    memcpy(p, &s, sizeof s);
    return p;
}

static int is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int count(const char *haystack, const char *needle) {
    int n = 0;
    for (const char *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle)) ++n;
    return n;
}

static char tmp[64];

/* alter_context_options_t: log_dir, state_path and log_ring_lines are taken only when the struct
 * reaches them. */
static void context_options(void) {
    static const size_t cuts[] = {
        offsetof(alter_context_options_t, log_dir), offsetof(alter_context_options_t, state_path),
        offsetof(alter_context_options_t, autosave_ms), offsetof(alter_context_options_t, log_ring_lines),
        offsetof(alter_context_options_t, reserved0), sizeof(alter_context_options_t)};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; ++i) {
        size_t cut = cuts[i];
        char logs[128], state[128];
        snprintf(logs, sizeof logs, "%s/logs-%zu", tmp, cut);
        snprintf(state, sizeof state, "%s/state-%zu.json", tmp, cut);
        alter_context_options_t full = ALTER_CONTEXT_OPTIONS_INIT;
        full.log_dir = logs;
        full.state_path = state;
        full.log_ring_lines = 2;
        void *old = guarded_copy(&full, cut);
        alter_context_t *ctx = NULL;
        int rc = alter_context_new(old, &ctx);
        guarded_free(old);
        CHECK(rc == 0 && ctx != NULL, "context options cut at %zu: rc %d", cut, rc);
        if (ctx == NULL) continue;
        int has_log_dir = cut > offsetof(alter_context_options_t, log_dir);
        int has_state = cut > offsetof(alter_context_options_t, state_path);
        int has_ring = cut > offsetof(alter_context_options_t, log_ring_lines);
        CHECK(is_dir(logs) == has_log_dir, "cut at %zu: log_dir %s", cut, has_log_dir ? "ignored" : "read");
        CHECK((alter_state_save(ctx, NULL) >= 0) == has_state, "cut at %zu: state_path %s", cut,
              has_state ? "ignored" : "read");
        CHECK(alter_app_add(ctx, "{\"name\":\"three\",\"command\":\"/bin/sh\",\"args\":[\"-c\",\"echo 1; echo 2; echo 3\"],"
                                 "\"restart\":\"never\"}", ALTER_ADD_START) >= 0, "cut at %zu: add", cut);
        CHECK(alter_app_wait(ctx, "three", 1u << ALTER_STATE_EXITED, 10000) == 0, "cut at %zu: wait", cut);
        char *json = NULL;
        CHECK(alter_log_recent(ctx, "three", 100, 0, &json) == 0, "cut at %zu: recent", cut);
        if (json != NULL) {
            int lines = count(json, "\"text\":");
            CHECK(lines == (has_ring ? 2 : 3), "cut at %zu: %d lines kept, log_ring_lines %s", cut, lines,
                  has_ring ? "ignored" : "read");
        }
        alter_free(json);
        alter_context_free(ctx);
    }
}

static alter_context_t *context_with_output(void) {
    char logs[128];
    snprintf(logs, sizeof logs, "%s/logs-query", tmp);
    alter_context_options_t o = ALTER_CONTEXT_OPTIONS_INIT;
    o.log_dir = logs;
    alter_context_t *ctx = NULL;
    if (alter_context_new(&o, &ctx) != 0) {
        fprintf(stderr, "alter_context_new: %s\n", alter_last_error());
        exit(1);
    }
    const char *a = "{\"name\":\"a\",\"command\":\"/bin/sh\",\"args\":[\"-c\",\"echo a1; echo a2; echo a3\"],\"restart\":\"never\"}";
    const char *b = "{\"name\":\"b\",\"command\":\"/bin/sh\",\"args\":[\"-c\",\"echo b1; echo b2; echo b3; "
                    "echo e1 >&2; echo e2 >&2\"],\"restart\":\"never\"}";
    if (alter_app_add(ctx, a, ALTER_ADD_START) < 0 || alter_app_add(ctx, b, ALTER_ADD_START) < 0 ||
        alter_app_wait(ctx, "all", 1u << ALTER_STATE_EXITED, 10000) != 0) {
        fprintf(stderr, "setup: %s\n", alter_last_error());
        exit(1);
    }
    return ctx;
}

/* Every record queued on `sub` right now, concatenated. */
static void drain(alter_sub_t *sub, char *out, size_t size) {
    char *rec = NULL;
    out[0] = '\0';
    while (alter_sub_next(sub, 0, &rec) == 1) {
        strncat(out, rec, size - strlen(out) - 1);
        alter_free(rec);
    }
}

/* alter_sub_options_t: flags always given; target, backlog and capacity only when reached. */
static void sub_options(alter_context_t *ctx) {
    static const size_t cuts[] = {offsetof(alter_sub_options_t, target), offsetof(alter_sub_options_t, backlog),
                                  offsetof(alter_sub_options_t, capacity), sizeof(alter_sub_options_t)};
    alter_sub_options_t full = ALTER_SUB_OPTIONS_INIT;
    full.flags = ALTER_SUB_LOGS;
    full.target = "b";
    full.backlog = 2;
    full.capacity = 100;
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; ++i) {
        size_t cut = cuts[i];
        void *old = guarded_copy(&full, cut);
        alter_sub_t *sub = NULL;
        int rc = alter_sub_new(ctx, old, &sub);
        guarded_free(old);
        CHECK(rc == 0 && sub != NULL, "sub options cut at %zu: rc %d", cut, rc);
        if (sub == NULL) continue;
        char got[4096];
        drain(sub, got, sizeof got);
        int has_backlog = cut > offsetof(alter_sub_options_t, backlog);
        /* The backlog is the newest 2 lines of b (stdout and stderr); none without it. */
        CHECK(has_backlog ? count(got, "\"type\":\"log\"") == 2 && strstr(got, "\"app\":\"a\"") == NULL
                          : got[0] == '\0',
              "sub options cut at %zu: got %s", cut, got);
        /* The events flag was not given: an added app is no record. */
        alter_sub_free(sub);
    }
    void *newer = newer_copy(&full, sizeof full);
    alter_sub_t *sub = NULL;
    CHECK(alter_sub_new(ctx, newer, &sub) == 0, "a larger sub options struct is accepted");
    alter_sub_free(sub);
    free(newer);
}

/* alter_log_query_t: streams always given; lines, flags, date and grep only when reached. */
static void log_query(alter_context_t *ctx) {
    static const size_t cuts[] = {offsetof(alter_log_query_t, lines), offsetof(alter_log_query_t, flags),
                                  offsetof(alter_log_query_t, date), offsetof(alter_log_query_t, grep),
                                  sizeof(alter_log_query_t)};
    /* Expected text of b's stdout lines for each cut: all three, the newest one (lines = 1), the
     * same with ICASE (no grep yet), the same with date NULL, then grep "B1" case-insensitively. */
    static const char *const want[][3] = {{"b1", "b2", "b3"}, {"b3", NULL, NULL}, {"b3", NULL, NULL},
                                          {"b3", NULL, NULL}, {"b1", NULL, NULL}};
    alter_log_query_t full = ALTER_LOG_QUERY_INIT;
    full.streams = ALTER_STREAM_OUT;
    full.lines = 1;
    full.flags = ALTER_LOG_ICASE;
    full.date = NULL;
    full.grep = "B1";
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; ++i) {
        size_t cut = cuts[i];
        void *old = guarded_copy(&full, cut);
        char *json = NULL;
        int rc = alter_log_read(ctx, "b", old, &json);
        guarded_free(old);
        CHECK(rc == 0 && json != NULL, "log query cut at %zu: rc %d", cut, rc);
        if (json == NULL) continue;
        int n = 0;
        for (int k = 0; k < 3 && want[i][k] != NULL; ++k, ++n) {
            char needle[32];
            snprintf(needle, sizeof needle, "\"text\":\"%s\"", want[i][k]);
            CHECK(strstr(json, needle) != NULL, "log query cut at %zu: %s missing in %s", cut, want[i][k], json);
        }
        CHECK(count(json, "\"text\":") == n, "log query cut at %zu: %s", cut, json);
        CHECK(strstr(json, "e1") == NULL, "log query cut at %zu: streams ignored: %s", cut, json);
        alter_free(json);
    }
    void *newer = newer_copy(&full, sizeof full);
    char *json = NULL;
    CHECK(alter_log_read(ctx, "b", newer, &json) == 0, "a larger log query struct is accepted");
    alter_free(json);
    free(newer);
}

/* alter_config_options_t: format always given; filename and base_dir only when reached. */
static void config_options(void) {
    static const size_t cuts[] = {offsetof(alter_config_options_t, filename),
                                  offsetof(alter_config_options_t, base_dir), sizeof(alter_config_options_t)};
    const char good[] = "web: sleep 60\n";
    const char bad[] = "[[apps]\n";
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; ++i) {
        size_t cut = cuts[i];
        int has_filename = cut > offsetof(alter_config_options_t, filename);
        int has_base = cut > offsetof(alter_config_options_t, base_dir);
        alter_config_options_t full = ALTER_CONFIG_OPTIONS_INIT;
        full.format = ALTER_FORMAT_PROCFILE;
        full.filename = "Procfile.old";
        full.base_dir = "/srv/base";
        void *old = guarded_copy(&full, cut);
        char *json = NULL;
        int rc = alter_config_parse(good, sizeof good - 1, old, &json);
        guarded_free(old);
        CHECK(rc == 1 && json != NULL, "config options cut at %zu: rc %d", cut, rc);
        if (json != NULL)
            CHECK((strstr(json, "\"cwd\":\"/srv/base\"") != NULL) == has_base, "cut at %zu: base_dir %s: %s", cut,
                  has_base ? "ignored" : "read", json);
        alter_free(json);

        full.format = ALTER_FORMAT_TOML;
        old = guarded_copy(&full, cut);
        rc = alter_config_parse(bad, sizeof bad - 1, old, NULL);
        guarded_free(old);
        CHECK(rc == ALTER_EPARSE, "config options cut at %zu: TOML format not taken (rc %d)", cut, rc);
        CHECK((strstr(alter_last_error_json(), "Procfile.old") != NULL) == has_filename, "cut at %zu: filename %s: %s",
              cut, has_filename ? "ignored" : "read", alter_last_error_json());
    }
    alter_config_options_t full = ALTER_CONFIG_OPTIONS_INIT;
    void *newer = newer_copy(&full, sizeof full);
    CHECK(alter_config_parse(good, sizeof good - 1, newer, NULL) == 1, "a larger config options struct is accepted");
    free(newer);
}

/* struct_size must cover at least struct_size and the first field. */
static void too_small(alter_context_t *ctx) {
    alter_context_options_t co = ALTER_CONTEXT_OPTIONS_INIT;
    alter_sub_options_t so = ALTER_SUB_OPTIONS_INIT;
    alter_log_query_t q = ALTER_LOG_QUERY_INIT;
    alter_config_options_t cf = ALTER_CONFIG_OPTIONS_INIT;
    alter_context_t *c2 = NULL;
    alter_sub_t *sub = NULL;
    char *json = NULL;
    co.struct_size = so.struct_size = q.struct_size = cf.struct_size = 7;
    CHECK(alter_context_new(&co, &c2) == ALTER_EINVAL && c2 == NULL, "context options of 7 bytes");
    CHECK(alter_sub_new(ctx, &so, &sub) == ALTER_EINVAL && sub == NULL, "sub options of 7 bytes");
    CHECK(alter_log_read(ctx, "b", &q, &json) == ALTER_EINVAL && json == NULL, "log query of 7 bytes");
    CHECK(alter_config_parse("", 0, &cf, &json) == ALTER_EINVAL && json == NULL, "config options of 7 bytes");
}

int main(void) {
    snprintf(tmp, sizeof tmp, "/tmp/alter-abi-XXXXXX");
    if (mkdtemp(tmp) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    context_options();
    alter_context_t *ctx = context_with_output();
    sub_options(ctx);
    log_query(ctx);
    config_options();
    too_small(ctx);
    alter_context_free(ctx);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
    printf("%s\n", failures ? "failed" : "ok");
    return failures ? 1 : 0;
}
