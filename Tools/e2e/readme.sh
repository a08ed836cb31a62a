#!/usr/bin/env bash
# The README's walk-through, run command by command on the real binaries, top to bottom on one
# journal, against a real `fapiao-central serve` over TLS with a private CA made here.
#
# What the README leaves to the reader is set up here, and only that: HQ's service and the
# branch's token and CA file (as in the README's HQ and TLS sections), invoice.json (the JSON of
# the README's "The invoice"), the outage CSV (Tools/gen), the answers to the interactive
# `fapiao enqueue`, and HQ's amend the walk-through says happened meanwhile. Paths and names are
# mapped: /etc/fapiao/ to a temporary directory, https://hq.example:8443 to the local centre,
# the walk-through's day 2026-11-20 to today (so its dates stay in the offline window).
# Usage: Tools/e2e/readme.sh [path/to/fapiao]    Prints one line per command and check and ends
# with "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=Tools/e2e/lib/central.sh
. "$root/Tools/e2e/lib/central.sh"
command -v openssl >/dev/null || { echo "e2e: openssl is needed" >&2; exit 2; }

today=$(TZ=Asia/Shanghai date +%F)
etc="$work/etc"
branch_dir="$work/branch"
mkdir -p "$etc" "$branch_dir"
export XDG_DATA_HOME="$work/data" # the journal's default place
export PATH="$(dirname "$fapiao"):$PATH"
journal="$XDG_DATA_HOME/fapiao/journal.sqlite"

# HQ: a private CA, a certificate for this machine, a token for the branch, the service over TLS.
(
    cd "$etc" || exit 1
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=HQ CA" \
        -keyout ca.key -out hq-ca.pem
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
        -keyout hq.key -out hq.csr
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' >hq.ext
    openssl x509 -req -in hq.csr -CA hq-ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile hq.ext -out hq.pem
) >/dev/null 2>&1
"$central_bin" token add bj-chaoyang-01 --tokens "$tokens" >"$etc/token" 2>>"$work/central.log"
chmod 600 "$etc/token"
start_central --tls-cert "$etc/hq.pem" --tls-key "$etc/hq.key"
check "HQ serves over TLS" grep -q "listening on https://" "$work/central.out"

# The files the walk-through names.
python3 "$e2e_py/readme_walkthrough.py" "$root/README.md" --invoice | sed "s/2026-11-20/$today/g" >"$branch_dir/invoice.json"
python3 "$root/Tools/gen" --format csv --count 12 --seed 11 --start-number 500 --today "$today" \
    --out "$branch_dir/outage-$today.csv"
interview_answers() { # the interactive capture of invoice …0002, as a clerk types it
    printf '%s\n' digitalOrdinary 26110000000000000002 "" 北京示例科技有限公司 91350100M000100Y43 \
        北京客户有限公司 91110000802100433B 520.75 0.06 "" "" n "" y
}
hq_amends_meanwhile() { # HQ corrects invoice …0003's buyer on its side, as the walk-through says
    local id
    id=$(fapiao show 26110000000000000003 --format json | json_field id)
    "$central_bin" amend "$id" "buyer.name=北京客户（集团）有限公司" --store "sqlite:$store" >/dev/null 2>>"$work/central.log"
}

n=0
while IFS= read -r line; do
    n=$((n + 1))
    command=${line//2026-11-20/$today}
    command=${command//https:\/\/hq.example:8443/https://localhost:$port}
    command=${command//\/etc\/fapiao\//$etc/}
    case $command in
    "fapiao enqueue") command="fapiao enqueue --interactive" ;;
    *北京客户集团有限公司*) hq_amends_meanwhile ;;
    esac
    if [ "$command" = "fapiao enqueue --interactive" ]; then
        (cd "$branch_dir" && interview_answers | bash -c "$command") >"$work/step.out" 2>"$work/step.err"
    else
        (cd "$branch_dir" && bash -c "$command" </dev/null) >"$work/step.out" 2>"$work/step.err"
    fi
    code=$?
    # 0 done; 1 done with something needing attention (a quarantined invoice, a conflict), as the
    # walk-through means to show.
    if [ "$code" = 0 ] || [ "$code" = 1 ]; then
        pass "README step $n (exit $code): ${line:0:90}"
    else
        fail "README step $n (exit $code): ${line:0:90}" "$(head -c 600 "$work/step.err")"
    fi
done < <(python3 "$e2e_py/readme_walkthrough.py" "$root/README.md")

check "the walk-through ran on one journal, at the default place" test -f "$journal"
# The resolution and what reconcile found go with the next scheduled sync.
fapiao sync >/dev/null 2>&1
check "after the next sync nothing waits in the outbox" test "$(fapiao status --offline --format json | json_field pendingOperations)" = 0
check "at the end no invoice is quarantined" test "$(state_count "$journal" quarantined)" = 0
check "the conflict the walk-through shows was resolved by a person" \
    sh -c "fapiao conflicts history --format json | grep -q 'confirmed by phone'"
# 12 imported, 4 typed (…0001 to …0004) and the red invoice.
check "HQ holds every invoice of the walk-through" test "$(central_count bj-chaoyang-01)" = 17
check "the audit chain is intact and anchored at the centre" fapiao audit verify --remote
stop_central

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
