// SPDX-License-Identifier: MIT
#include "context.hpp"
#include "supervisor.hpp"
#include "watch.hpp"

namespace alter::detail {

app::app(supervisor &s, app_spec spec) : sup_(s), spec_(std::move(spec)) {
    for (uint32_t i = 0; i < spec_.instances; ++i) instances_.push_back(std::make_unique<instance>(*this, i));
    if (!spec_.enabled)
        for (auto &i : instances_) i->feed(input::disable, "disabled");
}

app::~app() { close(); }

context &app::ctx() { return sup_.ctx(); }

void app::close() {
    disarm_cron();
    close_handle(cron_timer_);
    stop_watch();
    for (auto &i : instances_) i->close();
}

log_policy app::policy() const {
    log_policy p;
    p.max_size = spec_.log_max_size;
    p.max_files = spec_.log_max_files;
    p.retain_days = spec_.log_retain_days;
    return p;
}

std::string app::log_dir_of(const std::string &instance_name) const {
    const std::string &root = sup_.ctx().options().log_dir;
    if (root.empty()) return {};
    return root + "/" + instance_name;
}

void app::set_spec(app_spec s) {
    // Transient runs are not part of the instance count: keep them aside while scaling.
    std::vector<std::unique_ptr<instance>> runs_now;
    for (auto &i : instances_)
        if (i->transient()) runs_now.push_back(std::move(i));
    std::erase_if(instances_, [](const std::unique_ptr<instance> &i) { return !i; });
    struct put_back {
        std::vector<std::unique_ptr<instance>> &from, &to;
        ~put_back() {
            for (auto &i : from) to.push_back(std::move(i));
        }
    } restore{runs_now, instances_};
    bool renamed_instances = (spec_.instances > 1) != (s.instances > 1);
    uint32_t old_n = spec_.instances;
    if (s.instances != old_n) next_triggers_.clear(); // instances may go away
    spec_ = std::move(s);
    if (renamed_instances) {
        // Going between 1 and N instances changes every instance name ("web" <-> "web-0"):
        // rebuild them; running ones are stopped first by the caller's restart.
        for (auto &i : instances_) {
            if (has_process(i->current())) i->feed(input::stop, "instances changed");
        }
        std::vector<std::unique_ptr<instance>> old;
        old.swap(instances_);
        for (auto &i : old) {
            if (i->idle()) i->close();
            else {
                // Keep it alive until it exits: park it in a detached holder app-less list.
                sup_.park(std::move(i));
            }
        }
        for (uint32_t k = 0; k < spec_.instances; ++k) instances_.push_back(std::make_unique<instance>(*this, k));
        return;
    }
    if (spec_.instances > old_n) {
        for (uint32_t k = old_n; k < spec_.instances; ++k) {
            instances_.push_back(std::make_unique<instance>(*this, k));
            if (!spec_.enabled) instances_.back()->feed(input::disable, "disabled");
        }
    } else if (spec_.instances < old_n) {
        while (instances_.size() > spec_.instances) {
            auto i = std::move(instances_.back());
            instances_.pop_back();
            if (has_process(i->current())) i->feed(input::stop, "scaled down");
            if (i->idle()) i->close();
            else sup_.park(std::move(i));
        }
    }
}

// ---- cron ----------------------------------------------------------------------------------

void app::on_cron_timer(uv_timer_t *t) {
    auto *self = static_cast<app *>(t->data);
    if (self != nullptr) self->cron_fire();
}

void app::arm_cron(int64_t after_ms) {
    if (spec_.cron.empty()) {
        disarm_cron();
        return;
    }
    if (!schedule_ || spec_.cron != schedule_source_) {
        auto s = cron_parse(spec_.cron);
        if (!s) {
            ctx().record(3, spec_.name + ": " + s.err().message);
            schedule_.reset();
            return;
        }
        schedule_ = *s;
        schedule_source_ = spec_.cron;
    }
    if (cron_is_reboot(*schedule_)) {
        next_run_ms = 0;
        return; // @reboot: the start that armed it is the run (see supervisor::start)
    }
    int64_t now = wall_ms();
    int64_t next = cron_next_fire(*schedule_, now, after_ms);
    next_run_ms = next > 0 ? next : 0;
    if (next <= 0) return;
    if (cron_timer_ == nullptr) {
        cron_timer_ = new_handle<uv_timer_t>();
        uv_timer_init(ctx().loop(), cron_timer_);
        cron_timer_->data = this;
    }
    // Timers run on the monotonic clock; re-arming after each fire keeps wall time honest.
    uv_timer_start(cron_timer_, on_cron_timer, static_cast<uint64_t>(next - now), 0);
}

void app::disarm_cron() {
    if (cron_timer_ != nullptr) uv_timer_stop(cron_timer_);
    next_run_ms = 0;
}

void app::cron_fire() {
    int64_t now = wall_ms();
    int64_t fired = next_run_ms;
    if (fired > 0 && now + 5 < fired) {
        // The monotonic timer fired early relative to wall time (clock change): re-arm.
        arm_cron();
        return;
    }
    // The next fire first (strictly after this tick): the events of this tick's runs carry it.
    arm_cron(fired);
    std::vector<instance *> mains;
    for (auto &i : instances_)
        if (!i->transient()) mains.push_back(i.get());
    for (instance *i : mains) {
        state s = i->current();
        if (s == state::running || s == state::stopping || s == state::starting) {
            if (spec_.type == app_type::daemon) {
                i->user_restart("cron restart"); // PM2 cron_restart: restart a daemon on schedule
            } else if (spec_.overlap == overlap_policy::replace) {
                set_next_trigger(*i, "cron (replace)");
                i->user_restart("cron (replace)");
            } else if (spec_.overlap == overlap_policy::allow) {
                if (!start_extra_run(*i, "cron (overlap)")) {
                    std::string why = "skipped (" + std::to_string(max_extra_runs) + " extra runs still running)";
                    ctx().record(2, i->name() + ": cron tick " + why);
                    skip_tick(*i, now, std::move(why));
                }
            } else {
                skip_tick(*i, now, "skipped (still running)");
            }
            continue;
        }
        i->feed(input::start, "cron");
    }
}

void app::skip_tick(instance &i, int64_t now, std::string why) {
    run_record r;
    r.start_ms = now;
    r.end_ms = now;
    r.trigger = std::move(why);
    r.instance = i.name();
    runs.push_back(std::move(r));
    if (runs.size() > max_runs) runs.pop_front();
}

bool app::start_extra_run(instance &main, const char *trigger) {
    // Runs that pile up are bounded: a job that always overruns would otherwise grow forever.
    size_t going = 0;
    for (const auto &i : instances_)
        if (i->transient() && (!i->idle() || i->current() == state::starting || i->current() == state::running)) ++going;
    if (going >= max_extra_runs) return false;
    instances_.push_back(std::make_unique<instance>(*this, main.index(), main.name() + "#" + std::to_string(++run_seq_)));
    instances_.back()->feed(input::start, trigger);
    return true;
}

void app::set_next_trigger(instance &i, std::string trigger) {
    std::erase_if(next_triggers_, [&](const auto &t) { return t.first == &i; });
    next_triggers_.emplace_back(&i, std::move(trigger));
}

bool app::has_run() const {
    for (const auto &i : instances_)
        if (!i->transient() && (i->last_exit_wall_ms() > 0 || has_process(i->current()))) return true;
    return false;
}

bool app::running_now() const {
    for (const auto &i : instances_)
        if (i->current() == state::starting || has_process(i->current())) return true;
    return false;
}

void app::note_waiting(instance &i, const std::string &why) {
    std::string text = "waiting for " + why;
    if (i.last_error_ == text) return;
    i.last_error_ = std::move(text);
    // Same state, new reason: watchers (and `alter describe`) learn why it still waits.
    i.emit_state(i.state_, i.state_, i.last_error_.c_str());
}

void app::prune_finished_runs() {
    // Called from the supervisor's reaper timer, never from inside an instance callback.
    for (auto it = instances_.begin(); it != instances_.end();) {
        instance &i = **it;
        bool done = i.transient() && i.idle() && !is_active(i.current());
        bool waiting_done = i.transient() && i.idle() && i.current() == state::waiting;
        if (done || waiting_done) {
            (*it)->close();
            it = instances_.erase(it);
        } else {
            ++it;
        }
    }
}

bool app::has_finished_runs() const {
    for (const auto &i : instances_)
        if (i->transient() && i->idle() && (i->current() == state::waiting || !is_active(i->current()))) return true;
    return false;
}

void app::record_run_start(instance &i, const char *trigger) {
    run_record r;
    r.start_ms = wall_ms();
    r.trigger = trigger != nullptr ? trigger : "";
    for (auto it = next_triggers_.begin(); it != next_triggers_.end(); ++it)
        if (it->first == &i) {
            // The spawn that ends a replace's stop says "stopped"; any other start is its own.
            if (r.trigger == "stopped") r.trigger = std::move(it->second);
            next_triggers_.erase(it);
            break;
        }
    r.instance = i.name();
    last_run_ms = r.start_ms;
    runs.push_back(std::move(r));
    if (runs.size() > max_runs) runs.pop_front();
}

void app::record_run_end(instance &i) {
    for (auto it = runs.rbegin(); it != runs.rend(); ++it)
        if (it->instance == i.name() && it->end_ms == 0) {
            it->end_ms = wall_ms();
            it->exit_code = i.exit_code();
            it->signal = i.exit_signal();
            break;
        }
}

// ---- watch ---------------------------------------------------------------------------------

void app::start_watch() {
    if (spec_.watch.empty()) return stop_watch();
    watcher::options o;
    for (const auto &p : spec_.watch) {
        std::string base = spec_.cwd;
        if (p == ".") o.roots.push_back(base.empty() ? std::string(".") : base);
        else if (!p.empty() && p[0] == '/') o.roots.push_back(p);
        else o.roots.push_back(base.empty() ? p : base + "/" + p);
    }
    o.ignore = spec_.watch_ignore;
    o.include = spec_.watch_include;
    o.debounce_ms = spec_.watch_debounce_ms;
    if (watcher_ && watcher_->opts() == o) return;
    watcher_.reset();
    auto report = [this](int level, const std::string &msg) { ctx().record(level, spec_.name + ": watch: " + msg); };
    watcher_ = std::make_unique<watcher>(ctx().loop(), std::move(o), report, [this](const std::string &path) {
        ctx().record(1, spec_.name + ": change in " + path + ": restarting");
        for (auto &i : instances_) {
            state s = i->current();
            if (s == state::stopped || s == state::disabled) continue;
            i->feed(input::watch_restart, "watch");
        }
    });
    if (auto st = watcher_->start(); !st) {
        ctx().record(2, spec_.name + ": watch: " + st.err().message);
        watcher_.reset();
    }
}

void app::stop_watch() { watcher_.reset(); }

} // namespace alter::detail
