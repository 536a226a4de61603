// SPDX-License-Identifier: MIT
#include "rate_limit.hpp"

#include <algorithm>

namespace alter_web {

int64_t rate_limiter::acquire(std::initializer_list<limit> limits, int64_t now) {
    int64_t wait = 0;
    size_t fresh = 0;
    for (const auto &l : limits) {
        if (l.max == 0) continue;
        auto it = keys_.find(std::string(l.key));
        if (it == keys_.end()) {
            ++fresh;
            continue;
        }
        auto &q = it->second;
        while (!q.empty() && q.front() <= now - window_) q.pop_front();
        if (q.size() >= l.max) wait = std::max(wait, q[q.size() - l.max] + window_ - now);
    }
    if (wait > 0) return wait;
    if (keys_.size() + fresh > max_keys_) {
        prune(now);
        // Still full (a flood of addresses): refuse rather than grow without bound.
        if (keys_.size() + fresh > max_keys_) return window_;
    }
    for (const auto &l : limits)
        if (l.max != 0) keys_[std::string(l.key)].push_back(now);
    return 0;
}

void rate_limiter::release(std::initializer_list<limit> limits) {
    for (const auto &l : limits) {
        if (l.max == 0) continue;
        auto it = keys_.find(std::string(l.key));
        if (it != keys_.end() && !it->second.empty()) it->second.pop_back();
    }
}

void rate_limiter::prune(int64_t now) {
    for (auto it = keys_.begin(); it != keys_.end();) {
        auto &q = it->second;
        while (!q.empty() && q.front() <= now - window_) q.pop_front();
        it = q.empty() ? keys_.erase(it) : std::next(it);
    }
}

} // namespace alter_web
