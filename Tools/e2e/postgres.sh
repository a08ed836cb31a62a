#!/usr/bin/env bash
# End-to-end checks of the central PostgreSQL store, against the real `fapiao` and
# `fapiao-central` binaries and a private PostgreSQL cluster (Tools/pg/cluster) started for
# the run and stopped at the end; a cluster that cannot start is a failure, never a skip.
#
#  1. Many branches at once: four branches of 5,000 invoices each, with 10 numbers of each
#     branch planted in the next one (Tools/gen --duplicates-of), sync at the same time
#     through two fapiao-central instances serving one database. The centre holds each legal
#     number once, each operation applied once; of every colliding pair the branch that
#     pushed second has an open duplicateNumber conflict (its sync exits 1) and the centre's
#     invoice is the other branch's, unchanged. Every conflict is resolved with a fresh number
#     (conflicts resolve --take merged --json), after which the centre holds all 20,000 and
#     every journal has 5,000 accepted, no conflict left and a verifying audit chain.
#  2. PostgreSQL stopped mid-sync: the sync exits 69 saying the remote is unavailable, loses
#     nothing, and completes after PostgreSQL is back (the same port), nothing doubled.
#  3. Backends terminated (pg_terminate_backend) during batch commits, for a branch syncing
#     through fapiao-central and for a branch writing into PostgreSQL directly: re-runs of
#     sync end with every invoice at the centre exactly once.
#  4. The database password appears in no log, output, argv (ps, /proc/PID/cmdline) or
#     journal; a password in a --store or --remote URL is refused (exit 64).
#
# Usage: Tools/e2e/postgres.sh [path/to/fapiao]  (fapiao-central is taken from the same
# directory). Ends with "N passed, N failed"; exits non-zero on any failure. Timings are
# printed for information only.
#
# Part 3 terminates backends that are running a statement or idle inside a transaction
# (E2E_PG_KILL_STATES, comma-separated pg_stat_activity states, overrides the list). Every run
# is bounded: a push left unanswered or a sync that does not end by itself is a failure.
set -uo pipefail
shopt -s lastpipe # `python3 … | report` counts in this shell

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib/central.sh
source "$root/Tools/e2e/lib/central.sh"

cluster="$root/Tools/pg/cluster"
pg="$work/pg"
db=fapiao_e2e
central_kill_states=${E2E_PG_KILL_STATES:-active,idle in transaction}
direct_kill_states=${E2E_PG_KILL_STATES:-active,idle in transaction}
declare -A inst_pid=() inst_url=()
killer_pid=""
killer_stop=""

pg_cleanup() { # before the lib's cleanup, which waits for every child
    local name
    [ -n "$killer_stop" ] && touch "$killer_stop"
    [ -n "$killer_pid" ] && kill "$killer_pid" 2>/dev/null
    for name in "${!inst_pid[@]}"; do stop_instance "$name"; done
    "$cluster" stop "$pg" >/dev/null 2>&1
}
trap 'pg_cleanup; cleanup' EXIT

now() { echo "$EPOCHREALTIME"; }
secs() { python3 "$e2e_py/elapsed.py" "$1" "$2"; }
info() { echo "info - $1"; }
overran() { # name detail: a bounded wait that ran out; always a failure
    fail "$1" "$2"
}
pgq() { # SQL → unaligned result from the test database
    "$cluster" psql "$pg" -d "$db" -Atc "$1"
}
status_json() { # journal json_field-arguments… → values from its status
    "$fapiao" status --journal "$1" --offline --format json |
        json_field "${@:2}"
}
report() { # reads "PASS<TAB>name" / "FAIL<TAB>name<TAB>detail" lines from a python check
    local verdict name detail
    while IFS=$'\t' read -r verdict name detail; do
        case $verdict in
            PASS) pass "$name" ;;
            FAIL) fail "$name" "$detail" ;;
            INFO) info "$name" ;;
        esac
    done
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit
}

# --- a private cluster and two instances on one database -------------------------------------
t_start=$(now)
# As root the server runs as the postgres user, which must reach $work/pg (mktemp made $work
# 0700; what is secret inside is 0600 or in 0700 directories of its own).
[ "$(id -u)" = 0 ] && chmod 711 "$work"
if ! "$cluster" start "$pg" >"$work/pg-start.log" 2>&1; then
    fail "a private PostgreSQL cluster starts (Tools/pg/cluster start)" "$(tail -n 5 "$work/pg-start.log")"
    finish
