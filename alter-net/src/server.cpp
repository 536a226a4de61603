// SPDX-License-Identifier: MIT
// The server: listeners (unix socket, TCP), accepting with a connection limit, the shared SSE
// keepalive timer and the close sequence.
#include "server_impl.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "unix_address.hpp"

namespace alter::net::detail {

struct listener {
    any_stream h;
    server_impl *srv = nullptr;
    transport kind = transport::tcp;
    std::string path; // unix: removed at close if it is still our socket
    ino_t inode = 0;
};

namespace {

void fill_unix_peer(connection &c) {
    uv_os_fd_t fd;
    if (uv_fileno(&c.h.handle, &fd) != 0) return;
    struct ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
        c.peer.pid = cred.pid;
        c.peer.uid = cred.uid;
        c.peer.gid = cred.gid;
    }
    c.peer.loopback = true;
}

void fill_tcp_peer(connection &c) {
    sockaddr_storage ss{};
    int len = sizeof ss;
    if (uv_tcp_getpeername(&c.h.tcp, reinterpret_cast<sockaddr *>(&ss), &len) != 0) return;
    char buf[INET6_ADDRSTRLEN] = {};
    if (ss.ss_family == AF_INET) {
        auto *a = reinterpret_cast<sockaddr_in *>(&ss);
        uv_ip4_name(a, buf, sizeof buf);
        c.peer.port = ntohs(a->sin_port);
        c.peer.loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    } else if (ss.ss_family == AF_INET6) {
        auto *a = reinterpret_cast<sockaddr_in6 *>(&ss);
        uv_ip6_name(a, buf, sizeof buf);
        c.peer.port = ntohs(a->sin6_port);
        const auto &b = a->sin6_addr;
        c.peer.loopback = IN6_IS_ADDR_LOOPBACK(&b) ||
                          (IN6_IS_ADDR_V4MAPPED(&b) && b.s6_addr[12] == 127);
    }
    c.peer.address = buf;
}

void on_connection(uv_stream_t *ls, int status) {
    auto *l = static_cast<listener *>(ls->data);
    server_impl *s = l->srv;
    if (status < 0) {
        s->log(log_level::warn, std::string("accept failed: ") + uv_strerror(status));
        return;
    }
    auto *c = new connection(s, l->kind);
    c->slot = s->conns.size();
    s->conns.push_back(c);
    ++s->live;
    if (uv_accept(ls, &c->h.stream) != 0) {
        c->close_now();
        return;
    }
    if (l->kind == transport::tcp) {
        uv_tcp_nodelay(&c->h.tcp, 1);
        fill_tcp_peer(*c);
    } else {
        fill_unix_peer(*c);
    }
    size_t n = s->conns.size(), max = s->opts.max_connections;
    if (n > 2 * max) {
        c->close_now(); // a flood: not even an answer
        return;
    }
    c->start();
    if (n > max) c->refuse(); // 503 and close
}

void on_listener_closed(uv_handle_t *h) {
    auto *l = static_cast<listener *>(h->data);
    server_impl *s = l->srv;
    struct stat st{};
    if (!l->path.empty() && lstat(l->path.c_str(), &st) == 0 && st.st_ino == l->inode)
        unlink(l->path.c_str());
    delete l;
    s->handle_freed();
}

// A socket file at `path`: remove it if nobody answers there, refuse if a server does.
int clear_stale_socket(const std::string &path, const unix_address &addr) {
    struct stat st{};
    if (lstat(path.c_str(), &st) != 0) return errno == ENOENT ? 0 : -errno;
    if (!S_ISSOCK(st.st_mode)) return -EEXIST;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int rc = connect(fd, addr.get(), addr.size());
    int err = errno;
    ::close(fd);
    if (rc == 0) return -EADDRINUSE;
    if (err != ECONNREFUSED && err != ENOENT) return -err;
    if (unlink(path.c_str()) != 0 && errno != ENOENT) return -errno;
    return 0;
}

} // namespace

server_impl::server_impl(uv_loop_t *l, handler h, server_options o)
    : loop(l), on_request(std::move(h)), opts(std::move(o)),
      read_buf(new char[read_buf_size]) {
    init_parser_settings(settings);
    for (const auto &h : opts.default_headers)
        if (header_text_ok(h.name) && header_text_ok(h.value) && !h.name.empty())
            default_headers += h.name + ": " + h.value + "\r\n";
    uv_timer_init(loop, &keepalive);
    keepalive.data = this;
    live = 1;
}

void server_impl::add_sse(exchange *ex) {
    ex->sse_slot = sse.size();
    sse.push_back(ex);
    if (sse.size() != 1 || opts.sse_keepalive.count() <= 0) return;
    auto every = uint64_t(opts.sse_keepalive.count());
    uv_timer_start(
        &keepalive,
        [](uv_timer_t *t) {
            auto *s = static_cast<server_impl *>(t->data);
            // A write may drop its client, which removes it from `sse` (swap with the last).
            for (size_t i = 0; i < s->sse.size();) {
                exchange *ex = s->sse[i];
                (void)ex->write_chunk(": keepalive\n\n");
                if (i < s->sse.size() && s->sse[i] == ex) ++i;
            }
        },
        every, every);
}

