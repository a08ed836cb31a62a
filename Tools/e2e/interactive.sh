#!/usr/bin/env bash
# End-to-end checks of `fapiao enqueue` asking for an invoice field by field on a real
# terminal: each run in a detached tmux session, driven with send-keys and read with
# capture-pane, waiting (with a timeout) for each question before answering it.
# Usage: Tools/e2e/interactive.sh [path/to/fapiao]    Prints one line per check and ends with
# "N passed, N failed"; exits non-zero on any failure. Needs tmux (Tools/test installs it).
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
fapiao=${1:-${FAPIAO:-$root/.build/debug/fapiao}}
[ -x "$fapiao" ] || { echo "e2e: no fapiao binary at $fapiao; build first (swift build)" >&2; exit 2; }
command -v tmux >/dev/null 2>&1 || { echo "e2e: tmux is missing; Tools/test installs it" >&2; exit 2; }

work=$(mktemp -d)
socket="$work/tmux.socket" # a private tmux server, never the user's
trap 'tmux -S "$socket" kill-server >/dev/null 2>&1; rm -rf "$work"' EXIT
export FAPIAO_JOURNAL="$work/branch/journal.sqlite"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && printf '       %s\n' "$2"; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
e2e_py="$root/Tools/e2e/py"
json_field() { python3 "$e2e_py/json_field.py" "$@"; } # [--file F] FIELD… → values (json_field.py --help)
count_invoices() { "$fapiao" list --format json | grep -c '"id"'; }

