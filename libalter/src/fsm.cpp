// SPDX-License-Identifier: MIT
#include "fsm.hpp"

#include <array>

namespace alter::detail {

namespace {

using table_t = std::array<std::array<transition, input_count>, state_count>;

constexpr int si(state s) { return static_cast<int>(s); }
constexpr int ii(input i) { return static_cast<int>(i); }

constexpr void on(table_t &t, state s, input i, state next, uint32_t actions = act_none) {
    t[si(s)][ii(i)] = transition{true, next, actions};
}

// Inputs every state accepts the same way unless overridden below.
constexpr void common(table_t &t, state s) {
    on(t, s, input::enable, s);
    on(t, s, input::reset, s, act_reset_counters);
}

constexpr uint32_t stop_acts = act_signal | act_arm_kill;

constexpr table_t build() {
    table_t t{};
    using S = state;
    using I = input;

    common(t, S::stopped);
    on(t, S::stopped, I::start, S::starting, act_spawn);
    on(t, S::stopped, I::restart, S::starting, act_spawn);
    on(t, S::stopped, I::stop, S::stopped);
    on(t, S::stopped, I::disable, S::disabled);
    on(t, S::stopped, I::schedule, S::waiting);

    common(t, S::starting);
    on(t, S::starting, I::spawned, S::running);
    on(t, S::starting, I::spawn_failed, S::errored);
    on(t, S::starting, I::deps_blocked, S::starting, act_wait_deps);
    on(t, S::starting, I::start, S::starting);
    on(t, S::starting, I::restart, S::starting);
    on(t, S::starting, I::watch_restart, S::starting);
    on(t, S::starting, I::stop, S::stopped, act_cancel_timer);
    on(t, S::starting, I::disable, S::disabled, act_cancel_timer);

    common(t, S::running);
    on(t, S::running, I::proc_exit_clean, S::exited);
    on(t, S::running, I::proc_exit_fail, S::crashed);
    on(t, S::running, I::start, S::running);
    on(t, S::running, I::stop, S::stopping, stop_acts | act_after_stay);
    on(t, S::running, I::restart, S::stopping, stop_acts | act_after_start);
    on(t, S::running, I::watch_restart, S::stopping, stop_acts | act_after_start);
    on(t, S::running, I::disable, S::stopping, stop_acts | act_after_disable);

    common(t, S::stopping);
    on(t, S::stopping, I::kill_timer, S::stopping, act_kill);
    on(t, S::stopping, I::stop, S::stopping, act_after_stay);
    on(t, S::stopping, I::start, S::stopping, act_after_start);
    on(t, S::stopping, I::restart, S::stopping, act_after_start);
    on(t, S::stopping, I::watch_restart, S::stopping); // a file change never undoes a stop
    on(t, S::stopping, I::disable, S::stopping, act_after_disable);
    // stopped_exit is resolved with after_stop in fsm_step.

    for (S s : {S::exited, S::crashed}) {
        common(t, s);
        on(t, s, I::decide_final, s);
        on(t, s, I::decide_now, S::starting, act_spawn);
        on(t, s, I::decide_later, S::waiting, act_arm_backoff);
        on(t, s, I::decide_give_up, S::errored);
        on(t, s, I::decide_schedule, S::waiting);
        on(t, s, I::start, S::starting, act_spawn);
        on(t, s, I::restart, S::starting, act_spawn);
        on(t, s, I::watch_restart, S::starting, act_spawn);
        on(t, s, I::stop, S::stopped);
        on(t, s, I::disable, S::disabled);
        on(t, s, I::schedule, S::waiting);
    }

    common(t, S::waiting);
    on(t, S::waiting, I::backoff_timer, S::starting, act_spawn);
    on(t, S::waiting, I::start, S::starting, act_cancel_timer | act_spawn);
    on(t, S::waiting, I::restart, S::starting, act_cancel_timer | act_spawn);
    on(t, S::waiting, I::watch_restart, S::starting, act_cancel_timer | act_spawn);
    on(t, S::waiting, I::stop, S::stopped, act_cancel_timer);
    on(t, S::waiting, I::disable, S::disabled, act_cancel_timer);
    on(t, S::waiting, I::schedule, S::waiting, act_cancel_timer);

    common(t, S::errored);
    on(t, S::errored, I::start, S::starting, act_spawn | act_reset_counters);
    on(t, S::errored, I::restart, S::starting, act_spawn | act_reset_counters);
    on(t, S::errored, I::watch_restart, S::starting, act_spawn | act_reset_counters);
    on(t, S::errored, I::stop, S::stopped);
    on(t, S::errored, I::reset, S::stopped, act_reset_counters);
    on(t, S::errored, I::disable, S::disabled);
    on(t, S::errored, I::schedule, S::waiting, act_reset_counters);

    common(t, S::disabled);
    on(t, S::disabled, I::enable, S::stopped);
    on(t, S::disabled, I::disable, S::disabled);
    on(t, S::disabled, I::stop, S::disabled);
    return t;
}

constexpr table_t table = build();

} // namespace

transition fsm_step(state s, input in, after_stop after) {
    if (static_cast<int>(s) >= state_count || static_cast<int>(in) >= input_count) return {};
    if (in == input::stopped_exit) {
        if (s != state::stopping) return {};
        switch (after) {
        case after_stop::stay_stopped: return {true, state::stopped, act_cancel_timer};
        case after_stop::start: return {true, state::starting, act_cancel_timer | act_spawn};
        case after_stop::disable: return {true, state::disabled, act_cancel_timer};
        }
        return {};
    }
    return table[si(s)][ii(in)];
}

const char *state_name(state s) { return alter_state_name(static_cast<int>(s)); }

const char *input_name(input in) {
    static constexpr std::array<const char *, input_count> names{
        "start",          "stop",           "restart",       "watch_restart",  "spawned",
        "spawn_failed",   "deps_blocked",   "proc_exit_clean", "proc_exit_fail", "decide_final",
        "decide_now",     "decide_later",   "decide_give_up", "decide_schedule", "stopped_exit",
        "backoff_timer",  "kill_timer",     "enable",        "disable",        "reset",          "schedule"};
    int i = static_cast<int>(in);
    return i < input_count ? names[static_cast<size_t>(i)] : "unknown";
}

} // namespace alter::detail
