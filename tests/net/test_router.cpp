// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "alter_net/router.hpp"

using namespace alter::net;

namespace {
// A handler that records which route ran.
handler mark(int &slot, int id) {
    return [&slot, id](request &, responder) { slot = id; };
}

int run(const router &r, std::string_view method, std::string_view path, int &slot) {
    slot = 0;
    auto m = r.match(method, path);
    if (m.status == 200) {
        request req;
        (*m.target)(req, responder());
    }
    return m.status;
}
} // namespace

TEST_CASE("routes with parameters, literals before parameters") {
    router r;
    int hit = 0;
    r.add("GET", "/api/v1/processes", mark(hit, 1));
    r.add("GET", "/api/v1/processes/{name}", mark(hit, 2));
    r.add("GET", "/api/v1/processes/stats", mark(hit, 3));
    r.add("GET", "/api/v1/processes/{name}/logs", mark(hit, 4));
    r.add("POST", "/api/v1/processes/{name}/restart", mark(hit, 5));

    CHECK(run(r, "GET", "/api/v1/processes", hit) == 200);
    CHECK(hit == 1);
    CHECK(run(r, "GET", "/api/v1/processes/web", hit) == 200);
    CHECK(hit == 2);
    CHECK(run(r, "GET", "/api/v1/processes/stats", hit) == 200);
    CHECK(hit == 3);
    CHECK(run(r, "GET", "/api/v1/processes/web/logs", hit) == 200);
    CHECK(hit == 4);

    auto m = r.match("GET", "/api/v1/processes/my%20app%2Fx/logs");
    REQUIRE(m.status == 200);
    REQUIRE(m.params.size() == 1);
    CHECK(m.params[0].first == "name");
    CHECK(m.params[0].second == "my app/x"); // %2F decoded inside one segment, no split
}

TEST_CASE("unknown path is 404, known path with another method is 405 with Allow") {
    router r;
    int hit = 0;
    r.add("GET", "/things/{id}", mark(hit, 1));
    r.add("DELETE", "/things/{id}", mark(hit, 2));
    r.add("POST", "/things", mark(hit, 3));

    CHECK(r.match("GET", "/nothing").status == 404);
    CHECK(r.match("GET", "/things/a/b").status == 404);
    CHECK(r.match("GET", "/things//").status == 404); // empty segment is not a parameter
    auto m = r.match("PUT", "/things/7");
    CHECK(m.status == 405);
    CHECK(m.allow == "GET, HEAD, DELETE");
    m = r.match("GET", "/things");
    CHECK(m.status == 405);
    CHECK(m.allow == "POST");
}

TEST_CASE("HEAD uses GET, trailing slash tolerated, bad escapes are 400") {
    router r;
    int hit = 0;
    r.add("GET", "/a/{x}", mark(hit, 1));
    r.add("GET", "/", mark(hit, 2));
    CHECK(run(r, "HEAD", "/a/1", hit) == 200);
    CHECK(hit == 1);
    CHECK(run(r, "GET", "/a/1/", hit) == 200);
    CHECK(hit == 1);
    CHECK(run(r, "GET", "/", hit) == 200);
    CHECK(hit == 2);
    CHECK(r.match("GET", "/a/%zz").status == 400);
}

TEST_CASE("a more specific literal route only wins for its own methods") {
    router r;
    int hit = 0;
    r.add("GET", "/apps/{name}", mark(hit, 1));
    r.add("POST", "/apps/import", mark(hit, 2));
    CHECK(run(r, "GET", "/apps/import", hit) == 200); // falls back to the parameter route
    CHECK(hit == 1);
    CHECK(run(r, "POST", "/apps/import", hit) == 200);
    CHECK(hit == 2);
    CHECK(r.match("DELETE", "/apps/import").allow == "GET, HEAD, POST");
}

TEST_CASE("adding the same method and pattern replaces the handler") {
    router r;
    int hit = 0;
    r.add("GET", "/x/{a}", mark(hit, 1));
    r.add("GET", "/x/{a}", mark(hit, 2));
    CHECK(run(r, "GET", "/x/1", hit) == 200);
    CHECK(hit == 2);
}

TEST_CASE("methods on the same path may name their parameters differently") {
    router r;
    int hit = 0;
    r.add("GET", "/x/{name}", mark(hit, 1));
    r.add("DELETE", "/x/{id}", mark(hit, 2));
    auto m = r.match("DELETE", "/x/7");
    REQUIRE(m.status == 200);
    REQUIRE(m.params.size() == 1);
    CHECK(m.params[0].first == "id");
    m = r.match("GET", "/x/7");
    REQUIRE(m.params.size() == 1);
    CHECK(m.params[0].first == "name");
    CHECK(r.match("PUT", "/x/7").allow == "GET, HEAD, DELETE");
}
