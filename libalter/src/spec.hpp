// SPDX-License-Identifier: MIT
// app_spec: what the user asked for, one app. Pure data + validation; no I/O.
// docs/CONFIG.md documents every field and default; keep the two in step.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "value.hpp"

namespace alter::detail {

enum class app_type : uint8_t { daemon, once, cron };
enum class restart_policy : uint8_t { always, on_failure, never };
enum class overlap_policy : uint8_t { skip, allow, replace };

const char *to_string(app_type t);
const char *to_string(restart_policy p);
const char *to_string(overlap_policy p);

/// Defaults, with the reason for each in docs/CONFIG.md.
namespace defaults {
inline constexpr int64_t restart_delay_ms = 100;
inline constexpr int64_t max_restart_delay_ms = 30'000;
inline constexpr double backoff_multiplier = 2.0;
inline constexpr int64_t min_uptime_ms = 1'000;
inline constexpr uint32_t max_restarts = 15;
inline constexpr int64_t restart_window_ms = 300'000;
inline constexpr int64_t kill_timeout_ms = 5'000;
inline constexpr uint64_t log_max_size = 10ull * 1024 * 1024;
inline constexpr uint32_t log_max_files = 5;
inline constexpr uint32_t log_retain_days = 30;
inline constexpr int64_t watch_debounce_ms = 500;
inline constexpr uint32_t max_instances = 1024;
inline constexpr size_t max_name = 64;
} // namespace defaults

struct app_spec {
    std::string name;
    std::string command;
    std::vector<std::string> args;
    std::string cwd;                        // empty: the supervisor's working directory
    std::map<std::string, std::string> env; // overrides on top of the inherited environment
    std::string env_file;                   // dotenv file, relative to cwd; re-read on every start
    std::string ns = "default";
    uint32_t instances = 1;
    app_type type = app_type::daemon;
    restart_policy restart = restart_policy::on_failure;
    int64_t restart_delay_ms = defaults::restart_delay_ms;
    int64_t max_restart_delay_ms = defaults::max_restart_delay_ms;
    double backoff_multiplier = defaults::backoff_multiplier;
    int64_t min_uptime_ms = defaults::min_uptime_ms;
    uint32_t max_restarts = defaults::max_restarts; // 0: no limit
    int64_t restart_window_ms = defaults::restart_window_ms;
    int stop_signal = 15; // SIGTERM
    int64_t kill_timeout_ms = defaults::kill_timeout_ms;
    bool enabled = true;
    std::string user;
    std::string group;
    // logs
    uint64_t log_max_size = defaults::log_max_size; // 0: no size rotation
    uint32_t log_max_files = defaults::log_max_files;
    uint32_t log_retain_days = defaults::log_retain_days; // 0: no daily rotation
    // watch
    std::vector<std::string> watch; // paths; {"."} for watch = true (the app's cwd)
    std::vector<std::string> watch_ignore;
    std::vector<std::string> watch_include;
    int64_t watch_debounce_ms = defaults::watch_debounce_ms;
    // schedule
    std::string cron;
    overlap_policy overlap = overlap_policy::skip;
    // ordering
    std::vector<std::string> deps;
    // for embedders: not listed, not reached by "all" or "ns:", not saved (alterd's alter-web)
    bool hidden = false;

    bool operator==(const app_spec &) const = default;
};

/// Where a spec comes from, for error messages ("apps[2].restart", "alter.toml:4:11").
struct spec_context {
    std::string field_prefix; // e.g. "apps[2]."
    std::string file;
    std::string_view source;  // the file's text, if known: to place errors inside a string value
};

/// Build a spec from an object value: canonical keys and their aliases (script -> command, ...).
/// Unknown keys are an error with a did-you-mean hint.
result<app_spec> spec_from_value(const value &obj, const spec_context &where = {});

/// The spec as an object value with every field (defaults filled in), canonical keys.
value spec_to_value(const app_spec &spec);
std::string spec_to_json(const app_spec &spec);

/// Merge a patch object (canonical keys or aliases; null resets a field) into a spec.
result<app_spec> spec_apply_patch(const app_spec &spec, const value &patch);

/// True when a change between the two specs must restart running instances.
bool spec_needs_restart(const app_spec &a, const app_spec &b);

/// The canonical key for an accepted key or alias, or empty if unknown.
std::string_view spec_canonical_key(std::string_view key);

/// Every canonical key, for docs.
const std::vector<std::string_view> &spec_keys();
/// Every accepted key (canonical keys and aliases), for did-you-mean suggestions.
const std::vector<std::string_view> &spec_accepted_keys();

/// Name rules: 1..64 of [A-Za-z0-9._-], not starting with '.' or '-', not "all".
status validate_name(std::string_view name, std::string_view field = "name");

/// "SIGTERM", "TERM", "15" -> 15; 0 if unknown.
int parse_signal(std::string_view s);
/// 15 -> "SIGTERM".
std::string signal_name(int sig);

/// "10MiB", "512k", "1.5 GB", "1048576" -> bytes. false if invalid.
bool parse_size(std::string_view s, uint64_t &out);

/// The closest candidate within a small edit distance, or empty.
std::string_view closest(std::string_view key, const std::vector<std::string_view> &candidates);

/// Split a command line into words: whitespace separates, '...' and "..." quote, \ escapes.
/// No expansion of any kind. false on an unterminated quote.
bool split_words(std::string_view line, std::vector<std::string> &out);

} // namespace alter::detail
