// SPDX-License-Identifier: MIT
#include "api.hpp"

#include <charconv>

#include "alter/json.hpp"
#include "alter_net/api_error.hpp"
#include "alter_net/json.hpp"

namespace alterd {

void send_lib_error(alter::net::responder &res, int code, bool parse_is_invalid) {
    std::string_view http;
    switch (code) {
    case ALTER_ENOTFOUND: http = "not_found"; break;
    case ALTER_ESPEC:
    case ALTER_ECYCLE: http = "invalid"; break;
    case ALTER_EPARSE: http = parse_is_invalid ? "invalid" : "invalid_json"; break;
    case ALTER_EEXIST:
    case ALTER_ESTATE:
    case ALTER_EBUSY: http = "conflict"; break;
    case ALTER_EINVAL:
    case ALTER_ERANGE: http = "bad_request"; break;
    case ALTER_ECLOSED: http = "unavailable"; break;
    case ALTER_ENOENT: http = parse_is_invalid ? "invalid" : "not_found"; break;
    case ALTER_EACCES:
    case ALTER_EPERM: http = "forbidden"; break;
    default: http = "internal"; break;
    }
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
    res.send_error(http, detail);
}

void send_lib_json(alter::net::responder &res, int rc, char *json, int status) {
    if (rc < 0) {
        send_lib_error(res, rc);
        return;
    }
    std::string body = json != nullptr ? json : "{}";
    alter_free(json);
    res.send(status, std::move(body));
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

std::string affected_json(int n) {
    std::string out;
    alter::json::writer w(out);
    w.begin_object().field("ok", true).field("affected", n).end_object();
    return out;
}

} // namespace alterd
