// SPDX-License-Identifier: MIT
#include "api.hpp"

#include <cerrno>
#include <charconv>
#include <ctime>
#include <set>

#include "alter/json.hpp"

namespace alterd {

namespace {

std::string_view code_name(int code, lib_input about) {
    bool body = about == lib_input::body;
    switch (code) {
    case ALTER_ENOTFOUND: return "not_found";
    case ALTER_ESPEC:
    case ALTER_ECYCLE:
    case ALTER_ELIMIT: return "invalid";
    case ALTER_EPARSE: return body ? "invalid" : "invalid_json";
    case ALTER_EEXIST:
    case ALTER_ESTATE:
    case ALTER_EBUSY: return "conflict";
    case ALTER_EINVAL:
    case ALTER_ERANGE: return body ? "invalid" : "bad_request";
    case ALTER_ECLOSED: return "unavailable";
    case ALTER_ENOENT: return body ? "invalid" : "not_found";
    case ALTER_EACCES:
    case ALTER_EPERM: return body ? "invalid" : "forbidden";
    default: return "internal";
    }
}

} // namespace

void send_lib_error(alter::net::responder &res, int code, lib_input about) {
    alter::net::error detail(code, alter_last_error());
    // The structured parts of the library's error (field, position, hint).
    if (auto j = alter::net::json_object::parse(alter_last_error_json())) {
        if (auto m = j->get_string_or("message", ""); m && !m->empty()) detail.message = *m;
        if (auto f = j->get_string_or("field", ""); f) detail.field = *f;
        if (auto f = j->get_string_or("file", ""); f) detail.file = *f;
        if (auto f = j->get_string_or("hint", ""); f) detail.hint = *f;
        if (auto l = j->get_int_or("line", 0); l) detail.line = static_cast<int>(*l);
        if (auto c = j->get_int_or("column", 0); c) detail.column = static_cast<int>(*c);
    }
    res.send_error(code_name(code, about), detail);
}

void send_lib_json(alter::net::responder &res, int rc, char *json, int status) {
    if (rc < 0) {
        alter_free(json);
        return send_lib_error(res, rc);
    }
    std::string body = take_lib_string(json);
    res.send(status, body.empty() ? std::string("{}") : std::move(body));
}

std::string take_lib_string(char *s) {
    std::string out = s != nullptr ? s : "";
    alter_free(s);
    return out;
}

std::optional<alter::net::json_object> read_body(const alter::net::request &req, alter::net::responder &res) {
    auto body = alter::net::read_json_body(req, res);
    if (!body) return std::nullopt;
    std::set<std::string> seen;
    for (auto &k : body->keys())
        if (!seen.insert(k).second) {
            alter::net::error e(-EINVAL, k + ": given twice");
            e.field = k;
            res.send_error("invalid", e);
            return std::nullopt;
        }
    return body;
}

bool check_name(alter::net::responder &res, std::string_view name, bool allow_multi) {
    // A NUL would cut the name short at the C ABI ("web%00x" would find "web").
    bool nul = name.find('\0') != std::string_view::npos;
    bool multi = name == "all" || name.substr(0, 3) == "ns:";
    if (!nul && (allow_multi || !multi)) return true;
    std::string msg = nul ? "no such app (the name holds a NUL byte)" : "no such app: '" + std::string(name) + "'";
    if (!nul && multi) msg += " (this route takes one app; 'all' and 'ns:NAME' work with the actions, logs and runs)";
    res.send_error("not_found", msg);
    return false;
}

bool check_fields(const alter::net::json_object &body, std::initializer_list<std::string_view> known,
                  alter::net::responder &res) {
    auto st = body.check_keys(known);
    if (st) return true;
    alter::net::error e = st.err();
    if (e.hint.empty()) {
        e.hint = "known fields:";
        for (auto k : known) e.hint += " " + std::string(k);
    }
    res.send_error("invalid", e);
    return false;
}

std::optional<uint64_t> query_uint(const alter::net::request &req, std::string_view key, bool &bad) {
    auto v = req.query().get(key);
    if (!v) return std::nullopt;
    uint64_t n = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), n);
    if (r.ec != std::errc() || r.ptr != v->data() + v->size()) {
        bad = true;
        return std::nullopt;
    }
    return n;
}

bool query_bool(const alter::net::request &req, std::string_view key, bool fallback, bool &bad) {
    auto v = req.query().get(key);
    if (!v) return fallback;
    if (*v == "1" || *v == "true" || *v == "yes" || v->empty()) return true;
    if (*v == "0" || *v == "false" || *v == "no") return false;
    bad = true;
    return fallback;
}

std::string affected_json(int n) {
    std::string out;
    alter::json::writer w(out);
    w.begin_object().field("ok", true).field("affected", n).end_object();
    return out;
}

app_counts count_apps(alter_context_t *ctx) {
    app_counts c;
    char *js = nullptr;
    if (alter_app_list(ctx, nullptr, &js) < 0) return c;
    std::string text = take_lib_string(js);
    auto doc = alter::net::json_object::parse(text);
    if (!doc) return c;
    auto list = doc->get_raw_array("processes");
    if (!list) return c;
    std::set<std::string> apps;
    for (const auto &entry : *list) {
        auto p = alter::net::json_object::parse(entry);
        if (!p) continue;
        ++c.instances;
        if (auto a = p->get_string("app")) apps.insert(*a);
        if (auto s = p->get_string("status"); s && *s == "running") ++c.running;
    }
    c.apps = static_cast<int>(apps.size());
    return c;
}

int64_t now_ms() {
    struct timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

} // namespace alterd
