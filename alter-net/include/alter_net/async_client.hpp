// SPDX-License-Identifier: MIT
// Asynchronous HTTP/1.1 client on a libuv loop, for alter-web's gateway: forward a request to
// alterd's unix socket (or a TCP host:port, numeric or "localhost") and stream the response
// back piece by piece, so that SSE passes through live. One connection per call
// ("Connection: close"). Loop thread only.
//
//   async_client up(loop, endpoint::unix_socket(sock));
//   auto call = up.request(std::move(req), {
//       .on_head = [=](int status, const header_list &h) mutable { s = res.begin_stream(...); },
//       .on_body = [=](std::string_view chunk) mutable { s.write(chunk); },
//       .on_end  = [=](const error *err) mutable { if (!err) s.end(); else ... }});
//   res.on_close([call]() mutable { call.cancel(); });   // downstream went away
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string_view>

#include "alter_net/client_request.hpp"
#include "alter_net/endpoint.hpp"

extern "C" {
typedef struct uv_loop_s uv_loop_t;
}

namespace alter::net {

namespace detail {
struct async_call_impl;
}

struct async_callbacks {
    /// Status and headers of the response (once, before any body).
    std::function<void(int status, const header_list &headers)> on_head;
    /// A piece of the (de-chunked) body.
    std::function<void(std::string_view chunk)> on_body;
    /// Exactly once at the end, unless cancelled: nullptr on success, else the error (-errno of
    /// connect/read/write, -ETIMEDOUT, -EPROTO). Errors after on_head mean a truncated body.
    std::function<void(const error *err)> on_end;
};

struct async_options {
    std::chrono::milliseconds connect_timeout{5'000};
    /// Longest silence from the upstream once connected (0: none; an SSE upstream sends
    /// keepalives, so keep this above its interval).
    std::chrono::milliseconds idle_timeout{0};
};

/// A handle on a running call. Dropping it does not cancel the call.
class async_call {
public:
    async_call() = default;
    /// Close the upstream connection now; no callback runs after this. Idempotent.
    void cancel() noexcept;
    /// True until on_end ran or the call was cancelled.
    [[nodiscard]] bool active() const noexcept;

private:
    friend class async_client;
    explicit async_call(std::shared_ptr<detail::async_call_impl> p) : impl_(std::move(p)) {}
    std::shared_ptr<detail::async_call_impl> impl_;
};

class async_client {
public:
    async_client(uv_loop_t *loop, endpoint ep, async_options opts = {});

    /// Start `req`. Callbacks run on the loop thread, never from inside this call.
    [[nodiscard]] async_call request(client_request req, async_callbacks cbs);

    [[nodiscard]] const endpoint &where() const noexcept { return ep_; }

private:
    uv_loop_t *loop_;
    endpoint ep_;
    async_options opts_;
};

} // namespace alter::net
