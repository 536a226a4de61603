// SPDX-License-Identifier: MIT
// Logs with real processes: files and their line format, partial and over-long lines, reading
// back with filters, rotation under load, a big burst, and live subscribers.
#include "integ.hpp"

#include <algorithm>

using namespace integ;
using alter::state;

namespace {

/// The text of spew's line k at `size` bytes.
std::string spew_line(unsigned long k, size_t size) {
    char num[16];
    std::snprintf(num, sizeof num, "%010lu ", k);
    return std::string(num) + std::string(size - 11, 'x');
}

/// "YYYY-MM-DDTHH:MM:SS.mmmZ " at the start (no std::regex: gcc 12 + ASan warns inside it).
bool is_stamp(std::string_view l) {
    static constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd.dddZ ";
    if (l.size() < shape.size()) return false;
    for (size_t i = 0; i < shape.size(); ++i)
        if (shape[i] == 'd' ? (l[i] < '0' || l[i] > '9') : l[i] != shape[i]) return false;
    return true;
}

/// Check that the log files, read in order, hold spew's lines 0..n-1 exactly once, in order, each
/// with a timestamp. Returns an empty string or the first problem.
std::string verify_spew(const std::vector<std::string> &files, unsigned long n, size_t size) {
    unsigned long next = 0;
    std::string expected_tail(size - 11, 'x');
    for (const auto &path : files) {
        std::string text = read_file(path);
        std::string_view v(text);
        size_t pos = 0;
        while (pos < v.size()) {
            size_t nl = v.find('\n', pos);
            if (nl == std::string_view::npos) return path + ": last line without newline";
            std::string_view line = v.substr(pos, nl - pos);
            pos = nl + 1;
            if (line.size() != 25 + size) return path + ": bad length " + std::to_string(line.size()) + " for line " + std::to_string(next);
            if (next % 4096 == 0 && !is_stamp(line)) return path + ": no timestamp: " + std::string(line.substr(0, 30));
            if (line[24] != ' ' || line[23] != 'Z') return path + ": no timestamp";
            std::string_view body = line.substr(25);
            unsigned long k = std::strtoul(std::string(body.substr(0, 10)).c_str(), nullptr, 10);
            if (k != next)
                return path + ": expected line " + std::to_string(next) + ", got " + std::to_string(k) + " (lost, duplicated or out of order)";
            if (body.substr(10, 1) != " " || body.substr(11) != expected_tail) return path + ": damaged line " + std::to_string(k);
            ++next;
        }
    }
    if (next != n) return "only " + std::to_string(next) + " of " + std::to_string(n) + " lines";
    return {};
}

/// A spew app as raw JSON (the C++ app_spec has no log_* fields).
std::string spew_spec(const std::string &name, unsigned long lines, size_t size, const std::string &extra = {}) {
    std::string js = R"({"name":")" + name + R"(","command":")" + helper("spew") + R"(","args":[")" + std::to_string(lines) +
                     R"(",")" + std::to_string(size) + R"(","out"],"restart":"never")";
    if (!extra.empty()) js += "," + extra;
    return js + "}";
}

std::vector<std::string> texts_of(const json &j) {
    std::vector<std::string> out;
    for (const auto &l : j["lines"].items) out.push_back(l["text"].str());
    return out;
}

} // namespace

TEST_CASE("output reaches out.log and err.log with timestamps") {
    temp_dir dir;
    auto ctx = make_context(dir);
    auto s = helper_app("both", "spew", {"5", "20", "both"});
    s.restart = "never";
    auto before = std::chrono::system_clock::now();
    REQUIRE(ctx.add(s).ok());
    wait_state(ctx, "both", {state::exited});
    for (const char *file : {"out.log", "err.log"}) {
        INFO(std::string(file));
        auto lines = split_lines(read_file(log_path(dir, "both", file)));
        REQUIRE(lines.size() == 5);
        for (size_t k = 0; k < lines.size(); ++k) {
            CHECK(is_stamp(lines[k]));
            CHECK(lines[k].substr(25) == spew_line(k, 20));
        }
        // The stamp is UTC and now.
        std::tm tm{};
        REQUIRE(::strptime(lines[0].substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm) != nullptr);
        auto t = std::chrono::system_clock::from_time_t(::timegm(&tm));
        CHECK(std::chrono::abs(t - before) < std::chrono::seconds(60));
    }
}

