// SPDX-License-Identifier: MIT
#include "context.hpp"

#include <ctime>

#include "supervisor.hpp"

namespace alter::detail {

int64_t wall_ms() {
    struct timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

int64_t mono_ms() {
    struct timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

context::context(context_options opts) : opts_(std::move(opts)) {
    if (opts_.log_ring_lines == 0) opts_.log_ring_lines = 1000;
}

context::~context() {
    finish();
    sup_.reset();
    if (loop_ready_) uv_loop_close(&loop_);
}

status context::init() {
    if (int r = uv_loop_init(&loop_); r != 0) return error(r, std::string("uv_loop_init: ") + uv_strerror(r));
    loop_ready_ = true;
    if (int r = uv_async_init(&loop_, &async_, &context::on_async); r != 0) {
        uv_loop_close(&loop_);
        loop_ready_ = false;
        return error(r, std::string("uv_async_init: ") + uv_strerror(r));
    }
    async_.data = this;
    read_buf_ = std::make_unique_for_overwrite<char[]>(read_buf_size); // not zeroed: its pages stay untouched until a pipe is read
    sup_ = std::make_unique<supervisor>(*this);
    if (opts_.flags & ALTER_CONTEXT_CALLER_THREAD) {
        loop_thread_id_ = std::this_thread::get_id();
        sup_->init();
        return {};
    }
    // The supervisor's handles are created on the loop thread.
    std::promise<void> ready;
    auto fut = ready.get_future();
    thread_ = std::thread([this, &ready] {
        loop_thread_id_ = std::this_thread::get_id();
        sup_->init();
        ready.set_value();
        uv_run(&loop_, UV_RUN_DEFAULT);
    });
    fut.wait();
    return {};
}

int context::post(std::function<void()> fn) {
    {
        std::lock_guard lock(mu_);
        if (!accepting_) return ALTER_ECLOSED;
        tasks_.push_back(std::move(fn));
    }
    uv_async_send(&async_);
    return 0;
}

void context::on_async(uv_async_t *h) { static_cast<context *>(h->data)->drain_tasks(); }

void context::drain_tasks() {
    std::vector<std::function<void()>> batch;
    {
        std::lock_guard lock(mu_);
        batch.swap(tasks_);
    }
    for (auto &t : batch) t();
}

int context::shutdown(std::function<void()> done) {
    return post([this, done = std::move(done)]() mutable {
        if (done) on_done_.push_back(std::move(done));
        if (closing_) return;
        closing_ = true;
        sup_->shutdown([this] { close_all(); });
    });
}

void context::close_all() {
    {
        std::lock_guard lock(mu_);
        accepting_ = false;
    }
    // Tasks queued meanwhile still run (they see closing() and answer ECLOSED), so no caller of
    // call() waits forever.
    drain_tasks();
    for (auto &d : on_done_) d();
    on_done_.clear();
    uv_close(reinterpret_cast<uv_handle_t *>(&async_), nullptr);
    ended_ = true;
}

int context::run() {
    if (!(opts_.flags & ALTER_CONTEXT_CALLER_THREAD)) return ALTER_ESTATE;
    if (!on_loop()) return ALTER_ESTATE;
    uv_run(&loop_, UV_RUN_DEFAULT);
    return 0;
}

void context::finish() {
    if (!loop_ready_) return;
    if (thread_.joinable()) {
        shutdown(nullptr);
        thread_.join();
        return;
    }
    if ((opts_.flags & ALTER_CONTEXT_CALLER_THREAD) && !ended_) {
        if (!closing_) {
            closing_ = true;
            sup_->shutdown([this] { close_all(); });
        }
        uv_run(&loop_, UV_RUN_DEFAULT);
    }
}

void context::record(int level, const std::string &msg) const {
    if (opts_.on_record != nullptr) opts_.on_record(level, msg.c_str(), opts_.record_userdata);
}

} // namespace alter::detail
