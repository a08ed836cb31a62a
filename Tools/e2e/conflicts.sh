#!/usr/bin/env bash
# End-to-end checks of conflicts, pull and reconcile, against the real `fapiao` and
# `fapiao-central` binaries over loopback HTTP: a central amend merged with a local one,
# a same-field conflict resolved by a person, a central void pulled, a void against a local
# amend, a duplicate number from a second branch, reconcile after the central store lost or
# altered a row. Usage: Tools/e2e/conflicts.sh [path/to/fapiao]. Ends with "N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib/central.sh
source "$root/Tools/e2e/lib/central.sh"

hq() { # amend|void ID ARGS… → an HQ change made at the central store
    local verb=$1 id=$2
    shift 2
    "$central_bin" "$verb" "$id" --store "sqlite:$store" --as hq-auditor "$@" >/dev/null 2>>"$work/central.log"
}
central_field() { # id json_field-arguments… → value of the invoice at the centre
    sqlite3 "$store" "SELECT content FROM central_invoice WHERE id = '$1'" |
        json_field "${@:2}"
}
local_field() { # journal id json_field-arguments… → value of the invoice in the journal
    "$fapiao" show "$2" --journal "$1" --format json |
        json_field "${@:3}"
}
nth_id() { # journal k → id of the k-th invoice captured
    sqlite3 "$1" "SELECT id FROM invoice ORDER BY rowid LIMIT 1 OFFSET $(($2 - 1))"
}
open_conflicts() { # journal → number of open conflicts
    "$fapiao" conflicts list --journal "$1" --format json | json_field --length
}

j=$(new_branch bj-haidian-01 20 1 21)
j2=$(new_branch bj-xicheng-02 3 1 21)   # the same first three numbers, typed at another branch
start_central
"$fapiao" sync --journal "$j" >/dev/null 2>&1
check "20 invoices reach the centre" test "$(central_count bj-haidian-01)" = 20

# --- a central amend (buyer name) and a local amend (note): merged automatically ---------
id1=$(nth_id "$j" 1)
n1=$id1
hq amend "$id1" buyer.name=北京海淀新华书店
"$fapiao" amend "$n1" --journal "$j" --note "送货上门" >/dev/null 2>&1
"$fapiao" sync --journal "$j" >"$work/out" 2>"$work/err"; code=$?
check "sync after concurrent amends of different fields exits 0" test "$code" = 0 || cat "$work/out" "$work/err"
check "… the summary says it was resolved automatically" grep -q "resolved automatically 1" "$work/out"
check "… the centre has the HQ buyer name" test "$(central_field "$id1" buyer.name)" = 北京海淀新华书店
check "… and the branch's note" test "$(central_field "$id1" note=None)" = 送货上门
check "… the branch has both too" test "$(local_field "$j" "$n1" --sep / buyer.name note=)" = 北京海淀新华书店/送货上门
check "… no conflict is left open" test "$(open_conflicts "$j")" = 0
"$fapiao" conflicts history --journal "$j" --format json >"$work/history.json"
check "… the history names the merge policy as the resolver" \
    json_field --file "$work/history.json" --expect "resolver:merge concurrentEdit" 0.resolution.by 0.kind

# --- the same field on both sides: a person decides ---------------------------------------
id2=$(nth_id "$j" 2)
n2=$id2
hq amend "$id2" note=总部备注
"$fapiao" amend "$n2" --journal "$j" --note "分店备注" >/dev/null 2>&1
"$fapiao" sync --journal "$j" >"$work/out" 2>"$work/err"; code=$?
check "a same-field conflict makes sync exit 1" test "$code" = 1
check "… one open conflict" test "$(open_conflicts "$j")" = 1
"$fapiao" conflicts list --journal "$j" >"$work/list" 2>&1
check "… conflicts list names the field changed on both sides" grep -q "note\*" "$work/list"
check "… and shows both clocks" bash -c "grep -q '\"bj-haidian-01\":2' '$work/list' && grep -q '\"central\":1' '$work/list'"
"$fapiao" conflicts show "$n2" --journal "$j" >"$work/show" 2>&1
check "conflicts show puts both values side by side" bash -c "grep -q 总部备注 '$work/show' && grep -q 分店备注 '$work/show'"
check "… with the ancestor's clock" grep -q "Ancestor clock  {\"bj-haidian-01\":1}" "$work/show"
check "the central store still holds HQ's note (never overwritten)" test "$(central_field "$id2" note=None)" = 总部备注
"$fapiao" show "$n2" --journal "$j" --format json >"$work/merged.json"
python3 "$e2e_py/edit_invoice.py" "$work/merged.json" --note "总部备注；分店备注"
"$fapiao" conflicts resolve "$n2" --journal "$j" --take merged --json "$work/merged.json" \
    --reason "both notes are true" --as 李会计 >"$work/out" 2>&1; code=$?
check "resolve --take merged --json exits 0" test "$code" = 0 || cat "$work/out"
"$fapiao" conflicts resolve "$n2" --journal "$j" --take local --reason again >"$work/out" 2>&1; code=$?
check "resolving it twice is refused (exit 65)" test "$code" = 65
check "… naming who resolved it" grep -q "李会计" "$work/out"
"$fapiao" sync --journal "$j" >"$work/out" 2>&1; code=$?
check "the resolution syncs (exit 0)" test "$code" = 0 || cat "$work/out"
check "… and reaches the centre" test "$(central_field "$id2" note=None)" = "总部备注；分店备注"
"$fapiao" conflicts history --journal "$j" >"$work/history" 2>&1
check "conflicts history shows who and why" bash -c "grep -q 李会计 '$work/history' && grep -q 'both notes are true' '$work/history'"
"$fapiao" conflicts history --journal "$j" --format json >"$work/history.json"
check "… in the order found, as JSON" \
    json_field --file "$work/history.json" --each invoiceID --expect "$id1 $id2"

