// SPDX-License-Identifier: MIT
#include "instance.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/json_writer.hpp"
#include "context.hpp"
#include "dotenv.hpp"
#include "spawn.hpp"
#include "supervisor.hpp"

namespace alter::detail {

namespace {

constexpr size_t ring_bytes = 256 * 1024;
constexpr int pipe_grow_size = 1024 * 1024;

int pidfd_signal(int pidfd, int sig) { return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0)); }
int pidfd_open(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

// A process's pidfd turns readable when the process ends.
bool pidfd_ended(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
}

constexpr size_t max_kill_list = 512; // descendants remembered at stop time (each costs an fd until the stop ends)

bool read_file(const std::string &path, std::string &out, int &err) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err = errno;
        return false;
    }
    char buf[8192];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) {
        out.append(buf, static_cast<size_t>(n));
        if (out.size() > 4 * 1024 * 1024) {
            ::close(fd);
            err = EFBIG;
            return false;
        }
    }
    ::close(fd);
    if (n < 0) {
        err = errno;
        return false;
    }
    return true;
}

void set_env(std::vector<std::string> &env, const std::string &key, const std::string &val) {
    for (auto &e : env)
        if (e.size() > key.size() && e[key.size()] == '=' && e.compare(0, key.size(), key) == 0) {
            e = key + "=" + val;
            return;
        }
    env.push_back(key + "=" + val);
}

std::string env_get(const std::vector<std::string> &env, const std::string &key) {
    for (const auto &e : env)
        if (e.size() > key.size() && e[key.size()] == '=' && e.compare(0, key.size(), key) == 0)
            return e.substr(key.size() + 1);
    return {};
}

} // namespace

// ---- output_pipe ---------------------------------------------------------------------------

output_pipe::output_pipe(instance &owner, int fd, uint8_t stream) : owner_(owner), fd_(fd), stream_(stream) {}

output_pipe::~output_pipe() {
    if (pipe_ != nullptr) {
        pipe_->data = nullptr;
        close_handle(pipe_);
    } else if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool output_pipe::start() {
    pipe_ = new_handle<uv_pipe_t>();
    uv_pipe_init(owner_.ctx().loop(), pipe_, 0);
    pipe_->data = this;
    if (uv_pipe_open(pipe_, fd_) != 0 || uv_read_start(reinterpret_cast<uv_stream_t *>(pipe_), on_alloc, on_read) != 0) {
        close_handle(pipe_); // closes fd_ too
        fd_ = -1;
        return false;
    }
    return true;
}

void output_pipe::on_alloc(uv_handle_t *h, size_t, uv_buf_t *buf) {
    auto *self = static_cast<output_pipe *>(h->data);
    // One read buffer per context: reads are processed completely before the next one.
    *buf = uv_buf_init(self->owner_.ctx().read_buf(), static_cast<unsigned>(context::read_buf_size));
}

void output_pipe::on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
    auto *self = static_cast<output_pipe *>(s->data);
    if (self == nullptr) return;
    if (n > 0) {
        self->consume(buf->base, static_cast<size_t>(n));
        return;
    }
    if (n < 0) self->finish(); // UV_EOF or an error: the pipe is done
}

void output_pipe::consume(const char *data, size_t n) {
    // A stream that fills the default pipe buffer gets a bigger one: fewer wake-ups under load.
    if (!grown_ && n >= 64 * 1024) {
        grown_ = true;
        ::fcntl(fd_, F_SETPIPE_SZ, pipe_grow_size);
    }
    owner_.on_lines_begin(stream_);
    splitter_.feed(std::string_view(data, n), [&](std::string_view line) { owner_.on_line(stream_, line); });
    owner_.on_lines_end(stream_);
}

void output_pipe::drain() {
    if (eof_ || pipe_ == nullptr) return;
    char *buf = owner_.ctx().read_buf();
    for (int i = 0; i < 64; ++i) {
        ssize_t n = ::read(fd_, buf, context::read_buf_size);
        if (n > 0) {
            consume(buf, static_cast<size_t>(n));
            continue;
        }
        if (n == 0) finish();
        break; // EAGAIN or error: the rest comes through the loop
    }
}

