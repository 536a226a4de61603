// SPDX-License-Identifier: MIT
// Tests of the line splitter (libalter/src/line_splitter.hpp): tables of chunked inputs, CRLF,
// empty and partial lines, over-long lines cut at UTF-8 boundaries without losing a byte, and a
// randomized comparison of random chunkings against one big chunk and against a reference
// splitter written here from the header's rules.
#include "line_splitter.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

using alter::detail::line_splitter;

namespace {

std::string show(const std::vector<std::string> &v) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) out += ", ";
        out += '"';
        for (unsigned char c : v[i]) {
            if (c == '\r') out += "\\r";
            else if (c < 0x20 || c >= 0x7f) {
                static const char h[] = "0123456789abcdef";
                out += "\\x";
                out += h[c >> 4];
                out += h[c & 15];
            } else out += static_cast<char>(c);
        }
        out += '"';
    }
    return out + "]";
}

struct run {
    std::vector<std::string> lines;          // everything emitted, in order
    std::vector<std::string> before_flush;   // emitted by feed() alone
};

run split(const std::vector<std::string> &chunks, size_t max_line) {
    line_splitter sp(max_line);
    run r;
    auto emit = [&](std::string_view l) { r.lines.emplace_back(l); };
    for (const auto &c : chunks) sp.feed(c, emit);
    r.before_flush = r.lines;
    sp.flush(emit);
    CHECK(sp.pending() == 0);
    return r;
}

std::vector<std::string> split_all(const std::string &data, size_t max_line) { return split({data}, max_line).lines; }

std::vector<std::string> bytewise(const std::string &data, size_t max_line) {
    std::vector<std::string> chunks;
    for (char c : data) chunks.emplace_back(1, c);
    return split(chunks, max_line).lines;
}

bool continuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// The rules of line_splitter.hpp, written independently: split at '\n', drop one '\r' before it
// (also at EOF, where flush() ends the last line), cut a line longer than max into pieces of at
// most max bytes, each cut moved back (by at most 3 bytes) so that it does not fall before a UTF-8
// continuation byte when that is possible.
std::vector<std::string> reference(const std::string &data, size_t max_line) {
    size_t max = max_line < 8 ? 8 : max_line;
    std::vector<std::string> out;
    auto emit_line = [&](std::string line) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        while (line.size() > max) {
            size_t cut = max;
            for (size_t back = 0; back <= 3 && max >= back + 1; ++back) {
                size_t p = max - back;
                if (!continuation(static_cast<unsigned char>(line[p]))) {
                    cut = p;
                    break;
                }
            }
            out.push_back(line.substr(0, cut));
            line.erase(0, cut);
        }
        out.push_back(line);
    };
    size_t start = 0;
    for (size_t i = 0; i < data.size(); ++i)
        if (data[i] == '\n') {
            emit_line(data.substr(start, i - start));
            start = i + 1;
        }
    if (start < data.size()) emit_line(data.substr(start));
    return out;
}

bool valid_utf8(const std::string &s) {
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if (!continuation(static_cast<unsigned char>(s[i + k]))) return false;
        i += n;
    }
    return true;
}

} // namespace

TEST_CASE("line_splitter: lines, chunk boundaries, CRLF, empty lines") {
    struct c {
        const char *what;
        std::vector<std::string> chunks;
        std::vector<std::string> want;
    };
    const c cases[] = {
        {"two lines", {"a\nb\n"}, {"a", "b"}},
        {"nothing", {}, {}},
        {"empty chunks", {"", "", ""}, {}},
        {"across chunks", {"ab", "c\nd", "e\n"}, {"abc", "de"}},
        {"newline alone in a chunk", {"abc", "\n", "def", "\n"}, {"abc", "def"}},
        {"many lines in one chunk", {"1\n22\n333\n4444\n"}, {"1", "22", "333", "4444"}},
        {"CRLF", {"a\r\nb\r\n"}, {"a", "b"}},
        {"CRLF split between chunks", {"a\r", "\nb\r", "\n"}, {"a", "b"}},
        {"CR alone is kept", {"a\rb\n"}, {"a\rb"}},
        {"only one CR is dropped", {"a\r\r\n"}, {"a\r"}},
        {"CRLF only", {"\r\n"}, {""}},
        {"empty lines", {"\n\n\n"}, {"", "", ""}},
        {"empty lines across chunks", {"\n", "", "\n", "x\n\n"}, {"", "", "x", ""}},
        {"blank line between", {"a\n\nb\n"}, {"a", "", "b"}},
        {"a partial last line on flush", {"a\nbc"}, {"a", "bc"}},
        {"a partial last line over chunks", {"a\nb", "c", "d"}, {"a", "bcd"}},
        {"NUL bytes are data", {std::string("a\0b\n", 4)}, {std::string("a\0b", 3)}},
        {"invalid UTF-8 is data", {"\xff\xfe\n"}, {"\xff\xfe"}},
    };
    for (const auto &x : cases) {
        INFO(std::string(x.what), ": ", show(x.chunks));
        run r = split(x.chunks, 64);
        CHECK(show(r.lines) == show(x.want));
    }
}

