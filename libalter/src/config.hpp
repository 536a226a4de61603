// SPDX-License-Identifier: MIT
// Ecosystem files -> validated app specs. Pure: text in, specs out. No file I/O, no clock, no
// globals; the caller reads the file and resolves relative paths (cwd, env_file, watch) against
// the file's directory. docs/CONFIG.md documents every format, the import rules and the errors.
//
// Every format is read into a `value` tree (keeping 1-based line/column), translated to alter's
// keys where needed (PM2, PPM, Procfile), and converted by the one spec_from_value(), so a field
// is validated, and its error worded, the same way whatever the file's format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "spec.hpp"
#include "value.hpp"

namespace alter::detail {

/// Values match ALTER_FORMAT_* (0..5). PPM's YAML is read by `yaml` (and `auto_detect`) when the
/// top level has `services:`; supervisord INI only by `auto_detect` (see config_detect).
enum class config_format : uint8_t { auto_detect = 0, toml = 1, json = 2, yaml = 3, pm2 = 4, procfile = 5, supervisord = 6 };

/// "toml", "json", "yaml", "pm2", "procfile", "supervisord", "auto".
const char *to_string(config_format f);

struct config_result {
    std::vector<app_spec> apps;        // in file order, names unique within the file
    std::vector<std::string> warnings; // "apps[0].exec_mode=cluster: ..." (imports, ignored keys)
};

struct config_options {
    /// CPU count for PM2's `instances: "max" | 0 | -N`; 0: std::thread::hardware_concurrency().
    unsigned cpu_count = 0;
};

namespace config_limits {
inline constexpr size_t max_text = 8u * 1024 * 1024; // bytes of one file (ALTER_ELIMIT above)
inline constexpr size_t max_apps = 4096;             // apps in one file
inline constexpr size_t max_nodes = 1'000'000;       // values after YAML alias expansion
inline constexpr int max_depth = 64;                 // nesting of YAML/TOML values
} // namespace config_limits

/// Parse one ecosystem file. `filename` (may be empty) picks the format with auto_detect and is
/// copied into every error's `file`. On error (ALTER_EPARSE: syntax; ALTER_ESPEC: structure or
/// a field; ALTER_ELIMIT: too large) no app is returned: the caller changes nothing.
/// Errors carry field ("apps[1].restart"), line/column (1-based) and a did-you-mean hint.
result<config_result> config_parse(std::string_view text, std::string_view filename, config_format fmt,
                                   const config_options &opts = {});

/// The format auto_detect picks: by file name (.toml, .json, .yaml/.yml, Procfile, *.procfile,
/// .conf/.ini with [program:x], .js -> pm2), else by sniffing the text. JSON/YAML whose apps use
/// PM2-only keys, or named like a PM2 file (ecosystem*, pm2*, *.config.json) without alter-only
/// keys, is `pm2`. Never returns auto_detect.
config_format config_detect(std::string_view filename, std::string_view text);

/// "alter.toml:4:11: apps[0].restart: expected one of ... (did you mean 'always'?)"
std::string config_error_string(const error &e);

// ---- Building blocks shared by config*.cpp; exposed for unit tests. ----------------------

/// TOML / YAML text -> value with positions. ALTER_EPARSE with the parser's message and position.
/// YAML scalars follow the YAML 1.2 core schema: quoted stay strings; plain true/false, null/~,
/// integers and floats are typed; everything else is a string. `<<` merge keys are honoured and
/// duplicate keys are an error. An empty YAML document is a null value.
result<value> parse_toml(std::string_view text);
result<value> parse_yaml(std::string_view text);

/// "1500" (ms), "500ms", "2s", "1m", "1h30m", "2days", "1 week" -> milliseconds. false if invalid.
bool parse_duration_ms(std::string_view s, int64_t &out);

/// True when a command line needs /bin/sh: shell syntax (| & ; < > ( ) $ ` * ? ~ [ newline, a
/// word starting with #), a leading NAME=value assignment, or a leading shell builtin/keyword
/// (exec, cd, export, if, for, ...). Plain words and '...' / "..." quoting do not.
bool command_needs_shell(std::string_view line);

/// Set `command` and `args` of the object `app` from a command line (value `line`, a string):
/// ["/bin/sh", "-c", line] when command_needs_shell(), else split_words(). Extra `args` are
/// appended. ALTER_ESPEC on an empty line or an unterminated quote, against `field`.
status set_command_line(value &app, const value &line, const std::string &field,
                        const std::vector<std::string> &extra_args = {});

/// PM2 ecosystem app -> object with alter keys (see docs/CONFIG.md, "PM2 import").
result<value> pm2_translate(const value &app, const std::string &prefix, const config_options &opts,
                            std::vector<std::string> &warnings);
/// True for keys only PM2 uses (interpreter, exec_mode, env_production, ...): they select PM2.
bool pm2_signature_key(std::string_view key);
/// True for every key PM2 accepts (with its aliases).
bool pm2_known_key(std::string_view key);

/// PPM (partner-pm) `services[i]` -> object with alter keys; `root` gives the global settings.
result<value> ppm_translate(const value &service, const std::string &prefix, const value &root,
                            std::vector<std::string> &warnings);
/// Checks PPM's top-level keys; fills warnings for those alter ignores.
status ppm_check_root(const value &root, std::vector<std::string> &warnings);

/// supervisord INI text -> {"apps":[...]} with alter keys ([program:x] sections).
result<value> supervisord_to_value(std::string_view text, std::vector<std::string> &warnings);

/// An error against `field` at v's position (v may be null), code ALTER_ESPEC.
error config_field_error(const std::string &field, const value *v, std::string msg, std::string hint = {});
/// The same about the key naming v (unknown, given twice): at the key's position when known.
error config_key_error(const std::string &field, const value &v, std::string msg, std::string hint = {});

} // namespace alter::detail
