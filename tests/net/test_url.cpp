// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "alter_net/url.hpp"

using namespace alter::net;

TEST_CASE("percent_decode decodes escapes and reports malformed ones") {
    std::string out;
    CHECK(percent_decode("a%20b%2Fc%e2%82%ac", out));
    CHECK(out == "a b/c\xe2\x82\xac");
    out.clear();
    CHECK(percent_decode("a+b", out));
    CHECK(out == "a+b");
    out.clear();
    CHECK(percent_decode("a+b", out, true));
    CHECK(out == "a b");
    out.clear();
    CHECK_FALSE(percent_decode("100%", out));
    CHECK(out == "100%");
    out.clear();
    CHECK_FALSE(percent_decode("%zz%4", out));
    CHECK(out == "%zz%4");
    out.clear();
    CHECK(percent_decode("%00x", out));
    CHECK(out == std::string("\0x", 2));
}

TEST_CASE("percent_encode keeps unreserved characters") {
    CHECK(percent_encode("my app/1~x") == "my%20app%2F1~x");
    CHECK(percent_encode("a/b c", true) == "a/b%20c");
    CHECK(percent_encode("\xe2\x82\xac") == "%E2%82%AC");
    std::string back;
    CHECK(percent_decode(percent_encode("we?ird&=#%"), back));
    CHECK(back == "we?ird&=#%");
}

TEST_CASE("split_target separates path and query and drops the fragment") {
    auto t = split_target("/a/b?x=1&y=2#frag");
    CHECK(t.path == "/a/b");
    CHECK(t.query == "x=1&y=2");
    t = split_target("/plain");
    CHECK(t.path == "/plain");
    CHECK(t.query.empty());
    t = split_target("/q?");
    CHECK(t.path == "/q");
    CHECK(t.query.empty());
}

TEST_CASE("query_params decode keys and values, '+' as space, repeated keys kept") {
    auto q = query_params::parse("lines=100&filter=a+b%21&flag&x=1&x=2&&empty=&%6b=v");
    CHECK(q.get("lines") == "100");
    CHECK(q.get("filter") == "a b!");
    REQUIRE(q.get("flag").has_value());
    CHECK(q.get("flag")->empty());
    CHECK(q.has("empty"));
    CHECK_FALSE(q.has("missing"));
    CHECK(q.get("k") == "v");
    auto xs = q.all("x");
    REQUIRE(xs.size() == 2);
    CHECK(xs[0] == "1");
    CHECK(xs[1] == "2");
    CHECK(q.items().size() == 7);
    CHECK(query_params::parse("").empty());
}