TEST_CASE("a partial last line is flushed when the process exits") {
    temp_dir dir;
    auto ctx = make_context(dir);
    auto s = helper_app("partial", "partial");
    s.restart = "never";
    REQUIRE(ctx.add(s).ok());
    wait_state(ctx, "partial", {state::exited});
    auto lines = split_lines(read_file(log_path(dir, "partial")));
    REQUIRE(lines.size() == 1);
    CHECK(is_stamp(lines[0]));
    CHECK(lines[0].substr(25) == "no newline");
}

TEST_CASE("an over-long line is split into pieces, nothing dropped") {
    temp_dir dir;
    line_recorder live;
    auto ctx = make_context(dir);
    live.attach(ctx, "long");
    const size_t size = 200 * 1024;
    auto s = helper_app("long", "spew", {"1", std::to_string(size), "out"});
    s.restart = "never";
    REQUIRE(ctx.add(s).ok());
    wait_state(ctx, "long", {state::exited});
    auto pieces = log_texts(log_path(dir, "long"));
    REQUIRE(pieces.size() >= 4);
    std::string joined;
    for (const auto &p : pieces) {
        CHECK(p.size() <= 64 * 1024);
        joined += p;
    }
    CHECK(joined.size() == size);
    CHECK(joined == spew_line(0, size));
    // Live watchers get the same pieces.
    std::string live_joined;
    for (const auto &l : live.all()) live_joined += l.text;
    CHECK(live_joined == joined);
}

TEST_CASE("alter_log_read: lines, streams, grep, regex, icase, errors") {
    temp_dir dir;
    auto ctx = make_context(dir);
    auto s = helper_app("reader", "spew", {"50", "40", "both"});
    s.restart = "never";
    REQUIRE(ctx.add(s).ok());
    wait_state(ctx, "reader", {state::exited});

    auto read = [&](alter::log_query q, const std::string &target = "reader") {
        auto r = ctx.read_logs(target, q);
        if (!r) FAIL_CHECK("read_logs: " << r.error().message);
        return r ? json::parse(*r) : json{};
    };
    {
        alter::log_query q;
        q.streams = ALTER_STREAM_OUT;
        q.lines = 10;
        auto j = read(q);
        auto t = texts_of(j);
        REQUIRE(t.size() == 10);
        for (size_t k = 0; k < 10; ++k) CHECK(t[k] == spew_line(40 + k, 40));
        CHECK(j["lines"][0]["stream"].str() == "out");
        CHECK(j["lines"][0]["instance"].str() == "reader");
        CHECK(j["lines"][0]["time_ms"].n > 0);
    }
    {
        alter::log_query q;
        q.streams = ALTER_STREAM_ERR;
        q.lines = 5;
        auto j = read(q);
        auto t = texts_of(j);
        REQUIRE(t.size() == 5);
        CHECK(t.front() == spew_line(45, 40));
        for (const auto &l : j["lines"].items) CHECK(l["stream"].str() == "err");
    }
    {
        alter::log_query q; // both streams, default 100 lines
        CHECK(read(q)["lines"].size() == 100);
    }
    {
        alter::log_query q;
        q.grep = "0000000042";
        CHECK(read(q)["lines"].size() == 2); // out and err
        q.streams = ALTER_STREAM_OUT;
        auto t = texts_of(read(q));
        REQUIRE(t.size() == 1);
        CHECK(t[0] == spew_line(42, 40));
    }
    {
        alter::log_query q;
        q.streams = ALTER_STREAM_OUT;
        q.regex = true;
        q.grep = "^00000000(1|2)5 ";
        auto t = texts_of(read(q));
        REQUIRE(t.size() == 2);
        CHECK(t[0] == spew_line(15, 40));
        CHECK(t[1] == spew_line(25, 40));
    }
    {
        alter::log_query q;
        q.streams = ALTER_STREAM_OUT;
        q.grep = "XXXX";
        CHECK(read(q)["lines"].size() == 0);
        q.ignore_case = true;
        CHECK(read(q)["lines"].size() == 50);
        q.regex = true;
        q.grep = "^0+7 X+$";
        auto t = texts_of(read(q));
        REQUIRE(t.size() == 1);
        CHECK(t[0] == spew_line(7, 40));
    }
    {
        alter::log_query q;
        q.regex = true;
        q.grep = "(unclosed";
        auto r = ctx.read_logs("reader", q);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == ALTER_EINVAL);
        CHECK(r.error().message.find("regular expression") != std::string::npos);
    }
    {
        alter::log_query q;
        q.date = "2026-13-45";
        auto r = ctx.read_logs("reader", q);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == ALTER_EINVAL);
    }
    {
        auto r = ctx.read_logs("nope");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == ALTER_ENOTFOUND);
    }
}

