// SPDX-License-Identifier: MIT
// A request as the clients send it and a response as the blocking client returns it.
#pragma once

#include <string>
#include <string_view>

#include "alter_net/http.hpp"

namespace alter::net {

struct client_request {
    std::string method = "GET";
    std::string target = "/"; // already percent-encoded (see percent_encode)
    header_list headers;      // Host and Content-Length are added by the client
    std::string body;

    /// A request with a JSON body (Content-Type: application/json).
    [[nodiscard]] static client_request json(std::string method, std::string target,
                                             std::string body);
};

struct client_response {
    int status = 0;
    header_list headers;
    std::string body;

    /// First header named `name` (case-insensitive), or nullptr.
    [[nodiscard]] const std::string *header(std::string_view name) const noexcept {
        return find_header(headers, name);
    }
};

} // namespace alter::net
