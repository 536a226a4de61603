// SPDX-License-Identifier: MIT
// The restart decision after a process ends: restart now, after a delay, never, or give up.
// Pure: the caller passes the spec, the exit and the time; the history is the only state.
#pragma once

#include <cstdint>
#include <deque>

#include "spec.hpp"

namespace alter::detail {

struct restart_history {
    uint32_t unstable = 0;         // consecutive runs shorter than min_uptime_ms
    uint32_t total = 0;            // every automatic restart since the app was added or reset
    std::deque<int64_t> recent_ms; // times of the automatic restarts inside the window

    void reset() { *this = restart_history{}; }
};

struct exit_info {
    int exit_code = -1; // -1 when killed by a signal
    int signal = 0;
    int64_t uptime_ms = 0;

    bool clean() const { return signal == 0 && exit_code == 0; }
};

enum class verdict_kind : uint8_t {
    final,    // do not restart (the state stays exited / crashed)
    now,      // restart at once
    later,    // restart after delay_ms
    give_up,  // too many restarts inside the window: errored
    schedule, // a cron job: wait for the next fire time
};

struct verdict {
    verdict_kind kind = verdict_kind::final;
    int64_t delay_ms = 0;
};

/// The delay before restart number `unstable` (1-based) of a crash loop:
/// restart_delay_ms * multiplier^(unstable-1), capped at max_restart_delay_ms.
int64_t backoff_delay(const app_spec &spec, uint32_t unstable);

/// Decide what follows an exit, and record it in `h` (counters and window).
/// A run of at least min_uptime_ms was stable: the next start is immediate and the backoff resets.
/// Automatic restarts are counted inside restart_window_ms; reaching max_restarts gives up.
verdict decide_restart(const app_spec &spec, restart_history &h, const exit_info &e, int64_t now_ms);

} // namespace alter::detail