TEST_CASE("control characters and invalid UTF-8 come back as valid JSON") {
    temp_dir dir;
    auto ctx = make_context(dir);
    alter::app_spec s;
    s.name = "bytes";
    s.command = "/bin/sh";
    s.args = {"-c", "printf 'tab\\there \\001 quote\\042 back\\\\slash bad\\377byte\\n'"};
    s.restart = "never";
    REQUIRE(ctx.add(s).ok());
    wait_state(ctx, "bytes", {state::exited});
    CHECK(log_texts(log_path(dir, "bytes")) == std::vector<std::string>{"tab\there \001 quote\" back\\slash bad\377byte"});
    auto r = ctx.read_logs("bytes");
    REQUIRE(r.ok());
    auto t = texts_of(json::parse(*r)); // integ::json is lenient: the raw text is checked below
    REQUIRE(t.size() == 1);
    CHECK(t[0] == "tab\there \001 quote\" back\\slash bad\xef\xbf\xbd" "byte"); // U+FFFD
    CHECK(r->find('\t') == std::string::npos);
    CHECK(r->find('\x01') == std::string::npos);
    CHECK(r->find('\xff') == std::string::npos);
}

TEST_CASE("size rotation under load loses no line") {
    temp_dir dir;
    auto ctx = make_context(dir);
    const unsigned long n = 20000;
    const size_t size = 100;
    REQUIRE(ctx.add(spew_spec("rot", n, size, R"("log_max_size":65536,"log_max_files":1000)")).ok());
    wait_state(ctx, "rot", {state::exited}, 60000ms);
    // out.log.K (highest first, the oldest) ... out.log.1, then out.log.
    std::vector<std::pair<int, std::string>> segments;
    for (const auto &f : list_dir(dir / "logs/rot")) {
        if (f == "out.log") segments.emplace_back(0, f);
        else if (f.rfind("out.log.", 0) == 0) segments.emplace_back(std::atoi(f.c_str() + 8), f);
    }
    std::sort(segments.begin(), segments.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    std::vector<std::string> files;
    for (const auto &[k, f] : segments) {
        files.push_back(dir / "logs/rot/" + f);
        struct stat st {};
        REQUIRE(::stat(files.back().c_str(), &st) == 0);
        CHECK(st.st_size <= 65536);
    }
    INFO(files.size() << " files");
    CHECK(files.size() >= 30); // ~2.5 MB in 64 KiB files
    CHECK(verify_spew(files, n, size) == "");
    // Reading back crosses segments: the newest 1000 lines, oldest first.
    alter::log_query q;
    q.lines = 1000;
    auto r = ctx.read_logs("rot", q);
    REQUIRE(r.ok());
    auto t = texts_of(json::parse(*r));
    REQUIRE(t.size() == 1000);
    for (size_t k = 0; k < t.size(); ++k) CHECK(t[k] == spew_line(n - 1000 + k, size));
}

TEST_CASE("a 64 MiB burst: every line present exactly once") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    const size_t size = 127; // 128 bytes per line with its newline
    const unsigned long n = 64ul * 1024 * 1024 / 128;
    REQUIRE(ctx.add(spew_spec("burst", n, size, R"("log_max_size":0)")).ok());
    wait_state(ctx, "burst", {state::exited}, 100000ms);
    auto st = ev.states("burst");
    REQUIRE(st.size() >= 3);
    MESSAGE("64 MiB logged in " << elapsed_ms(st.front().at, st.back().at) << " ms");
    CHECK(verify_spew({log_path(dir, "burst")}, n, size) == "");
}

