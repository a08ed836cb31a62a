#!/usr/bin/env bash
# End-to-end checks of the exec: remote against the real `fapiao` binary and the reference
# program Tools/exec/fapiao-file-remote: 1,000 invoices synced through a program killed twice
# mid-batch land once each; every way a program can fail gives one sentence and its exit code;
# a remote URL with credentials is refused before anything is written.
# Usage: Tools/e2e/exec.sh [path/to/fapiao]. Ends with "N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib/central.sh
source "$root/Tools/e2e/lib/central.sh"

program="$root/Tools/exec/fapiao-file-remote"
xstore="$work/exec/central.sqlite"
mkdir -p "$work/exec"
remote="exec:$program $xstore --create"

exec_count() { sqlite3 "$xstore" "SELECT COUNT(*) FROM central_invoice WHERE branch = '$1'"; }
exec_ops() { sqlite3 "$xstore" "SELECT COUNT(*) FROM central_operation WHERE node = '$1'"; }
exec_branch() { # node count start-number seed [remote] → journal path
    local node=$1 journal="$work/$1/journal.sqlite"
    "$fapiao" init --node "$node" --journal "$journal" --remote "${5:-$remote}" >/dev/null
    python3 "$root/Tools/gen" --count "$2" --start-number "$3" --seed "$4" --out "$work/$node.jsonl"
    "$fapiao" import "$work/$node.jsonl" --journal "$journal" >/dev/null
    echo "$journal"
}
one_sentence() { # stderr file → true when it holds exactly one line starting "fapiao: "
    [ "$(grep -c '^fapiao: ' "$1")" = 1 ]
}

# --- 1,000 invoices through a program killed twice mid-batch ---------------------------------
# The program dies (exit 137) right after committing the 3rd push (its answer is lost) and in the
# middle of the 7th, before committing; the count is kept in a file across the programs started.
j1=$(exec_branch bj-exec-01 1000 1 31)
FAPIAO_FILE_REMOTE_CRASH_AFTER_COMMIT=3 FAPIAO_FILE_REMOTE_CRASH_BEFORE_COMMIT=7 \
    FAPIAO_FILE_REMOTE_FAULT_STATE="$work/exec/faults" \
    "$fapiao" sync --once --journal "$j1" --batch 100 --retries 5 >"$work/out" 2>"$work/err"
code=$?
check "sync through a program killed twice mid-batch exits 0" test "$code" = 0 || cat "$work/err"
check "… the program was started again after each death" test "$(cat "$work/exec/faults" 2>/dev/null)" -ge 12
check "the program's store holds each of the 1,000 invoices once" test "$(exec_count bj-exec-01)" = 1000
check "… each operation applied once" test "$(exec_ops bj-exec-01)" = 1000
check "all 1,000 are accepted in the journal" test "$(state_count "$j1" accepted)" = 1000
check "the summary counts the replayed batch's duplicates" grep -qE "accepted 9[0-9][0-9], duplicates [1-9]" "$work/out"
"$fapiao" sync --once --journal "$j1" >"$work/out" 2>"$work/err"
check "a second sync has nothing to send" grep -q "sent 0" "$work/out"

# A kill -9 from outside, while a batch is being answered.
j2=$(exec_branch bj-exec-02 600 5001 32)
"$fapiao" sync --once --journal "$j2" --batch 20 --retries 10 >"$work/out2" 2>"$work/err2" &
sync_pid=$!
killed=0
for _ in $(seq 1 400); do
    if [ "$(exec_ops bj-exec-02 2>/dev/null || echo 0)" -ge 100 ]; then
        pkill -KILL -f "fapiao-file-remote $xstore" && killed=1
        break
    fi
    sleep 0.02
done
wait "$sync_pid"
code=$?
[ "$code" = 0 ] || "$fapiao" sync --once --journal "$j2" >>"$work/out2" 2>>"$work/err2"
check "a program killed with SIGKILL mid-sync was seen dying" test "$killed" = 1
check "… and every invoice still lands once" test "$(exec_count bj-exec-02)" = 600
check "… each operation applied once" test "$(exec_ops bj-exec-02)" = 600
check "… all accepted in the journal" test "$(state_count "$j2" accepted)" = 600
"$fapiao" audit verify --journal "$j2" >/dev/null 2>&1
check "… and the journal's audit chain verifies" test $? = 0

# --- each way a program can fail: one sentence, its exit code, nothing lost --------------------
j3=$(exec_branch bj-exec-03 30 9001 33 "exec:$work/missing-program")
"$fapiao" sync --once --journal "$j3" --retries 1 >"$work/out" 2>"$work/err"
code=$?
check "a missing program exits 69" test "$code" = 69
check "… in one sentence naming the program" one_sentence "$work/err"
check "… which says it does not exist" grep -q "missing-program does not exist" "$work/err"
check "… and the invoices stay pending" test "$(state_count "$j3" pending)" = 30

cp "$program" "$work/not-executable"
chmod 644 "$work/not-executable"
"$fapiao" sync --once --journal "$j3" --retries 1 --remote "exec:$work/not-executable $xstore" >"$work/out" 2>"$work/err"
code=$?
check "a program that is not executable exits 69" test "$code" = 69
check "… saying how to fix it" grep -q "chmod +x" "$work/err"

printf '#!/bin/sh\necho "tax platform login failed" >&2\nexit 3\n' >"$work/fails"
chmod 755 "$work/fails"
"$fapiao" sync --once --journal "$j3" --retries 1 --remote "exec:$work/fails" >"$work/out" 2>"$work/err"
code=$?
check "a program that exits 3 before answering exits 69" test "$code" = 69
check "… quoting its status and its last words" grep -q "exit status 3.*tax platform login failed" "$work/err"
check "… in one sentence" one_sentence "$work/err"

