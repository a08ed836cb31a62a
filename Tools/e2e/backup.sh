#!/usr/bin/env bash
# End-to-end checks of backup and restore, run against the real `fapiao` and `fapiao-central`
# binaries over loopback HTTP: a backup taken while `fapiao sync --watch` runs verifies, a backup
# killed (kill -9, by the backup.step failpoint) mid-copy leaves no file, --keep rotates, a
# restore of an older backup reports what the centre holds beyond it and that its chain is
# behind, and `fapiao-central backup` of a SQLite store opens and verifies.
# Usage: Tools/e2e/backup.sh [path/to/fapiao]  (fapiao-central is taken from the same
# directory). Ends with "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib/central.sh
source "$root/Tools/e2e/lib/central.sh"

watch_pid=""
stop_watch() {
    [ -n "$watch_pid" ] || return 0
    kill -TERM "$watch_pid" 2>/dev/null
    wait "$watch_pid" 2>/dev/null
    watch_pid=""
}
wait_for_central_count() { # branch count → 0 once the centre holds that many (at most 60 s)
    for _ in $(seq 1 600); do
        [ "$(central_count "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}
partials() { find "$1" -maxdepth 1 -name '.*.partial-*' | wc -l; }

node=bj-backup-01
j=$(new_branch "$node" 3000 1 21)
start_central
"$fapiao" sync --once --journal "$j" >/dev/null 2>&1
check "3,000 invoices are synced to the centre" test "$(central_count "$node")" = 3000

# --- a backup, and a backup killed mid-copy ------------------------------------------------
"$fapiao" backup "$work/old.sqlite" --journal "$j" >"$work/out" 2>"$work/err"; code=$?
check "fapiao backup PATH exits 0" test "$code" = 0 || cat "$work/err"
check "… says what it backed up" grep -q "Backed up 3,000 invoices" "$work/out"
check "… the backup is mode 0600" test "$(stat -c %a "$work/old.sqlite")" = 600
"$fapiao" backup "$work/old.sqlite" --journal "$j" >/dev/null 2>"$work/err"; code=$?
check "a backup never overwrites a file (exit 73)" test "$code" = 73
check "… and says so in one line" test "$(wc -l <"$work/err")" = 1

(FAPIAO_FAILPOINT=backup.step@2 "$fapiao" backup "$work/killed.sqlite" --journal "$j" >/dev/null 2>&1) 2>/dev/null
code=$?
check "a backup killed (SIGKILL) after its second step dies with 137" test "$code" = 137
check "… leaves no file at PATH" test ! -e "$work/killed.sqlite"
check "… only its temporary copy beside it" test "$(partials "$work")" -ge 1
"$fapiao" backup "$work/killed.sqlite" --journal "$j" >/dev/null 2>&1; code=$?
check "the next backup there succeeds" test "$code" = 0 -a -f "$work/killed.sqlite"
check "… and removes the temporary copy the killed one left" test "$(partials "$work")" = 0

# --- rotation ------------------------------------------------------------------------------
mkdir -p "$work/rotation" && echo notes >"$work/rotation/notes.txt"
for _ in 1 2 3; do
    "$fapiao" backup "$work/rotation/" --journal "$j" >/dev/null 2>&1 || fail "a backup into the rotation directory"
    sleep 1.1 # names are to the second
done
"$fapiao" backup "$work/rotation" --journal "$j" --keep 2 --format json >"$work/rotate.json" 2>&1; code=$?
check "backup --keep 2 exits 0" test "$code" = 0
check "… keeps the 2 newest backups and the unrelated file" \
    test "$(find "$work/rotation" -name 'journal-*Z.sqlite' | wc -l)" = 2 -a -f "$work/rotation/notes.txt"
check "… its JSON summary lists the 2 deleted" test "$(json_field --file "$work/rotate.json" rotated.1=none)" != none
"$fapiao" backup --keep 0 --journal "$j" >/dev/null 2>&1
check "backup --keep 0 is a usage error (exit 64)" test $? = 64

# --- a backup while sync --watch runs --------------------------------------------------------
"$fapiao" sync --watch --interval 1s --journal "$j" >"$work/watch.out" 2>"$work/watch.err" &
watch_pid=$!
python3 "$root/Tools/gen" --count 20 --start-number 700001 --seed 22 --out "$work/more.jsonl"
"$fapiao" import "$work/more.jsonl" --journal "$j" >/dev/null 2>&1 || fail "import 20 more invoices"
"$fapiao" backup "$work/during.sqlite" --journal "$j" --format json >"$work/during.json" 2>"$work/err"; code=$?
check "a backup while sync --watch runs exits 0" test "$code" = 0 || cat "$work/err"
"$fapiao" audit verify --journal "$work/during.sqlite" >"$work/out" 2>&1
check "… and the copy passes fapiao audit verify" test $? = 0 || cat "$work/out"
check "… its JSON summary counts the invoices" test "$(json_field --file "$work/during.json" invoices)" = 3020
check "the watching sync sends the 20 new invoices meanwhile" wait_for_central_count "$node" 3020
stop_watch
"$fapiao" sync --once --journal "$j" >/dev/null 2>&1 # the chain anchored up to the journal's head
anchored=$("$fapiao" audit log --journal "$j" --format json | wc -l)
backup_head=$(sqlite3 "$work/old.sqlite" "SELECT MAX(seq) FROM audit_entry")

# --- fapiao-central backup ---------------------------------------------------------------------
"$central_bin" backup "$work/central-copy.sqlite" --store "sqlite:$store" --format json \
    >"$work/central.json" 2>"$work/err"; code=$?
check "fapiao-central backup of a running SQLite store exits 0" test "$code" = 0 || cat "$work/err"
check "… the copy is mode 0600" test "$(stat -c %a "$work/central-copy.sqlite")" = 600
check "… holds the branch's 3,020 invoices" \
    test "$(sqlite3 "$work/central-copy.sqlite" "SELECT COUNT(*) FROM central_invoice WHERE branch = '$node'")" = 3020
"$central_bin" audit verify --store "sqlite:$work/central-copy.sqlite" >"$work/out" 2>&1
check "… and passes fapiao-central audit verify" test $? = 0 || cat "$work/out"
"$central_bin" backup "$work/pg.dump" --store "postgres://fapiao@127.0.0.1/fapiao" >/dev/null 2>"$work/err"
check "fapiao-central backup of a PostgreSQL store points at pg_dump" grep -q "pg_dump" "$work/err"

# --- restore of the older backup ----------------------------------------------------------------
"$fapiao" restore "$work/old.sqlite" --journal "$j" --format json >"$work/restore.json" 2>"$work/err"; code=$?
check "restore of an older backup exits 1 (restored, attention needed)" test "$code" = 1 || cat "$work/err"
check "… the replaced journal is kept aside" test -f "$(json_field --file "$work/restore.json" replacedKeptAt)"
check "… it reports the 20 invoices the centre holds beyond the backup" \
    test "$(json_field --file "$work/restore.json" centre.missingHere.19.number=none centre.missingHere.20.number=none | cut -d' ' -f2)" = none -a \
    "$(json_field --file "$work/restore.json" centre.missingHere.19.number=none)" != none
check "… and says the next sync is a chain break" \
    test "$(json_field --file "$work/restore.json" centre.nextSyncIsChainBreak)" = True
check "… naming the anchored entry and the backup's last one" \
    bash -c "json_field() { python3 '$e2e_py/json_field.py' \"\$@\"; }; json_field --file '$work/restore.json' centre.chain | grep -q 'up to entry $anchored; this backup ends at entry $backup_head'"
"$fapiao" audit verify --journal "$j" >/dev/null 2>&1
check "the restored journal passes audit verify" test $? = 0
first=$(head -1 "$work/more.jsonl" | json_field number)
grep -q "$first" "$work/restore.json"
check "… the report names them by number ($first)" test $? = 0
"$fapiao" restore "$work/old.sqlite" --journal "$j" >"$work/restore.txt" 2>&1
check "the text report says the centre holds 20 the backup lacks" grep -q "holds 20 invoice(s) of this branch that the backup lacks" "$work/restore.txt"
check "… and the chain-behind sentence" grep -q "The centre anchored this branch's chain up to entry $anchored; this backup ends at entry $backup_head" "$work/restore.txt"
"$fapiao" sync --once --journal "$j" >/dev/null 2>&1; code=$?
check "the next sync is refused as a chain break (exit 79)" test "$code" = 79

# --- restore with the centre down, under a watching sync -----------------------------------------
stop_central
# The centre is down, so the watcher's runs end quickly and it holds the lease only briefly.
"$fapiao" sync --watch --interval 300ms --retries 1 --journal "$j" >/dev/null 2>"$work/watch.err" &
watch_pid=$!
restored=no
for _ in $(seq 1 50); do # the restore waits for a moment between the watcher's runs
    "$fapiao" restore "$work/during.sqlite" --journal "$j" >"$work/restore.txt" 2>&1
    code=$?
    [ "$code" = 75 ] || { restored=yes; break; }
    sleep 0.1
done
check "restore with the centre down still completes (exit 1)" test "$restored" = yes -a "$code" = 1
check "… and says reconciliation is pending and how to run it" grep -q "reconciliation is pending: run \`fapiao reconcile\`" "$work/restore.txt"
for _ in $(seq 1 50); do kill -0 "$watch_pid" 2>/dev/null || break; sleep 0.1; done
wait "$watch_pid" 2>/dev/null; code=$?
watch_pid=""
check "a watching sync notices the journal was replaced and stops (exit 75) to be started on the new one" \
    bash -c "test $code = 75 && grep -q 'was replaced while sync --watch ran' '$work/watch.err'" ||
    { echo "       exit $code; its last lines:"; grep -v 'attempt 1 failed' "$work/watch.err" | tail -3; }
"$fapiao" audit verify --journal "$j" >/dev/null 2>&1
check "… the journal in place is the backup, verified" test $? = 0
"$fapiao" restore "$work/nothing.sqlite" --journal "$j" >/dev/null 2>&1
check "restore of a missing file exits 66" test $? = 66

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
