#!/usr/bin/env bash
# End-to-end checks of the audit chain anchored at the centre, on the real `fapiao` and
# `fapiao-central` binaries: every sync ships the entries the centre has not seen; a branch
# journal replaced by a fresh one under the same node id, and one whose audit rows were
# rewritten with recomputed hashes (so it still verifies alone), are both chain breaks at
# their next sync (exit 79, one sentence), refused further pushes, shown by `branches` and
# `audit verify` at the centre, until HQ acknowledges them.
# Usage: Tools/e2e/anchor.sh [path/to/fapiao]. Ends with "N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib/central.sh
source "$root/Tools/e2e/lib/central.sh"

central() { "$central_bin" "$@" --store "sqlite:$store"; }
branch_field() { # branch field → the field of the branch in `branches --format json`
    central branches --format json 2>/dev/null | python3 -c '
import json, sys
branch, field = sys.argv[1], sys.argv[2]
try:
    rows = json.load(sys.stdin)
except ValueError:
    rows = []
for row in rows:
    if row["branch"] == branch:
        value = row
        for key in field.split("."):
            value = value[key] if not isinstance(value, list) else value[int(key)]
        print(json.dumps(value) if isinstance(value, (dict, list)) else value)
' "$1" "$2"
}
anchored_entries() { sqlite3 "$store" "SELECT COUNT(*) FROM central_audit_entry WHERE branch = '$1'"; }
journal_entries() { sqlite3 "$1" "SELECT COUNT(*) FROM audit_entry"; }

# --- every sync anchors the branch's chain --------------------------------------------------
j1=$(new_branch bj-anchor-01 20 1 31)
"$central_bin" token add central --tokens "$tokens" >"$work/hq.token" 2>>"$work/central.log"
# HQ's notifier: each alert it gets, one JSON line, appended to alerts.jsonl.
printf '#!/bin/sh\ncat >>"%s"\n' "$work/alerts.jsonl" >"$work/notify.sh"
chmod +x "$work/notify.sh"
# … and a webhook that fails its first request, so the alert is sent again.
hook_port=$(python3 "$e2e_py/free_port.py")
python3 "$e2e_py/webhook_sink.py" "$hook_port" "$work/hook.jsonl" --fail 1 &
hook_pid=$!
trap 'kill "$hook_pid" 2>/dev/null; cleanup' EXIT
start_central --console --notify "exec:$work/notify.sh" --notify "http://127.0.0.1:$hook_port/hook"
alerts() { # kind branch → alerts of that kind for that branch so far, after waiting for delivery
    for _ in $(seq 1 50); do
        [ -s "$work/alerts.jsonl" ] && grep -q "\"branch\":\"$2\"" "$work/alerts.jsonl" && break
        sleep 0.1
    done
    sleep 0.5
    grep -c "\"kind\":\"$1\".*\"branch\":\"$2\"\|\"branch\":\"$2\".*\"kind\":\"$1\"" "$work/alerts.jsonl" 2>/dev/null || echo 0
}
prom_python=$("$root/Tools/e2e/lib/python-with" prometheus-client==0.21.1)
metric() { # NAME LABEL=VALUE… → the sample's value on a fresh /metrics page, parsed by prometheus_client
    curl -fsS -H "Authorization: Bearer $(cat "$work/hq.token")" "$url/metrics" >"$work/metrics.txt" &&
        "$prom_python" "$e2e_py/check_metrics.py" "$work/metrics.txt" "$@"
}
"$fapiao" sync --journal "$j1" --format json >"$work/out" 2>"$work/err"; code=$?
check "a sync exits 0 and ships the audit" test "$code" = 0
check "… the centre holds every entry the journal had at the end of the sync" \
    test "$(anchored_entries bj-anchor-01)" = "$(journal_entries "$j1")"
check "… sync --format json reports the anchored head" \
    test "$(json_field --file "$work/out" anchor.head.sequence)" = "$(journal_entries "$j1")"
"$fapiao" audit verify --remote --journal "$j1" >"$work/out" 2>&1; code=$?
check "audit verify --remote: the journal continues the anchored copy (exit 0)" test "$code" = 0
check "… and says how far it is anchored" grep -q "anchored at the centre up to entry" "$work/out"
check "branches shows the branch intact with its invoices" \
    test "$(branch_field bj-anchor-01 chain.state) $(branch_field bj-anchor-01 invoices)" = "intact 20"
