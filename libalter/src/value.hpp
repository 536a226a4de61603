// SPDX-License-Identifier: MIT
// value: a format-neutral document tree (null, bool, integer, number, string, array, object) with
// source positions. Every input format (JSON, TOML, YAML, Procfile, API bodies) is read into a
// value; one converter (spec.cpp) turns values into app specs, so validation and its messages are
// the same whatever the format.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace alter::detail {

struct value_field;

struct value {
    enum class kind : uint8_t { null, boolean, integer, number, string, array, object };

    kind k = kind::null;
    bool b = false;
    int64_t i = 0;
    double d = 0;
    std::string s;
    std::vector<value> items;                          // array
    std::vector<value_field> fields;                   // object, in document order
    int line = 0;                                      // 1-based position in the source; 0: unknown
    int column = 0;
    int key_line = 0;                                  // an object member: its key's position
    int key_column = 0;

    static value make_null();
    static value make_bool(bool v);
    static value make_int(int64_t v);
    static value make_number(double v);
    static value make_string(std::string v);
    static value make_array();
    static value make_object();

    bool is_null() const { return k == kind::null; }
    bool is_object() const { return k == kind::object; }
    bool is_array() const { return k == kind::array; }
    bool is_string() const { return k == kind::string; }

    /// Object member by key, or nullptr.
    const value *find(std::string_view key) const;
    value *find(std::string_view key);
    /// Set (replace or append) an object member.
    value &set(std::string key, value v);
    bool erase(std::string_view key);

    /// "string", "integer", ...: for error messages.
    const char *type_name() const;
};

/// One member of an object (a struct, not std::pair: the pair would need `value` complete).
struct value_field {
    std::string first;
    value second;
    value_field() = default;
    value_field(std::string k, value v) : first(std::move(k)), second(std::move(v)) {}
};

inline value value::make_null() { return value{}; }
inline value value::make_bool(bool v) { value x; x.k = kind::boolean; x.b = v; return x; }
inline value value::make_int(int64_t v) { value x; x.k = kind::integer; x.i = v; return x; }
inline value value::make_number(double v) { value x; x.k = kind::number; x.d = v; return x; }
inline value value::make_string(std::string v) { value x; x.k = kind::string; x.s = std::move(v); return x; }
inline value value::make_array() { value x; x.k = kind::array; return x; }
inline value value::make_object() { value x; x.k = kind::object; return x; }

inline const value *value::find(std::string_view key) const {
    for (const auto &f : fields)
        if (f.first == key) return &f.second;
    return nullptr;
}
inline value *value::find(std::string_view key) {
    for (auto &f : fields)
        if (f.first == key) return &f.second;
    return nullptr;
}
inline value &value::set(std::string key, value v) {
    if (auto *x = find(key)) {
        *x = std::move(v);
        return *x;
    }
    fields.emplace_back(std::move(key), std::move(v));
    return fields.back().second;
}
inline bool value::erase(std::string_view key) {
    for (auto it = fields.begin(); it != fields.end(); ++it)
        if (it->first == key) {
            fields.erase(it);
            return true;
        }
    return false;
}

/// Parse JSON text into a value (positions are line/column of each value). ALTER_EPARSE on error.
result<value> parse_json(std::string_view text);

/// Serialise a value as compact JSON.
std::string to_json(const value &v);

} // namespace alter::detail