TEST_CASE("line_splitter: a partial line is emitted only by flush") {
    line_splitter sp(64);
    std::vector<std::string> got;
    auto emit = [&](std::string_view l) { got.emplace_back(l); };
    sp.feed("abc", emit);
    CHECK(got.empty());
    CHECK(sp.pending() == 3);
    sp.feed("def", emit);
    CHECK(got.empty());
    CHECK(sp.pending() == 6);
    sp.feed("g\nhi", emit);
    CHECK(show(got) == show({"abcdefg"}));
    CHECK(sp.pending() == 2);
    sp.flush(emit);
    CHECK(show(got) == show({"abcdefg", "hi"}));
    CHECK(sp.pending() == 0);
    sp.flush(emit); // nothing pending: no-op, no empty line
    sp.flush(emit);
    CHECK(got.size() == 2);
    // A clean end (newline last) flushes nothing.
    line_splitter sp2(64);
    std::vector<std::string> got2;
    sp2.feed("x\n", [&](std::string_view l) { got2.emplace_back(l); });
    sp2.flush([&](std::string_view l) { got2.emplace_back(l); });
    CHECK(show(got2) == show({"x"}));
    // The splitter is reusable after a flush.
    sp.feed("j\n", emit);
    CHECK(got.back() == "j");
    sp.release();
    CHECK(sp.pending() == 0);
}

TEST_CASE("line_splitter: over-long lines are cut into max_line pieces, nothing dropped") {
    CHECK(line_splitter(1).max_line() == 8); // at least 8
    CHECK(line_splitter(0).max_line() == 8);
    CHECK(line_splitter(9).max_line() == 9);
    CHECK(line_splitter().max_line() == 64 * 1024);
    struct c {
        const char *what;
        std::string data;
        size_t max;
        std::vector<std::string> want;
    };
    const c cases[] = {
        {"exactly max", "01234567\n", 8, {"01234567"}},
        {"max + 1", "012345678\n", 8, {"01234567", "8"}},
        {"2 max", "0123456789abcdef\n", 8, {"01234567", "89abcdef"}},
        {"2 max + 3", "0123456789abcdefXYZ\n", 8, {"01234567", "89abcdef", "XYZ"}},
        {"long partial line", "0123456789abcdefXYZ", 8, {"01234567", "89abcdef", "XYZ"}},
        {"long CRLF line", "0123456789\r\n", 8, {"01234567", "89"}},
        {"max 10", std::string(35, 'x') + "\n", 10, {std::string(10, 'x'), std::string(10, 'x'), std::string(10, 'x'), "xxxxx"}},
        // UTF-8: the cut moves back to the start of a sequence.
        {"2-byte sequence on the cut", "1234567\xc3\xa9\n", 8, {"1234567", "\xc3\xa9"}},
        {"3-byte sequence on the cut", "123456\xe2\x82\xacx\n", 8, {"123456", "\xe2\x82\xacx"}},
        {"3-byte sequence ending at the cut", "12345\xe2\x82\xacxy\n", 8, {"12345\xe2\x82\xac", "xy"}},
        {"4-byte sequence on the cut (1 in)", "1234567\xf0\x9f\x98\x80\n", 8, {"1234567", "\xf0\x9f\x98\x80"}},
        {"4-byte sequence on the cut (3 in)", "12345\xf0\x9f\x98\x80\n", 8, {"12345", "\xf0\x9f\x98\x80"}},
        {"4-byte sequence ending at the cut", "1234\xf0\x9f\x98\x80" "5\n", 8, {"1234\xf0\x9f\x98\x80", "5"}},
        {"all 2-byte", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\n", 9, {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", "\xc3\xa9"}},
        // Unavoidable: no sequence start within reach, cut at max.
        {"only continuation bytes", std::string(20, '\x80') + "\n", 8,
         {std::string(8, '\x80'), std::string(8, '\x80'), std::string(4, '\x80')}},
        {"a lead then 8 continuations", "\xe2" + std::string(9, '\x80') + "\n", 8,
         {"\xe2" + std::string(7, '\x80'), std::string(2, '\x80')}},
    };
    for (const auto &x : cases) {
        INFO(std::string(x.what), " (max ", x.max, "): ", show({x.data}));
        CHECK(show(split_all(x.data, x.max)) == show(x.want));
        CHECK(show(bytewise(x.data, x.max)) == show(x.want));
        CHECK(show(reference(x.data, x.max)) == show(x.want));
        for (const auto &piece : split_all(x.data, x.max)) CHECK(piece.size() <= x.max);
    }
}