fi
pg_port=$(sed -n 's/^export FAPIAO_PG_PORT=//p' "$pg/env")
pwfile=$(sed -n "s/^export FAPIAO_PG_PASSWORD_FILE='\(.*\)'$/\1/p" "$pg/env")
if [ -z "$pg_port" ] || [ ! -s "$pwfile" ]; then
    fail "the cluster's env names its port and password file" "$(grep -v URL "$pg/env")"
    finish
fi
pass "a private PostgreSQL cluster runs on 127.0.0.1:$pg_port"
"$cluster" psql "$pg" -qc "CREATE DATABASE $db" >"$work/createdb.log" 2>&1 ||
    { fail "CREATE DATABASE $db" "$(cat "$work/createdb.log")"; finish; }
store_url="postgres://fapiao@127.0.0.1:$pg_port/$db?sslmode=disable"

launch_instance() { # name: starts fapiao-central in the background on a free port
    local name=$1
    : >"$work/central-$name.out"
    PGPASSWORD=$(cat "$pwfile") "$central_bin" serve --store "$store_url" --tokens "$tokens" \
        --listen 127.0.0.1:0 >"$work/central-$name.out" 2>"$work/central-$name.log" &
    inst_pid[$name]=$!
}
await_instance() { # name → 0 once it prints its address (inst_url[name])
    local name=$1
    for _ in $(seq 1 150); do
        if grep -q "^listening on " "$work/central-$name.out" 2>/dev/null; then
            inst_url[$name]=$(sed -n 's/^listening on //p' "$work/central-$name.out" | head -n 1)
            return 0
        fi
        kill -0 "${inst_pid[$name]}" 2>/dev/null || break
        sleep 0.1
    done
    echo "postgres.sh: fapiao-central $name did not start:" >&2
    tail -n 5 "$work/central-$name.log" >&2
    return 1
}
stop_instance() { # name → its exit code in inst_code ("hung" when SIGTERM was not enough)
    local name=$1 pid=${inst_pid[$1]}
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 150); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        inst_code=hung
    else
        wait "$pid" 2>/dev/null
        inst_code=$?
    fi
    unset "inst_pid[$name]"
}

# The tokens file must exist before two instances read it.
"$central_bin" token add bj-01 --tokens "$tokens" >"$work/bj-01.token" 2>>"$work/tokens.log"
chmod 600 "$work/bj-01.token"
# Both at once on an empty database: one creates the tables, the other must cope.
launch_instance A
launch_instance B
if await_instance A && await_instance B; then
    pass "two fapiao-central instances serve one PostgreSQL database (started together)"
else
    fail "two fapiao-central instances serve one PostgreSQL database (started together)" \
        "$(tail -n 3 "$work/central-A.log" "$work/central-B.log")"
    finish
fi
check "… the tables exist once" test "$(pgq "SELECT count(*) FROM pg_tables WHERE tablename IN ('central_invoice','central_operation')")" = 2

add_branch() { # node remote-url → journal path; token file $work/$node.token
    local node=$1 journal="$work/$1/journal.sqlite"
    [ -s "$work/$node.token" ] ||
        "$central_bin" token add "$node" --tokens "$tokens" >"$work/$node.token" 2>>"$work/tokens.log"
    chmod 600 "$work/$node.token"
    "$fapiao" init --node "$node" --journal "$journal" --remote "$2" --token-file "$work/$node.token" >/dev/null
    echo "$journal"
}
generate() { # node count start-number seed [gen arguments…] → $work/$node.jsonl, importable
    local node=$1 count=$2 start=$3 seed=$4
    shift 4
    python3 "$root/Tools/gen" --count "$count" --start-number "$start" --seed "$seed" --today "$today" \
        --label "$@" --out "$work/$node.labelled.jsonl" || return 1
    # fapiao import refuses the generator's labels: the importable copy leaves them out.
    python3 "$e2e_py/strip_labels.py" "$work/$node.labelled.jsonl" "$work/$node.jsonl"
}
import_into() { # journal node → imports $work/$node.jsonl
    "$fapiao" import "$work/$2.jsonl" --journal "$1" >"$work/$2.import" 2>&1
}

