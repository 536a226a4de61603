// SPDX-License-Identifier: MIT
#include "alter_net/json.hpp"

#include <cerrno>

#include <simdjson.h>

#include "alter_net/server.hpp"

namespace alter::net {

namespace dom = simdjson::dom;

struct json_object::impl {
    dom::parser parser;
    dom::object root;
};

namespace {

// "/env/PATH" -> "env.PATH"; plain keys as they are.
std::string field_name(std::string_view key) {
    if (key.empty() || key.front() != '/') return std::string(key);
    std::string out(key.substr(1));
    for (auto &c : out)
        if (c == '/') c = '.';
    return out;
}

error field_error(int code, std::string_view key, std::string_view what) {
    error e(code, "field '" + field_name(key) + "' " + std::string(what));
    e.field = field_name(key);
    return e;
}

error missing(std::string_view key) { return field_error(-ENOENT, key, "is required"); }

error wrong_type(std::string_view key, std::string_view type) {
    return field_error(-EINVAL, key, "must be " + std::string(type));
}

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
        }
    }
    return row[b.size()];
}

} // namespace

json_object::json_object() = default;
json_object::~json_object() = default;
json_object::json_object(json_object &&) noexcept = default;
json_object &json_object::operator=(json_object &&) noexcept = default;

result<json_object> json_object::parse(std::string_view text) {
    json_object obj;
    obj.impl_ = std::make_unique<impl>();
    dom::element el;
    if (auto err = obj.impl_->parser.parse(text.data(), text.size()).get(el); err)
        return error(-EBADMSG, std::string("invalid JSON: ") + simdjson::error_message(err));
    if (el.get(obj.impl_->root) != simdjson::SUCCESS)
        return error(-EINVAL, "expected a JSON object");
    return obj;
}

namespace {
// The member at `key`, or nullopt when missing.
std::optional<dom::element> lookup(const dom::object &root, std::string_view key) {
    dom::element e;
    auto r = (!key.empty() && key.front() == '/') ? root.at_pointer(key) : root[key];
    if (r.get(e) != simdjson::SUCCESS) return std::nullopt;
    return e;
}

template <class T>
result<T> typed(const std::optional<dom::element> &e, std::string_view key, std::string_view type) {
    if (!e) return missing(key);
    T v{};
    if (e->get(v) != simdjson::SUCCESS) return wrong_type(key, type);
    return v;
}
} // namespace

bool json_object::has(std::string_view key) const {
    return impl_ && lookup(impl_->root, key).has_value();
}

bool json_object::is_null(std::string_view key) const {
    auto e = impl_ ? lookup(impl_->root, key) : std::nullopt;
    return e && e->is_null();
}

result<bool> json_object::get_bool(std::string_view key) const {
    return typed<bool>(lookup(impl_->root, key), key, "a boolean");
}

result<std::string> json_object::get_string(std::string_view key) const {
    auto r = typed<std::string_view>(lookup(impl_->root, key), key, "a string");
    if (!r) return std::move(r).err();
    return std::string(r.value());
}

result<int64_t> json_object::get_int(std::string_view key) const {
    return typed<int64_t>(lookup(impl_->root, key), key, "an integer");
}

result<double> json_object::get_number(std::string_view key) const {
    return typed<double>(lookup(impl_->root, key), key, "a number");
}

result<std::vector<std::string>> json_object::get_string_array(std::string_view key) const {
    auto arr = typed<dom::array>(lookup(impl_->root, key), key, "an array of strings");
    if (!arr) return std::move(arr).err();
    std::vector<std::string> out;
    for (dom::element item : arr.value()) {
        std::string_view s;
        if (item.get(s) != simdjson::SUCCESS) return wrong_type(key, "an array of strings");
        out.emplace_back(s);
    }
    return out;
}

result<bool> json_object::get_bool_or(std::string_view key, bool fallback) const {
    if (!has(key) || is_null(key)) return fallback;
    return get_bool(key);
}

result<std::string> json_object::get_string_or(std::string_view key,
                                               std::string_view fallback) const {
    if (!has(key) || is_null(key)) return std::string(fallback);
    return get_string(key);
}

result<int64_t> json_object::get_int_or(std::string_view key, int64_t fallback) const {
    if (!has(key) || is_null(key)) return fallback;
    return get_int(key);
}

result<std::string> json_object::get_raw(std::string_view key) const {
    auto e = lookup(impl_->root, key);
    if (!e) return missing(key);
    return simdjson::minify(*e);
}

result<std::vector<std::string>> json_object::get_raw_array(std::string_view key) const {
    auto e = lookup(impl_->root, key);
    if (!e) return missing(key);
    simdjson::dom::array arr;
    if (e->get_array().get(arr) != simdjson::SUCCESS) {
        error err(-EINVAL, "field '" + std::string(key) + "' must be an array");
        err.field = std::string(key);
        return err;
    }
    std::vector<std::string> out;
    out.reserve(arr.size());
    for (auto item : arr) out.push_back(simdjson::minify(item));
    return out;
}

status json_object::for_each_object(std::string_view key, const std::function<void(const json_object &)> &fn) const {
    auto e = lookup(impl_->root, key);
    if (!e) return missing(key);
    simdjson::dom::array arr;
    if (e->get_array().get(arr) != simdjson::SUCCESS) return field_error(-EINVAL, key, "must be an array");
    // One view, re-pointed at each element; its parser stays empty (simdjson allocates on parse).
    json_object view;
    view.impl_ = std::make_unique<impl>();
    for (auto item : arr)
        if (item.get(view.impl_->root) == simdjson::SUCCESS) fn(view);
    return {};
}

std::string json_object::raw() const { return impl_ ? simdjson::minify(impl_->root) : "{}"; }

std::vector<std::string> json_object::keys() const {
    std::vector<std::string> out;
    if (!impl_) return out;
    for (auto field : impl_->root) out.emplace_back(field.key);
    return out;
}

status json_object::check_keys(std::initializer_list<std::string_view> known) const {
    if (!impl_) return {};
    for (auto field : impl_->root) {
        bool ok = false;
        std::string_view best;
        size_t best_d = 3; // suggest names at most 2 edits away
        for (auto k : known) {
            if (k == field.key) ok = true;
            size_t d = edit_distance(field.key, k);
            if (d < best_d) {
                best_d = d;
                best = k;
            }
        }
        if (ok) continue;
        error e = field_error(-EINVAL, field.key, "is not a known field");
        if (!best.empty()) e.hint = "did you mean '" + std::string(best) + "'?";
        return e;
    }
    return {};
}

bool is_json_request(const request &req) noexcept {
    return req.body().empty() || media_type_is(req.header("content-type"), "application/json");
}

bool require_json(const request &req, responder &res) {
    if (is_json_request(req)) return true;
    res.send_error("unsupported_media_type", "the request body must be application/json");
    return false;
}

std::optional<json_object> read_json_body(const request &req, responder &res) {
    if (!require_json(req, res)) return std::nullopt;
    auto parsed = json_object::parse(req.body().empty() ? std::string_view("{}") : req.body());
    if (parsed) return std::move(parsed).value();
    res.send_error(parsed.err().code == -EBADMSG ? "invalid_json" : "bad_request", parsed.err());
    return std::nullopt;
}

} // namespace alter::net
