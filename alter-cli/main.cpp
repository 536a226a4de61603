// SPDX-License-Identifier: MIT
// alter: the command line of alterd. Global options are taken from anywhere before a "--",
// then the first word picks the subcommand (commands.hpp); each lives in its own file.
#include <string>
#include <vector>

#include "alter_build_config.h"
#include "alter_net/endpoint.hpp"
#include "commands.hpp"
#include "help.hpp"

namespace {

using namespace alter::cli;

struct command {
    std::string_view name;
    command_fn fn;
};

constexpr command commands[] = {
    {"daemon", cmd_daemon},       {"start", cmd_start},      {"ecosystem", cmd_ecosystem},
    {"list", cmd_list},           {"ls", cmd_list},          {"ps", cmd_list},
    {"describe", cmd_describe},   {"info", cmd_describe},    {"logs", cmd_logs},
    {"stop", cmd_action},         {"restart", cmd_action},   {"delete", cmd_action},
    {"rm", cmd_action},           {"reset", cmd_action},     {"enable", cmd_action},
    {"disable", cmd_action},      {"run", cmd_action},       {"flush", cmd_flush},
    {"save", cmd_system},         {"resurrect", cmd_system}, {"stats", cmd_system},
    {"web", cmd_web},             {"version", cmd_version}, {"cron", cmd_cron},
};

// Take the global options out of `args` (up to a "--"). False on a usage error (printed).
bool take_globals(std::vector<std::string> &args, session &s, bool &help, bool &version) {
    std::vector<std::string> rest;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "--") {
            rest.insert(rest.end(), args.begin() + static_cast<ptrdiff_t>(i), args.end());
            break;
        }
        auto value = [&](std::string_view name, std::string &out) {
            if (a.size() > name.size() && a.compare(0, name.size(), name) == 0 && a[name.size()] == '=') {
                out = a.substr(name.size() + 1);
                return true;
            }
            if (a != name) return false;
            if (i + 1 >= args.size()) {
                (void)usage_error("", "option '%s' needs a value", a.c_str());
                out = "\x01"; // marks the error
                return true;
            }
            out = args[++i];
            return true;
        };
        std::string v;
        if (a == "--json") s.json = true;
        else if (a == "--no-color" || a == "--no-colour") s.no_color = true;
        else if (a == "-h" || a == "--help") help = true;
        else if (a == "--version" && rest.empty()) version = true;
        else if (value("--home", v)) s.home_flag = v;
        else if (value("--server", v)) s.server = v;
        else if (value("--token", v)) s.token = v;
        else rest.push_back(a);
        if (v == "\x01") return false;
    }
    args = std::move(rest);
    return true;
}

} // namespace

int main(int argc, char **argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    session s;
    bool help = false, version = false;
    if (!take_globals(args, s, help, version)) return exit_usage;
    if (version) {
        write_out("alter " ALTER_VERSION_STRING "\n");
        return exit_ok;
    }
    if (help && !args.empty() && args[0] == "help") args.resize(1), args.push_back("help");
    if (args.empty() || args[0] == "help") {
        std::string topic;
        if (!args.empty() && args.size() > 1) topic = args[1] + (args.size() > 2 ? " " + args[2] : "");
        if (print_help(topic)) return exit_ok;
        if (args.size() > 2 && print_help(args[1])) return exit_ok;
        return usage_error("help", "no help for '%s'", topic.c_str());
    }
    const std::string &word = args[0];
    const command *cmd = nullptr;
    for (const auto &c : commands)
        if (c.name == word) cmd = &c;
    if (cmd == nullptr) {
        std::string_view hint = did_you_mean(word, command_names());
        if (word.size() > 1 && word[0] == '-')
            return usage_error("", "unknown option '%s'%s%.*s%s", word.c_str(), hint.empty() ? "" : " (did you mean '",
                               static_cast<int>(hint.size()), hint.data(), hint.empty() ? "" : "'?)");
        if (!hint.empty())
            return usage_error("", "unknown command '%s' (did you mean '%.*s'?)", word.c_str(), static_cast<int>(hint.size()),
                               hint.data());
        return usage_error("", "unknown command '%s'", word.c_str());
    }
    if (help) {
        // "alter daemon start --help": the subcommand's help if it has one.
        if (args.size() > 1 && args[1][0] != '-' && print_help(word + " " + args[1])) return exit_ok;
        return print_help(word) ? exit_ok : exit_usage;
    }
    if (!s.server.empty()) {
        auto ep = alter::net::endpoint::parse(s.server);
        if (!ep) return usage_error("", "--server: expected http://host:port (got '%s')", s.server.c_str());
    }
    s.init();
    std::span<const std::string> rest(args);
    return cmd->fn(s, cmd->name, rest.subspan(1));
}
