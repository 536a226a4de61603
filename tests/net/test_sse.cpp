// SPDX-License-Identifier: MIT
// SSE: the wire format and parser, then streams on a real server (events, keepalives,
// backpressure) read with the blocking client.
#include "net_test_util.hpp"

#include "alter_net/client.hpp"
#include "alter_net/sse.hpp"

using namespace alter::net;
using namespace net_test;

TEST_CASE("format_sse_event writes event, id and one data line per line") {
    std::string out;
    format_sse_event(out, "line1\nline2\r\nline3", "log", "42");
    CHECK(out == "event: log\nid: 42\ndata: line1\ndata: line2\ndata: line3\n\n");
    out.clear();
    format_sse_event(out, "", "ev\nil");
    CHECK(out == "event: evil\ndata: \n\n");
    out.clear();
    format_sse_comment(out, "keepalive");
    CHECK(out == ": keepalive\n\n");
}

TEST_CASE("sse_parser handles any split, CRLF, comments and sticky ids") {
    std::string wire = ": hello\r\n"
                       "event: state\r\nid: 7\r\ndata: a\r\ndata: b\r\n\r\n"
                       "data:no-space\n\n"
                       "retry: 10\nunknown: x\ndata\n\n"
                       "id: 8\r"
                       "data: cr only\r\r";
    for (size_t step : {size_t(1), size_t(2), size_t(5), wire.size()}) {
        std::vector<sse_event> events;
        std::vector<std::string> comments;
        sse_parser p([&](const sse_event &e) { events.push_back(e); return true; },
                     [&](std::string_view c) { comments.emplace_back(c); return true; });
        for (size_t i = 0; i < wire.size(); i += step) CHECK(p.feed(std::string_view(wire).substr(i, step)));
        REQUIRE(events.size() == 4);
        CHECK(events[0].event == "state");
        CHECK(events[0].id == "7");
        CHECK(events[0].data == "a\nb");
        CHECK(events[1].event == "message");
        CHECK(events[1].data == "no-space");
        CHECK(events[1].id == "7"); // sticky
        CHECK(events[2].data.empty());
        CHECK(events[3].id == "8");
        CHECK(events[3].data == "cr only");
        REQUIRE(comments.size() == 1);
        CHECK(comments[0] == "hello");
    }
}

TEST_CASE("sse_parser stops when asked and on oversized events") {
    int n = 0;
    sse_parser p([&](const sse_event &) { return ++n < 2; });
    CHECK_FALSE(p.feed("data: 1\n\ndata: 2\n\ndata: 3\n\n"));
    CHECK(n == 2);
    CHECK(p.stopped());
    sse_parser small([](const sse_event &) { return true; }, {}, 16);
    CHECK_FALSE(small.feed("data: 0123456789\ndata: 0123456789\n\n"));
    CHECK(small.too_large());
}

namespace {
void sse_routes(router &r, uv_loop_t *loop, std::atomic<int> *closed) {
    r.add("GET", "/hello", [](request &, responder res) { res.send(200, "{}"); });
    r.add("GET", "/three", [](request &, responder res) {
        auto s = res.begin_sse();
        s.send("first", "log", "1");
        s.send("second\nline", "log", "2");
        s.send("third");
        s.end();
    });
    r.add("GET", "/live", [loop, closed](request &, responder res) {
        auto s = std::make_shared<sse_stream>(res.begin_sse());
        s->on_close([closed] { ++*closed; });
        // One event now and one per 20 ms while the client listens.
        repeat_while_open(loop, s, 0, 20,
                          [](sse_stream &st, int n) { st.send("tick " + std::to_string(n)); });
    });
    r.add("GET", "/quiet", [closed](request &, responder res) {
        auto s = res.begin_sse();
        s.on_close([closed] { ++*closed; });
    });
    r.add("GET", "/flood", [loop, closed](request &, responder res) {
        auto s = std::make_shared<sse_stream>(res.begin_sse());
        s->on_close([closed] { ++*closed; });
        repeat_while_open(loop, s, 0, 1, [](sse_stream &st, int) {
            std::string big(8192, 'x');
            for (int i = 0; i < 4 && st.is_open(); ++i) st.send(big, "flood");
        });
    });
}
} // namespace

