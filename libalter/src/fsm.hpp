// SPDX-License-Identifier: MIT
// The instance state machine: a pure table from (state, input) to (next state, actions).
// The runtime (instance.cpp) feeds inputs, carries out the actions and emits one event per
// state change. Exits are fed in two steps: first proc_exit_clean / proc_exit_fail (running ->
// exited / crashed), then the restart verdict (decide_*), so both steps are visible as events.
#pragma once

#include <cstdint>

#include "alter/alter.h"

namespace alter::detail {

enum class state : uint8_t {
    stopped = ALTER_STATE_STOPPED,
    starting = ALTER_STATE_STARTING,
    running = ALTER_STATE_RUNNING,
    stopping = ALTER_STATE_STOPPING,
    exited = ALTER_STATE_EXITED,
    crashed = ALTER_STATE_CRASHED,
    waiting = ALTER_STATE_WAITING,
    errored = ALTER_STATE_ERRORED,
    disabled = ALTER_STATE_DISABLED,
};
inline constexpr int state_count = ALTER_STATE_COUNT;

enum class input : uint8_t {
    start,            // user or schedule asks to start
    stop,             // user stop: never undone by autorestart
    restart,          // user restart (stop, then start)
    watch_restart,    // file change: like restart, but not counted as a crash
    spawned,          // the process exec'd
    spawn_failed,     // could not spawn (bad command, cwd, user...)
    deps_blocked,     // dependencies not ready: stay in starting, spawn later
    proc_exit_clean,  // the process ended with code 0
    proc_exit_fail,   // non-zero code or signal
    decide_final,     // verdict: no restart
    decide_now,       // verdict: restart at once
    decide_later,     // verdict: restart after a backoff delay
    decide_give_up,   // verdict: too many restarts
    decide_schedule,  // verdict: cron job, wait for the next fire
    stopped_exit,     // the process ended while stopping; what follows depends on after_stop
    backoff_timer,    // the backoff delay is over
    kill_timer,       // the kill timeout is over: SIGKILL
    enable,
    disable,
    reset,
    schedule,         // a cron job was started: wait for its next fire time
    count_
};
inline constexpr int input_count = static_cast<int>(input::count_);

/// What happens after an instance that is stopping has ended.
enum class after_stop : uint8_t { stay_stopped, start, disable };

enum action : uint32_t {
    act_none = 0,
    act_spawn = 1u << 0,          // spawn now (state is starting)
    act_signal = 1u << 1,         // send the stop signal to the process group
    act_arm_kill = 1u << 2,       // arm the kill timer (kill_timeout_ms)
    act_kill = 1u << 3,           // SIGKILL the process group
    act_arm_backoff = 1u << 4,    // arm the backoff timer with the verdict's delay
    act_cancel_timer = 1u << 5,   // cancel any armed timer
    act_reset_counters = 1u << 6, // zero restart counters (and the backoff)
    act_after_start = 1u << 7,    // after_stop = start
    act_after_stay = 1u << 8,     // after_stop = stay_stopped
    act_after_disable = 1u << 9,  // after_stop = disable
    act_wait_deps = 1u << 10,     // watch dependencies; spawn when they are ready
};

struct transition {
    bool valid = false; // false: the input is not possible in this state (caller error or no-op)
    state next = state::stopped;
    uint32_t actions = act_none;
};

/// The table lookup. `after` is the instance's after_stop (used for stopped_exit only).
transition fsm_step(state s, input in, after_stop after = after_stop::stay_stopped);

const char *state_name(state s);
const char *input_name(input in);

/// Does the state have a live process? (running, stopping)
inline bool has_process(state s) { return s == state::running || s == state::stopping; }
/// Is the state "active" from the user's point of view (started and not given up)?
inline bool is_active(state s) {
    return s == state::starting || s == state::running || s == state::waiting || s == state::stopping;
}

} // namespace alter::detail
