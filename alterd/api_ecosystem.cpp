// SPDX-License-Identifier: MIT
// /api/v1/ecosystem...: load, stop, restart, delete the apps of an ecosystem file;
// /api/v1/config/validate checks one without applying it.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "alter/json.hpp"
#include "alter_net/json.hpp"
#include "api.hpp"
#include "daemon.hpp"

namespace alterd {

using alter::net::request;
using alter::net::responder;

namespace {

bool invalid_path(responder &res, const std::string &message) {
    alter::net::error e(-EINVAL, message);
    e.field = "path";
    res.send_error("invalid", e);
    return false;
}

// The library opens the file blocking: a FIFO or a device would stall the loop (or never end).
bool check_regular_file(const std::string &path, responder &res) {
    if (path[0] != '/')
        return invalid_path(res, "path: must be absolute (the daemon's working directory is not yours)");
    if (path.find('\0') != std::string::npos) return invalid_path(res, "path: must not contain NUL bytes");
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return invalid_path(res, "cannot read " + path + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return invalid_path(res, path + " is not a regular file");
    return true;
}

uint32_t format_of(std::string_view name) {
    static constexpr std::pair<std::string_view, uint32_t> formats[] = {
        {"", ALTER_FORMAT_AUTO},     {"auto", ALTER_FORMAT_AUTO}, {"toml", ALTER_FORMAT_TOML},
        {"json", ALTER_FORMAT_JSON}, {"yaml", ALTER_FORMAT_YAML}, {"pm2", ALTER_FORMAT_PM2},
        {"procfile", ALTER_FORMAT_PROCFILE}};
    for (auto [n, v] : formats)
        if (name == n) return v;
    return UINT32_MAX;
}

// The body: {"path": "/abs/file.toml"} (read on the daemon's host) or {"content": "...",
// "filename": "alter.toml", "format": "toml"}. Returns the parsed {"apps":[...],
// "warnings":[...]} or answers the error.
std::optional<std::string> parse_ecosystem(request &req, responder &res) {
    auto body = read_body(req, res);
    if (!body) return std::nullopt;
    if (!check_fields(*body, {"path", "content", "filename", "format"}, res)) return std::nullopt;
    auto path = body->get_string_or("path", "");
    auto content = body->get_string_or("content", "");
    auto filename = body->get_string_or("filename", "");
    auto format = body->get_string_or("format", "");
    for (auto *r : {&path, &content, &filename, &format})
        if (!*r) {
            res.send_error("invalid", r->err());
            return std::nullopt;
        }
    if (path->empty() == content->empty()) {
        res.send_error("invalid", "give either \"path\" (a file on the daemon's host) or \"content\"");
        return std::nullopt;
    }
    uint32_t fmt = format_of(*format);
    if (fmt == UINT32_MAX) {
        alter::net::error e(-EINVAL, "format: expected toml, json, yaml, pm2 or procfile");
        e.field = "format";
        res.send_error("invalid", e);
        return std::nullopt;
    }
    char *js = nullptr;
    int rc = 0;
    if (!path->empty()) {
        if (!check_regular_file(*path, res)) return std::nullopt;
        rc = alter_config_read(path->c_str(), fmt, &js);
    } else {
        alter_config_options_t o = ALTER_CONFIG_OPTIONS_INIT;
        o.format = fmt;
        o.filename = filename->empty() || filename->find('\0') != std::string::npos ? nullptr : filename->c_str();
        rc = alter_config_parse(content->data(), content->size(), &o, &js);
    }
    if (rc < 0) {
        send_lib_error(res, rc, lib_input::body);
        return std::nullopt;
    }
    return take_lib_string(js);
}

// POST /ecosystem: add new apps (started), update changed ones in place, leave equal ones.
void load(daemon &d, request &req, responder &res) {
    auto apps = parse_ecosystem(req, res);
    if (!apps) return;
    char *js = nullptr;
    int rc = alter_config_apply(d.ctx(), apps->c_str(), &js);
    if (rc < 0) {
        alter_free(js);
        return send_lib_error(res, rc, lib_input::body);
    }
    // {"added","updated","unchanged"} plus the parser's warnings.
    std::string out = take_lib_string(js);
    std::string warnings = "[]";
    if (auto doc = alter::net::json_object::parse(*apps))
        if (auto w = doc->get_raw("warnings")) warnings = *w;
    // An app matched by name in another namespace moved: say so among the warnings.
    if (auto result = alter::net::json_object::parse(out)) {
        std::string extra;
        (void)result->for_each_object("moved", [&](const alter::net::json_object &m) {
            auto str = [&](std::string_view k) {
                auto v = m.get_string_or(k, "");
                return v ? *v : std::string();
            };
            std::string text = "updated " + str("name") + " (namespace " + str("from") + " → " + str("to") +
                               "): ecosystem files match apps by name, in any namespace";
            extra += extra.empty() ? "" : ",";
            alter::json::append_quoted(extra, text);
        });
        if (!extra.empty()) warnings = warnings.size() > 2 ? warnings.substr(0, warnings.size() - 1) + "," + extra + "]" : "[" + extra + "]";
    }
    if (out.size() < 2 || out.back() != '}') return res.send(200, std::move(out));
    out.pop_back();
    out += (out.size() > 1 ? ",\"warnings\":" : "\"warnings\":") + warnings + "}";
    res.send(200, std::move(out));
}

using target_fn = int (*)(alter_context_t *, const char *);

// POST /ecosystem/{stop,restart,delete}: that action on each app the file names.
void act_on_file(daemon &d, request &req, responder &res, target_fn fn) {
    auto apps = parse_ecosystem(req, res);
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
    if (fn == alter_app_stop || fn == alter_app_remove) {
        // One call over all the file's apps ("a,b,c"), so the library stops them layer by
        // layer: dependents before their dependencies, as `stop ns:NAME` does. Listed in
        // reverse file order; apps the daemon does not know are reported, not fatal.
        std::reverse(names.begin(), names.end());
        std::string list;
        std::vector<std::pair<std::string, std::string>> missing; // name, error
        for (const auto &n : names) {
            char *spec = nullptr;
            if (int rc = alter_app_spec(d.ctx(), n.c_str(), &spec); rc < 0) missing.emplace_back(n, alter_last_error());
            else list += (list.empty() ? "" : ",") + n;
            alter_free(spec);
        }
        int rc = list.empty() ? 0 : fn(d.ctx(), list.c_str());
        std::string err = rc < 0 ? alter_last_error() : "";
        if (rc > 0) total = rc;
        for (const auto &n : names) {
            auto m = std::find_if(missing.begin(), missing.end(), [&](const auto &x) { return x.first == n; });
            bool ok = m == missing.end() && rc >= 0;
            w.begin_object().field("name", n).field("ok", ok);
            if (!ok) w.field("error", m != missing.end() ? m->second : err);
            w.end_object();
        }
    } else {
        for (const auto &n : names) {
            int rc = fn(d.ctx(), n.c_str());
            w.begin_object().field("name", n).field("ok", rc >= 0);
            if (rc < 0) w.field("error", alter_last_error());
            else total += rc;
            w.end_object();
        }
    }
    w.end_array().field("affected", total).end_object();
    res.send(200, std::move(out));
}

} // namespace

void add_ecosystem_routes(alter::net::router &r, daemon &d) {
    r.add("POST", "/api/v1/ecosystem", [&d](request &req, responder res) { load(d, req, res); });
    static constexpr std::pair<std::string_view, target_fn> actions[] = {
        {"start", alter_app_start},
        {"stop", alter_app_stop},
        {"restart", alter_app_restart},
        {"delete", alter_app_remove}};
    for (auto [verb, fn] : actions)
        r.add("POST", "/api/v1/ecosystem/" + std::string(verb),
              [&d, fn](request &req, responder res) { act_on_file(d, req, res, fn); });

    // The parsed, normalised apps and the warnings; nothing is applied.
    r.add("POST", "/api/v1/config/validate", [](request &req, responder res) {
        auto apps = parse_ecosystem(req, res);
        if (apps) res.send(200, std::move(*apps));
    });
}

} // namespace alterd
