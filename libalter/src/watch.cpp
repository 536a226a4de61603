// SPDX-License-Identifier: MIT
#include "watch.hpp"

#include <algorithm>
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

// Absolute, without "." components or trailing slashes: ancestors are found by cutting.
std::string normal_path(const std::string &p) {
    std::string in = p;
    if (in.empty() || in[0] != '/') {
        char buf[4096];
        std::string cwd = ::getcwd(buf, sizeof buf) != nullptr ? buf : "/";
        in = cwd + "/" + in;
    }
    std::string out;
    for (size_t i = 0; i < in.size();) {
        size_t j = in.find('/', i);
        if (j == std::string::npos) j = in.size();
        std::string_view part(in.data() + i, j - i);
        if (!part.empty() && part != ".") out += "/" + std::string(part);
        i = j + 1;
    }
    return out.empty() ? "/" : out;
}

std::string parent_of(const std::string &p) {
    size_t slash = p.rfind('/');
    return slash == 0 || slash == std::string::npos ? "/" : p.substr(0, slash);
}

std::string base_of(const std::string &p) { return p.substr(p.rfind('/') + 1); }

std::string child_of(const std::string &dir, const std::string &name) { return dir == "/" ? "/" + name : dir + "/" + name; }

uint32_t depth_of(const std::string &rel) { return static_cast<uint32_t>(std::count(rel.begin(), rel.end(), '/') + 1); }
} // namespace

watcher::watcher(uv_loop_t *loop, options opts, report_fn report, std::function<void(const std::string &)> on_change)
    : loop_(loop), opts_(std::move(opts)), report_(std::move(report)), on_change_(std::move(on_change)) {}

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
    for (const auto &p : opts_.roots) roots_.push_back(root{normal_path(p)});
    for (uint32_t r = 0; r < roots_.size(); ++r) activate(r);
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
    roots_.clear();
}

void watcher::report_failure(int err, const std::string &dir) {
    if (err == ENOENT || err == ENOTDIR) return; // gone in the meantime: its parent saw that
    if (std::find(reported_.begin(), reported_.end(), err) != reported_.end()) return;
    reported_.push_back(err);
    if (!report_) return;
    if (err == ENOSPC)
        report_(3, "no inotify watch left for " + dir + " (raise fs.inotify.max_user_watches): it and later directories are not watched");
    else
        report_(2, "cannot watch " + dir + ": " + std::strerror(err));
}

bool watcher::add_dir(const std::string &dir, owner o) {
    if (dirs_.size() >= opts_.max_watches) {
        if (!cap_reported_ && report_)
            report_(2, "watching " + std::to_string(opts_.max_watches) + " directories, the most allowed: " + dir +
                           " and later ones are not watched");
        cap_reported_ = true;
        return false;
    }
    int wd = ::inotify_add_watch(fd_, dir.c_str(), dir_mask);
    if (wd < 0) {
        report_failure(errno, dir);
        return false;
    }
    dir_info &d = dirs_[wd]; // the same directory twice gives the same descriptor
    if (d.path.empty()) d.path = dir;
    if (std::find(d.owners.begin(), d.owners.end(), o) == d.owners.end()) d.owners.push_back(std::move(o));
    return true;
}

void watcher::drop_ancestor_watches(uint32_t r) {
    for (auto it = dirs_.begin(); it != dirs_.end();) {
        auto &owners = it->second.owners;
        std::erase_if(owners, [&](const owner &o) { return o.ancestor && o.root == r; });
        if (owners.empty()) {
            ::inotify_rm_watch(fd_, it->first);
            it = dirs_.erase(it);
        } else {
            ++it;
        }
    }
}

void watcher::activate(uint32_t r) {
    // A root that exists is watched itself; a missing one through its nearest existing ancestor,
    // which tells when the next piece of the path appears.
    drop_ancestor_watches(r);
    struct stat st {};
    const std::string path = roots_[r].path;
    if (::stat(path.c_str(), &st) == 0) {
        roots_[r].pending = false;
        roots_[r].file = !S_ISDIR(st.st_mode);
        if (roots_[r].file) add_dir(parent_of(path), owner{r, ""});
        else add_tree(r, path, "", 0);
        return;
    }
    roots_[r].pending = true;
    for (std::string a = parent_of(path);; a = parent_of(a)) {
        if (::stat(a.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
            add_dir(a, owner{r, "", true});
            return;
        }
        if (a == "/") return;
    }
}

void watcher::add_tree(uint32_t r, const std::string &dir, const std::string &rel, uint32_t depth) {
    if (depth > max_depth) return;
    if (!add_dir(dir, owner{r, rel})) return;
    DIR *d = ::opendir(dir.c_str());
    if (d == nullptr) return;
    std::vector<std::pair<std::string, std::string>> subdirs;
    while (dirent *e = ::readdir(d)) {
        if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0))) continue;
        bool is_dir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st {};
            is_dir = ::lstat(child_of(dir, e->d_name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
        }
        if (!is_dir) continue;
        std::string sub = rel.empty() ? std::string(e->d_name) : rel + "/" + e->d_name;
        if (wanted(sub, true)) subdirs.emplace_back(child_of(dir, e->d_name), std::move(sub));
    }
    ::closedir(d);
    for (auto &[path, sub] : subdirs) add_tree(r, path, sub, depth + 1);
}

