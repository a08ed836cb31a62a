#!/usr/bin/env bash
# End-to-end checks of the capture path, run against the real `fapiao` binary.
# Usage: Tools/e2e/capture.sh [path/to/fapiao]    Prints one line per check and ends with
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
tomorrow=$(TZ=Asia/Shanghai date -d tomorrow +%F)

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && printf '       %s\n' "$2"; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
mode() { stat -c %a "$1"; }
# The Python helpers of the e2e scripts, each with --help (Tools/e2e/py).
e2e_py="$root/Tools/e2e/py"
json_field() { python3 "$e2e_py/json_field.py" "$@"; } # [--file F] FIELD… → values (json_field.py --help)

# A valid invoice in the JSON wire form (DESIGN §3), dated today in Asia/Shanghai.
invoice_json() { # number seller_tax_id net tax gross rate date extra
    printf '{"type":"digitalOrdinary","number":"%s","issueDate":"%s",' "$1" "${7:-$today}"
    printf '"seller":{"name":"北京示例科技有限公司","taxID":"%s"},' "$2"
    printf '"buyer":{"name":"北京客户有限公司","taxID":"91110000802100433B"},'
    printf '"net":"%s","taxRate":"%s","tax":"%s","gross":"%s","currency":"CNY"%s}\n' "$3" "$6" "$4" "$5" "${8:-}"
}
valid() { invoice_json "$1" 91350100M000100Y43 520.75 31.25 552.00 0.06 "$today"; }

# --- init ---------------------------------------------------------------------------
out=$("$fapiao" init --node bj-chaoyang-01 --operator 王芳 2>&1)
check "init creates the journal" test -f "$FAPIAO_JOURNAL"
check "journal file is 0600 under umask 022" test "$(mode "$FAPIAO_JOURNAL")" = 600
check "journal directory is 0700 under umask 022" test "$(mode "$work/branch")" = 700
"$fapiao" init --node again >/dev/null 2>&1; code=$?
check "init refuses an existing journal (exit 73)" test "$code" = 73
"$fapiao" init --node 'Bad Node' --journal "$work/other.sqlite" >/dev/null 2>&1; code=$?
check "init refuses a malformed node id (exit 64)" test "$code" = 64

# --- a valid invoice ------------------------------------------------------------------
valid 26110000000000000001 >"$work/valid.json"
out=$("$fapiao" enqueue --json "$work/valid.json" --format json 2>&1); code=$?
id=$(printf '%s' "$out" | json_field id 2>/dev/null)
check "a valid invoice is captured and its id printed" test "$code" = 0 -a -n "$id"
for f in "$FAPIAO_JOURNAL" "$FAPIAO_JOURNAL-wal"; do
    [ -e "$f" ] && check "$(basename "$f") is 0600" test "$(mode "$f")" = 600
done
check "list shows it" bash -c "'$fapiao' list | grep -q 26110000000000000001"
check "show shows it by id prefix" bash -c "'$fapiao' show ${id:0:8} | grep -q '北京客户有限公司'"
pending=$("$fapiao" status --format json | json_field states.pending)
check "status counts it pending" test "$pending" = 1
"$fapiao" enqueue --type digitalOrdinary --number 26110000000000000002 --date "$today" \
    --seller-name 北京示例科技有限公司 --seller-tax-id 91350100M000100Y43 --buyer-name 张伟 \
    --buyer-tax-id 91110000802100433B --net 100.00 --tax-rate 6% --tax 6.00 --gross 106.00 >/dev/null 2>&1
check "enqueue by flags works" test $? = 0