# --- 1. four branches at once, through two instances, with planted duplicate numbers ---------
today=$(TZ=Asia/Shanghai date +%F)
t_setup=$(now)
nodes=(bj-01 bj-02 bj-03 bj-04)
declare -A journal=() via=()
for i in 1 2 3 4; do
    node=${nodes[$((i - 1))]}
    if [ "$i" = 1 ]; then
        generate "$node" 5000 1 101
    else
        # The previous branch's own invoices: given its whole file, the generator picks the
        # very records planted in it, and all four branches would share the same 10 numbers.
        prev=${nodes[$((i - 2))]}
        grep -v '"_planted"' "$work/$prev.labelled.jsonl" >"$work/$prev.own.jsonl"
        generate "$node" 5000 $(((i - 1) * 100000 + 1)) $((100 + i)) \
            --duplicates-of "$work/$prev.own.jsonl" --duplicates 10
    fi
    if [ $((i % 2)) = 1 ]; then via[$node]=A; else via[$node]=B; fi
    journal[$node]=$(add_branch "$node" "${inst_url[${via[$node]}]}")
done
pids=()
for node in "${nodes[@]}"; do
    import_into "${journal[$node]}" "$node" &
    pids+=($!)
done
imported=0
for pid in "${pids[@]}"; do wait "$pid" && imported=$((imported + 1)); done
check "four branches capture 5,000 invoices each" test "$imported/$(for n in "${nodes[@]}"; do status_json "${journal[$n]}" invoices; done | sort -u)" = "4/5000"
info "set-up of four branches (generate, import 20,000): $(secs "$t_setup" "$(now)") s"

# All four syncs at once: bj-01 and bj-03 through A, bj-02 and bj-04 through B.
t_sync=$(now)
declare -A sync_pid=() sync_code=()
for node in "${nodes[@]}"; do
    "$fapiao" sync --journal "${journal[$node]}" >"$work/sync-$node-1.out" 2>"$work/sync-$node-1.err" &
    sync_pid[$node]=$!
done
# What anyone on the machine sees while the instances and four syncs run (checked in part 4).
sleep 1
ps -eo args >"$work/ps-1.txt"
for name in A B; do tr '\0' ' ' <"/proc/${inst_pid[$name]}/cmdline" >"$work/cmdline-$name.txt" 2>/dev/null; done
for node in "${nodes[@]}"; do
    wait "${sync_pid[$node]}"
    sync_code[$node]=$?
done
t_sync_end=$(now)
info "four concurrent syncs of 5,000 invoices: $(secs "$t_sync" "$t_sync_end") s (exit codes: $(for n in "${nodes[@]}"; do printf '%s=%s ' "$n" "${sync_code[$n]}"; done))"

# What the centre holds, and each journal's conflicts, for the checks below.
dump_centre() { # file → CSV of the centre's invoices
    "$cluster" psql "$pg" -d "$db" -t --csv -c \
        "SELECT lower(id::text), branch, seller_tax_id, code, number, content_hash, clock, content FROM central_invoice" >"$1"
}
dump_centre "$work/centre-1.csv"
for node in "${nodes[@]}"; do
    "$fapiao" conflicts list --journal "${journal[$node]}" --format json >"$work/conflicts-$node.json"
done
ops=$(pgq "SELECT count(*) FROM central_operation")
invoices=$(pgq "SELECT count(*) FROM central_invoice")
check "the centre holds 20,000 − 30 invoices" test "$invoices" = 19970
check "… no (seller, code, number) twice" test "$(pgq "SELECT count(*) FROM (SELECT 1 FROM central_invoice GROUP BY seller_tax_id, code, number HAVING count(*) > 1) d")" = 0
check "… one operation per invoice (each applied once)" test "$ops/$(pgq "SELECT count(DISTINCT invoice_id) FROM central_operation")" = "$invoices/$invoices"

# The python checks read: the generator's labelled files, the journals, the conflicts lists,
# the centre's rows and the sync exit codes.
for node in "${nodes[@]}"; do
    printf '%s\t%s\t%s\n' "$node" "${journal[$node]}" "${sync_code[$node]}"
