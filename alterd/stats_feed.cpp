// SPDX-License-Identifier: MIT
#include "stats_feed.hpp"

#include <vector>

#include "api.hpp"

namespace alterd {

void stats_feed::start(uv_loop_t *loop) {
    if (started_) return;
    started_ = true;
    uv_timer_init(loop, &timer_);
    timer_.data = this;
    uv_unref(reinterpret_cast<uv_handle_t *>(&timer_)); // never keeps the loop alive alone
    update();
}

void stats_feed::close() {
    if (!started_ || closed_) return;
    closed_ = true;
    active_ = false;
    subs_.clear();
    uv_timer_stop(&timer_);
    uv_close(reinterpret_cast<uv_handle_t *>(&timer_), nullptr);
}

uint64_t stats_feed::subscribe(host_fn fn) {
    uint64_t id = next_id_++;
    subs_.emplace(id, std::move(fn));
    update();
    return id;
}

void stats_feed::unsubscribe(uint64_t id) {
    if (subs_.erase(id) > 0) update();
}

std::string_view stats_feed::recent_host(int64_t now) const {
    if (last_host_.empty() || now - last_host_ms_ > 2 * interval_ms()) return {};
    return last_host_;
}

void stats_feed::update() {
    if (!started_ || closed_) return;
    bool want = background_ms_ > 0 || !subs_.empty();
    if (want == active_) return;
    active_ = want;
    if (!want) {
        uv_timer_stop(&timer_);
        return;
    }
    // The first sample at once (the subscriber wants numbers now), then every interval.
    auto period = static_cast<uint64_t>(interval_ms());
    uv_timer_start(&timer_, [](uv_timer_t *t) { static_cast<stats_feed *>(t->data)->tick(); }, 0, period);
}

void stats_feed::tick() {
    (void)alter_stats_sample(ctx_); // per-instance STATS events go out through the event bus
    if (subs_.empty()) return;
    char *js = nullptr;
    if (alter_host_stats(ctx_, &js) < 0) return;
    std::string host = take_lib_string(js);
    if (host.size() < 2 || host.front() != '{') return;
    int64_t now = now_ms();
    last_host_ = "{\"type\":\"host\",\"time_ms\":" + std::to_string(now) + (host.size() > 2 ? "," : "") + host.substr(1);
    last_host_ms_ = now;
    // A subscriber may go away while it is called (its stream failed): call by id.
    std::vector<uint64_t> ids;
    ids.reserve(subs_.size());
    for (const auto &[id, fn] : subs_) ids.push_back(id);
    for (uint64_t id : ids) {
        auto it = subs_.find(id);
        if (it == subs_.end()) continue;
        host_fn fn = it->second; // a copy: the entry may be erased during the call
        fn(last_host_);
    }
}

} // namespace alterd
