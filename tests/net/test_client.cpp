// SPDX-License-Identifier: MIT
// The blocking client against canned raw-socket servers (every body framing, errors, timeouts)
// and against the real server (keep-alive reuse).
#include "net_test_util.hpp"

#include "alter_net/client.hpp"

using namespace alter::net;
using namespace net_test;

namespace {

// A unix socket that answers each connection's first request with `reply` (then closes if
// `close_after`). Runs on its own thread until destroyed.
class canned_server {
public:
    canned_server(std::string reply, bool close_after, bool answer = true)
        : dir_(make_temp_dir()), path(dir_ + "/canned.sock") {
        fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        REQUIRE(bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
        REQUIRE(listen(fd_, 8) == 0);
        if (!answer) return; // connections wait in the backlog forever
        thread_ = std::thread([this, reply = std::move(reply), close_after] {
            for (;;) {
                pollfd p{fd_, POLLIN, 0};
                while (!stop_ && poll(&p, 1, 20) == 0) {
                }
                if (stop_) return;
                int c = accept(fd_, nullptr, nullptr);
                if (c < 0) return;
                auto req = raw_read(c, [](const std::string &s) {
                    return s.find("\r\n\r\n") != std::string::npos;
                });
                requests.push_back(req);
                raw_send(c, reply);
                if (close_after) {
                    close(c);
                } else {
                    raw_closed(c, 2s); // wait for the client to hang up
                    close(c);
                }
            }
        });
    }
    ~canned_server() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        close(fd_);
        std::string cmd = "rm -rf '" + dir_ + "'";
        CHECK(std::system(cmd.c_str()) == 0);
    }