done >"$work/branches.tsv"
python3 "$e2e_py/check_collisions.py" "$work" "$work/centre-1.csv" | report

# Resolve every conflict with a fresh number, used by no branch and not at the centre.
python3 "$e2e_py/resolve_duplicates.py" "$work" "$fapiao" | report

t_resync=$(now)
for node in "${nodes[@]}"; do
    "$fapiao" sync --journal "${journal[$node]}" >"$work/sync-$node-2.out" 2>"$work/sync-$node-2.err" &
    sync_pid[$node]=$!
done
codes=""
for node in "${nodes[@]}"; do
    wait "${sync_pid[$node]}"
    codes="$codes$?"
done
info "four concurrent syncs of the resolutions: $(secs "$t_resync" "$(now)") s"
check "the four syncs of the resolutions exit 0" test "$codes" = 0000 || cat "$work"/sync-bj-0?-2.err
invoices=$(pgq "SELECT count(*) FROM central_invoice")
check "the centre holds exactly 20,000 invoices" test "$invoices" = 20000
check "… no (seller, code, number) twice" test "$(pgq "SELECT count(*) FROM (SELECT 1 FROM central_invoice GROUP BY seller_tax_id, code, number HAVING count(*) > 1) d")" = 0
# The creates of the 30 losers were never applied; their resolutions were, once each.
check "… exactly one operation per invoice: 19,970 creates + 30 resolutions" \
    test "$(pgq "SELECT count(*) || '/' || count(DISTINCT invoice_id) || '/' || count(*) FILTER (WHERE kind = 'resolve') FROM central_operation")" = "20000/20000/30"
dump_centre "$work/centre-2.csv"
python3 "$e2e_py/check_renumbered.py" "$work" | report
states=""
verified=0
for node in "${nodes[@]}"; do
    states="$states $(status_json "${journal[$node]}" --sep '' states.accepted openConflicts)"
    "$fapiao" audit verify --journal "${journal[$node]}" >"$work/verify-$node" 2>&1 && verified=$((verified + 1))
done
check "every branch shows 5,000 accepted and 0 open conflicts" test "$states" = " 50000 50000 50000 50000"
check "audit verify passes on all four journals" test "$verified" = 4 || cat "$work"/verify-bj-0?
# Each branch anchored its chain through its own instance; both instances show every chain the same.
matching=0
for node in "${nodes[@]}"; do
    for name in A B; do
        "$fapiao" audit verify --journal "${journal[$node]}" --remote-url "${inst_url[$name]}" \
            --token-file "$work/$node.token" >/dev/null 2>&1 && matching=$((matching + 1))
    done
done
check "every journal matches the chain anchored at the centre, asked through either instance" test "$matching" = 8
PGPASSWORD=$(cat "$pwfile") "$central_bin" audit verify --store "$store_url" --format json >"$work/chains.json" 2>&1
lengths=""
for node in "${nodes[@]}"; do lengths="$lengths $node:$(sqlite3 "${journal[$node]}" 'SELECT count(*) FROM audit_entry')"; done
check "fapiao-central audit verify holds every branch's chain, each with the journal's length" \
    test "$(python3 -c 'import json,sys; print("".join(" %s:%s" % (r["branch"], r["entries"]) for r in json.load(open(sys.argv[1])) if r["intact"]))' "$work/chains.json")" = "$lengths" ||
    { cat "$work/chains.json"; echo "journals:$lengths"; }
t_part1=$(now)

# --- 2. PostgreSQL stopped in the middle of a sync ----------------------------------------------
j5=$(add_branch bj-05 "${inst_url[A]}")
generate bj-05 3000 400001 105 && import_into "$j5" bj-05
"$fapiao" sync --journal "$j5" --batch 100 --retries 2 >"$work/sync-bj-05-1.out" 2>"$work/sync-bj-05-1.err" &
sp=$!
held=""
for _ in $(seq 1 600); do
    held=$(pgq "SELECT count(*) FROM central_invoice WHERE branch = 'bj-05'")
    [ "${held:-0}" -gt 0 ] && break
    kill -0 "$sp" 2>/dev/null || break
    sleep 0.05
