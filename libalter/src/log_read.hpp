// SPDX-License-Identifier: MIT
// Reading log files back: the newest N matching lines of one day across instances and streams,
// merged by time. Reads backwards from the end, so a tail of a big file costs little.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "rotation.hpp"

namespace alter::detail {

struct log_source {
    std::string app;      // app name
    std::string instance; // instance name
    std::string dir;      // its log directory
};

struct log_query {
    uint32_t streams = 3; // ALTER_STREAM_OUT | ALTER_STREAM_ERR
    uint32_t lines = 100;
    uint32_t flags = 0;   // ALTER_LOG_REGEX, ALTER_LOG_ICASE
    std::optional<civil_date> date;
    std::string grep;
};

inline constexpr uint32_t max_log_lines = 100000;

/// {"lines":[{"time_ms":..,"stream":"out","instance":"..","text":".."}]}, oldest first.
result<std::string> read_logs(const std::vector<log_source> &sources, const log_query &q);
/// {"dates":[...newest first],"has_current":bool}
std::string log_dates_json(const std::vector<log_source> &sources);

struct volume_query {
    int64_t from_ms = 0, to_ms = 0; // [from, to)
    int64_t bucket_ms = 3'600'000;
};
inline constexpr int64_t max_volume_buckets = 2000;
inline constexpr int64_t max_volume_range_ms = 31LL * 86'400'000;
inline constexpr uint64_t max_volume_scan_bytes = 256ull << 20; // then "truncated": true

/// Lines per bucket, per instance and stream, counted from the stored files' timestamps (every
/// file of the log directories that may hold lines of the range: the mtime says when its last
/// line was written). {"from_ms","to_ms","bucket_ms","buckets","series":[{"app","instance",
/// "stream","counts":[..],"total"}],"lines","bytes_scanned","truncated"}. Series without a line
/// in the range are left out.
result<std::string> log_volume(const std::vector<log_source> &sources, const volume_query &q);

} // namespace alter::detail