TEST_CASE("SSE events reach the streaming client; end() finishes the stream") {
    std::atomic<int> closed{0};
    test_server ts({}, [&](router &r, uv_loop_t *loop) { sse_routes(r, loop, &closed); });
    client c(endpoint::unix_socket(ts.sock));
    std::vector<sse_event> got;
    auto r = c.stream_sse({"GET", "/three", {}, {}}, [&](const sse_event &e) {
        got.push_back(e);
        return true;
    });
    REQUIRE_MESSAGE(r, (r ? "" : r.err().message));
    CHECK(r.value().status == 200);
    CHECK(*r.value().header("content-type") == "text/event-stream");
    REQUIRE(got.size() == 3);
    CHECK(got[0].event == "log");
    CHECK(got[0].data == "first");
    CHECK(got[1].data == "second\nline");
    CHECK(got[1].id == "2");
    CHECK(got[2].event == "message");
    // Not an event stream: the body comes back as usual.
    auto nf = c.stream_sse({"GET", "/missing", {}, {}}, [](const sse_event &) { return true; });
    REQUIRE(nf);
    CHECK(nf.value().status == 404);
    CHECK(nf.value().body.find("not_found") != std::string::npos);
}

TEST_CASE("a live stream: the client stops after a few events; the server sees it go") {
    std::atomic<int> closed{0};
    test_server ts({}, [&](router &r, uv_loop_t *loop) { sse_routes(r, loop, &closed); });
    client c(endpoint::tcp("127.0.0.1", ts.port));
    std::vector<std::string> data;
    auto r = c.stream_sse({"GET", "/live", {}, {}}, [&](const sse_event &e) {
        data.push_back(e.data);
        return data.size() < 4;
    });
    REQUIRE(r);
    REQUIRE(data.size() == 4);
    CHECK(data[0] == "tick 0");
    CHECK(data[3] == "tick 3");
    CHECK(wait_for([&] { return closed.load() == 1; })); // on_close ran
}

TEST_CASE("keepalive comments are sent at the configured interval") {
    std::atomic<int> closed{0};
    server_options o;
    o.sse_keepalive = 50ms;
    test_server ts(o, [&](router &r, uv_loop_t *loop) { sse_routes(r, loop, &closed); });
    client c(endpoint::unix_socket(ts.sock));
    int keepalives = 0;
    auto started = clock::now();
    auto r = c.stream_sse(
        {"GET", "/quiet", {}, {}}, [](const sse_event &) { return false; },
        [&](std::string_view text) {
            if (text == "keepalive") ++keepalives;
            return keepalives < 3;
        });
    REQUIRE(r);
    CHECK(keepalives == 3);
    CHECK(clock::now() - started >= 100ms);
    CHECK(wait_for([&] { return closed.load() == 1; }));
}

TEST_CASE("a client that stops reading is dropped past the backlog limit; others are served") {
    std::atomic<int> closed{0};
    server_options o;
    o.max_stream_backlog = 256 * 1024;
    test_server ts(o, [&](router &r, uv_loop_t *loop) { sse_routes(r, loop, &closed); });
    int fd = raw_connect(ts.sock);
    REQUIRE(fd >= 0);
    // Shrink our receive buffer so the kernel cannot absorb much for us.
    int small = 4096;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    REQUIRE(raw_send(fd, "GET /flood HTTP/1.1\r\nHost: x\r\n\r\n"));
    client other(endpoint::unix_socket(ts.sock));
    int served = 0;
    auto started = clock::now();
    while (closed.load() == 0 && clock::now() - started < 20s) {
        auto r = other.request({"GET", "/hello", {}, {}});
        if (r && r.value().status == 200) ++served;
    }
    CHECK(closed.load() == 1);
    CHECK(served > 0);
    CHECK(raw_closed(fd, 10s)); // after draining what the kernel held
    close(fd);
    auto r = other.request({"GET", "/hello", {}, {}});
    REQUIRE(r);
    CHECK(r.value().status == 200);
}
