// SPDX-License-Identifier: MIT
#include "compress.hpp"

#include <cctype>
#include <memory>

#include <zlib.h>

namespace alter_web {

namespace {

bool type_is(std::string_view ct, std::string_view want) {
    size_t semi = ct.find(';');
    std::string_view t = ct.substr(0, semi);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    if (t.size() != want.size()) return false;
    for (size_t i = 0; i < t.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(t[i])) != want[i]) return false;
    return true;
}

} // namespace

bool compressible_type(std::string_view ct) noexcept {
    if (ct.empty() || type_is(ct, "text/event-stream")) return false;
    if (ct.size() >= 5 && std::tolower(static_cast<unsigned char>(ct[0])) == 't' && ct.substr(1, 4) == "ext/") return true;
    for (std::string_view t : {"application/json", "application/javascript", "application/x-ndjson", "image/svg+xml"})
        if (type_is(ct, t)) return true;
    return false;
}

gzip_stream::gzip_stream(int level) {
    auto z = std::make_unique<z_stream>();
    // windowBits 15 + 16: a gzip header and trailer; memLevel 8 (zlib's default).
    if (deflateInit2(z.get(), level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK) z_ = z.release();
}

gzip_stream::~gzip_stream() {
    if (z_ == nullptr) return;
    deflateEnd(z_);
    delete z_;
}

bool gzip_stream::run(std::string_view in, int flush, std::string &out) {
    if (z_ == nullptr) return false;
    z_->next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
    z_->avail_in = static_cast<uInt>(in.size());
    char buf[16384];
    for (;;) {
        z_->next_out = reinterpret_cast<Bytef *>(buf);
        z_->avail_out = sizeof buf;
        int rc = deflate(z_, flush);
        if (rc == Z_STREAM_ERROR) return false;
        out.append(buf, sizeof buf - z_->avail_out);
        if (flush == Z_FINISH ? rc == Z_STREAM_END : (z_->avail_out != 0 && z_->avail_in == 0)) return true;
        if (rc == Z_BUF_ERROR && z_->avail_in == 0 && flush != Z_FINISH) return true;
    }
}

bool gzip_stream::feed(std::string_view in, std::string &out) {
    // Chunks from alterd are at most a few hundred KB: uInt is plenty, but stay safe.
    while (in.size() > (1u << 30)) {
        if (!run(in.substr(0, 1u << 30), Z_NO_FLUSH, out)) return false;
        in.remove_prefix(1u << 30);
    }
    return run(in, Z_NO_FLUSH, out);
}

bool gzip_stream::finish(std::string &out) { return run({}, Z_FINISH, out); }

std::optional<std::string> gzip_bytes(std::string_view data, int level) {
    gzip_stream z(level);
    std::string out;
    out.reserve(data.size() / 4 + 64);
    if (!z.ok() || !z.feed(data, out) || !z.finish(out)) return std::nullopt;
    return out;
}

} // namespace alter_web