check "… and the outbox size the branch reported" test "$(branch_field bj-anchor-01 report.outboxSize)" = 0
central audit verify >"$work/out" 2>&1; code=$?
check "fapiao-central audit verify: every stored chain holds (exit 0)" test "$code" = 0
check "/metrics parses and counts the branch's accepted outcomes" \
    test "$(metric fapiao_push_outcomes_total branch=bj-anchor-01 outcome=accepted)" = 20.0
check "… and shows its chain intact" test "$(metric fapiao_branch_chain_broken branch=bj-anchor-01)" = 0.0
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$work/bj-anchor-01.token")" "$url/metrics")
check "/metrics refuses a branch's token (403)" test "$code" = 403

# --- a journal replaced by a fresh one under the same node id ---------------------------------
mv "$j1" "$work/bj-anchor-01.old.sqlite"
rm -f "$j1-wal" "$j1-shm"
"$fapiao" init --node bj-anchor-01 --journal "$j1" --remote "$url" --token-file "$work/bj-anchor-01.token" >/dev/null
python3 "$root/Tools/gen" --count 5 --start-number 500 --seed 32 --out "$work/fresh.jsonl"
"$fapiao" import "$work/fresh.jsonl" --journal "$j1" >/dev/null
"$fapiao" audit verify --journal "$j1" >/dev/null 2>&1
check "the fresh journal verifies on its own" test $? = 0
"$fapiao" sync --journal "$j1" >"$work/out" 2>"$work/err"; code=$?
check "its next sync is a chain break: exit 79" test "$code" = 79
check "… with one sentence naming it" grep -q "Chain break: The audit chain of bj-anchor-01" "$work/err"
check "… truncated or replaced" grep -q "truncated or replaced" "$work/err"
check "… and nothing of it was pushed" test "$(central_count bj-anchor-01)" = 20
check "… and everything stays queued" test "$(state_count "$j1" pending)" = 5
"$fapiao" sync --journal "$j1" >/dev/null 2>&1; code=$?
check "a second sync is refused the same way (exit 79)" test "$code" = 79
check "HQ's notifier got the chain break once" test "$(alerts chainBreak bj-anchor-01)" = 1
for _ in $(seq 1 50); do [ -s "$work/hook.jsonl" ] && break; sleep 0.2; done
check "… and the webhook got it once, after a failed first attempt was retried" \
    test "$(grep -c '"kind":"chainBreak"' "$work/hook.jsonl" 2>/dev/null)" = 1
"$fapiao" audit verify --remote --journal "$j1" >/dev/null 2>"$work/err"; code=$?
check "audit verify --remote reports the break (exit 79)" test "$code" = 79
check "branches shows the chain broken" test "$(branch_field bj-anchor-01 chain.state)" = broken
check "… with both heads recorded" \
    test "$(branch_field bj-anchor-01 chain.break.branchHead.sequence)" = "$(journal_entries "$j1")"
check "/metrics shows the chain broken and counts the break" \
    test "$(metric fapiao_branch_chain_broken branch=bj-anchor-01) $(metric fapiao_chain_breaks_total branch=bj-anchor-01)" = \
    "1.0 1.0"
console_page() { curl -fsS -H "Authorization: Bearer $(cat "$work/hq.token")" "$url/console$1"; }
check "HQ's console shows the chain broken" grep -q "BROKEN" <<<"$(console_page "")"
check "… and the branch's page names the break and how to acknowledge it" \
    bash -c "grep -q 'truncated or replaced' <<<\"\$1\" && grep -q 'audit acknowledge bj-anchor-01' <<<\"\$1\"" _ \
    "$(console_page /branches/bj-anchor-01)"
