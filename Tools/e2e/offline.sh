#!/usr/bin/env bash
# End-to-end story of offline invoicing under a jurisdiction profile (cn-ukey), on the real
# `fapiao` and `fapiao-central` binaries, on a simulated clock ($FAPIAO_AS_OF): a three-day
# outage reaching the profile's time and amount limits (refusals naming the figures), red
# invoices against their originals (an over-reversal refused), voids
# allowed and refused by the month rule and a closed period, the single-invoice limit at the
# branch and again at the centre, and `status --check` moving from 0 to 1 as deadlines pass
# and back to 0 once the invoices are synced.
# Usage: Tools/e2e/offline.sh [path/to/fapiao]. Ends with "N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib/central.sh
source "$root/Tools/e2e/lib/central.sh"

journal="$work/bj-ukey-01/journal.sqlite"
at() { # instant command… → runs fapiao as of the instant (Asia/Shanghai)
    local instant=$1
    shift
    FAPIAO_AS_OF="$instant" "$fapiao" "$@" --journal "$journal"
}
paper() { # number net tax gross date → an ordinary paper invoice (普票, code and 8-digit number)
    printf '{"type":"ordinary","code":"011002600111","number":"%s","issueDate":"%s",' "$1" "$5"
    printf '"seller":{"name":"北京示例科技有限公司","taxID":"91350100M000100Y43"},'
    printf '"buyer":{"name":"北京客户有限公司","taxID":"91110000802100433B"},'
    printf '"net":"%s","taxRate":"0.13","tax":"%s","gross":"%s"}\n' "$2" "$3" "$4"
}
exits_saying() { # code expected text pattern… → whether the code is the expected one and the text has every pattern
    local code=$1 expected=$2 text=$3
    shift 3
    [ "$code" = "$expected" ] || return 1
    for pattern in "$@"; do grep -q -- "$pattern" <<<"$text" || return 1; done
}
capture() { # instant number net tax gross date → exit code; output in $out
    paper "$2" "$3" "$4" "$5" "$6" >"$work/invoice.json"
    out=$(at "$1" enqueue --json "$work/invoice.json" 2>&1)
}

"$central_bin" token add bj-ukey-01 --tokens "$tokens" >"$work/bj-ukey-01.token" 2>>"$work/central.log"
chmod 600 "$work/bj-ukey-01.token"
start_central --profile cn-ukey

# --- a branch under cn-ukey, its own limits set and audited ---------------------------------
at 2026-11-20T08:30:00+08:00 init --node bj-ukey-01 --profile cn-ukey --remote "$url" \
    --token-file "$work/bj-ukey-01.token" >/dev/null 2>&1
check "init --profile cn-ukey on a simulated clock" test -f "$journal"
"$fapiao" status --journal "$journal" >/dev/null 2>&1; code=$?
check "a simulated journal refuses the real clock (exit 64)" test "$code" = 64
out=$(at 2026-11-20T08:31:00+08:00 profile show --format json)
check "profile show names the 2014年第73号 source of the offline limits" grep -q '2014年第73号' <<<"$out"
at 2026-11-20T08:32:00+08:00 profile set offline.hours 72 --reason "税务机关设定离线开票时限72小时" >/dev/null
at 2026-11-20T08:32:00+08:00 profile set offline.positiveAmount 50000.00 --reason "税务机关设定离线正数累计金额" >/dev/null
at 2026-11-20T08:33:00+08:00 profile set offline.hours 0 --reason "x" >/dev/null 2>&1; code=$?
check "a bad branch value is refused (exit 64)" test "$code" = 64
check "the branch's values are audited with their reasons" \
    grep -q '离线开票时限72小时' <<<"$(at 2026-11-20T08:34:00+08:00 audit log --format json)"

at 2026-11-20T08:35:00+08:00 series add --type ordinary --code 011002600111 --from 00000001 --to 00000100 >/dev/null
check "series add assigns the branch its paper numbers" \
    test "$(at 2026-11-20T08:36:00+08:00 series list --format json | json_field 0.last)" = 00000100

# --- day 1: the outage starts; captures count against its limits --------------------------
at 2026-11-20T09:00:00+08:00 outage start --notice "网络故障 20 日 9 时" >/dev/null
check "outage start" test "$(at 2026-11-20T09:01:00+08:00 outage status --format json | json_field invoices)" = 0
capture 2026-11-20T10:00:00+08:00 00000001 20000.00 2600.00 22600.00 2026-11-20; code=$?
check "day 1: a capture within the limits" test "$code" = 0
at 2026-11-20T10:05:00+08:00 status --check --offline >/dev/null; code=$?
check "status --check is 0 while nothing is owed yet" test "$code" = 0
capture 2026-11-21T11:00:00+08:00 00000002 20000.00 2600.00 22600.00 2026-11-21; code=$?
check "day 2: 80 % of the amount limit warns (45200.00 of 50000.00)" \
    exits_saying "$code" 0 "$out" "gross is 45200.00 of the 50000.00"
