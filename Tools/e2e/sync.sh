#!/usr/bin/env bash
# End-to-end checks of sync, run against the real `fapiao` and `fapiao-central` binaries
# over loopback HTTP: outage, lost replies, kill -9 mid-sync, two syncs at once, a rejected
# invoice, tokens. Usage: Tools/e2e/sync.sh [path/to/fapiao]  (fapiao-central is taken
# from the same directory). Ends with "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib/central.sh
source "$root/Tools/e2e/lib/central.sh"

# --- outage: the centre is down ----------------------------------------------------------
j1=$(new_branch bj-chaoyang-01 1000 1 11)
check "token add writes a 0600 tokens file" test "$(stat -c %a "$tokens")" = 600
check "1,000 invoices captured while the centre is down" test "$(state_count "$j1" pending)" = 1000
before=$(audit_events "$j1" pushed)
"$fapiao" sync --once --journal "$j1" --retries 2 >"$work/out" 2>"$work/err"; code=$?
check "sync with the centre down exits 69" test "$code" = 69
check "… and says the remote is unreachable" grep -qi "unreachable" "$work/err"
check "… the invoices stay pending" test "$(state_count "$j1" pending)" = 1000
check "… and nothing was marked pushed" test "$(audit_events "$j1" pushed)" = "$before"
check "… and sync opened an outage, as sync" \
    test "$("$fapiao" outage status --journal "$j1" --format json | json_field openedBy)" = sync

start_central
"$fapiao" sync --once --journal "$j1" >"$work/out" 2>"$work/err"; code=$?
check "sync after the centre is back exits 0" test "$code" = 0 || cat "$work/err"
check "the centre holds exactly 1,000 invoices of the branch" test "$(central_count bj-chaoyang-01)" = 1000
check "… each applied once" test "$(central_ops bj-chaoyang-01)" = 1000
check "all 1,000 are accepted locally" test "$(state_count "$j1" accepted)" = 1000
check "the summary line counts them" grep -q "sent 1000, accepted 1000" "$work/out"
check "… and the outage sync opened is ended" \
    test "$("$fapiao" outage status --journal "$j1" --format json)" = null
check "… and the centre anchored the chain to that last entry" test \
    "$(sqlite3 "$store" "SELECT head_seq FROM central_branch WHERE branch = 'bj-chaoyang-01'")" = \
    "$(sqlite3 "$j1" "SELECT MAX(seq) FROM audit_entry WHERE event = 'outageEnded'")"
"$fapiao" sync --journal "$j1" >"$work/out" 2>&1
check "a second sync sends nothing" grep -q "sent 0," "$work/out"
"$fapiao" audit verify --journal "$j1" >/dev/null 2>&1
check "audit verify passes after sync" test $? = 0
"$fapiao" status --journal "$j1" >"$work/out" 2>&1
check "status shows the last successful sync and the remote's health" \
    bash -c "grep -q 'last sync  *20' '$work/out' && grep -q 'health  *ok' '$work/out'"

# --- lost replies: 30 % of batches are committed and their reply dropped ---------------
stop_central
check "fapiao-central exits 0 on SIGTERM" test "$central_stop_code" = 0
start_central --fault "drop-reply=0.3,seed=5"
j2=$(new_branch sh-pudong-02 1000 100001 12)
for _ in 1 2 3; do
    "$fapiao" sync --journal "$j2" --batch 50 --retries 20 >"$work/out" 2>"$work/err" && break
done
check "with lost replies, sync completes" test "$(state_count "$j2" accepted)" = 1000
check "… the centre holds exactly 1,000 of the branch" test "$(central_count sh-pudong-02)" = 1000
check "… with 0 duplicates (each operation applied once)" test "$(central_ops sh-pudong-02)" = 1000
check "… and the audit shows duplicate outcomes" test "$(audit_events "$j2" duplicate)" -gt 0
check "… and in-doubt entries before them" test "$(audit_events "$j2" inDoubt)" -gt 0
"$fapiao" audit verify --journal "$j2" >/dev/null 2>&1
check "… and audit verify passes" test $? = 0
stop_central