# --- refusals: one sentence naming the field, non-zero exit, journal unchanged ----------
"$fapiao" status >/dev/null 2>&1   # settle the WAL so the file bytes are stable
refuse() { # name expected_field expected_code file
    local before after err code
    before=$(sha "$FAPIAO_JOURNAL")
    err=$("$fapiao" enqueue --json "$4" 2>&1 >/dev/null); code=$?
    after=$(sha "$FAPIAO_JOURNAL")
    local lines; lines=$(printf '%s\n' "$err" | grep -c .)
    if [ "$code" = "$3" ] && [ "$before" = "$after" ] && [ "$lines" = 1 ] && printf '%s' "$err" | grep -q -- "$2"; then
        pass "refused: $1 (exit $code, names $2, journal unchanged)"
    else
        fail "refused: $1" "exit=$code lines=$lines unchanged=$([ "$before" = "$after" ] && echo yes || echo no) stderr=${err:0:300}"
    fi
}
invoice_json 26110000000000000010 91350100M000100Y44 520.75 31.25 552.00 0.06 >"$work/bad-check.json"
refuse "seller tax ID with a wrong check character" "seller.taxID" 65 "$work/bad-check.json"
invoice_json 26110000000000000011 91350100M000100Y43 520.75 31.25 552.01 0.06 >"$work/bad-gross.json"
refuse "net + tax != gross by 0.01" "gross" 65 "$work/bad-gross.json"
invoice_json 26110000000000000012 91350100M000100Y43 520.75 36.45 557.20 0.07 >"$work/bad-rate.json"
refuse "tax rate not in the table" "taxRate" 65 "$work/bad-rate.json"
invoice_json 26110000000000000013 91350100M000100Y43 520.75 31.25 552.00 0.06 "$tomorrow" >"$work/bad-date.json"
refuse "issue date tomorrow" "issueDate" 65 "$work/bad-date.json"
printf '{"type":"digitalOrdinary","number":' >"$work/malformed.json"
refuse "malformed JSON" "JSON" 65 "$work/malformed.json"
valid 26110000000000000001 >"$work/dup.json"
refuse "a number already in the journal for the same seller" "number" 65 "$work/dup.json"
invoice_json 26110000000000000014 91350100M000100Y43 520.755 31.25 552.00 0.06 >"$work/three-decimals.json"
refuse "an amount with three decimals" "net" 65 "$work/three-decimals.json"
invoice_json 26110000000000000015 91350100M000100Y43 520.75 31.25 552.00 0.06 | sed 's/"北京示例科技有限公司"/""/' >"$work/empty.json"
refuse "an empty required field" "seller.name" 65 "$work/empty.json"
python3 "$e2e_py/huge_invoice.py" "$work/huge.json" "$today"
refuse "a 10 MB string field" "invoice\|note" 65 "$work/huge.json"
invoice_json 26110000000000000017 91350100M000100Y43 520.75 31.25 552.00 0.06 "$today" ',"net":520.75' >"$work/dupkey.json"
refuse "a repeated JSON member" "JSON" 65 "$work/dupkey.json"
# A file saved in GBK by an old spreadsheet: refused naming the encoding, never stored as "���".
valid 26110000000000000018 | iconv -f UTF-8 -t GBK >"$work/gbk.json"
refuse "a file in GBK, not UTF-8" "not UTF-8" 65 "$work/gbk.json"
# … and a buyer's name typed in a GBK terminal, as a flag's value (Swift would repair it into "��").
before=$(sha "$FAPIAO_JOURNAL")
err=$("$fapiao" enqueue --type digitalOrdinary --number 26110000000000000019 --date "$(date -u +%F)" \
    --seller-name 北京示例科技有限公司 --seller-tax-id 91350100M000100Y43 \
    --buyer-name "$(printf '\261\261\276\251')" --buyer-tax-id 91110000802100433B \
    --net 520.75 --tax-rate 0.06 --tax 31.25 --gross 552.00 2>&1 >/dev/null); code=$?
if [ "$code" = 65 ] && [ "$before" = "$(sha "$FAPIAO_JOURNAL")" ] && printf '%s' "$err" | grep -q -- "--buyer-name.*not UTF-8"; then
    pass "refused: a flag's value in GBK (exit 65, names --buyer-name, journal unchanged)"
