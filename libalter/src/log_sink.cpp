// SPDX-License-Identifier: MIT
#include "log_sink.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alter/alter.h"

namespace alter::detail {

// ---- line_ring -----------------------------------------------------------------------------

void line_ring::push(int64_t time_ms, uint8_t stream, std::string_view text) {
    if (max_lines_ == 0 || max_bytes_ == 0) return;
    if (text.size() > max_bytes_) text = text.substr(0, max_bytes_);
    size_t len = text.size();
    if (head_ + len > buf_.size()) {
        if (!wrapped_ && buf_.size() < max_bytes_) {
            // Still linear: grow (entries keep their offsets).
            size_t cap = buf_.empty() ? 4096 : buf_.size() * 2;
            while (cap < head_ + len) cap *= 2;
            buf_.resize(std::min(cap, max_bytes_));
        }
        if (head_ + len > buf_.size()) {
            // Wrap: entries in the tail region are the oldest; drop them, then restart at 0.
            while (!entries_.empty() && entries_.front().off >= head_) entries_.pop_front();
            head_ = 0;
            wrapped_ = true;
        }
    }
    // Evict, oldest first, every entry whose bytes the new line overwrites. Empty entries own no
    // bytes: they go only when a later, overlapping entry goes (the deque stays in order).
    auto overlaps = [&](const entry &e) { return e.len > 0 && e.off < head_ + len && head_ < e.off + e.len; };
    size_t last = 0; // entries [0, last) are evicted
    for (size_t k = 0; k < entries_.size(); ++k) {
        const entry &e = entries_[k];
        if (overlaps(e)) last = k + 1;
        else if (e.len > 0) break; // the first untouched entry: everything after it is newer
    }
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(last));
    while (!entries_.empty() && entries_.size() >= max_lines_) entries_.pop_front();
    if (len > 0) std::memcpy(buf_.data() + head_, text.data(), len);
    entries_.push_back(entry{time_ms, static_cast<uint32_t>(head_), static_cast<uint32_t>(len), stream});
    head_ += len;
}

void line_ring::clear() {
    entries_.clear();
    std::vector<char>().swap(buf_);
    head_ = 0;
    wrapped_ = false;
}

// ---- helpers -------------------------------------------------------------------------------

civil_date local_day(int64_t time_ms) {
    time_t t = static_cast<time_t>(time_ms / 1000);
    struct tm tm {};
    localtime_r(&t, &tm);
    return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

int64_t local_day_end_ms(int64_t time_ms) {
    time_t t = static_cast<time_t>(time_ms / 1000);
    struct tm tm {};
    localtime_r(&t, &tm);
    tm.tm_hour = 0;
    tm.tm_min = 0;
    tm.tm_sec = 0;
    tm.tm_mday += 1;
    tm.tm_isdst = -1;
    return static_cast<int64_t>(mktime(&tm)) * 1000;
}

std::vector<std::string> list_dir(const std::string &dir) {
    std::vector<std::string> out;
    DIR *d = opendir(dir.c_str());
    if (d == nullptr) return out;
    while (dirent *e = readdir(d)) {
        if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0))) continue;
        out.emplace_back(e->d_name);
    }
    closedir(d);
    return out;
}