# --- kill -9 at 20 random moments ------------------------------------------------------------
start_central --fault "delay=20ms"
j3=$(new_branch gz-tianhe-03 5000 200001 13)
for i in $(seq 1 20); do
    "$fapiao" sync --journal "$j3" --batch 100 >/dev/null 2>&1 &
    pid=$!
    sleep "0.$(( (RANDOM % 9) + 1 ))$(( RANDOM % 10 ))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
done
"$fapiao" sync --journal "$j3" --batch 100 >"$work/out" 2>"$work/err"; code=$?
check "after 20 kill -9s, a final sync exits 0" test "$code" = 0 || cat "$work/err"
check "… the centre holds exactly 5,000 of the branch" test "$(central_count gz-tianhe-03)" = 5000
check "… each applied exactly once" test "$(central_ops gz-tianhe-03)" = 5000
check "… all accepted locally" test "$(state_count "$j3" accepted)" = 5000
"$fapiao" audit verify --journal "$j3" >/dev/null 2>&1
check "… and audit verify passes" test $? = 0
stop_central

# --- two syncs at once -----------------------------------------------------------------------
start_central --fault "delay=200ms"
j4=$(new_branch cd-wuhou-04 600 300001 14)
"$fapiao" sync --journal "$j4" --batch 20 >"$work/a.out" 2>"$work/a.err" &
a=$!
"$fapiao" sync --journal "$j4" --batch 20 >"$work/b.out" 2>"$work/b.err" &
b=$!
wait "$a"; code_a=$?
wait "$b"; code_b=$?
codes=$(printf '%s\n' "$code_a" "$code_b" | sort | tr '\n' ' ')
check "two syncs together: one pushes (0), the other exits 75" test "$codes" = "0 75 "
check "… and says the lease is held" grep -qi "lease" "$work/a.err" "$work/b.err"
check "… the centre holds the 600 once" test "$(central_ops cd-wuhou-04)" = 600

# A watcher that finds the lease held waits it out (said once) instead of exiting for its
# service manager to restart it into the same wait, and sends what is captured afterwards.
j4w=$(new_branch cd-wuhou-14 300 310001 24)
"$fapiao" sync --journal "$j4w" --batch 20 >/dev/null 2>"$work/once.err" &
once=$!
for _ in $(seq 1 100); do [ -n "$(sqlite3 "$j4w" 'SELECT owner FROM sync_lease')" ] && break; sleep 0.05; done
"$fapiao" sync --watch --interval 200ms --journal "$j4w" >/dev/null 2>"$work/watch4.err" &
watch4=$!
wait "$once"
sleep 1
check "a watching sync that found the lease held is still running after the other sync ends" kill -0 "$watch4"
check "… it said once that it waits for the lease" test "$(grep -c '^Waiting: Another sync' "$work/watch4.err")" = 1 ||
    cat "$work/watch4.err"
python3 "$root/Tools/gen" --count 20 --start-number 320001 --seed 25 --out "$work/more4.jsonl"
"$fapiao" import "$work/more4.jsonl" --journal "$j4w" >/dev/null
for _ in $(seq 1 300); do [ "$(central_ops cd-wuhou-14)" = 320 ] && break; sleep 0.1; done
check "… and sends what was captured after it (320 at the centre, once each)" test "$(central_ops cd-wuhou-14)" = 320
kill -TERM "$watch4" 2>/dev/null
wait "$watch4" 2>/dev/null
stop_central

# --- one invoice the centre rejects ----------------------------------------------------------
start_central
j5=$(new_branch wh-jianghan-05 999 400001 15)
today=$(TZ=Asia/Shanghai date +%F)
cat >"$work/bad.json" <<JSON
{"type":"digitalOrdinary","number":"26110000000000999999","issueDate":"$today",
 "seller":{"name":"武汉示例商贸有限公司","taxID":"91350100M000100Y44"},
 "buyer":{"name":"武汉客户有限公司","taxID":"91110000802100433B"},
 "net":"100.00","taxRate":"0.06","tax":"6.00","gross":"106.00","currency":"CNY"}
