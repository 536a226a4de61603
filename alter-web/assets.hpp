// SPDX-License-Identifier: MIT
// The dashboard files embedded in the binary (generated at build time by gen_assets.py into
// web_assets.cpp) and how they are served: gzip when the client accepts it, ETag / 304,
// immutable caching for content-hashed files under /assets/, no-cache (revalidate) for the rest.
#pragma once

#include <cstddef>
#include <string_view>

#include "alter_net/server.hpp"

namespace alter_web {

struct asset {
    std::string_view path;      // "/index.html", "/assets/main-Z6DXLKD2.js"
    std::string_view type;      // Content-Type
    std::string_view etag;      // "\"<20 hex digits of sha256>\"" of the identity bytes
    std::string_view body;      // identity bytes
    std::string_view gzip;      // gzip bytes; empty when gzip would not be smaller
    bool immutable = false;     // content-hashed name: cache for a year
};

extern const asset embedded_assets[];
extern const size_t embedded_asset_count;
/// "dashboard" (built from alter-web/web) or "placeholder".
extern const std::string_view embedded_assets_mode;

/// The asset at `path` ("/" is "/index.html"), or nullptr.
[[nodiscard]] const asset *find_asset(std::string_view path) noexcept;

/// True if the Accept-Encoding value allows gzip (a "gzip" or "*" entry without q=0).
[[nodiscard]] bool accepts_gzip(std::string_view accept_encoding) noexcept;

/// Answer a GET/HEAD for a static file: the asset, or index.html for an unknown path without a
/// file extension (client-side routes), else 404. Other methods: 405.
void serve_asset(alter::net::request &req, alter::net::responder res);

} // namespace alter_web
