// SPDX-License-Identifier: MIT
// alter ecosystem start|stop|restart|delete|check <file>, and `alter start <file>`.
#include "commands.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

#include "alter/json.hpp"
#include "libalter_dl.hpp"
#include "start_spec.hpp"

namespace alter::cli {

namespace {

constexpr size_t max_file = 8 * 1024 * 1024;

bool read_file(const std::string &path, std::string &out, std::string &err) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err = path + ": " + std::strerror(errno);
        return false;
    }
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0 && out.size() <= max_file) out.append(buf, static_cast<size_t>(n));
    int e = errno;
    ::close(fd);
    if (n < 0) err = path + ": " + std::strerror(e);
    else if (out.size() > max_file) err = path + ": larger than 8 MiB";
    return err.empty();
}

std::string base_of(const std::string &p) {
    size_t s = p.rfind('/');
    return s == std::string::npos ? p : p.substr(s + 1);
}

// The request body naming the file: its absolute path for the local daemon (which reads it and
// resolves relative cwds against its directory), its content for a remote one.
std::string file_body(const session &s, const std::string &file, const std::string &content) {
    std::string out;
    alter::json::writer w(out);
    w.begin_object();
    if (s.remote()) w.field("content", content).field("filename", base_of(file));
    else w.field("path", absolute_path(file, current_dir()));
    w.end_object();
    return out;
}

void print_warnings(session &s, const std::string &file, const jvalue &doc) {
    for (const auto &w : doc.list("warnings"))
        if (w.is_string()) s.warn("%s: %s", file.c_str(), w.s.c_str());
}

std::string join(const std::vector<jvalue> &list) {
    std::string out;
    for (const auto &v : list)
        if (v.is_string()) out += (out.empty() ? "" : ", ") + v.s;
    return out;
}

// The instances of `apps` once none is starting or stopping (or after `wait_ms`).
int settled(session &s, const std::vector<std::string> &apps, int64_t wait_ms, std::vector<jvalue> &mine) {
    int64_t deadline = now_ms() + wait_ms;
    for (;;) {
        jvalue all;
        if (int rc = s.api_json("GET", "/api/v1/processes", {}, all); rc != exit_ok) return rc;
        mine.clear();
        bool busy = false;
        for (const auto &i : all.list("processes"))
            if (std::find(apps.begin(), apps.end(), i.str("app")) != apps.end()) {
                mine.push_back(i);
                busy |= i.str("status") == "starting" || i.str("status") == "stopping";
            }
        if (!busy || now_ms() > deadline) return exit_ok;
        struct timespec ts {0, 25'000'000L};
        nanosleep(&ts, nullptr);
    }
}

int check(session &s, const std::string &file) {
    std::string content, err;
    if (!read_file(file, content, err)) return s.fail(exit_error, "cannot read %s", err.c_str());
    const libalter_api *lib = load_libalter(err);
    if (lib == nullptr) return s.fail(exit_error, "%s", err.c_str());
    std::string abs = absolute_path(file, current_dir());
    std::string dir = abs.substr(0, std::max<size_t>(1, abs.rfind('/')));
    alter_config_options_t o = ALTER_CONFIG_OPTIONS_INIT;
    o.filename = file.c_str();
    o.base_dir = dir.c_str();
    char *js = nullptr;
    int n = lib->config_parse(content.data(), content.size(), &o, &js);
    if (n < 0) {
        std::string ej = lib->last_error_json();
        if (s.json) session::print_raw("{\"error\":" + ej + "}");
        jvalue e;
        std::string perr, out;
        if (!json_parse(ej, e, perr)) e = jvalue();
        std::string msg = strip_hint(std::string(e.str("message", lib->last_error())), e.str("hint"));
        styled(out, s.color_err(), style::bold, file);
        if (int64_t line = e.num("line"); line > 0) appendf(out, ":%lld:%lld", static_cast<long long>(line), static_cast<long long>(e.num("column")));
        out += ": ";
        styled(out, s.color_err(), style::bold_red, "error:");
        out += " " + msg + "\n";
        if (auto hint = e.str("hint"); !hint.empty()) out += "  hint: " + std::string(hint) + "\n";
        write_err(out);
        return exit_error;
    }
    std::string text = js != nullptr ? js : "{}";
    lib->free(js);
    if (s.json) {
        session::print_raw(text);
        return exit_ok;
    }
    jvalue doc;
    if (!json_parse(text, doc, err)) return s.fail(exit_error, "unexpected answer from libalter: %s", err.c_str());
    print_warnings(s, file, doc);
    std::string names;
    for (const auto &a : doc.list("apps")) names += (names.empty() ? "" : ", ") + std::string(a.str("name"));
    std::string out;
    appendf(out, "%s: ok, %d app%s%s%s\n", file.c_str(), n, n == 1 ? "" : "s", names.empty() ? "" : ": ", names.c_str());
    write_out(out);
    return exit_ok;
}

