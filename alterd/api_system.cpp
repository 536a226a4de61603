// SPDX-License-Identifier: MIT
// /api/v1/system/...: health, stats, save/resurrect/shutdown, paths, settings; /api/v1/cron/next.
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

#include "alter/json.hpp"
#include "alter_build_config.h"
#include "alter_net/json.hpp"
#include "api.hpp"
#include "daemon.hpp"

namespace alterd {

using alter::net::request;
using alter::net::responder;

namespace {

// RSS (bytes) and CPU ticks of this process.
void self_usage(uint64_t &rss, uint64_t &ticks) {
    rss = ticks = 0;
    char buf[1024];
    int fd = ::open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return;
    buf[n] = 0;
    const char *p = std::strrchr(buf, ')');
    if (p == nullptr) return;
    p += 2;
    unsigned long long ut = 0, st = 0;
    long long rss_pages = 0;
    // state(3) ... utime(14) stime(15) ... rss(24)
    std::sscanf(p, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %*u %*u %lld",
                &ut, &st, &rss_pages);
    ticks = ut + st;
    rss = static_cast<uint64_t>(rss_pages) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

std::string read_text(const std::string &path, bool &exists) {
    std::string out;
    exists = false;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return out;
    exists = true;
    char buf[16384];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    ::close(fd);
    return out;
}

// "web": whether alterd supervises the dashboard (not with --no-web), whether it runs (the pid
// in the web.json alter-web writes lives) and its address (web.json's, else the configured one).
void write_web(alter::json::writer &w, const daemon &d) {
    const auto &o = d.options();
    bool exists = false, running = false;
    std::string url;
    if (o.web)
        if (auto info = alter::net::json_object::parse(read_text(d.home().dir + "/web.json", exists))) {
            auto pid = info->get_int_or("pid", 0);
            auto u = info->get_string_or("url", "");
            running = pid && *pid > 0 && (::kill(static_cast<pid_t>(*pid), 0) == 0 || errno == EPERM);
            if (running && u) url = *u;
        }
    if (o.web && url.empty() && o.web_port != 0)
        url = "http://" + (o.web_bind.find(':') != std::string::npos ? "[" + o.web_bind + "]" : o.web_bind) + ":" +
              std::to_string(o.web_port) + "/";
    w.key("web").begin_object().field("enabled", o.web).field("running", running).key("url");
    if (url.empty()) w.null();
    else w.value(url);
    w.end_object();
}

constexpr size_t max_settings = 64 * 1024;
constexpr uint64_t max_cron_from = 253402300799999; // 9999-12-31T23:59:59.999Z

} // namespace

void add_system_routes(alter::net::router &r, daemon &d) {
    r.add("GET", "/api/v1/system/health", [&d](request &, responder res) {
        app_counts n = count_apps(d.ctx());
        int64_t up = now_ms() - d.started_ms();
        std::string out;
        alter::json::writer w(out);
        w.begin_object()
            .field("status", d.shutting_down() ? "stopping" : "ok")
            .field("version", ALTER_VERSION_STRING)
            .field("pid", static_cast<int>(::getpid()))
            .field("uptime_ms", static_cast<long long>(up))
            .field("uptime_secs", static_cast<long long>(up / 1000))
            .field("app_count", n.apps)
            .field("process_count", n.instances)
            .field("running_count", n.running)
            .field("data_dir", d.home().dir);
        write_web(w, d);
        w.end_object();
        res.send(200, std::move(out));
    });

    r.add("GET", "/api/v1/system/stats", [&d](request &, responder res) {
        char *js = nullptr;
        int rc = alter_host_stats(d.ctx(), &js);
        if (rc < 0) return send_lib_error(res, rc);
        uint64_t rss = 0, ticks = 0;
        self_usage(rss, ticks);
        std::string out;
        alter::json::writer w(out);
        std::string host = take_lib_string(js);
        w.begin_object()
            .field_raw("host", host.empty() ? std::string_view("{}") : std::string_view(host))
            .key("daemon")
            .begin_object()
            .field("pid", static_cast<int>(::getpid()))
            .field("rss_bytes", static_cast<unsigned long long>(rss))
            .field("cpu_seconds", static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK)))
            .field("uptime_ms", static_cast<long long>(now_ms() - d.started_ms()))
            .end_object()
            .end_object();
        res.send(200, std::move(out));
    });