# start NAME ENV…: runs `fapiao enqueue ARGS` in a new 200×50 session; the pane stays after it ends
# and shows its exit status as "[exit N]". ENV are NAME=VALUE words; ARGS follow a "--".
start() {
    local session=$1; shift
    local env=(env -u LC_ALL -u LC_MESSAGES -u LC_CTYPE "FAPIAO_JOURNAL=$FAPIAO_JOURNAL")
    while [ $# -gt 0 ] && [ "$1" != -- ]; do env+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    local command
    command=$(printf '%q ' "${env[@]}" "$fapiao" enqueue "$@")
    tmux -u -S "$socket" new-session -d -s "$session" -x 200 -y 50 \
        "$command; echo \"[exit \$?]\"; sleep 600"
}
screen() { tmux -u -S "$socket" capture-pane -p -J -t "$1"; }
# wait_for SESSION TEXT [TIMES]: polls the screen until TEXT is on it (TIMES times), 15 s at most.
wait_for() {
    local session=$1 text=$2 times=${3:-1} tries=0
    while [ "$tries" -lt 150 ]; do
        [ "$(screen "$session" | grep -cF -- "$text")" -ge "$times" ] && return 0
        sleep 0.1
        tries=$((tries + 1))
    done
    return 1
}
# answer SESSION QUESTION TEXT: waits for QUESTION, then types TEXT and Enter.
answer() {
    if ! wait_for "$1" "$2"; then
        fail "[$1] the question \"$2\" appears" "$(screen "$1" | grep -v '^$' | tail -n 5)"
        return 1
    fi
    tmux -S "$socket" send-keys -t "$1" -l -- "$3"
    tmux -S "$socket" send-keys -t "$1" Enter
}
expect_screen() { # NAME SESSION TEXT [TIMES]
    if wait_for "$2" "$3" "${4:-1}"; then pass "$1"; else fail "$1" "$(screen "$2" | grep -v '^$' | tail -n 8)"; fi
}

"$fapiao" init --node bj-chaoyang-01 --operator 王芳 >/dev/null 2>&1
check "init creates the journal" test -f "$FAPIAO_JOURNAL"

# --- a clerk types an invoice, with a typo in the seller's tax ID --------------------------
start typo LANG=C.UTF-8
answer typo "Invoice type" digitalOrdinary
expect_screen "the profile's types are listed" typo "2  digitalOrdinary  digital ordinary invoice, 数电普票"
answer typo "Invoice number (20 digits):" 26110000000000000001
expect_screen "today's date in Asia/Shanghai is offered" typo "Issue date (YYYY-MM-DD) [$(TZ=Asia/Shanghai date +%F)]:"
answer typo "Issue date" ""
answer typo "Seller name:" 北京示例科技有限公司
answer typo "Seller tax ID:" 91350100M000100Y44
expect_screen "a wrong check character is refused at that field with the validator's sentence" typo \
    "✗ seller.taxID fails its check character: it ends in '4' but the check computes '3'; re-read it from the source document."
expect_screen "the same question is asked again" typo "Seller tax ID:" 2
check "the next question is not asked yet" bash -c "! tmux -S '$socket' capture-pane -p -t typo | grep -qF 'Buyer name:'"
tmux -S "$socket" send-keys -t typo -l -- 91350100M000100Y43
tmux -S "$socket" send-keys -t typo Enter
answer typo "Buyer name:" 北京客户有限公司
answer typo "Buyer tax ID (optional, Enter to skip):" 91110000802100433B
answer typo "Net amount" ５２０．７５
answer typo "Tax rate (13%" 6%
expect_screen "the tax net × rate is offered" typo "Tax (yuan) [31.25]:"
answer typo "Tax (yuan)" ""
expect_screen "the gross net + tax is offered" typo "Gross, net + tax (yuan) [552.00]:"
answer typo "Gross, net + tax" ""
answer typo "Add a line item? [y/N]" y
answer typo "Description:" 技术服务费
answer typo "Quantity (optional" 1
answer typo "Unit price (yuan)" 520.75
answer typo "Line net amount (yuan) [520.75]:" ""
answer typo "Line tax rate" ""
answer typo "Line tax (yuan) [31.25]:" ""
answer typo "Add another line item? [y/N]" n
answer typo "Note (optional" 终端录入
expect_screen "the whole invoice is shown before writing" typo "seller      北京示例科技有限公司  91350100M000100Y43"
expect_screen "the summary lists the line" typo "1  技术服务费"
answer typo "Write this invoice? [y/N]" y
expect_screen "yes captures it with the usual receipt line" typo "captured "
expect_screen "and exits 0" typo "[exit 0]"
"$fapiao" list --format json >"$work/list.json"
check "the invoice is in the journal" test "$(grep -c '"id"' "$work/list.json")" = 1
check "with the fields typed (full-width net made half-width, the corrected tax ID)" json_field --file "$work/list.json" \
    --sep / --expect "26110000000000000001/91350100M000100Y43/91110000802100433B/520.75/31.25/552.00/终端录入/1" \
    number seller.taxID buyer.taxID net tax gross note lines.0.quantity
"$fapiao" show 26110000000000000001 --format json >"$work/show.json" 2>&1
check "show finds it, captured by the journal's operator" json_field --file "$work/show.json" --sep / \
    --expect "digitalOrdinary/北京客户有限公司/王芳/pending" type buyer.name operator state
check "the audit keeps the full-width net as typed" bash -c "'$fapiao' audit log --format json | grep '\"captured\"' | grep -qF '５２０．７５'"

# --- in Chinese, answered no at the end ---------------------------------------------------
start zh LANG=zh_CN.UTF-8
answer zh "发票类型（序号或名称）" digitalOrdinary
expect_screen "a Chinese locale asks in Chinese" zh "发票号码（20 位数字）："
answer zh "发票号码" 26110000000000000002
answer zh "开票日期" ""
answer zh "销售方名称" 北京示例科技有限公司
answer zh "销售方纳税人识别号" ９１３５０１００ｍ０００１００ｙ４３
answer zh "购买方名称" 张三
expect_screen "an ordinary invoice's buyer tax ID is said to be optional" zh "购买方纳税人识别号（可选，回车跳过）："
answer zh "购买方纳税人识别号" ""
answer zh "金额（不含税，元）" 100
answer zh "税率" 0.13
answer zh "税额（元） [13.00]" ""
answer zh "价税合计（元） [113.00]" ""
answer zh "添加明细行？[y/N]" n
answer zh "备注" ""
expect_screen "the invoice is shown" zh "发票内容："
answer zh "写入此发票？[y/N]" n
expect_screen "no writes nothing and says so in one line" zh "fapiao: 发票未确认，未写入任何内容"
expect_screen "and exits 130" zh "[exit 130]"
check "nothing was written" test "$(count_invoices)" = 1

# --- Ctrl-D and Ctrl-C part way --------------------------------------------------------------
start eof LANG=zh_CN.UTF-8 -- --lang en
answer eof "Invoice type" digitalOrdinary
answer eof "Invoice number" 26110000000000000003
expect_screen "--lang en asks in English whatever the locale" eof "Issue date (YYYY-MM-DD)"
answer eof "Issue date" ""
wait_for eof "Seller name:" && tmux -S "$socket" send-keys -t eof C-d
expect_screen "Ctrl-D stops and says nothing was written" eof "fapiao: stopped at the end of input (Ctrl-D); nothing was written"
expect_screen "and exits 130" eof "[exit 130]"

start interrupt LANG=C.UTF-8
answer interrupt "Invoice type" digitalOrdinary
wait_for interrupt "Invoice number" && tmux -S "$socket" send-keys -t interrupt C-c
expect_screen "Ctrl-C stops and says nothing was written" interrupt "fapiao: interrupted (Ctrl-C); nothing was written"
expect_screen "and exits 130" interrupt "[exit 130]"
check "neither wrote anything" test "$(count_invoices)" = 1

# --- not a terminal: as before ---------------------------------------------------------------
"$fapiao" enqueue </dev/null >"$work/usage.out" 2>&1; code=$?
check "without a terminal and without fields enqueue is a usage error (exit 64)" test "$code" = 64
grep -q "asks field by field" <<<"$("$fapiao" enqueue --help 2>&1)" && pass "--help shows the questions in its examples" ||
    fail "--help shows the questions in its examples"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
