// SPDX-License-Identifier: MIT
// What the dashboard shows after a reload: a bounded memory of recent lifecycle events (the
// last `events_per_app` state changes of each app, as the event stream sent them) and of stats
// samples (CPU and memory per instance over the last `sample_window_ms`, taken only while
// stats are sampled: see stats_feed). Fed by alterd's event watcher; gone when the app is
// removed or alterd restarts. Loop thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "alter/alter.h"

namespace alterd {

class history {
public:
    static constexpr size_t events_per_app = 100;
    static constexpr int64_t sample_window_ms = 30 * 60 * 1000;
    static constexpr size_t samples_per_instance = 1800; // 30 min at 1 s

    /// STATE events (changes of state) and STATS samples are kept; REMOVED forgets the app.
    void record(const alter_event_t &e);

    /// {"app","events":[state events, oldest first],"samples":{"<instance>":{"t":[..],
    /// "cpu":[..],"mem":[..]}}} for `app`, limited to `instances` (all of the app's if empty)
    /// and to samples and events at or after `since_ms`.
    [[nodiscard]] std::string json(const std::string &app, const std::vector<std::string> &instances,
                                   int64_t since_ms, int64_t now_ms) const;

    /// Kept entries, for tests and the limits table: events, samples.
    [[nodiscard]] std::pair<size_t, size_t> size() const;

private:
    struct sample {
        int64_t t;
        float cpu;
        uint64_t mem;
    };
    struct event {
        int64_t t;
        std::string instance;
        std::string json;
    };
    struct app_history {
        std::deque<event> events;
        std::unordered_map<std::string, std::deque<sample>> samples;
    };
    void sweep(int64_t now_ms);

    std::unordered_map<std::string, app_history> apps_;
    uint64_t stats_seen_ = 0;
};

} // namespace alterd
