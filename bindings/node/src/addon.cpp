// SPDX-License-Identifier: MIT
// alter.node: module registration. Context-aware (NAPI_MODULE_INIT): the main thread and every
// worker get their own instance data, and nothing is global.
#include <node_api.h>

#include "manager.hpp"
#include "napi_util.hpp"

namespace {

void free_data(napi_env env, void *data, void *) {
    auto *d = static_cast<alter_node::addon_data *>(data);
    if (d->make_error != nullptr) napi_delete_reference(env, d->make_error);
    delete d;
}

} // namespace

NAPI_MODULE_INIT() {
    auto *d = new alter_node::addon_data();
    if (napi_set_instance_data(env, d, free_data, nullptr) != napi_ok) {
        delete d;
        alter_node::throw_last_napi_error(env);
        return nullptr;
    }
    if (alter_node::define_functions(env, exports) != napi_ok || alter_node::manager::define(env, exports) != napi_ok) {
        alter_node::throw_last_napi_error(env);
        return nullptr;
    }
    return exports;
}
