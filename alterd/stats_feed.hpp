// SPDX-License-Identifier: MIT
// Stats on demand: CPU and memory of every instance (ALTER_EVENT_STATS events through the
// library's event bus, alter_stats_sample) and the host's CPU, memory and load ("host" records
// handed to subscribers), sampled by one timer on the loop, one /proc pass per tick, only while
// at least one client asked for them (GET /api/v1/events?stats=1), or all the time with
// `--stats-interval MS`. Without a subscriber the timer is stopped: no wakeups. Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <uv.h>

#include "alter/alter.h"

namespace alterd {

class stats_feed {
public:
    using host_fn = std::function<void(std::string_view host_json)>;
    static constexpr int64_t on_demand_interval_ms = 2000;

    /// `background_ms` > 0: sample on that period whether anyone listens or not.
    stats_feed(alter_context_t *ctx, int64_t background_ms) : ctx_(ctx), background_ms_(background_ms) {}
    /// The timer must have been closed (close()) and its close callback run, or never started.
    ~stats_feed() = default;
    stats_feed(const stats_feed &) = delete;
    stats_feed &operator=(const stats_feed &) = delete;

    /// Create the timer on `loop` (background sampling starts now). Once.
    void start(uv_loop_t *loop);
    /// Stop for good (shutdown); the handle closes on the next loop iteration.
    void close();

    /// Sampling runs while there is a subscriber; `fn` gets each host record
    /// ({"type":"host","time_ms",...alter_host_stats fields}). Returns an id for unsubscribe.
    uint64_t subscribe(host_fn fn);
    void unsubscribe(uint64_t id);

    /// The newest host record, or "" if none was taken in the last two intervals.
    [[nodiscard]] std::string_view recent_host(int64_t now_ms) const;
    [[nodiscard]] int64_t interval_ms() const noexcept { return background_ms_ > 0 ? background_ms_ : on_demand_interval_ms; }
    [[nodiscard]] bool sampling() const noexcept { return active_; }

private:
    void update();
    void tick();

    alter_context_t *ctx_;
    int64_t background_ms_;
    uv_timer_t timer_{};
    bool started_ = false, closed_ = false, active_ = false;
    std::map<uint64_t, host_fn> subs_;
    uint64_t next_id_ = 1;
    std::string last_host_;
    int64_t last_host_ms_ = 0;
};

} // namespace alterd
