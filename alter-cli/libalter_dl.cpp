// SPDX-License-Identifier: MIT
#include "libalter_dl.hpp"

#include <climits>
#include <dlfcn.h>
#include <unistd.h>

namespace alter::cli {

#ifdef ALTER_CLI_LINK_LIBALTER

const libalter_api *load_libalter(std::string &) {
    static constexpr libalter_api api = {alter_cron_next, alter_config_parse, alter_free, alter_last_error,
                                         alter_last_error_json};
    return &api;
}

#else

namespace {

void *open_lib(std::string &err) {
    if (void *h = dlopen("libalter.so.0", RTLD_NOW | RTLD_LOCAL)) return h;
    err = dlerror();
    char self[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return nullptr;
    self[n] = '\0';
    std::string dir(self);
    dir.resize(dir.rfind('/'));
    for (const char *rel : {"/../lib/libalter.so.0", "/../lib/x86_64-linux-gnu/libalter.so.0",
                            "/../lib/aarch64-linux-gnu/libalter.so.0", "/../lib64/libalter.so.0",
                            "/../libalter/libalter.so.0", "/libalter.so.0"}) {
        std::string p = dir + rel;
        if (::access(p.c_str(), R_OK) != 0) continue;
        if (void *h = dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL)) return h;
        err = dlerror();
    }
    return nullptr;
}

template <class F> bool sym(void *h, const char *name, F &out, std::string &err) {
    out = reinterpret_cast<F>(dlsym(h, name));
    if (out == nullptr) err = std::string("libalter.so.0 has no ") + name;
    return out != nullptr;
}

} // namespace

const libalter_api *load_libalter(std::string &err) {
    static libalter_api api{};
    static bool loaded = false;
    if (loaded) return &api;
    void *h = open_lib(err);
    if (h == nullptr) {
        err = "cannot load libalter.so.0: " + err;
        return nullptr;
    }
    if (!sym(h, "alter_cron_next", api.cron_next, err) || !sym(h, "alter_config_parse", api.config_parse, err) ||
        !sym(h, "alter_free", api.free, err) || !sym(h, "alter_last_error", api.last_error, err) ||
        !sym(h, "alter_last_error_json", api.last_error_json, err))
        return nullptr;
    loaded = true;
    return &api;
}

#endif

} // namespace alter::cli