    r.add("POST", "/api/v1/system/save", [&d](request &, responder res) {
        int n = alter_state_save(d.ctx(), nullptr);
        if (n < 0) return send_lib_error(res, n);
        std::string out;
        alter::json::writer w(out);
        w.begin_object().field("ok", true).field("saved", n).field("path", d.home().state).end_object();
        res.send(200, std::move(out));
    });

    r.add("POST", "/api/v1/system/resurrect", [&d](request &, responder res) {
        int n = alter_state_load(d.ctx(), nullptr);
        if (n < 0) return send_lib_error(res, n);
        std::string out;
        alter::json::writer w(out);
        w.begin_object().field("ok", true).field("restored", n).end_object();
        res.send(200, std::move(out));
    });

    r.add("POST", "/api/v1/system/shutdown", [&d](request &, responder res) {
        res.send(202, R"({"ok":true,"shutting_down":true})");
        d.shutdown("shutdown requested through the API");
    });

    r.add("GET", "/api/v1/system/paths", [&d](request &, responder res) {
        std::string out;
        alter::json::writer w(out);
        w.begin_object()
            .field("data_dir", d.home().dir)
            .field("log_dir", d.home().logs)
            .field("socket", d.home().socket)
            .field("state", d.home().state)
            .field("daemon_log", d.home().daemon_log)
            .end_object();
        res.send(200, std::move(out));
    });

    // Dashboard settings (theme, view, tail size...): a free-form JSON object kept in
    // settings.json, so they follow the user from browser to browser.
    r.add("GET", "/api/v1/system/settings", [&d](request &, responder res) {
        bool exists = false;
        std::string text = read_text(d.home().settings, exists);
        if (!exists || !alter::net::json_object::parse(text)) text = "{}";
        res.send(200, std::move(text));
    });
    r.add("PUT", "/api/v1/system/settings", [&d](request &req, responder res) {
        if (req.body().size() > max_settings)
            return res.send_error("payload_too_large", "settings are limited to 64 KiB");
        auto body = read_body(req, res);
        if (!body) return;
        std::string text = body->raw() + "\n";
        if (int rc = alter_write_file_atomic(d.home().settings.c_str(), text.data(), text.size(), 0600); rc < 0)
            return send_lib_error(res, rc);
        res.send(200, body->raw());
    });

    // The next fire times of a cron expression (?expr=&n=&from=unix_ms).
    r.add("GET", "/api/v1/cron/next", [](request &req, responder res) {
        auto expr = req.query().get("expr");
        if (!expr || expr->empty()) return res.send_error("bad_request", "expr: required");
        bool bad = false;
        auto n = query_uint(req, "n", bad);
        auto from = query_uint(req, "from", bad);
        if (bad || (n && (*n == 0 || *n > 1000)) || (from && *from > max_cron_from))
            return res.send_error("bad_request", "n: 1 to 1000; from: unix ms up to year 9999");
        std::vector<int64_t> times(n ? *n : 5);
        std::string e(*expr);
        int got = alter_cron_next(e.c_str(), from ? static_cast<int64_t>(*from) : now_ms(), static_cast<uint32_t>(times.size()),
                                  times.data());
        if (got < 0) return send_lib_error(res, got, lib_input::body);
        std::string out;
        alter::json::writer w(out);
        w.begin_object().field("expr", e).key("next").begin_array();
        for (int i = 0; i < got; ++i) w.value(static_cast<long long>(times[static_cast<size_t>(i)]));
        w.end_array().end_object();
        res.send(200, std::move(out));
    });
}

} // namespace alterd
