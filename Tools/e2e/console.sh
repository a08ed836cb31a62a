#!/usr/bin/env bash
# End-to-end checks of HQ's web console (`fapiao-central serve --console`) in a real headless
# Chromium (Debian's chromium package, installed by Tools/test): logging in through the
# one-time link serve prints, the branches page with the seeded branches, an invoice found by
# number and by its buyer's Chinese name, its history with both vector clocks, a branch's chain
# state and rejections; the login rules checked with curl (no session → the login page; a
# branch's token → 403; a used link → refused). Screenshots are not kept.
# Usage: Tools/e2e/console.sh [path/to/fapiao]. Ends with "N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib/central.sh
source "$root/Tools/e2e/lib/central.sh"

browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { fail "headless Chromium is installed (Tools/test installs Debian's chromium)"; echo "$passed passed, $failed failed"; exit 1; }
page() { # URL → the page's DOM after its redirects, in the console's own browser profile (cookies kept)
    timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
        --user-data-dir="$work/chrome" --dump-dom "$1" 2>>"$work/chrome.log"
}
encode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

j1=$(new_branch bj-console-01 12 1 41)
j2=$(new_branch sh-console-02 5 500 42)
"$central_bin" token add central --tokens "$tokens" >"$work/hq.token" 2>>"$work/central.log"
start_central --console --single-invoice-limit 100000000
for _ in $(seq 1 50); do grep -q "^console: " "$work/central.out" && break; sleep 0.1; done
link=$(sed -n 's/^console: //p' "$work/central.out" | head -n 1)
check "serve --console prints a one-time login link" grep -q "/console/login?code=" <<<"$link"
"$fapiao" sync --journal "$j1" >/dev/null 2>&1
"$fapiao" sync --journal "$j2" >/dev/null 2>&1

code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$url/console")
check "without a session the console sends the browser to its login page" test "$code" = "303 $url/console/login"

dom=$(page "$link")
check "the link logs Chromium in and shows the branches page" grep -q 'id="branches"' <<<"$dom"
check "… listing both seeded branches" bash -c "grep -q 'bj-console-01' <<<'$dom' && grep -q 'sh-console-02' <<<'$dom'"
check "… each chain intact" test "$(grep -o 'intact, [0-9]* entries' <<<"$dom" | wc -l)" = 2
check "… with an outbox chart" grep -q '<svg class="spark"' <<<"$dom"

number=$(sqlite3 "$j1" "SELECT number FROM invoice ORDER BY number LIMIT 1")
id=$(sqlite3 "$j1" "SELECT id FROM invoice WHERE number = '$number'")
buyer=$(sqlite3 "$j1" "SELECT json_extract(content, '$.buyer.name') FROM invoice WHERE number = '$number'")
dom=$(page "$url/console/invoices?q=$number")
check "the search finds an invoice by its number" grep -q "/console/invoices/$id" <<<"$dom"
dom=$(page "$url/console/invoices?q=$(encode "$buyer")")
check "… and by its buyer's Chinese name, shown intact ($buyer)" \
    bash -c "grep -q '/console/invoices/$id' <<<\"\$1\" && grep -qF \"\$2\" <<<\"\$1\"" _ "$dom" "$buyer"
dom=$(page "$url/console/invoices?q=nothing-like-this")
check "… and says when nothing matches" grep -q 'id="none"' <<<"$dom"

dom=$(page "$url/console/invoices/$id")
check "the invoice page shows the operation the centre applied, with its clock" \
    grep -q "{&quot;bj-console-01&quot;:1}\|{\"bj-console-01\":1}" <<<"$dom"
check "… and the branch's anchored audit entries for it (captured, pushed, accepted)" \
    bash -c "grep -q '>captured<' <<<\"\$1\" && grep -q '>accepted<' <<<\"\$1\"" _ "$dom"

dom=$(page "$url/console/branches/bj-console-01")
check "the branch page shows its chain intact" grep -q "intact, " <<<"$dom"

hq=$(cat "$work/hq.token")
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $hq" "$url/console")
check "HQ's bearer token reads the console too (200)" test "$code" = 200
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$work/bj-console-01.token")" "$url/console")
check "a branch's token is refused (403)" test "$code" = 403
code=$(curl -s -o /dev/null -w '%{http_code}' "$link")
check "the login link works once only (401 the second time)" test "$code" = 401
code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --data-urlencode "token=$hq" "$url/console/login")
check "the login form takes HQ's token" test "$code" = "303 $url/console"
code=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode "token=$(cat "$work/bj-console-01.token")" "$url/console/login")
check "… and refuses a branch's token (401)" test "$code" = 401
headers=$(curl -s -D - -o /dev/null --data-urlencode "token=$hq" "$url/console/login")
check "the session cookie is HttpOnly and SameSite=Strict" \
    bash -c "grep -qi 'set-cookie: fapiao_console=.*HttpOnly.*SameSite=Strict' <<<\"\$1\"" _ "$headers"

stop_central
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
