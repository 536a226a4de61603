# SPDX-License-Identifier: MIT
# bash completion for alter (installed as share/bash-completion/completions/alter).
# Subcommands, their options and values; app, instance and namespace names come from
# `alter list --json` when the daemon runs. Needs nothing from the bash-completion package.

_alter_targets() {
    # $1: extra global options (--home DIR, --server URL, --token T) seen on the line
    local json
    json=$(command alter $1 --no-color list --json 2>/dev/null) || return 0
    local names
    names=$(printf '%s' "$json" | grep -o '"\(name\|app\)":"[^"]*"' | sed 's/^"[a-z]*":"//; s/"$//' | sort -u)
    printf '%s\n' all $names
    printf '%s' "$json" | grep -o '"namespace":"[^"]*"' | sed 's/^"namespace":"/ns:/; s/"$//' | sort -u
}

_alter_namespaces() {
    command alter $1 --no-color list --json 2>/dev/null | grep -o '"namespace":"[^"]*"' |
        sed 's/^"namespace":"//; s/"$//' | sort -u
}

_alter() {
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    local global_opts="--json --home --no-color --server --token --help --version"
    local commands="daemon start ecosystem list ls ps describe info logs stop restart delete rm reset enable disable run flush save resurrect stats web version cron help"

    # The command word (and the one after it) and the global options given so far.
    local i w cmd="" sub="" globals="" cmd_at=0 dashdash=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case "$w" in
            --home | --server | --token)
                globals="$globals $w ${COMP_WORDS[i + 1]}"
                ((i++))
                continue
                ;;
            --) dashdash=1 ;;
            -*) continue ;;
        esac
        if [[ -z $cmd ]]; then
            cmd=$w
            cmd_at=$i
        elif [[ -z $sub && $i -eq $((cmd_at + 1)) ]]; then
            sub=$w
        fi
    done

    # Values of options.
    case "$prev" in
        --home | --cwd)
            COMPREPLY=($(compgen -d -- "$cur"))
            return 0
            ;;
        --env-file | --watch | --ignore-watch)
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0
            ;;
        --autorestart)
            COMPREPLY=($(compgen -W "always on-failure never" -- "$cur"))
            return 0
            ;;
        --type)
            COMPREPLY=($(compgen -W "daemon once cron" -- "$cur"))
            return 0
            ;;
        --overlap)
            COMPREPLY=($(compgen -W "skip allow replace" -- "$cur"))
            return 0
            ;;
        --stop-signal)
            COMPREPLY=($(compgen -W "SIGTERM SIGINT SIGQUIT SIGHUP SIGKILL SIGUSR1 SIGUSR2" -- "$cur"))
            return 0
            ;;
        --namespace)
            COMPREPLY=($(compgen -W "$(_alter_namespaces "$globals")" -- "$cur"))
            return 0
            ;;
        --server | --token | --name | --env | -e | --instances | --restart-delay | --max-restart-delay | \
            --max-restarts | --min-uptime | --kill-timeout | --cron | --deps | --user | --group | \
            --lines | -n | --count | --from | --grep | -g | --date | --web-port)
            return 0
            ;;
    esac

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return 0
    fi

    local opts="" words=""
    case "$cmd" in
        daemon)
            if [[ -z $sub ]]; then
                words="start stop restart status logs"
            else
                case "$sub" in
                    start) opts="--foreground --no-web --web-port" ;;
                    restart) opts="--no-web --web-port" ;;
                    logs) opts="-n --lines -f --follow" ;;
                esac
            fi
            ;;
        start)
            ((dashdash)) && { COMPREPLY=($(compgen -f -- "$cur")); return 0; }
            opts="--name --cwd --namespace -e --env --env-file --instances --autorestart --no-autorestart
                  --restart-delay --max-restart-delay --max-restarts --min-uptime --kill-timeout
                  --stop-signal --type --cron --overlap --watch --ignore-watch --deps --user --group --no-start"
            if [[ $cur != -* ]]; then
                COMPREPLY=($(compgen -W "$(_alter_targets "$globals")" -- "$cur") $(compgen -f -- "$cur") $(compgen -c -- "$cur"))
                return 0
            fi
            ;;
        ecosystem)
            if [[ -z $sub ]]; then
                words="start stop restart delete check"
            else
                COMPREPLY=($(compgen -f -- "$cur"))
                return 0
            fi
            ;;
        list | ls | ps) opts="--namespace" ;;
        logs)
            opts="-n --lines -f --follow --out --err -g --grep --date --dates"
            words=$(_alter_targets "$globals")
            ;;
        describe | info | stop | restart | delete | rm | reset | enable | disable | run | flush)
            words=$(_alter_targets "$globals")
            ;;
        cron)
            if [[ -z $sub ]]; then words="next"; else opts="-n --count --from"; fi
            ;;
        help) [[ -z $sub ]] && words=$commands ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts $global_opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    fi
    return 0
}

complete -F _alter alter