void output_pipe::finish() {
    if (eof_) return;
    // Flush before marking eof: callbacks run meanwhile may prune finished pipes.
    if (splitter_.pending() > 0) {
        owner_.on_lines_begin(stream_);
        splitter_.flush([&](std::string_view line) { owner_.on_line(stream_, line); });
        owner_.on_lines_end(stream_);
    }
    if (pipe_ != nullptr) {
        pipe_->data = nullptr;
        close_handle(pipe_);
        fd_ = -1;
    }
    eof_ = true;
    owner_.pipe_finished(this);
}

// ---- instance ------------------------------------------------------------------------------

namespace {
std::string instance_name(const app &a, uint32_t index) {
    return a.spec().instances > 1 ? a.spec().name + "-" + std::to_string(index) : a.spec().name;
}
} // namespace

instance::instance(app &owner, uint32_t index, std::string transient_name)
    : app_(owner), index_(index), name_(transient_name.empty() ? instance_name(owner, index) : transient_name),
      log_name_(transient_name.empty() ? std::string() : instance_name(owner, index)),
      ring_(owner.ctx().options().log_ring_lines, transient_name.empty() ? ring_bytes : 16 * 1024) {}

instance::~instance() { close(); }

context &instance::ctx() { return app_.ctx(); }

void instance::close() {
    if (closed_) return;
    closed_ = true;
    cancel_timer();
    close_handle(timer_);
    close_handle(drain_timer_);
    draining_ = false;
    clear_kill_list();
    close_exit_watch();
    if (pidfd_ >= 0) {
        ::close(pidfd_);
        pidfd_ = -1;
    }
    pipes_.clear();
    close_logs();
}

bool instance::idle() const { return pid_ == 0 && !draining_; }

void instance::close_logs() {
    out_file_.reset();
    err_file_.reset();
}

log_file *instance::file(uint8_t stream) {
    // Called for every line: build the path only when the file is first needed (building it per
    // line made a 16 MiB burst cost alterd 137 M instructions instead of 74 M).
    auto &f = stream == ALTER_STREAM_ERR ? err_file_ : out_file_;
    if (f) return f.get();
    std::string dir = app_.log_dir_of(log_name());
    if (dir.empty()) return nullptr;
    f = std::make_unique<log_file>(dir, stream == ALTER_STREAM_ERR ? "err.log" : "out.log");
    return f.get();
}