// stop / restart / delete: {"apps":[{"name","ok","error"}],"affected":N}
int act(session &s, const std::string &verb, const std::string &file) {
    std::string content, err;
    if (s.remote() && !read_file(file, content, err)) return s.fail(exit_error, "cannot read %s", err.c_str());
    jvalue doc;
    alter::net::client_response r;
    if (int rc = s.api("POST", "/api/v1/ecosystem/" + verb, file_body(s, file, content), r); rc != exit_ok) return rc;
    if (s.json) {
        session::print_raw(r.body);
        return exit_ok;
    }
    if (!json_parse(r.body, doc, err)) return s.fail(exit_error, "unexpected answer from the daemon: %s", err.c_str());
    std::string done = verb == "stop" ? "stopped" : verb == "restart" ? "restarted" : "deleted";
    int rc = exit_ok;
    std::string out;
    if (verb != "delete") {
        std::vector<std::string> apps;
        std::vector<jvalue> mine;
        for (const auto &a : doc.list("apps")) apps.emplace_back(a.str("name"));
        if (int e = settled(s, apps, 15000, mine); e != exit_ok) return e;
    }
    for (const auto &a : doc.list("apps")) {
        if (a.flag("ok")) {
            out += done + " " + std::string(a.str("name")) + "\n";
        } else {
            write_out(out);
            out.clear();
            rc = s.fail(exit_error, "%s: %s", std::string(a.str("name")).c_str(), std::string(a.str("error")).c_str());
        }
    }
    write_out(out);
    return rc;
}

} // namespace

int cmd_ecosystem_apply(session &s, const std::string &file) {
    std::string content, err;
    if (s.remote() && !read_file(file, content, err)) return s.fail(exit_error, "cannot read %s", err.c_str());
    std::string body = file_body(s, file, content);
    jvalue applied;
    alter::net::client_response r;
    if (int rc = s.call("POST", "/api/v1/ecosystem", body, r); rc != exit_ok) return rc;
    if (r.status >= 400) return s.report_http_error(r, file);
    if (!json_parse(r.body, applied, err)) return s.fail(exit_error, "unexpected answer from the daemon: %s", err.c_str());
    // The apply started what the file asks for (new apps, stopped or given-up ones, but not a
    // `once` task that already ran and did not change): nothing more to start here.
    if (s.json) {
        session::print_raw(r.body);
        return exit_ok;
    }
    print_warnings(s, file, applied);
    std::string out = file + ":";
    std::vector<std::string> names;
    for (std::string_view part : {"added", "updated", "unchanged"}) {
        const auto &list = applied.list(part);
        appendf(out, " %zu %.*s%s%s;", list.size(), static_cast<int>(part.size()), part.data(), list.empty() ? "" : " ",
                list.empty() ? "" : ("(" + join(list) + ")").c_str());
        for (const auto &n : list)
            if (n.is_string()) names.push_back(n.s);
    }
    out.back() = '\n';
    write_out(out);
    // The table of the file's apps, once they settled.
    std::vector<jvalue> mine;
    if (int rc = settled(s, names, 2000, mine); rc != exit_ok) return rc;
    out.clear();
    if (!mine.empty()) render_instances(out, mine, s.color_out());
    write_out(out);
    return exit_ok;
}

int cmd_ecosystem(session &s, std::string_view, std::span<const std::string> args) {
    static constexpr std::string_view subs[] = {"start", "stop", "restart", "delete", "check"};
    if (args.empty()) return usage_error("ecosystem", "missing command: start, stop, restart, delete or check");
    const std::string &sub = args[0];
    if (std::find(std::begin(subs), std::end(subs), sub) == std::end(subs)) {
        std::string_view hint = did_you_mean(sub, subs);
        if (!hint.empty())
            return usage_error("ecosystem", "unknown command '%s' (did you mean '%.*s'?)", sub.c_str(), static_cast<int>(hint.size()),
                               hint.data());
        return usage_error("ecosystem", "unknown command '%s' (start, stop, restart, delete, check)", sub.c_str());
    }
    std::string cmd = "ecosystem " + sub;
    parsed_args a;
    if (!parse_args(cmd, args.subspan(1), {}, a, 1)) return exit_usage;
    if (a.positionals.empty()) return usage_error(cmd, "missing <file>");
    const std::string &file = a.positionals[0];
    if (sub == "check") return check(s, file);
    if (sub == "start") return cmd_ecosystem_apply(s, file);
    return act(s, sub, file);
}

} // namespace alter::cli
