// SPDX-License-Identifier: MIT
#include "proc_stats.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

namespace alter::detail {

namespace {

// Read a small /proc file into buf (NUL-terminated); length or -1.
ssize_t read_small(const char *path, char *buf, size_t cap) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = ::read(fd, buf, cap - 1);
    ::close(fd);
    if (n < 0) return -1;
    buf[n] = '\0';
    return n;
}

long page_size() {
    static const long ps = sysconf(_SC_PAGESIZE);
    return ps;
}

// Fields after the command name (which may contain spaces and parentheses).
const char *after_comm(const char *buf) {
    const char *p = std::strrchr(buf, ')');
    return p != nullptr ? p + 2 : nullptr;
}

struct stat_fields {
    uint64_t utime = 0, stime = 0, start = 0;
    int64_t rss_pages = 0;
};

bool read_stat(pid_t pid, stat_fields &out) {
    char path[64], buf[1024];
    std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
    if (read_small(path, buf, sizeof buf) <= 0) return false;
    const char *p = after_comm(buf);
    if (p == nullptr) return false;
    // p starts at field 3 (state). utime = 14, stime = 15, starttime = 22, rss = 24.
    int field = 3;
    char *end = nullptr;
    while (*p != '\0' && field <= 24) {
        if (field == 14) out.utime = std::strtoull(p, &end, 10);
        else if (field == 15) out.stime = std::strtoull(p, &end, 10);
        else if (field == 22) out.start = std::strtoull(p, &end, 10);
        else if (field == 24) out.rss_pages = std::strtoll(p, &end, 10);
        const char *sp = std::strchr(p, ' ');
        if (sp == nullptr) break;
        p = sp + 1;
        ++field;
    }
    return true;
}

// Append the children of every thread of pid.
void children_of(pid_t pid, std::vector<pid_t> &out, uint32_t max_procs) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/task", static_cast<int>(pid));
    DIR *d = opendir(path);
    if (d == nullptr) return;
    char buf[4096];
    while (dirent *e = readdir(d)) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char cpath[320];
        std::snprintf(cpath, sizeof cpath, "/proc/%d/task/%s/children", static_cast<int>(pid), e->d_name);
        if (read_small(cpath, buf, sizeof buf) <= 0) continue;
        char *p = buf;
        while (*p != '\0' && out.size() < max_procs) {
            char *end = nullptr;
            long c = std::strtol(p, &end, 10);
            if (end == p) break;
            out.push_back(static_cast<pid_t>(c));
            p = end;
            while (*p == ' ') ++p;
        }
    }
    closedir(d);
}

} // namespace

std::vector<pid_t> descendants(pid_t pid, uint32_t max_procs) {
    std::vector<pid_t> out;
    children_of(pid, out, max_procs);
    for (size_t i = 0; i < out.size() && out.size() < max_procs; ++i) children_of(out[i], out, max_procs);
    return out;
}

std::vector<pid_t> group_members(pid_t pgid, uint32_t max_procs) {
    std::vector<pid_t> out;
    DIR *d = opendir("/proc");
    if (d == nullptr) return out;
    char path[300], buf[1024];
    while (dirent *e = readdir(d)) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        std::snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        if (read_small(path, buf, sizeof buf) <= 0) continue;
        const char *p = after_comm(buf); // field 3 (state), then ppid, then pgrp
        if (p == nullptr || *p == 'Z' || *p == 'X') continue;
        long ppid = 0, pgrp = 0;
        if (std::sscanf(p + 1, " %ld %ld", &ppid, &pgrp) != 2 || pgrp != pgid) continue;
        out.push_back(static_cast<pid_t>(std::strtol(e->d_name, nullptr, 10)));
        if (out.size() >= max_procs) break;
    }
    closedir(d);
    return out;
}

tree_sample sample_tree(pid_t pid, uint32_t max_procs) {
    tree_sample s;
    stat_fields f;
    if (!read_stat(pid, f)) return s;
    s.ok = true;
    s.cpu_ticks = f.utime + f.stime;
    s.rss_bytes = static_cast<uint64_t>(f.rss_pages) * static_cast<uint64_t>(page_size());
    s.processes = 1;
    for (pid_t c : descendants(pid, max_procs)) {
        stat_fields cf;
        if (!read_stat(c, cf)) continue;
        s.cpu_ticks += cf.utime + cf.stime;
        s.rss_bytes += static_cast<uint64_t>(cf.rss_pages) * static_cast<uint64_t>(page_size());
        ++s.processes;
    }
    return s;
}

uint64_t process_start_ticks(pid_t pid) {
    stat_fields f;
    return read_stat(pid, f) ? f.start : 0;
}

double cpu_percent(uint64_t before, uint64_t after, int64_t elapsed_ms) {
    if (elapsed_ms <= 0 || after < before) return 0;
    static const long hz = sysconf(_SC_CLK_TCK);
    double seconds_cpu = static_cast<double>(after - before) / static_cast<double>(hz);
    return seconds_cpu * 100000.0 / static_cast<double>(elapsed_ms);
}

host_sample sample_host() {
    host_sample h;
    char buf[8192];
    if (read_small("/proc/stat", buf, sizeof buf) > 0 && std::strncmp(buf, "cpu ", 4) == 0) {
        uint64_t v[10] = {};
        char *p = buf + 4;
        for (int i = 0; i < 10; ++i) {
            char *end = nullptr;
            v[i] = std::strtoull(p, &end, 10);
            if (end == p) break;
            p = end;
        }
        // user nice system idle iowait irq softirq steal guest guest_nice
        uint64_t idle = v[3] + v[4];
        uint64_t total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
        h.total_ticks = total;
        h.busy_ticks = total - idle;
    }
    if (read_small("/proc/meminfo", buf, sizeof buf) > 0) {
        auto field = [&](const char *name) -> uint64_t {
            const char *p = std::strstr(buf, name);
            if (p == nullptr) return 0;
            return std::strtoull(p + std::strlen(name), nullptr, 10) * 1024;
        };
        h.mem_total = field("MemTotal:");
        h.mem_available = field("MemAvailable:");
        h.swap_total = field("SwapTotal:");
        h.swap_free = field("SwapFree:");
    }
    if (read_small("/proc/loadavg", buf, sizeof buf) > 0) std::sscanf(buf, "%lf %lf %lf", &h.load1, &h.load5, &h.load15);
    if (read_small("/proc/uptime", buf, sizeof buf) > 0) h.uptime_s = static_cast<uint64_t>(std::strtod(buf, nullptr));
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    h.cpus = n > 0 ? static_cast<uint32_t>(n) : 1;
    return h;
}

} // namespace alter::detail