status make_dirs(const std::string &path, unsigned mode) {
    if (path.empty()) return error(ALTER_EINVAL, "empty path");
    std::string cur;
    size_t i = 0;
    while (i <= path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        cur = path.substr(0, j);
        i = j + 1;
        if (cur.empty()) continue;
        if (::mkdir(cur.c_str(), mode) != 0 && errno != EEXIST)
            return error(-errno, "cannot create directory " + cur + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return error(ALTER_EINVAL, path + " is not a directory");
    return {};
}

// ---- log_file ------------------------------------------------------------------------------

log_file::~log_file() { close(); }

void log_file::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void log_file::set_error(const char *what, int err) {
    error_ = std::string(what) + " " + path() + ": " + std::strerror(err);
}

bool log_file::open(int64_t now_ms, const log_policy &p) {
    if (fd_ >= 0) return true;
    if (auto st = make_dirs(dir_, 0750); !st) {
        error_ = st.err().message;
        return false;
    }
    std::string file = path();
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && p.retain_days > 0 && st.st_size > 0) {
        // A file left from an earlier day is archived under that day before new lines go in.
        int64_t mtime_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000;
        civil_date d = local_day(mtime_ms);
        if (d < local_day(now_ms)) rotate_day(d, p, now_ms);
    }
    fd_ = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ < 0) {
        set_error("cannot open", errno);
        return false;
    }
    if (::fstat(fd_, &st) == 0) size_ = committed_ = static_cast<uint64_t>(st.st_size);
    day_ = local_day(now_ms);
    day_end_ms_ = local_day_end_ms(now_ms);
    return true;
}

void log_file::commit(std::string &batch) {
    if (batch.empty()) return;
    const char *p = batch.data();
    size_t left = batch.size();
    while (left > 0 && fd_ >= 0) {
        ssize_t n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            set_error("cannot write", errno);
            break;
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    committed_ = size_;
    batch.clear();
}

void log_file::add(std::string &batch, const char *stamp, std::string_view text, int64_t now_ms,
                   const log_policy &p) {
    if (fd_ < 0 && !open(now_ms, p)) return;
    size_t line_len = stamp_len + 1 + text.size() + 1;
    if (p.retain_days > 0 && now_ms >= day_end_ms_) {
        commit(batch);
        roll_day(now_ms, p);
        if (fd_ < 0 && !open(now_ms, p)) return;
    } else if (p.max_size > 0 && size_ > 0 && size_ + line_len > p.max_size) {
        commit(batch);
        rotate_size(p);
        if (fd_ < 0 && !open(now_ms, p)) return;
    }
    batch.append(stamp, stamp_len);
    batch.push_back(' ');
    batch.append(text);
    batch.push_back('\n');
    size_ += line_len;
}

void log_file::roll_day(int64_t now_ms, const log_policy &p) {
    if (p.retain_days == 0) return;
    if (fd_ >= 0 && now_ms < day_end_ms_) return;
    civil_date day = day_;
    if (fd_ < 0) {
        // Closed (or never opened): archive a leftover file by its modification day.
        struct stat st {};
        std::string file = path();
        if (::stat(file.c_str(), &st) != 0 || st.st_size == 0) return;
        day = local_day(static_cast<int64_t>(st.st_mtim.tv_sec) * 1000);
        if (!(day < local_day(now_ms))) return;
    }
    close();
    rotate_day(day, p, now_ms);
}

void log_file::rotate_size(const log_policy &p) {
    close();
    auto plan = plan_size_rotation(base_, p.max_files, list_dir(dir_));
    for (const auto &f : plan.remove) ::unlink((dir_ + "/" + f).c_str());
    for (const auto &r : plan.rename) ::rename((dir_ + "/" + r.from).c_str(), (dir_ + "/" + r.to).c_str());
    size_ = committed_ = 0;
}

void log_file::rotate_day(civil_date day, const log_policy &p, int64_t now_ms) {
    auto files = list_dir(dir_);
    auto plan = plan_day_rotation(base_, day, files);
    for (const auto &r : plan.rename) ::rename((dir_ + "/" + r.from).c_str(), (dir_ + "/" + r.to).c_str());
    for (const auto &f : plan_retention(base_, local_day(now_ms), p.retain_days, list_dir(dir_)))
        ::unlink((dir_ + "/" + f).c_str());
    size_ = committed_ = 0;
}

void log_file::remove_all() {
    close();
    for (const auto &f : list_dir(dir_))
        if (parse_log_name(base_, f)) ::unlink((dir_ + "/" + f).c_str());
    size_ = committed_ = 0;
}

} // namespace alter::detail
