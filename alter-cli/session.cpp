// SPDX-License-Identifier: MIT
#include "session.hpp"

#include <cerrno>
#include <cstdarg>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <unistd.h>

#include "alter/json.hpp"
#include "alter_net/url.hpp"

namespace alter::cli {

std::string resolve_home(const std::string &flag) {
    std::string dir = flag;
    if (dir.empty())
        if (const char *e = std::getenv("ALTER_HOME"); e != nullptr && *e != '\0') dir = e;
    if (dir.empty()) {
        const char *home = std::getenv("HOME");
        if (home == nullptr || *home == '\0') {
            struct passwd *pw = getpwuid(getuid());
            home = pw != nullptr ? pw->pw_dir : "/";
        }
        dir = std::string(home) + "/.alter-pm2";
    }
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    if (!dir.empty() && dir[0] != '/') {
        char cwd[4096];
        if (getcwd(cwd, sizeof cwd) != nullptr) dir = std::string(cwd) + "/" + dir;
    }
    return dir;
}

void session::init() {
    home_ = resolve_home(home_flag);
    color_out_ = want_color(1, no_color);
    color_err_ = want_color(2, no_color);
    if (token.empty())
        if (const char *t = std::getenv("ALTER_TOKEN"); t != nullptr) token = t;
}

std::string session::self_cmd() const {
    std::string s = "alter";
    if (!home_flag.empty()) s += " --home " + shell_quote(home_flag);
    if (remote()) s += " --server " + shell_quote(server);
    return s;
}

alter::net::client &session::client() {
    if (!client_) {
        alter::net::endpoint ep;
        if (remote()) {
            auto p = alter::net::endpoint::parse(server);
            if (p) ep = std::move(*p);
        } else {
            ep = alter::net::endpoint::unix_socket(socket_path());
        }
        client_ = std::make_unique<alter::net::client>(std::move(ep));
    }
    return *client_;
}

alter::net::client_request session::make(std::string_view method, std::string_view target,
                                          std::string_view body) const {
    alter::net::client_request r;
    r.method.assign(method);
    r.target.assign(target);
    if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
        r.body.assign(body);
        r.headers.push_back({"Content-Type", "application/json"});
    }
    if (remote() && !token.empty()) r.headers.push_back({"Authorization", "Bearer " + token});
    return r;
}

int session::call(std::string_view method, std::string_view target, std::string_view body,
                  alter::net::client_response &out) {
    auto r = client().request(make(method, target, body));
    if (!r) return transport_error(r.err());
    out = std::move(*r);
    return exit_ok;
}

int session::api(std::string_view method, std::string_view target, std::string_view body,
                  alter::net::client_response &out) {
    if (int rc = call(method, target, body, out); rc != exit_ok) return rc;
    if (out.status >= 400) return report_http_error(out);
    return exit_ok;
}

int session::api_json(std::string_view method, std::string_view target, std::string_view body, jvalue &out) {
    alter::net::client_response r;
    if (int rc = api(method, target, body, r); rc != exit_ok) return rc;
    std::string err;
    if (!json_parse(r.body, out, err)) return fail(exit_error, "unexpected answer from the daemon: %s", err.c_str());
    return exit_ok;
}

bool session::probe(jvalue &health) {
    auto r = client().request(make("GET", "/api/v1/system/health", {}));
    if (!r || r->status != 200) return false;
    std::string err;
    return json_parse(r->body, health, err);
}

alter::net::result<alter::net::client_response> session::stream(std::string_view target,
                                                                 alter::net::sse_parser::event_fn on_event) {
    alter::net::client_options o;
    o.timeout = std::chrono::milliseconds(0); // a quiet app is not an error; EOF ends the stream
    alter::net::client c(client().where(), o);
    return c.stream_sse(make("GET", target, {}), std::move(on_event));
}

int session::transport_error(const alter::net::error &e) {
    if (alter::net::is_not_running(e)) return not_running();
    return fail(exit_error, "%s", e.message.c_str());
}

