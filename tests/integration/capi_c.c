/* SPDX-License-Identifier: MIT */
/* alter.h used directly from C99 (compiled with -std=c99 -Wall -Wextra -pedantic -Werror):
 * create a context, add an app, wait for it, list, stop, free. Exit 0 on success, 1 on failure. */
#include <alter/alter.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;

#define EXPECT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: failed: %s (last error: %s)\n", __FILE__, __LINE__, #cond,     \
                    alter_last_error());                                                           \
            ++failures;                                                                            \
        }                                                                                          \
    } while (0)

static void on_event(const alter_event_t *ev, void *userdata) {
    int *count = (int *)userdata;
    if (ev->kind == ALTER_EVENT_STATE && ev->struct_size >= sizeof(alter_event_t)) ++*count;
}

int main(void) {
    char dir[] = "/tmp/alter-capi-c-XXXXXX";
    char spec[1024];
    char *json = NULL;
    alter_context_t *ctx = NULL;
    alter_context_options_t opts = ALTER_CONTEXT_OPTIONS_INIT;
    uint64_t watch_id = 0;
    int events = 0;
    int r;

    if (mkdtemp(dir) == NULL) return 1;
    opts.log_dir = dir;
    EXPECT(alter_context_new(&opts, &ctx) == 0);
    if (ctx == NULL) return 1;
    EXPECT(alter_event_watch(ctx, on_event, &events, &watch_id) == 0);

    snprintf(spec, sizeof spec, "{\"name\":\"c-app\",\"command\":\"%s/sleeper\",\"instances\":2}", ALTER_HELPER_DIR);
    r = alter_app_add(ctx, spec, ALTER_ADD_START);
    EXPECT(r == 2);
    EXPECT(alter_app_wait(ctx, "c-app", 1u << ALTER_STATE_RUNNING, 10000) == 0);

    EXPECT(alter_app_list(ctx, NULL, &json) == 0);
    EXPECT(json != NULL && strstr(json, "\"name\":\"c-app-0\"") != NULL);
    EXPECT(json != NULL && strstr(json, "\"name\":\"c-app-1\"") != NULL);
    EXPECT(json != NULL && strstr(json, "\"status\":\"running\"") != NULL);
    alter_free(json);
    json = NULL;

    EXPECT(alter_app_add(ctx, spec, 0) == ALTER_EEXIST);
    EXPECT(strcmp(alter_err_name(ALTER_EEXIST), "EEXIST") == 0);
    EXPECT(alter_app_start(ctx, "no-such-app") == ALTER_ENOTFOUND);

    EXPECT(alter_app_stop(ctx, "c-app") == 2);
    EXPECT(alter_app_wait(ctx, "c-app", 1u << ALTER_STATE_STOPPED, 10000) == 0);
    EXPECT(alter_app_spec(ctx, "c-app", &json) == 0);
    EXPECT(json != NULL && strstr(json, "\"instances\":2") != NULL);
    alter_free(json);

    EXPECT(alter_unwatch(ctx, watch_id) == 0);
    alter_context_free(ctx);
    EXPECT(events >= 8); /* 2 x (starting, running, stopping, stopped) */

    {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) ++failures;
    }
    if (failures == 0) printf("capi_c: ok\n");
    return failures == 0 ? 0 : 1;
}
