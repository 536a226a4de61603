// SPDX-License-Identifier: MIT
#include "targets.hpp"

#include <algorithm>

#include "alter_net/url.hpp"

namespace alter::cli {

target parse_target(std::string_view text) {
    target t;
    t.text.assign(text);
    if (text == "all") {
        t.k = target::kind::all;
    } else if (text.substr(0, 3) == "ns:" && text.size() > 3) {
        t.k = target::kind::ns;
        t.value.assign(text.substr(3));
    } else {
        t.value.assign(text);
    }
    return t;
}

int target_instances(session &s, const target &t, std::vector<jvalue> &out) {
    jvalue doc;
    if (t.k == target::kind::name) {
        if (int rc = s.api_json("GET", session::proc_path(t.value), {}, doc); rc != exit_ok) return rc;
        out = doc.list("instances");
        return exit_ok;
    }
    std::string path = "/api/v1/processes";
    if (t.k == target::kind::ns) path += "?namespace=" + alter::net::percent_encode(t.value);
    if (int rc = s.api_json("GET", path, {}, doc); rc != exit_ok) return rc;
    out = doc.list("processes");
    return exit_ok;
}

int target_apps(session &s, const target &t, std::vector<std::string> &apps, std::vector<std::string_view> types) {
    std::vector<jvalue> list;
    if (int rc = target_instances(s, t, list); rc != exit_ok) return rc;
    for (const auto &i : list) {
        std::string app(i.str("app"));
        if (!types.empty() && std::find(types.begin(), types.end(), i.str("type")) == types.end()) continue;
        if (std::find(apps.begin(), apps.end(), app) == apps.end()) apps.push_back(std::move(app));
    }
    if (apps.empty() && t.k == target::kind::ns && types.empty())
        return s.fail(exit_error, "no apps in namespace '%s'", t.value.c_str());
    return exit_ok;
}

int for_each_app(session &s, const target &t, const std::function<int(const std::string &)> &fn, bool keep_going) {
    std::vector<std::string> apps;
    if (int rc = target_apps(s, t, apps); rc != exit_ok) return rc;
    int last = exit_ok;
    for (const auto &a : apps) {
        int rc = fn(a);
        if (rc == exit_ok) continue;
        if (!keep_going) return rc;
        last = rc;
    }
    return last;
}

} // namespace alter::cli
