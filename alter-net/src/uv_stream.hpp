// SPDX-License-Identifier: MIT
// Storage for a stream handle that is a TCP socket or a pipe (unix socket), viewable as the
// generic handle and stream types libuv's functions take.
#pragma once

#include <uv.h>

namespace alter::net::detail {

union any_stream {
    uv_handle_t handle;
    uv_stream_t stream;
    uv_tcp_t tcp;
    uv_pipe_t pipe;
};

} // namespace alter::net::detail
