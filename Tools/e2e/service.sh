#!/usr/bin/env bash
# End-to-end checks of the systemd units in Tools/service: `systemd-analyze verify` accepts them
# with no warning (its parser is shown to be at work on a broken copy first), they carry the
# hardening and restart policy README.md promises, and their ExecStart lines, run for real with
# /var/lib/fapiao and /etc/fapiao moved into a temporary directory, serve over TLS, sync, and stop
# cleanly on SIGTERM. Usage: Tools/e2e/service.sh [path/to/fapiao]  (fapiao-central is taken from
# the same directory). Ends with "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib/central.sh
source "$root/Tools/e2e/lib/central.sh"
command -v systemd-analyze >/dev/null || { echo "e2e: systemd-analyze is needed (Debian's systemd)" >&2; exit 2; }
command -v openssl >/dev/null || { echo "e2e: openssl is needed" >&2; exit 2; }

units="$root/Tools/service"
bin=$(cd "$(dirname "$fapiao")" && pwd)
sync_pid=""
trap '[ -n "$sync_pid" ] && kill "$sync_pid" 2>/dev/null; cleanup' EXIT

# The units as they would be installed, but with the binaries where this build put them and
# the machine's directories inside the test's own.
state="$work/var/lib/fapiao"
etc="$work/etc/fapiao"
store="$state/central.sqlite" # what central_count reads
mkdir -p "$work/units" "$state" "$etc/tls"
chmod 700 "$state"
for unit in "$units"/*.service "$units"/*.timer; do
    sed -e "s#/usr/local/bin/#$bin/#g" "$unit" >"$work/units/$(basename "$unit")"
done
# exec_start UNIT → its ExecStart line, continuation lines joined, with the test's directories.
exec_start() {
    awk '/^ExecStart=/ { on = 1; sub(/^ExecStart=/, "") }
         on { line = $0; more = sub(/\\[ \t]*$/, "", line); printf "%s ", line; if (!more) exit }' "$1" |
        sed -e "s#/var/lib/fapiao#$state#g" -e "s#/etc/fapiao#$etc#g" -e "s#0\.0\.0\.0:8443#127.0.0.1:$port#g"
}
setting() { # UNIT KEY → the value of KEY= in UNIT
    sed -n "s/^$2=//p" "$1"
}

# --- systemd-analyze verify -------------------------------------------------------------------------
(cd "$work/units" && systemd-analyze verify --man=no ./*.service ./*.timer) >"$work/verify.out" 2>&1
code=$?
check "systemd-analyze verify accepts the four units (exit 0)" test "$code" = 0
check "… without a single warning" test ! -s "$work/verify.out" || cat "$work/verify.out"
# The same verify must see a misspelt key and a bad value, or the checks above prove nothing.
sed -e 's/^NoNewPrivileges=/NoNewPrivilege=/' -e 's/^Restart=on-failure/Restart=sometimes/' \
    "$work/units/fapiao-central.service" >"$work/units-broken.service"
(cd "$work" && systemd-analyze verify --man=no ./units-broken.service) >"$work/broken.out" 2>&1
check "… and it does read the units here: a misspelt key and a bad value are reported" \
    bash -c "grep -q \"Unknown key 'NoNewPrivilege'\" '$work/broken.out' && grep -q 'restart specifier' '$work/broken.out'"
sed -e "s#$bin/fapiao-central#$work/nowhere/fapiao-central#" "$work/units/fapiao-central.service" \
    >"$work/units-nobinary.service"
(cd "$work" && systemd-analyze verify --man=no ./units-nobinary.service) >/dev/null 2>&1
check "… and a missing binary fails it" test $? != 0

# --- what the units promise -----------------------------------------------------------------------
central_unit="$work/units/fapiao-central.service"
check "fapiao-central.service runs as its own user" test "$(setting "$central_unit" User)" = fapiao
check "… with ProtectSystem=strict" test "$(setting "$central_unit" ProtectSystem)" = strict
check "… NoNewPrivileges" test "$(setting "$central_unit" NoNewPrivileges)" = yes
check "… its store in its StateDirectory" \
    bash -c "test '$(setting "$central_unit" StateDirectory)' = fapiao && grep -q 'sqlite:/var/lib/fapiao/' '$units/fapiao-central.service'"
check "… restarted on failure" test "$(setting "$central_unit" Restart)" = on-failure
check "… over TLS" grep -q -- "--tls-cert" "$central_unit"
sync_unit="$work/units/fapiao-sync.service"
check "fapiao-sync.service runs sync --watch" grep -q "^ExecStart=.*fapiao sync --watch" "$sync_unit"
check "… restarted on failure" test "$(setting "$sync_unit" Restart)" = on-failure
check "… under NoNewPrivileges and ProtectSystem=strict" \
    bash -c "test '$(setting "$sync_unit" NoNewPrivileges)' = yes && test '$(setting "$sync_unit" ProtectSystem)' = strict"
check "fapiao-sync.timer starts fapiao-sync-once.service every minute" \
    bash -c "test '$(setting "$work/units/fapiao-sync.timer" OnCalendar)' = minutely &&
             test '$(setting "$work/units/fapiao-sync.timer" Unit)' = fapiao-sync-once.service"
check "fapiao-sync-once.service is a oneshot sync --once" \
    bash -c "test '$(setting "$work/units/fapiao-sync-once.service" Type)' = oneshot &&
             grep -q '^ExecStart=.*fapiao sync --once' '$work/units/fapiao-sync-once.service'"

# --- the ExecStart lines, for real ------------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=Fapiao e2e CA" \
    -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$etc/tls/key.pem" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n' >"$work/server.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 30 \
    -extfile "$work/server.ext" -out "$etc/tls/cert.pem" 2>/dev/null
tokens="$etc/tokens"
"$central_bin" token add bj-chaoyang-01 --tokens "$tokens" >"$etc/token" 2>>"$work/central.log"
chmod 600 "$etc/token"

read -ra central_cmd <<<"$(exec_start "$central_unit")"
: >"$work/central.out"
"${central_cmd[@]}" >"$work/central.out" 2>>"$work/central.log" &
central_pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/central.out" 2>/dev/null && break; sleep 0.1; done
check "fapiao-central.service's ExecStart serves over TLS" grep -qx "listening on https://127.0.0.1:$port" "$work/central.out"
check "… with its store in the StateDirectory" test -f "$state/central.sqlite"

journal=$(setting "$sync_unit" Environment | sed -e 's/^FAPIAO_JOURNAL=//' -e "s#/var/lib/fapiao#$state#")
check "fapiao-sync.service names its journal in FAPIAO_JOURNAL under the StateDirectory" \
    test "$journal" = "$state/journal.sqlite"
"$fapiao" init --node bj-chaoyang-01 --journal "$journal" --remote "https://127.0.0.1:$port" \
    --token-file "$etc/token" --ca-file "$work/ca.pem" >/dev/null
python3 "$root/Tools/gen" --count 3 --seed 5 --out "$work/three.jsonl"
"$fapiao" import "$work/three.jsonl" --journal "$journal" >/dev/null
read -ra once_cmd <<<"$(exec_start "$work/units/fapiao-sync-once.service")"
FAPIAO_JOURNAL=$journal timeout 60 "${once_cmd[@]}" >"$work/out" 2>"$work/err"
code=$?
check "fapiao-sync-once.service's ExecStart syncs (exit 0)" test "$code" = 0 || cat "$work/err"
check "… and the centre holds the branch's 3 invoices" test "$(central_count bj-chaoyang-01)" = 3

python3 "$root/Tools/gen" --count 2 --seed 6 --start-number 100 --out "$work/two.jsonl"
"$fapiao" import "$work/two.jsonl" --journal "$journal" >/dev/null
read -ra watch_cmd <<<"$(exec_start "$sync_unit")"
FAPIAO_JOURNAL=$journal "${watch_cmd[@]}" >"$work/watch.out" 2>"$work/watch.err" &
sync_pid=$!
for _ in $(seq 1 100); do [ "$(central_count bj-chaoyang-01)" = 5 ] && break; sleep 0.1; done
check "fapiao-sync.service's ExecStart keeps syncing: 5 at the centre" test "$(central_count bj-chaoyang-01)" = 5
kill -TERM "$sync_pid"
wait "$sync_pid"
code=$?
sync_pid=""
success=" 0 $(setting "$sync_unit" SuccessExitStatus) "
check "… and SIGTERM stops it with a success status of the unit (exit $code)" \
    bash -c "[[ '$success' == *' $code '* ]]"
stop_central
check "fapiao-central.service's ExecStart stops cleanly on SIGTERM (exit 0: no restart)" test "$central_stop_code" = 0

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
