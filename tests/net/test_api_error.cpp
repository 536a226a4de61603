// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <cerrno>

#include "alter_net/api_error.hpp"
#include "alter_net/json.hpp"

using namespace alter::net;

TEST_CASE("code names map to statuses and back") {
    CHECK(status_for_code("bad_request") == 400);
    CHECK(status_for_code("invalid_json") == 400);
    CHECK(status_for_code("unauthorized") == 401);
    CHECK(status_for_code("forbidden") == 403);
    CHECK(status_for_code("not_found") == 404);
    CHECK(status_for_code("method_not_allowed") == 405);
    CHECK(status_for_code("conflict") == 409);
    CHECK(status_for_code("payload_too_large") == 413);
    CHECK(status_for_code("unsupported_media_type") == 415);
    CHECK(status_for_code("invalid") == 422);
    CHECK(status_for_code("too_many_requests") == 429);
    CHECK(status_for_code("headers_too_large") == 431);
    CHECK(status_for_code("internal") == 500);
    CHECK(status_for_code("unavailable") == 503);
    CHECK(status_for_code("no_such_code") == 500);
    CHECK(code_for_status(404) == "not_found");
    CHECK(code_for_status(400) == "bad_request");
    CHECK(code_for_status(418) == "internal");
    CHECK(reason_phrase(422) == "Unprocessable Entity");
    CHECK(reason_phrase(299) == "Unknown");
}

TEST_CASE("error bodies are valid JSON with code and message") {
    auto body = error_body("not_found", "no app named \"web\"\n");
    CHECK(body == R"({"error":{"code":"not_found","message":"no app named \"web\"\n"}})");
    auto parsed = json_object::parse(body);
    REQUIRE(parsed);
    CHECK(parsed.value().get_string("/error/message").value() == "no app named \"web\"\n");
}

TEST_CASE("validation errors carry field, line, column and hint") {
    error e(-EINVAL, "unknown key");
    e.field = "apps[1].restrat";
    e.file = "alter.toml";
    e.line = 12;
    e.column = 3;
    e.hint = "did you mean 'restart'?";
    auto body = error_body("invalid", e);
    auto parsed = json_object::parse(body);
    REQUIRE(parsed);
    const auto &o = parsed.value();
    CHECK(o.get_string("/error/code").value() == "invalid");
    CHECK(o.get_string("/error/field").value() == "apps[1].restrat");
    CHECK(o.get_string("/error/file").value() == "alter.toml");
    CHECK(o.get_int("/error/line").value() == 12);
    CHECK(o.get_int("/error/column").value() == 3);
    CHECK(o.get_string("/error/hint").value() == "did you mean 'restart'?");
    // Unset detail fields are left out.
    auto plain = json_object::parse(error_body("conflict", "busy"));
    CHECK_FALSE(plain.value().has("/error/field"));
    CHECK_FALSE(plain.value().has("/error/line"));
}

TEST_CASE("control characters and invalid UTF-8 in messages stay valid JSON") {
    std::string msg = std::string("a\x00" "b\x1f" "c", 5) + "\xfe\xed";
    auto body = error_body("bad_request", msg);
    CHECK(body.find("\\u0000") != std::string::npos);
    CHECK(body.find("\\u001f") != std::string::npos);
    auto parsed = json_object::parse(body);
    REQUIRE(parsed);
    CHECK(parsed.value().get_string("/error/message").value() ==
          std::string("a\x00" "b\x1f" "c", 5) + "\xef\xbf\xbd\xef\xbf\xbd");
}
