// SPDX-License-Identifier: MIT
// Small helpers over plain N-API (no node-addon-api): argument reading, error throwing and the
// per-environment data of the addon. JS thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <node_api.h>

namespace alter_node {

/// Per-environment data (napi_set_instance_data): one per main thread or worker.
struct addon_data {
    napi_ref make_error = nullptr; // JS factory (rc, name, message, detail_json, strerror) -> AlterError
};

addon_data *get_data(napi_env env);

/// Throw a JS Error for the last failed napi call unless an exception is already pending.
void throw_last_napi_error(napi_env env);

/// Build the AlterError for libalter code `rc` through the JS factory (plain Error without it).
napi_value make_alter_error(napi_env env, int rc, const std::string &message, const std::string &detail_json);

#define ALTER_NAPI_OK(env, call)                                                                   \
    do {                                                                                           \
        if ((call) != napi_ok) {                                                                   \
            ::alter_node::throw_last_napi_error(env);                                              \
            return nullptr;                                                                        \
        }                                                                                          \
    } while (0)

/// Arguments of a native method call.
struct args {
    napi_env env;
    napi_value self = nullptr;
    size_t argc = 8;
    napi_value argv[8];
    void *data = nullptr;

    args(napi_env e, napi_callback_info info);
    bool ok = false;

    napi_valuetype type(size_t i) const;
    bool is_nullish(size_t i) const;
    /// A string argument, or nullopt after throwing a TypeError (or when null/undefined and
    /// `optional`: then ok stays true, check with is_nullish()).
    std::optional<std::string> str(size_t i, const char *what, bool optional = false) const;
    std::optional<int64_t> i64(size_t i, const char *what, int64_t dflt, bool optional = true) const;
    std::optional<bool> boolean(size_t i, const char *what) const;
};

/// Read an optional property of an options object: nullopt when absent (or on a thrown error,
/// in which case `failed` is set).
std::optional<std::string> prop_str(napi_env env, napi_value obj, const char *key, bool &failed);
std::optional<int64_t> prop_i64(napi_env env, napi_value obj, const char *key, bool &failed);

napi_value make_string(napi_env env, const char *s, size_t len = NAPI_AUTO_LENGTH);
napi_value make_int(napi_env env, int64_t v);
napi_value undefined(napi_env env);

} // namespace alter_node
