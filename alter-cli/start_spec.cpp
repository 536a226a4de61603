// SPDX-License-Identifier: MIT
#include "start_spec.hpp"

#include <algorithm>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace alter::cli {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char &c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string_view base_name(std::string_view p) {
    while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
    size_t slash = p.rfind('/');
    return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

std::string stem(std::string_view p) {
    std::string_view b = base_name(p);
    size_t dot = b.rfind('.');
    return std::string(dot == std::string_view::npos || dot == 0 ? b : b.substr(0, dot));
}

bool is_file(const std::string &p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_dir(const std::string &p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// `name` searched in the user's PATH: the absolute path of an executable file, or empty.
std::string find_in_path(std::string_view name) {
    const char *path = std::getenv("PATH");
    if (path == nullptr) return {};
    std::string_view rest(path);
    while (true) {
        size_t c = rest.find(':');
        std::string_view d = rest.substr(0, c);
        if (!d.empty() && d[0] == '/') {
            std::string p = std::string(d) + "/" + std::string(name);
            if (is_file(p) && ::access(p.c_str(), X_OK) == 0) return p;
        }
        if (c == std::string_view::npos) break;
        rest.remove_prefix(c + 1);
    }
    return {};
}

// Scripts that are not executable run with the usual interpreter of their extension.
std::string_view interpreter_for(std::string_view path) {
    static constexpr std::pair<std::string_view, std::string_view> map[] = {
        {".js", "node"},   {".mjs", "node"}, {".cjs", "node"}, {".py", "python3"}, {".sh", "bash"},
        {".bash", "bash"}, {".rb", "ruby"},  {".pl", "perl"},  {".php", "php"},    {".lua", "lua"},
    };
    for (auto [ext, interp] : map)
        if (ends_with(path, ext)) return interp;
    return {};
}

bool is_interpreter(std::string_view base) {
    static constexpr std::string_view names[] = {
        "node", "nodejs", "bun",  "deno", "ruby", "perl",   "php",   "bash", "sh",  "zsh",  "dash", "ksh",
        "fish", "lua",    "java", "go",   "npx",  "tsx",    "ts-node", "uv", "dotnet", "Rscript", "julia", "elixir",
    };
    if (base.rfind("python", 0) == 0 || base.rfind("pypy", 0) == 0) return true;
    return std::find(std::begin(names), std::end(names), base) != std::end(names);
}

std::string sanitize_name(std::string_view raw) {
    std::string n;
    for (char c : raw) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        n.push_back(ok ? c : '-');
    }
    size_t skip = n.find_first_not_of(".-");
    n = skip == std::string::npos ? std::string() : n.substr(skip);
    if (n.size() > 64) n.resize(64);
    if (n.empty() || n == "all") n = "app";
    return n;
}

} // namespace

std::string current_dir() {
    char buf[4096];
    if (::getcwd(buf, sizeof buf) == nullptr) return "/";
    return buf;
}

std::string absolute_path(const std::string &p, const std::string &base) {
    std::string full;
    const char *home = std::getenv("HOME");
    if ((p == "~" || p.rfind("~/", 0) == 0) && home != nullptr) full = std::string(home) + p.substr(1);
    else if (!p.empty() && p[0] == '/') full = p;
    else full = base + "/" + p;
    // Lexical clean-up: "//", "/./" and "dir/.." (symlinks are left to the kernel).
    std::vector<std::string_view> parts;
    std::string_view rest(full);
    while (!rest.empty()) {
        size_t s = rest.find('/');
        std::string_view part = rest.substr(0, s);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        if (s == std::string_view::npos) break;
        rest.remove_prefix(s + 1);
    }
    std::string out;
    for (auto part : parts) out.append("/").append(part);
    return out.empty() ? "/" : out;
}

std::vector<std::string> split_list(std::string_view s) {
    std::vector<std::string> out;
    while (true) {
        size_t c = s.find(',');
        std::string_view item = s.substr(0, c);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        if (c == std::string_view::npos) break;
        s.remove_prefix(c + 1);
    }
    return out;
}

std::vector<std::string> split_words(std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    bool in_word = false;
    char quote = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (quote != 0) {
            if (c == quote) quote = 0;
            else if (c == '\\' && quote == '"' && i + 1 < s.size()) cur.push_back(s[++i]);
            else cur.push_back(c);
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && i + 1 < s.size()) {
            cur.push_back(s[++i]);
            in_word = true;
        } else if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) out.push_back(std::move(cur));
            cur.clear();
            in_word = false;
        } else {
            cur.push_back(c);
            in_word = true;
        }
    }
    if (in_word) out.push_back(std::move(cur));
    return out;
}

