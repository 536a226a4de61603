// SPDX-License-Identifier: MIT
#include "config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>

#include "alter/alter.h"
#include "deps.hpp"

namespace alter::detail {

const char *to_string(config_format f) {
    switch (f) {
    case config_format::auto_detect: return "auto";
    case config_format::toml: return "toml";
    case config_format::json: return "json";
    case config_format::yaml: return "yaml";
    case config_format::pm2: return "pm2";
    case config_format::procfile: return "procfile";
    case config_format::supervisord: return "supervisord";
    }
    return "auto";
}

std::string config_error_string(const error &e) {
    std::string out;
    if (!e.file.empty()) out += e.file + ":";
    if (e.line > 0) {
        out += std::to_string(e.line) + ":";
        if (e.column > 0) out += std::to_string(e.column) + ":";
    }
    if (!out.empty()) out += " ";
    out += e.message.empty() ? "error " + std::to_string(e.code) : e.message;
    if (!e.hint.empty() && out.find(e.hint) == std::string::npos) out += " (" + e.hint + ")";
    return out;
}

// ---- Small parsers shared by the importers --------------------------------------------------

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) { return s.size() >= p.size() && s.substr(s.size() - p.size()) == p; }

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

} // namespace

bool parse_duration_ms(std::string_view s, int64_t &out) {
    static constexpr std::array<std::pair<std::string_view, int64_t>, 27> units{{
        {"ms", 1}, {"msec", 1}, {"millisecond", 1}, {"milliseconds", 1},
        {"s", 1000}, {"sec", 1000}, {"secs", 1000}, {"second", 1000}, {"seconds", 1000},
        {"m", 60'000}, {"min", 60'000}, {"mins", 60'000}, {"minute", 60'000}, {"minutes", 60'000},
        {"h", 3'600'000}, {"hr", 3'600'000}, {"hrs", 3'600'000}, {"hour", 3'600'000}, {"hours", 3'600'000},
        {"d", 86'400'000}, {"day", 86'400'000}, {"days", 86'400'000},
        {"w", 604'800'000}, {"week", 604'800'000}, {"weeks", 604'800'000},
        {"month", 2'630'016'000}, {"months", 2'630'016'000}, // 30.44 days, as humantime
    }};
    s = trim(s);
    if (s.empty()) return false;
    if (std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (s.size() > 15) return false;
        out = std::stoll(std::string(s));
        return true;
    }
    int64_t total = 0;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        if (i == s.size()) break;
        size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start || i - start > 12) return false;
        int64_t n = std::stoll(std::string(s.substr(start, i - start)));
        while (i < s.size() && s[i] == ' ') ++i;
        size_t ustart = i;
        while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i])) != 0) ++i;
        std::string_view unit = s.substr(ustart, i - ustart);
        int64_t mult = 0;
        for (const auto &[name, ms] : units)
            if (name == unit) mult = ms;
        if (unit == "y" || unit == "year" || unit == "years") mult = 31'557'600'000; // 365.25 days
        if (mult == 0 || n > (INT64_MAX - total) / mult) return false;
        total += n * mult;
    }
    out = total;
    return true;
}

bool command_needs_shell(std::string_view line) {
    static constexpr std::string_view special = "|&;<>()$`*?~[\n";
    static constexpr std::array<std::string_view, 17> builtins{{
        "exec", "cd", "export", "set", "unset", ".", "source", "eval", "ulimit", "umask", "trap", "if", "for",
        "while", "until", "case", "!",
    }};
    line = trim(line);
    for (size_t i = 0; i < line.size(); ++i) {
        if (special.find(line[i]) != std::string_view::npos) return true;
        if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) return true;
    }
    std::string_view first = line.substr(0, line.find_first_of(" \t"));
    if (std::find(builtins.begin(), builtins.end(), first) != builtins.end()) return true;
    // NAME=value cmd: an environment assignment for the command.
    auto eq = first.find('=');
    if (eq != std::string_view::npos && eq > 0 && !(first[0] >= '0' && first[0] <= '9') &&
        std::all_of(first.begin(), first.begin() + static_cast<std::ptrdiff_t>(eq), is_name_char))
        return true;
    return false;
}

