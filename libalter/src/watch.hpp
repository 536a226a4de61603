// SPDX-License-Identifier: MIT
// watcher: recursive file watching with inotify on the loop (no polling), for watch mode.
// Each root is a directory (watched recursively, directories created later too) or a file (its
// directory is watched, events filtered to that name); each root has its own filter. Changes
// are filtered by ignore / include globs (relative to the root; an explicit file root is always
// wanted) and debounced: `on_change` runs once, debounce_ms after the last change of a burst.
//
// A root that does not exist yet (or is deleted later) is waited for through its nearest
// existing ancestor directory and picked up, counted as a change, when it appears. A queue
// overflow (IN_Q_OVERFLOW) rescans every root, so directories created meanwhile are not missed,
// and counts as a change. Watch failures (ENOSPC: fs.inotify.max_user_watches, EACCES...) and
// reaching max_watches are reported through `report` (once per kind), never printed.
// Loop thread only.
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
        std::vector<std::string> roots;  // paths: directories or files, existing or not (yet)
        std::vector<std::string> ignore; // globs, in addition to the defaults
        std::vector<std::string> include;// globs; empty: everything not ignored
        int64_t debounce_ms = 500;
        uint32_t max_watches = 65536;    // directories watched at most
        bool operator==(const options &) const = default;
    };
    /// level: 2 warning, 3 error (the context's record levels).
    using report_fn = std::function<void(int level, const std::string &message)>;

    watcher(uv_loop_t *loop, options opts, report_fn report, std::function<void(const std::string &path)> on_change);
    ~watcher();
    watcher(const watcher &) = delete;
    watcher &operator=(const watcher &) = delete;

    /// Fails only when inotify itself cannot be used (-errno).
    status start();
    void stop();
    const options &opts() const { return opts_; }
    size_t watch_count() const { return dirs_.size(); }
    /// True when `rel` (a path relative to a directory root) passes the ignore and include globs.
    bool wanted(const std::string &rel, bool is_dir) const;

private:
    struct root {
        std::string path;
        bool file = false;    // a file root: its directory is watched, events for its name count
        bool pending = true;  // missing: waited for through an ancestor
    };
    struct owner {
        uint32_t root;
        std::string rel;      // the directory relative to its root ("" for the root's own)
        bool ancestor = false;// an existing ancestor of a missing root
        bool operator==(const owner &) const = default;
    };
    struct dir_info {
        std::string path;
        std::vector<owner> owners; // one directory can serve several roots
    };

    static void on_poll(uv_poll_t *h, int status, int events);
    static void on_debounce(uv_timer_t *t);
    void read_events();
    bool handle(int wd, uint32_t mask, const std::string &name, std::vector<uint32_t> &activate);
    void activate(uint32_t r);
    void rescan();
    void add_tree(uint32_t r, const std::string &dir, const std::string &rel, uint32_t depth);
    bool add_dir(const std::string &dir, owner o);
    void drop_ancestor_watches(uint32_t r);
    void report_failure(int err, const std::string &dir);
    void changed(std::string path);

    uv_loop_t *loop_;
    options opts_;
    report_fn report_;
    std::function<void(const std::string &)> on_change_;
    int fd_ = -1;
    uv_poll_t *poll_ = nullptr;
    uv_timer_t *timer_ = nullptr;
    std::vector<root> roots_;
    std::unordered_map<int, dir_info> dirs_; // watch descriptor -> directory
    std::vector<int> reported_;              // errnos already reported
    bool cap_reported_ = false;
    bool dirty_ = false;                     // a change is waiting for the debounce timer
    std::string last_path_;
};

} // namespace alter::detail
