// SPDX-License-Identifier: MIT
// Integration tests of the server: a real server on a loop thread, driven by the blocking
// client and by raw sockets.
#include "net_test_util.hpp"

#include <stdexcept>
#include <sys/stat.h>

#include "alter_net/client.hpp"
#include "alter_net/json.hpp"
#include "json_writer.hpp"

using namespace alter::net;
using namespace net_test;

namespace {

// Routes most tests use.
void basic_routes(router &r, uv_loop_t *loop) {
    r.add("GET", "/hello", [](request &, responder res) { res.send(200, R"({"hello":"world"})"); });
    r.add("GET", "/peer", [](request &req, responder res) {
        res.send(200, std::to_string(req.peer().port) + " " + req.peer().address + " " +
                          (req.peer().loopback ? "lo" : "remote") + " " +
                          std::to_string(req.peer().uid),
                 "text/plain");
    });
    r.add("GET", "/echo/{name}", [](request &req, responder res) {
        std::string q(req.query().get("q").value_or("-"));
        res.send(200, std::string(req.param("name")) + "|" + q, "text/plain");
    });
    r.add("GET", "/slow/{ms}", [loop](request &req, responder res) {
        uint64_t ms = std::stoul(std::string(req.param("ms")));
        after(loop, ms, [res]() mutable { res.send(200, "slow", "text/plain"); });
    });
    r.add("POST", "/json", [](request &req, responder res) {
        auto body = read_json_body(req, res);
        if (!body) return;
        auto enabled = body->get_bool("enabled");
        if (!enabled) return res.send_error("invalid", enabled.err());
        res.send(200, enabled.value() ? R"({"enabled":true})" : R"({"enabled":false})");
    });
    r.add("POST", "/size", [](request &req, responder res) {
        res.send(200, std::to_string(req.body().size()), "text/plain");
    });
    r.add("GET", "/forgot", [](request &, responder) {});
    r.add("GET", "/chunks", [loop](request &, responder res) {
        auto s = std::make_shared<stream>(res.begin_stream(200, "text/plain"));
        s->write("one,");
        after(loop, 20, [s, loop] {
            s->write("two,");
            after(loop, 20, [s] {
                s->write("three");
                s->end();
            });
        });
    });
}

std::string get_body(client &c, const std::string &target, int *status = nullptr) {
    auto r = c.request({"GET", target, {}, {}});
    REQUIRE_MESSAGE(r, (r ? "" : r.err().message));
    if (status != nullptr) *status = r.value().status;
    return r.value().body;
}

} // namespace

TEST_CASE("keep-alive: several requests on one TCP connection") {
    test_server ts({}, basic_routes);
    client c(endpoint::tcp("127.0.0.1", ts.port));
    std::string first = get_body(c, "/peer");
    CHECK(first.find(" 127.0.0.1 lo ") != std::string::npos);
    CHECK(first.rfind("0 ", 0) != 0); // a real peer port
    for (int i = 0; i < 5; ++i) CHECK(get_body(c, "/peer") == first); // same peer port
    CHECK(ts.connections() == 1);
    CHECK(get_body(c, "/echo/a%20b?q=x+y%26") == "a b|x y&");
}

