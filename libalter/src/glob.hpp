// SPDX-License-Identifier: MIT
// Glob matching for watch ignore/include patterns. Pure.
//   *    any run of characters except '/'      **   any run including '/' (whole segments)
//   ?    one character except '/'              [abc] [a-z] [!abc]   a character class
// A pattern without '/' matches any single path component ("node_modules", "*.log"); a pattern
// with '/' matches the whole relative path ("src/**/*.gen.ts", "build/").
#pragma once

#include <string_view>

namespace alter::detail {

/// Match `text` against `pattern` (both relative, '/'-separated).
bool glob_match(std::string_view pattern, std::string_view text);

/// The watch rule described above; a trailing '/' in the pattern means "directories only"
/// and is honoured through `is_dir`.
bool glob_path_match(std::string_view pattern, std::string_view rel_path, bool is_dir);

} // namespace alter::detail
