// SPDX-License-Identifier: MIT
#include "unix_address.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace alter::net::detail {

unix_address::~unix_address() {
    if (dir_fd_ >= 0) ::close(dir_fd_);
}

int unix_address::set(const std::string &path) {
    if (dir_fd_ >= 0) ::close(dir_fd_);
    dir_fd_ = -1;
    addr_ = {};
    addr_.sun_family = AF_UNIX;
    if (path.empty() || path.find('\0') != std::string::npos) return -EINVAL;
    if (path.size() < sizeof addr_.sun_path) {
        path.copy(addr_.sun_path, path.size());
        return 0;
    }
    size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    if (name.empty()) return -EINVAL;
    if (name.size() >= sizeof addr_.sun_path) return -ENAMETOOLONG;
    int fd = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    std::string via = "/proc/self/fd/" + std::to_string(fd) + "/" + name;
    if (via.size() >= sizeof addr_.sun_path) {
        ::close(fd);
        return -ENAMETOOLONG;
    }
    via.copy(addr_.sun_path, via.size());
    dir_fd_ = fd;
    return 0;
}

} // namespace alter::net::detail