done
t_stop=$(now)
"$cluster" stop "$pg" >"$work/pg-stop.log" 2>&1
check "PostgreSQL is stopped while the centre holds part of the branch (${held:-0} of 3,000)" \
    test "${held:-0}" -gt 0 -a "${held:-0}" -lt 3000
wait "$sp"
code=$?
info "the sync gave up $(secs "$t_stop" "$(now)") s after PostgreSQL stopped"
check "the sync exits 69" test "$code" = 69 || cat "$work/sync-bj-05-1.err"
check "… saying the remote is unavailable" grep -qiE "unavailable|unreachable" "$work/sync-bj-05-1.err"
python3 "$e2e_py/check_outage_status.py" "$("$fapiao" status --journal "$j5" --offline --format json)" | report
old_port=$pg_port
if "$cluster" start "$pg" >>"$work/pg-start.log" 2>&1; then
    pass "PostgreSQL starts again"
else
    fail "PostgreSQL starts again" "$(tail -n 5 "$work/pg-start.log")"
    finish
fi
check "… on the same port" test "$(sed -n 's/^export FAPIAO_PG_PORT=//p' "$pg/env")" = "$old_port"
accepted5=$(state_count "$j5" accepted)
doubt5=$(state_count "$j5" inDoubt)
held=$(pgq "SELECT count(*) FROM central_invoice WHERE branch = 'bj-05'")
check "… it kept the batches committed before the stop: $held, between accepted ($accepted5) and accepted + in doubt" \
    test "$held" -ge "$accepted5" -a "$held" -le $((accepted5 + doubt5))
"$fapiao" sync --journal "$j5" --batch 100 --retries 2 >"$work/sync-bj-05-2.out" 2>"$work/sync-bj-05-2.err"
code=$?
check "the next sync exits 0" test "$code" = 0 || cat "$work/sync-bj-05-2.err"
check "… the centre holds exactly 3,000 of the branch" test "$(pgq "SELECT count(*) FROM central_invoice WHERE branch = 'bj-05'")" = 3000
check "… with 3,000 operations (nothing doubled)" test "$(pgq "SELECT count(*) FROM central_operation WHERE node = 'bj-05'")" = 3000
check "… and 3,000 accepted in the journal" test "$(state_count "$j5" accepted)" = 3000
t_part2=$(now)