status set_command_line(value &app, const value &line, const std::string &field,
                        const std::vector<std::string> &extra_args) {
    if (!line.is_string()) return config_field_error(field, &line, std::string("expected a command line, got ") + line.type_name());
    std::string_view text = trim(line.s);
    if (text.empty()) return config_field_error(field, &line, "must not be empty");
    auto str = [&](std::string s) {
        value v = value::make_string(std::move(s));
        v.line = line.line;
        v.column = line.column;
        return v;
    };
    value args = value::make_array();
    args.line = line.line;
    args.column = line.column;
    if (command_needs_shell(text)) {
        std::string script(text);
        for (const auto &a : extra_args) { // quoted for sh: '...' with ' as '\''
            script += " '";
            for (char c : a) script += c == '\'' ? std::string("'\\''") : std::string(1, c);
            script += "'";
        }
        app.set("command", str("/bin/sh"));
        args.items.push_back(str("-c"));
        args.items.push_back(str(std::move(script)));
    } else {
        std::vector<std::string> argv;
        if (!split_words(text, argv)) return config_field_error(field, &line, "unterminated quote");
        app.set("command", str(argv[0]));
        for (size_t i = 1; i < argv.size(); ++i) args.items.push_back(str(std::move(argv[i])));
        for (const auto &a : extra_args) args.items.push_back(str(a));
    }
    app.set("args", std::move(args));
    return {};
}

// ---- Detection ----------------------------------------------------------------------------