void instance::emit_state(state from, state to, const char *reason) {
    auto &bus = ctx().bus();
    if (app_.spec().hidden) {
        // Hidden apps (an embedder's own helpers) are not announced; their troubles are recorded.
        if (to == state::crashed || to == state::errored)
            ctx().record(2, name_ + ": " + state_name(to) +
                                (last_exit_.exit_code >= 0 ? " (exit code " + std::to_string(last_exit_.exit_code) + ")"
                                                           : last_exit_.signal > 0 ? " (" + signal_name(last_exit_.signal) + ")" : "") +
                                (last_error_.empty() ? "" : ": " + last_error_));
        if (bus.has_internal_watchers()) { // the library's own waiters (alter_app_wait)
            alter_event_t ev{};
            ev.struct_size = sizeof ev;
            ev.kind = ALTER_EVENT_STATE;
            ev.time_ms = wall_ms();
            ev.app = app_.name().c_str();
            ev.instance = name_.c_str();
            ev.ns = app_.spec().ns.c_str();
            ev.from = static_cast<int32_t>(from);
            ev.to = static_cast<int32_t>(to);
            ev.reason = reason;
            ev.json = "{}";
            bus.emit(ev, true);
        }
    } else if (bus.has_event_watchers()) {
        alter_event_t ev{};
        ev.struct_size = sizeof ev;
        ev.kind = ALTER_EVENT_STATE;
        ev.time_ms = wall_ms();
        ev.app = app_.name().c_str();
        ev.instance = name_.c_str();
        ev.ns = app_.spec().ns.c_str();
        ev.from = static_cast<int32_t>(from);
        ev.to = static_cast<int32_t>(to);
        ev.pid = pid_ > 0 ? pid_ : ((to == state::exited || to == state::crashed || from == state::stopping) ? last_pid_ : 0);
        ev.exit_code = (to == state::exited || to == state::crashed || from == state::stopping) ? last_exit_.exit_code : -1;
        ev.signal = (to == state::exited || to == state::crashed || from == state::stopping) ? last_exit_.signal : 0;
        ev.restarts = restarts_;
        ev.reason = reason;
        std::string js;
        json::writer w(js);
        w.begin_object()
            .field("type", "state")
            .field("time_ms", static_cast<long long>(ev.time_ms))
            .field("app", app_.name())
            .field("instance", name_)
            .field("namespace", app_.spec().ns)
            .field("from", state_name(from))
            .field("to", state_name(to))
            .field("pid", ev.pid)
            .field("restarts", restarts_)
            .field("reason", reason);
        if (ev.exit_code >= 0) w.field("exit_code", ev.exit_code);
        if (ev.signal > 0) w.field("signal", signal_name(ev.signal));
        if (to == state::waiting && pending_delay_ms_ > 0) w.field("delay_ms", static_cast<long long>(pending_delay_ms_));
        if (to == state::errored && !last_error_.empty()) w.field("error", last_error_);
        if (app_.next_run_ms > 0) w.field("next_run", static_cast<long long>(app_.next_run_ms));
        if (app_.last_run_ms > 0) w.field("last_run", static_cast<long long>(app_.last_run_ms));
        w.end_object();
        ev.json = js.c_str();
        bus.emit(ev);
    }
    app_.sup().instance_changed(*this, from, to);
}

bool instance::feed(input in, const char *reason) {
    transition t = fsm_step(state_, in, after_);
    if (!t.valid) return false;
    state from = state_;
    if (t.actions & act_after_start) after_ = after_stop::start;
    if (t.actions & act_after_stay) after_ = after_stop::stay_stopped;
    if (t.actions & act_after_disable) after_ = after_stop::disable;
    if (t.actions & act_cancel_timer) cancel_timer();
    if (t.actions & act_reset_counters) reset_counters();
    state_ = t.next;
    if (from != state_) emit_state(from, state_, reason);
    do_actions(t.actions, reason);
    return true;
}

bool instance::user_restart(const char *reason) {
    state before = state_;
    if (!feed(input::restart, reason)) return false;
    if (before != state::starting) ++restarts_;
    return true;
}

void instance::do_actions(uint32_t actions, const char *reason) {
    if (actions & act_signal) {
        // Remember the whole tree now (as pidfds: a recycled pid is never hit): descendants that
        // left the group still get the signal.
        if (pid_ > 0) {
            clear_kill_list();
            for (pid_t d : descendants(pid_, max_kill_list))
                if (int fd = pidfd_open(d); fd >= 0) kill_list_.push_back(fd);
        }
        signal_group(app_.spec().stop_signal);
    }
    if (actions & act_arm_kill) arm_timer(app_.spec().kill_timeout_ms);
    if (actions & act_kill) signal_group(SIGKILL);
    if (actions & act_arm_backoff) arm_timer(pending_delay_ms_);
    if (actions & act_spawn) do_spawn(reason);
}

void instance::reset_counters() {
    history_.reset();
    restarts_ = 0;
}

void instance::shutdown_stop() {
    after_ = after_stop::stay_stopped;
    if (state_ == state::running) {
        feed(input::stop, "shutdown");
    } else if (state_ == state::starting || state_ == state::waiting) {
        cancel_timer();
        if (pid_ == 0) {
            state from = state_;
            state_ = state::stopped;
            emit_state(from, state_, "shutdown");
        }
    }
}

void instance::spawn_if_starting() {
    if (state_ == state::starting && pid_ == 0) do_spawn("dependencies ready");
}

