/* SPDX-License-Identifier: MIT */
/* alter.h compiles as C99 (-std=c99 -pedantic -Werror), every name is usable from C, and an
 * options struct from an older, smaller header is still accepted. */
#include <alter/alter.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* The fields of alter_context_options_t before log_ring_lines was added: what a program built
 * against that older header passes. */
typedef struct old_context_options {
    uint32_t struct_size;
    uint32_t flags;
    const char *log_dir;
    const char *state_path;
    int64_t autosave_ms;
    int64_t stats_interval_ms;
} old_context_options_t;

static int check(int cond, const char *what) {
    if (!cond) fprintf(stderr, "FAIL: %s\n", what);
    return cond ? 0 : 1;
}

int main(void) {
    int failures = 0;
    alter_context_t *ctx = NULL;
    old_context_options_t old;
    alter_context_options_t cur = ALTER_CONTEXT_OPTIONS_INIT;
    alter_sub_options_t so = ALTER_SUB_OPTIONS_INIT;
    alter_log_query_t q = ALTER_LOG_QUERY_INIT;
    alter_config_options_t co = ALTER_CONFIG_OPTIONS_INIT;
    (void)so;
    (void)q;
    (void)co;

    memset(&old, 0, sizeof old);
    old.struct_size = (uint32_t)sizeof old;
    failures += check(alter_context_new((const alter_context_options_t *)(const void *)&old, &ctx) == 0,
                      "an older, smaller options struct is accepted");
    alter_context_free(ctx);

    cur.struct_size = 4; /* too small to hold anything */
    ctx = NULL;
    failures += check(alter_context_new(&cur, &ctx) == ALTER_EINVAL && ctx == NULL, "a truncated struct is refused");
    failures += check(strcmp(alter_err_name(ALTER_ENOTFOUND), "ENOTFOUND") == 0, "alter_err_name");
    failures += check(strcmp(alter_err_name(-2), "ENOENT") == 0, "errno names");
    failures += check(strlen(alter_strerror(-123456)) > 0, "alter_strerror of an unknown code");
    failures += check(strcmp(alter_state_name(ALTER_STATE_ERRORED), "errored") == 0, "alter_state_name");
    failures += check(alter_app_add(NULL, "{}", 0) == ALTER_EINVAL, "NULL context");
    failures += check(strstr(alter_last_error(), "NULL") != NULL, "the last error names the problem");
    alter_free(NULL);
    alter_sub_free(NULL);
    alter_logfile_close(NULL);
    printf("%s\n", failures ? "failed" : "ok");
    return failures ? 1 : 0;
}