namespace {

enum class syntax { none, toml, json, yaml, procfile, js, ini };
enum class flavour { alter, pm2, ppm };

std::string_view base_name(std::string_view filename) {
    auto slash = filename.find_last_of("/\\");
    return slash == std::string_view::npos ? filename : filename.substr(slash + 1);
}

// Significant lines: not blank, not a # comment.
std::vector<std::string_view> significant_lines(std::string_view text, size_t max) {
    std::vector<std::string_view> out;
    size_t pos = 0;
    while (pos < text.size() && out.size() < max) {
        size_t nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::string_view t = trim(line);
        if (t.empty() || t[0] == '#' || t[0] == ';') continue;
        out.push_back(line);
    }
    return out;
}

bool looks_like_js(std::string_view text) {
    return text.find("module.exports") != std::string_view::npos || text.find("export default") != std::string_view::npos;
}

syntax syntax_from_name(std::string_view filename, std::string_view text) {
    std::string_view base = base_name(filename);
    std::string lb = lower(base);
    if (starts_with(base, "Procfile") || lb == "procfile" || ends_with(lb, ".procfile")) return syntax::procfile;
    if (ends_with(lb, ".toml")) return syntax::toml;
    if (ends_with(lb, ".json") || ends_with(lb, ".json5")) return syntax::json;
    if (ends_with(lb, ".yaml") || ends_with(lb, ".yml")) return syntax::yaml;
    if (ends_with(lb, ".js") || ends_with(lb, ".cjs") || ends_with(lb, ".mjs")) return syntax::js;
    if ((ends_with(lb, ".conf") || ends_with(lb, ".ini")) && text.find("[program:") != std::string_view::npos)
        return syntax::ini;
    return syntax::none;
}

syntax sniff(std::string_view text) {
    if (starts_with(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
    auto lines = significant_lines(text, 200);
    if (lines.empty()) return syntax::yaml; // empty: any reader reports "no apps"
    std::string_view first = trim(lines[0]);
    if (first[0] == '{') return syntax::json;
    if (looks_like_js(text)) return syntax::js;
    if (first[0] == '[') {
        if (starts_with(first, "[program:") || starts_with(first, "[supervisord]") || starts_with(first, "[group:"))
            return syntax::ini;
        // TOML table headers: [name], [[name]], [a.b]; anything else is a JSON array.
        std::string_view h = first;
        while (!h.empty() && h.front() == '[') h.remove_prefix(1);
        size_t n = 0;
        while (n < h.size() && (is_name_char(h[n]) || h[n] == '.' || h[n] == '-' || h[n] == '"')) ++n;
        return n > 0 && n < h.size() && h[n] == ']' ? syntax::toml : syntax::json;
    }
    bool all_procfile = true, yaml_hint = false;
    for (auto line : lines) {
        std::string_view t = trim(line);
        if (t == "---" || starts_with(t, "- ") || t == "-") yaml_hint = true;
        size_t n = 0;
        while (n < t.size() && (is_name_char(t[n]) || t[n] == '.' || t[n] == '-' || t[n] == '"')) ++n;
        std::string_view rest = trim(t.substr(n));
        if (n > 0 && !rest.empty() && rest[0] == '=') return syntax::toml;
        bool indented = line[0] == ' ' || line[0] == '\t';
        if (indented || n == 0 || rest.empty() || rest[0] != ':' || trim(rest.substr(1)).empty()) all_procfile = false;
    }
    if (all_procfile && !yaml_hint) return syntax::procfile;
    return syntax::yaml;
}

syntax detect_syntax(std::string_view filename, std::string_view text) {
    syntax s = syntax_from_name(filename, text);
    return s == syntax::none ? sniff(text) : s;
}

bool pm2_file_name(std::string_view filename) {
    std::string lb = lower(base_name(filename));
    if (starts_with(lb, "alter")) return false;
    return starts_with(lb, "ecosystem") || starts_with(lb, "pm2") || ends_with(lb, ".config.json") ||
           ends_with(lb, ".config.yaml") || ends_with(lb, ".config.yml");
}

const value *apps_of(const value &root) {
    if (root.is_array()) return &root;
    if (root.is_object()) {
        if (const value *a = root.find("apps"); a != nullptr && a->is_array()) return a;
    }
    return nullptr;
}

flavour pick_flavour(const value &root, std::string_view filename, bool auto_pm2) {
    if (root.is_object() && root.find("services") != nullptr && root.find("apps") == nullptr) return flavour::ppm;
    const value *apps = apps_of(root);
    if (!auto_pm2 || apps == nullptr) return flavour::alter;
    bool alter_only = false;
    for (const auto &app : apps->items)
        for (const auto &[key, v] : app.fields) {
            if (pm2_signature_key(key)) return flavour::pm2;
            if (!spec_canonical_key(key).empty() && !pm2_known_key(key)) alter_only = true;
        }
    return pm2_file_name(filename) && !alter_only ? flavour::pm2 : flavour::alter;
}

error js_error() {
    return error(ALTER_EPARSE,
                 "JavaScript ecosystem files cannot be read (alter does not run Node.js); convert it once with: "
                 "node -e 'console.log(JSON.stringify(require(\"./ecosystem.config.js\"), null, 2))' > ecosystem.json");
}

// PM2 files are JSON (or YAML, which PM2 also reads); .js files get an actionable error.
result<value> parse_pm2_text(std::string_view text) {
    std::string_view t = trim(text);
    if (starts_with(t, "{") || starts_with(t, "[")) return parse_json(text);
    if (looks_like_js(text) || starts_with(t, "//") || starts_with(t, "/*") || starts_with(t, "const ")) return js_error();
    return parse_yaml(text);
}

} // namespace

config_format config_detect(std::string_view filename, std::string_view text) {
    syntax syn = detect_syntax(filename, text);
    switch (syn) {
    case syntax::toml: return config_format::toml;
    case syntax::procfile: return config_format::procfile;
    case syntax::js: return config_format::pm2;
    case syntax::ini: return config_format::supervisord;
    case syntax::json:
    case syntax::yaml:
    case syntax::none: break;
    }
    bool json = syn == syntax::json;
    auto root = json ? parse_json(text) : parse_yaml(text);
    if (root && pick_flavour(*root, filename, true) == flavour::pm2) return config_format::pm2;
    return json ? config_format::json : config_format::yaml;
}

// ---- Documents -> specs --------------------------------------------------------------------

namespace {

// The reference product's `watch = true` + `watch_paths = [...]`: alter's `watch` takes the
// paths (true) or nothing (false), so the pair becomes one key instead of a "given twice" error.
void reference_watch(value &app) {
    if (!app.is_object()) return;
    const value *w = app.find("watch");
    const value *paths = app.find("watch_paths");
    if (w == nullptr || paths == nullptr || w->k != value::kind::boolean) return;
    if (w->b) {
        app.erase("watch");
    } else {
        app.erase("watch_paths");
    }
}

// "apps[2].restrat: ..." -> "apps[2] (worker): restrat: ...": an app named by its place in the
// file and by its name. Prefixes that are names already ("web.", "program:web.") stay.
void name_the_app(error &e, const std::string &prefix, const value &obj) {
    if (prefix.find('[') == std::string::npos || !starts_with(e.message, prefix)) return;
    const value *n = obj.is_object() ? obj.find("name") : nullptr;
    if (n == nullptr || !n->is_string() || n->s.empty() || n->s.size() > defaults::max_name) return;
    e.message = prefix.substr(0, prefix.size() - 1) + " (" + n->s + "): " + e.message.substr(prefix.size());
}

struct builder {
    std::string file;
    config_options opts;
    std::string_view text;
    config_result out;
    std::vector<std::pair<std::string, value>> names; // prefix, name value (for duplicates)
    std::vector<value> deps_at;                        // each app's deps value (its position)

    // Validate one translated app object; keep its name's position for the duplicate check.
    // `raw`: the app as written (before an import translated it), for its name.
    status add(const value &obj, const std::string &prefix, flavour fl, const value *raw = nullptr) {
        status st = add_one(obj, prefix, fl);
        if (!st) {
            error e = std::move(st).err();
            name_the_app(e, prefix, raw != nullptr ? *raw : obj);
            return e;
        }
        return st;
    }

    status add_one(const value &obj, const std::string &prefix, flavour fl) {
        if (out.apps.size() >= config_limits::max_apps)
            return error(ALTER_ELIMIT, "more than " + std::to_string(config_limits::max_apps) + " apps in one file");
        auto spec = spec_from_value(obj, {prefix, file, text});
        if (!spec) {
            error e = std::move(spec).err();
            std::string_view key = std::string_view(e.field).substr(std::min(prefix.size(), e.field.size()));
            if (fl == flavour::alter && pm2_signature_key(key) && starts_with(e.field, prefix)) {
                e.hint = "'" + std::string(key) + "' is a PM2 key: import the file as PM2 (format pm2)";
                e.message = e.field + ": unknown field (" + e.hint + ")";
            }
            return e;
        }
        for (const auto &[p, v] : names)
            if (v.s == spec->name) {
                const value *nv = obj.find("name");
                return config_field_error(prefix + "name", nv != nullptr ? nv : &obj,
                                          "'" + spec->name + "' is already the name of " + p.substr(0, p.size() - 1) +
                                              (v.line > 0 ? " (line " + std::to_string(v.line) + ")" : ""));
            }
        const value *nv = obj.find("name");
        value nm = nv != nullptr ? *nv : value::make_string(spec->name);
        nm.s = spec->name;
        names.emplace_back(prefix, std::move(nm));
        const value *dv = obj.find("deps");
        if (dv == nullptr) dv = obj.find("depends_on");
        value at = value::make_null();
        if (dv != nullptr) {
            at.line = dv->line;
            at.column = dv->column;
        } else {
            at.line = names.back().second.line;
            at.column = names.back().second.column;
        }
        deps_at.push_back(std::move(at));
        out.apps.push_back(std::move(spec).value());
        return {};
    }

    status from_root(const value &root, flavour fl) {
        if (fl == flavour::ppm) return from_ppm(root);
        if (root.is_null()) return config_field_error("apps", &root, "required: the file is empty");
        const value *apps = nullptr;
        if (root.is_array()) {
            apps = &root;
        } else if (root.is_object()) {
            for (const auto &[key, v] : root.fields) {
                if (key == "apps" || starts_with(key, "x-")) continue; // x-*: room for YAML anchors
                if (key == "daemon" || (fl == flavour::pm2 && key == "deploy")) {
                    out.warnings.push_back(key + ": ignored: configure alterd with its own options");
                    continue;
                }
                std::string hint;
                if (auto c = closest(key, {"apps", "daemon"}); !c.empty()) hint = "did you mean '" + std::string(c) + "'?";
                else if (!spec_canonical_key(key).empty() || pm2_known_key(key))
                    hint = "app fields go inside an entry of 'apps'";
                return config_key_error(key, v, "unknown top-level key", hint);
            }
            apps = root.find("apps");
            if (apps == nullptr)
                return config_field_error("apps", &root, "required: the list of apps",
                                          "[[apps]] in TOML, apps: in YAML, {\"apps\": [...]} in JSON");
        } else {
            return config_field_error("apps", &root, std::string("expected an object with 'apps', got ") + root.type_name());
        }
        if (!apps->is_array())
            return config_field_error("apps", apps, std::string("expected a list of apps, got ") + apps->type_name(),
                                      apps->is_object() ? "use [[apps]] (an array of tables) in TOML, '- name: ...' items in YAML" : "");
        if (apps->items.empty()) out.warnings.push_back("apps: the file defines no apps");
        for (size_t i = 0; i < apps->items.size(); ++i) {
            std::string prefix = "apps[" + std::to_string(i) + "].";
            if (fl == flavour::pm2) {
                auto t = pm2_translate(apps->items[i], prefix, opts, out.warnings);
                if (!t) {
                    error e = std::move(t).err();
                    name_the_app(e, prefix, apps->items[i]);
                    return e;
                }
                if (auto st = add(*t, prefix, fl, &apps->items[i]); !st) return st;
            } else {
                value app = apps->items[i];
                reference_watch(app);
                if (auto st = add(app, prefix, fl); !st) return st;
            }
        }
        return {};
    }

    status from_ppm(const value &root) {
        if (auto st = ppm_check_root(root, out.warnings); !st) return st;
        const value *services = root.find("services");
        if (!services->is_array())
            return config_field_error("services", services, std::string("expected a list of services, got ") + services->type_name());
        if (services->items.empty()) out.warnings.push_back("services: the file defines no services");
        for (size_t i = 0; i < services->items.size(); ++i) {
            std::string prefix = "services[" + std::to_string(i) + "].";
            auto t = ppm_translate(services->items[i], prefix, root, out.warnings);
            if (!t) {
                error e = std::move(t).err();
                name_the_app(e, prefix, services->items[i]);
                return e;
            }
            if (auto st = add(*t, prefix, flavour::ppm, &services->items[i]); !st) return st;
        }
        return {};
    }

    // Procfile: "name: command" lines; apps run in the file's directory, as foreman does.
    status from_procfile(std::string_view text) {
        if (starts_with(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
        size_t pos = 0;
        int line_no = 0;
        while (pos < text.size()) {
            size_t nl = text.find('\n', pos);
            std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
            pos = nl == std::string_view::npos ? text.size() : nl + 1;
            ++line_no;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            std::string_view t = trim(line);
            if (t.empty() || t[0] == '#') continue;
            int name_col = static_cast<int>(t.data() - line.data()) + 1;
            size_t colon = t.find(':');
            std::string_view name = colon == std::string_view::npos ? std::string_view{} : trim(t.substr(0, colon));
            if (name.empty() || name.find_first_of(" \t") != std::string_view::npos) {
                error e(ALTER_EPARSE, "invalid Procfile: expected 'name: command'");
                e.line = line_no;
                e.column = name_col;
                return e;
            }
            std::string_view rest = t.substr(colon + 1);
            std::string_view cmd = trim(rest);
            value obj = value::make_object();
            obj.line = line_no;
            obj.column = name_col;
            value nv = value::make_string(std::string(name));
            nv.line = line_no;
            nv.column = name_col;
            obj.set("name", nv);
            value cv = value::make_string(std::string(cmd));
            cv.line = line_no;
            cv.column = static_cast<int>((cmd.empty() ? rest.data() : cmd.data()) - line.data()) + 1;
            value cwd = value::make_string(".");
            cwd.line = line_no;
            cwd.column = name_col;
            obj.set("cwd", cwd);
            std::string prefix = std::string(name) + ".";
            if (auto st = set_command_line(obj, cv, prefix + "command"); !st) return st;
            if (auto st = add(obj, prefix, flavour::alter); !st) return st;
        }
        if (out.apps.empty()) out.warnings.push_back("Procfile: the file defines no processes");
        return {};
    }

    // deps naming apps this file does not define may still exist in alterd: say so. Cycles
    // among the file's own apps are errors now rather than when the file is applied.
    status check_deps() {
        std::vector<dep_node> nodes;
        for (size_t i = 0; i < out.apps.size(); ++i) {
            nodes.push_back({out.apps[i].name, {}});
            for (const auto &d : out.apps[i].deps) {
                bool found = std::any_of(out.apps.begin(), out.apps.end(), [&](const app_spec &a) { return a.name == d; });
                if (found) nodes.back().deps.push_back(d);
                else
                    out.warnings.push_back(names[i].first + "deps: '" + d +
                                           "' is not defined in this file (it must exist in alterd when " +
                                           out.apps[i].name + " starts)");
            }
        }
        status st = validate_deps(nodes);
        if (st || st.err().code != ALTER_ECYCLE) return st;
        // "dependency cycle: a -> b -> a": placed at the deps of the cycle's first app.
        error e = std::move(st).err();
        std::string_view cycle = e.message;
        if (auto colon = cycle.find(": "); colon != std::string_view::npos) cycle.remove_prefix(colon + 2);
        std::string_view first = cycle.substr(0, cycle.find(' '));
        for (size_t i = 0; i < out.apps.size(); ++i)
            if (out.apps[i].name == first) {
                e.field = names[i].first + "deps";
                e.message = e.field + ": " + e.message;
                e.line = deps_at[i].line;
                e.column = deps_at[i].column;
                value named = value::make_object();
                named.set("name", value::make_string(out.apps[i].name));
                name_the_app(e, names[i].first, named);
                break;
            }
        return e;
    }
};

status parse_into(builder &b, std::string_view text, std::string_view filename, config_format fmt) {
    auto root_then = [&](result<value> root, flavour fl_or_auto, bool auto_pm2) -> status {
        if (!root) return std::move(root).err();
        flavour fl = fl_or_auto == flavour::pm2 ? flavour::pm2 : pick_flavour(*root, filename, auto_pm2);
        return b.from_root(*root, fl);
    };
    switch (fmt) {
    case config_format::toml: return root_then(parse_toml(text), flavour::alter, false);
    case config_format::json: return root_then(parse_json(text), flavour::alter, false);
    case config_format::yaml: return root_then(parse_yaml(text), flavour::alter, false);
    case config_format::pm2: return root_then(parse_pm2_text(text), flavour::pm2, true);
    case config_format::procfile: return b.from_procfile(text);
    case config_format::supervisord: {
        auto root = supervisord_to_value(text, b.out.warnings);
        if (!root) return std::move(root).err();
        for (const auto &app : root->find("apps")->items) // prefix: the section's name
            if (auto st = b.add(app, "program:" + app.find("name")->s + ".", flavour::alter); !st) return st;
        if (b.out.apps.empty()) b.out.warnings.push_back("the file has no [program:x] section");
        return {};
    }
    case config_format::auto_detect: break;
    }
    switch (detect_syntax(filename, text)) {
    case syntax::toml: return root_then(parse_toml(text), flavour::alter, false);
    case syntax::json: return root_then(parse_json(text), flavour::alter, true);
    case syntax::none:
    case syntax::yaml: return root_then(parse_yaml(text), flavour::alter, true);
    case syntax::js: return root_then(parse_pm2_text(text), flavour::pm2, true);
    case syntax::procfile: return parse_into(b, text, filename, config_format::procfile);
    case syntax::ini: return parse_into(b, text, filename, config_format::supervisord);
    }
    return error(ALTER_EINTERNAL);
}

} // namespace

result<config_result> config_parse(std::string_view text, std::string_view filename, config_format fmt,
                                   const config_options &opts) {
    builder b{std::string(filename), opts, text, {}, {}, {}};
    status st = text.size() > config_limits::max_text
                    ? status(error(ALTER_ELIMIT, "file larger than " + std::to_string(config_limits::max_text) + " bytes"))
                    : parse_into(b, text, filename, fmt);
    if (st) st = b.check_deps();
    if (!st) {
        error e = std::move(st).err();
        if (e.file.empty()) e.file = std::string(filename);
        return e;
    }
    return std::move(b.out);
}

} // namespace alter::detail
