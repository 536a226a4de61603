// SPDX-License-Identifier: MIT
// The data directory: --home DIR, else $ALTER_HOME, else ~/.alter-pm2/ (created 0700), the
// single-daemon lock and the master token in auth.json.
#pragma once

#include <string>

#include "alter_net/http.hpp"

namespace alterd {

using alter::net::result;
using alter::net::status;

struct home_paths {
    std::string dir;       // data dir, no trailing slash
    std::string logs;      // $ALTER_LOG_DIR or <dir>/logs
    std::string socket;    // <dir>/alterd.sock
    std::string pid_file;  // <dir>/alterd.pid
    std::string state;     // <dir>/state.json
    std::string auth;      // <dir>/auth.json
    std::string settings;  // <dir>/settings.json
    std::string daemon_log;// <dir>/daemon.log
};

/// Resolve the data dir from the flag and environment (no side effects).
home_paths resolve_home(const std::string &flag);

/// Create the data dir (0700) and check it is ours and not group/world accessible.
status prepare_home(const home_paths &h);

/// Take the one-daemon-per-data-dir lock (flock on alterd.pid) and write our pid into it.
/// The fd stays open (and locked) for the daemon's life. -EBUSY with the running pid otherwise.
result<int> take_lock(const home_paths &h);

/// The pid of a daemon holding the lock, or 0.
int running_pid(const home_paths &h);

/// Create auth.json (0600) with a fresh master token if it has none.
status ensure_master_token(const home_paths &h);

} // namespace alterd