    std::vector<std::string> requests;

private:
    std::string dir_;

public:
    std::string path;

private:
    int fd_ = -1;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

result<client_response> one(const canned_server &s, client_options o = {}) {
    client c(endpoint::unix_socket(s.path), o);
    return c.request({"GET", "/x", {}, {}});
}

} // namespace

TEST_CASE("endpoint::parse accepts socket paths and host:port forms") {
    auto e = endpoint::parse("unix:/run/a.sock");
    REQUIRE(e);
    CHECK(e.value().kind == transport::unix_socket);
    CHECK(e.value().path == "/run/a.sock");
    CHECK(endpoint::parse("/tmp/x.sock").value().path == "/tmp/x.sock");
    auto t = endpoint::parse("http://127.0.0.1:2999/ignored");
    REQUIRE(t);
    CHECK(t.value().kind == transport::tcp);
    CHECK(t.value().host == "127.0.0.1");
    CHECK(t.value().port == 2999);
    CHECK(t.value().host_header() == "127.0.0.1:2999");
    auto v6 = endpoint::parse("[::1]:8080");
    REQUIRE(v6);
    CHECK(v6.value().host == "::1");
    CHECK(v6.value().host_header() == "[::1]:8080");
    CHECK(endpoint::parse("localhost:1").value().host == "localhost");
    CHECK_FALSE(endpoint::parse("127.0.0.1"));
    CHECK_FALSE(endpoint::parse("host:99999"));
    CHECK_FALSE(endpoint::parse("https://x:1"));
    CHECK_FALSE(endpoint::parse("[::1"));
    CHECK(endpoint::parse("unix:").err().code == -EINVAL);
}

TEST_CASE("connect errors say the daemon is not running") {
    auto dir = make_temp_dir();
    client c(endpoint::unix_socket(dir + "/missing.sock"));
    auto r = c.request({"GET", "/", {}, {}});
    REQUIRE_FALSE(r);
    CHECK(r.err().code == -ENOENT);
    CHECK(is_not_running(r.err()));
    CHECK(r.err().message.find("missing.sock") != std::string::npos);

    // A socket file nobody listens on: refused.
    std::string stale = dir + "/stale.sock";
    make_stale_socket(stale);
    client c2(endpoint::unix_socket(stale));
    auto r2 = c2.request({"GET", "/", {}, {}});
    REQUIRE_FALSE(r2);
    CHECK(r2.err().code == -ECONNREFUSED);
    CHECK(is_not_running(r2.err()));
    CHECK_FALSE(is_not_running(error(-ETIMEDOUT)));
    CHECK(std::system(("rm -rf '" + dir + "'").c_str()) == 0);
}

TEST_CASE("bodies: Content-Length, chunked (with a 100 Continue first) and close-delimited") {
    {
        canned_server s("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello", true);
        auto r = one(s);
        REQUIRE_MESSAGE(r, (r ? "" : r.err().message));
        CHECK(r.value().status == 200);
        CHECK(r.value().body == "hello");
        CHECK(*r.value().header("x-a") == "1");
        REQUIRE(s.requests.size() == 1);
        CHECK(s.requests[0].rfind("GET /x HTTP/1.1\r\nHost: localhost\r\n", 0) == 0);
    }
    {
        canned_server s("HTTP/1.1 100 Continue\r\n\r\n"
                        "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n",
                        true);
        auto r = one(s);
        REQUIRE(r);
        CHECK(r.value().status == 201);
        CHECK(r.value().body == "abc0123456789abcdef");
    }
    {
        canned_server s("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", true);
        auto r = one(s);
        REQUIRE(r);
        CHECK(r.value().body == "until the end");
    }
}

TEST_CASE("malformed, truncated, oversized and silent responses are errors") {
    {
        canned_server s("HTTX/9 nonsense\r\n\r\n", true);
        auto r = one(s);
        REQUIRE_FALSE(r);
        CHECK(r.err().code == -EPROTO);
    }
    {
        canned_server s("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort", true);
        auto r = one(s);
        REQUIRE_FALSE(r);
        CHECK(r.err().message.find("closed") != std::string::npos);
    }
    {
        canned_server s("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'), true);
        client_options o;
        o.max_response_bytes = 10;
        auto r = one(s, o);
        REQUIRE_FALSE(r);
        CHECK(r.err().code == -EFBIG);
    }
    {
        canned_server s("", false, false); // accepts nothing: the request sits in the backlog
        client_options o;
        o.timeout = 200ms;
        auto started = clock::now();
        auto r = one(s, o);
        REQUIRE_FALSE(r);
        CHECK(r.err().code == -ETIMEDOUT);
        CHECK(clock::now() - started < 3s);
    }
}

TEST_CASE("request_stream hands the body over piece by piece and can stop") {
    canned_server s("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "2\r\nab\r\n2\r\ncd\r\n2\r\nef\r\n0\r\n\r\n",
                    false);
    client c(endpoint::unix_socket(s.path));
    std::string seen;
    int status = 0;
    auto r = c.request_stream({"GET", "/", {}, {}},
                              [&](const client_response &head, std::string_view chunk) {
                                  status = head.status;
                                  seen.append(chunk);
                                  return seen.size() < 4;
                              });
    REQUIRE(r);
    CHECK(status == 200);
    CHECK(seen == "abcd");
    CHECK(r.value().body.empty());
}

TEST_CASE("keep-alive against the real server, and a reconnect after it closed") {
    server_options o;
    o.idle_timeout = 150ms;
    test_server ts(o, [](router &r, uv_loop_t *) {
        r.add("GET", "/n", [](request &req, responder res) {
            res.send(200, std::to_string(req.peer().port), "text/plain");
        });
        r.add("PUT", "/echo", [](request &req, responder res) {
            res.send(200, std::move(req.body()), "text/plain");
        });
    });
    client c(endpoint::tcp("localhost", ts.port));
    auto a = c.request({"GET", "/n", {}, {}});
    auto b = c.request({"GET", "/n", {}, {}});
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a.value().body == b.value().body); // same connection
    auto e = c.request({"PUT", "/echo", {}, "payload"});
    REQUIRE(e);
    CHECK(e.value().body == "payload");
    REQUIRE(wait_for([&] { return ts.connections() == 0; })); // server closed the idle one
    auto d = c.request({"GET", "/n", {}, {}});
    REQUIRE_MESSAGE(d, (d ? "" : d.err().message));
    CHECK(d.value().body != a.value().body); // a new connection, transparently
}

TEST_CASE("IPv6 loopback: server on ::1, client to [::1]:port, peer seen as loopback") {
    loop_thread lt;
    std::unique_ptr<server> srv;
    int rc = lt.call([&] {
        srv = std::make_unique<server>(&lt.loop, [](request &req, responder res) {
            res.send(200, req.peer().address + (req.peer().loopback ? " lo" : " remote"),
                     "text/plain");
        });
        return srv->listen_tcp("::1", 0);
    });
    if (rc == 0) {
        auto ep = endpoint::parse("[::1]:" + std::to_string(lt.call([&] { return srv->port(); })));
        REQUIRE(ep);
        client c(ep.value());
        auto r = c.request({"GET", "/", {}, {}});
        REQUIRE_MESSAGE(r, (r ? "" : r.err().message));
        CHECK(r.value().body == "::1 lo");
    } else {
        MESSAGE("no IPv6 loopback here: " << rc);
    }
    std::atomic<bool> closed{false};
    lt.post([&] { srv->close([&] { closed = true; }); });
    CHECK(wait_for([&] { return closed.load(); }));
    lt.call([&] { srv.reset(); });
}
