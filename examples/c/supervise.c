/* SPDX-License-Identifier: MIT */
/*
 * Supervise a worker that crashes now and then, with restart and backoff, and print what
 * happens. Build: cc supervise.c $(pkg-config --cflags --libs alter) (or through meson).
 * Usage: supervise [seconds]   (default 3)
 */
#include <alter/alter.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void on_event(const alter_event_t *e, void *userdata) {
    int *restarts = userdata;
    if (e->kind != ALTER_EVENT_STATE) return;
    printf("event: %s %s -> %s", e->instance, alter_state_name(e->from), alter_state_name(e->to));
    if (e->to == ALTER_STATE_CRASHED) printf(" (exit code %d)", e->exit_code);
    if (e->to == ALTER_STATE_RUNNING) printf(" (pid %d)", e->pid);
    printf("\n");
    if (e->from == ALTER_STATE_WAITING && e->to == ALTER_STATE_STARTING) ++*restarts;
    fflush(stdout);
}

static void on_log(const alter_log_line_t *l, void *userdata) {
    (void)userdata;
    printf("log:   %s | %.*s\n", l->instance, (int)l->len, l->text);
    fflush(stdout);
}

int main(int argc, char **argv) {
    int seconds = argc > 1 ? atoi(argv[1]) : 3;
    int restarts = 0;
    alter_context_options_t opts = ALTER_CONTEXT_OPTIONS_INIT; /* no log_dir: lines stay in memory */
    alter_context_t *ctx = NULL;
    if (alter_context_new(&opts, &ctx) < 0) {
        fprintf(stderr, "alter_context_new: %s\n", alter_last_error());
        return 1;
    }
    /* Callbacks run on the context's loop thread; these only print. */
    alter_event_watch(ctx, on_event, &restarts, NULL);
    alter_log_watch(ctx, NULL, on_log, NULL, NULL);

    /* A worker that works a little, then crashes (exit 1): a crash loop with backoff. */
    const char *spec = "{\"name\":\"worker\",\"command\":\"/bin/sh\","
                       "\"args\":[\"-c\",\"for i in 1 2 3; do echo working $i; sleep 0.05; done; exit 1\"],"
                       "\"restart\":\"on-failure\",\"restart_delay_ms\":100,\"max_restarts\":50}";
    if (alter_app_add(ctx, spec, ALTER_ADD_START) < 0) {
        fprintf(stderr, "alter_app_add: %s\n", alter_last_error());
        alter_context_free(ctx);
        return 1;
    }
    struct timespec ts = {seconds, 0};
    nanosleep(&ts, NULL); /* the supervisor works on its own thread meanwhile */

    char *json = NULL;
    if (alter_app_list(ctx, NULL, &json) == 0) {
        printf("list: %s\n", json);
        alter_free(json);
    }
    alter_context_free(ctx); /* stops the worker (SIGTERM, then SIGKILL) and joins the thread */
    printf("restarts seen: %d\n", restarts);
    return restarts > 0 ? 0 : 1;
}
