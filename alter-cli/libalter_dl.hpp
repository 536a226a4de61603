// SPDX-License-Identifier: MIT
// The few libalter C functions the offline commands use (cron next, ecosystem check), loaded
// with dlopen on first use so that the daemon commands do not pay for loading libalter and its
// dependencies (libuv, simdjson, yaml-cpp, libstdc++) at every start. With
// -DALTER_CLI_LINK_LIBALTER the table points at the linked functions instead (for measuring).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "alter/alter.h"

namespace alter::cli {

struct libalter_api {
    int (*cron_next)(const char *expr, int64_t from_ms, uint32_t n, int64_t *out_ms);
    int (*config_parse)(const char *text, size_t len, const alter_config_options_t *opts, char **ret_json);
    void (*free)(void *p);
    const char *(*last_error)();
    const char *(*last_error_json)();
};

/// The functions, or nullptr with `err` set ("cannot load libalter.so.0: ..."). Looks in the
/// default places (the binary's RUNPATH, LD_LIBRARY_PATH, ld.so.cache), then next to the binary
/// (../lib, ../lib/<multiarch>, and the build tree's ../libalter).
[[nodiscard]] const libalter_api *load_libalter(std::string &err);

} // namespace alter::cli