# --- a central void reaches the branch; a void against a local amend is a conflict ------
id3=$(nth_id "$j" 3)
n3=$id3
hq void "$id3" --reason "客户取消"
"$fapiao" sync --journal "$j" >"$work/out" 2>&1; code=$?
check "sync after a central void exits 0" test "$code" = 0 || cat "$work/out"
check "… the branch's invoice is voided" test "$(local_field "$j" "$n3" --has void)" = True
check "… with a pulled audit entry" test "$(audit_events "$j" pulled)" -ge 1
id4=$(nth_id "$j" 4)
n4=$id4
hq void "$id4" --reason "开错了"
"$fapiao" amend "$n4" --journal "$j" --buyer-name "改了名字的公司" >/dev/null 2>&1
"$fapiao" sync --journal "$j" >"$work/out" 2>&1; code=$?
check "an amend of a centrally voided invoice makes sync exit 1" test "$code" = 1
"$fapiao" conflicts list --journal "$j" --format json >"$work/list.json"
check "… it is an editOfVoided conflict" \
    json_field --file "$work/list.json" --each kind --expect editOfVoided
check "… and the centre is still voided (no un-void)" test "$(central_field "$id4" --has void)" = True
"$fapiao" conflicts resolve "$n4" --journal "$j" --take remote --reason "HQ voided it" >/dev/null 2>&1
"$fapiao" sync --journal "$j" >/dev/null 2>&1
check "take remote leaves it voided on both sides" \
    test "$(local_field "$j" "$n4" --has void)/$(central_field "$id4" --has void)" = True/True

# --- a duplicate number from a second branch ---------------------------------------------
"$fapiao" sync --journal "$j2" >"$work/out" 2>&1; code=$?
check "a second branch pushing the same numbers exits 1" test "$code" = 1
"$fapiao" conflicts list --journal "$j2" --format json >"$work/list.json"
check "… each is a duplicateNumber conflict" \
    json_field --file "$work/list.json" --each kind --expect "duplicateNumber duplicateNumber duplicateNumber"
check "… the first branch's invoice is untouched at the centre" test "$(central_field "$id1" branch)" = bj-haidian-01
check "… the second branch has nothing at the centre" test "$(central_count bj-xicheng-02)" = 0
d1=$(nth_id "$j2" 1)
"$fapiao" conflicts resolve "$d1" --journal "$j2" --take merged --reason merge >"$work/out" 2>&1; code=$?
check "a duplicate number is never merged automatically (exit 65)" test "$code" = 65
"$fapiao" show "$d1" --journal "$j2" --format json >"$work/renumbered.json"
python3 "$e2e_py/edit_invoice.py" "$work/renumbered.json" --serial 900001
"$fapiao" conflicts resolve "$d1" --journal "$j2" --take merged --json "$work/renumbered.json" \
    --reason "re-issued under a new number" --as 王主管 >/dev/null 2>&1
"$fapiao" sync --journal "$j2" >"$work/out" 2>&1
check "the renumbered invoice reaches the centre" test "$(central_count bj-xicheng-02)" = 1

# --- reconcile -------------------------------------------------------------------------
id5=$(nth_id "$j" 5)
n5=$id5
"$fapiao" reconcile --journal "$j" >"$work/out" 2>&1; code=$?
check "reconcile of an agreeing journal exits 0" test "$code" = 0 || cat "$work/out"
check "… and says they agree" grep -q "agree" "$work/out"
sqlite3 "$store" "DELETE FROM central_invoice WHERE id = '$id5'"
"$fapiao" reconcile --journal "$j" --dry-run >"$work/out" 2>&1; code=$?
check "reconcile --dry-run finds the missing invoice (exit 1)" test "$code" = 1
check "… and queues nothing" test "$("$fapiao" status --journal "$j" --offline --format json | json_field pendingOperations)" = 0
"$fapiao" reconcile --journal "$j" >"$work/out" 2>&1; code=$?
check "reconcile names the invoice missing at the remote" bash -c "grep -q 'missing at the remote: 1' '$work/out' && grep -q '$n5' '$work/out'"
check "… exits 1" test "$code" = 1
"$fapiao" sync --journal "$j" >"$work/out" 2>&1
check "the next sync restores it at the centre" test "$(sqlite3 "$store" "SELECT COUNT(*) FROM central_invoice WHERE id = '$id5'")" = 1
id6=$(nth_id "$j" 6)
n6=$id6
sqlite3 "$store" "UPDATE central_invoice SET content = json_set(content, '$.note', '改过的') WHERE id = '$id6'"
"$fapiao" reconcile --journal "$j" >"$work/out" 2>&1
check "content changed directly at the centre: reconcile reports a conflict" grep -q "content differs: 1" "$work/out"
"$fapiao" conflicts list --journal "$j" --format json >"$work/list.json"
check "… a contentDiffers conflict waiting for a person" \
    json_field --file "$work/list.json" --each kind --expect contentDiffers

"$fapiao" audit verify --journal "$j" >"$work/out" 2>&1
check "audit verify passes on the first branch" test $? = 0 || cat "$work/out"
"$fapiao" audit verify --journal "$j2" >/dev/null 2>&1
check "audit verify passes on the second branch" test $? = 0

stop_central
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
