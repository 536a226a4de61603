// SPDX-License-Identifier: MIT
#include "watch.hpp"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alter/alter.h"
#include "glob.hpp"
#include "supervisor.hpp"

namespace alter::detail {

const std::vector<std::string> &default_watch_ignores() {
    static const std::vector<std::string> d = {
        ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".mypy_cache", ".pytest_cache",
        ".tox", ".cache", ".next", ".nuxt", "build", "dist", "target", "coverage", "*.log", "*.pyc", "*.pyo",
        "*.o", "*.obj", "*.swp", "*.swx", "*.tmp", "*~", ".#*", "#*#", ".DS_Store", "4913",
    };
    return d;
}

namespace {
constexpr uint32_t dir_mask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO |
                              IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW;
constexpr uint32_t max_depth = 32;
} // namespace

watcher::watcher(uv_loop_t *loop, options opts, std::function<void(const std::string &)> on_change)
    : loop_(loop), opts_(std::move(opts)), on_change_(std::move(on_change)) {}

watcher::~watcher() { stop(); }

bool watcher::wanted(const std::string &rel, bool is_dir) const {
    if (rel.empty()) return true;
    for (const auto &g : default_watch_ignores())
        if (glob_path_match(g, rel, is_dir)) return false;
    for (const auto &g : opts_.ignore)
        if (glob_path_match(g, rel, is_dir)) return false;
    if (is_dir || opts_.include.empty()) return true;
    for (const auto &g : opts_.include)
        if (glob_path_match(g, rel, false)) return true;
    return false;
}

status watcher::start() {
    fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ < 0) return error(-errno, std::string("inotify: ") + std::strerror(errno));
    for (const auto &root : opts_.roots) {
        struct stat st {};
        if (::stat(root.c_str(), &st) != 0) return error(-errno, "cannot watch " + root + ": " + std::strerror(errno));
        if (S_ISDIR(st.st_mode)) add_tree(root, "", 0);
        else {
            // A single file: watch its directory (editors replace files by renaming).
            std::string dir = root.substr(0, root.rfind('/') == std::string::npos ? 0 : root.rfind('/'));
            add_dir(dir.empty() ? "." : dir, "");
            if (opts_.include.empty()) opts_.include.push_back(root.substr(root.rfind('/') + 1));
        }
    }
    poll_ = new_handle<uv_poll_t>();
    uv_poll_init(loop_, poll_, fd_);
    poll_->data = this;
    uv_poll_start(poll_, UV_READABLE, &watcher::on_poll);
    timer_ = new_handle<uv_timer_t>();
    uv_timer_init(loop_, timer_);
    timer_->data = this;
    return {};
}

void watcher::stop() {
    close_handle(poll_);
    close_handle(timer_);
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    dirs_.clear();
}

void watcher::add_dir(const std::string &dir, const std::string &rel) {
    if (dirs_.size() >= opts_.max_watches) return;
    int wd = ::inotify_add_watch(fd_, dir.c_str(), dir_mask);
    if (wd >= 0) dirs_[wd] = dir_info{dir, rel};
}

void watcher::add_tree(const std::string &dir, const std::string &rel, uint32_t depth) {
    if (depth > max_depth) return;
    add_dir(dir, rel);
    DIR *d = ::opendir(dir.c_str());
    if (d == nullptr) return;
    std::vector<std::pair<std::string, std::string>> subdirs;
    while (dirent *e = ::readdir(d)) {
        if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0))) continue;
        bool is_dir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st {};
            is_dir = ::lstat((dir + "/" + e->d_name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
        }
        if (!is_dir) continue;
        std::string r = rel.empty() ? std::string(e->d_name) : rel + "/" + e->d_name;
        if (wanted(r, true)) subdirs.emplace_back(dir + "/" + e->d_name, std::move(r));
    }
    ::closedir(d);
    for (auto &[path, r] : subdirs) add_tree(path, r, depth + 1);
}

void watcher::on_poll(uv_poll_t *h, int, int) {
    auto *self = static_cast<watcher *>(h->data);
    if (self != nullptr) self->read_events();
}

void watcher::read_events() {
    alignas(inotify_event) char buf[16384];
    bool changed = false;
    for (;;) {
        ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n <= 0) break;
        for (char *p = buf; p < buf + n;) {
            auto *ev = reinterpret_cast<inotify_event *>(p);
            p += sizeof(inotify_event) + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                changed = true;
                last_path_ = "(many changes)";
                continue;
            }
            auto it = dirs_.find(ev->wd);
            if (it == dirs_.end()) continue;
            if (ev->mask & IN_IGNORED) {
                dirs_.erase(it);
                continue;
            }
            if (ev->len == 0) continue; // events on the directory itself
            std::string name(ev->name);
            std::string rel = it->second.rel.empty() ? name : it->second.rel + "/" + name;
            bool is_dir = (ev->mask & IN_ISDIR) != 0;
            if (!wanted(rel, is_dir)) continue;
            if (is_dir && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
                add_tree(it->second.path + "/" + name, rel, 1);
                changed = true;
                last_path_ = rel;
                continue;
            }
            if (is_dir && !(ev->mask & (IN_DELETE | IN_MOVED_FROM))) continue;
            changed = true;
            last_path_ = rel;
        }
    }
    if (changed && timer_ != nullptr) {
        uint64_t ms = static_cast<uint64_t>(opts_.debounce_ms < 0 ? 0 : opts_.debounce_ms);
        uv_timer_start(timer_, &watcher::on_debounce, ms, 0); // trailing: restarts the countdown
    }
}

void watcher::on_debounce(uv_timer_t *t) {
    auto *self = static_cast<watcher *>(t->data);
    if (self != nullptr) self->on_change_(self->last_path_);
}

} // namespace alter::detail