else
    fail "refused: a flag's value in GBK" "exit=$code stderr=${err:0:300}"
fi
"$fapiao" enqueue --json "$work/no-such-file.json" >/dev/null 2>&1; code=$?
check "a missing input file exits 66" test "$code" = 66

# --- the override is explicit and audited ------------------------------------------------
out=$("$fapiao" enqueue --json "$work/bad-check.json" --accept-bad-check-character 2>&1); code=$?
check "the check-character override needs a reason (exit 65)" test "$code" = 65
out=$("$fapiao" enqueue --json "$work/bad-check.json" --accept-bad-check-character --override-reason "ID as printed on the paper invoice" 2>&1); code=$?
check "the check-character override with a reason is accepted" test "$code" = 0
check "the override is in the audit log" bash -c "'$fapiao' audit log --format json | grep -q 'ID as printed on the paper invoice'"

# --- amend and void -----------------------------------------------------------------------
"$fapiao" amend "${id:0:8}" --buyer-name 北京客户股份有限公司 --as 李娜 >/dev/null 2>&1
check "amend succeeds" test $? = 0
check "amend bumps the clock" bash -c "'$fapiao' show '$id' --format json | grep -q '\"bj-chaoyang-01\":2'"
out=$("$fapiao" void "${id:0:8}" --reason "buyer cancelled" 2>&1); code=$?
check "a digital invoice cannot be voided (exit 65), the error points to a red invoice" \
    bash -c "test $code = 65 && grep -q 'red invoice' <<<'$out'"
# A paper invoice (普票 with a code) issued today may be voided within its month of issue.
printf '{"type":"ordinary","code":"011002600111","number":"00000007","issueDate":"%s",' "$today" >"$work/paper.json"
printf '"seller":{"name":"北京示例科技有限公司","taxID":"91350100M000100Y43"},"buyer":{"name":"张三"},' >>"$work/paper.json"
printf '"net":"100.00","taxRate":"0.06","tax":"6.00","gross":"106.00"}\n' >>"$work/paper.json"
paper=$("$fapiao" enqueue --json "$work/paper.json" --format json 2>&1 | json_field id)
check "an ordinary invoice to a person needs no buyer tax ID" test -n "$paper"
"$fapiao" void "${paper:0:8}" --reason "buyer cancelled" >/dev/null 2>&1
check "void of a paper invoice in its month of issue succeeds" test $? = 0
"$fapiao" amend "${paper:0:8}" --note "too late" >/dev/null 2>&1; code=$?
check "a voided invoice cannot be amended (exit 65)" test "$code" = 65
check "list --state voided shows it" bash -c "'$fapiao' list --state voided | grep -q 00000007"
"$fapiao" show nosuchid >/dev/null 2>&1; code=$?
check "show of an unknown id exits 66" test "$code" = 66

# --- import: all or nothing, every bad row named ------------------------------------------
"$root/Tools/gen" --count 200 --seed 11 --start-number 1000 --today "$today" >"$work/good.jsonl"
"$root/Tools/gen" --count 50 --seed 12 --start-number 5000 --today "$today" --only bad-check-char >"$work/bad.jsonl"
cat "$work/good.jsonl" "$work/bad.jsonl" >"$work/mixed.jsonl"
count() { "$fapiao" status --format json | json_field invoices; }
n0=$(count)
err=$("$fapiao" import "$work/mixed.jsonl" 2>&1 >/dev/null); code=$?
check "import with bad rows imports nothing (exit 65)" test "$code" = 65 -a "$(count)" = "$n0"
check "import reports every bad row with its line number" test "$(printf '%s\n' "$err" | grep -c '^line [0-9]*: .*seller.taxID')" = 50
check "import names line 201 as the first bad one" bash -c "printf '%s\n' \"\$0\" | grep -q '^line 201: '" "$err"
"$fapiao" import "$work/mixed.jsonl" --skip-invalid >/dev/null 2>&1; code=$?
check "import --skip-invalid imports the valid rows (exit 1: attention)" test "$code" = 1 -a "$(count)" = $((n0 + 200))
"$root/Tools/gen" --count 100 --seed 13 --start-number 7000 --today "$today" --format csv >"$work/good.csv"
"$fapiao" import "$work/good.csv" >/dev/null 2>&1; code=$?
check "CSV import" test "$code" = 0 -a "$(count)" = $((n0 + 300))