TEST_CASE("unix socket: mode 0600, peer uid, stale file removed, live socket refused") {
    test_server ts({}, basic_routes);
    struct stat st{};
    REQUIRE(stat(ts.sock.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 0777) == 0600);
    client c(endpoint::unix_socket(ts.sock));
    auto body = get_body(c, "/peer");
    CHECK(body == "0  lo " + std::to_string(getuid()));

    // A second server on the same path is refused while the first one lives.
    std::string stale = ts.dir + "/stale.sock";
    int rc = ts.lt.call([&] {
        server other(&ts.lt.loop, [](request &, responder) {});
        return other.listen_unix(ts.sock);
    });
    CHECK(rc == -EADDRINUSE);
    std::string plain = ts.dir + "/plain";
    FILE *f = std::fopen(plain.c_str(), "w");
    std::fclose(f);
    rc = ts.lt.call([&] {
        server other(&ts.lt.loop, [](request &, responder) {});
        return other.listen_unix(plain);
    });
    CHECK(rc == -EEXIST);

    // A stale socket file (nobody listening) is replaced.
    make_stale_socket(stale);
    std::atomic<bool> closed{false};
    auto second = std::make_shared<std::unique_ptr<server>>();
    rc = ts.lt.call([&] {
        *second = std::make_unique<server>(&ts.lt.loop, ts.router.as_handler());
        return (*second)->listen_unix(stale);
    });
    CHECK(rc == 0);
    client c2(endpoint::unix_socket(stale));
    CHECK(get_body(c2, "/hello") == R"({"hello":"world"})");
    ts.lt.post([&] { (*second)->close([&] { closed = true; }); });
    CHECK(wait_for([&] { return closed.load(); }));
    ts.lt.call([&] { second->reset(); });
    CHECK(access(stale.c_str(), F_OK) != 0); // removed at close
}

