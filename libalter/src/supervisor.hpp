// SPDX-License-Identifier: MIT
// supervisor: the registry of apps and every operation on them (add, update, start, stop, ...),
// target resolution ("name", "name-1", "all", "ns:web"), dependencies, cron timers, stats and
// autosave timers. app: one spec and its instances. Loop thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <uv.h>

#include "common/result.hpp"
#include "proc_stats.hpp"
#include "cron.hpp"
#include "instance.hpp"
#include "spec.hpp"

namespace alter::detail {

class context;
class supervisor;
class watcher;

class app {
public:
    app(supervisor &s, app_spec spec);
    ~app();
    app(const app &) = delete;
    app &operator=(const app &) = delete;

    supervisor &sup() { return sup_; }
    context &ctx();
    const app_spec &spec() const { return spec_; }
    std::vector<std::unique_ptr<instance>> &instances() { return instances_; }
    const std::vector<std::unique_ptr<instance>> &instances() const { return instances_; }
    const std::string &name() const { return spec_.name; }

    log_policy policy() const;
    /// <log_dir>/<instance name>; empty without a log dir.
    std::string log_dir_of(const std::string &instance_name) const;
    /// Replace the spec; adds or removes instances to match `instances`. Caller handles restarts.
    void set_spec(app_spec s);
    void close();

    bool desired_running = false; // what the user asked for last; saved in state.json
    // schedule
    std::deque<run_record> runs;    // most recent last; at most max_runs
    static constexpr size_t max_runs = 50;
    int64_t next_run_ms = 0;        // wall ms of the next cron fire, 0 if none
    int64_t last_run_ms = 0;
    /// Arm the timer for the next fire strictly after max(now, after_ms) (after_ms: the tick that
    /// just fired, so that a timer firing a little early never fires that tick twice).
    void arm_cron(int64_t after_ms = 0);
    bool is_reboot_job() const { return schedule_ && cron_is_reboot(*schedule_); }
    void disarm_cron();
    void record_run_start(instance &i, const char *trigger);
    /// The trigger to record for i's next run when it comes from a restart (overlap = replace):
    /// the restart's spawn itself only knows "stopped".
    void set_next_trigger(instance &i, std::string trigger);
    /// overlap = allow: a concurrent run next to a busy instance. false (and nothing started)
    /// when max_extra_runs extra runs are still going.
    bool start_extra_run(instance &main, const char *trigger);
    static constexpr size_t max_extra_runs = 8;
    void prune_finished_runs();
    bool has_finished_runs() const;
    void record_run_end(instance &i);
    /// A main instance has run (and ended) or runs now.
    bool has_run() const;
    bool running_now() const;
    /// i (starting) waits for a dependency: show why (last_error) and announce a new reason.
    void note_waiting(instance &i, const std::string &why);
    // watch
    /// Start watching per the spec; rebuilds the watcher when its settings changed.
    void start_watch();
    void stop_watch();
    bool watching() const { return watcher_ != nullptr; }

private:
    static void on_cron_timer(uv_timer_t *t);
    void cron_fire();
    void skip_tick(instance &i, int64_t now, std::string why);

    supervisor &sup_;
    app_spec spec_;
    std::vector<std::unique_ptr<instance>> instances_;
    std::optional<cron_schedule> schedule_;
    std::string schedule_source_;
    uint32_t run_seq_ = 0;
    std::vector<std::pair<const instance *, std::string>> next_triggers_;
    uv_timer_t *cron_timer_ = nullptr;
    std::unique_ptr<watcher> watcher_;
};

class supervisor {
public:
    explicit supervisor(context &ctx);
    ~supervisor();
    supervisor(const supervisor &) = delete;
    supervisor &operator=(const supervisor &) = delete;

    void init();
    context &ctx() { return ctx_; }

    // registry
    app *find_app(std::string_view name);
    const std::vector<std::unique_ptr<app>> &apps() const { return apps_; }

    struct target {
        std::vector<app *> apps;           // whole apps named by the target
        std::vector<instance *> instances; // every instance concerned
    };
    /// "all", "ns:NAME", an app, an instance ("web-1"), or a comma-separated list of apps and
    /// instances ("api,worker": one operation over all of them, e.g. one layered stop).
    result<target> resolve(std::string_view target);