# --- files that are not journals: refused, distinct exit code, byte-identical -------------
not_a_journal() { # name file expected_code
    local before after code
    before=$(sha "$2")
    "$fapiao" list --journal "$2" >/dev/null 2>&1; code=$?
    after=$(sha "$2")
    if [ "$code" = "$3" ] && [ "$before" = "$after" ] && [ ! -e "$2-wal" ]; then
        pass "refused: $1 (exit $code, byte-identical)"
    else
        fail "refused: $1" "exit=$code unchanged=$([ "$before" = "$after" ] && echo yes || echo no)"
    fi
}
head -c 65536 /dev/urandom >"$work/random.bin"
not_a_journal "random bytes" "$work/random.bin" 78
sqlite3 "$work/foreign.sqlite" "CREATE TABLE t (x); INSERT INTO t VALUES (1);"
not_a_journal "a foreign SQLite database" "$work/foreign.sqlite" 78
"$fapiao" init --node newer --journal "$work/newer.sqlite" >/dev/null
sqlite3 "$work/newer.sqlite" "PRAGMA user_version = 99;"
not_a_journal "a journal from a newer schema" "$work/newer.sqlite" 78
"$fapiao" init --node damaged --journal "$work/damaged.sqlite" >/dev/null
"$root/Tools/gen" --count 300 --seed 14 --today "$today" >"$work/some.jsonl"
"$fapiao" import "$work/some.jsonl" --journal "$work/damaged.sqlite" >/dev/null
"$fapiao" status --journal "$work/damaged.sqlite" >/dev/null
python3 "$e2e_py/damage_pages.py" "$work/damaged.sqlite"   # every page but the header page
before=$(sha "$work/damaged.sqlite")
"$fapiao" list --journal "$work/damaged.sqlite" >/dev/null 2>&1; code=$?
check "a damaged journal exits 70 and is left as it was" test "$code" = 70 -a "$before" = "$(sha "$work/damaged.sqlite")"
"$fapiao" list --journal "$work/none/journal.sqlite" >/dev/null 2>&1; code=$?
check "a missing journal exits 66" test "$code" = 66

# --- kill -9 during import: none or all of the file ---------------------------------------
"$fapiao" init --node crash --journal "$work/crash.sqlite" >/dev/null
"$root/Tools/gen" --count 20000 --seed 15 --start-number 100000 --today "$today" >"$work/big.jsonl"
atomic=true
for delay in 0.3 0.8 1.5 2.5; do
    before=$("$fapiao" status --journal "$work/crash.sqlite" --format json | json_field invoices)
    "$fapiao" import "$work/big.jsonl" --journal "$work/crash.sqlite" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    now=$("$fapiao" status --journal "$work/crash.sqlite" --format json | json_field invoices)
    if [ "$now" != "$before" ] && [ "$now" != $((before + 20000)) ]; then atomic=false; echo "       after kill at ${delay}s: $before -> $now"; fi
    [ "$now" = $((before + 20000)) ] && break   # the whole file landed; a second import would only be refused
done
check "kill -9 of import leaves none or all of the file's invoices" $atomic
"$fapiao" audit verify --journal "$work/crash.sqlite" >/dev/null 2>&1
check "audit verify passes after the kills" test $? = 0

