// SPDX-License-Identifier: MIT
#include "help.hpp"

#include <cstdio>

namespace alter::cli {

namespace {

constexpr std::string_view main_help = R"(alter: a process manager (the command line of the alterd daemon)

Usage: alter [global options] <command> [arguments]

Daemon:
  daemon start [--foreground] [--no-web]  start alterd for the data dir
  daemon stop | restart | status          stop it, restart it, show its state
  daemon logs [-n N] [-f]                 the daemon's own log (daemon.log)

Apps:
  start <command> [options] [-- ARGS]     add an app and start it (alter start --help)
  start <file>                            start or update every app of an ecosystem file
  start <target>                          start existing apps
  stop | restart | delete <target>        stop, restart, remove (log files are kept)
  reset <target>                          zero the restart counters, leave 'errored'
  enable | disable <target>               allow / forbid starting
  run <target>                            run a cron or once app now
  list | ls | ps [--namespace NS]         the apps and their instances
  describe | info <target>                everything about an app
  logs <target> [-n N] [-f] [...]         the apps' output (alter logs --help)
  flush [target]                          delete log files (default: all apps)
  ecosystem start|stop|restart|delete|check <file>

More:
  save | resurrect                        write / reload the app list (state.json)
  stats                                   host and daemon CPU and memory
  web                                     the dashboard's address (opens a browser)
  cron next "EXPR" [-n N] [--from TIME]   when a cron expression fires (no daemon needed)
  version                                 versions of alter and alterd
  help [command]                          help of a command

A <target> is an app name, an instance name (web-0), 'all', or 'ns:NAMESPACE'.

Global options (anywhere before a '--'):
  --json          print the API's JSON answer instead of text
  --home DIR      data dir (default: $ALTER_HOME, else ~/.alter-pm2)
  --no-color      no colours (also a non-empty NO_COLOR; never coloured when not a terminal)
  --server URL    talk to a remote alter-web (http://host:port) instead of the local daemon
  --token TOKEN   API token for --server (default: $ALTER_TOKEN)
  -h, --help      help; 'alter <command> --help' for a command
  --version       print the version

Exit codes: 0 ok, 1 error, 2 usage error, 3 the daemon is not running.
Environment: ALTER_HOME, ALTER_LOG_DIR, ALTER_TOKEN, ALTER_WEB_URL, ALTERD_BIN, NO_COLOR.

Examples:
  alter daemon start
  alter start python3 -- -m http.server 8080
  alter start node -- server.js --name api
  alter list
  alter logs api -f
  alter stop api && alter delete api
)";

constexpr std::string_view daemon_help = R"(Usage: alter daemon <start|stop|restart|status|logs> [options]

Manage alterd, the daemon that supervises the apps of one data dir.

  start [--foreground] [--no-web] [--web-port N]
                 start alterd (found next to alter, else in PATH; ALTERD_BIN overrides)
  stop           ask alterd to stop (apps are stopped, the app list is saved) and wait
  restart        stop, then start again (apps that were running come back)
  status         version, pid, uptime, app count, data dir; exit 3 if not running
  logs [-n N] [-f]
                 the last N lines of <data dir>/daemon.log (-f: follow it)

Run 'alter daemon <command> --help' for the options of one command.

Examples:
  alter daemon start
  alter daemon status
  alter daemon logs -f
  alter daemon stop
)";

constexpr std::string_view daemon_start_help = R"(Usage: alter daemon start [--foreground] [--no-web] [--web-port N]

Start alterd for the data dir (--home, $ALTER_HOME or ~/.alter-pm2). It detaches and this
command returns once it answers. Apps saved in state.json come back (running ones start).
If it is already running, says so and exits 0.

Options:
  --foreground     run alterd in this terminal (systemd units, containers); Ctrl-C stops it
  --no-web         do not start the web dashboard
  --web-port N     dashboard port (default 2999; 0: any free port)

alterd is looked up in $ALTERD_BIN, next to the alter binary, then in PATH.

Examples:
  alter daemon start
  alter --home /tmp/demo daemon start --no-web
)";

constexpr std::string_view daemon_stop_help = R"(Usage: alter daemon stop

