// SPDX-License-Identifier: MIT
// Tests of the dotenv reader (libalter/src/dotenv.cpp): one table per syntax rule of dotenv.hpp
// (export, comments, quotes, escapes, multi-line double quotes, inline comments, CRLF, empty
// values, duplicates, no expansion) and a table of errors with their line numbers.
#include "dotenv.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "alter/alter.h"

using namespace alter::detail;

namespace {

using pairs = std::vector<std::pair<std::string, std::string>>;

std::string escape(const std::string &s) {
    std::string out;
    for (char c : s) {
        if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (c == '\0') out += "\\0";
        else out += c;
    }
    return out;
}

std::string show(const pairs &p) {
    std::string out = "{";
    for (size_t i = 0; i < p.size(); ++i) out += (i ? ", " : "") + p[i].first + "=<" + escape(p[i].second) + ">";
    return out + "}";
}

struct ok_case {
    const char *what;
    std::string text;
    pairs want;
};

void check_ok(const ok_case &x) {
    INFO(std::string(x.what), ": ", escape(x.text));
    auto r = parse_dotenv(x.text);
    REQUIRE_MESSAGE(r.ok(), r.err().message);
    CHECK(show(r.value()) == show(x.want));
}

} // namespace

TEST_CASE("parse_dotenv: KEY=value lines, blanks and comments") {
    const ok_case cases[] = {
        {"empty file", "", {}},
        {"blank lines only", "\n\n  \n\t\n", {}},
        {"one line, no newline", "A=1", {{"A", "1"}}},
        {"two lines", "A=1\nB=two\n", {{"A", "1"}, {"B", "two"}}},
        {"spaces around =", "A = 1\nB\t=\t2\n", {{"A", "1"}, {"B", "2"}}},
        {"indented line", "   A=1\n", {{"A", "1"}}},
        {"comment lines", "# a comment\nA=1\n  # indented comment\n#B=2\n", {{"A", "1"}}},
        {"comment at the end without newline", "A=1\n# end", {{"A", "1"}}},
        {"key characters", "a_b.c-d9=x\n_X=y\n", {{"a_b.c-d9", "x"}, {"_X", "y"}}},
        {"value with = inside", "URL=postgres://u:p@h/db?x=1\n", {{"URL", "postgres://u:p@h/db?x=1"}}},
        {"later duplicates are kept in order", "A=1\nB=2\nA=3\n", {{"A", "1"}, {"B", "2"}, {"A", "3"}}},
        {"UTF-8 value", "GREETING=h\xc3\xa9llo \xe2\x82\xac\n", {{"GREETING", "h\xc3\xa9llo \xe2\x82\xac"}}},
    };
    for (const auto &x : cases) check_ok(x);
}

TEST_CASE("parse_dotenv: export prefix") {
    const ok_case cases[] = {
        {"export space", "export A=1\n", {{"A", "1"}}},
        {"export tab", "export\tA=1\n", {{"A", "1"}}},
        {"export many spaces", "export    A=1\n", {{"A", "1"}}},
        {"indented export", "  export A=1\n", {{"A", "1"}}},
        {"a key named export", "export=1\n", {{"export", "1"}}},
        {"a key starting with export", "exportA=1\nexporter=2\n", {{"exportA", "1"}, {"exporter", "2"}}},
        {"mixed", "export A=1\nB=2\nexport C=\"3\"\n", {{"A", "1"}, {"B", "2"}, {"C", "3"}}},
    };
    for (const auto &x : cases) check_ok(x);
}