void instance::do_spawn(const char *reason) {
    const app_spec &spec = app_.spec();
    auto &sup = app_.sup();
    if (sup.shutting_down()) {
        state from = state_;
        state_ = state::stopped;
        emit_state(from, state_, "shutdown");
        return;
    }
    if (std::string waiting; !sup.deps_ready(app_, &waiting)) {
        last_error_ = "waiting for " + waiting;
        feed(input::deps_blocked, "waiting for dependencies");
        return;
    }
    last_error_.clear();
    auto fail = [&](const std::string &msg) {
        last_error_ = msg;
        ctx().record(3, name_ + ": " + msg);
        feed(input::spawn_failed, "spawn failed");
    };

    // Environment: inherited, then env_file (re-read now, so removed keys disappear), then env.
    std::vector<std::string> env = sup.base_env();
    std::string cwd = spec.cwd;
    if (!spec.env_file.empty()) {
        std::string path = spec.env_file[0] == '/' || cwd.empty() ? spec.env_file : cwd + "/" + spec.env_file;
        std::string text;
        int err = 0;
        if (!read_file(path, text, err)) return fail("cannot read env_file " + path + ": " + std::strerror(err));
        auto pairs = parse_dotenv(text);
        if (!pairs) return fail(path + ": " + pairs.err().message);
        for (auto &[k, v] : *pairs) set_env(env, k, v);
    }
    for (const auto &[k, v] : spec.env) set_env(env, k, v);
    set_env(env, "ALTER_APP_NAME", spec.name);
    set_env(env, "ALTER_INSTANCE", std::to_string(index_));
    set_env(env, "ALTER_INSTANCE_NAME", name_);
    set_env(env, "ALTER_NAMESPACE", spec.ns);

    spawn_request req;
    if (!spec.user.empty() || !spec.group.empty()) {
        auto ids = lookup_user(spec.user, spec.group); // not root: only its own ids
        if (!ids) return fail(ids.err().message);
        req.set_ids = ids->change;
        req.uid = ids->uid;
        req.gid = ids->gid;
        req.groups = ids->groups;
        if (!spec.user.empty()) {
            set_env(env, "HOME", ids->home);
            set_env(env, "USER", ids->name);
            set_env(env, "LOGNAME", ids->name);
            if (!ids->shell.empty()) set_env(env, "SHELL", ids->shell);
        }
    }
    auto path = resolve_command(spec.command, env_get(env, "PATH"), cwd);
    if (!path) return fail(path.err().message);

    prune_pipes();
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    if (auto st = make_output_pipe(out); !st) return fail(st.err().message);
    if (auto st = make_output_pipe(err); !st) {
        ::close(out[0]);
        ::close(out[1]);
        return fail(st.err().message);
    }
    req.path = std::move(*path);
    req.argv.reserve(spec.args.size() + 1);
    req.argv.push_back(spec.command);
    req.argv.insert(req.argv.end(), spec.args.begin(), spec.args.end());
    req.envp = std::move(env);
    req.cwd = cwd;
    req.nofile_soft = ctx().options().child_nofile_soft;
    req.stdout_fd = out[1];
    req.stderr_fd = err[1];
    auto r = spawn_process(req);
    ::close(out[1]);
    ::close(err[1]);
    if (!r) {
        ::close(out[0]);
        ::close(err[0]);
        return fail(r.err().message);
    }
    pid_ = r->pid;
    group_ = r->pid;
    pidfd_ = r->pidfd;
    started_mono_ms_ = mono_ms();
    started_wall_ms_ = wall_ms();
    cpu_ticks_ = 0;
    cpu_sample_mono_ = 0;
    cpu_percent_ = 0;
    memory_bytes_ = 0;
    for (auto [fd, stream] : {std::pair{out[0], ALTER_STREAM_OUT}, std::pair{err[0], ALTER_STREAM_ERR}}) {
        auto p = std::make_unique<output_pipe>(*this, fd, static_cast<uint8_t>(stream));
        if (p->start()) pipes_.push_back(std::move(p));
    }
    exit_poll_ = new_handle<uv_poll_t>();
    uv_poll_init(ctx().loop(), exit_poll_, pidfd_);
    exit_poll_->data = this;
    uv_poll_start(exit_poll_, UV_READABLE, &instance::on_exit_poll);
    if (spec.type != app_type::daemon) app_.record_run_start(*this, reason);
    feed(input::spawned, reason);
}

