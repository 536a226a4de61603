// SPDX-License-Identifier: MIT
// watcher: recursive file watching with inotify on the loop (no polling), for watch mode.
// Directories created later are watched too. Changes are filtered by ignore / include globs
// (relative to the watched root) and debounced: `on_change` runs once, debounce_ms after the
// last change of a burst. Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include <uv.h>

#include "common/result.hpp"

namespace alter::detail {

/// The default ignore globs: .git, node_modules, __pycache__, *.log, build outputs...
const std::vector<std::string> &default_watch_ignores();

class watcher {
public:
    struct options {
        std::vector<std::string> roots;  // absolute paths (directories or files)
        std::vector<std::string> ignore; // globs, in addition to the defaults
        std::vector<std::string> include;// globs; empty: everything not ignored
        int64_t debounce_ms = 500;
        uint32_t max_watches = 65536;
    };
    watcher(uv_loop_t *loop, options opts, std::function<void(const std::string &path)> on_change);
    ~watcher();
    watcher(const watcher &) = delete;
    watcher &operator=(const watcher &) = delete;

    status start();
    void stop();
    size_t watch_count() const { return dirs_.size(); }
    /// True when `rel` (a path relative to a root) passes the ignore and include globs.
    bool wanted(const std::string &rel, bool is_dir) const;

private:
    static void on_poll(uv_poll_t *h, int status, int events);
    static void on_debounce(uv_timer_t *t);
    void read_events();
    void add_tree(const std::string &dir, const std::string &rel, uint32_t depth);
    void add_dir(const std::string &dir, const std::string &rel);

    uv_loop_t *loop_;
    options opts_;
    std::function<void(const std::string &)> on_change_;
    int fd_ = -1;
    uv_poll_t *poll_ = nullptr;
    uv_timer_t *timer_ = nullptr;
    struct dir_info {
        std::string path, rel;
    };
    std::unordered_map<int, dir_info> dirs_; // watch descriptor -> directory
    std::string last_path_;
};

} // namespace alter::detail
