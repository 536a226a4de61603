// SPDX-License-Identifier: MIT
// Log file naming and rotation policy. Pure: the caller lists the directory and carries out the
// renames and removals in the order given.
//
// Names, for a base "out.log":
//   out.log                 the current file (today)
//   out.log.1 .. out.log.N  today's size-rotated segments, .1 the newest
//   out.log.2026-11-20      an archived day (its last segment)
//   out.log.2026-11-20.1 .. that day's earlier segments, higher = older
// Reading a day in order: out.log.D.K (highest K first) ... out.log.D.1, out.log.D.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace alter::detail {

struct civil_date {
    int year = 1970, month = 1, day = 1;
    bool operator==(const civil_date &) const = default;
    auto operator<=>(const civil_date &) const = default;
};

/// "2026-11-20"
std::string format_date(civil_date d);
/// Parses "YYYY-MM-DD" (a real calendar date); nullopt otherwise.
std::optional<civil_date> parse_date(std::string_view s);
/// Days since 1970-01-01 and back.
int64_t days_from_civil(civil_date d);
civil_date civil_from_days(int64_t days);

/// What a file name in a log directory is, relative to `base`.
struct log_name {
    enum class kind { current, segment, archive } k = kind::current;
    civil_date date{};  // archive
    uint32_t index = 0; // segment or archive segment (0: the day's last part)
};
std::optional<log_name> parse_log_name(std::string_view base, std::string_view file);

struct rename_op {
    std::string from, to;
};
struct rotation_plan {
    std::vector<std::string> remove; // done first
    std::vector<rename_op> rename;   // then, in order
};

/// Size rotation: today's segments shift by one (.1 -> .2 ...), the current file becomes .1, and
/// segments beyond `keep` are removed. keep == 0: the current file is simply removed.
rotation_plan plan_size_rotation(std::string_view base, uint32_t keep, const std::vector<std::string> &files);

/// Day rotation: the current file and today's segments become the archive of `day`. If that day
/// already has an archive (a second rotation of the same day) the new parts go after it.
rotation_plan plan_day_rotation(std::string_view base, civil_date day, const std::vector<std::string> &files);

/// Retention: archives older than `retain_days` days before `today` are removed (0: keep all).
std::vector<std::string> plan_retention(std::string_view base, civil_date today, uint32_t retain_days,
                                        const std::vector<std::string> &files);

/// The files of one archived day (or the current files if day is nullopt), oldest first.
std::vector<std::string> files_of_day(std::string_view base, std::optional<civil_date> day,
                                      const std::vector<std::string> &files);

/// Archived days present, newest first.
std::vector<civil_date> archived_days(std::string_view base, const std::vector<std::string> &files);

} // namespace alter::detail