void server_impl::remove_sse(exchange *ex) {
    if (!ex->sse) return;
    ex->sse = false;
    size_t i = ex->sse_slot;
    sse[i] = sse.back();
    sse[i]->sse_slot = i;
    sse.pop_back();
    if (sse.empty()) uv_timer_stop(&keepalive);
}

void server_impl::connection_gone(connection *c) {
    size_t i = c->slot;
    conns[i] = conns.back();
    conns[i]->slot = i;
    conns.pop_back();
}

void server_impl::handle_freed() {
    --live;
    check_done();
}

void server_impl::begin_close() {
    if (closing) return;
    closing = true;
    for (auto *l : listeners) uv_close(&l->h.handle, on_listener_closed);
    listeners.clear();
    while (!conns.empty()) conns.back()->close_now();
    uv_close(reinterpret_cast<uv_handle_t *>(&keepalive), [](uv_handle_t *h) {
        static_cast<server_impl *>(h->data)->handle_freed();
    });
}

void server_impl::check_done() {
    if (!closing || live > 0 || finished) return;
    finished = true;
    if (auto cb = std::move(on_closed)) {
        on_closed = nullptr;
        in_callback = true;
        cb();
        in_callback = false;
    }
    maybe_free();
}

void server_impl::maybe_free() {
    if (orphaned && finished && !in_callback) delete this;
}

} // namespace alter::net::detail

namespace alter::net {

using detail::listener;

server::server(uv_loop_t *loop, handler h, server_options opts)
    : impl_(new detail::server_impl(loop, std::move(h), std::move(opts))) {}

server::~server() {
    impl_->orphaned = true;
    impl_->begin_close();
    impl_->maybe_free();
}

int server::listen_unix(const std::string &path) {
    if (impl_->closing) return -ECANCELED;
    detail::unix_address addr;
    if (int rc = addr.set(path); rc < 0) return rc;
    if (int rc = detail::clear_stale_socket(path, addr); rc < 0) return rc;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return -errno;
    // The mode of a socket inode set before bind() is what bind() creates the file with: no
    // window in which the socket is reachable by others (and chmod again to be sure).
    fchmod(fd, 0600);
    if (bind(fd, addr.get(), addr.size()) != 0) {
        int err = errno;
        ::close(fd);
        return -err;
    }
    struct stat st{};
    if (chmod(path.c_str(), 0600) != 0 || lstat(path.c_str(), &st) != 0) {
        int err = errno;
        ::close(fd);
        unlink(path.c_str());
        return -err;
    }
    auto *l = new listener;
    l->srv = impl_;
    l->kind = transport::unix_socket;
    l->path = path;
    l->inode = st.st_ino;
    uv_pipe_init(impl_->loop, &l->h.pipe, 0);
    l->h.handle.data = l;
    ++impl_->live;
    impl_->listeners.push_back(l);
    int rc = uv_pipe_open(&l->h.pipe, fd);
    if (rc < 0)
        ::close(fd); // not owned by the handle
    else
        rc = uv_listen(&l->h.stream, SOMAXCONN, detail::on_connection);
    if (rc < 0) {
        impl_->listeners.pop_back();
        uv_close(&l->h.handle, detail::on_listener_closed);
    }
    return rc;
}

int server::listen_tcp(const std::string &host, uint16_t port) {
    if (impl_->closing) return -ECANCELED;
    sockaddr_storage ss{};
    std::string h = host == "localhost" ? "127.0.0.1" : host;
    if (uv_ip4_addr(h.c_str(), port, reinterpret_cast<sockaddr_in *>(&ss)) != 0 &&
        uv_ip6_addr(h.c_str(), port, reinterpret_cast<sockaddr_in6 *>(&ss)) != 0)
        return -EINVAL;
    auto *l = new listener;
    l->srv = impl_;
    uv_tcp_init(impl_->loop, &l->h.tcp);
    l->h.handle.data = l;
    ++impl_->live;
    int rc = uv_tcp_bind(&l->h.tcp, reinterpret_cast<sockaddr *>(&ss), 0);
    if (rc == 0) rc = uv_listen(&l->h.stream, SOMAXCONN, detail::on_connection);
    if (rc == 0) {
        sockaddr_storage bound{};
        int len = sizeof bound;
        uv_tcp_getsockname(&l->h.tcp, reinterpret_cast<sockaddr *>(&bound), &len);
        impl_->port = ntohs(bound.ss_family == AF_INET
                                ? reinterpret_cast<sockaddr_in *>(&bound)->sin_port
                                : reinterpret_cast<sockaddr_in6 *>(&bound)->sin6_port);
        impl_->listeners.push_back(l);
    } else {
        uv_close(&l->h.handle, detail::on_listener_closed);
    }
    return rc;
}

uint16_t server::port() const noexcept { return impl_->port; }

size_t server::connection_count() const noexcept { return impl_->conns.size(); }

void server::close(std::function<void()> done) {
    if (impl_->finished) {
        if (done) done();
        return;
    }
    if (done) impl_->on_closed = std::move(done);
    impl_->begin_close();
}

} // namespace alter::net