FAPIAO_FILE_REMOTE_HANG=1 "$fapiao" sync --once --journal "$j3" --retries 1 --timeout 2s \
    --remote "$remote" >"$work/out" 2>"$work/err"
code=$?
check "a program that hangs is stopped after --timeout and the sync exits 69" test "$code" = 69
check "… saying it was stopped and the batch is in doubt" grep -q "was stopped.*in doubt" "$work/err"
check "… the hung program is gone" sh -c "! pgrep -f '[f]apiao-file-remote $xstore' >/dev/null"

for fault in GARBAGE SHORT; do
    env "FAPIAO_FILE_REMOTE_$fault=1" "$fapiao" sync --once --journal "$j3" --remote "$remote" \
        >"$work/out" 2>"$work/err"
    code=$?
    check "a program that answers $fault exits 76" test "$code" = 76
    check "… in one sentence" one_sentence "$work/err"
    check "… leaving the batch in doubt, not pending" test "$(state_count "$j3" inDoubt)" -gt 0
done
"$fapiao" sync --once --journal "$j3" --remote "$remote" >"$work/out" 2>"$work/err"
code=$?
check "after the failures a good program takes the rest: exit 0" test "$code" = 0 || cat "$work/err"
check "… each of the 30 invoices once" test "$(exec_count bj-exec-03)" = 30
check "… each operation applied once" test "$(exec_ops bj-exec-03)" = 30
check "… all accepted" test "$(state_count "$j3" accepted)" = 30

# --- protocol 2: the program anchors the branch's audit chain ----------------------------------
anchored() { sqlite3 "$xstore" "SELECT COUNT(*) FROM exec_audit_entry WHERE branch = '$1'"; }
j4=$(exec_branch bj-exec-04 10 9001 34)
"$fapiao" sync --once --journal "$j4" --format json >"$work/out" 2>"$work/err"; code=$?
check "sync through the reference program (protocol 2) exits 0" test "$code" = 0 || cat "$work/err"
check "… and anchors every audit entry of the journal there" \
    test "$(anchored bj-exec-04)" = "$(sqlite3 "$j4" 'SELECT count(*) FROM audit_entry')"
"$fapiao" audit verify --remote --journal "$j4" >/dev/null 2>&1
check "audit verify --remote through the program exits 0" test $? = 0
mv "$j4" "$work/bj-exec-04.old"
rm -f "$j4-wal" "$j4-shm"
j4=$(exec_branch bj-exec-04 3 9501 35)
"$fapiao" sync --once --journal "$j4" >"$work/out" 2>"$work/err"; code=$?
check "a replaced journal's next sync through the program is a chain break: exit 79" test "$code" = 79 ||
    cat "$work/err"
check "… in one sentence" grep -q "Chain break" "$work/err"
check "… and nothing of it reached the program's store" test "$(exec_count bj-exec-04)" = 10
"$program" "$xstore" acknowledge bj-exec-04 --reason "日志重建" >/dev/null; code=$?
check "HQ acknowledges the break with the program (exit 0)" test "$code" = 0
"$fapiao" sync --once --journal "$j4" >"$work/out" 2>"$work/err"; code=$?
check "… then the branch syncs again (exit 0) and its 3 invoices land" \
    test "$code/$(exec_count bj-exec-04)" = 0/13 || cat "$work/err"

# --- a program that refuses the audit chain: the invoices go, the exit code says so -----------
j5=$(exec_branch bj-exec-05 4 9601 36)
FAPIAO_FILE_REMOTE_REFUSE_ANCHOR=1 "$fapiao" sync --once --journal "$j5" >"$work/out" 2>"$work/err"; code=$?
check "a program that refuses every shipment of the audit chain: sync exits 76" test "$code" = 76 ||
    cat "$work/err"
check "… saying so in one sentence that the invoices were synced" \
    grep -q "refused (FAPIAO_FILE_REMOTE_REFUSE_ANCHOR). The invoices were synced; report it" "$work/err"
check "… and the 4 invoices landed once" test "$(exec_count bj-exec-05)/$(state_count "$j5" accepted)" = 4/4
FAPIAO_FILE_REMOTE_REFUSE_ANCHOR=1 "$fapiao" sync --once --journal "$j5" --format json >"$work/out" 2>"$work/err"
code=$?
check "… --format json: exit 76 and anchor.refused true" \
    test "$code/$(python3 "$root/Tools/e2e/py/json_field.py" --file "$work/out" anchor.refused)" = 76/True
FAPIAO_FILE_REMOTE_REFUSE_ANCHOR=1 "$fapiao" sync --once --cron --journal "$j5" >"$work/out" 2>"$work/err"
code=$?
check "… --cron: exit 76 and the refusal on standard error" \
    sh -c "test $code = 76 && grep -q 'The invoices were synced' '$work/err'"
"$fapiao" sync --once --journal "$j5" >"$work/out" 2>"$work/err"; code=$?
check "once the program takes the chain again: exit 0 and every entry anchored" \
    test "$code/$(anchored bj-exec-05)" = "0/$(sqlite3 "$j5" 'SELECT count(*) FROM audit_entry')" || cat "$work/err"

# --- a remote with credentials is refused before anything is written -------------------------
for bad in "http://u:p@hq.example:8080" "https://clerk@hq.example" "postgres://bj:secret@db/fapiao"; do
    "$fapiao" init --node bj-cred --journal "$work/cred/journal.sqlite" --remote "$bad" >"$work/out" 2>"$work/err"
    code=$?
    check "init --remote $bad exits 64" test "$code" = 64
    check "… and writes no journal" test ! -e "$work/cred/journal.sqlite"
    check "… and never prints the secret" sh -c "! grep -q -e ':p@' -e secret '$work/err' '$work/out'"
done

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
