// SPDX-License-Identifier: MIT
// state.json: every app spec and its desired state, written atomically (temp file, fsync,
// rename, fsync of the directory), restored at start.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "common/json_writer.hpp"
#include "context.hpp"
#include "supervisor.hpp"

namespace alter::detail {

namespace {
constexpr int state_version = 1;
} // namespace

status write_atomically(const std::string &path, const std::string &data, unsigned mode) {
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) return error(-errno, "cannot write " + tmp + ": " + std::strerror(errno));
    const char *p = data.data();
    size_t left = data.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            return error(-e, "cannot write " + tmp + ": " + std::strerror(e));
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return error(-e, "cannot sync " + tmp + ": " + std::strerror(e));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return error(-e, "cannot rename " + tmp + ": " + std::strerror(e));
    }
    std::string dir = path.substr(0, path.rfind('/') == std::string::npos ? 0 : path.rfind('/'));
    if (dir.empty()) dir = ".";
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

std::string supervisor::state_json() const {
    std::string out;
    json::writer w(out);
    w.begin_object();
    w.field("version", state_version);
    w.field("saved_at", static_cast<long long>(wall_ms()));
    w.key("apps").begin_array();
    for (const auto &a : apps_) {
        if (a->spec().hidden) continue;
        w.begin_object();
        w.field_raw("spec", spec_to_json(a->spec()));
        w.field("desired", a->desired_running ? "running" : "stopped");
        uint32_t restarts = 0;
        for (const auto &i : a->instances()) restarts += i->restarts();
        w.field("restarts", restarts);
        w.key("runs").begin_array();
        for (const auto &r : a->runs) {
            if (r.end_ms == 0) continue;
            w.begin_object()
                .field("instance", r.instance)
                .field("start_ms", static_cast<long long>(r.start_ms))
                .field("end_ms", static_cast<long long>(r.end_ms))
                .field("exit_code", r.exit_code)
                .field("signal", r.signal)
                .field("trigger", r.trigger)
                .end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.end_object();
    out.push_back('\n');
    return out;
}

status supervisor::save_state(const std::string &path) {
    if (path.empty()) return error(ALTER_EINVAL, "no state file configured");
    return write_atomically(path, state_json(), 0600);
}

result<int> supervisor::load_state(const std::string &path) {
    if (path.empty()) return error(ALTER_EINVAL, "no state file configured");
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return 0; // first start: nothing saved yet
        return error(-errno, "cannot read " + path + ": " + std::strerror(errno));
    }
    std::string text;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    ::close(fd);
    auto doc = parse_json(text);
    if (!doc) {
        error e = std::move(doc).err();
        e.file = path;
        return e;
    }
    const value *apps = doc->find("apps");
    if (!doc->is_object() || apps == nullptr || !apps->is_array()) return error(ALTER_EPARSE, path + ": no \"apps\" array");
    // Parse everything first: a bad entry loads nothing.
    struct entry {
        app_spec spec;
        bool running;
        std::deque<run_record> runs;
    };
    std::vector<entry> entries;
    for (size_t k = 0; k < apps->items.size(); ++k) {
        const value &item = apps->items[k];
        const value *spec = item.find("spec");
        if (spec == nullptr) return error(ALTER_EPARSE, path + ": apps[" + std::to_string(k) + "] has no spec");
        auto s = spec_from_value(*spec, spec_context{"apps[" + std::to_string(k) + "].spec.", path});
        if (!s) return std::move(s).err();
        const value *d = item.find("desired");
        entry e{std::move(*s), d != nullptr && d->is_string() && d->s == "running", {}};
        if (const value *runs = item.find("runs"); runs && runs->is_array())
            for (const auto &r : runs->items) {
                run_record rr;
                auto num = [&](const char *key) -> int64_t {
                    const value *x = r.find(key);
                    return x != nullptr && x->k == value::kind::integer ? x->i : 0;
                };
                rr.start_ms = num("start_ms");
                rr.end_ms = num("end_ms");
                rr.exit_code = static_cast<int>(num("exit_code"));
                rr.signal = static_cast<int>(num("signal"));
                if (const value *x = r.find("trigger"); x && x->is_string()) rr.trigger = x->s;
                if (const value *x = r.find("instance"); x && x->is_string()) rr.instance = x->s;
                e.runs.push_back(std::move(rr));
                if (e.runs.size() > app::max_runs) e.runs.pop_front();
            }
        entries.push_back(std::move(e));
    }
    std::vector<app_spec> specs;
    for (const auto &e : entries) specs.push_back(e.spec);
    if (auto st = check_deps(specs); !st) return std::move(st).err();
    int count = 0;
    for (auto &e : entries) {
        app *a = find_app(e.spec.name);
        if (a == nullptr) {
            apps_.push_back(std::make_unique<app>(*this, e.spec));
            a = apps_.back().get();
            emit_app_event(ALTER_EVENT_ADDED, *a, "restored");
        } else if (!(a->spec() == e.spec)) {
            (void)replace_spec(*a, e.spec); // checked with the whole state above
        }
        if (a->runs.empty()) a->runs = std::move(e.runs);
        if (!a->runs.empty()) a->last_run_ms = a->runs.back().start_ms;
        ++count;
    }
    for (auto &e : entries)
        if (e.running && e.spec.enabled) (void)start(e.spec.name);
    return count;
}

} // namespace alter::detail
