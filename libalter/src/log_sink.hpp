// SPDX-License-Identifier: MIT
// Where an instance's output goes: a file per stream (opened on first output, rotated by size
// and by day) and an in-memory ring of recent lines. Loop thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "log_format.hpp"
#include "rotation.hpp"

namespace alter::detail {

/// Recent lines in one contiguous circular byte buffer: pushing a line is a memcpy, nothing is
/// allocated per line. Holds at most max_lines lines and max_bytes bytes of text; grows lazily.
class line_ring {
public:
    line_ring(uint32_t max_lines, size_t max_bytes) : max_lines_(max_lines), max_bytes_(max_bytes) {}

    void push(int64_t time_ms, uint8_t stream, std::string_view text);
    /// f(time_ms, stream, text) for the last n lines (0: all), oldest first.
    template <class F> void for_last(size_t n, F &&f) const {
        size_t start = (n == 0 || n >= entries_.size()) ? 0 : entries_.size() - n;
        for (size_t i = start; i < entries_.size(); ++i) {
            const auto &e = entries_[i];
            f(e.time_ms, e.stream, std::string_view(buf_.data() + e.off, e.len));
        }
    }
    size_t size() const { return entries_.size(); }
    void clear();

private:
    struct entry {
        int64_t time_ms;
        uint32_t off;
        uint32_t len;
        uint8_t stream;
    };
    std::deque<entry> entries_;
    std::vector<char> buf_;
    size_t head_ = 0;
    bool wrapped_ = false;
    uint32_t max_lines_;
    size_t max_bytes_;
};

struct log_policy {
    uint64_t max_size = 0;    // 0: no size rotation
    uint32_t max_files = 5;
    uint32_t retain_days = 0; // 0: no day rotation
};

/// One log file ("<dir>/out.log") with its rotation. Lines are formatted into a caller-provided
/// scratch buffer and written in one write() per batch.
class log_file {
public:
    log_file(std::string dir, std::string base) : dir_(std::move(dir)), base_(std::move(base)) {}
    ~log_file();
    log_file(const log_file &) = delete;
    log_file &operator=(const log_file &) = delete;

    /// Append one stamped line to `batch`, rotating first (after writing the batch) if the line
    /// would cross the size limit or the day changed.
    void add(std::string &batch, const char *stamp, std::string_view text, int64_t now_ms, const log_policy &p);
    /// Write `batch` and clear it.
    void commit(std::string &batch);
    /// Rotate by day if the current file belongs to an earlier day (midnight timer).
    void roll_day(int64_t now_ms, const log_policy &p);
    /// Close the file (it reopens on the next line).
    void close();
    /// Delete every file of this log (current, segments, archives).
    void remove_all();

    const std::string &dir() const { return dir_; }
    const std::string &base() const { return base_; }
    std::string path() const { return dir_ + "/" + base_; }
    /// The last error (open/write failure); empty when fine. Reported once by the owner.
    std::string take_error() { return std::move(error_); }

private:
    bool open(int64_t now_ms, const log_policy &p);
    void rotate_size(const log_policy &p);
    void rotate_day(civil_date day, const log_policy &p, int64_t now_ms);
    void set_error(const char *what, int err);

    std::string dir_, base_;
    int fd_ = -1;
    uint64_t size_ = 0;            // bytes in the file, including the uncommitted batch
    uint64_t committed_ = 0;
    int64_t day_end_ms_ = 0;       // the current file's day ends here (local midnight)
    civil_date day_{};
    std::string error_;
};

/// Local calendar day of a unix-ms instant, and the instant its day ends (next local midnight).
civil_date local_day(int64_t time_ms);
int64_t local_day_end_ms(int64_t time_ms);

/// List a directory's file names (empty on error).
std::vector<std::string> list_dir(const std::string &dir);
/// mkdir -p with the given mode for created directories.
status make_dirs(const std::string &path, unsigned mode);

} // namespace alter::detail