void instance::on_exit_poll(uv_poll_t *h, int, int) {
    auto *self = static_cast<instance *>(h->data);
    if (self != nullptr) self->reap();
}

void instance::reap() {
    if (pidfd_ < 0) return;
    siginfo_t si{};
    int r = ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd_), &si, WEXITED | WNOHANG);
    if (r != 0 && errno == EINTR) return;
    if (r == 0 && si.si_pid == 0) return; // not yet
    int code = -1, sig = 0;
    if (r == 0) {
        if (si.si_code == CLD_EXITED) code = si.si_status;
        else sig = si.si_status;
    } else if (errno != ECHILD) {
        return;
    }
    // ECHILD: someone else waited for our child (the host called waitpid(-1)); the status is
    // lost, but the process is gone: treat it as a crash with an unknown code.
    handle_exit(code, sig);
}

void instance::on_reaped(int code, int sig) {
    if (pid_ > 0) handle_exit(code, sig);
}

void instance::handle_exit(int code, int sig) {
    close_exit_watch();
    if (pidfd_ >= 0) {
        ::close(pidfd_);
        pidfd_ = -1;
    }
    // Lines written before the exit come before its event.
    for (auto &p : pipes_) p->drain();
    prune_pipes();
    int64_t now = mono_ms();
    last_exit_.exit_code = code;
    last_exit_.signal = sig;
    last_exit_.uptime_ms = now - started_mono_ms_;
    last_exit_wall_ms_ = wall_ms();
    last_pid_ = pid_;
    pid_ = 0;
    started_wall_ms_ = 0;
    cpu_percent_ = 0;
    memory_bytes_ = 0;
    if (app_.spec().type != app_type::daemon) app_.record_run_end(*this);

    if (state_ == state::stopping) {
        // The stop ends when the whole group is gone: descendants that outlive the leader get the
        // rest of kill_timeout_ms to finish, then SIGKILL (no orphan survives a stop).
        // Members are found by their group (a re-parented orphan is no descendant any more) and
        // watched through pidfds: a zombie nobody reaps does not count, a recycled pid is not hit.
        if (group_ > 0 && kill_list_.size() < max_kill_list && (::kill(-group_, 0) == 0 || errno == EPERM))
            for (pid_t m : group_members(group_, static_cast<uint32_t>(max_kill_list - kill_list_.size())))
                if (int fd = pidfd_open(m); fd >= 0) kill_list_.push_back(fd);
        if (group_alive()) return start_drain();
        clear_kill_list();
        feed(input::stopped_exit, "stopped");
        return;
    }
    clear_kill_list();
    if (state_ != state::running) return;
    feed(last_exit_.clean() ? input::proc_exit_clean : input::proc_exit_fail, last_exit_.clean() ? "exit" : "crash");
    if (state_ != state::exited && state_ != state::crashed) return; // a watcher changed it
    verdict v = decide_restart(app_.spec(), history_, last_exit_, wall_ms());
    pending_delay_ms_ = v.delay_ms;
    switch (v.kind) {
    case verdict_kind::final: feed(input::decide_final, "done"); break;
    case verdict_kind::now:
        ++restarts_;
        feed(input::decide_now, "restart");
        break;
    case verdict_kind::later:
        ++restarts_;
        feed(input::decide_later, "backoff");
        break;
    case verdict_kind::give_up:
        last_error_ = "gave up after " + std::to_string(app_.spec().max_restarts) + " restarts within " +
                      std::to_string(app_.spec().restart_window_ms / 1000) + " s";
        feed(input::decide_give_up, "too many restarts");
        break;
    case verdict_kind::schedule: feed(input::decide_schedule, "scheduled"); break;
    }
}