# --- 3. backends terminated while batches commit ------------------------------------------------
sql_list() { # "a,b c" → 'a','b c'
    local IFS=, item out=""
    for item in $1; do out="$out,'$item'"; done
    echo "${out#,}"
}
terminator() { # application_name states stop-file: every 0.1–0.3 s, terminates its backends in those states
    local app=$1 states stop=$3
    states=$(sql_list "$2")
    # One psql session reads the statements as they come (no start-up cost per round); the
    # counts it prints are summed once it ends.
    while [ ! -e "$stop" ]; do
        echo "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '$app' AND state IN ($states);"
        sleep "0.$((RANDOM % 3 + 1))"
    done | "$cluster" psql "$pg" -At 2>/dev/null | awk '{ n += $1 } END { print n + 0 }' >"$stop.kills"
}
run_bounded() { # seconds command… → its exit code, or 124 when it was still running then
    # Then it gets SIGTERM, SIGTERM again (fapiao sync: "exit at once") and at last SIGKILL,
    # and is reaped here: an orphan left unreaped would look alive and keep the sync lease.
    local limit=$1 pid tenths=0
    shift
    "$@" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$tenths" -ge $((limit * 10)) ]; then
            kill -TERM "$pid" 2>/dev/null
            sleep 1
            kill -TERM "$pid" 2>/dev/null
            for _ in $(seq 1 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -KILL "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
            return 124
        fi
        sleep 0.1
        tenths=$((tenths + 1))
    done
    wait "$pid"
}
killed_sync() { # node journal app-name states limit sync-arguments… → exit codes in $runs, kills in $kills
    local node=$1 j=$2 app=$3 states=$4 limit=$5 run code stop="$work/stop-$1"
    shift 5
    runs=""
    hung_runs=0
    killer_stop=$stop
    terminator "$app" "$states" "$stop" &
    killer_pid=$!
    for run in 1 2 3 4 5; do
        # A run still going after $limit seconds is stuck: it is ended and counted (124)
        # rather than left to stall the script.
        run_bounded "$limit" "$@" --journal "$j" >"$work/sync-$node-$run.out" 2>"$work/sync-$node-$run.err"
        code=$?
        runs="$runs $code"
        [ "$code" = 124 ] && hung_runs=$((hung_runs + 1))
        if [ "$run" = 1 ]; then
            touch "$stop"
            wait "$killer_pid"
            killer_pid=""
        fi
        [ "$code" = 0 ] && break
    done
    [ -n "$killer_pid" ] && { touch "$stop"; wait "$killer_pid"; killer_pid=""; }
    kills=$(cat "$stop.kills" 2>/dev/null || echo 0)
}

j6=$(add_branch bj-06 "${inst_url[A]}")
generate bj-06 3000 500001 106 && import_into "$j6" bj-06
t_kill=$(now)
# Each push left unanswered costs the branch its 60 s reply timeout: hence the long limit.
killed_sync bj-06 "$j6" fapiao-central "$central_kill_states" 200 "$fapiao" sync --batch 50
info "through fapiao-central: $kills backends terminated during the first run; sync exit codes:$runs; $(secs "$t_kill" "$(now)") s"
[ "$kills" = 0 ] && info "(no backend was caught busy this time: the checks below then only show a plain sync)"
check "after terminated backends, sync through fapiao-central ends with exit 0" test "${runs##* }" = 0
check "… the centre holds exactly 3,000 of the branch" test "$(pgq "SELECT count(*) FROM central_invoice WHERE branch = 'bj-06'")" = 3000
check "… each applied once (3,000 operations)" test "$(pgq "SELECT count(*) FROM central_operation WHERE node = 'bj-06'")" = 3000
check "… 3,000 accepted in the journal" test "$(state_count "$j6" accepted)" = 3000
unanswered=$(sqlite3 "$j6" "SELECT COUNT(*) FROM audit_entry WHERE event = 'inDoubt' AND details LIKE '%did not answer%'")
[ "$unanswered" -gt 0 ] && overran "every push whose backend was terminated is answered" \
    "$unanswered operations were in pushes fapiao-central never answered (the branch waited 60 s, then re-sent them)"
[ "$hung_runs" -gt 0 ] && overran "every sync run through fapiao-central ends by itself" "$hung_runs run(s) ended after 200 s"

# A branch writing straight into PostgreSQL (application_name 'fapiao').
jd="$work/bj-07/journal.sqlite"
"$fapiao" init --node bj-07 --journal "$jd" --remote "$store_url" >/dev/null
generate bj-07 1000 600001 107 && import_into "$jd" bj-07
t_kill=$(now)
# The password reaches the direct sync through $PGPASSWORD only. Its backend is mostly idle
# in transaction between the statements of a batch, rarely active, hence both states here.
# `--timeout 5s` bounds each call: a query that postgres-nio drops on a connection closed under
# it is abandoned after it (in doubt, sent again) instead of the 30 s default, within the bound.
PGPASSWORD=$(cat "$pwfile") killed_sync bj-07 "$jd" fapiao "$direct_kill_states" 20 "$fapiao" sync --batch 20 --timeout 5s
info "direct: $kills backends terminated during the first run; sync exit codes:$runs; $(secs "$t_kill" "$(now)") s"
[ "$kills" = 0 ] && info "(no backend was caught busy this time: the checks below then only show a plain sync)"
[ "$hung_runs" -gt 0 ] && overran "every direct sync run ends by itself" \
    "$hung_runs run(s) still waiting after 20 s were ended (exit codes:$runs); the next run completed"
check "after terminated backends, a direct sync (postgres://) ends with exit 0" test "${runs##* }" = 0
check "… the centre holds exactly 1,000 of the branch" test "$(pgq "SELECT count(*) FROM central_invoice WHERE branch = 'bj-07'")" = 1000
check "… each applied once (1,000 operations)" test "$(pgq "SELECT count(*) FROM central_operation WHERE node = 'bj-07'")" = 1000
check "… 1,000 accepted in the journal" test "$(state_count "$jd" accepted)" = 1000
t_part3=$(now)

# --- 4. the password never shows --------------------------------------------------------------
# A direct sync and the instances, seen from outside while they run.
jp="$work/bj-08/journal.sqlite"
"$fapiao" init --node bj-08 --journal "$jp" --remote "$store_url" >/dev/null
generate bj-08 1000 700001 108 && import_into "$jp" bj-08
PGPASSWORD=$(cat "$pwfile") "$fapiao" sync --journal "$jp" --batch 20 >"$work/sync-bj-08.out" 2>"$work/sync-bj-08.err" &
sp=$!
# Sampled until the sync ends: a release build syncs these 1,000 in well under half a second.
: >"$work/ps-2.txt"
while kill -0 "$sp" 2>/dev/null; do ps -eo args >>"$work/ps-2.txt"; sleep 0.05; done
wait "$sp"
check "a direct sync with the password in \$PGPASSWORD exits 0" test $? = 0
check "the captures of ps saw the instances and the syncs" \
    bash -c "grep -q 'fapiao-central serve' '$work/ps-1.txt' && grep -q 'fapiao sync' '$work/ps-1.txt' && grep -q 'fapiao sync' '$work/ps-2.txt'"
check "… and /proc/PID/cmdline of both instances" bash -c "grep -q serve '$work/cmdline-A.txt' && grep -q serve '$work/cmdline-B.txt'"
absent() { # files… → 0 when none holds the password (grep reads it from its file: never argv)
    ! grep -aqF -f "$pwfile" "$@" 2>/dev/null
}
for node in "${nodes[@]}" bj-05 bj-06 bj-07 bj-08; do
    sqlite3 "$work/$node/journal.sqlite" .dump >"$work/dump-$node.sql"
done
check "the password is in no log or output of fapiao-central" absent "$work"/central-*.log "$work"/central-*.out
check "… in no output of fapiao sync" absent "$work"/sync-*.out "$work"/sync-*.err
check "… in no process's argv (ps -eo args)" absent "$work"/ps-*.txt
check "… not in /proc/PID/cmdline of the instances" absent "$work"/cmdline-*.txt
check "… not in any journal (sqlite3 .dump, and the files)" absent "$work"/dump-*.sql "$work"/bj-0?/journal.sqlite*
# (After the captures above: this one puts the password in argv, which is why it is refused.)
timeout 20 "$central_bin" serve --store "postgres://fapiao:$(cat "$pwfile")@127.0.0.1:$pg_port/$db?sslmode=disable" \
    --tokens "$tokens" --listen 127.0.0.1:0 >"$work/refused.out" 2>"$work/refused.err" </dev/null
code=$?
check "serve --store with a password in the URL is refused (exit 64)" test "$code" = 64
check "… saying ps would show it" grep -q "ps" "$work/refused.err"
check "… without echoing the password" absent "$work/refused.out" "$work/refused.err"
"$fapiao" init --node bj-09 --journal "$work/bj-09/journal.sqlite" \
    --remote "postgres://fapiao:x@127.0.0.1:$pg_port/$db?sslmode=disable" >"$work/init.out" 2>&1
code=$?
check "init --remote with a password in the URL is refused (exit 64)" test "$code" = 64
check "… and creates no journal" test ! -e "$work/bj-09/journal.sqlite"

# --- the end ---------------------------------------------------------------------------------------
# A hung push (part 3) keeps instance A from finishing its requests in flight, so it cannot
# stop; B never had a backend terminated.
for name in A B; do
    stop_instance "$name"
    if [ "$inst_code" = hung ] && [ "$name" = A ] && [ "$unanswered" -gt 0 ]; then
        overran "fapiao-central $name exits 0 on SIGTERM" "still running 15 s after SIGTERM (a push left unanswered in part 3): killed"
    else
        check "fapiao-central $name exits 0 on SIGTERM" test "$inst_code" = 0
    fi
done
t_end=$(now)
info "timings: part 1 $(secs "$t_start" "$t_part1") s (concurrent sync $(secs "$t_sync" "$t_sync_end") s), part 2 $(secs "$t_part1" "$t_part2") s, part 3 $(secs "$t_part2" "$t_part3") s, part 4 $(secs "$t_part3" "$t_end") s, total $(secs "$t_start" "$t_end") s"
finish
