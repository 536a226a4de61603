// SPDX-License-Identifier: MIT
#include "alter_net/client.hpp"

#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "response_parser.hpp"
#include "unix_address.hpp"

namespace alter::net {

namespace {

using std::chrono::milliseconds;

// poll() one fd: revents, 0 on timeout (timeout 0: wait forever), or -errno.
int wait_fd(int fd, short events, milliseconds timeout) {
    pollfd p{fd, events, 0};
    int ms = timeout.count() > 0 ? static_cast<int>(timeout.count()) : -1;
    for (;;) {
        int rc = poll(&p, 1, ms);
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) return -errno;
        return rc == 0 ? 0 : p.revents;
    }
}

// Non-blocking connect with a timeout: the fd or -errno.
int connect_fd(int family, const sockaddr *addr, socklen_t len, milliseconds timeout) {
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return -errno;
    int err = 0;
    if (::connect(fd, addr, len) != 0) {
        err = errno;
        if (err == EINPROGRESS || err == EAGAIN) {
            int ev = wait_fd(fd, POLLOUT, timeout);
            socklen_t sl = sizeof err;
            if (ev < 0)
                err = -ev;
            else if (ev == 0)
                err = ETIMEDOUT;
            else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
                err = errno;
        }
    }
    if (err != 0) {
        ::close(fd);
        return -err;
    }
    if (family != AF_UNIX) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

struct collect_sink final : detail::response_parser::sink {
    client_response resp;
    const client::body_fn *fn = nullptr;
    size_t max = 0;
    bool too_big = false;

    void on_head(int status, header_list &&headers) override {
        resp.status = status;
        resp.headers = std::move(headers);
    }
    bool on_body(std::string_view chunk) override {
        if (fn != nullptr) return (*fn)(resp, chunk);
        if (resp.body.size() + chunk.size() > max) {
            too_big = true;
            return false;
        }
        resp.body.append(chunk);
        return true;
    }
};

} // namespace

bool is_not_running(const error &e) noexcept {
    return e.code == -ENOENT || e.code == -ECONNREFUSED;
}

client::client(endpoint ep, client_options opts)
    : ep_(std::move(ep)), opts_(opts), buf_(std::make_unique_for_overwrite<char[]>(buf_size)) {}

client::~client() { disconnect(); }

client::client(client &&other) noexcept
    : ep_(std::move(other.ep_)), opts_(other.opts_), fd_(other.fd_), buf_(std::move(other.buf_)) {
    other.fd_ = -1;
}

client &client::operator=(client &&other) noexcept {
    if (this != &other) {
        disconnect();
        ep_ = std::move(other.ep_);
        opts_ = other.opts_;
        buf_ = std::move(other.buf_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

void client::disconnect() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

status client::connect() {
    int fd = -EINVAL;
    if (ep_.kind == transport::unix_socket) {
        detail::unix_address addr;
        if (int rc = addr.set(ep_.path); rc < 0)
            return error(rc, "cannot connect to " + ep_.path + ": " + error_text(rc));
        fd = connect_fd(AF_UNIX, addr.get(), addr.size(), opts_.connect_timeout);
    } else {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_NUMERICSERV;
        addrinfo *list = nullptr;
        std::string port = std::to_string(ep_.port);
        int rc = getaddrinfo(ep_.host.c_str(), port.c_str(), &hints, &list);
        if (rc != 0)
            return error(-EHOSTUNREACH, "cannot resolve " + ep_.host + ": " + gai_strerror(rc));
        for (addrinfo *a = list; a != nullptr; a = a->ai_next) {
            fd = connect_fd(a->ai_family, a->ai_addr, a->ai_addrlen, opts_.connect_timeout);
            if (fd >= 0) break;
        }
        freeaddrinfo(list);
    }
    if (fd < 0) return error(fd, "cannot connect to " + ep_.describe() + ": " + error_text(fd));
    fd_ = fd;
    return {};
}

result<client_response> client::request(const client_request &req) {
    return exchange(req, nullptr);
}

result<client_response> client::request_stream(const client_request &req, const body_fn &on_body) {
    return exchange(req, &on_body);
}

result<client_response> client::stream_sse(const client_request &req,
                                           sse_parser::event_fn on_event,
                                           sse_parser::comment_fn on_comment) {
    sse_parser parser(std::move(on_event), std::move(on_comment));
    bool decided = false, is_sse = false, too_big = false;
    std::string other_body;
    body_fn fn = [&](const client_response &head, std::string_view chunk) {
        if (!decided) {
            decided = true;
            const std::string *ct = head.header("content-type");
            is_sse = head.status / 100 == 2 && ct != nullptr &&
                     media_type_is(*ct, "text/event-stream");
        }
        if (is_sse) return parser.feed(chunk);
        too_big = other_body.size() + chunk.size() > opts_.max_response_bytes;
        if (!too_big) other_body.append(chunk);
        return !too_big;
    };
    client_request r = req;
    if (find_header(r.headers, "accept") == nullptr)
        r.headers.push_back({"Accept", "text/event-stream"});
    auto res = exchange(r, &fn);
    if (res && too_big) return error(-EFBIG, "response too large");
    if (res && !is_sse) res->body = std::move(other_body);
    if (res && parser.too_large()) return error(-EFBIG, "SSE event too large");
    return res;
}

result<client_response> client::exchange(const client_request &req, const body_fn *on_body) {
    std::string out;
    detail::append_request(out, req, ep_.host_header());
    collect_sink sink;
    detail::response_parser parser(sink);
    auto fail = [&](int code, const std::string &what) {
        disconnect();
        return error(code, what + " (" + ep_.describe() + ")");
    };
    for (int attempt = 0;; ++attempt) {
        bool reused = fd_ >= 0;
        if (!reused) {
            if (auto st = connect(); !st) return std::move(st).err();
        }
        sink = collect_sink();
        sink.fn = on_body;
        sink.max = opts_.max_response_bytes;
        parser.reset(req.method);
        // Send, but stop early if the server already answers (413 before the whole body).
        for (size_t sent = 0; sent < out.size();) {
            ssize_t n = ::send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
            if (n > 0) {
                sent += size_t(n);
                continue;
            }
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                break; // the peer closed: an early answer may still be readable
            int ev = wait_fd(fd_, POLLOUT | POLLIN, opts_.timeout);
            if (ev < 0) return fail(ev, "poll failed");
            if (ev == 0) return fail(-ETIMEDOUT, "timed out sending the request");
            if ((ev & POLLIN) != 0) break;
        }
        // Read the response.
        for (;;) {
            ssize_t n = ::recv(fd_, buf_.get(), buf_size, 0);
            int err = n < 0 ? errno : 0;
            if (n < 0 && (err == EAGAIN || err == EINTR)) {
                int ev = wait_fd(fd_, POLLIN, opts_.timeout);
                if (ev < 0) return fail(ev, "poll failed");
                if (ev == 0) return fail(-ETIMEDOUT, "timed out waiting for the response");
                continue;
            }
            auto st = n > 0 ? parser.feed(buf_.get(), size_t(n)) : parser.finish();
            if (n <= 0 && st != detail::response_parser::state::complete) {
                // A kept connection the server had closed: try once more on a fresh one.
                if (reused && attempt == 0 && !parser.got_bytes()) {
                    disconnect();
                    break;
                }
                if (n < 0) return fail(-err, std::string("receive failed: ") + std::strerror(err));
            }
            using state = detail::response_parser::state;
            if (st == state::more) continue;
            if (st == state::failed) return fail(-EPROTO, parser.error_message());
            if (sink.too_big) return fail(-EFBIG, "response too large");
            if (st == state::stopped || n <= 0 || !parser.keep_alive()) disconnect();
            return std::move(sink.resp);
        }
    }
}

} // namespace alter::net
