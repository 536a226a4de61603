/* SPDX-License-Identifier: MIT */
/* The C ABI's prototypes as they were released. Each line re-declares a function of alter.h;
 * a changed signature there makes this file fail to compile. New functions are appended. */
#include <alter/alter.h>

const char *alter_version(void);
const char *alter_strerror(int err);
const char *alter_err_name(int err);
const char *alter_last_error(void);
const char *alter_last_error_json(void);
void alter_free(void *p);
const char *alter_state_name(int state);
int alter_context_new(const alter_context_options_t *opts, alter_context_t **ret);
void alter_context_free(alter_context_t *ctx);
int alter_context_run(alter_context_t *ctx);
int alter_context_shutdown(alter_context_t *ctx, void (*done)(void *), void *userdata);
int alter_context_post(alter_context_t *ctx, void (*fn)(void *), void *userdata);
int alter_context_on_loop(alter_context_t *ctx);
void *alter_context_loop(alter_context_t *ctx);
int alter_context_reap(alter_context_t *ctx);
int alter_app_add(alter_context_t *ctx, const char *spec_json, uint32_t flags);
int alter_app_update(alter_context_t *ctx, const char *name, const char *patch_json);
int alter_app_remove(alter_context_t *ctx, const char *target);
int alter_app_start(alter_context_t *ctx, const char *target);
int alter_app_stop(alter_context_t *ctx, const char *target);
int alter_app_restart(alter_context_t *ctx, const char *target);
int alter_app_reset(alter_context_t *ctx, const char *target);
int alter_app_enable(alter_context_t *ctx, const char *target, int enabled);
int alter_app_run(alter_context_t *ctx, const char *target);
int alter_app_get(alter_context_t *ctx, const char *target, char **ret_json);
int alter_app_list(alter_context_t *ctx, const char *ns, char **ret_json);
int alter_app_spec(alter_context_t *ctx, const char *name, char **ret_json);
int alter_app_runs(alter_context_t *ctx, const char *target, char **ret_json);
int alter_app_wait(alter_context_t *ctx, const char *target, uint32_t state_mask, int64_t timeout_ms);
int alter_spec_validate(const char *spec_json, char **ret_json);
int alter_event_watch(alter_context_t *ctx, alter_event_cb cb, void *userdata, uint64_t *ret_id);
int alter_log_watch(alter_context_t *ctx, const char *target, alter_log_cb cb, void *userdata, uint64_t *ret_id);
int alter_unwatch(alter_context_t *ctx, uint64_t id);
int alter_sub_new(alter_context_t *ctx, const alter_sub_options_t *opts, alter_sub_t **ret);
int alter_sub_fd(alter_sub_t *sub);
int alter_sub_next(alter_sub_t *sub, int64_t timeout_ms, char **ret_json);
int alter_sub_close(alter_sub_t *sub);
void alter_sub_free(alter_sub_t *sub);
int alter_log_read(alter_context_t *ctx, const char *target, const alter_log_query_t *q, char **ret_json);
int alter_log_recent(alter_context_t *ctx, const char *target, uint32_t n, uint32_t streams, char **ret_json);
int alter_log_dates(alter_context_t *ctx, const char *target, char **ret_json);
int alter_log_clear(alter_context_t *ctx, const char *target);
int alter_log_files(alter_context_t *ctx, const char *target, char **ret_json);
int alter_state_save(alter_context_t *ctx, const char *path);
int alter_state_load(alter_context_t *ctx, const char *path);
int alter_config_parse(const char *text, size_t len, const alter_config_options_t *opts, char **ret_json);
int alter_config_read(const char *path, uint32_t format, char **ret_json);
int alter_config_apply(alter_context_t *ctx, const char *apps_json, char **ret_json);
int alter_cron_next(const char *expr, int64_t from_ms, uint32_t n, int64_t *out_ms);
int alter_host_stats(alter_context_t *ctx, char **ret_json);
int alter_app_metrics(alter_context_t *ctx, char **ret_text);
int alter_logfile_open(const char *path, uint64_t max_size, uint32_t max_files, alter_logfile_t **ret);
int alter_logfile_write(alter_logfile_t *f, const char *text, size_t len);
void alter_logfile_close(alter_logfile_t *f);
int alter_write_file_atomic(const char *path, const char *data, size_t len, uint32_t mode);
int alter_log_volume(alter_context_t *ctx, const char *target, int64_t from_ms, int64_t to_ms, int64_t bucket_ms,
                     char **ret_json);
int alter_stats_sample(alter_context_t *ctx);

int main(void) { return 0; }
