// SPDX-License-Identifier: MIT
// Client-side pieces of an app spec for `alter start`: resolving the command against the
// user's PATH and current directory, picking an interpreter for scripts, the default name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace alter::cli {

struct resolved_command {
    std::string command;           // absolute when it could be resolved
    std::vector<std::string> args;
    std::string cwd;               // absolute; empty for a remote daemon without --cwd
};

/// The process's current directory ("/" if unknown).
[[nodiscard]] std::string current_dir();
/// `p` made absolute against `base` ("./x" and "x" -> base/x); "~/" expands to $HOME.
[[nodiscard]] std::string absolute_path(const std::string &p, const std::string &base);
/// "a, b,c" -> {"a","b","c"} (blanks trimmed, empty items dropped).
[[nodiscard]] std::vector<std::string> split_list(std::string_view s);
/// Split a command line into words: blanks separate, '...' and "..." quote, \ escapes.
[[nodiscard]] std::vector<std::string> split_words(std::string_view s);

/// True if `path` names an existing file alter reads as an ecosystem file (*.toml, *.json,
/// *.yaml, *.yml, Procfile*, ecosystem*.js (for its conversion hint), supervisord *.ini/*.conf).
[[nodiscard]] bool looks_like_ecosystem(const std::string &path);
/// True if `path` is named like an ecosystem file (the same names, except *.ini/*.conf, which
/// are told by their content).
[[nodiscard]] bool ecosystem_name(std::string_view path);
/// True if `path` is named like an ecosystem file but no such regular file exists; `problem`
/// then says so ("no such file: x.toml"). Such a word is never a command to add.
[[nodiscard]] bool missing_ecosystem_file(const std::string &path, std::string &problem);

/// Resolve `word` (+ `args`) for an app whose cwd is `cwd_opt` (empty: the current directory).
/// `local`: the daemon runs on this host, so paths can be checked. Returns false with
/// `problem` set for a hard error (no such directory / script); true with `problem` set for a
/// warning (command not in PATH).
[[nodiscard]] bool resolve_command(const std::string &word, std::vector<std::string> args, const std::string &cwd_opt,
                                   bool local, resolved_command &out, std::string &problem);

/// The default app name: the script's stem for interpreters ("python3 app.py" -> "app",
/// "python3 -m http.server" -> "http.server"), else the command's ("./server.sh" -> "server"),
/// made a valid name (A-Z a-z 0-9 . _ -, at most 64 characters).
[[nodiscard]] std::string default_name(const resolved_command &c);

} // namespace alter::cli
