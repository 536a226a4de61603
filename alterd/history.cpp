// SPDX-License-Identifier: MIT
#include "history.hpp"

#include <algorithm>
#include <cmath>

#include "alter/json.hpp"
#include "alter_net/json.hpp"

namespace alterd {

namespace {

// State changes worth remembering; the passing ones (starting, stopping) and same-state
// notes ("waiting for a dependency" again) are left out.
bool kept_state(const alter_event_t &e) {
    if (e.from == e.to) return false;
    switch (e.to) {
    case ALTER_STATE_RUNNING:
    case ALTER_STATE_STOPPED:
    case ALTER_STATE_EXITED:
    case ALTER_STATE_CRASHED:
    case ALTER_STATE_WAITING:
    case ALTER_STATE_ERRORED:
    case ALTER_STATE_DISABLED: return true;
    default: return false;
    }
}

} // namespace

void history::record(const alter_event_t &e) {
    if (e.app == nullptr) return;
    if (e.kind == ALTER_EVENT_REMOVED) {
        apps_.erase(e.app);
        return;
    }
    if (e.instance == nullptr) return;
    if (e.kind == ALTER_EVENT_STATE && kept_state(e) && e.json != nullptr) {
        auto &evs = apps_[e.app].events;
        evs.push_back({e.time_ms, e.instance, e.json});
        while (evs.size() > events_per_app) evs.pop_front();
    } else if (e.kind == ALTER_EVENT_STATS && e.json != nullptr) {
        auto doc = alter::net::json_object::parse(e.json);
        if (!doc) return;
        auto cpu = doc->get_number("cpu_percent");
        auto mem = doc->get_number("memory_bytes");
        if (!cpu || !mem) return;
        auto &q = apps_[e.app].samples[e.instance];
        q.push_back({e.time_ms, static_cast<float>(*cpu), static_cast<uint64_t>(*mem)});
        while (!q.empty() && (q.size() > samples_per_instance || q.front().t < e.time_ms - sample_window_ms)) q.pop_front();
        if (++stats_seen_ % 2048 == 0) sweep(e.time_ms);
    }
}

void history::sweep(int64_t now) {
    // Instances that stopped (or went away) keep their last samples until they age out.
    for (auto &[name, a] : apps_)
        for (auto it = a.samples.begin(); it != a.samples.end();) {
            auto &q = it->second;
            while (!q.empty() && q.front().t < now - sample_window_ms) q.pop_front();
            it = q.empty() ? a.samples.erase(it) : std::next(it);
        }
}

std::string history::json(const std::string &app, const std::vector<std::string> &instances, int64_t since,
                          int64_t now) const {
    auto wanted = [&](const std::string &i) {
        return instances.empty() || std::find(instances.begin(), instances.end(), i) != instances.end();
    };
    std::string out;
    alter::json::writer w(out);
    w.begin_object().field("app", app).key("events").begin_array();
    auto it = apps_.find(app);
    if (it != apps_.end())
        for (const auto &e : it->second.events)
            if (e.t >= since && wanted(e.instance)) w.raw(e.json);
    w.end_array().key("samples").begin_object();
    int64_t from = std::max(since, now - sample_window_ms);
    if (it != apps_.end()) {
        // Instances in name order, so the answer is stable.
        std::vector<const std::string *> names;
        for (const auto &[name, q] : it->second.samples)
            if (wanted(name)) names.push_back(&name);
        std::sort(names.begin(), names.end(), [](auto *a, auto *b) { return *a < *b; });
        for (const auto *name : names) {
            const auto &q = it->second.samples.at(*name);
            auto first = std::find_if(q.begin(), q.end(), [&](const sample &s) { return s.t >= from; });
            if (first == q.end()) continue;
            w.key(*name).begin_object().key("t").begin_array();
            for (auto s = first; s != q.end(); ++s) w.value(static_cast<long long>(s->t));
            w.end_array().key("cpu").begin_array();
            for (auto s = first; s != q.end(); ++s) w.value(std::round(static_cast<double>(s->cpu) * 100.0) / 100.0);
            w.end_array().key("mem").begin_array();
            for (auto s = first; s != q.end(); ++s) w.value(static_cast<unsigned long long>(s->mem));
            w.end_array().end_object();
        }
    }
    w.end_object().end_object();
    return out;
}

std::pair<size_t, size_t> history::size() const {
    size_t events = 0, samples = 0;
    for (const auto &[name, a] : apps_) {
        events += a.events.size();
        for (const auto &[i, q] : a.samples) samples += q.size();
    }
    return {events, samples};
}

} // namespace alterd
