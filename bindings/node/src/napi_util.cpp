// SPDX-License-Identifier: MIT
#include "napi_util.hpp"

#include <cmath>

#include "alter/alter.h"

namespace alter_node {

addon_data *get_data(napi_env env) {
    void *p = nullptr;
    if (napi_get_instance_data(env, &p) != napi_ok) return nullptr;
    return static_cast<addon_data *>(p);
}

void throw_last_napi_error(napi_env env) {
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return;
    const napi_extended_error_info *info = nullptr;
    napi_get_last_error_info(env, &info);
    const char *msg = info != nullptr && info->error_message != nullptr ? info->error_message : "N-API call failed";
    napi_throw_error(env, nullptr, msg);
}

napi_value make_string(napi_env env, const char *s, size_t len) {
    napi_value v = nullptr;
    if (napi_create_string_utf8(env, s != nullptr ? s : "", s != nullptr ? len : 0, &v) != napi_ok) return nullptr;
    return v;
}

napi_value make_int(napi_env env, int64_t v) {
    napi_value out = nullptr;
    napi_create_int64(env, v, &out);
    return out;
}

napi_value undefined(napi_env env) {
    napi_value v = nullptr;
    napi_get_undefined(env, &v);
    return v;
}

napi_value make_alter_error(napi_env env, int rc, const std::string &message, const std::string &detail_json) {
    addon_data *d = get_data(env);
    napi_value factory = nullptr;
    if (d != nullptr && d->make_error != nullptr) napi_get_reference_value(env, d->make_error, &factory);
    napi_value err = nullptr;
    if (factory != nullptr) {
        napi_value argv[5] = {make_int(env, rc), make_string(env, alter_err_name(rc)), make_string(env, message.c_str()),
                              make_string(env, detail_json.c_str()), make_string(env, alter_strerror(rc))};
        napi_value recv = undefined(env);
        if (napi_call_function(env, recv, factory, 5, argv, &err) == napi_ok) return err;
        napi_value ignored = nullptr;
        napi_get_and_clear_last_exception(env, &ignored);
    }
    napi_value code = make_string(env, alter_err_name(rc));
    napi_create_error(env, code, make_string(env, message.c_str()), &err);
    return err;
}

args::args(napi_env e, napi_callback_info info) : env(e) {
    ok = napi_get_cb_info(env, info, &argc, argv, &self, &data) == napi_ok;
    if (!ok) throw_last_napi_error(env);
    for (size_t i = argc; i < 8; ++i) argv[i] = nullptr;
}

napi_valuetype args::type(size_t i) const {
    napi_valuetype t = napi_undefined;
    if (i < argc && argv[i] != nullptr) napi_typeof(env, argv[i], &t);
    return t;
}

bool args::is_nullish(size_t i) const {
    napi_valuetype t = type(i);
    return t == napi_undefined || t == napi_null;
}

std::optional<std::string> args::str(size_t i, const char *what, bool optional) const {
    if (optional && is_nullish(i)) return std::nullopt;
    if (type(i) != napi_string) {
        std::string m = std::string(what) + " must be a string";
        napi_throw_type_error(env, "EINVAL", m.c_str());
        return std::nullopt;
    }
    size_t len = 0;
    if (napi_get_value_string_utf8(env, argv[i], nullptr, 0, &len) != napi_ok) {
        throw_last_napi_error(env);
        return std::nullopt;
    }
    std::string s(len, '\0');
    napi_get_value_string_utf8(env, argv[i], s.data(), len + 1, &len);
    if (s.find('\0') != std::string::npos) {
        std::string m = std::string(what) + " must not contain NUL characters";
        napi_throw_type_error(env, "EINVAL", m.c_str());
        return std::nullopt;
    }
    return s;
}

std::optional<int64_t> args::i64(size_t i, const char *what, int64_t dflt, bool optional) const {
    if (optional && is_nullish(i)) return dflt;
    double d = 0;
    if (type(i) != napi_number || napi_get_value_double(env, argv[i], &d) != napi_ok || !std::isfinite(d) ||
        d != std::floor(d)) {
        std::string m = std::string(what) + " must be an integer";
        napi_throw_type_error(env, "EINVAL", m.c_str());
        return std::nullopt;
    }
    return static_cast<int64_t>(d);
}

std::optional<bool> args::boolean(size_t i, const char *what) const {
    bool b = false;
    if (type(i) != napi_boolean || napi_get_value_bool(env, argv[i], &b) != napi_ok) {
        std::string m = std::string(what) + " must be a boolean";
        napi_throw_type_error(env, "EINVAL", m.c_str());
        return std::nullopt;
    }
    return b;
}

namespace {
napi_value get_prop(napi_env env, napi_value obj, const char *key, bool &failed) {
    bool has = false;
    if (napi_has_named_property(env, obj, key, &has) != napi_ok) {
        failed = true;
        throw_last_napi_error(env);
        return nullptr;
    }
    if (!has) return nullptr;
    napi_value v = nullptr;
    if (napi_get_named_property(env, obj, key, &v) != napi_ok) {
        failed = true;
        throw_last_napi_error(env);
        return nullptr;
    }
    napi_valuetype t = napi_undefined;
    napi_typeof(env, v, &t);
    return (t == napi_undefined || t == napi_null) ? nullptr : v;
}
} // namespace

std::optional<std::string> prop_str(napi_env env, napi_value obj, const char *key, bool &failed) {
    napi_value v = get_prop(env, obj, key, failed);
    if (v == nullptr) return std::nullopt;
    napi_valuetype t = napi_undefined;
    napi_typeof(env, v, &t);
    if (t != napi_string) {
        failed = true;
        std::string m = std::string(key) + " must be a string";
        napi_throw_type_error(env, "EINVAL", m.c_str());
        return std::nullopt;
    }
    size_t len = 0;
    napi_get_value_string_utf8(env, v, nullptr, 0, &len);
    std::string s(len, '\0');
    napi_get_value_string_utf8(env, v, s.data(), len + 1, &len);
    return s;
}

std::optional<int64_t> prop_i64(napi_env env, napi_value obj, const char *key, bool &failed) {
    napi_value v = get_prop(env, obj, key, failed);
    if (v == nullptr) return std::nullopt;
    napi_valuetype t = napi_undefined;
    napi_typeof(env, v, &t);
    double d = 0;
    if (t != napi_number || napi_get_value_double(env, v, &d) != napi_ok || !std::isfinite(d) || d != std::floor(d) ||
        d < 0) {
        failed = true;
        std::string m = std::string(key) + " must be a non-negative integer";
        napi_throw_type_error(env, "EINVAL", m.c_str());
        return std::nullopt;
    }
    return static_cast<int64_t>(d);
}

} // namespace alter_node
