// SPDX-License-Identifier: MIT
#include "alter_net/api_error.hpp"

#include "json_writer.hpp"

namespace alter::net {

namespace {
struct code_status {
    std::string_view code;
    int status;
};
// First entry for a status is its canonical code (code_for_status).
constexpr code_status table[] = {
    {"bad_request", 400},       {"invalid_json", 400},
    {"unauthorized", 401},      {"forbidden", 403},
    {"not_found", 404},         {"method_not_allowed", 405},
    {"request_timeout", 408},   {"conflict", 409},
    {"payload_too_large", 413}, {"unsupported_media_type", 415},
    {"invalid", 422},           {"too_many_requests", 429},
    {"headers_too_large", 431}, {"internal", 500},
    {"bad_gateway", 502},       {"unavailable", 503},
    {"gateway_timeout", 504},
};
} // namespace

int status_for_code(std::string_view code) noexcept {
    for (const auto &e : table)
        if (e.code == code) return e.status;
    return 500;
}

std::string_view code_for_status(int status) noexcept {
    for (const auto &e : table)
        if (e.status == status) return e.code;
    return "internal";
}

std::string error_body(std::string_view code, std::string_view message) {
    return error_body(code, error(0, std::string(message)));
}

std::string error_body(std::string_view code, const error &detail) {
    std::string out;
    out.reserve(64 + detail.message.size());
    json::writer w(out);
    w.begin_object().key("error").begin_object();
    w.field("code", code);
    w.field("message", detail.message);
    if (!detail.field.empty()) w.field("field", detail.field);
    if (!detail.file.empty()) w.field("file", detail.file);
    if (detail.line > 0) w.field("line", detail.line);
    if (detail.column > 0) w.field("column", detail.column);
    if (!detail.hint.empty()) w.field("hint", detail.hint);
    w.end_object().end_object();
    return out;
}

} // namespace alter::net
