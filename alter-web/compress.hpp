// SPDX-License-Identifier: MIT
// gzip for the API answers alter-web forwards (docs/WEB.md "Compression"): whole bodies for
// buffered answers, a stream for relayed ones. Event streams are never compressed (every event
// must reach the browser at once). zlib, a fast level: JSON shrinks 10-30x at ~0.1 ms per 40 KB.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

struct z_stream_s;

namespace alter_web {

/// Answers smaller than this are sent as they are (gzip's header and trailer would eat the gain).
inline constexpr size_t gzip_min_bytes = 1024;
inline constexpr int gzip_level = 3;

/// True for media types worth compressing: JSON, text/* (not event streams), JavaScript, SVG.
[[nodiscard]] bool compressible_type(std::string_view content_type) noexcept;

/// `data` as one gzip member, or nullopt if zlib failed (out of memory).
[[nodiscard]] std::optional<std::string> gzip_bytes(std::string_view data, int level = gzip_level);

/// A gzip member built chunk by chunk.
class gzip_stream {
public:
    explicit gzip_stream(int level = gzip_level);
    ~gzip_stream();
    gzip_stream(const gzip_stream &) = delete;
    gzip_stream &operator=(const gzip_stream &) = delete;

    [[nodiscard]] bool ok() const noexcept { return z_ != nullptr; }
    /// Compress `in` (output may be empty: zlib buffers); false if zlib failed.
    bool feed(std::string_view in, std::string &out);
    /// The rest and the trailer; false if zlib failed. Nothing may be fed afterwards.
    bool finish(std::string &out);

private:
    bool run(std::string_view in, int flush, std::string &out);
    z_stream_s *z_ = nullptr;
};

} // namespace alter_web