Ask alterd to shut down: the app list is saved, every app is stopped (stop signal, then SIGKILL
after its kill timeout; dependents before the apps they depend on), then alterd exits. Waits
for it to be gone as long as that can take: at least 15 s, else the longest kill timeout times
the layers of deps, plus 10 s (read from alterd first); says so after 3 s.
Exit 3 if it was not running.

Example:
  alter daemon stop
)";

constexpr std::string_view daemon_restart_help = R"(Usage: alter daemon restart [--no-web] [--web-port N]

Stop alterd (if running) and start it again. Apps that were running are started again, stopped
ones stay stopped.

Options:
  --no-web         do not start the web dashboard
  --web-port N     dashboard port (default 2999; 0: any free port)

Example:
  alter daemon restart
)";

constexpr std::string_view daemon_status_help = R"(Usage: alter daemon status

Show whether alterd runs: version, pid, uptime, number of instances and the data dir.
Exit 0 if it runs, 3 if not. --json prints GET /api/v1/system/health.

Example:
  alter daemon status || alter daemon start
)";

constexpr std::string_view daemon_logs_help = R"(Usage: alter daemon logs [-n N] [-f]

Print the last lines of alterd's own log, <data dir>/daemon.log (start-up, crashes of apps,
shutdown). Read from the file: works whether the daemon runs or not.

Options:
  -n, --lines N    how many lines (default 100)
  -f, --follow     keep printing new lines until Ctrl-C

Example:
  alter daemon logs -n 20
)";

constexpr std::string_view start_help = R"(Usage: alter start <command> [options] [-- ARGS...]
       alter start <ecosystem file>
       alter start <target>

Add an app running <command> with ARGS and start it. If an app of that name exists it is
updated with the options given and started ("updated"). The table of its instances follows.

  <command>  a program in your PATH (resolved to its full path), a path (relative to the
             current directory), or a script: a .js/.py/.sh/.rb/.pl/.php file that is not
             executable runs with node/python3/bash/ruby/perl/php. A quoted "go run main.go"
             is split into words. Arguments may also follow the command before the '--'.
  <file>     *.toml, *.json, *.yaml, *.yml, Procfile, ecosystem.config.json, supervisord
             *.ini/*.conf: adds, updates and starts every app of the file. Apps are matched
             by name: one of that name in another namespace moves (alter says so). A missing
             file is an error (exit 1), never a command.
  <target>   an existing app, instance, 'all' or 'ns:NAMESPACE': start it.

Options:
  --name NAME              app name (default: the script's name: 'python3 -- app.py' -> app)
  --cwd DIR                working directory (default: the current directory)
  --namespace NS           namespace (default 'default')
  -e, --env KEY=VALUE      environment variable (repeatable)
  --env-file FILE          dotenv file read at every start
  --instances N            number of instances, 1-1024 (named NAME-0, NAME-1, ...)
  --autorestart POLICY     always | on-failure | never (default on-failure)
  --no-autorestart         same as --autorestart never
  --restart-delay MS       first restart delay (backoff doubles it), default 100
  --max-restart-delay MS   backoff cap, default 30000
  --max-restarts N         give up after N restarts in 5 minutes (0: never), default 15
  --min-uptime MS          a shorter run counts as a crash for the backoff, default 1000
  --kill-timeout MS        SIGKILL this long after the stop signal, default 5000
  --stop-signal SIG        stop signal (SIGTERM, INT, 15...), default SIGTERM
  --type TYPE              daemon | once | cron (default daemon; cron when --cron is given)
  --cron EXPR              cron schedule ("*/5 * * * *", "@hourly"; see alter cron next)
  --overlap POLICY         skip | allow | replace: a cron tick while the last run still runs
  --watch[=PATH]           restart on file changes in PATH (default: the cwd); repeatable
  --ignore-watch GLOB      ignore matching files when watching (repeatable)
  --deps A,B               apps that must be up before this one starts
  --user USER              run as this user (alterd must be root)
  --group GROUP            run with this group
  --no-start               add (or update) the app without starting it

The options --name, --cwd and --namespace may also come last, after the ARGS (as in
'alter start node -- server.js --name api'); to pass such an option to the app itself, put
it before other ARGS or use an ecosystem file.

