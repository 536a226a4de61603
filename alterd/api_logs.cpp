// SPDX-License-Identifier: MIT
// /api/v1/processes/{name}/logs...: reading, dates, live stream (SSE), download, clearing.
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "alter/json.hpp"
#include "alter_net/json.hpp"
#include "api.hpp"
#include "daemon.hpp"

namespace alterd {

using alter::net::request;
using alter::net::responder;

namespace {

constexpr uint64_t max_lines = 100000;
constexpr uint64_t max_backlog = 1000; // the in-memory ring's default size

// ?stream=out|err|all (also stdout/stderr); 0 with an answer sent if invalid.
uint32_t stream_mask(const request &req, responder &res) {
    std::string_view s = req.query().get("stream").value_or(req.query().get("type").value_or("all"));
    if (s == "all" || s.empty()) return ALTER_STREAM_OUT | ALTER_STREAM_ERR;
    if (s == "out" || s == "stdout") return ALTER_STREAM_OUT;
    if (s == "err" || s == "stderr") return ALTER_STREAM_ERR;
    res.send_error("bad_request", "stream: expected out, err or all");
    return 0;
}

// {name} of a log route: an app, an instance or "all".
std::optional<std::string> log_target(const request &req, responder &res) {
    std::string name(req.param("name"));
    if (!check_name(res, name, true)) return std::nullopt;
    return name;
}

// App name -> namespace. The library's stored lines name the app but not its namespace.
using namespace_map = std::unordered_map<std::string, std::string>;

namespace_map app_namespaces(alter_context_t *ctx) {
    namespace_map out;
    char *js = nullptr;
    if (alter_app_list(ctx, nullptr, &js) < 0) return out;
    if (auto doc = alter::net::json_object::parse(take_lib_string(js)))
        (void)doc->for_each_object("processes", [&](const alter::net::json_object &p) {
            auto app = p.get_string("app");
            auto ns = p.get_string("namespace");
            if (app && ns) out.emplace(std::move(*app), std::move(*ns));
        });
    return out;
}

// One log line as every log route shows it (GET logs, the stream's backlog and live events):
// {"app","instance","namespace","stream","time_ms","text"}; namespace null if unknown.
void write_line(std::string &out, std::string_view app, std::string_view instance, const char *ns, bool err,
                int64_t time_ms, std::string_view text) {
    alter::json::writer w(out);
    w.begin_object().field("app", app).field("instance", instance).key("namespace").value(ns);
    w.field("stream", err ? "err" : "out").field("time_ms", static_cast<long long>(time_ms)).field("text", text).end_object();
}

// Each line of the library's {"lines":[...]} in that shape, given to `fn`.
template <class Fn> void each_line(const std::string &lib_json, const namespace_map &ns, Fn fn) {
    auto doc = alter::net::json_object::parse(lib_json);
    if (!doc) return;
    auto str = [](const alter::net::json_object &o, std::string_view key) {
        auto v = o.get_string(key);
        return v ? std::move(*v) : std::string();
    };
    std::string buf;
    (void)doc->for_each_object("lines", [&](const alter::net::json_object &l) {
        std::string app = str(l, "app");
        auto found = ns.find(app);
        auto time_ms = l.get_int("time_ms");
        buf.clear();
        write_line(buf, app, str(l, "instance"), found == ns.end() ? nullptr : found->second.c_str(),
                   str(l, "stream") == "err", time_ms ? *time_ms : 0, str(l, "text"));
        fn(buf);
    });
}

// GET /processes/{name}/logs?lines=&stream=&date=&grep=&regex=&icase=
void read_logs(daemon &d, request &req, responder &res) {
    auto name = log_target(req, res);
    if (!name) return;
    uint32_t streams = stream_mask(req, res);
    if (streams == 0) return;
    bool bad = false;
    auto lines = query_uint(req, "lines", bad);
    if (bad || (lines && (*lines == 0 || *lines > max_lines)))
        return res.send_error("bad_request", "lines: expected a number from 1 to 100000");
    bool regex = query_bool(req, "regex", false, bad);
    bool icase = query_bool(req, "icase", false, bad);
    if (bad) return res.send_error("bad_request", "regex, icase: expected true or false");
    std::string date(req.query().get("date").value_or(""));
    std::string grep(req.query().get("grep").value_or(""));
    alter_log_query_t q = ALTER_LOG_QUERY_INIT;
    q.streams = streams;
    q.lines = lines ? static_cast<uint32_t>(*lines) : 100;
    q.flags = (regex ? ALTER_LOG_REGEX : 0u) | (icase ? ALTER_LOG_ICASE : 0u);
    q.date = date.empty() ? nullptr : date.c_str(); // the library validates it (no paths)
    q.grep = grep.empty() ? nullptr : grep.c_str();
    char *js = nullptr;
    int rc = alter_log_read(d.ctx(), name->c_str(), &q, &js);
    if (rc < 0) return send_lib_json(res, rc, js);
    std::string out = "{\"lines\":[";
    bool first = true;
    each_line(take_lib_string(js), app_namespaces(d.ctx()), [&](const std::string &line) {
        if (!first) out.push_back(',');
        first = false;
        out += line;
    });
    res.send(200, out + "]}");
}

struct log_stream {
    alter::net::sse_stream sse;
    uint32_t streams = ALTER_STREAM_OUT | ALTER_STREAM_ERR;
    std::string buf;
};

void on_log_line(const alter_log_line_t *l, void *ud) noexcept {
    auto s = *static_cast<std::shared_ptr<log_stream> *>(ud); // keep it alive across send()
    if (!(s->streams & l->stream)) return;
    // No exception may cross back into the library: out of memory drops this client.
    try {
        s->buf.clear();
        write_line(s->buf, l->app != nullptr ? l->app : "", l->instance != nullptr ? l->instance : "", l->ns,
                   l->stream == ALTER_STREAM_ERR, l->time_ms, std::string_view(l->text, l->len));
        s->sse.send(s->buf, "log");
    } catch (...) {
        s->sse.abort();
    }
}

// GET /processes/{name}/logs/stream: live lines as SSE ("log" events, data = a line as
// write_line makes it), after an optional backlog from memory (?backlog=N).
void stream_logs(daemon &d, request &req, responder &res) {
    auto name = log_target(req, res);
    if (!name) return;
    uint32_t streams = stream_mask(req, res);
    if (streams == 0) return;
    bool bad = false;
    auto backlog = query_uint(req, "backlog", bad);
    if (bad || (backlog && *backlog > max_backlog))
        return res.send_error("bad_request", "backlog: expected a number from 0 to 1000");
    // Also checks that the target exists before the stream begins (404 instead of 200).
    char *js = nullptr;
    int rc = alter_log_recent(d.ctx(), name->c_str(), backlog ? static_cast<uint32_t>(*backlog) : 1, streams, &js);
    if (rc < 0) return send_lib_error(res, rc);
    std::string recent = take_lib_string(js);
    auto st = std::make_shared<log_stream>();
    st->streams = streams;
    st->sse = res.begin_sse();
    if (!st->sse.is_open()) return; // HEAD, or the client is gone
    if (backlog && *backlog > 0)
        each_line(recent, app_namespaces(d.ctx()), [&](const std::string &line) { st->sse.send(line, "log"); });
    auto *holder = new std::shared_ptr<log_stream>(st);
    uint64_t id = 0;
    // The watch takes an app or instance name; NULL is every app.
    if (alter_log_watch(d.ctx(), *name == "all" ? nullptr : name->c_str(), on_log_line, holder, &id) < 0) {
        delete holder;
        return st->sse.end();
    }
    alter_context_t *ctx = d.ctx();
    st->sse.on_close([ctx, id, holder] {
        alter_unwatch(ctx, id);
        delete holder;
    });
}

// GET /processes/{name}/logs/download: the raw lines of one stream (and day) as text, for the
// dashboard's download button.
void download_logs(daemon &d, request &req, responder &res) {
    auto name = log_target(req, res);
    if (!name) return;
    std::string_view s = req.query().get("stream").value_or("out");
    if (s != "out" && s != "err") return res.send_error("bad_request", "stream: expected out or err");
    std::string date(req.query().get("date").value_or(""));
    // Reuse the reader: everything of that day, up to the reader's limit.
    alter_log_query_t q = ALTER_LOG_QUERY_INIT;
    q.streams = s == "err" ? ALTER_STREAM_ERR : ALTER_STREAM_OUT;
    q.lines = max_lines;
    q.flags = ALTER_LOG_TEXT;
    q.date = date.empty() ? nullptr : date.c_str();
    char *txt = nullptr;
    int rc = alter_log_read(d.ctx(), name->c_str(), &q, &txt);
    if (rc < 0) return send_lib_error(res, rc);
    std::string file = *name + "-" + std::string(s) + (date.empty() ? "" : "-" + date) + ".log";
    res.header("Content-Disposition", "attachment; filename=\"" + file + "\"");
    res.send(200, take_lib_string(txt), "text/plain; charset=utf-8");
}

} // namespace

void add_log_routes(alter::net::router &r, daemon &d) {
    r.add("GET", "/api/v1/processes/{name}/logs", [&d](request &req, responder res) { read_logs(d, req, res); });
    r.add("GET", "/api/v1/processes/{name}/logs/dates", [&d](request &req, responder res) {
        auto name = log_target(req, res);
        if (!name) return;
        char *js = nullptr;
        int rc = alter_log_dates(d.ctx(), name->c_str(), &js);
        send_lib_json(res, rc, js);
    });
    // The current log files of each instance: {"files":[{"instance","stream","path"}]}.
    r.add("GET", "/api/v1/processes/{name}/logs/files", [&d](request &req, responder res) {
        auto name = log_target(req, res);
        if (!name) return;
        char *js = nullptr;
        int rc = alter_log_files(d.ctx(), name->c_str(), &js);
        send_lib_json(res, rc, js);
    });
    r.add("DELETE", "/api/v1/processes/{name}/logs", [&d](request &req, responder res) {
        auto name = log_target(req, res);
        if (!name) return;
        int n = alter_log_clear(d.ctx(), name->c_str());
        if (n < 0) return send_lib_error(res, n);
        res.send(200, affected_json(n));
    });
    r.add("GET", "/api/v1/processes/{name}/logs/stream", [&d](request &req, responder res) { stream_logs(d, req, res); });
    r.add("GET", "/api/v1/processes/{name}/logs/download",
          [&d](request &req, responder res) { download_logs(d, req, res); });
}

} // namespace alterd
