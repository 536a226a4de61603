// SPDX-License-Identifier: MIT
#include "deps.hpp"

#include <algorithm>

#include "alter/alter.h"

namespace alter::detail {

namespace {
const dep_node *find(const std::vector<dep_node> &nodes, const std::string &name) {
    for (const auto &n : nodes)
        if (n.name == name) return &n;
    return nullptr;
}
} // namespace

status validate_deps(const std::vector<dep_node> &nodes) {
    for (const auto &n : nodes)
        for (const auto &d : n.deps) {
            if (find(nodes, d) == nullptr) {
                error e(ALTER_ESPEC, n.name + ": depends on unknown app '" + d + "'");
                e.field = "deps";
                return e;
            }
            if (d == n.name) {
                error e(ALTER_ECYCLE, n.name + ": depends on itself");
                e.field = "deps";
                return e;
            }
        }
    // Depth-first search with colours; the path gives the cycle.
    enum colour { white, grey, black };
    std::map<std::string, colour> c;
    std::vector<std::string> path;
    std::string cycle;
    auto dfs = [&](auto &&self, const dep_node &n) -> bool {
        c[n.name] = grey;
        path.push_back(n.name);
        for (const auto &d : n.deps) {
            colour cd = c.count(d) ? c[d] : white;
            if (cd == grey) {
                auto it = std::find(path.begin(), path.end(), d);
                for (; it != path.end(); ++it) cycle += *it + " -> ";
                cycle += d;
                return false;
            }
            if (cd == white) {
                if (const dep_node *m = find(nodes, d); m && !self(self, *m)) return false;
            }
        }
        path.pop_back();
        c[n.name] = black;
        return true;
    };
    for (const auto &n : nodes) {
        if (c.count(n.name) && c[n.name] != white) continue;
        if (!dfs(dfs, n)) {
            error e(ALTER_ECYCLE, "dependency cycle: " + cycle);
            e.field = "deps";
            return e;
        }
    }
    return {};
}

std::map<std::string, int> dep_depths(const std::vector<dep_node> &nodes) {
    std::map<std::string, int> depth;
    std::map<std::string, bool> visiting;
    auto visit = [&](auto &&self, const dep_node &n) -> int {
        if (auto it = depth.find(n.name); it != depth.end()) return it->second;
        if (visiting[n.name]) return -1; // a cycle: the back edge counts as absent
        visiting[n.name] = true;
        int d = 0;
        for (const auto &dn : n.deps)
            if (const dep_node *m = find(nodes, dn)) d = std::max(d, 1 + self(self, *m));
        visiting[n.name] = false;
        depth[n.name] = d;
        return d;
    };
    for (const auto &n : nodes) visit(visit, n);
    return depth;
}

} // namespace alter::detail