void watcher::rescan() {
    // Events were lost: directories may have appeared unseen. Watching one again is harmless.
    for (uint32_t r = 0; r < roots_.size(); ++r) {
        if (roots_[r].pending || roots_[r].file) activate(r);
        else add_tree(r, roots_[r].path, "", 0);
    }
}

void watcher::on_poll(uv_poll_t *h, int, int) {
    auto *self = static_cast<watcher *>(h->data);
    if (self != nullptr) self->read_events();
}

bool watcher::handle(int wd, uint32_t mask, const std::string &name, std::vector<uint32_t> &activate_list) {
    auto it = dirs_.find(wd);
    if (it == dirs_.end()) return false;
    if (mask & IN_IGNORED) {
        // The directory is gone: a root's own (or the one holding a file root, or an ancestor
        // of a missing root) is looked for again.
        for (const auto &o : it->second.owners)
            if (o.rel.empty()) activate_list.push_back(o.root);
        dirs_.erase(it);
        return false;
    }
    if (mask & IN_MOVE_SELF) {
        // Its path is stale now; where it went (if inside a root) is watched from IN_MOVED_TO.
        ::inotify_rm_watch(fd_, wd); // IN_IGNORED follows
        return false;
    }
    if (name.empty()) return false;
    // Copies: add_tree below may rehash dirs_.
    const std::string dir = it->second.path;
    const std::vector<owner> owners = it->second.owners;
    bool is_dir = (mask & IN_ISDIR) != 0;
    bool created = (mask & (IN_CREATE | IN_MOVED_TO)) != 0;
    bool any = false;
    for (const auto &o : owners) {
        const root &rt = roots_[o.root];
        if (o.ancestor) {
            std::string child = child_of(dir, name);
            if (created && rt.path.compare(0, child.size(), child) == 0 &&
                (rt.path.size() == child.size() || rt.path[child.size()] == '/'))
                activate_list.push_back(o.root);
            continue;
        }
        if (rt.file) { // a listed file is always wanted, whatever the globs say
            if (name == base_of(rt.path)) {
                any = true;
                last_path_ = rt.path;
            }
            continue;
        }
        std::string rel = o.rel.empty() ? name : o.rel + "/" + name;
        if (!wanted(rel, is_dir)) continue;
        if (is_dir && created) add_tree(o.root, child_of(dir, name), rel, depth_of(rel));
        else if (is_dir && !(mask & (IN_DELETE | IN_MOVED_FROM))) continue;
        any = true;
        last_path_ = rel;
    }
    return any;
}

void watcher::read_events() {
    alignas(inotify_event) char buf[16384];
    std::vector<uint32_t> activate_list;
    bool overflow = false;
    for (;;) {
        ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n <= 0) break;
        for (char *p = buf; p < buf + n;) {
            auto *ev = reinterpret_cast<inotify_event *>(p);
            p += sizeof(inotify_event) + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                overflow = true;
                continue;
            }
            if (handle(ev->wd, ev->mask, ev->len > 0 ? std::string(ev->name) : std::string(), activate_list)) dirty_ = true;
        }
    }
    std::sort(activate_list.begin(), activate_list.end());
    activate_list.erase(std::unique(activate_list.begin(), activate_list.end()), activate_list.end());
    for (uint32_t r : activate_list) {
        bool was_pending = roots_[r].pending;
        activate(r);
        if (was_pending != roots_[r].pending) { // appeared or vanished
            dirty_ = true;
            last_path_ = roots_[r].path;
        }
    }
    if (overflow) {
        if (report_) report_(2, "inotify event queue overflowed: rescanning");
        rescan();
        dirty_ = true;
        last_path_ = "(events lost: rescanned)";
    }
    if (dirty_ && timer_ != nullptr) {
        dirty_ = false;
        uint64_t ms = static_cast<uint64_t>(opts_.debounce_ms < 0 ? 0 : opts_.debounce_ms);
        uv_timer_start(timer_, &watcher::on_debounce, ms, 0); // trailing: restarts the countdown
    }
}

void watcher::on_debounce(uv_timer_t *t) {
    auto *self = static_cast<watcher *>(t->data);
    if (self != nullptr) self->on_change_(self->last_path_);
}

} // namespace alter::detail
