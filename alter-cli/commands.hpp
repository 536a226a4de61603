// SPDX-License-Identifier: MIT
// The subcommands. Each gets the session, the command word it was called as (for aliases and
// messages) and the arguments after it; it returns the process exit code (args.hpp exit_code).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "session.hpp"
#include "targets.hpp"

namespace alter::cli {

using command_fn = int (*)(session &s, std::string_view cmd, std::span<const std::string> args);

int cmd_daemon(session &s, std::string_view cmd, std::span<const std::string> args);    // cmd_daemon.cpp
int cmd_start(session &s, std::string_view cmd, std::span<const std::string> args);     // cmd_start.cpp
int cmd_ecosystem(session &s, std::string_view cmd, std::span<const std::string> args); // cmd_ecosystem.cpp
int cmd_list(session &s, std::string_view cmd, std::span<const std::string> args);      // cmd_list.cpp
int cmd_describe(session &s, std::string_view cmd, std::span<const std::string> args);  // cmd_describe.cpp
int cmd_logs(session &s, std::string_view cmd, std::span<const std::string> args);      // cmd_logs.cpp
int cmd_action(session &s, std::string_view cmd, std::span<const std::string> args);    // cmd_actions.cpp
int cmd_flush(session &s, std::string_view cmd, std::span<const std::string> args);     // cmd_actions.cpp
int cmd_system(session &s, std::string_view cmd, std::span<const std::string> args);    // cmd_system.cpp
int cmd_web(session &s, std::string_view cmd, std::span<const std::string> args);       // cmd_system.cpp
int cmd_version(session &s, std::string_view cmd, std::span<const std::string> args);   // cmd_system.cpp
int cmd_cron(session &s, std::string_view cmd, std::span<const std::string> args);      // cmd_cron.cpp

/// Shared by list, start, stop...: append the instance table of `instances` (objects of
/// GET /api/v1/processes), sorted by namespace, app, instance. (cmd_list.cpp)
void render_instances(std::string &out, std::span<const jvalue> instances, bool color);

/// Wait (up to `wait_ms`) until no instance of `t` is stopping/starting, then print the table of
/// its instances. (cmd_actions.cpp)
int show_target(session &s, const target &t, int64_t wait_ms);

/// start/stop/restart... of a target through the route it allows, or app by app; prints
/// "stopped web (2 instances)" unless --json. (cmd_actions.cpp)
int run_action(session &s, std::string_view verb, const target &t);

/// Exit with status 0 on SIGINT/SIGTERM/SIGPIPE (after resetting colours): for following
/// commands. (cmd_logs.cpp)
void exit_cleanly_on_interrupt(bool color);

} // namespace alter::cli