capture 2026-11-21T12:00:00+08:00 00000003 20000.00 2600.00 22600.00 2026-11-21; code=$?
check "day 2: past the amount limit is refused (exit 65) with the figures" \
    exits_saying "$code" 65 "$out" "offline.positiveAmount" "67800.00"
capture 2026-11-21T12:05:00+08:00 00000004 100000.00 13000.00 113000.00 2026-11-21; code=$?
check "the single-invoice limit is on the net amount, strictly below (exit 65)" \
    exits_saying "$code" 65 "$out" "single-invoice limit of 100000.00"
capture 2026-11-21T12:10:00+08:00 00000005 1000.00 130.00 1130.00 2026-11-21; code=$?
check "day 2: a small one still fits" test "$code" = 0
# --- red invoices against originals ------------------------------------------------------------
out=$(at 2026-11-21T12:20:00+08:00 red 00000002 --code 011002600111 --number 00000011 --reason 销货退回 \
    --net -5000.00 --tax -650.00 --gross -5650.00 2>&1); code=$?
check "a red invoice reverses part of an original" exits_saying "$code" 0 "$out" "captured red" "reverses 00000002"
out=$(at 2026-11-21T12:21:00+08:00 red 00000002 --code 011002600111 --number 00000012 --reason 销货退回 \
    --net -16000.00 --tax -2080.00 --gross -18080.00 2>&1); code=$?
check "a second red invoice past the original is refused (exit 65) naming the figures" \
    exits_saying "$code" 65 "$out" "would reverse 21000.00 of the original.s net 20000.00 (5000.00 by earlier red invoices)"
out=$(at 2026-11-21T12:22:00+08:00 red 00000001 --code 011002600111 --number 00000013 --reason 开票有误 \
    --net -100.00 --tax -13.00 --gross -113.00 2>&1); code=$?
check "issued in error must reverse in full (exit 65)" exits_saying "$code" 65 "$out" "must reverse the original in full"
out=$(at 2026-11-21T12:23:00+08:00 red 00000011 --code 011002600111 --number 00000014 --reason 销货退回 \
    --net -1.00 --tax -0.13 --gross -1.13 2>&1); code=$?
check "a red invoice is never itself reversed (exit 65)" exits_saying "$code" 65 "$out" "never itself reversed"

capture 2026-11-23T09:30:00+08:00 00000006 100.00 13.00 113.00 2026-11-23; code=$?
check "day 4: past the 72 offline hours is refused (exit 65) naming the hours" \
    exits_saying "$code" 65 "$out" "offline.hours" "has lasted 72 h " "allows offline invoicing for 72 hours"
out=$(at 2026-11-23T09:31:00+08:00 status --offline --format json); code=$?
check "status names the offline-hours rule as an error" grep -q '"rule":"offline.hours"' <<<"$out"