TEST_CASE("live subscribers get log lines; a backlog is delivered first") {
    temp_dir dir;
    auto ctx = make_context(dir);
    REQUIRE(ctx.add(spew_spec("live", 100, 30), 0).ok()); // added, not started
    auto sub = ctx.subscribe(ALTER_SUB_LOGS, "live");
    REQUIRE(sub.ok());
    REQUIRE(ctx.start("live").ok());
    std::vector<std::string> got;
    while (got.size() < 100) {
        auto r = sub->next(10000ms);
        REQUIRE(r.ok());
        REQUIRE_MESSAGE(r->has_value(), "timed out after " << got.size() << " lines");
        json j = json::parse(**r);
        REQUIRE(j["type"].str() == "log");
        CHECK(j["app"].str() == "live");
        CHECK(j["instance"].str() == "live");
        CHECK(j["stream"].str() == "out");
        got.push_back(j["text"].str());
    }
    for (size_t k = 0; k < got.size(); ++k) CHECK(got[k] == spew_line(k, 30));

    // A late subscriber asks for the last 10 lines from memory.
    wait_state(ctx, "live", {state::exited});
    auto late = ctx.subscribe(ALTER_SUB_LOGS, "live", 10);
    REQUIRE(late.ok());
    for (size_t k = 90; k < 100; ++k) {
        auto r = late->next(0ms);
        REQUIRE(r.ok());
        REQUIRE(r->has_value());
        CHECK(json::parse(**r)["text"].str() == spew_line(k, 30));
    }
}

TEST_CASE("a subscriber that never reads gets a final dropped record and does not slow the child") {
    temp_dir dir;
    event_recorder ev;
    auto ctx = make_context(dir);
    ev.attach(ctx);
    const unsigned long n = 20000;
    auto run_time = [&](const std::string &name) {
        auto st = ev.states(name);
        steady::time_point a{}, b{};
        for (const auto &e : st) {
            if (e.to == state::running && a == steady::time_point{}) a = e.at;
            if (e.to == state::exited) b = e.at;
        }
        return elapsed_ms(a, b);
    };
    // Without a subscriber.
    REQUIRE(ctx.add(spew_spec("base", n, 100)).ok());
    wait_state(ctx, "base", {state::exited}, 30000ms);
    // With one that never reads.
    REQUIRE(ctx.add(spew_spec("flood", n, 100), 0).ok());
    auto sub = ctx.subscribe(ALTER_SUB_LOGS, "flood", 0, 100);
    REQUIRE(sub.ok());
    REQUIRE(ctx.start("flood").ok());
    wait_state(ctx, "flood", {state::exited}, 30000ms);
    double base = run_time("base"), flood = run_time("flood");
    MESSAGE("20000 lines: " << base << " ms without a subscriber, " << flood << " ms with a stuck one");
    CHECK(flood < base * 5 + 3000); // a reader that stalled the child would never finish
    CHECK(verify_spew({log_path(dir, "flood")}, n, 100) == "");

    std::vector<std::string> records;
    for (;;) {
        auto r = sub->next(0ms);
        if (!r.ok()) {
            CHECK(r.error().code == ALTER_ECLOSED);
            break;
        }
        if (!r->has_value()) break;
        records.push_back(**r);
    }
    REQUIRE(!records.empty());
    CHECK(records.size() <= 101);
    json last = json::parse(records.back());
    CHECK(last["type"].str() == "dropped");
    CHECK(!last["reason"].str().empty());
    for (size_t k = 0; k + 1 < records.size(); ++k) CHECK(json::parse(records[k])["type"].str() == "log");
    // The next read says the queue is closed.
    auto r = sub->next(0ms);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ALTER_ECLOSED);
}