JSON
"$fapiao" enqueue --journal "$j5" --json "$work/bad.json" --accept-bad-check-character \
    --override-reason "printed so on the paper invoice" --format json >"$work/bad.out" 2>&1
bad_id=$(json_field --file "$work/bad.out" id)
"$fapiao" sync --journal "$j5" >"$work/out" 2>"$work/err"; code=$?
check "a rejected invoice makes sync exit 1 (attention)" test "$code" = 1
check "… it is quarantined" test "$(state_count "$j5" quarantined)" = 1
check "… the other 999 are accepted" test "$(state_count "$j5" accepted)" = 999
check "… the centre holds 999" test "$(central_count wh-jianghan-05)" = 999
"$fapiao" quarantine list --journal "$j5" >"$work/q" 2>&1
check "quarantine list gives the centre's reason" grep -q "seller.taxID" "$work/q"
"$fapiao" status --journal "$j5" --check --offline >/dev/null 2>&1
check "status --check exits 1 while something is quarantined" test $? = 1
"$fapiao" amend "$bad_id" --journal "$j5" --seller-tax-id 91350100M000100Y43 >/dev/null 2>&1
"$fapiao" quarantine requeue "$bad_id" --journal "$j5" >"$work/out" 2>&1
check "requeue after a fix says the fix is sent" grep -q "amendment is sent" "$work/out"
"$fapiao" sync --journal "$j5" >"$work/out" 2>&1; code=$?
check "the next sync sends it (exit 0)" test "$code" = 0
check "… the centre holds all 1,000" test "$(central_count wh-jianghan-05)" = 1000
check "… nothing is quarantined any more" test "$(state_count "$j5" quarantined)" = 0
"$fapiao" audit verify --journal "$j5" >/dev/null 2>&1
check "… and audit verify passes" test $? = 0

# --- one operation forged with its hash ----------------------------------------------------------
# Operations are sent as stored (their payload checked against the hash, not read back): one whose
# payload someone replaced together with its hash is the centre's to refuse, alone.
j5f=$(new_branch wh-qiaokou-05 20 410001 19)
python3 - "$j5f" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
seq, invoice_id, kind, clock = db.execute(
    "SELECT seq, invoice_id, kind, clock FROM operation ORDER BY seq LIMIT 1 OFFSET 4").fetchone()
payload = '{"id":"' + invoice_id + '","note":"forged"}'
envelope = '{"clock":' + clock + ',"invoiceID":"' + invoice_id + '","kind":"' + kind + '","payload":' + payload + '}'
db.execute("UPDATE operation SET payload = ?, hash = ? WHERE seq = ?",
           (payload, hashlib.sha256(envelope.encode()).hexdigest(), seq))
db.commit()
PY
"$fapiao" sync --journal "$j5f" >"$work/out" 2>"$work/err"; code=$?
check "a forged operation makes sync exit 1 (attention), not stop it" test "$code" = 1 || cat "$work/err"
check "… it is quarantined" test "$(state_count "$j5f" quarantined)" = 1
check "… the other 19 are accepted, and the centre holds those 19" \
    test "$(state_count "$j5f" accepted)/$(central_count wh-qiaokou-05)" = 19/19
"$fapiao" quarantine list --journal "$j5f" >"$work/q" 2>&1
check "quarantine list says the centre could not read its invoice" grep -q "invoice has an unread" "$work/q" || cat "$work/q"
"$fapiao" audit verify --journal "$j5f" >"$work/out" 2>&1; code=$?
check "… and audit verify exits 70 naming the forged operation" test "$code" = 70 || cat "$work/out"

