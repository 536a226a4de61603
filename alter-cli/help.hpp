// SPDX-License-Identifier: MIT
// The --help text of alter and of every subcommand (help.cpp), kept in one place so that they
// stay consistent with each other and with docs/CLI.md.
#pragma once

#include <span>
#include <string_view>

namespace alter::cli {

/// Print the help of `cmd` ("" for alter itself, "start", "daemon start", "daemon"...) to
/// stdout. False if there is no such help topic.
bool print_help(std::string_view cmd);

/// Every command name and alias accepted as the first word (for did-you-mean and completion).
[[nodiscard]] std::span<const std::string_view> command_names();

} // namespace alter::cli
