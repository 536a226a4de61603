// SPDX-License-Identifier: MIT
// /api/v1/processes...: the app lifecycle and namespaces; /api/v1/events, /api/v1/metrics.
#include <cstdio>
#include <memory>
#include <string>

#include "alter_net/json.hpp"
#include "alter_net/url.hpp"
#include "api.hpp"
#include "daemon.hpp"

namespace alterd {

using alter::net::request;
using alter::net::responder;

namespace {

std::string param(const request &req, std::string_view name) { return std::string(req.param(name)); }

// POST /processes/{name}/<action> and POST /processes/namespace/{ns}/<action>
using target_fn = int (*)(alter_context_t *, const char *);

// A body read_json_body accepted: valid JSON (so no NUL byte), or empty for {}.
const char *json_text(const request &req) { return req.body().empty() ? "{}" : req.body().c_str(); }

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

void create_app(daemon &d, request &req, responder &res) {
    auto body = read_body(req, res);
    if (!body) return;
    bool bad = false;
    bool start = query_bool(req, "start", true, bad);
    if (bad) return res.send_error("bad_request", "start: expected true or false");
    // The library validates the spec (types, unknown fields, the name's characters); it gets
    // the body as sent so that its line/column point into the client's text.
    int rc = alter_app_add(d.ctx(), json_text(req), start ? ALTER_ADD_START : 0);
    if (rc < 0) return send_lib_error(res, rc);
    auto name = body->get_string("name");
    if (!name) return res.send_error("internal", "the app was added without a name");
    res.header("Location", "/api/v1/processes/" + alter::net::percent_encode(*name));
    send_app(d, res, *name, 201);
}

void update_app(daemon &d, request &req, responder &res) {
    auto body = read_body(req, res);
    if (!body) return;
    std::string name = param(req, "name");
    if (!check_name(res, name, false)) return;
    // A merge: fields not in the body keep their value (null resets one to its default).
    int rc = alter_app_update(d.ctx(), name.c_str(), json_text(req));
    if (rc < 0) return send_lib_error(res, rc);
    send_app(d, res, name, 200);
}

void set_enabled(daemon &d, request &req, responder &res) {
    auto body = read_body(req, res);
    if (!body) return;
    if (!check_fields(*body, {"enabled"}, res)) return;
    auto on = body->get_bool("enabled");
    if (!on) return res.send_error("invalid", on.err());
    std::string name = param(req, "name");
    if (!check_name(res, name, true)) return;
    int rc = alter_app_enable(d.ctx(), name.c_str(), *on ? 1 : 0);
    if (rc < 0) return send_lib_error(res, rc);
    if (name == "all" || name.rfind("ns:", 0) == 0) return res.send(200, affected_json(rc));
    send_app(d, res, name, 200);
}

// Lifecycle events as SSE: "added", "updated", "removed", "state"; with ?stats=1 also "stats"
// (one per running instance) and "host" (CPU, memory, load), sampled while such a stream is
// open (stats_feed). Data is the library's event JSON.
void event_stream(daemon &d, request &req, responder &res) {
    bool bad = false;
    bool stats = query_bool(req, "stats", false, bad);
    if (bad) return res.send_error("bad_request", "stats: expected 1 or 0");
    struct state {
        alter::net::sse_stream sse;
        bool stats = false;
        uint64_t feed = 0; // stats_feed subscription
    };
    auto st = std::make_shared<state>();
    st->stats = stats;
    st->sse = res.begin_sse();
    if (!st->sse.is_open()) return; // HEAD, or the client is gone: nothing to watch for
    auto *holder = new std::shared_ptr<state>(st);
    uint64_t id = 0;
    int rc = alter_event_watch(
        d.ctx(),
        [](const alter_event_t *e, void *ud) noexcept {
            auto s = *static_cast<std::shared_ptr<state> *>(ud); // keep it alive across send()
            if (e->kind == ALTER_EVENT_STATS && !s->stats) return;
            static constexpr const char *names[] = {"event", "state", "added", "updated", "removed", "stats"};
            // No exception may cross back into the library: out of memory drops this client.
            try {
                s->sse.send(e->json != nullptr ? e->json : "{}", e->kind <= 5 ? names[e->kind] : "event");
            } catch (...) {
                s->sse.abort();
            }
        },
        holder, &id);
    if (rc < 0) {
        delete holder;
        return st->sse.end();
    }
    if (stats) {
        std::weak_ptr<state> weak = st;
        if (auto host = d.stats().recent_host(now_ms()); !host.empty()) st->sse.send(host, "host");
        st->feed = d.stats().subscribe([weak](std::string_view host) {
            if (auto s = weak.lock()) s->sse.send(host, "host");
        });
    }
    alter_context_t *ctx = d.ctx();
    st->sse.on_close([&d, ctx, id, holder, feed = st->feed] {
        alter_unwatch(ctx, id);
        if (feed != 0) d.stats().unsubscribe(feed);
        delete holder;
    });
}

void metrics(daemon &d, responder &res) {
    char *txt = nullptr;
    int rc = alter_app_metrics(d.ctx(), &txt);
    if (rc < 0) return send_lib_error(res, rc);
    std::string body = take_lib_string(txt);
    app_counts n = count_apps(d.ctx());
    char extra[640];
    std::snprintf(extra, sizeof extra,
                  "# HELP alter_daemon_uptime_seconds Seconds since alterd started\n"
                  "# TYPE alter_daemon_uptime_seconds gauge\nalter_daemon_uptime_seconds %.3f\n"
                  "# HELP alter_daemon_apps Apps alterd supervises\n"
                  "# TYPE alter_daemon_apps gauge\nalter_daemon_apps %d\n"
                  "# HELP alter_daemon_instances Instances of every app\n"
                  "# TYPE alter_daemon_instances gauge\nalter_daemon_instances %d\n",
                  static_cast<double>(now_ms() - d.started_ms()) / 1000.0, n.apps, n.instances);
    body += extra;
    res.send(200, std::move(body), "text/plain; version=0.0.4; charset=utf-8");
}

} // namespace

void add_process_routes(alter::net::router &r, daemon &d) {
    r.add("GET", "/api/v1/processes", [&d](request &req, responder res) {
        std::string ns(req.query().get("namespace").value_or(""));
        char *js = nullptr;
        int rc = alter_app_list(d.ctx(), ns.empty() ? nullptr : ns.c_str(), &js);
        send_lib_json(res, rc, js);
    });
    r.add("POST", "/api/v1/processes", [&d](request &req, responder res) { create_app(d, req, res); });

    r.add("GET", "/api/v1/processes/{name}", [&d](request &req, responder res) {
        std::string name = param(req, "name");
        if (check_name(res, name, false)) send_app(d, res, name, 200);
    });
    r.add("PATCH", "/api/v1/processes/{name}", [&d](request &req, responder res) { update_app(d, req, res); });
    r.add("DELETE", "/api/v1/processes/{name}", [&d](request &req, responder res) {
        std::string name = param(req, "name");
        if (check_name(res, name, true)) action(d, res, name, alter_app_remove);
    });

    static constexpr std::pair<std::string_view, target_fn> actions[] = {
        {"start", alter_app_start}, {"stop", alter_app_stop}, {"restart", alter_app_restart},
        {"reset", alter_app_reset}, {"run", alter_app_run}};
    for (auto [verb, fn] : actions) {
        r.add("POST", "/api/v1/processes/{name}/" + std::string(verb), [&d, fn](request &req, responder res) {
            std::string name = param(req, "name");
            if (check_name(res, name, true)) action(d, res, name, fn);
        });
        if (verb == "reset" || verb == "run") continue;
        r.add("POST", "/api/v1/processes/namespace/{ns}/" + std::string(verb), [&d, fn](request &req, responder res) {
            std::string ns = param(req, "ns");
            if (ns.find('\0') != std::string::npos) return res.send_error("not_found", "no apps in that namespace");
            action(d, res, "ns:" + ns, fn);
        });
    }

    r.add("PATCH", "/api/v1/processes/{name}/enabled", [&d](request &req, responder res) { set_enabled(d, req, res); });

    r.add("GET", "/api/v1/processes/{name}/runs", [&d](request &req, responder res) {
        std::string name = param(req, "name");
        if (!check_name(res, name, true)) return;
        char *js = nullptr;
        int rc = alter_app_runs(d.ctx(), name.c_str(), &js);
        send_lib_json(res, rc, js);
    });

    r.add("GET", "/api/v1/events", [&d](request &req, responder res) { event_stream(d, req, res); });
    r.add("GET", "/api/v1/metrics", [&d](request &, responder res) { metrics(d, res); });
}

} // namespace alterd
