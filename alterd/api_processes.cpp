// SPDX-License-Identifier: MIT
// /api/v1/processes...: the app lifecycle, namespaces, ecosystem files, the event stream.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>

#include "alter/json.hpp"
#include "alter_net/json.hpp"
#include "api.hpp"
#include "daemon.hpp"

namespace alterd {

using alter::net::request;
using alter::net::responder;

namespace {

std::string param(const request &req, std::string_view name) { return std::string(req.param(name)); }

// POST /processes/{name}/<action> and POST /processes/namespace/{ns}/<action>
using target_fn = int (*)(alter_context_t *, const char *);

void action(daemon &d, responder &res, const std::string &target, target_fn fn) {
    int n = fn(d.ctx(), target.c_str());
    if (n < 0) return send_lib_error(res, n);
    res.send(200, affected_json(n));
}

void send_app(daemon &d, responder &res, const std::string &name, int status) {
    char *js = nullptr;
    int rc = alter_app_get(d.ctx(), name.c_str(), &js);
    send_lib_json(res, rc, js, status);
}

// Ecosystem files: {"path": "/abs/file.toml"} (read on the daemon's host) or
// {"content": "...", "filename": "alter.toml", "format": "toml"}. Returns the parsed
// {"apps":[...],"warnings":[...]} or answers the error.
std::optional<std::string> parse_ecosystem(daemon &d, const alter::net::json_object &body, responder &res) {
    (void)d;
    if (auto st = body.check_keys({"path", "content", "filename", "format"}); !st) {
        res.send_error("invalid", st.err());
        return std::nullopt;
    }
    auto path = body.get_string_or("path", "");
    auto content = body.get_string_or("content", "");
    auto filename = body.get_string_or("filename", "");
    auto format = body.get_string_or("format", "");
    for (auto *r : {&path, &content, &filename, &format})
        if (!*r) {
            res.send_error("invalid", r->err());
            return std::nullopt;
        }
    if (path->empty() == content->empty()) {
        res.send_error("invalid", "give either \"path\" (a file on the daemon's host) or \"content\"");
        return std::nullopt;
    }
    static constexpr std::pair<std::string_view, uint32_t> formats[] = {
        {"", ALTER_FORMAT_AUTO},       {"auto", ALTER_FORMAT_AUTO}, {"toml", ALTER_FORMAT_TOML},
        {"json", ALTER_FORMAT_JSON},   {"yaml", ALTER_FORMAT_YAML}, {"pm2", ALTER_FORMAT_PM2},
        {"procfile", ALTER_FORMAT_PROCFILE}};
    uint32_t fmt = UINT32_MAX;
    for (auto [n, v] : formats)
        if (*format == n) fmt = v;
    if (fmt == UINT32_MAX) {
        res.send_error("invalid", "format: expected toml, json, yaml, pm2 or procfile");
        return std::nullopt;
    }
    char *js = nullptr;
    int rc = 0;
    if (!path->empty()) {
        if ((*path)[0] != '/') {
            res.send_error("invalid", "path: must be absolute (the daemon's working directory is not yours)");
            return std::nullopt;
        }
        rc = alter_config_read(path->c_str(), fmt, &js);
    } else {
        alter_config_options_t o = ALTER_CONFIG_OPTIONS_INIT;
        o.format = fmt;
        o.filename = filename->empty() ? nullptr : filename->c_str();
        rc = alter_config_parse(content->data(), content->size(), &o, &js);
    }
    if (rc < 0) {
        send_lib_error(res, rc, true);
        return std::nullopt;
    }
    std::string out = js;
    alter_free(js);
    return out;
}

} // namespace

void add_process_routes(alter::net::router &r, daemon &d) {
    r.add("GET", "/api/v1/processes", [&d](request &req, responder res) {
        auto ns = req.query().get("namespace");
        std::string n = ns ? std::string(*ns) : std::string();
        char *js = nullptr;
        int rc = alter_app_list(d.ctx(), n.empty() ? nullptr : n.c_str(), &js);
        send_lib_json(res, rc, js);
    });

    r.add("POST", "/api/v1/processes", [&d](request &req, responder res) {
        auto body = alter::net::read_json_body(req, res);
        if (!body) return;
        auto name = body->get_string_or("name", "");
        bool start = req.query().get("start").value_or("true") != "false";
        int rc = alter_app_add(d.ctx(), req.body().c_str(), start ? ALTER_ADD_START : 0);
        if (rc < 0) return send_lib_error(res, rc);
        send_app(d, res, name ? *name : std::string(), 201);
    });

    r.add("GET", "/api/v1/processes/{name}", [&d](request &req, responder res) { send_app(d, res, param(req, "name"), 200); });

    r.add("PATCH", "/api/v1/processes/{name}", [&d](request &req, responder res) {
        auto body = alter::net::read_json_body(req, res);
        if (!body) return;
        std::string name = param(req, "name");
        int rc = alter_app_update(d.ctx(), name.c_str(), req.body().c_str());
        if (rc < 0) return send_lib_error(res, rc);
        send_app(d, res, name, 200);
    });

    r.add("DELETE", "/api/v1/processes/{name}", [&d](request &req, responder res) {
        action(d, res, param(req, "name"), alter_app_remove);
    });

    static constexpr std::pair<std::string_view, target_fn> actions[] = {
        {"start", alter_app_start}, {"stop", alter_app_stop}, {"restart", alter_app_restart},
        {"reset", alter_app_reset}, {"run", alter_app_run}};
    for (auto [verb, fn] : actions) {
        r.add("POST", "/api/v1/processes/{name}/" + std::string(verb),
              [&d, fn](request &req, responder res) { action(d, res, param(req, "name"), fn); });
        if (verb == "reset" || verb == "run") continue;
        r.add("POST", "/api/v1/processes/namespace/{ns}/" + std::string(verb), [&d, fn](request &req, responder res) {
            action(d, res, "ns:" + param(req, "ns"), fn);
        });
    }

    r.add("PATCH", "/api/v1/processes/{name}/enabled", [&d](request &req, responder res) {
        auto body = alter::net::read_json_body(req, res);
        if (!body) return;
        if (auto st = body->check_keys({"enabled"}); !st) return res.send_error("invalid", st.err());
        auto on = body->get_bool("enabled");
        if (!on) return res.send_error("invalid", on.err());
        std::string name = param(req, "name");
        int rc = alter_app_enable(d.ctx(), name.c_str(), *on ? 1 : 0);
        if (rc < 0) return send_lib_error(res, rc);
        send_app(d, res, name, 200);
    });

    r.add("GET", "/api/v1/processes/{name}/runs", [&d](request &req, responder res) {
        char *js = nullptr;
        int rc = alter_app_runs(d.ctx(), param(req, "name").c_str(), &js);
        send_lib_json(res, rc, js);
    });

    r.add("POST", "/api/v1/ecosystem", [&d](request &req, responder res) {
        auto body = alter::net::read_json_body(req, res);
        if (!body) return;
        auto apps = parse_ecosystem(d, *body, res);
        if (!apps) return;
        char *js = nullptr;
        int rc = alter_config_apply(d.ctx(), apps->c_str(), &js);
        send_lib_json(res, rc, js);
    });

    static constexpr std::pair<std::string_view, target_fn> eco_actions[] = {
        {"start", alter_app_start}, {"stop", alter_app_stop}, {"restart", alter_app_restart}, {"delete", alter_app_remove}};
    for (auto [verb, fn] : eco_actions) {
        r.add("POST", "/api/v1/ecosystem/" + std::string(verb), [&d, fn](request &req, responder res) {
            auto body = alter::net::read_json_body(req, res);
            if (!body) return;
            auto apps = parse_ecosystem(d, *body, res);
            if (!apps) return;
            std::vector<std::string> names;
            if (auto doc = alter::net::json_object::parse(*apps))
                if (auto list = doc->get_raw_array("apps"))
                    for (const auto &a : *list)
                        if (auto app = alter::net::json_object::parse(a))
                            if (auto n = app->get_string("name")) names.push_back(*n);
            std::string out;
            alter::json::writer w(out);
            w.begin_object().key("apps").begin_array();
            int total = 0;
            // Stop and delete in reverse file order (dependents are usually listed last).
            if (fn == alter_app_stop || fn == alter_app_remove) std::reverse(names.begin(), names.end());
            for (const auto &n : names) {
                int rc = fn(d.ctx(), n.c_str());
                w.begin_object().field("name", n).field("ok", rc >= 0);
                if (rc < 0) w.field("error", alter_last_error());
                else total += rc;
                w.end_object();
            }
            w.end_array().field("affected", total).end_object();
            res.send(200, std::move(out));
        });
    }

    r.add("GET", "/api/v1/events", [&d](request &req, responder res) {
        bool stats = req.query().get("stats").value_or("0") == "1";
        struct state {
            alter::net::sse_stream sse;
            uint64_t id = 0;
            bool stats = false;
        };
        auto st = std::make_shared<state>();
        st->stats = stats;
        st->sse = res.begin_sse();
        auto *holder = new std::shared_ptr<state>(st);
        uint64_t id = 0;
        int rc = alter_event_watch(
            d.ctx(),
            [](const alter_event_t *e, void *ud) {
                auto s = *static_cast<std::shared_ptr<state> *>(ud); // keep it alive across send()
                if (e->kind == ALTER_EVENT_STATS && !s->stats) return;
                static constexpr const char *names[] = {"", "state", "added", "updated", "removed", "stats"};
                s->sse.send(e->json, e->kind <= 5 ? names[e->kind] : "event");
            },
            holder, &id);
        if (rc < 0) {
            delete holder;
            st->sse.end();
            return;
        }
        st->id = id;
        alter_context_t *ctx = d.ctx();
        st->sse.on_close([ctx, id, holder] {
            alter_unwatch(ctx, id);
            delete holder;
        });
    });

    r.add("GET", "/api/v1/metrics", [&d](request &, responder res) {
        char *txt = nullptr;
        int rc = alter_app_metrics(d.ctx(), &txt);
        if (rc < 0) return send_lib_error(res, rc);
        std::string body = txt;
        alter_free(txt);
        char extra[256];
        int64_t up = 0;
        {
            struct timespec ts {};
            clock_gettime(CLOCK_REALTIME, &ts);
            up = static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000 - d.started_ms();
        }
        std::snprintf(extra, sizeof extra,
                      "# HELP alter_daemon_uptime_seconds Seconds since alterd started\n"
                      "# TYPE alter_daemon_uptime_seconds gauge\nalter_daemon_uptime_seconds %.3f\n",
                      static_cast<double>(up) / 1000.0);
        body += extra;
        res.send(200, std::move(body), "text/plain; version=0.0.4; charset=utf-8");
    });
}

} // namespace alterd
