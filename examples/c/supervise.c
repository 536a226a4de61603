/* SPDX-License-Identifier: MIT */
/*
 * Supervise a worker that crashes now and then: alter restarts it with a growing delay, and this
 * program prints every state change and the worker's output. It stops the worker and exits once
 * the worker has been restarted twice, or after `max-seconds` (default 15).
 *
 *   cc -std=c99 supervise.c -I<alter>/libalter/include -L<build>/libalter -lalter -pthread
 *   supervise [max-seconds]      (meson builds it as <build>/examples/supervise)
 *
 * The worker is this program again (`supervise --worker`): it works on an item every 100 ms and
 * fails one item in ten at random (never the first), exiting with status 1.
 */
#define _POSIX_C_SOURCE 200809L
#include <alter/alter.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int worker(void) {
    srand((unsigned)time(NULL) ^ ((unsigned)getpid() << 8));
    struct timespec item = {0, 100 * 1000 * 1000};
    for (int i = 1;; ++i) {
        if (i > 1 && rand() % 10 == 0) {
            fprintf(stderr, "item %d failed, giving up\n", i);
            return 1;
        }
        nanosleep(&item, NULL);
        printf("item %d done\n", i);
        fflush(stdout);
    }
}

/* Shared between the loop thread (the callback) and main. */
struct progress {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int restarts;
    int done;
};

/* On the loop thread: print, count restarts, and tell main when two restarts are running. */
static void on_event(const alter_event_t *e, void *userdata) {
    struct progress *p = userdata;
    if (e->kind != ALTER_EVENT_STATE) return;
    printf("event: %s %s -> %s", e->instance, alter_state_name(e->from), alter_state_name(e->to));
    if (e->to == ALTER_STATE_RUNNING) printf(" (pid %d)", e->pid);
    if (e->to == ALTER_STATE_CRASHED) {
        if (e->signal != 0) printf(" (signal %d)", e->signal);
        else printf(" (exit code %d)", e->exit_code);
    }
    if (e->to == ALTER_STATE_WAITING) {
        const char *delay = strstr(e->json, "\"delay_ms\":"); /* the whole event is JSON too */
        if (delay != NULL) printf(" (restart in %ld ms)", strtol(delay + strlen("\"delay_ms\":"), NULL, 10));
    }
    pthread_mutex_lock(&p->mu);
    if ((e->from == ALTER_STATE_WAITING || e->from == ALTER_STATE_CRASHED) && e->to == ALTER_STATE_STARTING)
        printf(" (restart %d)", ++p->restarts);
    if (e->to == ALTER_STATE_RUNNING && p->restarts >= 2) {
        p->done = 1;
        pthread_cond_signal(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    printf("\n");
    fflush(stdout);
}

static void on_log(const alter_log_line_t *l, void *userdata) {
    (void)userdata;
    printf("log:   %s %s| %.*s\n", l->instance, l->stream == ALTER_STREAM_ERR ? "err" : "out", (int)l->len, l->text);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--worker") == 0) return worker();
    int seconds = argc > 1 ? atoi(argv[1]) : 15;
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0) {
        perror("readlink /proc/self/exe");
        return 1;
    }
    self[n] = '\0';

    struct progress progress = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
    alter_context_options_t opts = ALTER_CONTEXT_OPTIONS_INIT; /* no log_dir: lines stay in memory */
    alter_context_t *ctx = NULL;
    if (alter_context_new(&opts, &ctx) < 0) {
        fprintf(stderr, "alter_context_new: %s\n", alter_last_error());
        return 1;
    }
    /* Callbacks run on the context's loop thread: they only print and signal. */
    if (alter_event_watch(ctx, on_event, &progress, NULL) < 0 || alter_log_watch(ctx, NULL, on_log, NULL, NULL) < 0) {
        fprintf(stderr, "watch: %s\n", alter_last_error());
        alter_context_free(ctx);
        return 1;
    }

    /* Restart on failure. A run shorter than 5 s is unstable: its restart waits 100 ms, doubling
     * up to 1 s (the backoff); after a longer run the restart is immediate. */
    char spec[8192];
    snprintf(spec, sizeof spec,
             "{\"name\":\"worker\",\"command\":\"%s\",\"args\":[\"--worker\"],\"restart\":\"on-failure\","
             "\"restart_delay_ms\":100,\"backoff_multiplier\":2,\"max_restart_delay_ms\":1000,"
             "\"min_uptime_ms\":5000}",
             self); /* a path with '"' or '\' would need JSON escaping */
    if (alter_app_add(ctx, spec, ALTER_ADD_START) < 0) {
        fprintf(stderr, "alter_app_add: %s\n", alter_last_error());
        alter_context_free(ctx);
        return 1;
    }

    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += seconds;
    pthread_mutex_lock(&progress.mu);
    while (!progress.done && pthread_cond_timedwait(&progress.cv, &progress.mu, &deadline) != ETIMEDOUT) {
    }
    int restarts = progress.restarts;
    pthread_mutex_unlock(&progress.mu);

    /* A stop by the user is never undone by the restart policy. */
    if (alter_app_stop(ctx, "worker") < 0 ||
        alter_app_wait(ctx, "worker", 1u << ALTER_STATE_STOPPED, 10000) < 0)
        fprintf(stderr, "stop: %s\n", alter_last_error());
    alter_context_free(ctx); /* joins the loop thread: no callback runs after it returns */
    printf("done: %d restarts seen\n", restarts);
    return restarts > 0 ? 0 : 1;
}
