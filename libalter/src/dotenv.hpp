// SPDX-License-Identifier: MIT
// dotenv syntax: KEY=value lines, optional `export `, # comments, blank lines, 'single quotes'
// (literal), "double quotes" (\n \t \" \\ escapes, may span lines), unquoted values trimmed and
// cut at " #". No variable expansion and no command substitution.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace alter::detail {

/// Pairs in file order (a later duplicate key wins when applied). ALTER_EPARSE names the line.
result<std::vector<std::pair<std::string, std::string>>> parse_dotenv(std::string_view text);

} // namespace alter::detail