bool ecosystem_name(std::string_view path) {
    std::string_view base = base_name(path);
    std::string lb = lower(base);
    for (std::string_view ext : {".toml", ".json", ".json5", ".yaml", ".yml", ".procfile"})
        if (ends_with(lb, ext)) return true;
    if (base.rfind("Procfile", 0) == 0 || lb == "procfile") return true;
    return (lb.rfind("ecosystem", 0) == 0 || lb.rfind("pm2", 0) == 0) &&
           (ends_with(lb, ".js") || ends_with(lb, ".cjs") || ends_with(lb, ".mjs"));
}

bool missing_ecosystem_file(const std::string &path, std::string &problem) {
    if (!ecosystem_name(path) || is_file(path)) return false;
    struct stat st {};
    problem = ::stat(path.c_str(), &st) == 0 ? path + " is not a file" : "no such file: " + path;
    return true;
}

bool looks_like_ecosystem(const std::string &path) {
    if (!is_file(path)) return false;
    if (ecosystem_name(path)) return true;
    std::string lb = lower(base_name(path));
    if (ends_with(lb, ".ini") || ends_with(lb, ".conf")) {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return false;
        char buf[65536];
        ssize_t n = ::read(fd, buf, sizeof buf);
        ::close(fd);
        return n > 0 && std::string_view(buf, static_cast<size_t>(n)).find("[program:") != std::string_view::npos;
    }
    return false;
}

bool resolve_command(const std::string &word_in, std::vector<std::string> args, const std::string &cwd_opt, bool local,
                     resolved_command &out, std::string &problem) {
    std::string here = current_dir();
    // A remote daemon does not share our directories: without --cwd it uses its own.
    out.cwd = cwd_opt.empty() ? (local ? here : std::string()) : local ? absolute_path(cwd_opt, here) : cwd_opt;
    if (local && !is_dir(out.cwd)) {
        problem = "--cwd " + cwd_opt + ": no such directory";
        return false;
    }
    std::string word = word_in;
    // "go run main.go" given as one word: split it (unless such a file exists).
    if (word.find_first_of(" \t") != std::string::npos && !(local && is_file(absolute_path(word, out.cwd)))) {
        auto words = split_words(word);
        if (words.empty()) {
            problem = "empty command";
            return false;
        }
        word = words[0];
        args.insert(args.begin(), words.begin() + 1, words.end());
    }
    if (word.empty()) {
        problem = "empty command";
        return false;
    }
    std::string path;
    if (word.find('/') != std::string::npos || word[0] == '~') {
        path = local || word[0] == '/' ? absolute_path(word, out.cwd) : word; // remote: relative to its cwd
    } else if (!local) {
        out.command = word; // the remote host's PATH decides
    } else if (std::string found = find_in_path(word); !found.empty()) {
        out.command = found;
    } else if (is_file(out.cwd + "/" + word)) {
        path = out.cwd + "/" + word; // a script in the app's directory: 'alter start app.js'
    } else {
        out.command = word;
        problem = "'" + word + "' is not in your PATH; alterd will look for it in its own PATH";
    }
    if (!path.empty()) {
        out.command = path;
        if (local) {
            if (!is_file(path)) {
                problem = is_dir(path) ? path + " is a directory" : "no such file: " + path;
                return false;
            }
            if (::access(path.c_str(), X_OK) != 0) {
                std::string_view interp = interpreter_for(path);
                if (interp.empty()) {
                    problem = path + " is not executable (chmod +x it, or name its interpreter: alter start bash -- " + word + ")";
                    return false;
                }
                std::string found = find_in_path(interp);
                out.command = found.empty() ? std::string(interp) : found;
                args.insert(args.begin(), path);
            }
        }
    }
    out.args = std::move(args);
    return true;
}

std::string default_name(const resolved_command &c) {
    std::string base(base_name(c.command));
    if (is_interpreter(base)) {
        static constexpr std::string_view verbs[] = {"run", "exec", "start", "x", "serve"};
        for (size_t i = 0; i < c.args.size(); ++i) {
            const std::string &a = c.args[i];
            if (a == "-m" && i + 1 < c.args.size()) return sanitize_name(c.args[i + 1]);
            if (a == "-c" || a == "-e" || a == "--eval") break;
            if (a.empty() || a[0] == '-') continue;
            if (std::find(std::begin(verbs), std::end(verbs), a) != std::end(verbs)) continue;
            return sanitize_name(stem(a));
        }
    }
    return sanitize_name(stem(base));
}

} // namespace alter::cli
