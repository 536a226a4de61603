// SPDX-License-Identifier: MIT
#include "alter_net/router.hpp"

#include <array>

#include "alter_net/api_error.hpp"

namespace alter::net {

namespace {
constexpr size_t max_segments = 32;

// The segments of a path; "/a/b/" -> {"a","b"}, "/" -> {}. A trailing slash is ignored.
// Fixed storage: matching a request allocates nothing unless it decodes escapes.
struct path_segments {
    std::array<std::string_view, max_segments> raw;
    size_t n = 0;
    bool too_many = false;

    explicit path_segments(std::string_view path) {
        if (!path.empty() && path.front() == '/') path.remove_prefix(1);
        if (!path.empty() && path.back() == '/') path.remove_suffix(1);
        if (path.empty()) return;
        for (size_t start = 0;;) {
            auto slash = path.find('/', start);
            if (n == max_segments) {
                too_many = true;
                return;
            }
            raw[n++] = path.substr(start, slash - start);
            if (slash == std::string_view::npos) return;
            start = slash + 1;
        }
    }
};

bool method_matches(std::string_view want, std::string_view have) {
    return want == have || (want == "HEAD" && have == "GET");
}
} // namespace

void router::add(std::string_view method, std::string_view pattern, handler h) {
    path_segments p(pattern);
    std::vector<segment> segs;
    for (size_t i = 0; i < p.n; ++i) {
        auto s = p.raw[i];
        bool param = s.size() >= 2 && s.front() == '{' && s.back() == '}';
        segs.push_back({std::string(param ? s.substr(1, s.size() - 2) : s), param});
    }
    route *r = nullptr;
    for (auto &existing : routes_) {
        bool same = existing->segs.size() == segs.size();
        for (size_t i = 0; same && i < segs.size(); ++i)
            same = existing->segs[i].param == segs[i].param &&
                   existing->segs[i].text == segs[i].text;
        if (same) r = existing.get();
    }
    if (r == nullptr) {
        routes_.push_back(std::make_unique<route>());
        r = routes_.back().get();
        r->segs = std::move(segs);
    }
    for (auto &m : r->methods) {
        if (m.first == method) {
            m.second = std::move(h);
            return;
        }
    }
    r->methods.emplace_back(std::string(method), std::move(h));
}

router::match_result router::match(std::string_view method, std::string_view path) const {
    match_result res;
    path_segments p(path);
    if (p.too_many) return res;
    // Decode only the segments that have escapes.
    std::array<std::string, max_segments> decoded;
    std::array<std::string_view, max_segments> segs;
    for (size_t i = 0; i < p.n; ++i) {
        segs[i] = p.raw[i];
        if (segs[i].find('%') == std::string_view::npos) continue;
        if (!percent_decode(p.raw[i], decoded[i])) {
            res.status = 400;
            return res;
        }
        segs[i] = decoded[i];
    }
    auto fits = [&](const route &r) {
        if (r.segs.size() != p.n) return false;
        for (size_t i = 0; i < p.n; ++i)
            if (r.segs[i].param ? segs[i].empty() : r.segs[i].text != segs[i]) return false;
        return true;
    };
    const route *best = nullptr;
    bool path_known = false;
    for (const auto &r : routes_) {
        if (!fits(*r)) continue;
        path_known = true;
        bool has_method = false;
        for (const auto &m : r->methods) has_method = has_method || method_matches(method, m.first);
        if (!has_method) continue;
        // Prefer the route whose first differing segment is a literal.
        bool better = best == nullptr;
        for (size_t i = 0; !better && i < p.n; ++i) {
            if (r->segs[i].param == best->segs[i].param) continue;
            better = !r->segs[i].param;
            break;
        }
        if (better) best = r.get();
    }
    if (best == nullptr) {
        if (path_known) {
            res.status = 405;
            res.allow = allowed_methods(fits);
        }
        return res;
    }
    // An exact method beats HEAD served by GET.
    for (const auto &m : best->methods)
        if (m.first == method || (res.target == nullptr && method_matches(method, m.first)))
            res.target = &m.second;
    for (size_t i = 0; i < p.n; ++i)
        if (best->segs[i].param) res.params.emplace_back(best->segs[i].text, std::string(segs[i]));
    res.status = 200;
    return res;
}

std::string router::allowed_methods(const std::function<bool(const route &)> &fits) const {
    std::string allow;
    std::vector<std::string_view> seen;
    auto add_one = [&](std::string_view m) {
        for (auto a : seen)
            if (a == m) return;
        seen.push_back(m);
        if (!allow.empty()) allow.append(", ");
        allow.append(m);
    };
    for (const auto &r : routes_) {
        if (!fits(*r)) continue;
        for (const auto &m : r->methods) {
            add_one(m.first);
            if (m.first == "GET") add_one("HEAD");
        }
    }
    return allow;
}

void router::dispatch(request &req, responder res) const {
    auto m = match(req.method(), req.path());
    switch (m.status) {
    case 200:
        req.set_params(std::move(m.params));
        (*m.target)(req, std::move(res));
        return;
    case 400: res.send_error("bad_request", "malformed percent-escape in the path"); return;
    case 405:
        res.header("Allow", m.allow);
        res.send_error("method_not_allowed",
                       std::string(req.method()) + " is not allowed here (allowed: " + m.allow + ")");
        return;
    default: res.send_error("not_found", "no such route: " + std::string(req.path())); return;
    }
}

handler router::as_handler() const {
    return [this](request &req, responder res) { dispatch(req, std::move(res)); };
}

} // namespace alter::net
