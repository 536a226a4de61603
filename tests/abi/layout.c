/* SPDX-License-Identifier: MIT */
/* Prints the layout of alter.h's public structs (size, and every field's offset and size), the
 * value of every constant, and what the _INIT macros fill in, one "key = value" line each.
 * check_layout.py compares this with the committed layout.list (x86_64) and checks that every
 * struct field, #define and enum member of alter.h is printed here. */
#include <alter/alter.h>

#include <stddef.h>
#include <stdio.h>

#define STRUCT(T) printf("sizeof %s = %lu\n", #T, (unsigned long)sizeof(T))
#define FIELD(T, f)                                                                            \
    printf("offsetof %s.%s = %lu\nsizeof %s.%s = %lu\n", #T, #f, (unsigned long)offsetof(T, f), \
           #T, #f, (unsigned long)sizeof(((T *)0)->f))
#define VALUE(name) printf("value %s = %lld\n", #name, (long long)(name))
#define INIT_INT(T, v, f) printf("init %s.%s = %lld\n", #T, #f, (long long)(v).f)
#define INIT_PTR(T, v, f) printf("init %s.%s = %s\n", #T, #f, (v).f == NULL ? "NULL" : "set")
#define ERROR_VALUE(name, value, msg) VALUE(ALTER_##name);

static int init_sizes_ok(void) {
    alter_context_options_t c = ALTER_CONTEXT_OPTIONS_INIT;
    alter_sub_options_t s = ALTER_SUB_OPTIONS_INIT;
    alter_log_query_t q = ALTER_LOG_QUERY_INIT;
    alter_config_options_t o = ALTER_CONFIG_OPTIONS_INIT;
    return c.struct_size == sizeof c && s.struct_size == sizeof s && q.struct_size == sizeof q &&
           o.struct_size == sizeof o;
}

int main(void) {
    alter_context_options_t co = ALTER_CONTEXT_OPTIONS_INIT;
    alter_sub_options_t so = ALTER_SUB_OPTIONS_INIT;
    alter_log_query_t lq = ALTER_LOG_QUERY_INIT;
    alter_config_options_t cf = ALTER_CONFIG_OPTIONS_INIT;

    if (!init_sizes_ok()) {
        fprintf(stderr, "an _INIT macro does not set struct_size to sizeof its struct\n");
        return 1;
    }

    STRUCT(alter_context_options_t);
    FIELD(alter_context_options_t, struct_size);
    FIELD(alter_context_options_t, flags);
    FIELD(alter_context_options_t, log_dir);
    FIELD(alter_context_options_t, state_path);
    FIELD(alter_context_options_t, autosave_ms);
    FIELD(alter_context_options_t, stats_interval_ms);
    FIELD(alter_context_options_t, log_ring_lines);
    FIELD(alter_context_options_t, reserved0);
    FIELD(alter_context_options_t, on_record);
    FIELD(alter_context_options_t, record_userdata);
    FIELD(alter_context_options_t, child_nofile_soft);

    STRUCT(alter_event_t);
    FIELD(alter_event_t, struct_size);
    FIELD(alter_event_t, kind);
    FIELD(alter_event_t, time_ms);
    FIELD(alter_event_t, app);
    FIELD(alter_event_t, instance);
    FIELD(alter_event_t, ns);
    FIELD(alter_event_t, from);
    FIELD(alter_event_t, to);
    FIELD(alter_event_t, pid);
    FIELD(alter_event_t, exit_code);
    FIELD(alter_event_t, signal);
    FIELD(alter_event_t, restarts);
    FIELD(alter_event_t, reason);
    FIELD(alter_event_t, json);

    STRUCT(alter_log_line_t);
    FIELD(alter_log_line_t, struct_size);
    FIELD(alter_log_line_t, stream);
    FIELD(alter_log_line_t, time_ms);
    FIELD(alter_log_line_t, app);
    FIELD(alter_log_line_t, instance);
    FIELD(alter_log_line_t, text);
    FIELD(alter_log_line_t, len);
    FIELD(alter_log_line_t, ns);

    STRUCT(alter_sub_options_t);
    FIELD(alter_sub_options_t, struct_size);
    FIELD(alter_sub_options_t, flags);
    FIELD(alter_sub_options_t, target);
    FIELD(alter_sub_options_t, backlog);
    FIELD(alter_sub_options_t, capacity);

    STRUCT(alter_log_query_t);
    FIELD(alter_log_query_t, struct_size);
    FIELD(alter_log_query_t, streams);
    FIELD(alter_log_query_t, lines);
    FIELD(alter_log_query_t, flags);
    FIELD(alter_log_query_t, date);
    FIELD(alter_log_query_t, grep);

    STRUCT(alter_config_options_t);
    FIELD(alter_config_options_t, struct_size);
    FIELD(alter_config_options_t, format);
    FIELD(alter_config_options_t, filename);
    FIELD(alter_config_options_t, base_dir);

    VALUE(ALTER_OK);
    ALTER_ERROR_TABLE(ERROR_VALUE)

    VALUE(ALTER_STATE_STOPPED);
    VALUE(ALTER_STATE_STARTING);
    VALUE(ALTER_STATE_RUNNING);
    VALUE(ALTER_STATE_STOPPING);
    VALUE(ALTER_STATE_EXITED);
    VALUE(ALTER_STATE_CRASHED);
    VALUE(ALTER_STATE_WAITING);
    VALUE(ALTER_STATE_ERRORED);
    VALUE(ALTER_STATE_DISABLED);
    VALUE(ALTER_STATE_COUNT);
    VALUE(ALTER_STREAM_OUT);
    VALUE(ALTER_STREAM_ERR);
    VALUE(ALTER_STREAM_SYSTEM);
    VALUE(ALTER_CONTEXT_CALLER_THREAD);
    VALUE(ALTER_CONTEXT_REAP_ALL);
    VALUE(ALTER_ADD_START);
    VALUE(ALTER_ADD_UPDATE);
    VALUE(ALTER_EVENT_STATE);
    VALUE(ALTER_EVENT_ADDED);
    VALUE(ALTER_EVENT_UPDATED);
    VALUE(ALTER_EVENT_REMOVED);
    VALUE(ALTER_EVENT_STATS);
    VALUE(ALTER_SUB_EVENTS);
    VALUE(ALTER_SUB_LOGS);
    VALUE(ALTER_LOG_REGEX);
    VALUE(ALTER_LOG_ICASE);
    VALUE(ALTER_LOG_TEXT);
    VALUE(ALTER_FORMAT_AUTO);
    VALUE(ALTER_FORMAT_TOML);
    VALUE(ALTER_FORMAT_JSON);
    VALUE(ALTER_FORMAT_YAML);
    VALUE(ALTER_FORMAT_PM2);
    VALUE(ALTER_FORMAT_PROCFILE);
    VALUE(ALTER_FORMAT_SUPERVISORD);

    /* What the _INIT macros fill in (struct_size is checked above). */
    INIT_INT(alter_context_options_t, co, flags);
    INIT_PTR(alter_context_options_t, co, log_dir);
    INIT_PTR(alter_context_options_t, co, state_path);
    INIT_INT(alter_context_options_t, co, autosave_ms);
    INIT_INT(alter_context_options_t, co, stats_interval_ms);
    INIT_INT(alter_context_options_t, co, log_ring_lines);
    INIT_INT(alter_context_options_t, co, reserved0);
    INIT_PTR(alter_context_options_t, co, on_record);
    INIT_PTR(alter_context_options_t, co, record_userdata);
    INIT_INT(alter_context_options_t, co, child_nofile_soft);
    INIT_INT(alter_sub_options_t, so, flags);
    INIT_PTR(alter_sub_options_t, so, target);
    INIT_INT(alter_sub_options_t, so, backlog);
    INIT_INT(alter_sub_options_t, so, capacity);
    INIT_INT(alter_log_query_t, lq, streams);
    INIT_INT(alter_log_query_t, lq, lines);
    INIT_INT(alter_log_query_t, lq, flags);
    INIT_PTR(alter_log_query_t, lq, date);
    INIT_PTR(alter_log_query_t, lq, grep);
    INIT_INT(alter_config_options_t, cf, format);
    INIT_PTR(alter_config_options_t, cf, filename);
    INIT_PTR(alter_config_options_t, cf, base_dir);
    return 0;
}
