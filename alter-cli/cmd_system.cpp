// SPDX-License-Identifier: MIT
// alter save | resurrect | stats | web | version.
#include "commands.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alter/json.hpp"
#include "alter_build_config.h"

namespace alter::cli {

namespace {

int stats(session &s) {
    jvalue st;
    alter::net::client_response r;
    if (int rc = s.api("GET", "/api/v1/system/stats", {}, r); rc != exit_ok) return rc;
    if (s.json) {
        session::print_raw(r.body);
        return exit_ok;
    }
    std::string err;
    if (!json_parse(r.body, st, err)) return s.fail(exit_error, "unexpected answer from the daemon: %s", err.c_str());
    jvalue list;
    if (int rc = s.api_json("GET", "/api/v1/processes", {}, list); rc != exit_ok) return rc;
    const jvalue empty;
    const jvalue &h = st.get("host") != nullptr ? *st.get("host") : empty;
    const jvalue &d = st.get("daemon") != nullptr ? *st.get("daemon") : empty;
    bool c = s.color_out();
    std::string out;
    styled(out, c, style::bold, "host\n");
    appendf(out, "  cpu       %.1f%% of %lld cpus, load %.2f %.2f %.2f\n", h.real("cpu_percent"),
            static_cast<long long>(h.num("cpus")), h.real("load"), h.real("load5"), h.real("load15"));
    appendf(out, "  memory    %s used of %s (%s available)\n",
            human_bytes(static_cast<uint64_t>(h.real("mem_used_bytes"))).c_str(),
            human_bytes(static_cast<uint64_t>(h.real("mem_total_bytes"))).c_str(),
            human_bytes(static_cast<uint64_t>(h.real("mem_available_bytes"))).c_str());
    if (h.real("swap_total_bytes") > 0)
        appendf(out, "  swap      %s used of %s\n", human_bytes(static_cast<uint64_t>(h.real("swap_used_bytes"))).c_str(),
                human_bytes(static_cast<uint64_t>(h.real("swap_total_bytes"))).c_str());
    appendf(out, "  uptime    %s\n", human_duration(h.num("uptime_s") * 1000).c_str());
    styled(out, c, style::bold, "alterd\n");
    appendf(out, "  pid       %lld\n", static_cast<long long>(d.num("pid")));
    appendf(out, "  memory    %s\n", human_bytes(static_cast<uint64_t>(d.real("rss_bytes"))).c_str());
    appendf(out, "  cpu time  %.2f s\n", d.real("cpu_seconds"));
    appendf(out, "  uptime    %s\n", human_duration(d.num("uptime_ms")).c_str());
    int running = 0;
    double cpu = 0, mem = 0;
    const auto &procs = list.list("processes");
    for (const auto &p : procs) {
        if (p.str("status") == "running") ++running;
        cpu += p.real("cpu_percent");
        mem += p.real("memory_bytes");
    }
    styled(out, c, style::bold, "apps\n");
    appendf(out, "  instances %zu (%d running)\n", procs.size(), running);
    appendf(out, "  cpu       %.1f%%\n", cpu);
    appendf(out, "  memory    %s\n", human_bytes(static_cast<uint64_t>(mem)).c_str());
    write_out(out);
    return exit_ok;
}

void open_browser(const std::string &url) {
    const char *x = std::getenv("DISPLAY");
    const char *w = std::getenv("WAYLAND_DISPLAY");
    if ((x == nullptr || *x == '\0') && (w == nullptr || *w == '\0')) return;
    // Double fork: xdg-open is never waited for and never becomes our zombie.
    pid_t pid = ::fork();
    if (pid == 0) {
        if (::fork() == 0) {
            ::setsid();
            int null = ::open("/dev/null", O_RDWR);
            if (null >= 0) {
                ::dup2(null, 0);
                ::dup2(null, 1);
                ::dup2(null, 2);
            }
            ::execlp("xdg-open", "xdg-open", url.c_str(), static_cast<char *>(nullptr));
            ::_exit(127);
        }
        ::_exit(0);
    }
    if (pid > 0) (void)::waitpid(pid, nullptr, 0);
}

} // namespace

int cmd_system(session &s, std::string_view cmd, std::span<const std::string> args) {
    parsed_args a;
    if (!parse_args(cmd, args, {}, a, 0)) return exit_usage;
    if (cmd == "stats") return stats(s);
    bool save = cmd == "save";
    jvalue doc;
    alter::net::client_response r;
    if (int rc = s.api("POST", save ? "/api/v1/system/save" : "/api/v1/system/resurrect", "{}", r); rc != exit_ok) return rc;
    if (s.json) {
        session::print_raw(r.body);
        return exit_ok;
    }
    std::string err;
    if (!json_parse(r.body, doc, err)) return s.fail(exit_error, "unexpected answer from the daemon: %s", err.c_str());
    std::string out;
    if (save) {
        appendf(out, "saved %lld app%s to %s\n", static_cast<long long>(doc.num("saved")), doc.num("saved") == 1 ? "" : "s",
                std::string(doc.str("path")).c_str());
        write_out(out);
        return exit_ok;
    }
    appendf(out, "restored %lld app%s\n", static_cast<long long>(doc.num("restored")), doc.num("restored") == 1 ? "" : "s");
    write_out(out);
    return show_target(s, parse_target("all"), 0);
}

namespace {

/// The one-time setup code alter-web writes while no password is set (empty once it is).
std::string read_setup_code(const std::string &home) {
    int fd = ::open((home + "/web-setup-code").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    char buf[128];
    ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    std::string code(buf, n > 0 ? static_cast<size_t>(n) : 0);
    while (!code.empty() && (code.back() == '\n' || code.back() == '\r' || code.back() == ' ')) code.pop_back();
    return code;
}

// The daemon's "web" (GET /system/health): off with --no-web; alter-web is started in the
// background, so give a just started one a moment. Sets `url` when the daemon knows it.
int check_web(session &s, jvalue &health, std::string &url) {
    for (int64_t deadline = now_ms() + 3000;;) {
        const jvalue *web = health.get("web");
        if (web == nullptr) return exit_ok; // an older daemon does not say
        if (!web->flag("enabled")) {
            int rc = s.fail(exit_error, "the dashboard is off (the daemon was started with --no-web)");
            write_err("  hint: restart it with the dashboard: " + s.self_cmd() + " daemon restart\n");
            return rc;
        }
        if (web->flag("running")) {
            url = web->str("url");
            return exit_ok;
        }
        if (now_ms() > deadline)
            return s.fail(exit_error, "the dashboard is not running (see %s daemon logs)", s.self_cmd().c_str());
        sleep_ms(50);
        if (!s.probe(health)) return s.not_running();
    }
}

} // namespace

int cmd_web(session &s, std::string_view cmd, std::span<const std::string> args) {
    parsed_args a;
    if (!parse_args(cmd, args, {}, a, 0)) return exit_usage;
    std::string url, setup_code;
    if (s.remote()) {
        url = s.server;
    } else {
        const char *env_url = std::getenv("ALTER_WEB_URL");
        if (env_url == nullptr || *env_url == '\0') {
            jvalue h;
            if (!s.probe(h)) return s.not_running();
            if (int rc = check_web(s, h, url); rc != exit_ok) return rc;
        }
        if (url.empty()) url = s.web_url();
        setup_code = read_setup_code(s.home());
    }
    if (s.json) {
        std::string out;
        alter::json::writer w(out);
        w.begin_object().field("url", url).key("setup_code");
        if (setup_code.empty()) w.null();
        else w.value(setup_code);
        w.end_object();
        session::print_raw(out);
    } else {
        std::string out = url + "\n";
        if (!setup_code.empty())
            out += "No password is set yet: open the dashboard and choose one. From this machine that is all;\n"
                   "from another machine, enter the one-time setup code " + setup_code + "\n";
        write_out(out);
    }
    open_browser(url);
    return exit_ok;
}

int cmd_version(session &s, std::string_view cmd, std::span<const std::string> args) {
    parsed_args a;
    if (!parse_args(cmd, args, {}, a, 0)) return exit_usage;
    jvalue h;
    bool up = s.probe(h);
    std::string out;
    if (s.json) {
        alter::json::writer w(out);
        w.begin_object().field("alter", ALTER_VERSION_STRING).key("alterd");
        if (up) w.value(h.str("version"));
        else w.null();
        w.end_object();
        session::print_raw(out);
        return exit_ok;
    }
    out = "alter " ALTER_VERSION_STRING "\n";
    if (up) appendf(out, "alterd %s (pid %lld)\n", std::string(h.str("version")).c_str(), static_cast<long long>(h.num("pid")));
    else out += "alterd: not running\n";
    write_out(out);
    return exit_ok;
}

} // namespace alter::cli
