// SPDX-License-Identifier: MIT
// The asynchronous client as alter-web uses it: a gateway server forwards requests to an
// upstream server's unix socket and streams the answers back, SSE included.
#include "net_test_util.hpp"

#include "alter_net/async_client.hpp"
#include "alter_net/client.hpp"
#include "alter_net/sse.hpp"

using namespace alter::net;
using namespace net_test;

namespace {

void upstream_routes(router &r, uv_loop_t *loop, std::atomic<int> *stream_closed) {
    r.add("GET", "/hello", [](request &, responder res) {
        res.header("X-Upstream", "yes").send(200, R"({"hello":"world"})");
    });
    r.add("POST", "/size", [](request &req, responder res) {
        res.send(201, std::to_string(req.body().size()) + " " + std::string(req.header("content-type")),
                 "text/plain");
    });
    r.add("GET", "/slow", [loop](request &, responder res) {
        after(loop, 300, [res]() mutable { res.send(200, "late", "text/plain"); });
    });
    r.add("GET", "/live", [loop, stream_closed](request &, responder res) {
        auto s = std::make_shared<sse_stream>(res.begin_sse());
        s->on_close([stream_closed] { ++*stream_closed; });
        repeat_while_open(loop, s, 0, 20, [](sse_stream &st, int n) {
            st.send("tick " + std::to_string(n), "tick");
        });
    });
}

// Forward any request to `up`, streaming the answer back; cancel when the client goes away.
void forward(async_client &up, request &req, responder res) {
    client_request out{std::string(req.method()), std::string(req.target()), {}, std::move(req.body())};
    for (auto name : {"content-type", "accept"})
        if (req.has_header(name)) out.headers.push_back({name, std::string(req.header(name))});
    struct state {
        responder res;
        stream s;
    };
    auto st = std::make_shared<state>(state{res, {}});
    auto call = up.request(std::move(out), {
        [st](int status, const header_list &h) {
            const std::string *ct = find_header(h, "content-type");
            st->s = st->res.begin_stream(status, ct != nullptr ? *ct : "application/octet-stream");
        },
        [st](std::string_view chunk) { st->s.write(chunk); },
        [st](const error *err) {
            if (err == nullptr)
                st->s.end();
            else if (st->res.can_answer())
                st->res.send_error("bad_gateway", err->message);
        },
    });
    res.on_close([call]() mutable { call.cancel(); });
}

struct gateway {
    explicit gateway(test_server &up) : ts(up) {
        ts.lt.call([&] {
            client_up = std::make_unique<async_client>(&ts.lt.loop, endpoint::unix_socket(ts.sock));
            srv = std::make_unique<server>(&ts.lt.loop, [this](request &req, responder res) {
                forward(*client_up, req, std::move(res));
            });
            REQUIRE(srv->listen_tcp("127.0.0.1", 0) == 0);
            port = srv->port();
        });
    }
    ~gateway() {
        std::atomic<bool> closed{false};
        ts.lt.post([&] { srv->close([&] { closed = true; }); });
        CHECK(wait_for([&] { return closed.load(); }));
        ts.lt.call([&] { srv.reset(); });
    }
    test_server &ts;
    std::unique_ptr<async_client> client_up;
    std::unique_ptr<server> srv;
    uint16_t port = 0;
};

} // namespace

TEST_CASE("the gateway forwards plain requests and their bodies") {
    std::atomic<int> closed{0};
    test_server up({}, [&](router &r, uv_loop_t *loop) { upstream_routes(r, loop, &closed); });
    gateway gw(up);
    client c(endpoint::tcp("127.0.0.1", gw.port));
    auto r = c.request({"GET", "/hello", {}, {}});
    REQUIRE_MESSAGE(r, (r ? "" : r.err().message));
    CHECK(r.value().status == 200);
    CHECK(r.value().body == R"({"hello":"world"})");
    CHECK(*r.value().header("content-type") == "application/json");
    r = c.request(client_request::json("POST", "/size", std::string(100000, 'a')));
    REQUIRE(r);
    CHECK(r.value().status == 201);
    CHECK(r.value().body == "100000 application/json");
    r = c.request({"GET", "/nope", {}, {}});
    REQUIRE(r);
    CHECK(r.value().status == 404);
    CHECK(r.value().body.find("not_found") != std::string::npos);
}

TEST_CASE("SSE passes through the gateway live; a leaving client cancels the upstream") {
    std::atomic<int> closed{0};
    test_server up({}, [&](router &r, uv_loop_t *loop) { upstream_routes(r, loop, &closed); });
    gateway gw(up);
    client c(endpoint::tcp("127.0.0.1", gw.port));
    std::vector<sse_event> got;
    auto r = c.stream_sse({"GET", "/live", {}, {}}, [&](const sse_event &e) {
        got.push_back(e);
        return got.size() < 3;
    });
    REQUIRE_MESSAGE(r, (r ? "" : r.err().message));
    CHECK(r.value().status == 200);
    REQUIRE(got.size() == 3);
    CHECK(got[0].event == "tick");
    CHECK(got[0].data == "tick 0");
    CHECK(got[2].data == "tick 2");
    // Our client closed; the gateway cancels its upstream call; the upstream stream ends.
    CHECK(wait_for([&] { return closed.load() == 1; }));
    CHECK(wait_for([&] { return up.connections() == 0; }));
}

