// SPDX-License-Identifier: MIT
// Dependency graph checks between apps (deps = [...]): unknown names and cycles are errors;
// depth orders starts (dependencies first) and stops (dependents first). Pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace alter::detail {

struct dep_node {
    std::string name;
    std::vector<std::string> deps;
};

/// ALTER_ESPEC for a dependency on an unknown app, ALTER_ECYCLE with the cycle spelled out
/// ("a -> b -> c -> a").
status validate_deps(const std::vector<dep_node> &nodes);

/// Depth of every node: 0 without dependencies, else 1 + the deepest dependency. Nodes in a
/// cycle (never accepted by validate_deps) or with unknown deps count those edges as absent.
std::map<std::string, int> dep_depths(const std::vector<dep_node> &nodes);

} // namespace alter::detail
