# Shared set-up of the end-to-end scripts that run `fapiao` against `fapiao-central`:
# binaries, a temporary directory cleaned up on exit, pass/fail counting, a central service
# on a free loopback port, and branch journals with their tokens. Sourced, not run.
# shellcheck shell=bash

fapiao=${1:-${FAPIAO:-$root/.build/debug/fapiao}}
central_bin=$(dirname "$fapiao")/fapiao-central
[ -x "$fapiao" ] || { echo "e2e: no fapiao binary at $fapiao; build first (swift build)" >&2; exit 2; }
[ -x "$central_bin" ] || { echo "e2e: no fapiao-central binary at $central_bin" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "e2e: sqlite3 is needed" >&2; exit 2; }

work=$(mktemp -d)
central_pid=""
cleanup() {
    [ -n "$central_pid" ] && kill "$central_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
umask 022
unset FAPIAO_TOKEN FAPIAO_JOURNAL

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && printf '       %s\n' "$2"; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
# The Python helpers of the scripts, each with --help (Tools/e2e/py).
e2e_py="$root/Tools/e2e/py"
json_field() { python3 "$e2e_py/json_field.py" "$@"; } # [--file F] FIELD… → values (json_field.py --help)

store="$work/central/central.sqlite"
tokens="$work/central/tokens"
mkdir -p "$work/central"
port=$(python3 "$e2e_py/free_port.py")
url="http://127.0.0.1:$port"

start_central() { # extra serve arguments…
    : >"$work/central.out"
    "$central_bin" serve --store "sqlite:$store" --listen "127.0.0.1:$port" --tokens "$tokens" "$@" \
        >>"$work/central.out" 2>>"$work/central.log" &
    central_pid=$!
    for _ in $(seq 1 100); do
        grep -q "listening on" "$work/central.out" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "e2e: fapiao-central did not start:" >&2
    cat "$work/central.log" >&2
    return 1
}
stop_central() {
    [ -n "$central_pid" ] || return 0
    kill -TERM "$central_pid" 2>/dev/null
    wait "$central_pid" 2>/dev/null
    central_stop_code=$?
    central_pid=""
}
central_count() { # branch → invoices held for it
    sqlite3 "$store" "SELECT COUNT(*) FROM central_invoice WHERE branch = '$1'"
}
central_ops() { # branch → operations applied for it
    sqlite3 "$store" "SELECT COUNT(*) FROM central_operation WHERE node = '$1'"
}
state_count() { # journal state → invoices in that state
    "$fapiao" status --journal "$1" --offline --format json |
        json_field "states.$2"
}
audit_events() { # journal event → count of audit entries with that event
    sqlite3 "$1" "SELECT COUNT(*) FROM audit_entry WHERE event = '$2'"
}
new_branch() { # node count start-number seed → journal path; token file $work/$node.token
    local node=$1 journal="$work/$1/journal.sqlite"
    "$central_bin" token add "$node" --tokens "$tokens" >"$work/$node.token" 2>>"$work/central.log"
    chmod 600 "$work/$node.token"
    "$fapiao" init --node "$node" --journal "$journal" --remote "$url" --token-file "$work/$node.token" >/dev/null
    python3 "$root/Tools/gen" --count "$2" --start-number "$3" --seed "$4" --out "$work/$node.jsonl"
    "$fapiao" import "$work/$node.jsonl" --journal "$journal" >/dev/null
    echo "$journal"
}

