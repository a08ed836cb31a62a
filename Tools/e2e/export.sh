#!/usr/bin/env bash
# End-to-end checks of audit exports, run against the real `fapiao` binary: export CSV and
# JSONL, verify them offline, and name the row an edit or a deletion touched.
# Usage: Tools/e2e/export.sh [path/to/fapiao]    Prints one line per check and ends with
# "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
fapiao=${1:-${FAPIAO:-$root/.build/debug/fapiao}}
[ -x "$fapiao" ] || { echo "e2e: no fapiao binary at $fapiao; build first (swift build)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 022
export FAPIAO_JOURNAL="$work/branch/journal.sqlite"
today=$(TZ=Asia/Shanghai date +%F)

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && printf '       %s\n' "$2"; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
mode() { stat -c %a "$1"; }
quiet() { "$@" >/dev/null 2>&1; }
e2e_py="$root/Tools/e2e/py"
json_field() { python3 "$e2e_py/json_field.py" "$@"; } # [--file F] FIELD… → values (json_field.py --help)
# verify_fails NAME DIR TEXT: verify-export exits 70 and its one-line message contains TEXT.
verify_fails() {
    local err code
    err=$("$fapiao" audit verify-export "$2" 2>&1 >/dev/null); code=$?
    if [ "$code" = 70 ] && printf '%s' "$err" | grep -qF -- "$3"; then
        pass "$1 (exit 70, names \"$3\")"
    else
        fail "$1" "exit=$code stderr=${err:0:400}"
    fi
}

invoice_json() { # number buyer
    printf '{"type":"digitalOrdinary","number":"%s","issueDate":"%s",' "$1" "$today"
    printf '"seller":{"name":"北京示例科技有限公司","taxID":"91350100M000100Y43"},'
    printf '"buyer":{"name":"%s","taxID":"91110000802100433B"},' "$2"
    printf '"net":"520.75","taxRate":"0.06","tax":"31.25","gross":"552.00","currency":"CNY"}\n'
}

# --- a journal with a few invoices ------------------------------------------------------
"$fapiao" init --node bj-chaoyang-01 --operator 王芳 >/dev/null 2>&1
check "init creates the journal" test -f "$FAPIAO_JOURNAL"
n=0
for buyer in 北京客户有限公司 上海贸易有限公司 广州南方商行 深圳科技有限公司 成都餐饮管理有限公司; do
    n=$((n + 1))
    invoice_json "2611000000000000000$n" "$buyer" >"$work/invoice-$n.json"
    # The fourth is captured by someone whose name needs CSV quoting: a comma and quotes.
    actor=王芳
    [ "$n" = 4 ] && actor='张伟, "收银台 2"'
    "$fapiao" enqueue --json "$work/invoice-$n.json" --as "$actor" >/dev/null 2>&1 || fail "capture invoice $n"
done
first_id=$("$fapiao" list --format json | head -1 | json_field id)
entries=$("$fapiao" audit log --format json | wc -l)
captured=$("$fapiao" audit log --format json | grep -c '"event":"captured"')
check "five captures are in the audit log" test "$captured" = 5

# --- export and verify ------------------------------------------------------------------
mkdir "$work/full" && touch "$work/full/notes.txt"
"$fapiao" audit export "$work/full" >/dev/null 2>&1; code=$?
check "export refuses a non-empty directory (exit 73) and makes no key" \
    test "$code" = 73 -a ! -e "$FAPIAO_JOURNAL.signing-key" -a ! -e "$work/full/manifest.json"
out=$("$fapiao" audit export "$work/csv" 2>"$work/export.err"); code=$?
check "export writes a CSV export (exit 0)" test "$code" = 0 -a -f "$work/csv/audit.csv" -a -f "$work/csv/manifest.json"
check "export prints one summary line naming the rows and the key" \
    bash -c "printf '%s' \"\$0\" | grep -q \"exported $entries audit entries .*signed with key\"" "$out"
key="$FAPIAO_JOURNAL.signing-key"
check "the signing key is made beside the journal, 0600" test -f "$key" -a "$(mode "$key")" = 600
check "the new key's public half is printed once" grep -q "give HQ its public key" "$work/export.err"
check "the CSV starts with the UTF-8 byte-order mark" test "$(head -c3 "$work/csv/audit.csv" | od -An -tx1 | tr -d ' ')" = efbbbf
check "the CSV has CRLF line ends" test "$(grep -c $'\r$' "$work/csv/audit.csv")" = $((entries + 1))
check "the CSV holds Chinese names as UTF-8, quoted by RFC 4180" grep -qF ',"张伟, ""收银台 2""",captured,' "$work/csv/audit.csv"
check "the CSV has a header naming the columns" \
    bash -c "sed -n 1p '$work/csv/audit.csv' | grep -q 'row,sequence,wallTime,node,actor,event,invoiceID,operationID,clock,details,previousHash,hash'"
out=$("$fapiao" audit verify-export "$work/csv" 2>&1); code=$?
check "verify-export passes an untouched CSV export (exit 0)" test "$code" = 0
check "verify-export prints the key's fingerprint" bash -c "printf '%s' \"\$0\" | grep -q 'audit export intact: .*signed with key [0-9a-f-]\{19\}'" "$out"
"$fapiao" audit export "$work/jsonl" --format jsonl >/dev/null 2>&1
check "a JSONL export verifies" quiet "$fapiao" audit verify-export "$work/jsonl"
check "a JSONL export has one line per entry" test "$(wc -l <"$work/jsonl/audit.jsonl")" = "$entries"
pub=$(json_field --file "$work/csv/manifest.json" publicKey)
check "verify-export with the node's --public-key passes" quiet "$fapiao" audit verify-export "$work/csv" --public-key "$pub"
printf '%s\n' "$pub" >"$work/hq.pub"
check "… and with the key in a file" quiet "$fapiao" audit verify-export "$work/csv" --public-key "$work/hq.pub"
intact=$("$fapiao" audit verify-export "$work/csv" --output json | json_field intact rows)
check "verify-export --output json reports intact and the row count" test "$intact" = "True $entries"
"$fapiao" audit export "$work/csv" >/dev/null 2>&1; code=$?
check "export refuses to write over an export (exit 73)" test "$code" = 73

# --- filters ------------------------------------------------------------------------------
rows=$("$fapiao" audit export "$work/captured" --event captured --output json | json_field rows)
check "--event captured exports the 5 captures" test "$rows" = 5
check "a filtered export verifies" quiet "$fapiao" audit verify-export "$work/captured"
expected=$("$fapiao" audit log --invoice "$first_id" --format json | wc -l)
rows=$("$fapiao" audit export "$work/invoice" --invoice "$first_id" --output json | json_field rows)
check "--invoice exports that invoice's $expected entries" test "$rows" = "$expected" -a "$expected" -gt 0
rows=$("$fapiao" audit export "$work/future" --since 2999-01-01 --output json | json_field rows)
check "--since in the future exports no rows" test "$rows" = 0
check "an empty export verifies" quiet "$fapiao" audit verify-export "$work/future"
"$fapiao" audit export "$work/bad-event" --event nonsense >/dev/null 2>&1; code=$?
check "an unknown --event is refused (exit 64)" test "$code" = 64

# --- tampering ----------------------------------------------------------------------------
# Line 1 is the header, so row N is line N+1 (no cell of these rows holds a line break).
cp -r "$work/csv" "$work/edited"
sed -i '4s/,王芳,/,李娜,/' "$work/edited/audit.csv"
check "the edit changed the file" bash -c "! cmp -s '$work/csv/audit.csv' '$work/edited/audit.csv'"
verify_fails "an edited actor cell fails" "$work/edited" "row 3 (sequence 3): its hash does not match its fields"
cp -r "$work/csv" "$work/deleted"
sed -i '6d' "$work/deleted/audit.csv"
verify_fails "a deleted row fails" "$work/deleted" "row 5 is missing: sequence 4 is followed by 6"
cp -r "$work/captured" "$work/deleted-filtered"
sed -i '3d' "$work/deleted-filtered/audit.csv"
verify_fails "a deleted row of a filtered export fails" "$work/deleted-filtered" "row 2 is missing"
cp -r "$work/jsonl" "$work/edited-jsonl"
sed -i '2s/"actor":"王芳"/"actor":"李娜"/' "$work/edited-jsonl/audit.jsonl"
verify_fails "an edited JSONL line fails" "$work/edited-jsonl" "row 2 (sequence 2): its hash does not match"
cp -r "$work/csv" "$work/manifest"
sed -i "s/\"count\":$entries/\"count\":$((entries - 1))/" "$work/manifest/manifest.json"
verify_fails "a changed manifest fails on its signature" "$work/manifest" "signature does not verify"
err=$("$fapiao" audit verify-export "$work/csv" --public-key 3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c 2>&1 >/dev/null); code=$?
check "a wrong --public-key fails (exit 70)" bash -c "[ $code = 70 ] && printf '%s' \"\$0\" | grep -q 'not by the expected key'" "$err"
"$fapiao" audit verify-export "$work/csv" --public-key "${pub:1}" >/dev/null 2>&1; code=$?
check "a --public-key that is no key is refused (exit 65)" test "$code" = 65
"$fapiao" audit verify-export "$work/no-such-dir" >/dev/null 2>&1; code=$?
check "a missing export directory exits 66" test "$code" = 66
mkdir "$work/empty"
"$fapiao" audit verify-export "$work/empty" >/dev/null 2>&1; code=$?
check "a directory without a manifest exits 66" test "$code" = 66
cp -r "$work/csv" "$work/garbage"
printf 'not json\n' >"$work/garbage/manifest.json"
"$fapiao" audit verify-export "$work/garbage" >/dev/null 2>&1; code=$?
check "a manifest that is not JSON exits 65" test "$code" = 65

# --- the key ------------------------------------------------------------------------------
chmod 644 "$key"
"$fapiao" audit export "$work/open-key" >/dev/null 2>&1; code=$?
check "a signing key readable by others is refused (exit 77)" test "$code" = 77 -a ! -e "$work/open-key/manifest.json"
chmod 600 "$key"
"$fapiao" audit export "$work/other-key" --key "$work/no-such-key" >/dev/null 2>&1; code=$?
check "a missing --key file exits 66" test "$code" = 66

# --- audit log --format csv -----------------------------------------------------------------
"$fapiao" audit log --format csv >"$work/log.csv"
check "audit log --format csv prints a header and a row per entry" \
    test "$(sed -n 1p "$work/log.csv" | tr -d '\r' | cut -d, -f1-3)" = "row,sequence,wallTime" -a "$(wc -l <"$work/log.csv")" = $((entries + 1))
check "audit log --format csv is not JSON" bash -c "! grep -q '^{' '$work/log.csv'"

for cmd in "audit export" "audit verify-export"; do
    # shellcheck disable=SC2086
    # The help is read whole first: under pipefail, `--help | grep -q` fails when grep stops
    # reading before fapiao's last write (SIGPIPE).
    grep -q "Examples:" <<<"$("$fapiao" $cmd --help 2>&1)" && pass "--help of '$cmd' has examples" || fail "--help of '$cmd' has examples"
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