TEST_CASE("line_splitter: an over-long line is emitted before its newline arrives") {
    line_splitter sp(8);
    std::vector<std::string> got;
    auto emit = [&](std::string_view l) { got.emplace_back(l); };
    sp.feed("0123456789abcdefXY", emit);
    CHECK(show(got) == show({"01234567", "89abcdef"}));
    CHECK(sp.pending() == 2);
    CHECK(sp.pending() <= sp.max_line()); // memory stays bounded
    sp.feed(std::string(100, 'z'), emit);
    CHECK(sp.pending() <= sp.max_line());
    sp.feed("\n", emit);
    std::string all;
    for (const auto &l : got) all += l;
    CHECK(all == "0123456789abcdefXY" + std::string(100, 'z'));
    for (const auto &l : got) CHECK(l.size() <= 8);
}

// Regression (fixed): line_splitter.hpp:79-91 (append_partial cuts before the '\r' of a CRLF is known): when a
// line spans feeds and its content ends exactly on a max_line boundary, the '\r' is left alone in
// pending_ and the '\n' then emits it as an extra empty line. Expected ["12345678"] (what one big
// chunk gives); actual ["12345678", ""].
TEST_CASE("line_splitter: CRLF after a line of exactly max_line over two feeds") {
    CHECK(show(split({"12345678\r\n"}, 8).lines) == show({"12345678"}));
    CHECK(show(split({"1234", "5678\r\n"}, 8).lines) == show({"12345678"}));
    CHECK(show(split({"12345678", "\r\n"}, 8).lines) == show({"12345678"}));
    CHECK(show(split({"0123456789abcdef", "\r\nx\n"}, 8).lines) == show({"01234567", "89abcdef", "x"}));
}

namespace {

std::string random_input(std::mt19937_64 &rng, bool with_cr) {
    static const char *pieces[] = {"a", "b", "cd", "\n", "\n", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                   "\x80", "0123456789", "\r\n", "\r"};
    size_t kinds = with_cr ? 12 : 10;
    std::string s;
    size_t n = rng() % 60;
    for (size_t i = 0; i < n; ++i) s += pieces[rng() % kinds];
    return s;
}

std::vector<std::string> random_chunks(std::mt19937_64 &rng, const std::string &data) {
    std::vector<std::string> chunks;
    size_t i = 0;
    while (i < data.size()) {
        size_t n = 1 + rng() % 7;
        chunks.push_back(data.substr(i, n));
        if (rng() % 5 == 0) chunks.emplace_back(); // empty feeds are harmless
        i += n;
    }
    return chunks;
}

} // namespace

TEST_CASE("line_splitter: any chunking gives the same lines as one chunk (no CR)") {
    std::mt19937_64 rng(99);
    for (int iter = 0; iter < 4000; ++iter) {
        std::string data = random_input(rng, false);
        size_t max = std::vector<size_t>{8, 9, 11, 16, 64}[rng() % 5];
        auto whole = split_all(data, max);
        INFO("data: ", show({data}), " max ", max);
        REQUIRE(show(whole) == show(reference(data, max)));
        REQUIRE(show(bytewise(data, max)) == show(whole));
        REQUIRE(show(split(random_chunks(rng, data), max).lines) == show(whole));
        // No byte lost or added: the pieces and the newlines make up the input.
        std::string joined;
        for (const auto &l : whole) joined += l;
        std::string no_nl;
        for (char c : data)
            if (c != '\n') no_nl += c;
        REQUIRE(joined == no_nl);
        for (const auto &l : whole) REQUIRE(l.size() <= max);
    }
}

TEST_CASE("line_splitter: any chunking gives the same lines as one chunk (CRLF, short lines)") {
    std::mt19937_64 rng(5);
    for (int iter = 0; iter < 4000; ++iter) {
        std::string data = random_input(rng, true);
        const size_t max = 1 << 16; // no line is cut
        auto whole = split_all(data, max);
        INFO("data: ", show({data}));
        REQUIRE(show(whole) == show(reference(data, max)));
        REQUIRE(show(bytewise(data, max)) == show(whole));
        REQUIRE(show(split(random_chunks(rng, data), max).lines) == show(whole));
    }
}

TEST_CASE("line_splitter: pieces of valid UTF-8 are valid UTF-8") {
    std::mt19937_64 rng(17);
    static const char *chars[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", " "};
    for (int iter = 0; iter < 2000; ++iter) {
        std::string line;
        size_t n = rng() % 80;
        for (size_t i = 0; i < n; ++i) line += chars[rng() % 5];
        size_t max = 8 + rng() % 12;
        INFO("line: ", show({line}), " max ", max);
        auto pieces = bytewise(line + "\n", max);
        std::string joined;
        for (size_t i = 0; i < pieces.size(); ++i) {
            const auto &p = pieces[i];
            REQUIRE(valid_utf8(p));
            REQUIRE(p.size() <= max);
            if (i + 1 < pieces.size()) REQUIRE(p.size() + 3 >= max); // a cut moves back 3 bytes at most
            joined += p;
        }
        REQUIRE(joined == line);
    }
}