TEST_CASE("connect errors reach on_end: missing socket and refused TCP port") {
    std::atomic<int> closed{0};
    test_server up({}, [&](router &r, uv_loop_t *loop) { upstream_routes(r, loop, &closed); });
    std::atomic<int> code1{1}, code2{1};
    std::atomic<bool> head_seen{false};
    up.lt.call([&] {
        async_client missing(&up.lt.loop, endpoint::unix_socket(up.dir + "/nobody.sock"));
        (void)missing.request({"GET", "/", {}, {}},
                              {[&](int, const header_list &) { head_seen = true; }, {},
                               [&](const error *e) { code1 = e != nullptr ? e->code : 0; }});
        // Find a closed port: bind an ephemeral one and let it go.
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
        getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
        close(fd);
        async_client refused(&up.lt.loop, endpoint::tcp("127.0.0.1", ntohs(a.sin_port)));
        (void)refused.request({"GET", "/", {}, {}},
                              {{}, {}, [&](const error *e) { code2 = e != nullptr ? e->code : 0; }});
    });
    CHECK(wait_for([&] { return code1.load() != 1 && code2.load() != 1; }));
    CHECK(code1.load() == -ENOENT);
    CHECK(code2.load() == -ECONNREFUSED);
    CHECK_FALSE(head_seen.load());
    CHECK(is_not_running(error(code1.load())));
}

TEST_CASE("a socket path longer than sun_path is reached through its directory") {
    std::atomic<int> closed{0};
    test_server up({}, [&](router &r, uv_loop_t *loop) { upstream_routes(r, loop, &closed); });
    std::string deep = up.dir + "/" + std::string(80, 'd') + "/" + std::string(40, 'e');
    REQUIRE(std::system(("mkdir -p '" + deep + "'").c_str()) == 0);
    std::string path = deep + "/long.sock";
    REQUIRE(path.size() > sizeof(sockaddr_un{}.sun_path));
    std::unique_ptr<server> far;
    REQUIRE(up.lt.call([&] {
        far = std::make_unique<server>(&up.lt.loop, up.router.as_handler());
        return far->listen_unix(path);
    }) == 0);
    std::atomic<int> status{0}, code{1};
    std::string body;
    up.lt.call([&] {
        async_client ac(&up.lt.loop, endpoint::unix_socket(path));
        (void)ac.request({"GET", "/hello", {}, {}},
                         {[&](int st, const header_list &) { status = st; }, [&](std::string_view c) { body.append(c); },
                          [&](const error *e) { code = e != nullptr ? e->code : 0; }});
    });
    CHECK(wait_for([&] { return code.load() != 1; }));
    CHECK(code.load() == 0);
    CHECK(status.load() == 200);
    CHECK(up.lt.call([&] { return body; }) == R"({"hello":"world"})");
    std::atomic<bool> done{false};
    up.lt.post([&] { far->close([&] { done = true; }); });
    CHECK(wait_for([&] { return done.load(); }));
    up.lt.call([&] { far.reset(); });
    // Gone: the missing socket is "not running", as for a short path.
    code = 1;
    up.lt.call([&] {
        async_client ac(&up.lt.loop, endpoint::unix_socket(path));
        (void)ac.request({"GET", "/", {}, {}}, {{}, {}, [&](const error *e) { code = e != nullptr ? e->code : 0; }});
    });
    CHECK(wait_for([&] { return code.load() != 1; }));
    CHECK(is_not_running(error(code.load())));
}

TEST_CASE("a cancelled call runs no callback and leaves nothing open") {
    std::atomic<int> closed{0};
    test_server up({}, [&](router &r, uv_loop_t *loop) { upstream_routes(r, loop, &closed); });
    std::atomic<int> callbacks{0};
    std::atomic<bool> ok_done{false};
    up.lt.call([&] {
        async_client ac(&up.lt.loop, endpoint::unix_socket(up.sock));
        auto call = ac.request({"GET", "/slow", {}, {}},
                               {[&](int, const header_list &) { ++callbacks; },
                                [&](std::string_view) { ++callbacks; },
                                [&](const error *) { ++callbacks; }});
        CHECK(call.active());
        after(&up.lt.loop, 50, [call]() mutable { call.cancel(); });
        // A second call completes normally on the same loop.
        (void)ac.request({"GET", "/hello", {}, {}},
                         {{}, {}, [&](const error *e) { ok_done = e == nullptr; }});
    });
    CHECK(wait_for([&] { return ok_done.load(); }));
    CHECK(wait_for([&] { return up.connections() == 0; }));
    // The upstream answers /slow after 300 ms into a closed connection: still no callback.
    std::atomic<bool> later{false};
    up.lt.post([&] { after(&up.lt.loop, 350, [&] { later = true; }); });
    CHECK(wait_for([&] { return later.load(); }));
    CHECK(callbacks.load() == 0);
}
