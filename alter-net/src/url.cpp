// SPDX-License-Identifier: MIT
#include "alter_net/url.hpp"

namespace alter::net {

namespace {
int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool unreserved(unsigned char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}
} // namespace

bool percent_decode(std::string_view in, std::string &out, bool plus_as_space) {
    bool ok = true;
    out.reserve(out.size() + in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            int hi = i + 2 < in.size() ? hex_value(in[i + 1]) : -1;
            int lo = hi >= 0 ? hex_value(in[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                ok = false;
                out.push_back(c);
                continue;
            }
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plus_as_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return ok;
}

std::string percent_encode(std::string_view in, bool keep_slash) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(in.size());
    for (char ch : in) {
        auto c = static_cast<unsigned char>(ch);
        if (unreserved(c) || (keep_slash && c == '/')) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

target_parts split_target(std::string_view target) noexcept {
    auto hash = target.find('#');
    if (hash != std::string_view::npos) target = target.substr(0, hash);
    auto q = target.find('?');
    if (q == std::string_view::npos) return {target, {}};
    return {target.substr(0, q), target.substr(q + 1)};
}

query_params query_params::parse(std::string_view query) {
    query_params qp;
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (part.empty()) continue;
        auto eq = part.find('=');
        std::string key, value;
        (void)percent_decode(part.substr(0, eq), key, true);
        if (eq != std::string_view::npos) (void)percent_decode(part.substr(eq + 1), value, true);
        qp.items_.emplace_back(std::move(key), std::move(value));
    }
    return qp;
}

std::optional<std::string_view> query_params::get(std::string_view key) const noexcept {
    for (const auto &kv : items_)
        if (kv.first == key) return std::string_view(kv.second);
    return std::nullopt;
}

std::vector<std::string_view> query_params::all(std::string_view key) const {
    std::vector<std::string_view> out;
    for (const auto &kv : items_)
        if (kv.first == key) out.emplace_back(kv.second);
    return out;
}

} // namespace alter::net