Examples:
  alter start python3 -- -m http.server 8080
  alter start node -- server.js --name api
  alter start ./worker.sh --instances 4 --namespace jobs -e QUEUE=mail
  alter start "go run main.go" --name backend --cwd ~/projects/api
  alter start ./backup.sh --cron "0 3 * * *"
  alter start alter.toml
  alter start api
)";

constexpr std::string_view ecosystem_help = R"(Usage: alter ecosystem <start|stop|restart|delete|check> <file>

Act on every app of an ecosystem file (alter's TOML/JSON/YAML, PM2 JSON/YAML, Procfile,
supervisord INI; docs/CONFIG.md).

  start FILE     add new apps, update changed ones, start them all (= alter start FILE)
  stop FILE      stop the file's apps (in reverse order)
  restart FILE   restart the file's apps
  delete FILE    remove the file's apps (in reverse order)
  check FILE     validate the file offline (no daemon needed): errors as file:line:column

Relative cwd entries are relative to the file's directory. With --server the file's content
is sent, otherwise its absolute path.

Examples:
  alter ecosystem check alter.toml
  alter ecosystem start alter.toml
  alter ecosystem delete alter.toml
)";

constexpr std::string_view list_help = R"(Usage: alter list [--namespace NS]
       (aliases: ls, ps)

One row per instance, grouped by namespace then name: NAME, NAMESPACE, STATUS, PID, UPTIME,
restarts, CPU, MEM, and NEXT RUN when a cron app exists.

Options:
  --namespace NS   only this namespace

Examples:
  alter list
  alter ls --namespace web
  alter list --json | jq '.processes[].status'
)";

constexpr std::string_view describe_help = R"(Usage: alter describe <target>
       (alias: info)

Everything about an app: every spec field, the desired state, each instance's status, pid,
last exit code or signal, error, log file paths, next and last run, and the recent runs of a
cron or once app.

Example:
  alter describe api
)";

constexpr std::string_view logs_help = R"(Usage: alter logs <target> [options]

Print an app's recent output as 'time instance | text' lines (stderr in red).

Options:
  -n, --lines N        how many old lines (default 50; 0-100000; with -f 0-1000, from
                       alterd's memory). 0 prints none: with -f only new lines come
  -f, --follow         keep printing new lines (Ctrl-C to stop)
  --out                stdout only
  --err                stderr only
  -g, --grep RE        only lines matching the extended regular expression RE
  --date YYYY-MM-DD    an archived day instead of the current files
  --dates              list the archived days

Examples:
  alter logs api
  alter logs api -f
  alter logs web-1 --err -n 200
  alter logs api --grep 'error|warn' --date 2026-11-20
)";

#define ALTER_TARGET_HELP(verb, what, example)                                                    \
    "Usage: alter " verb " <target>\n\n" what "\n\nA <target> is an app name, an instance name (web-0), 'all', or "  \
    "'ns:NAMESPACE'.\n\nExamples:\n  alter " verb " " example "\n  alter " verb " ns:web\n"

constexpr std::string_view stop_help = ALTER_TARGET_HELP("stop", "Stop the target's instances and wait for them to end (stop signal, then SIGKILL after the\nkill timeout). A stopped app is never restarted automatically.", "api");
constexpr std::string_view restart_help = ALTER_TARGET_HELP("restart", "Restart the target's instances (stopped ones are started).", "api");
constexpr std::string_view delete_help = ALTER_TARGET_HELP("delete", "Stop and remove the target's apps. Log files are kept (alter flush deletes them).\nAlias: rm.", "api");
constexpr std::string_view reset_help = ALTER_TARGET_HELP("reset", "Zero the restart counters and take 'errored' instances back to 'stopped'.", "api");
constexpr std::string_view enable_help = ALTER_TARGET_HELP("enable", "Allow the target's apps to start again (they are not started by this).", "api");
constexpr std::string_view disable_help = ALTER_TARGET_HELP("disable", "Stop the target's apps and keep them from starting until enabled.", "api");
constexpr std::string_view run_help = ALTER_TARGET_HELP("run", "Run a cron or once app now (its overlap policy applies).", "backup");

constexpr std::string_view flush_help = R"(Usage: alter flush [target]

Delete the log files (current and rotated) of the target, or of every app.

Examples:
  alter flush
  alter flush api
)";

