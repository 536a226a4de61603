// SPDX-License-Identifier: MIT
// alter::detail::error and result<T>: the library's error-carrying return type (until C++23's
// std::expected). An error carries the ALTER_E*/-errno code plus optional detail that ends up in
// alter_last_error() / alter_last_error_json().
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace alter::detail {

struct error {
    int code = 0;          // ALTER_E* or -errno, always < 0
    std::string message;   // human detail; empty: alter_strerror(code)
    std::string field;     // "apps[1].restart"
    std::string file;      // "alter.toml"
    std::string hint;      // "did you mean 'restart'?"
    int line = 0;          // 1-based; 0: unknown
    int column = 0;

    error() = default;
    error(int c, std::string msg = {}) : code(c), message(std::move(msg)) {}
};

template <class T> class [[nodiscard]] result {
public:
    result(T v) : v_(std::move(v)) {}
    result(error e) : v_(std::move(e)) {}

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    T &value() & { assert(ok()); return std::get<0>(v_); }
    T &&value() && { assert(ok()); return std::get<0>(std::move(v_)); }
    const T &value() const & { assert(ok()); return std::get<0>(v_); }
    T *operator->() { return &value(); }
    T &operator*() { return value(); }
    const error &err() const & { assert(!ok()); return std::get<1>(v_); }
    error &&err() && { assert(!ok()); return std::get<1>(std::move(v_)); }

private:
    std::variant<T, error> v_;
};

template <> class [[nodiscard]] result<void> {
public:
    result() = default;
    result(error e) : e_(std::move(e)), ok_(false) {}
    bool ok() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    const error &err() const & { assert(!ok_); return e_; }
    error &&err() && { assert(!ok_); return std::move(e_); }

private:
    error e_;
    bool ok_ = true;
};

using status = result<void>;

} // namespace alter::detail
