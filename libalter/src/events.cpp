// SPDX-License-Identifier: MIT
#include "events.hpp"

#include <algorithm>
#include <chrono>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/json_writer.hpp"

namespace alter::detail {

uint64_t event_bus::watch_events(event_fn fn, bool internal) {
    watchers_.push_back(watcher{next_id_, false, false, internal, {}, std::move(fn), {}});
    ++event_watchers_;
    if (internal) ++internal_watchers_;
    return next_id_++;
}

uint64_t event_bus::watch_logs(std::string target, log_fn fn) {
    if (target == "all") target.clear();
    watchers_.push_back(watcher{next_id_, true, false, false, std::move(target), {}, std::move(fn)});
    ++log_watchers_;
    return next_id_++;
}

bool event_bus::unwatch(uint64_t id) {
    for (auto &w : watchers_) {
        if (w.id != id || w.dead) continue;
        w.dead = true;
        if (w.logs) --log_watchers_;
        else --event_watchers_;
        if (w.internal) --internal_watchers_;
        if (depth_ == 0) compact();
        return true;
    }
    return false;
}

void event_bus::compact() {
    watchers_.erase(std::remove_if(watchers_.begin(), watchers_.end(), [](const watcher &w) { return w.dead; }),
                    watchers_.end());
}

void event_bus::emit(const alter_event_t &ev, bool hidden) {
    if (event_watchers_ == 0 || (hidden && internal_watchers_ == 0)) return;
    ++depth_;
    // Index loop: a callback may add watchers (push_back may reallocate).
    for (size_t i = 0; i < watchers_.size(); ++i) {
        if (watchers_[i].logs || watchers_[i].dead || (hidden && !watchers_[i].internal)) continue;
        watchers_[i].on_event(ev);
    }
    if (--depth_ == 0) compact();
}

void event_bus::emit_log(const alter_log_line_t &line) {
    if (log_watchers_ == 0) return;
    ++depth_;
    for (size_t i = 0; i < watchers_.size(); ++i) {
        const auto &w = watchers_[i];
        if (!w.logs || w.dead) continue;
        if (!w.target.empty()) {
            bool match;
            if (w.target.size() > 3 && w.target.compare(0, 3, "ns:") == 0)
                match = line.ns != nullptr && w.target.compare(3, std::string::npos, line.ns) == 0;
            else
                match = w.target == line.app || (line.instance != nullptr && w.target == line.instance);
            if (!match) continue;
        }
        w.on_log(line);
    }
    if (--depth_ == 0) compact();
}

// ---- subscription --------------------------------------------------------------------------

subscription::subscription(size_t capacity) : capacity_(capacity == 0 ? 10000 : capacity) {
    efd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

subscription::~subscription() {
    if (efd_ >= 0) ::close(efd_);
}

void subscription::push(std::string record) {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (q_.size() >= capacity_ || bytes_ + record.size() > max_bytes) {
        lost_ = 1;
        std::string drop;
        json::writer w(drop);
        w.begin_object().field("type", "dropped").field("reason", "the reader fell behind").end_object();
        q_.push_back(std::move(drop));
        closed_ = true;
        closed_flag_.store(true, std::memory_order_relaxed);
    } else {
        bytes_ += record.size();
        q_.push_back(std::move(record));
    }
    uint64_t one = 1;
    if (efd_ >= 0) (void)!::write(efd_, &one, sizeof one);
    cv_.notify_one();
}

int subscription::next(int64_t timeout_ms, std::string &out) {
    std::unique_lock lock(mu_);
    auto ready = [&] { return !q_.empty() || closed_; };
    if (timeout_ms < 0) cv_.wait(lock, ready);
    else if (!cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), ready)) return 0;
    if (q_.empty()) return ALTER_ECLOSED;
    out = std::move(q_.front());
    q_.pop_front();
    bytes_ -= std::min(bytes_, out.size());
    if (q_.empty() && !closed_ && efd_ >= 0) {
        uint64_t v;
        (void)!::read(efd_, &v, sizeof v); // drain: not readable until the next push
    }
    return 1;
}

void subscription::close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    closed_flag_.store(true, std::memory_order_relaxed);
    uint64_t one = 1;
    if (efd_ >= 0) (void)!::write(efd_, &one, sizeof one);
    cv_.notify_all();
}

} // namespace alter::detail
