#!/usr/bin/env bash
# End-to-end checks of a branch's notices and of `sync --cron`, on the real binaries against a
# real `fapiao-central serve`: a three-hour outage watched by `sync --watch` on a simulated clock
# sends "outbox older than 1h" once, again after its interval, and "remote back" once; `status
# --check` from cron sends each reason once per interval, retries a notifier that failed, and
# writes mail for a sendmail-compatible program; `sync --cron` speaks only when something changes.
# Usage: Tools/e2e/notify.sh [path/to/fapiao]    Prints one line per check and ends with
# "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=Tools/e2e/lib/central.sh
. "$root/Tools/e2e/lib/central.sh"

# A notifier that records each notice (one JSON line) and its kind.
cat >"$work/record-notice" <<SCRIPT
#!/bin/sh
cat >>"$work/notices.jsonl"
echo "\$FAPIAO_NOTICE_KIND" >>"$work/kinds"
SCRIPT
chmod 755 "$work/record-notice"
# A sendmail stand-in: keeps the message it is given (`sendmail -t` reads recipients from it).
cat >"$work/sendmail" <<SCRIPT
#!/bin/sh
cat >"$work/mail.\$\$"
SCRIPT
chmod 755 "$work/sendmail"
touch "$work/kinds"
kinds() { grep -c "^$1\$" "$work/kinds"; }
wait_for() { # seconds command… : polls every 0.1 s
    local tries=$(($1 * 10)); shift
    for _ in $(seq 1 "$tries"); do "$@" && return 0; sleep 0.1; done
    return 1
}
at_least() { [ "$(kinds "$1")" -ge "$2" ]; }

today=$(TZ=Asia/Shanghai date +%F)
invoice() { # number → JSON
    printf '{"type":"digitalOrdinary","number":"%s","issueDate":"%s",' "$1" "$today"
    printf '"seller":{"name":"北京示例科技有限公司","taxID":"91350100M000100Y43"},'
    printf '"buyer":{"name":"北京客户有限公司","taxID":"91110000802100433B"},'
    printf '"net":"520.75","taxRate":"0.06","tax":"31.25","gross":"552.00","currency":"CNY"}\n'
}

# --- a three-hour outage on a simulated clock, watched by sync --watch ---------------------------
# 1 real second is 30 simulated minutes: the outage lasts about six seconds.
export FAPIAO_AS_OF="${today}T09:00:00+08:00"
export FAPIAO_CLOCK_RATE=1800
"$central_bin" token add bj-01 --tokens "$tokens" >"$work/bj-01.token" 2>>"$work/central.log"
chmod 600 "$work/bj-01.token"
j1="$work/bj-01/journal.sqlite"
"$fapiao" init --node bj-01 --journal "$j1" --remote "$url" --token-file "$work/bj-01.token" >/dev/null
"$fapiao" config set notify.outboxAge 1h --journal "$j1" >/dev/null
"$fapiao" config set notify.interval 1h --journal "$j1" >/dev/null
"$fapiao" notify add "exec:$work/record-notice" --name recorder --journal "$j1" >/dev/null
check "notify add lists the notifier" sh -c "'$fapiao' notify list --journal '$j1' | grep -q 'recorder'"
invoice 26110000000000000001 | "$fapiao" enqueue --json - --journal "$j1" >/dev/null
check "an invoice is captured during the outage" test "$(state_count "$j1" pending)" = 1

"$fapiao" sync --watch --interval 200ms --retries 1 --journal "$j1" >"$work/watch.out" 2>"$work/watch.err" &
watch_pid=$!
if wait_for 60 at_least outbox-age 2; then
    pass "the outbox reminder is sent after 1h and once more after its 1h interval"
else
    fail "the outbox reminder is sent twice" "kinds: $(tr '\n' ' ' <"$work/kinds" 2>/dev/null)"
fi
start_central
wait_for 30 at_least remote-back 1
check "the remote back is a notice" test "$(kinds remote-back)" = 1
wait_for 30 test "$(central_count bj-01)" = 1
check "the queued invoice reaches the centre" test "$(central_count bj-01)" = 1
sleep 3 # six more simulated hours: nothing lasting is left to remind of, nothing is sent again
kill -TERM "$watch_pid" 2>/dev/null
wait "$watch_pid" 2>/dev/null
check "over the outage: the outbox reminder exactly twice" test "$(kinds outbox-age)" = 2
check "over the outage: remote back exactly once" test "$(kinds remote-back)" = 1
check "each notice is one JSON document naming the branch" python3 -c '
import json, sys
docs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
assert docs and all(d["fapiao"] == "notice" and d["branch"] == "bj-01" and d["message"] for d in docs), docs
back = [d for d in docs if d["kind"] == "remote-back"][0]
assert back["details"]["unreachableSince"], back
ages = [d["times"] for d in docs if d["kind"] == "outbox-age"]
assert ages == [1, 2], ages
' "$work/notices.jsonl"
check "notify list shows nothing left to remind of" sh -c "! '$fapiao' notify list --journal '$j1' | grep -q outbox-age"
stop_central

