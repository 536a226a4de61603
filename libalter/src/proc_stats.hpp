// SPDX-License-Identifier: MIT
// CPU and memory from /proc (Linux): per process tree (a process and all its descendants) and
// for the host. Reading is cheap: /proc/PID/stat and /proc/PID/task/TID/children per process.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace alter::detail {

struct tree_sample {
    uint64_t cpu_ticks = 0; // utime + stime of every process in the tree (clock ticks)
    uint64_t rss_bytes = 0; // sum of RSS
    uint32_t processes = 0;
    bool ok = false;        // the root existed
};

/// Sample the tree rooted at `pid`. At most `max_procs` processes are visited.
tree_sample sample_tree(pid_t pid, uint32_t max_procs = 4096);

/// The direct and indirect children of `pid` (depth-first), at most max_procs.
std::vector<pid_t> descendants(pid_t pid, uint32_t max_procs = 4096);

/// The live (not zombie) processes of process group `pgid`, found by a scan of /proc; at most
/// max_procs. For a stop that must outlast the group's leader.
std::vector<pid_t> group_members(pid_t pgid, uint32_t max_procs = 4096);

/// Process start time in clock ticks since boot (field 22 of /proc/PID/stat); 0 if gone.
uint64_t process_start_ticks(pid_t pid);

/// CPU percent between two samples taken `elapsed_ms` apart (100 = one core busy).
double cpu_percent(uint64_t ticks_before, uint64_t ticks_after, int64_t elapsed_ms);

struct host_sample {
    uint64_t busy_ticks = 0, total_ticks = 0;
    uint64_t mem_total = 0, mem_available = 0, swap_total = 0, swap_free = 0;
    double load1 = 0, load5 = 0, load15 = 0;
    uint64_t uptime_s = 0;
    uint32_t cpus = 0;
};
host_sample sample_host();

} // namespace alter::detail
