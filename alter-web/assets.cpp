// SPDX-License-Identifier: MIT
#include "assets.hpp"

#include <cctype>
#include <string>

#include "alter_net/api_error.hpp"

namespace alter_web {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

// If-None-Match lists tags ("a", W/"b", *); either representation's tag matches.
bool etag_matches(std::string_view header, std::string_view etag, std::string_view gz_etag) {
    while (!header.empty()) {
        size_t comma = header.find(',');
        std::string_view t = trim(header.substr(0, comma));
        if (t.substr(0, 2) == "W/") t.remove_prefix(2);
        if (t == "*" || t == etag || t == gz_etag) return true;
        if (comma == std::string_view::npos) break;
        header.remove_prefix(comma + 1);
    }
    return false;
}

} // namespace

const asset *find_asset(std::string_view path) noexcept {
    if (path == "/") path = "/index.html";
    for (size_t i = 0; i < embedded_asset_count; ++i)
        if (embedded_assets[i].path == path) return &embedded_assets[i];
    return nullptr;
}

bool accepts_gzip(std::string_view ae) noexcept {
    while (!ae.empty()) {
        size_t comma = ae.find(',');
        std::string_view item = trim(ae.substr(0, comma));
        size_t semi = item.find(';');
        std::string_view coding = trim(item.substr(0, semi));
        if (iequal(coding, "gzip") || coding == "*") {
            bool zero = false;
            if (semi != std::string_view::npos) {
                std::string_view params = trim(item.substr(semi + 1));
                if (params.size() >= 2 && (params[0] == 'q' || params[0] == 'Q') && params[1] == '=') {
                    std::string_view q = trim(params.substr(2));
                    zero = !q.empty() && q.find_first_not_of("0.") == std::string_view::npos;
                }
            }
            return !zero;
        }
        if (comma == std::string_view::npos) break;
        ae.remove_prefix(comma + 1);
    }
    return false;
}

void serve_asset(alter::net::request &req, alter::net::responder res) {
    if (req.method() != "GET" && req.method() != "HEAD") {
        res.header("Allow", "GET, HEAD");
        return res.send(405, alter::net::error_body("method_not_allowed", "only GET and HEAD are served here"));
    }
    std::string_view path = req.path();
    const asset *a = find_asset(path);
    if (a == nullptr) {
        std::string_view last = path.substr(path.rfind('/') + 1);
        if (last.find('.') == std::string_view::npos && path.rfind("/assets/", 0) != 0) a = find_asset("/index.html");
    }
    if (a == nullptr) return res.send(404, alter::net::error_body("not_found", "no such file"));

    bool gz = !a->gzip.empty() && accepts_gzip(req.header("accept-encoding"));
    // One ETag per representation (identity / gzip), as RFC 9110 wants for strong tags.
    std::string gz_etag = std::string(a->etag.substr(0, a->etag.size() - 1)) + "-gz\"";
    std::string_view etag = gz ? std::string_view(gz_etag) : a->etag;
    res.header("ETag", etag);
    res.header("Cache-Control", a->immutable ? "public, max-age=31536000, immutable" : "no-cache");
    res.header("Vary", "Accept-Encoding");
    if (req.has_header("if-none-match") && etag_matches(req.header("if-none-match"), a->etag, gz_etag))
        return res.send_empty(304);
    if (gz) res.header("Content-Encoding", "gzip");
    std::string_view bytes = gz ? a->gzip : a->body;
    res.send(200, std::string(bytes), a->type);
}

} // namespace alter_web