valid 26110000000000000099 >"$work/last.json"
id=$("$fapiao" enqueue --json "$work/last.json" --journal "$work/crash.sqlite" --format json | json_field id)
"$root/Tools/gen" --count 20000 --seed 16 --start-number 300000 --today "$today" >"$work/big2.jsonl"
"$fapiao" import "$work/big2.jsonl" --journal "$work/crash.sqlite" >/dev/null 2>&1 &
pid=$!; sleep 1; kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
"$fapiao" show "$id" --journal "$work/crash.sqlite" >/dev/null 2>&1
check "an invoice whose id enqueue printed survives kill -9 of the next command" test $? = 0

# --- tampering ------------------------------------------------------------------------------
j="$work/tamper.sqlite"
fresh_copy() { "$fapiao" status >/dev/null; cp "$FAPIAO_JOURNAL" "$j"; rm -f "$j-wal" "$j-shm"; }
fresh_copy
"$fapiao" audit verify --journal "$j" >/dev/null 2>&1
check "audit verify passes on an untouched journal" test $? = 0
sqlite3 "$j" "UPDATE audit_entry SET actor = 'mallory' WHERE seq = 2;" 2>/dev/null
check "the trigger refuses UPDATE of an audit row" test $? != 0
sqlite3 "$j" "DELETE FROM audit_entry WHERE seq = 2;" 2>/dev/null
check "the trigger refuses DELETE of an audit row" test $? != 0
sqlite3 "$j" "DROP TRIGGER audit_entry_no_update; UPDATE audit_entry SET actor = 'mallory' WHERE seq = 2;"
err=$("$fapiao" audit verify --journal "$j" 2>&1 >/dev/null); code=$?
check "an edited audit row fails verify (exit 70) and is named" bash -c "[ $code = 70 ] && printf '%s' \"\$0\" | grep -q 'entry 2 '" "$err"
fresh_copy
sqlite3 "$j" "DROP TRIGGER audit_entry_no_delete; DELETE FROM audit_entry WHERE seq = 3;"
err=$("$fapiao" audit verify --journal "$j" 2>&1 >/dev/null); code=$?
check "a deleted audit row fails verify and the gap is named" bash -c "[ $code = 70 ] && printf '%s' \"\$0\" | grep -q 'entry 4'" "$err"
fresh_copy
sqlite3 "$j" "DROP TRIGGER audit_entry_no_delete; DELETE FROM audit_entry WHERE seq = (SELECT MAX(seq) FROM audit_entry);"
err=$("$fapiao" audit verify --journal "$j" 2>&1 >/dev/null); code=$?
check "removing the newest audit row fails verify" bash -c "[ $code = 70 ] && printf '%s' \"\$0\" | grep -q 'no audit entry'" "$err"
fresh_copy
sqlite3 "$j" "UPDATE invoice SET buyer_name = 'x', content = replace(content, '\"buyer\":{\"name\":\"', '\"buyer\":{\"name\":\"x') WHERE rowid = 1;"
"$fapiao" audit verify --journal "$j" >/dev/null 2>&1
check "an invoice edited behind fapiao's back fails verify" test $? = 70

