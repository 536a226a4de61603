// SPDX-License-Identifier: MIT
// <target> arguments: an app or instance name, "all", or "ns:NAME". alterd's per-app routes take
// a name (some also "all"); namespaces have routes only for start/stop/restart. The helpers
// here pick the route a target can use, or fall back to one request per app of the group.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "session.hpp"

namespace alter::cli {

struct target {
    enum class kind : uint8_t { name, all, ns };
    kind k = kind::name;
    std::string value; // the name, or the namespace
    std::string text;  // as typed
    [[nodiscard]] bool group() const noexcept { return k != kind::name; }
};

[[nodiscard]] target parse_target(std::string_view text);

/// The instance objects of a target (GET /processes/{name}, or the list, filtered by namespace).
[[nodiscard]] int target_instances(session &s, const target &t, std::vector<jvalue> &out);

/// The apps of a group target, in list order (each once). `types`: only apps of these types
/// (empty: all).
[[nodiscard]] int target_apps(session &s, const target &t, std::vector<std::string> &apps,
                              std::vector<std::string_view> types = {});

/// Call `fn(app)` for each app of a group target; stops at the first non-zero exit code unless
/// `keep_going` (then the last failure is returned).
[[nodiscard]] int for_each_app(session &s, const target &t, const std::function<int(const std::string &)> &fn,
                               bool keep_going = false);

} // namespace alter::cli