# --- tokens -------------------------------------------------------------------------------------
j6=$(new_branch xa-yanta-06 10 500001 16)
FAPIAO_TOKEN=$(cat "$work/bj-chaoyang-01.token") "$fapiao" sync --journal "$j6" >"$work/out" 2>"$work/err"; code=$?
check "a branch using another branch's token is refused (exit 77)" test "$code" = 77
check "… and the centre holds none of its invoices" test "$(central_count xa-yanta-06)" = 0
FAPIAO_TOKEN=not-a-token "$fapiao" sync --journal "$j6" >/dev/null 2>&1; code=$?
check "an unknown token is refused (exit 77)" test "$code" = 77
canary="canary-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
sed -i '/^xa-yanta-06 /d' "$tokens"
printf 'xa-yanta-06 %s\n' "$(printf '%s' "$canary" | sha256sum | cut -d' ' -f1)" >>"$tokens"
FAPIAO_TOKEN=$canary "$fapiao" sync --journal "$j6" >"$work/out" 2>"$work/err" &
sync_pid=$!
argv_hit=0
for _ in 1 2 3 4 5; do
    for p in /proc/[0-9]*; do
        tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q "$canary" && argv_hit=1
    done
    sleep 0.05
done
wait "$sync_pid"; code=$?
check "the canary token syncs the branch" test "$code" = 0 -a "$(central_count xa-yanta-06)" = 10
check "the canary token is in no process's argv" test "$argv_hit" = 0
check "… in no log line of the centre" bash -c "! grep -q '$canary' '$work/central.log' '$work/central.out'"
check "… in no output of the branch" bash -c "! grep -q '$canary' '$work/out' '$work/err'"
check "… not in the journal file" bash -c "! grep -qa '$canary' '$j6' '$j6-wal' 2>/dev/null"
check "… not in any audit row or setting" \
    test "$(sqlite3 "$j6" "SELECT COUNT(*) FROM audit_entry WHERE details LIKE '%$canary%'") $(sqlite3 "$j6" "SELECT COUNT(*) FROM setting WHERE value LIKE '%$canary%'")" = "0 0"
check "… not in the central store" bash -c "! grep -qa '$canary' '$store' '$store-wal' 2>/dev/null"
chmod 644 "$work/xa-yanta-06.token"
"$fapiao" sync --journal "$j6" >/dev/null 2>"$work/err"; code=$?
check "a token file readable by others is refused (exit 77)" test "$code" = 77
check "… with a message saying chmod 600" grep -q "chmod 600" "$work/err"
chmod 600 "$work/xa-yanta-06.token"

# --- dry run, SIGTERM -----------------------------------------------------------------------------
stop_central
start_central --fault "delay=100ms"
j7=$(new_branch nj-xuanwu-07 400 600001 17)
before=$(sha "$j7")
"$fapiao" sync --journal "$j7" --dry-run >"$work/out" 2>&1; code=$?
check "sync --dry-run exits 0 and lists what would happen" bash -c "test $code = 0 && grep -q 'be accepted' '$work/out'"
check "… and changes nothing" test "$(sha "$j7")" = "$before"
check "… the centre got nothing" test "$(central_count nj-xuanwu-07)" = 0
"$fapiao" sync --journal "$j7" --batch 10 >"$work/out" 2>"$work/err" &
pid=$!
sleep 0.8
kill -TERM "$pid"
wait "$pid"; code=$?
check "SIGTERM finishes the batch in flight and exits 0" test "$code" = 0
check "… nothing is left in flight" test "$(state_count "$j7" inFlight)" = 0
check "… and the lease is released" test -z "$(sqlite3 "$j7" 'SELECT owner FROM sync_lease')"
"$fapiao" sync --journal "$j7" >/dev/null 2>&1
check "the next sync finishes the job" test "$(central_ops nj-xuanwu-07)" = 400

# --- help -------------------------------------------------------------------------------------------
for cmd in sync "quarantine list" "quarantine requeue" status; do
    # The help is read whole first: grep -q leaving early would kill the writer (SIGPIPE, pipefail).
    # shellcheck disable=SC2086
    help=$("$fapiao" $cmd --help 2>&1)
    grep -q "Examples:" <<<"$help" && pass "--help of '$cmd' has examples" || fail "--help of '$cmd' has examples"
done
for cmd in serve "token add"; do
    # shellcheck disable=SC2086
    help=$("$central_bin" $cmd --help 2>&1)
    grep -q "Examples:" <<<"$help" && pass "--help of 'fapiao-central $cmd' has examples" ||
        fail "--help of 'fapiao-central $cmd' has examples"
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