central branches >"$work/out" 2>&1; code=$?
check "branches exits 1 when a branch needs attention" test "$code" = 1
check "… and its table says BROKEN" grep -q "BROKEN" "$work/out"
central audit verify >/dev/null 2>&1; code=$?
check "fapiao-central audit verify exits 79 on an unacknowledged break" test "$code" = 79
central audit acknowledge bj-anchor-01 --reason "" >/dev/null 2>&1; code=$?
check "acknowledge without a reason is refused (exit 64)" test "$code" = 64
central audit acknowledge bj-anchor-01 --as 总部审计 --reason "磁盘损坏，分店日志重建" >"$work/out" 2>&1; code=$?
check "HQ acknowledges the break (exit 0)" test "$code" = 0
check "… the acknowledgement is kept with who and why" \
    test "$(sqlite3 "$store" "SELECT acknowledged_by || '|' || acknowledgement FROM central_chain_break")" = \
    "总部审计|磁盘损坏，分店日志重建"
central audit acknowledge bj-anchor-01 --reason "again" >/dev/null 2>&1; code=$?
check "acknowledging again finds no break (exit 66)" test "$code" = 66
"$fapiao" sync --journal "$j1" >"$work/out" 2>"$work/err"; code=$?
check "after the acknowledgement the branch syncs again (exit 0)" test "$code" = 0
check "… its 5 invoices land" test "$(central_count bj-anchor-01)" = 25
check "… and its new chain is anchored as chain 2" \
    test "$(branch_field bj-anchor-01 chain.epoch) $(branch_field bj-anchor-01 chain.entries)" = \
    "2 $(journal_entries "$j1")"
check "… while the first chain stays at the centre" \
    test "$(central audit log bj-anchor-01 --epoch 1 --format json | wc -l)" -gt 20

# --- audit rows rewritten with recomputed hashes ---------------------------------------------
j2=$(new_branch bj-anchor-02 10 2000 33)
"$fapiao" sync --journal "$j2" >/dev/null 2>&1
check "a second branch syncs and anchors" test "$(anchored_entries bj-anchor-02)" = "$(journal_entries "$j2")"
python3 "$e2e_py/rewrite_audit.py" "$j2" --sequence 3 --actor mallory
"$fapiao" audit verify --journal "$j2" >/dev/null 2>&1
check "the rewritten journal still verifies on its own (hashes recomputed)" test $? = 0
"$fapiao" audit verify --remote --journal "$j2" >/dev/null 2>&1; code=$?
check "audit verify --remote finds it does not match the anchored copy (exit 79)" test "$code" = 79
"$fapiao" sync --journal "$j2" >"$work/out" 2>"$work/err"; code=$?
check "its next sync is a chain break: exit 79" test "$code" = 79
check "… naming the rewritten history" grep -q "history was rewritten" "$work/err"
check "branches shows it broken too" test "$(branch_field bj-anchor-02 chain.state)" = broken
"$fapiao" sync --journal "$j2" >/dev/null 2>&1
check "HQ's notifier got that break once too" test "$(alerts chainBreak bj-anchor-02)" = 1
check "… and still only once for the first branch" test "$(alerts chainBreak bj-anchor-01)" = 1
check "the centre's copy kept the original actor" \
    test "$(sqlite3 "$store" "SELECT actor FROM central_audit_entry WHERE branch = 'bj-anchor-02' AND seq = 3")" \
    != mallory

# --- the auditor takes a branch's anchored chain away from HQ ----------------------------------
central audit export bj-anchor-02 "$work/hq-export" >"$work/out" 2>"$work/err"; code=$?
check "HQ exports a branch's anchored chain (exit 0)" test "$code" = 0
hq_key=$(grep -o '[0-9a-f]\{64\}$' "$work/err" | head -1)
check "… made HQ's signing key beside the store, 0600" test "$(stat -c %a "$store.signing-key")" = 600
"$fapiao" audit verify-export "$work/hq-export" --public-key "$hq_key" >/dev/null 2>&1; code=$?
check "verify-export passes with HQ's public key" test "$code" = 0
check "… and the export holds the original actor, not the rewritten one" \
    bash -c "! grep -q mallory '$work/hq-export/audit.csv' && test \$(grep -c bj-anchor-02 '$work/hq-export/audit.csv') -gt 5"
central audit export nowhere-01 "$work/hq-none" >/dev/null 2>&1; code=$?
check "exporting a branch the centre never heard from exits 66" test "$code" = 66

stop_central
kill "$hook_pid" 2>/dev/null
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