int session::report_http_error(const alter::net::client_response &r, std::string_view typed) {
    if (json) print_raw(r.body);
    jvalue doc;
    std::string perr;
    std::string message, field, hint, file;
    int64_t line = 0, column = 0;
    if (json_parse(r.body, doc, perr) && doc.get("error") != nullptr) {
        const jvalue &e = *doc.get("error");
        message = e.str("message");
        field = e.str("field");
        hint = e.str("hint");
        file = e.str("file");
        line = e.num("line");
        column = e.num("column");
    } else {
        message = "HTTP " + std::to_string(r.status) + (r.body.empty() ? "" : ": " + r.body.substr(0, 200));
    }
    if (!typed.empty() && !file.empty()) {
        size_t slash = typed.rfind('/');
        std::string_view base = slash == std::string_view::npos ? typed : typed.substr(slash + 1);
        if (file == base || file == typed || (!typed.empty() && typed[0] != '/' && file.find(typed) != std::string::npos))
            file.assign(typed);
    }
    if (r.status == 401 && hint.empty()) hint = "give the dashboard's API token with --token or ALTER_TOKEN";
    std::string out;
    styled(out, color_err_, style::bold_red, "error:");
    out.push_back(' ');
    if (!file.empty() && line > 0) appendf(out, "%s:%lld:%lld: ", file.c_str(), static_cast<long long>(line),
                                           static_cast<long long>(column));
    if (!field.empty() && message.compare(0, field.size(), field) != 0) out += field + ": ";
    out += strip_hint(message, hint);
    out.push_back('\n');
    if (!hint.empty()) {
        out += "  ";
        styled(out, color_err_, style::dim, "hint:");
        out += " " + hint + "\n";
    }
    write_err(out);
    return exit_error;
}

static void fail_json(int code, const std::string &message) {
    std::string out;
    alter::json::writer w(out);
    w.begin_object().key("error").begin_object();
    w.field("code", code == exit_not_running ? "not_running" : code == exit_usage ? "usage" : "error");
    w.field("message", message).end_object().end_object();
    out.push_back('\n');
    write_out(out);
}

int session::fail(int code, const char *fmt, ...) {
    std::string msg;
    va_list ap;
    va_start(ap, fmt);
    vappendf(msg, fmt, ap);
    va_end(ap);
    if (json) fail_json(code, msg);
    std::string out;
    styled(out, color_err_, style::bold_red, "error:");
    out += " " + msg + "\n";
    write_err(out);
    return code;
}

void session::warn(const char *fmt, ...) {
    std::string out;
    styled(out, color_err_, style::yellow, "warning:");
    out.push_back(' ');
    va_list ap;
    va_start(ap, fmt);
    vappendf(out, fmt, ap);
    va_end(ap);
    out.push_back('\n');
    write_err(out);
}

int session::stopping_pid() const {
    if (remote()) return 0;
    int fd = ::open((home_ + "/alterd.pid").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    // alterd holds an exclusive lock on its pid file for as long as it runs.
    bool locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    char buf[32] = {};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    return locked && n > 0 ? std::atoi(buf) : 0;
}

int session::not_running() {
    std::string msg, hint;
    if (remote()) {
        msg = "cannot reach alter-web at " + server + " (is the daemon running there?)";
    } else if (int pid = stopping_pid(); pid > 0) {
        msg = "the alter daemon is shutting down (pid " + std::to_string(pid) + ", data dir " + home_ + ")";
        hint = "Start it again with: " + self_cmd() + " daemon start (it waits for this one to exit)\n";
    } else {
        msg = "the alter daemon is not running (data dir " + home_ + ")";
        hint = "Start it with: " + self_cmd() + " daemon start\n";
    }
    if (json) fail_json(exit_not_running, msg);
    std::string out;
    styled(out, color_err_, style::bold_red, "error:");
    write_err(out + " " + msg + "\n" + hint);
    return exit_not_running;
}

std::string session::web_url(int default_port) const {
    if (const char *u = std::getenv("ALTER_WEB_URL"); u != nullptr && *u != '\0') return u;
    int fd = ::open((home_ + "/web.json").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        char buf[4096];
        ssize_t n = ::read(fd, buf, sizeof buf);
        ::close(fd);
        jvalue info;
        std::string err;
        if (n > 0 && json_parse(std::string_view(buf, static_cast<size_t>(n)), info, err)) {
            int64_t pid = info.num("pid");
            if (!info.str("url").empty() && pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM))
                return std::string(info.str("url"));
        }
    }
    return "http://127.0.0.1:" + std::to_string(default_port) + "/";
}

void session::print_raw(std::string_view body) {
    if (body.empty() || body.back() != '\n') {
        std::string b(body);
        b.push_back('\n');
        write_out(b);
    } else {
        write_out(body);
    }
}

std::string session::proc_path(std::string_view target, std::string_view suffix) {
    std::string p = "/api/v1/processes/" + alter::net::percent_encode(target);
    p.append(suffix);
    return p;
}

} // namespace alter::cli