void instance::signal_group(int sig) {
    pid_t group = pid_ > 0 ? pid_ : draining_ ? group_ : 0;
    if (group <= 0) return;
    // The group first (setpgid made the child its leader; a group id is not reused while the
    // group has members), then the leader through its pidfd, then descendants seen at stop time
    // that left the group (pidfds too).
    ::kill(-group, sig);
    if (pidfd_ >= 0) pidfd_signal(pidfd_, sig);
    for (int fd : kill_list_) pidfd_signal(fd, sig);
}

bool instance::group_alive() {
    for (int fd : kill_list_)
        if (!pidfd_ended(fd)) return true;
    return false;
}

void instance::clear_kill_list() {
    for (int fd : kill_list_) ::close(fd);
    kill_list_.clear();
}

void instance::start_drain() {
    draining_ = true;
    if (drain_timer_ == nullptr) {
        drain_timer_ = new_handle<uv_timer_t>();
        uv_timer_init(ctx().loop(), drain_timer_);
        drain_timer_->data = this;
    }
    // The members are not our children: nothing tells us when they end. Look again soon, then
    // less often; the kill timer keeps running and ends it with SIGKILL.
    drain_poll_ms_ = 5;
    uv_timer_start(drain_timer_, &instance::on_drain_timer, static_cast<uint64_t>(drain_poll_ms_), 0);
}

void instance::on_drain_timer(uv_timer_t *t) {
    if (auto *self = static_cast<instance *>(t->data); self != nullptr) self->drain_tick();
}

void instance::drain_tick() {
    if (!draining_) return;
    // Re-parented members are our children when we are a subreaper: reap them so that a
    // zombie does not count as a member.
    if (ctx().options().flags & ALTER_CONTEXT_REAP_ALL) app_.sup().reap_all();
    if (group_alive()) {
        drain_poll_ms_ = std::min<int64_t>(drain_poll_ms_ * 2, 100);
        uv_timer_start(drain_timer_, &instance::on_drain_timer, static_cast<uint64_t>(drain_poll_ms_), 0);
        return;
    }
    draining_ = false;
    clear_kill_list();
    feed(input::stopped_exit, "stopped");
}

void instance::on_timer(uv_timer_t *t) {
    auto *self = static_cast<instance *>(t->data);
    if (self == nullptr) return;
    if (self->state_ == state::stopping) self->feed(input::kill_timer, "kill timeout");
    else if (self->state_ == state::waiting) self->feed(input::backoff_timer, "backoff over");
}

void instance::arm_timer(int64_t ms) {
    if (timer_ == nullptr) {
        timer_ = new_handle<uv_timer_t>();
        uv_timer_init(ctx().loop(), timer_);
        timer_->data = this;
    }
    uv_update_time(ctx().loop()); // the cached loop time may be stale: delays count from now
    uv_timer_start(timer_, &instance::on_timer, static_cast<uint64_t>(ms < 0 ? 0 : ms), 0);
}

void instance::cancel_timer() {
    if (timer_ != nullptr) uv_timer_stop(timer_);
}

void instance::close_exit_watch() {
    if (exit_poll_ != nullptr) {
        exit_poll_->data = nullptr;
        close_handle(exit_poll_);
    }
}

void instance::pipe_finished(output_pipe *) {
    // The object stays in pipes_ (its handle is closed) until the next prune: freeing it here
    // would free it inside its own callback.
}

void instance::prune_pipes() {
    std::erase_if(pipes_, [](const std::unique_ptr<output_pipe> &p) { return p->eof(); });
}

// ---- log lines -----------------------------------------------------------------------------

void instance::on_lines_begin(uint8_t) {
    batch_wall_ms_ = wall_ms();
    batch_stamp_ = nullptr;
}

