// SPDX-License-Identifier: MIT
// What the dashboard needs after a reload, kept or computed by alterd (docs/API.md "History"):
//   GET /api/v1/processes/{name}/history      recent state events and stats samples (history.hpp)
//   GET /api/v1/processes/{name}/logs/volume  lines per bucket, counted from the stored files
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "alter_net/json.hpp"
#include "api.hpp"
#include "daemon.hpp"

namespace alterd {

using alter::net::request;
using alter::net::responder;

namespace {

constexpr int64_t hour_ms = 3'600'000;
constexpr int64_t min_bucket_ms = 60'000;

// GET /processes/{name}/history?since=MS: an app (all its instances) or one instance.
void app_history(daemon &d, request &req, responder &res) {
    std::string name(req.param("name"));
    if (!check_name(res, name, false)) return;
    bool bad = false;
    auto since = query_uint(req, "since", bad);
    if (bad) return res.send_error("bad_request", "since: expected unix milliseconds");
    char *js = nullptr;
    int rc = alter_app_get(d.ctx(), name.c_str(), &js); // 404 for an unknown name
    if (rc < 0) return send_lib_json(res, rc, js);
    auto doc = alter::net::json_object::parse(take_lib_string(js));
    if (!doc) return res.send_error("internal", "unreadable app status");
    auto app = doc->get_string("app");
    if (!app) return res.send_error("internal", "the app status names no app");
    std::vector<std::string> only;
    if (name != *app) only.push_back(name); // one instance
    std::string body = d.hist().json(*app, only, since ? static_cast<int64_t>(*since) : 0, now_ms());
    body.pop_back(); // the closing brace: two more fields
    body += ",\"sampling\":" + std::string(d.stats().sampling() ? "true" : "false") +
            ",\"interval_ms\":" + std::to_string(d.stats().interval_ms()) + "}";
    res.send(200, std::move(body));
}

// Local midnight of YYYY-MM-DD and of the day after, in unix ms; false if not a date.
bool local_day(std::string_view date, int64_t &from, int64_t &to) {
    int y = 0, m = 0, dd = 0;
    char tail = 0;
    std::string s(date);
    if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &dd, &tail) != 3 || m < 1 || m > 12 || dd < 1 ||
        dd > 31 || y < 1970 || y > 9999)
        return false;
    struct tm tm {};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = dd;
    tm.tm_isdst = -1;
    time_t a = mktime(&tm);
    if (a == static_cast<time_t>(-1) || tm.tm_mday != dd) return false; // 2026-02-30
    struct tm next {};
    next.tm_year = y - 1900;
    next.tm_mon = m - 1;
    next.tm_mday = dd + 1;
    next.tm_isdst = -1;
    time_t b = mktime(&next);
    from = static_cast<int64_t>(a) * 1000;
    to = static_cast<int64_t>(b) * 1000;
    return true;
}

// GET /processes/{name}/logs/volume?date=YYYY-MM-DD | from=MS&to=MS, bucket_ms=MS
void log_volume(daemon &d, request &req, responder &res) {
    std::string name(req.param("name"));
    if (!check_name(res, name, true)) return;
    bool bad = false;
    auto from = query_uint(req, "from", bad);
    auto to = query_uint(req, "to", bad);
    auto bucket = query_uint(req, "bucket_ms", bad);
    if (bad) return res.send_error("bad_request", "from, to, bucket_ms: expected whole milliseconds");
    if (bucket && *bucket < static_cast<uint64_t>(min_bucket_ms))
        return res.send_error("bad_request", "bucket_ms: at least 60000 (one minute)");
    int64_t f = 0, t = 0;
    if (auto date = req.query().get("date")) {
        if (from || to) return res.send_error("bad_request", "give either date or from/to");
        if (!local_day(*date, f, t)) return res.send_error("bad_request", "date: expected YYYY-MM-DD");
    } else {
        t = to ? static_cast<int64_t>(*to) : now_ms();
        // Default: the last 24 hours, from the start of an hour.
        f = from ? static_cast<int64_t>(*from) : (t - 24 * hour_ms) / hour_ms * hour_ms;
    }
    char *js = nullptr;
    int rc = alter_log_volume(d.ctx(), name.c_str(), f, t, bucket ? static_cast<int64_t>(*bucket) : hour_ms, &js);
    send_lib_json(res, rc, js);
}

} // namespace

void add_history_routes(alter::net::router &r, daemon &d) {
    r.add("GET", "/api/v1/processes/{name}/history", [&d](request &req, responder res) { app_history(d, req, res); });
    r.add("GET", "/api/v1/processes/{name}/logs/volume", [&d](request &req, responder res) { log_volume(d, req, res); });
}

} // namespace alterd