# --- status --check from cron: once per reason and interval; a failing notifier is retried -------
: >"$work/kinds"
j2="$work/bj-02/journal.sqlite"
FAPIAO_AS_OF="${today}T09:00:00+08:00" "$fapiao" init --node bj-02 --journal "$j2" >/dev/null
invoice 26110000000000000002 | FAPIAO_AS_OF="${today}T09:00:00+08:00" "$fapiao" enqueue --json - --journal "$j2" >/dev/null
"$fapiao" notify add "exec:$work/record-notice" --name recorder --journal "$j2" >/dev/null
"$fapiao" notify add "exec:$work/sendmail -t" --mail-to ops@branch.example --name mail --journal "$j2" >/dev/null
check_at() { FAPIAO_AS_OF="${today}T$1+08:00" "$fapiao" status --check --offline --journal "$j2" >/dev/null 2>"$work/check.err"; }
check_at 09:30:00
check "30 minutes after capture: no reminder yet" test "$(kinds outbox-age)" = 0
check_at 10:05:00
check "after an hour: the outbox reminder" test "$(kinds outbox-age)" = 1
check_at 10:06:00
check_at 10:40:00
check "within the interval: not again" test "$(kinds outbox-age)" = 1
check_at 11:06:00
check "after the interval: again" test "$(kinds outbox-age)" = 2
mail=$(ls "$work"/mail.* 2>/dev/null | head -n 1)
check "the mail notifier gets a message for the address" grep -q '^To: ops@branch.example' "$mail"
check "the mail's subject is encoded UTF-8" grep -q '^Subject: =?UTF-8?B?' "$mail"
# A notifier that fails: the notice is not lost, the next look sends it.
: >"$work/kinds"
chmod 644 "$work/record-notice"
"$fapiao" notify remove mail --journal "$j2" >/dev/null
check_at 12:10:00
check "a notifier that cannot run is named on standard error" grep -q 'notifier recorder did not take' "$work/check.err"
chmod 755 "$work/record-notice"
check_at 12:11:00
check "the notice it missed is sent at the next look" test "$(kinds outbox-age)" = 1
check "notify test reaches the notifier" sh -c "'$fapiao' notify test recorder --journal '$j2' >/dev/null"
chmod 644 "$work/record-notice"
"$fapiao" notify test --journal "$j2" >/dev/null 2>&1
check "notify test exits 69 when a notifier does not take it" test $? = 69
check "notify add refuses a relative program" sh -c "! '$fapiao' notify add exec:record-notice --journal '$j2' 2>/dev/null"
check "notify add refuses a mail address with a line break" sh -c "! '$fapiao' notify add 'exec:/usr/sbin/sendmail -t' --mail-to \"\$(printf 'a@b.example\nBcc: x@y.example')\" --journal '$j2' 2>/dev/null"
unset FAPIAO_AS_OF FAPIAO_CLOCK_RATE

# --- sync --cron: quiet while nothing changes ----------------------------------------------------
"$central_bin" token add bj-03 --tokens "$tokens" >"$work/bj-03.token" 2>>"$work/central.log"
chmod 600 "$work/bj-03.token"
j3="$work/bj-03/journal.sqlite"
"$fapiao" init --node bj-03 --journal "$j3" --remote "$url" --token-file "$work/bj-03.token" >/dev/null
invoice 26110000000000000003 | "$fapiao" enqueue --json - --journal "$j3" >/dev/null
cron_sync() { "$fapiao" sync --cron --retries 1 --journal "$j3" >"$work/cron.out" 2>"$work/cron.err"; }
cron_sync
code=$?
check "cron, remote down: exit 69" test "$code" = 69
check "cron, remote down: one short line on standard error" test "$(wc -l <"$work/cron.err")" = 1
check "cron, remote down: the line says it stays quiet" grep -q 'stays quiet' "$work/cron.err"
cron_sync
code=$?
check "cron, still down: exit 69" test "$code" = 69
check "cron, still down: nothing printed" test ! -s "$work/cron.err" -a ! -s "$work/cron.out"
cron_sync
check "cron, still down a minute later: nothing printed" test ! -s "$work/cron.err" -a ! -s "$work/cron.out"
start_central
cron_sync
code=$?
check "cron, remote back: exit 0" test "$code" = 0
check "cron, remote back: says so once" grep -q '^remote back' "$work/cron.out"
check "cron, remote back: the invoice went" test "$(central_count bj-03)" = 1
cron_sync
check "cron, nothing to do: nothing printed" test ! -s "$work/cron.err" -a ! -s "$work/cron.out"
stop_central
"$fapiao" sync --log-format json --retries 2 --journal "$j3" >/dev/null 2>"$work/log.jsonl"
check "sync --log-format json writes each failed attempt as a JSON line" python3 -c '
import json, sys
records = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
assert len(records) == 2 and all(r["level"] == "warning" and "attempt" in r["message"] for r in records), records
' "$work/log.jsonl"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