    // operations: the number of instances affected
    result<int> add(app_spec spec, uint32_t flags);
    result<int> update(std::string_view name, const value &patch);
    result<int> remove(std::string_view target);
    result<int> start(std::string_view target);
    /// start() once the target is resolved (`t` as named, for the messages).
    result<int> start_target(target tg, std::string_view t);
    result<int> stop(std::string_view target);
    result<int> restart(std::string_view target);
    result<int> reset(std::string_view target);
    result<int> enable(std::string_view target, bool on);
    result<int> run_now(std::string_view target);

    result<std::string> list_json(std::string_view ns, bool fresh_stats = true);
    result<std::string> get_json(std::string_view target);
    result<std::string> spec_json(std::string_view name);
    result<std::string> runs_json(std::string_view target);
    std::string host_json();
    /// Sample every running instance (hidden apps aside) and emit a STATS event for each.
    int sample_all_stats();
    std::string metrics_text();

    /// Apply a set of specs: add new apps, update changed ones, leave equal ones alone.
    result<std::string> apply(std::vector<app_spec> specs);

    // state
    std::string state_json() const;
    status save_state(const std::string &path);
    result<int> load_state(const std::string &path);
    void mark_dirty();

    /// ALTER_CONTEXT_REAP_ALL: reap every exited child; ours go to their instance.
    void reap_all();

    // lifecycle
    void shutdown(std::function<void()> done);
    bool shutting_down() const { return shutting_down_; }

    // called by instances
    void instance_changed(instance &i, state from, state to);
    /// ALTER_EEXIST when the app's name or one of its instance names is taken by another app
    /// (`self`: the app being updated, if any).
    status check_names(const app_spec &spec, const app *self);
    bool deps_ready(const app &a, std::string *waiting_for = nullptr);
    /// The environment inherited by children (the process's environment at spawn time).
    std::vector<std::string> base_env() const;
    void emit_app_event(uint32_t kind, const app &a, const char *reason);
    /// Keep an instance that left its app (scale down) until its process has ended.
    void park(std::unique_ptr<instance> i);

private:
    static void on_timer(uv_timer_t *t);
    void on_stats_timer();
    void on_midnight_timer();
    void arm_midnight();
    void check_shutdown_done();
    void release_blocked();
    /// Stop instances layer by layer: dependents first, each layer once the one before has no
    /// process left. `shutdown`: never restarts, also ends waiting/starting instances.
    void stop_in_order(const std::vector<instance *> &v, bool shutdown);
    void advance_stop_plans();
    void forget_pending_stops(const std::vector<instance *> &v);
    instance *find_instance(std::string_view name);
    /// Dependencies with `changed` (new specs, or replacing the apps of the same names) in place:
    /// unknown names (not those already dangling before) and cycles are errors.
    status check_deps(std::span<const app_spec> changed);
    /// The dependency depth of every app (0: none): starts go up, stops go down.
    std::map<std::string, int> dep_depth() const;
    /// Install a validated spec (update, apply); restarts what the change needs.
    int replace_spec(app &a, app_spec next);
    result<int> for_each_instance(std::string_view target, input in, const char *reason);

    context &ctx_;
    std::vector<std::unique_ptr<app>> apps_;
    uv_timer_t *stats_timer_ = nullptr;
    uv_timer_t *midnight_timer_ = nullptr;
    uv_timer_t *autosave_timer_ = nullptr;
    uv_timer_t *reaper_timer_ = nullptr;
    bool dirty_ = false;
    bool shutting_down_ = false;
    std::function<void()> shutdown_done_;
    bool releasing_ = false;
    host_sample last_host_; // the previous host sample: CPU % is measured between two calls
    std::vector<std::unique_ptr<app>> graveyard_; // removed apps waiting for their processes to end
    std::vector<std::unique_ptr<instance>> parked_; // instances removed by a scale-down, still stopping
    struct stop_plan {
        std::vector<std::vector<std::string>> layers; // instance names, dependents first
        bool issued = false;                          // the front layer has been told to stop
        bool shutdown = false;
    };
    std::deque<stop_plan> stop_plans_;
    bool advancing_ = false;
    void schedule_reaper();
};

/// Replace `path` with `data`: temp file, fsync, rename, fsync of the directory.
status write_atomically(const std::string &path, const std::string &data, unsigned mode);

/// Allocate a uv handle whose memory is freed by its close callback.
template <class H> H *new_handle() { return new H{}; }
void close_handle(uv_handle_t *h);
template <class H> void close_handle(H *&h) {
    if (h != nullptr) {
        close_handle(reinterpret_cast<uv_handle_t *>(h));
        h = nullptr;
    }
}

} // namespace alter::detail