TEST_CASE("parse_dotenv: unquoted values are trimmed and cut at an inline comment") {
    const ok_case cases[] = {
        {"trailing blanks trimmed", "A=value   \t\n", {{"A", "value"}}},
        {"leading blanks trimmed", "A=   value\n", {{"A", "value"}}},
        {"inner blanks kept", "A=two  words\n", {{"A", "two  words"}}},
        {"comment after a space", "A=value # comment\n", {{"A", "value"}}},
        {"comment after a tab", "A=value\t# comment\n", {{"A", "value"}}},
        {"# without blank before is data", "A=a#b\n", {{"A", "a#b"}}},
        {"# at the start of a value is data", "A=#x\n", {{"A", "#x"}}},
        {"URL fragment", "A=http://x/#frag\n", {{"A", "http://x/#frag"}}},
        {"second # after data", "A=a#b #c\n", {{"A", "a#b"}}},
        {"quotes inside unquoted", "A=it's \"fine\"\n", {{"A", "it's \"fine\""}}},
        {"backslashes stay", "A=C:\\path\\n\n", {{"A", "C:\\path\\n"}}},
    };
    for (const auto &x : cases) check_ok(x);
}

// Regression (fixed): dotenv.cpp:81-89: the blanks after '=' are skipped before the value starts, so in
// "A= # comment" the '#' is at the value's first byte and not taken as a comment. dotenv.hpp:
// "unquoted values trimmed and cut at \" #\"". Expected A=""; actual A="# comment".
TEST_CASE("parse_dotenv: a comment right after '= ' leaves an empty value") {
    check_ok({"comment only", "A= # comment\nB=1\n", {{"A", ""}, {"B", "1"}}});
    check_ok({"tab then comment", "A=\t# comment\n", {{"A", ""}}});
}

TEST_CASE("parse_dotenv: single quotes are literal") {
    const ok_case cases[] = {
        {"plain", "A='hello world'\n", {{"A", "hello world"}}},
        {"no escapes", "A='a\\nb\\\\c'\n", {{"A", "a\\nb\\\\c"}}},
        {"double quote inside", "A='say \"hi\"'\n", {{"A", "say \"hi\""}}},
        {"hash inside", "A='a #b'\n", {{"A", "a #b"}}},
        {"blanks kept", "A='  x  '\n", {{"A", "  x  "}}},
        {"dollar kept", "A='$HOME ${X}'\n", {{"A", "$HOME ${X}"}}},
        {"comment after", "A='x' # comment\n", {{"A", "x"}}},
        {"blanks after", "A='x'   \n", {{"A", "x"}}},
    };
    for (const auto &x : cases) check_ok(x);
}

TEST_CASE("parse_dotenv: double quotes with escapes, over several lines") {
    const ok_case cases[] = {
        {"plain", "A=\"hello world\"\n", {{"A", "hello world"}}},
        {"\\n", "A=\"a\\nb\"\n", {{"A", "a\nb"}}},
        {"\\t", "A=\"a\\tb\"\n", {{"A", "a\tb"}}},
        {"\\r", "A=\"a\\rb\"\n", {{"A", "a\rb"}}},
        {"\\\"", "A=\"say \\\"hi\\\"\"\n", {{"A", "say \"hi\""}}},
        {"\\\\", "A=\"C:\\\\dir\"\n", {{"A", "C:\\dir"}}},
        {"\\$", "A=\"\\$HOME\"\n", {{"A", "$HOME"}}},
        {"unknown escape kept", "A=\"a\\qb\\0\"\n", {{"A", "a\\qb\\0"}}},
        {"single quote inside", "A=\"it's\"\n", {{"A", "it's"}}},
        {"hash inside", "A=\"a #b\"\n", {{"A", "a #b"}}},
        {"comment after", "A=\"x\" # comment\nB=2\n", {{"A", "x"}, {"B", "2"}}},
        {"real newline inside", "A=\"line1\nline2\"\nB=2\n", {{"A", "line1\nline2"}, {"B", "2"}}},
        {"PEM key", "KEY=\"-----BEGIN-----\nabc\ndef\n-----END-----\"\n",
         {{"KEY", "-----BEGIN-----\nabc\ndef\n-----END-----"}}},
        {"blank lines inside", "A=\"\n\n\"\n", {{"A", "\n\n"}}},
        {"no expansion", "A=\"${HOME} $(id) `id`\"\n", {{"A", "${HOME} $(id) `id`"}}},
        {"last line without newline", "A=\"x\"", {{"A", "x"}}},
    };
    for (const auto &x : cases) check_ok(x);
}

