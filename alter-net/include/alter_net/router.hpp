// SPDX-License-Identifier: MIT
// Method + path routing with {param} segments. Routes are added at setup; dispatching is loop
// thread only (it calls the handlers).
//
//   router r;
//   r.add("GET", "/api/v1/processes/{name}/logs", [](request &req, responder res) {
//       auto name = req.param("name");                  // percent-decoded
//       auto lines = req.query().get("lines");          // "?lines=100"
//       ...
//   });
//   server srv(loop, r.as_handler());
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alter_net/server.hpp"

namespace alter::net {

class router {
public:
    /// Register `h` for `method` ("GET", ...) at `pattern`. A "{name}" segment matches one
    /// non-empty segment; at each position a literal segment beats a parameter. A trailing
    /// slash in the request path is ignored. Adding the same method and pattern replaces it.
    void add(std::string_view method, std::string_view pattern, handler h);

    struct match_result {
        int status = 404;             // 200: found; 400 bad escape; 404; 405
        const handler *target = nullptr;
        std::vector<std::pair<std::string_view, std::string>> params;
        std::string allow;            // for 405: "GET, HEAD, POST"
    };
    /// Pure lookup (HEAD falls back to GET).
    [[nodiscard]] match_result match(std::string_view method, std::string_view path) const;

    /// Route a request: the handler, or 404 not_found / 405 method_not_allowed with Allow /
    /// 400 bad_request for a malformed escape.
    void dispatch(request &req, responder res) const;

    /// A server handler calling dispatch(); the router must outlive the server.
    [[nodiscard]] handler as_handler() const;

private:
    struct segment {
        std::string text;
        bool param = false;
    };
    struct route {
        std::vector<segment> segs;
        std::vector<std::pair<std::string, handler>> methods;
    };
    std::string allowed_methods(const std::function<bool(const route &)> &fits) const;

    std::vector<std::unique_ptr<route>> routes_;
};

} // namespace alter::net
