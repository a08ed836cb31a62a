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
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }
info() { echo "info - $1"; }
overran() { # name detail: a bounded wait that ran out; always a failure
    fail "$1" "$2"
}
pgq() { # SQL → unaligned result from the test database
    "$cluster" psql "$pg" -d "$db" -Atc "$1"
}
status_json() { # journal python-expression-on-status → value
    "$fapiao" status --journal "$1" --offline --format json |
        python3 -c "import json,sys; s=json.load(sys.stdin); print($2)"
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
    python3 - "$work/$node.labelled.jsonl" "$work/$node.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as src, open(sys.argv[2], "w", encoding="utf-8") as dst:
    for line in src:
        record = json.loads(line)
        record.pop("_planted", None)
        dst.write(json.dumps(record, ensure_ascii=False) + "\n")
PY
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
check "four branches capture 5,000 invoices each" test "$imported/$(for n in "${nodes[@]}"; do status_json "${journal[$n]}" "s['invoices']"; done | sort -u)" = "4/5000"
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
python3 - "$work" "$work/centre-1.csv" <<'PY' | report
import csv, json, sqlite3, sys
from collections import defaultdict

work, centre_csv = sys.argv[1], sys.argv[2]
out = lambda verdict, name, detail="": print(f"{verdict}\t{name}\t{detail}".replace("\n", " "))
branches = [line.rstrip("\n").split("\t") for line in open(f"{work}/branches.tsv")]

def key_of(seller, code, number):
    return (seller, code or "", number)

# What the generator wrote, and which keys several branches share.
by_key = defaultdict(list)
planted = 0
for node, _, _ in branches:
    for line in open(f"{work}/{node}.labelled.jsonl", encoding="utf-8"):
        r = json.loads(line)
        planted += r.get("_planted") == "duplicate-number"
        by_key[key_of(r["seller"]["taxID"], r.get("code"), r["number"])].append(node)
groups = {k: v for k, v in by_key.items() if len(v) > 1}
pairs = [v for v in groups.values() if len(v) == 2 and v[1] == f"bj-0{int(v[0][-1]) + 1}"]
if planted == 30 and len(groups) == 30 and len(pairs) == 30:
    out("PASS", "the generator planted 30 colliding pairs (10 of each branch's numbers in the next branch)")
else:
    out("FAIL", "the generator planted 30 colliding pairs (10 of each branch's numbers in the next branch)",
        f"planted {planted}, groups {len(groups)}, pairs of neighbours {len(pairs)}")

centre = {}
centre_by_key = defaultdict(list)
for row in csv.reader(open(centre_csv, encoding="utf-8")):
    cid, branch, seller, code, number, chash, clock, content = row
    centre[cid] = dict(branch=branch, hash=chash, clock=clock, content=content, key=(seller, code, number))
    centre_by_key[(seller, code, number)].append(cid)

journals, conflicts = {}, {}
for node, path, code in branches:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    journals[node] = {
        r[0]: dict(key=(r[1], r[2], r[3]), hash=r[4], clock=r[5], content=r[6], state=r[7])
        for r in db.execute("SELECT lower(id), seller_tax_id, code, number, content_hash, clock, content, sync_state FROM invoice")
    }
    conflicts[node] = json.load(open(f"{work}/conflicts-{node}.json", encoding="utf-8"))
key_index = {node: {inv["key"]: iid for iid, inv in invs.items()} for node, invs in journals.items()}

# Every open conflict is a duplicate number of a planted group.
all_conflicts = [(node, c) for node in conflicts for c in conflicts[node]]
bad = [(n, c["kind"], c.get("number")) for n, c in all_conflicts if c["kind"] != "duplicateNumber"]
total = len(all_conflicts)
if total == 30 and not bad:
    out("PASS", "30 open conflicts over the four branches, all duplicateNumber")
else:
    out("FAIL", "30 open conflicts over the four branches, all duplicateNumber", f"{total} open; other kinds: {bad[:5]}")

# Each colliding group: one holder at the centre, unchanged; every other branch has the conflict.
problems, first_won = [], 0
for key, members in groups.items():
    rows = centre_by_key.get(key, [])
    if len(rows) != 1:
        problems.append(f"{key}: {len(rows)} rows at the centre"); continue
    row = centre[rows[0]]
    holder = row["branch"]
    if holder not in members:
        problems.append(f"{key}: held by {holder}, not one of {members}"); continue
    mine = key_index[holder].get(key)
    local = journals[holder].get(mine)
    if mine != rows[0] or local is None or local["state"] != "accepted" or \
            (local["hash"], local["clock"], local["content"]) != (row["hash"], row["clock"], row["content"]):
        problems.append(f"{key}: the centre's row is not {holder}'s accepted invoice as captured"); continue
    if any(c["number"] == key[2] and c["kind"] == "duplicateNumber" for c in conflicts[holder]):
        problems.append(f"{key}: the holder {holder} has a conflict for it too")
    first_won += holder == members[0]
    for other in members:
        if other == holder: continue
        theirs = key_index[other].get(key)
        open_ones = [c for c in conflicts[other]
                     if c["kind"] == "duplicateNumber" and c["number"] == key[2] and c["invoiceID"].lower() == theirs]
        if len(open_ones) != 1:
            problems.append(f"{key}: {other} has {len(open_ones)} open duplicateNumber conflicts for it")
        if theirs in centre:
            problems.append(f"{key}: {other}'s invoice {theirs} is at the centre as well")
        if journals[other][theirs]["state"] != "conflict":
            problems.append(f"{key}: {other}'s invoice is {journals[other][theirs]['state']}, not conflict")
name = "every colliding number: one branch's invoice at the centre, unchanged; the other branch has the open conflict"
out("PASS" if not problems else "FAIL", name, "; ".join(problems[:3]))
out("INFO", f"of the {len(groups)} collisions the earlier branch's invoice won {first_won}, the later branch's {len(groups) - first_won}")

# Everything else each branch captured is at the centre exactly as in its journal.
problems = []
for node, invs in journals.items():
    for iid, inv in invs.items():
        if inv["state"] == "conflict": continue
        row = centre.get(iid)
        if inv["state"] != "accepted":
            problems.append(f"{node} {iid}: {inv['state']}")
        elif row is None or row["branch"] != node or (row["hash"], row["clock"], row["content"]) != (inv["hash"], inv["clock"], inv["content"]):
            problems.append(f"{node} {iid}: differs at the centre")
out("PASS" if not problems else "FAIL", "every other invoice is accepted and held at the centre as captured (id, branch, clock, content)",
    f"{len(problems)} differ: {problems[:3]}")

# Exit codes: 1 with conflicts to look at, 0 when all were accepted.
wrong = [f"{node}: exit {code} with {len(conflicts[node])} conflicts" for node, _, code in branches
         if code != ("1" if conflicts[node] else "0")]
out("PASS" if not wrong else "FAIL", "each sync exits 1 when it left conflicts, 0 when all were accepted", "; ".join(wrong))
PY

# Resolve every conflict with a fresh number, used by no branch and not at the centre.
python3 - "$work" "$fapiao" <<'PY' | report
import csv, json, subprocess, sys
work, fapiao = sys.argv[1], sys.argv[2]
out = lambda verdict, name, detail="": print(f"{verdict}\t{name}\t{detail}".replace("\n", " "))
branches = [line.rstrip("\n").split("\t") for line in open(f"{work}/branches.tsv")]
used = set()
for node, _, _ in branches:
    for line in open(f"{work}/{node}.labelled.jsonl", encoding="utf-8"):
        used.add(json.loads(line)["number"])
for row in csv.reader(open(f"{work}/centre-1.csv", encoding="utf-8")):
    used.add(row[4])
serial, failures, done = 900000, [], []
for node, journal, _ in branches:
    for c in json.load(open(f"{work}/conflicts-{node}.json", encoding="utf-8")):
        shown = subprocess.run([fapiao, "show", c["invoiceID"], "--journal", journal, "--format", "json"],
                               capture_output=True, text=True)
        if shown.returncode != 0:
            failures.append(f"show {c['invoiceID']}: {shown.stderr.strip()}"); continue
        invoice = json.loads(shown.stdout)
        number = invoice["number"]
        while True:
            serial += 1
            fresh = number[:-6] + f"{serial:06d}"
            if fresh not in used: break
        used.add(fresh)
        invoice["number"] = fresh
        path = f"{work}/renumbered-{c['invoiceID']}.json"
        json.dump(invoice, open(path, "w", encoding="utf-8"), ensure_ascii=False)
        resolved = subprocess.run([fapiao, "conflicts", "resolve", c["id"], "--journal", journal, "--take", "merged",
                                   "--json", path, "--reason", f"re-issued as {fresh}: {number} belongs to another branch",
                                   "--as", "e2e-auditor"], capture_output=True, text=True)
        if resolved.returncode != 0:
            failures.append(f"resolve {c['id']} ({node}): exit {resolved.returncode}: {resolved.stderr.strip()}")
        else:
            done.append((node, c["invoiceID"].lower(), fresh))
with open(f"{work}/renumbered.tsv", "w") as f:
    for node, iid, fresh in done:
        f.write(f"{node}\t{iid}\t{fresh}\n")
out("PASS" if len(done) == 30 and not failures else "FAIL",
    "the 30 conflicts are resolved with fresh numbers (conflicts resolve --take merged --json)",
    f"{len(done)} resolved; {failures[:3]}")
PY

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
python3 - "$work" <<'PY' | report
import csv, sys
work = sys.argv[1]
centre = {r[0]: (r[1], r[4]) for r in csv.reader(open(f"{work}/centre-2.csv", encoding="utf-8"))}
wrong = [f"{iid}: {centre.get(iid)}" for node, iid, fresh in (l.rstrip("\n").split("\t") for l in open(f"{work}/renumbered.tsv"))
         if centre.get(iid) != (node, fresh)]
print("PASS\t… the renumbered invoices are there under their new numbers and own branches\t" if not wrong else
      f"FAIL\t… the renumbered invoices are there under their new numbers and own branches\t{wrong[:3]}")
PY
states=""
verified=0
for node in "${nodes[@]}"; do
    states="$states $(status_json "${journal[$node]}" "s['states']['accepted'], s['openConflicts']" | tr -d '(), ')"
    "$fapiao" audit verify --journal "${journal[$node]}" >"$work/verify-$node" 2>&1 && verified=$((verified + 1))
done
check "every branch shows 5,000 accepted and 0 open conflicts" test "$states" = " 50000 50000 50000 50000"
check "audit verify passes on all four journals" test "$verified" = 4 || cat "$work"/verify-bj-0?
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
python3 - "$("$fapiao" status --journal "$j5" --offline --format json)" <<'PY' | report
import json, sys
s = json.loads(sys.argv[1]); st = s["states"]
name = "… nothing lost: 3,000 in the journal, some accepted, the rest pending or in doubt"
ok = s["invoices"] == 3000 and 0 < st["accepted"] < 3000 and st["accepted"] + st["pending"] + st["inDoubt"] == 3000
print(f"{'PASS' if ok else 'FAIL'}\t{name}\t{st}")
print(f"INFO\tafter the outage: {st['accepted']} accepted, {st['pending']} pending, {st['inDoubt']} in doubt")
PY
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
PGPASSWORD=$(cat "$pwfile") killed_sync bj-07 "$jd" fapiao "$direct_kill_states" 20 "$fapiao" sync --batch 20
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
sleep 0.5
ps -eo args >"$work/ps-2.txt"
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
