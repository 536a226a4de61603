// SPDX-License-Identifier: MIT
#include "backoff.hpp"

#include <cmath>

namespace alter::detail {

int64_t backoff_delay(const app_spec &spec, uint32_t unstable) {
    if (unstable == 0 || spec.restart_delay_ms <= 0) return 0;
    double d = static_cast<double>(spec.restart_delay_ms) *
               std::pow(spec.backoff_multiplier, static_cast<double>(unstable - 1));
    double cap = static_cast<double>(spec.max_restart_delay_ms);
    if (!(d < cap)) return spec.max_restart_delay_ms; // also catches inf
    return static_cast<int64_t>(d);
}

verdict decide_restart(const app_spec &spec, restart_history &h, const exit_info &e, int64_t now_ms) {
    if (spec.type == app_type::once) return {verdict_kind::final, 0};
    if (spec.type == app_type::cron) return {verdict_kind::schedule, 0};

    bool restart = spec.restart == restart_policy::always ||
                   (spec.restart == restart_policy::on_failure && !e.clean());
    if (!restart) return {verdict_kind::final, 0};

    if (e.uptime_ms >= spec.min_uptime_ms) h.unstable = 0;
    else ++h.unstable;

    if (spec.restart_window_ms > 0)
        while (!h.recent_ms.empty() && h.recent_ms.front() <= now_ms - spec.restart_window_ms)
            h.recent_ms.pop_front();
    if (spec.max_restarts > 0 && h.recent_ms.size() >= spec.max_restarts) return {verdict_kind::give_up, 0};

    h.recent_ms.push_back(now_ms);
    if (spec.max_restarts == 0) h.recent_ms.clear(); // no limit: nothing to count
    ++h.total;

    int64_t delay = backoff_delay(spec, h.unstable);
    if (delay <= 0) return {verdict_kind::now, 0};
    return {verdict_kind::later, delay};
}

} // namespace alter::detail
