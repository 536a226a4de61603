// SPDX-License-Identifier: MIT
// Client side of the wire, shared by the blocking and the asynchronous client: the request
// writer and an llhttp response parser that handles Content-Length, chunked and
// close-delimited bodies and skips 1xx interim responses.
#pragma once

#include <string>
#include <string_view>

#include <llhttp.h>

#include "alter_net/client_request.hpp"

namespace alter::net::detail {

/// Head (and body) of `req` for `host`, ready to write.
void append_request(std::string &out, const client_request &req, std::string_view host);

class response_parser {
public:
    struct sink {
        virtual void on_head(int status, header_list &&headers) = 0;
        /// False stops parsing (feed() then returns stopped).
        virtual bool on_body(std::string_view chunk) = 0;

    protected:
        ~sink() = default;
    };
    enum class state { more, complete, stopped, failed };

    explicit response_parser(sink &s, size_t max_header_bytes = 64 * 1024);
    response_parser(const response_parser &) = delete;
    response_parser &operator=(const response_parser &) = delete;

    /// Prepare for the response to a request with `method` (HEAD responses have no body).
    void reset(std::string_view method);
    state feed(const char *data, size_t len);
    /// The peer closed: completes a close-delimited body, fails an incomplete response.
    state finish();
    [[nodiscard]] bool keep_alive() const noexcept { return keep_alive_; }
    [[nodiscard]] bool got_bytes() const noexcept { return got_bytes_; }
    [[nodiscard]] const std::string &error_message() const noexcept { return error_; }

private:
    friend struct response_callbacks;
    state result_of(llhttp_errno_t err);

    sink &sink_;
    llhttp_t parser_{};
    llhttp_settings_t settings_{};
    header_list headers_;
    std::string error_;
    size_t max_header_bytes_;
    size_t header_bytes_ = 0;
    bool in_field_ = false;
    bool head_request_ = false;
    bool complete_ = false;
    bool stopped_ = false;
    bool keep_alive_ = false;
    bool got_bytes_ = false;
};

} // namespace alter::net::detail