TEST_CASE("pipelining: three requests in one write are answered in order") {
    test_server ts({}, basic_routes);
    int fd = raw_connect(ts.sock);
    REQUIRE(fd >= 0);
    // The first answers after a timer; the others at once, but must wait for it.
    REQUIRE(raw_send(fd, "GET /slow/80 HTTP/1.1\r\nHost: x\r\n\r\n"
                         "GET /echo/two HTTP/1.1\r\nHost: x\r\n\r\n"
                         "GET /echo/three HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto got = raw_read(fd, [](const std::string &s) { return s.find("three|-") != std::string::npos; });
    close(fd);
    auto a = got.find("slow"), b = got.find("two|-"), c = got.find("three|-");
    REQUIRE(a != std::string::npos);
    REQUIRE(b != std::string::npos);
    REQUIRE(c != std::string::npos);
    CHECK(a < b);
    CHECK(b < c);
    CHECK(count_of(got, "HTTP/1.1 200 OK") == 3);
}

TEST_CASE("413: announced or chunked bodies over the limit; other clients are served") {
    server_options o;
    o.max_body_bytes = 1024;
    test_server ts(o, basic_routes);
    client other(endpoint::unix_socket(ts.sock));

    int fd = raw_connect(ts.sock);
    REQUIRE(raw_send(fd, "POST /size HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n"));
    auto got = raw_read(fd, [](const std::string &s) { return s.find("}}") != std::string::npos; });
    CHECK(got.rfind("HTTP/1.1 413 ", 0) == 0);
    CHECK(got.find("payload_too_large") != std::string::npos);
    CHECK(raw_closed(fd));
    close(fd);
    CHECK(get_body(other, "/hello") == R"({"hello":"world"})");

    fd = raw_connect(ts.sock);
    REQUIRE(raw_send(fd, "POST /size HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
    std::string chunk = "200\r\n" + std::string(512, 'x') + "\r\n";
    REQUIRE(raw_send(fd, chunk + chunk));
    CHECK(get_body(other, "/hello") == R"({"hello":"world"})"); // served meanwhile
    raw_send(fd, chunk);
    got = raw_read(fd, [](const std::string &s) { return s.find("}}") != std::string::npos; });
    CHECK(got.rfind("HTTP/1.1 413 ", 0) == 0);
    close(fd);

    // The blocking client sending a large body reads the early answer.
    client big(endpoint::unix_socket(ts.sock));
    client_request req{"POST", "/size", {}, std::string(4 * 1024 * 1024, 'y')};
    auto r = big.request(req);
    REQUIRE_MESSAGE(r, (r ? "" : r.err().message));
    CHECK(r.value().status == 413);
    auto ok = big.request({"POST", "/size", {}, std::string(1000, 'z')});
    REQUIRE(ok);
    CHECK(ok.value().body == "1000");
}

TEST_CASE("431 for huge headers") {
    test_server ts({}, basic_routes);
    int fd = raw_connect(ts.sock);
    std::string req = "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') +
                      "\r\n\r\n";
    raw_send(fd, req);
    auto got = raw_read(fd, [](const std::string &s) { return s.find("}}") != std::string::npos; });
    CHECK(got.rfind("HTTP/1.1 431 ", 0) == 0);
    CHECK(got.find("Connection: close") != std::string::npos);
    close(fd);
    client c(endpoint::unix_socket(ts.sock));
    CHECK(get_body(c, "/hello") == R"({"hello":"world"})");
}

TEST_CASE("a client sending one byte per 100 ms gets 408 at the header timeout") {
    server_options o;
    o.header_timeout = 400ms;
    test_server ts(o, basic_routes);
    int fd = raw_connect(ts.sock);
    REQUIRE(fd >= 0);
    std::atomic<bool> dropped{false};
    auto started = clock::now();
    std::atomic<int64_t> dropped_after_ms{0};
    std::string answer;
    std::thread slow([&] {
        std::string req = "GET /hello HTTP/1.1\r\nHost: slowloris\r\nX-Pad: " +
                          std::string(200, 'p') + "\r\n\r\n";
        for (char ch : req) {
            if (send(fd, &ch, 1, MSG_NOSIGNAL) != 1) break;
            pollfd p{fd, POLLIN, 0};
            // Paced at 100 ms a byte; a readable socket here means an answer, EOF or reset.
            if (poll(&p, 1, 100) > 0) {
                answer = raw_read(fd, [](const std::string &) { return false; }, 3s); // until closed
                break;
            }
        }
        dropped_after_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               clock::now() - started)
                               .count();
        dropped = true;
    });
    client c(endpoint::unix_socket(ts.sock));
    int served = 0;
    while (!dropped && clock::now() - started < 10s) {
        if (get_body(c, "/hello") == R"({"hello":"world"})") ++served;
    }
    slow.join();
    close(fd);
    CHECK(dropped);
    CHECK(served > 0);
    CHECK(answer.rfind("HTTP/1.1 408 Request Timeout\r\n", 0) == 0);
    CHECK(answer.find("Connection: close\r\n") != std::string::npos);
    CHECK(answer.find(R"({"error":{"code":"request_timeout","message":"the request headers did not arrive in time"}})") !=
          std::string::npos);
    CHECK(dropped_after_ms.load() >= 350);
    CHECK(dropped_after_ms.load() < 5000); // the request would need 20 s to arrive
}

TEST_CASE("a body that stops coming gets 408 at the body timeout") {
    server_options o;
    o.body_timeout = 300ms;
    test_server ts(o, basic_routes);
    int fd = raw_connect(ts.sock);
    REQUIRE(fd >= 0);
    auto started = clock::now();
    REQUIRE(raw_send(fd, "POST /size HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345"));
    auto got = raw_read(fd, [](const std::string &) { return false; }, 5s); // until closed
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started).count();
    close(fd);
    CHECK(got.rfind("HTTP/1.1 408 ", 0) == 0);
    CHECK(got.find("Connection: close") != std::string::npos);
    CHECK(got.find("the request body did not arrive in time") != std::string::npos);
    CHECK(ms >= 250);
}

TEST_CASE("an idle connection is closed without an answer") {
    server_options o;
    o.header_timeout = 200ms;
    o.idle_timeout = 200ms;
    test_server ts(o, basic_routes);
    // Nothing ever sent.
    int fd = raw_connect(ts.sock);
    REQUIRE(fd >= 0);
    CHECK(raw_read(fd, [](const std::string &) { return false; }, 3s).empty());
    close(fd);
    // A keep-alive connection after its answer.
    fd = raw_connect(ts.sock);
    REQUIRE(fd >= 0);
    REQUIRE(raw_send(fd, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto got = raw_read(fd, [](const std::string &) { return false; }, 3s);
    close(fd);
    CHECK(count_of(got, "HTTP/1.1 ") == 1);
    CHECK(got.find("408") == std::string::npos);
}

TEST_CASE("a unix socket path longer than sun_path works for the server and the client") {
    std::string dir = make_temp_dir();
    std::string deep = dir + "/" + std::string(70, 'a') + "/" + std::string(70, 'b');
    REQUIRE(std::system(("mkdir -p '" + deep + "'").c_str()) == 0);
    std::string path = deep + "/alterd.sock";
    REQUIRE(path.size() > sizeof(sockaddr_un{}.sun_path));
    loop_thread lt;
    router r;
    basic_routes(r, &lt.loop);
    std::unique_ptr<server> srv;
    lt.call([&] {
        srv = std::make_unique<server>(&lt.loop, r.as_handler());
        REQUIRE(srv->listen_unix(path) == 0);
    });
    struct stat st {};
    CHECK(lstat(path.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 0777) == 0600);
    client c(endpoint::unix_socket(path));
    CHECK(get_body(c, "/hello") == R"({"hello":"world"})");
    // A second server on the same path: the live one is found through the long path too.
    lt.call([&] {
        server other(&lt.loop, r.as_handler());
        CHECK(other.listen_unix(path) == -EADDRINUSE);
    });
    std::atomic<bool> closed{false};
    lt.post([&] { srv->close([&] { closed = true; }); });
    CHECK(wait_for([&] { return closed.load(); }));
    CHECK(lstat(path.c_str(), &st) != 0); // removed at close
    client gone(endpoint::unix_socket(path));
    auto res = gone.request({"GET", "/hello", {}, {}});
    REQUIRE(!res);
    CHECK(is_not_running(res.err()));
    // A file name that alone does not fit is still refused.
    lt.call([&] {
        server other(&lt.loop, r.as_handler());
        CHECK(other.listen_unix(deep + "/" + std::string(120, 'c')) == -ENAMETOOLONG);
    });
    lt.call([&] { srv.reset(); });
    lt.stop();
    CHECK(std::system(("rm -rf '" + dir + "'").c_str()) == 0);
}

TEST_CASE("connection limit: over it a client gets 503 or a closed socket") {
    server_options o;
    o.max_connections = 2;
    test_server ts(o, basic_routes);
    int a = raw_connect(ts.sock), b = raw_connect(ts.sock);
    REQUIRE(wait_for([&] { return ts.connections() == 2; }));
    int c = raw_connect(ts.sock);
    REQUIRE(c >= 0);
    raw_send(c, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    auto got = raw_read(c, [](const std::string &s) { return s.find("}}") != std::string::npos; });
    CHECK(got.rfind("HTTP/1.1 503 ", 0) == 0);
    CHECK(raw_closed(c));
    close(c);
    close(a);
    REQUIRE(wait_for([&] { return ts.connections() <= 1; }));
    client cl(endpoint::unix_socket(ts.sock));
    CHECK(get_body(cl, "/hello") == R"({"hello":"world"})");
    close(b);
}

TEST_CASE("chunked response streamed by a handler is decoded by the client") {
    test_server ts({}, basic_routes);
    client c(endpoint::unix_socket(ts.sock));
    auto r = c.request({"GET", "/chunks", {}, {}});
    REQUIRE(r);
    CHECK(r.value().status == 200);
    REQUIRE(r.value().header("transfer-encoding") != nullptr);
    CHECK(*r.value().header("transfer-encoding") == "chunked");
    CHECK(r.value().body == "one,two,three");
    CHECK(get_body(c, "/hello") == R"({"hello":"world"})"); // connection still usable
    CHECK(ts.connections() == 1);
}

TEST_CASE("404, 405 with Allow, HEAD without body, 500 for an unanswered request") {
    test_server ts({}, basic_routes);
    client c(endpoint::unix_socket(ts.sock));
    auto r = c.request({"GET", "/nope", {}, {}});
    REQUIRE(r);
    CHECK(r.value().status == 404);
    CHECK(r.value().body.find(R"("code":"not_found")") != std::string::npos);
    r = c.request({"DELETE", "/hello", {}, {}});
    REQUIRE(r);
    CHECK(r.value().status == 405);
    REQUIRE(r.value().header("allow") != nullptr);
    CHECK(*r.value().header("allow") == "GET, HEAD");
    r = c.request({"HEAD", "/hello", {}, {}});
    REQUIRE(r);
    CHECK(r.value().status == 200);
    CHECK(r.value().body.empty());
    CHECK(*r.value().header("content-length") == "17");
    r = c.request({"GET", "/forgot", {}, {}});
    REQUIRE(r);
    CHECK(r.value().status == 500);
    CHECK(get_body(c, "/hello/") == R"({"hello":"world"})"); // trailing slash, same connection
}

TEST_CASE("JSON bodies: 415 for other media types, 400 invalid JSON, 422 wrong type") {
    test_server ts({}, basic_routes);
    client c(endpoint::unix_socket(ts.sock));
    auto r = c.request({"POST", "/json", {{"Content-Type", "text/plain"}}, R"({"enabled":true})"});
    REQUIRE(r);
    CHECK(r.value().status == 415);
    CHECK(r.value().body.find("unsupported_media_type") != std::string::npos);
    r = c.request(client_request::json("POST", "/json", R"({"enabled":)"));
    REQUIRE(r);
    CHECK(r.value().status == 400);
    CHECK(r.value().body.find("invalid_json") != std::string::npos);
    r = c.request(client_request::json("POST", "/json", R"({"enabled":"yes"})"));
    REQUIRE(r);
    CHECK(r.value().status == 422);
    CHECK(r.value().body.find(R"("field":"enabled")") != std::string::npos);
    r = c.request({"POST", "/json", {{"Content-Type", "application/json; charset=utf-8"}},
                   R"({"enabled":true})"});
    REQUIRE(r);
    CHECK(r.value().status == 200);
    CHECK(r.value().body == R"({"enabled":true})");
    r = c.request({"POST", "/json", {}, {}}); // empty body: {} -> field missing
    REQUIRE(r);
    CHECK(r.value().status == 422);
}

TEST_CASE("an answer after the client went away is a no-op; the server keeps serving") {
    test_server ts({}, basic_routes);
    int fd = raw_connect(ts.sock);
    raw_send(fd, "GET /slow/100 HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(wait_for([&] { return ts.connections() == 1; }));
    close(fd);
    REQUIRE(wait_for([&] { return ts.connections() == 0; }));
    // Let the timer fire (it answers into the void), then check the server is fine.
    std::atomic<bool> fired{false};
    ts.lt.post([&] { after(&ts.lt.loop, 150, [&] { fired = true; }); });
    REQUIRE(wait_for([&] { return fired.load(); }));
    client c(endpoint::unix_socket(ts.sock));
    CHECK(get_body(c, "/hello") == R"({"hello":"world"})");
}

TEST_CASE("Connection: close and HTTP/1.0 close after the answer; idle connections time out") {
    server_options o;
    o.idle_timeout = 200ms;
    test_server ts(o, basic_routes);
    int fd = raw_connect(ts.sock);
    raw_send(fd, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto got = raw_read(fd, [](const std::string &) { return false; }, 3s);
    CHECK(got.rfind("HTTP/1.1 200 OK", 0) == 0);
    CHECK(got.find("Connection: close") != std::string::npos);
    close(fd);
    fd = raw_connect(ts.sock);
    raw_send(fd, "GET /hello HTTP/1.0\r\n\r\n");
    got = raw_read(fd, [](const std::string &) { return false; }, 3s);
    CHECK(got.rfind("HTTP/1.0 200 OK", 0) == 0);
    CHECK(got.find(R"({"hello":"world"})") != std::string::npos);
    close(fd);

    client c(endpoint::unix_socket(ts.sock));
    CHECK(get_body(c, "/hello") == R"({"hello":"world"})");
    REQUIRE(wait_for([&] { return ts.connections() == 0; })); // idle timeout closed it
    CHECK(get_body(c, "/hello") == R"({"hello":"world"})");   // the client reconnects
}

TEST_CASE("close() ends open streams (on_close runs) and pending requests") {
    std::atomic<int> on_close_calls{0};
    std::atomic<bool> streaming{false};
    auto ts = std::make_unique<test_server>(server_options{}, [&](router &r, uv_loop_t *) {
        r.add("GET", "/forever", [&](request &, responder res) {
            auto s = res.begin_stream(200, "text/plain");
            s.on_close([&] { ++on_close_calls; });
            streaming = true;
            s.write("started");
        });
    });
    int fd = raw_connect(ts->sock);
    raw_send(fd, "GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
    auto got = raw_read(fd, [](const std::string &s) { return s.find("started") != std::string::npos; });
    CHECK(got.find("started") != std::string::npos);
    CHECK(streaming.load());
    ts.reset(); // closes the server while the stream is open
    CHECK(on_close_calls.load() == 1);
    CHECK(raw_closed(fd));
    close(fd);
}

TEST_CASE("serving a 30 KB JSON answer on a unix socket costs little server CPU") {
    std::string big;
    alter::json::writer w(big);
    w.begin_array();
    for (int i = 0; big.size() < 30 * 1024; ++i)
        w.begin_object().field("name", "app-" + std::to_string(i)).field("pid", 1000 + i)
            .field("status", "running").field("cpu", 0.25).end_object();
    w.end_array();
    test_server ts({}, [&big](router &r, uv_loop_t *) {
        r.add("GET", "/api/v1/processes", [&big](request &, responder res) { res.send(200, big); });
    });
    auto thread_cpu_ns = [] {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return int64_t(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
    };
    client c(endpoint::unix_socket(ts.sock));
    for (int i = 0; i < 100; ++i) REQUIRE(get_body(c, "/api/v1/processes").size() == big.size());
    constexpr int n = 2000;
    int64_t before = ts.lt.call(thread_cpu_ns);
    int ok = 0;
    for (int i = 0; i < n; ++i) {
        auto r = c.request({"GET", "/api/v1/processes", {}, {}});
        ok += r && r.value().body.size() == big.size();
    }
    int64_t after_ns = ts.lt.call(thread_cpu_ns);
    CHECK(ok == n);
    double us = double(after_ns - before) / 1000.0 / n;
    MESSAGE("server CPU per 30 KB response: " << us << " us");
    // About 10 us in an optimised build; the bound leaves room for sanitizer builds.
    CHECK(us < 500.0);
}

TEST_CASE("a throwing handler gets 500 and a log record; abort() truncates a stream") {
    std::atomic<int> errors{0};
    server_options o;
    o.log = [&](log_level lvl, std::string_view msg) {
        if (lvl == log_level::error && msg.find("boom") != std::string_view::npos) ++errors;
    };
    test_server ts(o, [](router &r, uv_loop_t *) {
        r.add("GET", "/throw", [](request &, responder) { throw std::runtime_error("boom"); });
        r.add("GET", "/abort", [](request &, responder res) {
            auto s = res.begin_stream(200, "text/plain");
            s.write("partial");
            s.abort();
            CHECK_FALSE(s.is_open());
        });
    });
    client c(endpoint::unix_socket(ts.sock));
    auto r = c.request({"GET", "/throw", {}, {}});
    REQUIRE(r);
    CHECK(r.value().status == 500);
    CHECK(wait_for([&] { return errors.load() == 1; })); // logged just after the answer
    auto a = c.request({"GET", "/abort", {}, {}});
    REQUIRE_FALSE(a);
    CHECK(a.err().message.find("closed in the middle") != std::string::npos);
}
