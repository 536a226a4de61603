// SPDX-License-Identifier: MIT
// Tests of the public JSON writer (libalter/include/alter/json.hpp): escaping of every control
// character, UTF-8 validation (valid sequences kept byte for byte, every kind of invalid sequence
// replaced by U+FFFD), commas in nested containers, doubles and integers of every width, and a
// randomized check that any byte string becomes a valid JSON string.
#include "alter/json.hpp"

#include <doctest/doctest.h>

#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "value.hpp"

using alter::json::append_quoted;
using alter::json::quote;
using alter::json::writer;

namespace {

const std::string fffd = "\xef\xbf\xbd";

// Strict UTF-8 check (Unicode table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
bool valid_utf8(const std::string &s) {
    const auto *p = reinterpret_cast<const unsigned char *>(s.data());
    size_t n = s.size(), i = 0;
    auto in = [&](size_t k, unsigned lo, unsigned hi) { return i + k < n && p[i + k] >= lo && p[i + k] <= hi; };
    while (i < n) {
        unsigned c = p[i];
        if (c < 0x80) i += 1;
        else if (c >= 0xc2 && c <= 0xdf && in(1, 0x80, 0xbf)) i += 2;
        else if (c == 0xe0 && in(1, 0xa0, 0xbf) && in(2, 0x80, 0xbf)) i += 3;
        else if (((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) && in(1, 0x80, 0xbf) && in(2, 0x80, 0xbf)) i += 3;
        else if (c == 0xed && in(1, 0x80, 0x9f) && in(2, 0x80, 0xbf)) i += 3;
        else if (c == 0xf0 && in(1, 0x90, 0xbf) && in(2, 0x80, 0xbf) && in(3, 0x80, 0xbf)) i += 4;
        else if (c >= 0xf1 && c <= 0xf3 && in(1, 0x80, 0xbf) && in(2, 0x80, 0xbf) && in(3, 0x80, 0xbf)) i += 4;
        else if (c == 0xf4 && in(1, 0x80, 0x8f) && in(2, 0x80, 0xbf) && in(3, 0x80, 0xbf)) i += 4;
        else return false;
    }
    return true;
}

size_t count(const std::string &s, const std::string &what) {
    size_t n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
    return n;
}

std::string hex(const std::string &s) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        if (c >= 0x20 && c < 0x7f) {
            out.push_back(static_cast<char>(c));
        } else {
            out += "\\x";
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 15]);
        }
    }
    return out;
}

} // namespace

