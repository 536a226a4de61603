// SPDX-License-Identifier: MIT
#include "args.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdarg>

#include "term.hpp"

namespace alter::cli {

bool parsed_args::has(size_t opt) const noexcept {
    return std::any_of(opts.begin(), opts.end(), [&](const item &i) { return i.opt == opt; });
}

const std::string *parsed_args::value(size_t opt) const noexcept {
    const std::string *v = nullptr;
    for (const auto &i : opts)
        if (i.opt == opt && i.has_value) v = &i.value;
    return v;
}

std::vector<std::string> parsed_args::values(size_t opt) const {
    std::vector<std::string> out;
    for (const auto &i : opts)
        if (i.opt == opt && i.has_value) out.push_back(i.value);
    return out;
}

int usage_error(std::string_view cmd, const char *fmt, ...) {
    std::string msg = "alter";
    if (!cmd.empty()) msg.append(" ").append(cmd);
    msg.append(": ");
    va_list ap;
    va_start(ap, fmt);
    vappendf(msg, fmt, ap);
    va_end(ap);
    msg.append("\nRun 'alter");
    if (!cmd.empty()) msg.append(" ").append(cmd);
    msg.append(" --help' for usage.\n");
    write_err(msg);
    return exit_usage;
}

static size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
            // a transposition ("lsit") counts as one edit
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev[j - 1]);
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string_view did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
    std::string_view best;
    size_t best_d = SIZE_MAX;
    for (auto c : candidates) {
        size_t d = edit_distance(word, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    size_t limit = std::max<size_t>(2, word.size() / 3);
    if (best_d > limit) return {};
    // A prefix of a longer candidate is a good suggestion too ("--inst" -> "--instances").
    return best;
}

bool parse_int(std::string_view s, int64_t min, int64_t max, int64_t &out) noexcept {
    if (s.empty()) return false;
    int64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v, 10);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < min || v > max) return false;
    out = v;
    return true;
}

bool option_int(std::string_view cmd, std::string_view opt, const std::string &text, int64_t min, int64_t max,
                int64_t &out) {
    if (parse_int(text, min, max, out)) return true;
    (void)usage_error(cmd, "%.*s: expected a number from %lld to %lld (got '%s')", static_cast<int>(opt.size()),
                      opt.data(), static_cast<long long>(min), static_cast<long long>(max), text.c_str());
    return false;
}

static int unknown_option(std::string_view cmd, std::string_view arg, std::span<const option> opts) {
    std::vector<std::string_view> names;
    for (const auto &o : opts) names.push_back(o.name);
    names.push_back("--help");
    std::string_view key = arg.substr(0, arg.find('='));
    std::string_view hint = key.size() > 2 ? did_you_mean(key, names) : std::string_view();
    if (!hint.empty())
        return usage_error(cmd, "unknown option '%.*s' (did you mean '%.*s'?)", static_cast<int>(key.size()), key.data(),
                           static_cast<int>(hint.size()), hint.data());
    return usage_error(cmd, "unknown option '%.*s'", static_cast<int>(key.size()), key.data());
}

bool parse_args(std::string_view cmd, std::span<const std::string> args, std::span<const option> opts,
                parsed_args &out, size_t max_positionals, optional_fn optional) {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "--") {
            out.dashdash = true;
            if (max_positionals == SIZE_MAX) {
                out.rest.assign(args.begin() + static_cast<ptrdiff_t>(i) + 1, args.end());
                break;
            }
            // A command with a fixed number of arguments: what follows "--" are more of them
            // ("alter logs -- -odd-name"), never silently dropped ("alter list -- --json").
            for (++i; i < args.size(); ++i) {
                if (out.positionals.size() >= max_positionals) {
                    (void)usage_error(cmd, "unexpected argument '%s'", args[i].c_str());
                    return false;
                }
                out.positionals.push_back(args[i]);
            }
            break;
        }
        if (a.size() < 2 || a[0] != '-' || (a[1] >= '0' && a[1] <= '9')) {
            if (out.positionals.size() >= max_positionals) {
                (void)usage_error(cmd, "unexpected argument '%s'", a.c_str());
                return false;
            }
            out.positionals.push_back(a);
            continue;
        }
        const option *o = nullptr;
        std::string value;
        bool has_value = false;
        if (a[1] == '-') {
            size_t eq = a.find('=');
            std::string_view key = std::string_view(a).substr(0, eq);
            for (const auto &c : opts)
                if (c.name == key) o = &c;
            if (o != nullptr && eq != std::string::npos) {
                if (o->kind == arity::none) {
                    (void)usage_error(cmd, "option '%.*s' takes no value", static_cast<int>(key.size()), key.data());
                    return false;
                }
                value = a.substr(eq + 1);
                has_value = true;
            }
        } else if (a.size() == 2) {
            for (const auto &c : opts)
                if (c.short_name == a[1]) o = &c;
        } else {
            // -eKEY=VAL / -n50: a short option with its value attached
            for (const auto &c : opts)
                if (c.short_name == a[1] && c.kind == arity::value) o = &c;
            if (o != nullptr) {
                value = a.substr(2);
                has_value = true;
            }
        }
        if (o == nullptr) {
            (void)unknown_option(cmd, a, opts);
            return false;
        }
        if (!has_value && o->kind == arity::value) {
            if (i + 1 >= args.size()) {
                (void)usage_error(cmd, "option '%s' needs a value", a.c_str());
                return false;
            }
            value = args[++i];
            has_value = true;
        } else if (!has_value && o->kind == arity::optional && optional != nullptr && i + 1 < args.size() &&
                   optional(*o, args[i + 1], out)) {
            value = args[++i];
            has_value = true;
        }
        out.opts.push_back({static_cast<size_t>(o - opts.data()), std::move(value), has_value});
    }
    return true;
}

} // namespace alter::cli
