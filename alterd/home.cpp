// SPDX-License-Identifier: MIT
#include "home.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alter/alter.h"
#include "alter/json.hpp"
#include "alter_net/json.hpp"

namespace alterd {

using alter::net::error;

home_paths resolve_home(const std::string &flag) {
    std::string dir = flag;
    if (dir.empty()) {
        if (const char *e = std::getenv("ALTER_HOME"); e != nullptr && *e != '\0') dir = e;
    }
    if (dir.empty()) {
        const char *home = std::getenv("HOME");
        if (home == nullptr || *home == '\0') {
            struct passwd *pw = getpwuid(getuid());
            home = pw != nullptr ? pw->pw_dir : "/";
        }
        dir = std::string(home) + "/.alter-pm2";
    }
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    if (!dir.empty() && dir[0] != '/') {
        char cwd[4096];
        if (getcwd(cwd, sizeof cwd) != nullptr) dir = std::string(cwd) + "/" + dir;
    }
    home_paths h;
    h.dir = dir;
    const char *logs = std::getenv("ALTER_LOG_DIR");
    h.logs = logs != nullptr && *logs != '\0' ? logs : dir + "/logs";
    h.socket = dir + "/alterd.sock";
    h.pid_file = dir + "/alterd.pid";
    h.state = dir + "/state.json";
    h.auth = dir + "/auth.json";
    h.settings = dir + "/settings.json";
    h.daemon_log = dir + "/daemon.log";
    return h;
}

status prepare_home(const home_paths &h) {
    // mkdir -p, the last component 0700.
    for (size_t i = 1; i <= h.dir.size(); ++i) {
        if (i != h.dir.size() && h.dir[i] != '/') continue;
        std::string part = h.dir.substr(0, i);
        if (::mkdir(part.c_str(), i == h.dir.size() ? 0700 : 0755) != 0 && errno != EEXIST)
            return error(-errno, "cannot create " + part + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (::stat(h.dir.c_str(), &st) != 0) return error(-errno, "cannot use " + h.dir + ": " + std::strerror(errno));
    if (!S_ISDIR(st.st_mode)) return error(-ENOTDIR, h.dir + " is not a directory");
    if (st.st_uid != geteuid()) return error(-EPERM, h.dir + " belongs to another user");
    if ((st.st_mode & 077) != 0 && ::chmod(h.dir.c_str(), 0700) != 0)
        return error(-errno, "cannot make " + h.dir + " private: " + std::strerror(errno));
    return {};
}

result<int> take_lock(const home_paths &h) {
    int fd = ::open(h.pid_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return error(-errno, "cannot open " + h.pid_file + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int pid = running_pid(h);
        ::close(fd);
        return error(-EBUSY, "a daemon is already running for " + h.dir + (pid > 0 ? " (pid " + std::to_string(pid) + ")" : ""));
    }
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        int e = errno;
        ::close(fd);
        return error(-e, "cannot write " + h.pid_file + ": " + std::strerror(e));
    }
    return fd;
}

int running_pid(const home_paths &h) {
    int fd = ::open(h.pid_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    // Only a locked pid file belongs to a live daemon.
    bool locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    char buf[32] = {};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    if (!locked || n <= 0) return 0;
    return std::atoi(buf);
}

status ensure_master_token(const home_paths &h) {
    std::string text;
    if (int fd = ::open(h.auth.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
        char buf[8192];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
        ::close(fd);
        auto doc = alter::net::json_object::parse(text);
        if (doc) {
            auto tok = doc->get_string_or("master_token", "");
            if (tok && tok->size() >= 32) {
                ::chmod(h.auth.c_str(), 0600);
                return {};
            }
        } else if (!text.empty()) {
            // Keep the unreadable file for the user to inspect; start a fresh one.
            ::rename(h.auth.c_str(), (h.auth + ".corrupt").c_str());
            text.clear();
        }
    }
    unsigned char raw[32];
    if (getrandom(raw, sizeof raw, 0) != static_cast<ssize_t>(sizeof raw)) return error(-EIO, "no randomness for the master token");
    static constexpr char hex[] = "0123456789abcdef";
    std::string token;
    for (unsigned char c : raw) {
        token.push_back(hex[c >> 4]);
        token.push_back(hex[c & 15]);
    }
    // Keep whatever else alter-web stored in the file (password hash, sessions...).
    std::string out;
    alter::json::writer w(out);
    w.begin_object();
    if (auto doc = alter::net::json_object::parse(text)) {
        for (const auto &k : doc->keys()) {
            if (k == "master_token") continue;
            auto raw_member = doc->get_raw(k);
            if (raw_member) w.field_raw(k, *raw_member);
        }
    }
    w.field("master_token", token);
    w.end_object();
    out.push_back('\n');
    if (alter_write_file_atomic(h.auth.c_str(), out.data(), out.size(), 0600) < 0)
        return error(-EIO, std::string("cannot write ") + h.auth + ": " + alter_last_error());
    return {};
}

} // namespace alterd
