// SPDX-License-Identifier: MIT
#include "error.hpp"

#include <cstdlib>
#include <cstring>
#include <string>

#include "alter/alter.h"
#include "common/json_writer.hpp"

namespace alter::detail {

namespace {
struct last_error {
    std::string message = "no error";
    std::string json = "{}";
};
thread_local last_error tls_error;
} // namespace

std::string error_json(const error &e) {
    std::string out;
    json::writer w(out);
    w.begin_object();
    w.field("code", alter_err_name(e.code));
    w.field("message", e.message.empty() ? std::string(alter_strerror(e.code)) : e.message);
    if (!e.field.empty()) w.field("field", e.field);
    if (!e.file.empty()) w.field("file", e.file);
    if (e.line > 0) w.field("line", e.line);
    if (e.column > 0) w.field("column", e.column);
    if (!e.hint.empty()) w.field("hint", e.hint);
    w.end_object();
    return out;
}

int set_last_error(const error &e) {
    std::string msg = e.message.empty() ? std::string(alter_strerror(e.code)) : e.message;
    if (!e.file.empty()) {
        std::string where = e.file;
        if (e.line > 0) where += ":" + std::to_string(e.line) + (e.column > 0 ? ":" + std::to_string(e.column) : "");
        msg = where + ": " + msg;
    } else if (e.line > 0) {
        msg = "line " + std::to_string(e.line) + (e.column > 0 ? ", column " + std::to_string(e.column) : "") + ": " + msg;
    }
    if (!e.hint.empty() && msg.find(e.hint) == std::string::npos) msg += " (" + e.hint + ")";
    tls_error.message = std::move(msg);
    tls_error.json = error_json(e);
    return e.code < 0 ? e.code : ALTER_EINTERNAL;
}

} // namespace alter::detail

extern "C" {

const char *alter_strerror(int err) {
    switch (err) {
    case 0: return "success";
#define ALTER_X_MSG(name, value, msg)                                                             \
    case value: return msg;
        ALTER_ERROR_TABLE(ALTER_X_MSG)
#undef ALTER_X_MSG
    default: break;
    }
    if (err < 0 && err > -4096) {
        const char *d = strerrordesc_np(-err);
        if (d != nullptr) return d;
    }
    return "unknown error";
}

const char *alter_err_name(int err) {
    switch (err) {
    case 0: return "OK";
#define ALTER_X_NAME(name, value, msg)                                                            \
    case value: return #name;
        ALTER_ERROR_TABLE(ALTER_X_NAME)
#undef ALTER_X_NAME
    default: break;
    }
    if (err < 0 && err > -4096) {
        const char *n = strerrorname_np(-err);
        if (n != nullptr) return n;
    }
    return "EUNKNOWN";
}

const char *alter_last_error(void) { return alter::detail::tls_error.message.c_str(); }
const char *alter_last_error_json(void) { return alter::detail::tls_error.json.c_str(); }

void alter_free(void *p) { std::free(p); }

const char *alter_state_name(int state) {
    static constexpr const char *names[ALTER_STATE_COUNT] = {
        "stopped", "starting", "running", "stopping", "exited", "crashed", "waiting", "errored", "disabled"};
    if (state < 0 || state >= ALTER_STATE_COUNT) return "unknown";
    return names[state];
}

const char *alter_version(void) { return "0.1.0"; }

} // extern "C"