# --- the per-invoice line read without the parser, and the parser, agree -------------------
# `fapiao enqueue --json F` with --journal, --as and --format (each `--flag value`) is read
# without swift-argument-parser (QuickEnqueueLine); `--flag=value` goes through the parser.
# Each pair below runs both forms and must give the same exit code, standard error and output
# (ids and numbers aside).
quick="$work/quick/journal.sqlite"
mkdir -p "$work/quick"
"$fapiao" init --node bj-quick-01 --journal "$quick" >/dev/null 2>&1
normalise() { sed -E 's/[0-9A-F]{8}-[0-9A-F-]{27}/ID/g; s/"[0-9]{20}"/"N"/g; s/number [0-9]{20}/number N/g' "$1"; }
both() { # name first-number second-number args-of-the-quick-form…  (the parser's form: = joined)
    local name=$1 first=$2 second=$3; shift 3
    local quick_args=("$@") parser_args=() i=0
    while [ $i -lt ${#quick_args[@]} ]; do
        if [[ ${quick_args[$i]} == --* && $((i + 1)) -lt ${#quick_args[@]} ]]; then
            parser_args+=("${quick_args[$i]}=${quick_args[$((i + 1))]}"); i=$((i + 2))
        else
            parser_args+=("${quick_args[$i]}"); i=$((i + 1))
        fi
    done
    [ -n "$first" ] && valid "$first" >"$work/quick/in.json"
    "$fapiao" enqueue "${quick_args[@]}" >"$work/quick/a.out" 2>"$work/quick/a.err" </dev/null; local a=$?
    [ -n "$second" ] && valid "$second" >"$work/quick/in.json"
    "$fapiao" enqueue "${parser_args[@]}" >"$work/quick/b.out" 2>"$work/quick/b.err" </dev/null; local b=$?
    if [ "$a" = "$b" ] && cmp -s "$work/quick/a.err" "$work/quick/b.err" \
        && [ "$(normalise "$work/quick/a.out")" = "$(normalise "$work/quick/b.out")" ]; then
        pass "quick line and parser agree: $name (exit $a)"
    else
        fail "quick line and parser agree: $name" "exits $a and $b; $(head -c 300 "$work/quick/a.err" "$work/quick/a.out") | $(head -c 300 "$work/quick/b.err" "$work/quick/b.out")"
    fi
}
both "a capture, JSON report, --as" 26110000000000000901 26110000000000000902 \
    --json "$work/quick/in.json" --journal "$quick" --as 李四 --format json
check "… both captures recorded 李四 as the actor" \
    test "$("$fapiao" audit log --journal "$quick" --format json | grep -c '"actor":"李四"')" = 2
both "a capture, text report" 26110000000000000903 26110000000000000904 \
    --json "$work/quick/in.json" --format text --journal "$quick"
both "a duplicate number" 26110000000000000901 26110000000000000901 --journal "$quick" --json "$work/quick/in.json"
both "a missing file" "" "" --json "$work/quick/none.json" --journal "$quick"
both "a missing journal" 26110000000000000905 26110000000000000905 --json "$work/quick/in.json" --journal "$work/none.sqlite"
printf '{"type":' >"$work/quick/broken.json"
both "malformed JSON" "" "" --json "$work/quick/broken.json" --journal "$quick" --format json
FAPIAO_JOURNAL="$quick" both "the journal from \$FAPIAO_JOURNAL" 26110000000000000906 26110000000000000907 \
    --json "$work/quick/in.json"
check "… both landed in that journal" test "$("$fapiao" list --journal "$quick" | grep -c '2611000000000000090[67]')" = 2
valid 26110000000000000908 | "$fapiao" enqueue --json - --journal "$quick" >/dev/null 2>&1; code=$?
check "--json - reads standard input on the quick line" test "$code" = 0

# --- help ----------------------------------------------------------------------------------
for cmd in init enqueue import list show amend void red status "audit log" "audit verify" "outage start" "outage end" \
    "profile show" "profile set" "period close" demo; do
    # shellcheck disable=SC2086
    # The help is read whole first: under pipefail, `--help | grep -q` fails when grep stops
    # reading before fapiao's last write (SIGPIPE).
    grep -q "Examples:" <<<"$("$fapiao" $cmd --help 2>&1)" && pass "--help of '$cmd' has examples" || fail "--help of '$cmd' has examples"
done
"$fapiao" demo >"$work/demo.txt" 2>&1
check "fapiao demo runs and ends with an intact audit chain" grep -q "audit chain intact" "$work/demo.txt"
check "… each branch's chain anchored at the centre" test "$(grep -c "anchored at the centre up to entry" "$work/demo.txt")" = 2

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