constexpr std::string_view save_help = R"(Usage: alter save

Write the app list and each app's desired state to <data dir>/state.json (alterd also saves
after every change and at shutdown).

Example:
  alter save
)";

constexpr std::string_view resurrect_help = R"(Usage: alter resurrect

Reload the apps of <data dir>/state.json: apps that were running start, stopped ones stay
stopped, existing ones are updated.

Example:
  alter resurrect
)";

constexpr std::string_view stats_help = R"(Usage: alter stats

Host CPU, load and memory, and alterd's own pid, memory, CPU time and uptime.

Example:
  alter stats
)";

constexpr std::string_view web_help = R"(Usage: alter web

Print the dashboard's address (http://127.0.0.1:2999/, or $ALTER_WEB_URL) and open it in a
browser with xdg-open when a display is available (DISPLAY or WAYLAND_DISPLAY). While no
password is set, also prints the one-time setup code. Exit 1 if the daemon runs without the
dashboard (alter daemon start --no-web), 3 if it is not running.

Example:
  alter web
)";

constexpr std::string_view version_help = R"(Usage: alter version

Print alter's version and, if it runs, alterd's.

Example:
  alter version
)";

constexpr std::string_view cron_help = R"(Usage: alter cron next "EXPR" [-n N] [--from TIME]

Print the next times a cron expression fires, in the local time zone (TZ). Works without a
daemon. Expressions: 5 fields (minute hour day month weekday), 6 with seconds first, and
@yearly @monthly @weekly @daily @hourly (docs/CRON.md).

Options:
  -n, --count N    how many times (default 5, 1-1000)
  --from TIME      start after TIME: 2026-11-21T13:00[:00][Z|+01:00], 2026-11-21, or unix ms
                   (default: now)

--json prints [{"time": ISO 8601, "unix_ms": N}, ...].

Examples:
  alter cron next "*/15 9-17 * * MON-FRI"
  TZ=UTC alter cron next "0 3 * * *" -n 3 --from 2026-01-01T00:00Z
)";

constexpr std::string_view help_help = R"(Usage: alter help [command]

Print the help of alter or of one command (the same as alter <command> --help).

Example:
  alter help logs
)";

struct topic {
    std::string_view name;
    std::string_view text;
};

constexpr topic topics[] = {
    {"", main_help},
    {"daemon", daemon_help},
    {"daemon start", daemon_start_help},
    {"daemon stop", daemon_stop_help},
    {"daemon restart", daemon_restart_help},
    {"daemon status", daemon_status_help},
    {"daemon logs", daemon_logs_help},
    {"start", start_help},
    {"ecosystem", ecosystem_help},
    {"ecosystem start", ecosystem_help},
    {"ecosystem stop", ecosystem_help},
    {"ecosystem restart", ecosystem_help},
    {"ecosystem delete", ecosystem_help},
    {"ecosystem check", ecosystem_help},
    {"list", list_help},
    {"ls", list_help},
    {"ps", list_help},
    {"describe", describe_help},
    {"info", describe_help},
    {"logs", logs_help},
    {"stop", stop_help},
    {"restart", restart_help},
    {"delete", delete_help},
    {"rm", delete_help},
    {"reset", reset_help},
    {"enable", enable_help},
    {"disable", disable_help},
    {"run", run_help},
    {"flush", flush_help},
    {"save", save_help},
    {"resurrect", resurrect_help},
    {"stats", stats_help},
    {"web", web_help},
    {"version", version_help},
    {"cron", cron_help},
    {"cron next", cron_help},
    {"help", help_help},
};

constexpr std::string_view commands[] = {
    "daemon", "start",   "ecosystem", "list",  "ls",   "ps",   "describe", "info",      "logs",
    "stop",   "restart", "delete",    "rm",    "reset", "enable", "disable", "run",     "flush",
    "save",   "resurrect", "stats",   "web",   "version", "cron", "help",
};

} // namespace

bool print_help(std::string_view cmd) {
    for (const auto &t : topics)
        if (t.name == cmd) {
            std::fwrite(t.text.data(), 1, t.text.size(), stdout);
            std::fflush(stdout);
            return true;
        }
    return false;
}

std::span<const std::string_view> command_names() { return commands; }

} // namespace alter::cli
