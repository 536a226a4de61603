// SPDX-License-Identifier: MIT
// /api/v1/processes/{name}/logs...: reading, dates, live stream (SSE), download, clearing.
#include <fcntl.h>
#include <memory>
#include <string>
#include <unistd.h>

#include "alter/json.hpp"
#include "alter_net/json.hpp"
#include "api.hpp"
#include "daemon.hpp"

namespace alterd {

using alter::net::request;
using alter::net::responder;

namespace {

// ?stream=out|err|all (also stdout/stderr); 0 with an answer sent if invalid.
uint32_t stream_mask(const request &req, responder &res) {
    std::string_view s = req.query().get("stream").value_or(req.query().get("type").value_or("all"));
    if (s == "all" || s.empty()) return ALTER_STREAM_OUT | ALTER_STREAM_ERR;
    if (s == "out" || s == "stdout") return ALTER_STREAM_OUT;
    if (s == "err" || s == "stderr") return ALTER_STREAM_ERR;
    res.send_error("bad_request", "stream: expected out, err or all");
    return 0;
}

bool flag(const request &req, std::string_view key) {
    auto v = req.query().get(key);
    return v && (*v == "1" || *v == "true" || *v == "yes");
}

} // namespace

void add_log_routes(alter::net::router &r, daemon &d) {
    r.add("GET", "/api/v1/processes/{name}/logs", [&d](request &req, responder res) {
        uint32_t streams = stream_mask(req, res);
        if (streams == 0) return;
        bool bad = false;
        auto lines = query_uint(req, "lines", bad);
        if (bad || (lines && *lines > 100000)) return res.send_error("bad_request", "lines: expected a number from 0 to 100000");
        std::string date(req.query().get("date").value_or(""));
        std::string grep(req.query().get("grep").value_or(""));
        alter_log_query_t q = ALTER_LOG_QUERY_INIT;
        q.streams = streams;
        q.lines = lines ? static_cast<uint32_t>(*lines) : 100;
        q.flags = (flag(req, "regex") ? ALTER_LOG_REGEX : 0u) | (flag(req, "icase") ? ALTER_LOG_ICASE : 0u);
        q.date = date.empty() ? nullptr : date.c_str();
        q.grep = grep.empty() ? nullptr : grep.c_str();
        char *js = nullptr;
        int rc = alter_log_read(d.ctx(), std::string(req.param("name")).c_str(), &q, &js);
        send_lib_json(res, rc, js);
    });

    r.add("GET", "/api/v1/processes/{name}/logs/dates", [&d](request &req, responder res) {
        char *js = nullptr;
        int rc = alter_log_dates(d.ctx(), std::string(req.param("name")).c_str(), &js);
        send_lib_json(res, rc, js);
    });

    r.add("DELETE", "/api/v1/processes/{name}/logs", [&d](request &req, responder res) {
        int n = alter_log_clear(d.ctx(), std::string(req.param("name")).c_str());
        if (n < 0) return send_lib_error(res, n);
        res.send(200, affected_json(n));
    });

    // Live lines as SSE ("log" events, data = {"time_ms","stream","instance","text"}), after an
    // optional backlog from memory (?backlog=N).
    r.add("GET", "/api/v1/processes/{name}/logs/stream", [&d](request &req, responder res) {
        uint32_t streams = stream_mask(req, res);
        if (streams == 0) return;
        bool bad = false;
        auto backlog = query_uint(req, "backlog", bad);
        if (bad) return res.send_error("bad_request", "backlog: expected a number");
        std::string name(req.param("name"));
        char *recent = nullptr;
        int rc = alter_log_recent(d.ctx(), name.c_str(), backlog ? static_cast<uint32_t>(*backlog) : 1, streams, &recent);
        if (rc < 0) return send_lib_error(res, rc);
        struct state {
            alter::net::sse_stream sse;
            uint32_t streams = 3;
            std::string buf;
        };
        auto st = std::make_shared<state>();
        st->streams = streams;
        st->sse = res.begin_sse();
        if (backlog && *backlog > 0)
            if (auto doc = alter::net::json_object::parse(recent))
                if (auto lines = doc->get_raw_array("lines"))
                    for (const auto &line : *lines) st->sse.send(line, "log");
        alter_free(recent);
        auto *holder = new std::shared_ptr<state>(st);
        uint64_t id = 0;
        rc = alter_log_watch(
            d.ctx(), name.c_str(),
            [](const alter_log_line_t *l, void *ud) {
                auto s = *static_cast<std::shared_ptr<state> *>(ud); // keep it alive across send()
                if (!(s->streams & l->stream)) return;
                s->buf.clear();
                alter::json::writer w(s->buf);
                w.begin_object()
                    .field("time_ms", static_cast<long long>(l->time_ms))
                    .field("stream", l->stream == ALTER_STREAM_ERR ? "err" : "out")
                    .field("instance", l->instance)
                    .field("text", std::string_view(l->text, l->len))
                    .end_object();
                s->sse.send(s->buf, "log");
            },
            holder, &id);
        if (rc < 0) {
            delete holder;
            st->sse.end();
            return;
        }
        alter_context_t *ctx = d.ctx();
        st->sse.on_close([ctx, id, holder] {
            alter_unwatch(ctx, id);
            delete holder;
        });
    });

    // The raw files of one stream (and day) as text, for the dashboard's download button.
    r.add("GET", "/api/v1/processes/{name}/logs/download", [&d](request &req, responder res) {
        std::string name(req.param("name"));
        std::string_view s = req.query().get("stream").value_or("out");
        if (s != "out" && s != "err") return res.send_error("bad_request", "stream: expected out or err");
        std::string date(req.query().get("date").value_or(""));
        // Reuse the reader: everything of that day, up to the reader's limit.
        alter_log_query_t q = ALTER_LOG_QUERY_INIT;
        q.streams = s == "err" ? ALTER_STREAM_ERR : ALTER_STREAM_OUT;
        q.lines = 100000;
        q.flags = ALTER_LOG_TEXT;
        q.date = date.empty() ? nullptr : date.c_str();
        char *txt = nullptr;
        int rc = alter_log_read(d.ctx(), name.c_str(), &q, &txt);
        if (rc < 0) return send_lib_error(res, rc);
        std::string text = txt;
        alter_free(txt);
        std::string file = name + "-" + std::string(s) + (date.empty() ? "" : "-" + date) + ".log";
        res.header("Content-Disposition", "attachment; filename=\"" + file + "\"");
        res.send(200, std::move(text), "text/plain; charset=utf-8");
    });
}

} // namespace alterd
