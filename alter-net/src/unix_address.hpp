// SPDX-License-Identifier: MIT
// A unix socket address for any path, also one longer than sun_path (108 bytes, "File name
// too long" from bind/connect): the socket's directory is then opened with O_PATH and the
// socket addressed as /proc/self/fd/N/<name>, which the kernel resolves to the same file.
// Shared by the server (bind) and both clients (connect). Not thread-safe; short-lived.
#pragma once

#include <string>
#include <sys/socket.h>
#include <sys/un.h>

namespace alter::net::detail {

class unix_address {
public:
    unix_address() = default;
    ~unix_address();
    unix_address(const unix_address &) = delete;
    unix_address &operator=(const unix_address &) = delete;

    /// 0, -EINVAL (empty path, NUL byte, no file name), -ENAMETOOLONG (the file name alone does
    /// not fit), or the -errno of opening the directory. Keep the object alive until bind() or
    /// connect() returned: it holds the directory open.
    [[nodiscard]] int set(const std::string &path);
    [[nodiscard]] const sockaddr *get() const noexcept { return reinterpret_cast<const sockaddr *>(&addr_); }
    [[nodiscard]] socklen_t size() const noexcept { return sizeof addr_; }
    /// sun_path as a C string (for uv_pipe_connect).
    [[nodiscard]] const char *path() const noexcept { return addr_.sun_path; }

private:
    sockaddr_un addr_{};
    int dir_fd_ = -1;
};

} // namespace alter::net::detail