TEST_CASE("append_quoted: quotes, backslash and the short escapes") {
    struct c {
        std::string in, out;
    };
    const c cases[] = {
        {"", R"("")"},
        {"plain text", R"("plain text")"},
        {"a\"b", R"("a\"b")"},
        {"\\", R"("\\")"},
        {"\\\"", R"("\\\"")"},
        {"\n", R"("\n")"},
        {"\r\n", R"("\r\n")"},
        {"\t", R"("\t")"},
        {"\b", R"("\b")"},
        {"\f", R"("\f")"},
        {"/", R"("/")"},
        {"\x7f", "\"\x7f\""}, // DEL needs no escape
        {std::string("a\0b", 3), R"("a\u0000b")"},
        {"\x1b[31mred\x1b[0m", R"("\u001b[31mred\u001b[0m")"},
        {"{\"k\": [1, 2]}", R"("{\"k\": [1, 2]}")"},
    };
    for (const auto &x : cases) {
        INFO("in: ", hex(x.in));
        CHECK(quote(x.in) == x.out);
        std::string out = "prefix:";
        append_quoted(out, x.in);
        CHECK(out == "prefix:" + x.out);
    }
}

TEST_CASE("append_quoted: every control character is escaped") {
    for (int c = 0; c < 0x20; ++c) {
        CAPTURE(c);
        std::string want;
        switch (c) {
        case '\b': want = "\\b"; break;
        case '\t': want = "\\t"; break;
        case '\n': want = "\\n"; break;
        case '\f': want = "\\f"; break;
        case '\r': want = "\\r"; break;
        default: {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            want = buf;
        }
        }
        std::string in(1, static_cast<char>(c));
        CHECK(quote(in) == "\"" + want + "\"");
        CHECK(quote("x" + in + "y") == "\"x" + want + "y\"");
        // The escape parses back to the same byte.
        auto r = alter::detail::parse_json(quote(in));
        REQUIRE(r.ok());
        CHECK(r->s == in);
    }
    // Printable ASCII goes through unchanged, except '"' and '\\'.
    for (int c = 0x20; c < 0x80; ++c) {
        CAPTURE(c);
        std::string in(1, static_cast<char>(c));
        if (c == '"' || c == '\\') CHECK(quote(in) == "\"\\" + in + "\"");
        else CHECK(quote(in) == "\"" + in + "\"");
    }
}

TEST_CASE("append_quoted: valid UTF-8 is kept byte for byte") {
    const std::string cases[] = {
        "\xc2\x80",             // U+0080, the smallest 2-byte
        "\xc3\xa9",             // é
        "\xdf\xbf",             // U+07FF
        "\xe0\xa0\x80",         // U+0800, the smallest 3-byte
        "\xe2\x82\xac",         // €
        "\xed\x9f\xbf",         // U+D7FF, just below the surrogates
        "\xee\x80\x80",         // U+E000, just above
        "\xef\xbf\xbd",         // U+FFFD itself
        "\xef\xbf\xbf",         // U+FFFF
        "\xf0\x90\x80\x80",     // U+10000, the smallest 4-byte
        "\xf0\x9f\x98\x80",     // 😀
        "\xf4\x8f\xbf\xbf",     // U+10FFFF, the largest
        "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89!",
    };
    for (const auto &s : cases) {
        INFO("in: ", hex(s));
        REQUIRE(valid_utf8(s));
        CHECK(quote(s) == "\"" + s + "\"");
    }
}

TEST_CASE("append_quoted: invalid UTF-8 is replaced by U+FFFD") {
    struct c {
        const char *what;
        std::string in;
        size_t min_fffd, max_fffd; // at least one, at most one per bad byte
        std::string kept;          // the valid characters that must come through
    };
    const c cases[] = {
        {"lone continuation 0x80", "\x80", 1, 1, ""},
        {"lone continuation 0xbf", "\xbf", 1, 1, ""},
        {"two continuations", "\x80\x80", 2, 2, ""},
        {"0xc0 (never valid)", "\xc0", 1, 1, ""},
        {"0xc1 (never valid)", "\xc1", 1, 1, ""},
        {"overlong '/' (c0 af)", "\xc0\xaf", 1, 2, ""},
        {"overlong NUL (c0 80)", "\xc0\x80", 1, 2, ""},
        {"overlong 3-byte (e0 80 80)", "\xe0\x80\x80", 1, 3, ""},
        {"overlong 3-byte U+07FF (e0 9f bf)", "\xe0\x9f\xbf", 1, 3, ""},
        {"overlong 4-byte (f0 80 80 80)", "\xf0\x80\x80\x80", 1, 4, ""},
        {"overlong 4-byte U+FFFF (f0 8f bf bf)", "\xf0\x8f\xbf\xbf", 1, 4, ""},
        {"surrogate U+D800", "\xed\xa0\x80", 1, 3, ""},
        {"surrogate U+DBFF", "\xed\xaf\xbf", 1, 3, ""},
        {"surrogate U+DC00", "\xed\xb0\x80", 1, 3, ""},
        {"surrogate U+DFFF", "\xed\xbf\xbf", 1, 3, ""},
        {"surrogate pair in UTF-8 (CESU-8)", "\xed\xa0\xbd\xed\xb8\x80", 2, 6, ""},
        {"above U+10FFFF (f4 90 80 80)", "\xf4\x90\x80\x80", 1, 4, ""},
        {"0xf5", "\xf5\x80\x80\x80", 1, 4, ""},
        {"0xf8 (5-byte form)", "\xf8\x88\x80\x80\x80", 1, 5, ""},
        {"0xfc (6-byte form)", "\xfc\x84\x80\x80\x80\x80", 1, 6, ""},
        {"0xfe", "\xfe", 1, 1, ""},
        {"0xff", "\xff", 1, 1, ""},
        {"truncated 2-byte at the end", "\xc3", 1, 1, ""},
        {"truncated 3-byte at the end", "\xe2\x82", 1, 2, ""},
        {"truncated 4-byte at the end", "\xf0\x9f\x98", 1, 3, ""},
        {"lead followed by ASCII", "\xe2\x82" "a", 1, 2, "a"},
        {"lead followed by a lead", "\xc3\xc3\xa9", 1, 1, "\xc3\xa9"},
        {"bad byte between good ones", "ok\xffok", 1, 1, "okok"},
    };
    for (const auto &x : cases) {
        INFO(std::string(x.what), ": ", hex(x.in));
        std::string out = quote(x.in);
        INFO("out: ", hex(out));
        CHECK(valid_utf8(out));
        size_t n = count(out, fffd);
        CHECK(n >= x.min_fffd);
        CHECK(n <= x.max_fffd);
        std::string rest = out.substr(1, out.size() - 2);
        for (size_t at; (at = rest.find(fffd)) != std::string::npos;) rest.erase(at, fffd.size());
        CHECK(hex(rest) == hex(x.kept));
        // Valid neighbours survive.
        std::string framed = quote("<" + x.in + ">");
        CHECK(framed.substr(0, 2) == "\"<");
        CHECK(framed.substr(framed.size() - 2) == ">\"");
        CHECK(valid_utf8(framed));
    }
    CHECK(quote("ok\xffok") == "\"ok" + fffd + "ok\"");
}

TEST_CASE("append_quoted: any byte string gives a valid JSON string; valid UTF-8 round-trips") {
    std::mt19937_64 rng(1234);
    for (int iter = 0; iter < 20000; ++iter) {
        std::string in;
        size_t n = rng() % 24;
        for (size_t i = 0; i < n; ++i) {
            // Bias towards interesting bytes: controls, quotes, UTF-8 leads and continuations.
            static const unsigned char pool[] = {0x00, 0x01, 0x1f, '"', '\\', 'a', '/', 0x7f, 0x80, 0xbf,
                                                 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
            unsigned char b = rng() % 3 == 0 ? static_cast<unsigned char>(rng()) : pool[rng() % sizeof pool];
            in.push_back(static_cast<char>(b));
        }
        std::string out = quote(in);
        INFO("in: ", hex(in));
        INFO("out: ", hex(out));
        REQUIRE(valid_utf8(out));
        auto r = alter::detail::parse_json(out);
        REQUIRE_MESSAGE(r.ok(), r.err().message);
        REQUIRE(r->is_string());
        if (valid_utf8(in)) REQUIRE(r->s == in);
        else REQUIRE(count(r->s, fffd) > count(in, fffd));
    }
}

TEST_CASE("writer: commas in nested objects and arrays") {
    struct c {
        const char *what;
        void (*build)(writer &);
        const char *want;
    };
    const c cases[] = {
        {"empty object", [](writer &w) { w.begin_object().end_object(); }, "{}"},
        {"empty array", [](writer &w) { w.begin_array().end_array(); }, "[]"},
        {"one field", [](writer &w) { w.begin_object().field("a", 1).end_object(); }, R"({"a":1})"},
        {"three fields",
         [](writer &w) { w.begin_object().field("a", 1).field("b", "x").field("c", true).end_object(); },
         R"({"a":1,"b":"x","c":true})"},
        {"array of scalars",
         [](writer &w) { w.begin_array().value(1).value("two").value(3.5).null().value(false).end_array(); },
         R"([1,"two",3.5,null,false])"},
        {"array of empty containers",
         [](writer &w) {
             w.begin_array().begin_object().end_object().begin_array().end_array().begin_object().end_object().end_array();
         },
         "[{},[],{}]"},
        {"objects in an array",
         [](writer &w) {
             w.begin_array();
             for (int i = 0; i < 3; ++i) w.begin_object().field("i", i).field("s", "").end_object();
             w.end_array();
         },
         R"([{"i":0,"s":""},{"i":1,"s":""},{"i":2,"s":""}])"},
        {"nested object then field",
         [](writer &w) {
             w.begin_object().key("a").begin_object().field("x", 1).end_object().field("b", 2).end_object();
         },
         R"({"a":{"x":1},"b":2})"},
        {"empty nested then field",
         [](writer &w) {
             w.begin_object().key("a").begin_object().end_object().key("b").begin_array().end_array().field("c", 3).end_object();
         },
         R"({"a":{},"b":[],"c":3})"},
        {"deep mix",
         [](writer &w) {
             w.begin_object().key("l").begin_array().begin_array().value(1).end_array().begin_object().key("k").begin_array()
                 .value("v").end_array().end_object().end_array().field_null("n").field_raw("r", "[1,2]").end_object();
         },
         R"({"l":[[1],{"k":["v"]}],"n":null,"r":[1,2]})"},
        {"raw values in an array",
         [](writer &w) { w.begin_array().raw("{\"a\":1}").raw("2").value(3).end_array(); },
         R"([{"a":1},2,3])"},
        {"null char pointer", [](writer &w) { w.begin_array().value(static_cast<const char *>(nullptr)).value("x").end_array(); },
         R"([null,"x"])"},
        {"keys are escaped", [](writer &w) { w.begin_object().field("a\"b\n", std::string("v")).end_object(); },
         R"({"a\"b\n":"v"})"},
        {"string values ending in brackets",
         [](writer &w) { w.begin_array().value("[").value("{").value("x").end_array(); },
         R"(["[","{","x"])"},
    };
    for (const auto &x : cases) {
        INFO(std::string(x.what));
        std::string out;
        writer w(out);
        x.build(w);
        CHECK(out == x.want);
        CHECK(&w.str() == &out);
        CHECK(alter::detail::parse_json(out).ok());
    }
}

TEST_CASE("writer: appends to what the string already holds") {
    std::string out = "data: ";
    writer w(out);
    w.begin_object().field("a", 1).end_object();
    CHECK(out == R"(data: {"a":1})");
}

TEST_CASE("writer: doubles, NaN and infinities") {
    struct c {
        double d;
        const char *want;
    };
    const c cases[] = {
        {0.0, "0"},
        {1.5, "1.5"},
        {-2.25, "-2.25"},
        {0.1, "0.1"},
        {1e21, "1e+21"},
        {1e-7, "1e-07"},
        {123456789.125, "123456789.125"},
        {1.7e308, "1.7e+308"},
        {std::numeric_limits<double>::quiet_NaN(), "null"},
        {-std::numeric_limits<double>::quiet_NaN(), "null"},
        {std::numeric_limits<double>::infinity(), "null"},
        {-std::numeric_limits<double>::infinity(), "null"},
        {std::numeric_limits<double>::denorm_min(), "5e-324"},
    };
    for (const auto &x : cases) {
        CAPTURE(x.d);
        std::string out;
        writer(out).begin_array().value(x.d).value(1).end_array();
        CHECK(out == "[" + std::string(x.want) + ",1]");
        auto r = alter::detail::parse_json(out);
        REQUIRE(r.ok());
        if (std::isfinite(x.d)) {
            const auto &v = r->items.at(0);
            double back = v.k == alter::detail::value::kind::integer ? static_cast<double>(v.i) : v.d;
            CHECK(back == x.d); // shortest form, exact round trip
        }
    }
}

// Regression (fixed): json.hpp:113: `d > 1.7e308 || d < -1.7e308` treats finite doubles between 1.7e308 and
// DBL_MAX as infinities. Expected DBL_MAX -> "1.7976931348623157e+308"; actual "null".
TEST_CASE("writer: the largest finite doubles are numbers, not null") {
    for (double d : {DBL_MAX, -DBL_MAX, 1.75e308}) {
        CAPTURE(d);
        std::string out;
        writer(out).value(d);
        CHECK(out != "null");
        auto r = alter::detail::parse_json(out);
        CHECK((r.ok() && r->d == d));
    }
}

TEST_CASE("writer: integers of every width") {
    auto one = [](auto v) {
        std::string out;
        writer(out).value(v);
        return out;
    };
    CHECK(one(0) == "0");
    CHECK(one(-1) == "-1");
    CHECK(one(INT_MAX) == "2147483647");
    CHECK(one(INT_MIN) == "-2147483648");
    CHECK(one(UINT_MAX) == "4294967295");
    CHECK(one(0u) == "0");
    CHECK(one(LONG_MAX) == std::to_string(LONG_MAX));
    CHECK(one(LONG_MIN) == std::to_string(LONG_MIN));
    CHECK(one(ULONG_MAX) == std::to_string(ULONG_MAX));
    CHECK(one(LLONG_MAX) == "9223372036854775807");
    CHECK(one(LLONG_MIN) == "-9223372036854775808");
    CHECK(one(ULLONG_MAX) == "18446744073709551615");
    CHECK(one(static_cast<long long>(-42)) == "-42");
    CHECK(one(true) == "true");
    CHECK(one(false) == "false");
    // Narrow types go through int.
    CHECK(one(static_cast<short>(-7)) == "-7");
    CHECK(one(static_cast<unsigned short>(65535)) == "65535");
    CHECK(one(static_cast<int8_t>(-128)) == "-128");
    CHECK(one(static_cast<uint8_t>(255)) == "255");
    // Fixed-width types land on one of the overloads.
    CHECK(one(INT64_MIN) == "-9223372036854775808");
    CHECK(one(UINT64_MAX) == "18446744073709551615");
    CHECK(one(static_cast<uint32_t>(4000000000u)) == "4000000000");
    CHECK(one(static_cast<size_t>(123)) == "123");
}