TEST_CASE("parse_dotenv: empty values") {
    const ok_case cases[] = {
        {"nothing after =", "A=\nB=1\n", {{"A", ""}, {"B", "1"}}},
        {"blanks after =", "A=   \n", {{"A", ""}}},
        {"empty double quotes", "A=\"\"\n", {{"A", ""}}},
        {"empty single quotes", "A=''\n", {{"A", ""}}},
        {"= at the end of the file", "A=", {{"A", ""}}},
    };
    for (const auto &x : cases) check_ok(x);
}

TEST_CASE("parse_dotenv: CRLF files") {
    const ok_case cases[] = {
        {"unquoted", "A=1\r\nB=two words\r\n", {{"A", "1"}, {"B", "two words"}}},
        {"quoted", "A=\"x\"\r\nB='y'\r\n", {{"A", "x"}, {"B", "y"}}},
        {"comments and blanks", "# c\r\n\r\nA=1 # c\r\n\r\n", {{"A", "1"}}},
        {"export", "export A=1\r\n", {{"A", "1"}}},
        {"empty value", "A=\r\nB=\"\"\r\n", {{"A", ""}, {"B", ""}}},
    };
    for (const auto &x : cases) check_ok(x);
}

TEST_CASE("parse_dotenv: no variable expansion or command substitution") {
    const ok_case cases[] = {
        {"unquoted", "A=$HOME\nB=${HOME}/x\nC=$(id)\nD=`id`\n",
         {{"A", "$HOME"}, {"B", "${HOME}/x"}, {"C", "$(id)"}, {"D", "`id`"}}},
        {"reference to an earlier key", "A=1\nB=$A\n", {{"A", "1"}, {"B", "$A"}}},
    };
    for (const auto &x : cases) check_ok(x);
}

TEST_CASE("parse_dotenv: errors name the line") {
    struct c {
        const char *what;
        std::string text;
        int line;
        const char *message_part;
    };
    const c cases[] = {
        {"no =", "A\n", 1, "expected '=' after A"},
        {"no = on line 3", "A=1\n\nB\n", 3, "expected '=' after B"},
        {"space in key", "A B=1\n", 1, "expected '=' after A"},
        {"empty key", "=1\n", 1, "expected KEY=value"},
        {"key starting with a digit", "1A=x\n", 1, "expected KEY=value"},
        {"key starting with '-'", "-A=x\n", 1, "expected KEY=value"},
        {"key starting with '.'", ".A=x\n", 1, "expected KEY=value"},
        {"export without assignment", "export A\n", 1, "expected '=' after A"},
        {"shell syntax", "A=1\nif true; then\n", 2, "expected"},
        {"unterminated double quote", "A=1\nB=\"abc\n", 2, "unterminated double quote"},
        {"unterminated double quote over lines", "A=\"abc\ndef\nghi\n", 1, "unterminated double quote"},
        {"unterminated single quote", "\n\nA='x\n", 3, "unterminated single quote"},
        {"text after the closing quote", "A=\"x\"y\n", 1, "unexpected text after the closing quote"},
        {"text after a single quote", "A='x' y\n", 1, "unexpected text after the closing quote"},
        {"line count after a multi-line value", "A=\"x\ny\"\nB\n", 3, "expected '=' after B"},
        {"line count with CRLF", "A=1\r\nB=2\r\nC\r\n", 3, "expected '=' after C"},
        {"NUL byte in a value", std::string("A=x\0y\n", 6), 1, "NUL byte in the value of A"},
        {"NUL byte in a quoted value on line 2", std::string("A=1\nB=\"x\0y\"\n", 12), 2, "NUL byte in the value of B"},
    };
    for (const auto &x : cases) {
        INFO(std::string(x.what), ": ", escape(x.text));
        auto r = parse_dotenv(x.text);
        REQUIRE_FALSE(r.ok());
        CHECK(r.err().code == ALTER_EPARSE);
        CHECK(r.err().line == x.line);
        CHECK(r.err().message.find(x.message_part) != std::string::npos);
        CHECK(r.err().message.rfind("env file line " + std::to_string(x.line) + ": ", 0) == 0);
    }
}