# --- voids by the month rule ---------------------------------------------------------------
first=$(at 2026-11-23T09:40:00+08:00 list --format json | python3 -c '
import json, sys
rows = [json.loads(line) for line in sys.stdin if line.strip()]
print(next(row["id"] for row in rows if row["number"] == "00000005"))')
at 2026-11-23T09:41:00+08:00 void "${first:0:8}" --reason "开票有误" >/dev/null 2>&1
check "a paper invoice is voided within its month of issue" test $? = 0
at 2026-11-23T10:00:00+08:00 outage end >/dev/null
check "outage end" test "$(at 2026-11-23T10:01:00+08:00 outage status --format json)" = null
second=$(at 2026-12-01T09:00:00+08:00 list --format json | python3 -c '
import json, sys
rows = [json.loads(line) for line in sys.stdin if line.strip()]
print(next(row["id"] for row in rows if row["number"] == "00000001"))')
out=$(at 2026-12-01T09:00:00+08:00 void "${second:0:8}" --reason "退货" 2>&1); code=$?
check "a void after the month of issue is refused (exit 65), pointing to a red invoice" \
    exits_saying "$code" 65 "$out" "month of issue (2026-11" "red invoice"
at 2026-11-30T09:00:00+08:00 period close 2026-11 >/dev/null 2>&1; code=$?
check "fapiao period close" test "$code" = 0

# --- number series: 编号是否连续 (the refused captures left numbers unused) -----------------------
out=$(at 2026-11-30T09:10:00+08:00 numbers --month 2026-11 2>&1); code=$?
check "numbers reports November's gaps (exit 1): 3-4 and 6-10 below the red invoice 11" \
    exits_saying "$code" 1 "$out" "used 4, voided 1, red 1, highest 00000011" "gaps 7: 00000003-00000004 (2), 00000006-00000010 (5)"
at 2026-11-30T09:11:00+08:00 numbers explain 011002600111:00000003-00000004 --reason "打印机卡纸" >/dev/null
at 2026-11-30T09:11:00+08:00 numbers explain 011002600111:00000006-00000010 --reason "超限额未开具" >/dev/null
out=$(at 2026-11-30T09:12:00+08:00 numbers --month 2026-11 --format json 2>&1); code=$?
check "explained numbers are no longer gaps (exit 0)" exits_saying "$code" 0 "$out" '"gapCount":0'


# --- deadlines: by the filing day of December (2026-12-15, 税总办征科函〔2025〕64号) --------------
at 2026-12-05T09:00:00+08:00 status --check --offline >/dev/null; code=$?
check "status --check is 0 on 5 December" test "$code" = 0
at 2026-12-11T09:00:00+08:00 status --check --offline >/dev/null; code=$?
check "status --check is 1 after the 10th with November unsynced" test "$code" = 1
out=$(at 2026-12-16T09:00:00+08:00 status --check --offline --format json); code=$?
check "status --check is 1 once the upload deadline has passed, naming the invoices" \
    exits_saying "$code" 1 "$out" "\"rule\":\"uploadDeadline\"" "${second}"

# --- the branch syncs; the centre checks the single-invoice limit again --------------------
at 2026-12-16T09:30:00+08:00 profile set singleInvoiceLimit 1000000.00 --reason "税务机关核定百万元版" >/dev/null
capture 2026-12-16T09:31:00+08:00 00000020 100000.00 13000.00 113000.00 2026-12-16; code=$?
check "the branch's own (higher) limit admits a net of 100000.00" test "$code" = 0
at 2026-12-16T10:00:00+08:00 sync >/dev/null 2>&1; code=$?
check "sync: the centre (cn-ukey, 100000.00) quarantines the one over its limit (exit 1)" test "$code" = 1
check "the centre's reason names the single-invoice limit" \
    grep -q 'single-invoice limit' <<<"$(at 2026-12-16T10:01:00+08:00 quarantine list --format json)"
at 2026-12-16T10:06:00+08:00 sync >/dev/null 2>&1
check "the red invoice reaches the centre once its original is accepted" \
    test "$(sqlite3 "$store" "SELECT COUNT(*) FROM central_invoice WHERE branch = 'bj-ukey-01' AND number = '00000011'")" = 1
out=$(at 2026-12-16T10:10:00+08:00 status --check --offline --format json); code=$?
check "once synced, nothing is owed for November: status no longer names its deadline" \
    test -z "$(grep -o '"rule":"uploadDeadline"' <<<"$out")"
check "the audit chain verifies" bash -c "FAPIAO_AS_OF=2026-12-16T10:11:00+08:00 '$fapiao' audit verify --journal '$journal' >/dev/null"

# --- number series: 编号是否连续 ------------------------------------------------------------------
capture 2026-12-16T10:20:00+08:00 00000900 10.00 1.30 11.30 2026-12-16; code=$?
check "a number outside the branch's series is refused (exit 65)" exits_saying "$code" 65 "$out" "outside the branch's ordinary series"
# --- at HQ: the same number from two branches ----------------------------------------------------
"$central_bin" token add sh-ukey-02 --tokens "$tokens" >"$work/sh-ukey-02.token" 2>>"$work/central.log"
chmod 600 "$work/sh-ukey-02.token"
journal2="$work/sh-ukey-02/journal.sqlite"
FAPIAO_AS_OF=2026-12-16T11:00:00+08:00 "$fapiao" init --node sh-ukey-02 --profile cn-ukey --remote "$url" \
    --token-file "$work/sh-ukey-02.token" --journal "$journal2" >/dev/null
paper 00000001 300.00 39.00 339.00 2026-12-16 | sed 's/91350100M000100Y43/91110000802100433B/' >"$work/other.json"
FAPIAO_AS_OF=2026-12-16T11:01:00+08:00 "$fapiao" enqueue --json "$work/other.json" --journal "$journal2" >/dev/null
FAPIAO_AS_OF=2026-12-16T11:02:00+08:00 "$fapiao" sync --journal "$journal2" >/dev/null 2>&1
out=$("$central_bin" numbers --store "sqlite:$store" 2>&1); code=$?
check "fapiao-central numbers names the number two branches used, and the gaps (exit 1)" \
    exits_saying "$code" 1 "$out" "duplicate 00000001: .*@bj-ukey-01" "@sh-ukey-02" "gaps"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
