// SPDX-License-Identifier: MIT
#include "daemon.hpp"

#include <cerrno>
#include <cstdlib>
#include <csignal>
#include <sys/resource.h>
#include <cstring>
#include <ctime>
#include <sys/prctl.h>
#include <unistd.h>

#include "alter/json.hpp"
#include "alter_build_config.h"

namespace alterd {

namespace {
int64_t now_ms() {
    struct timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}
} // namespace

daemon::daemon(daemon_options opts) : opts_(std::move(opts)) {}

daemon::~daemon() {
    server_.reset();
    alter_context_free(ctx_);
    alter_logfile_close(log_);
}

void daemon::log(std::string_view line) {
    flush_log();
    if (log_ != nullptr) (void)alter_logfile_write(log_, line.data(), line.size());
}

void daemon::flush_log() {
    if (log_ != nullptr)
        for (const auto &l : pending_log_) (void)alter_logfile_write(log_, l.data(), l.size());
    pending_log_.clear();
}

void daemon::on_log_flush(uv_timer_t *t) { static_cast<daemon *>(t->data)->flush_log(); }

void daemon::ready(std::string_view message) {
    if (opts_.ready_fd < 0) return;
    std::string m(message);
    m.push_back('\n');
    (void)!::write(opts_.ready_fd, m.data(), m.size());
    ::close(opts_.ready_fd);
    opts_.ready_fd = -1;
}

void daemon::on_event(const alter_event_t &e) {
    history_.record(e);
    if (e.kind != ALTER_EVENT_STATE) return;
    // The daemon log keeps what an operator needs afterwards: crashes, give-ups, spawn errors.
    if (e.to != ALTER_STATE_CRASHED && e.to != ALTER_STATE_ERRORED) return;
    auto *h = reinterpret_cast<uv_handle_t *>(&log_flush_);
    if (log_flush_.data == nullptr || uv_is_closing(h)) return log(std::string("event ") + e.json);
    pending_log_.push_back(std::string("event ") + e.json);
    if (!uv_is_active(h)) uv_timer_start(&log_flush_, on_log_flush, 0, 0);
}

int daemon::run() {
    started_ms_ = now_ms();
    if (alter_logfile_open(opts_.home.daemon_log.c_str(), 10u * 1024 * 1024, 3, &log_) < 0) log_ = nullptr;

    // Re-parented grandchildren come to us, not to init: we reap them (see ALTER_CONTEXT_REAP_ALL).
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    // libuv writes with write(2): a client hanging up must not kill the daemon.
    ::signal(SIGPIPE, SIG_IGN);
    // Each instance holds three descriptors (stdout and stderr pipes, a pidfd) and its log files:
    // raise the soft open-files limit to the hard one (epoll has no FD_SETSIZE), and give the
    // children the limit we were started with.
    // As root the hard limit may go up too (as systemd does for itself), to 2^20 (fs.nr_open's
    // default).
    uint64_t child_nofile = 0;
    if (struct rlimit rl{}; ::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rlim_t was = rl.rlim_cur;
        constexpr rlim_t root_max = rlim_t{1} << 20;
        struct rlimit want{root_max, root_max};
        bool raised = ::geteuid() == 0 && rl.rlim_max < root_max && ::setrlimit(RLIMIT_NOFILE, &want) == 0;
        if (!raised && rl.rlim_cur < rl.rlim_max) {
            rl.rlim_cur = rl.rlim_max;
            raised = ::setrlimit(RLIMIT_NOFILE, &rl) == 0;
        }
        if (raised) child_nofile = was;
    }

    alter_context_options_t o = ALTER_CONTEXT_OPTIONS_INIT;
    o.child_nofile_soft = child_nofile;
    o.flags = ALTER_CONTEXT_CALLER_THREAD | ALTER_CONTEXT_REAP_ALL;
    o.log_dir = opts_.home.logs.c_str();
    o.state_path = opts_.home.state.c_str();
    o.autosave_ms = 200;
    o.stats_interval_ms = 0; // stats_feed samples: on its own period, or while a client asks
    o.on_record = [](int level, const char *msg, void *ud) noexcept {
        static constexpr const char *names[] = {"debug", "info", "warn", "error"};
        try { // no exception may cross back into the library
            static_cast<daemon *>(ud)->log(std::string(names[level & 3]) + " " + (msg != nullptr ? msg : ""));
        } catch (...) {
        }
    };
    o.record_userdata = this;
    if (int rc = alter_context_new(&o, &ctx_); rc < 0) {
        std::string msg = std::string("cannot create the supervisor: ") + alter_last_error();
        log(msg);
        ready(msg);
        return 1;
    }
    loop_ = static_cast<uv_loop_t *>(alter_context_loop(ctx_));
    stats_ = std::make_unique<stats_feed>(ctx_, opts_.stats_interval_ms);
    (void)alter_event_watch(
        ctx_,
        [](const alter_event_t *e, void *ud) noexcept {
            try {
                static_cast<daemon *>(ud)->on_event(*e);
            } catch (...) {
            }
        },
        this, nullptr);

    add_routes();
    alter::net::server_options so;
    // Debug records (one per refused or timed-out connection) would let a client flood daemon.log.
    so.log = [this](alter::net::log_level lvl, std::string_view m) {
        if (lvl != alter::net::log_level::debug) log(std::string("http ") + std::string(m));
    };
    // Only our own user (or root) may talk to us: the socket is 0600 in a 0700 dir; belt and braces.
    uid_t me = ::geteuid();
    server_ = std::make_unique<alter::net::server>(
        loop_,
        [this, me](alter::net::request &req, alter::net::responder res) {
            const auto &peer = req.peer();
            if (peer.kind == alter::net::transport::unix_socket && peer.uid != static_cast<int64_t>(me) && peer.uid != 0)
                return res.send_error("forbidden", "this daemon belongs to another user");
            // Query values reach the C ABI as C strings: a NUL would silently shorten them.
            for (const auto &[k, v] : req.query().items())
                if (k.find('\0') != std::string::npos || v.find('\0') != std::string::npos)
                    return res.send_error("bad_request", "query parameters must not contain NUL bytes");
            router_.dispatch(req, std::move(res));
        },
        so);
    if (int rc = server_->listen_unix(opts_.home.socket); rc < 0) {
        std::string msg = "cannot listen on " + opts_.home.socket + ": " + alter::net::error_text(rc);
        log(msg);
        ready(msg);
        return 1;
    }

    stats_->start(loop_);
    uv_timer_init(loop_, &log_flush_);
    log_flush_.data = this;
    int signums[4] = {SIGTERM, SIGINT, SIGCHLD, SIGHUP};
    for (int i = 0; i < 4; ++i) {
        uv_signal_init(loop_, &signals_[i]);
        signals_[i].data = this;
        uv_signal_start(&signals_[i], on_signal, signums[i]);
    }

    int restored = alter_state_load(ctx_, nullptr);
    if (restored < 0) log(std::string("state.json not restored: ") + alter_last_error());
    if (opts_.web) start_web();
    log("alterd " ALTER_VERSION_STRING " started, pid " + std::to_string(::getpid()) + ", data dir " + opts_.home.dir +
        ", " + std::to_string(restored < 0 ? 0 : restored) + " apps restored");
    ready("ok");

    alter_context_run(ctx_);
    flush_log();
    log("alterd stopped");
    return exit_code_;
}

void daemon::on_signal(uv_signal_t *h, int signum) {
    auto *self = static_cast<daemon *>(h->data);
    switch (signum) {
    case SIGCHLD: alter_context_reap(self->ctx_); break;
    case SIGHUP: self->log("SIGHUP received (nothing to reload: the state is always current)"); break;
    default: self->shutdown(signum == SIGTERM ? "SIGTERM" : "SIGINT");
    }
}

void daemon::shutdown(const char *why) {
    if (shutting_down_) return;
    shutting_down_ = true;
    log(std::string("shutting down: ") + why);
    if (alter_state_save(ctx_, nullptr) < 0) log(std::string("save failed: ") + alter_last_error());
    // Stop taking requests (open streams end), then stop the apps; the loop ends after that.
    server_->close([this] {
        stats_->close();
        flush_log();
        if (!uv_is_closing(reinterpret_cast<uv_handle_t *>(&log_flush_))) uv_close(reinterpret_cast<uv_handle_t *>(&log_flush_), nullptr);
        for (auto &s : signals_)
            if (s.data != nullptr) {
                uv_signal_stop(&s);
                if (!uv_is_closing(reinterpret_cast<uv_handle_t *>(&s))) uv_close(reinterpret_cast<uv_handle_t *>(&s), nullptr);
            }
        alter_context_shutdown(ctx_, nullptr, nullptr);
    });
}

void daemon::add_routes() {
    add_system_routes(router_, *this);
    add_process_routes(router_, *this);
    add_log_routes(router_, *this);
    add_ecosystem_routes(router_, *this);
    add_history_routes(router_, *this);
}

// ---- web: alter-web as a hidden, supervised app ---------------------------------------------

namespace {
// $ALTER_WEB_BIN, else next to alterd (installed), else ../alter-web/alter-web (build tree).
std::string web_binary() {
    if (const char *e = std::getenv("ALTER_WEB_BIN"); e != nullptr && *e != '\0') return e;
    char buf[4096];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return {};
    std::string dir(buf, static_cast<size_t>(n));
    dir.resize(dir.rfind('/'));
    for (const std::string &c : {dir + "/alter-web", dir + "/../alter-web/alter-web"})
        if (::access(c.c_str(), X_OK) == 0) return c;
    return {};
}
} // namespace

void daemon::start_web() {
    std::string bin = web_binary();
    if (bin.empty()) return log("web: alter-web not found next to alterd (set ALTER_WEB_BIN): no dashboard");
    // A hidden app of the main context: supervised like any app (restarted if it dies, stopped at
    // shutdown), but never listed, never reached by "all" or "ns:", never saved. Its crashes
    // reach daemon.log through the library's records.
    std::string spec;
    alter::json::writer w(spec);
    w.begin_object().field("name", "alter-web").field("command", bin).key("args").begin_array();
    for (const std::string &a : {std::string("--home"), opts_.home.dir, std::string("--socket"), opts_.home.socket,
                                 std::string("--port"), std::to_string(opts_.web_port), std::string("--bind"),
                                 opts_.web_bind, std::string("--parent-pid"), std::to_string(::getpid())})
        w.value(a);
    for (const auto &h : opts_.web_allow_hosts) w.value("--allow-host").value(h);
    w.end_array()
        .field("cwd", opts_.home.dir)
        .field("namespace", "alter")
        .field("hidden", true)
        .field("restart", "always")
        .field("restart_delay_ms", 200)
        .field("max_restart_delay_ms", 10000)
        .field("max_restarts", 0)
        .field("kill_timeout_ms", 3000)
        .field("log_max_size", "5MiB")
        .field("log_max_files", 3)
        .end_object();
    if (alter_app_add(ctx_, spec.c_str(), ALTER_ADD_START | ALTER_ADD_UPDATE) < 0)
        return log(std::string("web: cannot start alter-web: ") + alter_last_error());
    log("web: alter-web supervised (" + bin + ", http://" + opts_.web_bind + ":" + std::to_string(opts_.web_port) + "/)");
}

} // namespace alterd