void instance::on_line(uint8_t stream, std::string_view text) {
    static thread_local stamp_cache stamps;
    if (batch_stamp_ == nullptr) batch_stamp_ = stamps.format(batch_wall_ms_);
    if (log_file *f = file(stream)) f->add(ctx().scratch(), batch_stamp_, text, batch_wall_ms_, app_.policy());
    ring_.push(batch_wall_ms_, stream, text);
    auto &bus = ctx().bus();
    if (bus.has_log_watchers()) {
        alter_log_line_t l{};
        l.struct_size = sizeof l;
        l.stream = stream;
        l.time_ms = batch_wall_ms_;
        l.app = app_.name().c_str();
        l.instance = name_.c_str();
        l.text = text.data();
        l.len = text.size();
        l.ns = app_.spec().ns.c_str();
        bus.emit_log(l);
    }
}

void instance::on_lines_end(uint8_t stream) {
    if (log_file *f = file(stream)) {
        f->commit(ctx().scratch());
        if (auto e = f->take_error(); !e.empty()) ctx().record(3, name_ + ": " + e);
    }
}

// ---- status --------------------------------------------------------------------------------

void instance::sample_stats(int64_t now_mono) {
    if (pid_ <= 0) return;
    tree_sample s = sample_tree(pid_);
    if (!s.ok) return;
    if (cpu_sample_mono_ > 0) cpu_percent_ = detail::cpu_percent(cpu_ticks_, s.cpu_ticks, now_mono - cpu_sample_mono_);
    else cpu_percent_ = detail::cpu_percent(0, s.cpu_ticks, now_mono - started_mono_ms_);
    cpu_ticks_ = s.cpu_ticks;
    cpu_sample_mono_ = now_mono;
    memory_bytes_ = s.rss_bytes;
}

void instance::write_status(json::writer &w, int64_t now_wall, bool fresh_stats) {
    const app_spec &spec = app_.spec();
    if (fresh_stats && pid_ > 0) {
        int64_t now = mono_ms();
        if (now - cpu_sample_mono_ >= 1000) sample_stats(now);
    }
    w.begin_object();
    w.field("name", name_);
    w.field("app", spec.name);
    w.field("instance", index_);
    w.field("namespace", spec.ns);
    w.field("status", state_name(state_));
    w.field("pid", static_cast<int>(pid_));
    w.field("restarts", restarts_);
    w.field("uptime_ms", static_cast<long long>(pid_ > 0 && started_wall_ms_ > 0 ? now_wall - started_wall_ms_ : 0));
    if (last_exit_wall_ms_ > 0 && last_exit_.exit_code >= 0) w.field("exit_code", last_exit_.exit_code);
    else w.field_null("exit_code");
    if (last_exit_.signal > 0) w.field("signal", signal_name(last_exit_.signal));
    else w.field_null("signal");
    w.field("cpu_percent", cpu_percent_);
    w.field("memory_bytes", static_cast<unsigned long long>(memory_bytes_));
    w.field("started_at", static_cast<long long>(started_wall_ms_));
    w.field("exited_at", static_cast<long long>(last_exit_wall_ms_));
    w.field("type", to_string(spec.type));
    w.field("enabled", spec.enabled);
    w.field("command", spec.command);
    w.key("args").begin_array();
    for (const auto &a : spec.args) w.value(a);
    w.end_array();
    w.field("cwd", spec.cwd);
    w.field("restart", to_string(spec.restart));
    w.field("watch", app_.watching());
    if (!spec.cron.empty()) w.field("cron", spec.cron);
    if (app_.next_run_ms > 0) w.field("next_run", static_cast<long long>(app_.next_run_ms));
    else w.field_null("next_run");
    if (app_.last_run_ms > 0) w.field("last_run", static_cast<long long>(app_.last_run_ms));
    else w.field_null("last_run");
    if (state_ == state::waiting && timer_ != nullptr && uv_is_active(reinterpret_cast<uv_handle_t *>(timer_)))
        w.field("restart_in_ms", static_cast<long long>(uv_timer_get_due_in(timer_)));
    if (!last_error_.empty()) w.field("error", last_error_);
    w.end_object();
}

} // namespace alter::detail
