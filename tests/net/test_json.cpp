// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <cerrno>

#include "alter_net/json.hpp"
#include "json_writer.hpp"

using namespace alter::net;

TEST_CASE("typed accessors read present fields") {
    auto r = json_object::parse(
        R"({"enabled":true,"path":"/var/log/a b","n":-42,"ratio":0.5,"big":3,)"
        R"("tags":["a","b"],"env":{"PATH":"/bin","N":1},"none":null})");
    REQUIRE(r);
    const auto &o = r.value();
    CHECK(o.get_bool("enabled").value() == true);
    CHECK(o.get_string("path").value() == "/var/log/a b");
    CHECK(o.get_int("n").value() == -42);
    CHECK(o.get_number("ratio").value() == doctest::Approx(0.5));
    CHECK(o.get_number("big").value() == doctest::Approx(3.0)); // integers are numbers too
    auto tags = o.get_string_array("tags");
    REQUIRE(tags);
    CHECK(tags.value() == std::vector<std::string>{"a", "b"});
    CHECK(o.get_string("/env/PATH").value() == "/bin"); // JSON pointer
    CHECK(o.get_raw("env").value() == R"({"PATH":"/bin","N":1})");
    CHECK(o.has("none"));
    CHECK(o.is_null("none"));
    CHECK_FALSE(o.has("absent"));
    CHECK(o.keys().size() == 8);
    CHECK(o.keys().front() == "enabled");
}

TEST_CASE("wrong types and missing fields are reported with the field name") {
    auto r = json_object::parse(R"({"enabled":"yes","n":1.5,"tags":["a",2],"env":{"X":1}})");
    REQUIRE(r);
    const auto &o = r.value();
    auto b = o.get_bool("enabled");
    REQUIRE_FALSE(b);
    CHECK(b.err().code == -EINVAL);
    CHECK(b.err().field == "enabled");
    CHECK(b.err().message == "field 'enabled' must be a boolean");
    auto n = o.get_int("n");
    REQUIRE_FALSE(n);
    CHECK(n.err().message == "field 'n' must be an integer");
    auto t = o.get_string_array("tags");
    REQUIRE_FALSE(t);
    CHECK(t.err().message == "field 'tags' must be an array of strings");
    auto p = o.get_string("path");
    REQUIRE_FALSE(p);
    CHECK(p.err().code == -ENOENT);
    CHECK(p.err().message == "field 'path' is required");
    auto x = o.get_string("/env/X");
    REQUIRE_FALSE(x);
    CHECK(x.err().field == "env.X");
}

TEST_CASE("optional accessors use the fallback for missing or null, not for wrong types") {
    auto r = json_object::parse(R"({"a":null,"b":"str","c":7})");
    REQUIRE(r);
    const auto &o = r.value();
    CHECK(o.get_bool_or("a", true).value() == true);
    CHECK(o.get_bool_or("zz", false).value() == false);
    CHECK_FALSE(o.get_bool_or("b", false));
    CHECK(o.get_string_or("zz", "dflt").value() == "dflt");
    CHECK(o.get_string_or("b", "dflt").value() == "str");
    CHECK(o.get_int_or("c", 1).value() == 7);
    CHECK(o.get_int_or("zz", 1).value() == 1);
    CHECK_FALSE(o.get_int_or("b", 1));
}

TEST_CASE("invalid JSON and non-object roots") {
    auto bad = json_object::parse(R"({"a":)");
    REQUIRE_FALSE(bad);
    CHECK(bad.err().code == -EBADMSG);
    CHECK(bad.err().message.rfind("invalid JSON", 0) == 0);
    auto arr = json_object::parse("[1,2]");
    REQUIRE_FALSE(arr);
    CHECK(arr.err().code == -EINVAL);
    CHECK_FALSE(json_object::parse(""));
}

TEST_CASE("for_each_object visits the objects of an array in order") {
    auto r = json_object::parse(R"({"lines":[{"a":"x","n":1},7,{"a":"y","n":2},null],"one":{}})");
    REQUIRE(r);
    std::string seen;
    CHECK(r.value().for_each_object("lines", [&](const json_object &o) {
        seen += o.get_string("a").value() + std::to_string(o.get_int("n").value()) + ";";
    }));
    CHECK(seen == "x1;y2;"); // non-objects are skipped
    auto missing = r.value().for_each_object("nope", [](const json_object &) {});
    CHECK(!missing);
    CHECK(missing.err().code == -ENOENT);
    auto wrong = r.value().for_each_object("one", [](const json_object &) {});
    CHECK(!wrong);
    CHECK(wrong.err().field == "one");
}

TEST_CASE("check_keys names the unknown field and suggests a close one") {
    auto r = json_object::parse(R"({"name":"x","restrat":"always"})");
    REQUIRE(r);
    auto st = r.value().check_keys({"name", "restart", "cwd"});
    REQUIRE_FALSE(st);
    CHECK(st.err().field == "restrat");
    CHECK(st.err().hint == "did you mean 'restart'?");
    CHECK(r.value().check_keys({"name", "restrat"}));
    auto far = json_object::parse(R"({"zzzzzz":1})");
    auto st2 = far.value().check_keys({"name"});
    REQUIRE_FALSE(st2);
    CHECK(st2.err().hint.empty());
}

TEST_CASE("the shared writer escapes and the result parses back") {
    std::string s;
    alter::json::writer w(s);
    std::string nasty = std::string("q\"b\\s\x01\n\t", 8) + "\xff" + "ok\xe2\x82\xac" + "\xc0\xaf";
    w.begin_object().field("k", nasty).field("n", 3).end_object();
    CHECK(s.find("\\u0001") != std::string::npos);
    CHECK(s.find("\\\"") != std::string::npos);
    CHECK(s.find("\\n") != std::string::npos);
    auto back = json_object::parse(s);
    REQUIRE(back);
    auto k = back.value().get_string("k");
    REQUIRE(k);
    // Invalid bytes (0xff, the overlong C0 AF) became U+FFFD; valid UTF-8 survived.
    CHECK(k.value() == std::string("q\"b\\s\x01\n\t", 8) + "\xef\xbf\xbd" + "ok\xe2\x82\xac" +
                           "\xef\xbf\xbd\xef\xbf\xbd");
}
