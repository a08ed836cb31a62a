#!/usr/bin/env bash
# End-to-end checks of the command-line conventions both executables share, against the real
# binaries: `token add --output` (a new 0600 file, never an existing one), one node-name rule
# with one sentence for `fapiao init` and `fapiao-central token add`, the exit-code lists of
# --help against ExitCodes and the README, and `serve --log-format json`.
# Usage: Tools/e2e/cli.sh [path/to/fapiao]    Prints one line per check and ends with
# "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib/central.sh
source "$root/Tools/e2e/lib/central.sh"
mode() { stat -c %a "$1"; }

# --- token add --output -------------------------------------------------------------------
out=$("$central_bin" token add bj-chaoyang-01 --tokens "$tokens" --output "$work/bj.token" 2>"$work/add.err")
code=$?
check "token add --output exits 0 and prints nothing on standard output" test "$code:$out" = "0:"
check "the token file is made 0600 (umask 022)" test "$(mode "$work/bj.token")" = 600
check "the token file holds the 64-digit token and a newline" grep -qxE '[0-9a-f]{64}' "$work/bj.token"
check "the tokens file holds its digest" \
    grep -qx "bj-chaoyang-01 $(tr -d '\n' <"$work/bj.token" | sha256sum | cut -d' ' -f1)" "$tokens"
before=$(sha "$tokens")

echo "keep me" >"$work/existing.token"
err=$("$central_bin" token add sh-pudong-02 --tokens "$tokens" --output "$work/existing.token" 2>&1 >/dev/null)
code=$?
check "an existing --output file is refused with exit 73 (got $code)" test "$code" = 73
check "... in one sentence naming the file" \
    bash -c '[ "$(printf "%s\n" "$1" | wc -l)" = 1 ] && grep -q "existing.token already exists" <<<"$1"' _ "$err"
check "... the file and the tokens file are left as they were" \
    test "$(cat "$work/existing.token"):$(sha "$tokens")" = "keep me:$before"

ln -s "$work/nowhere" "$work/dangling.token"
"$central_bin" token add sh-pudong-02 --tokens "$tokens" --output "$work/dangling.token" >/dev/null 2>&1
code=$?
check "a dangling symbolic link at --output is refused too (exit 73, nothing made behind it)" \
    test "$code:$([ -e "$work/nowhere" ] && echo made)" = "73:"

"$central_bin" token add sh-pudong-02 --tokens "$tokens" --output "$work/no-such-dir/sh.token" >/dev/null 2>&1
code=$?
check "an --output in a missing directory is refused with exit 66, the tokens file unchanged" \
    test "$code:$(sha "$tokens")" = "66:$before"

"$central_bin" token add bj-chaoyang-01 --tokens "$tokens" --output "$work/again.token" >/dev/null 2>&1
code=$?
check "a node that has a token is refused (73) and leaves no --output file behind" \
    test "$code:$([ -e "$work/again.token" ] && echo left)" = "73:"

token=$("$central_bin" token add sh-pudong-02 --tokens "$tokens" 2>/dev/null)
check "without --output the token is printed as before" grep -qxE '[0-9a-f]{64}' <<<"$token"

# --- one node-name rule, one sentence -------------------------------------------------------
before=$(sha "$tokens")
# (An empty name is the parser's to refuse: `--node=` has no value.)
for name in BJ-01 bj_01 bj.01 -bj "bj 01" 北京 "$(printf 'b%.0s' {1..64})"; do
    init_err=$("$fapiao" init --node="$name" --journal "$work/rule/journal.sqlite" 2>&1 >/dev/null)
    init_code=$?
    add_err=$("$central_bin" token add --tokens "$tokens" -- "$name" 2>&1 >/dev/null)
    add_code=$?
    shown=${name:0:12}
    if [ "$init_code:$add_code" = "64:64" ] && [ "${init_err#fapiao: }" = "${add_err#fapiao-central: }" ] &&
        grep -q "lower-case letters" <<<"$init_err"; then
        pass "init and token add refuse node \"$shown\" with exit 64 and the same sentence"
    else
        fail "init and token add refuse node \"$shown\" with exit 64 and the same sentence" \
            "init $init_code: $init_err / token add $add_code: $add_err"
    fi
done
check "... and nothing was written" test "$(sha "$tokens"):$([ -e "$work/rule" ] && echo made)" = "$before:"

# --- the branch's token file must be 0600 ----------------------------------------------------
cp "$work/bj.token" "$work/open.token"
chmod 644 "$work/open.token"
"$fapiao" init --node bj-open --journal "$work/open/journal.sqlite" --remote "$url" \
    --token-file "$work/open.token" >/dev/null 2>&1
code=$?
check "a branch token file readable by others is refused (exit 77)" test "$code" = 77

# --- exit codes in --help, ExitCodes and the README -----------------------------------------
codes=$(sed -nE 's/.*public static let [a-zA-Z]+: Int32 = ([0-9]+)$/\1/p' \
    "$root/Sources/FapiaoCommandSupport/ExitCodes.swift" | sort -un)
check "ExitCodes.swift names 15 codes (0, 1, 64–79 as used, 130)" test "$(wc -w <<<"$codes")" = 15
for program in "$fapiao" "$central_bin"; do
    paragraph=$("$program" --help | tr -s ' \n' ' ' | sed -nE 's/.*(Exit codes.*)Examples:.*/\1/p')
    missing=""
    for c in $codes; do grep -qE "[:;] $c " <<<"$paragraph" || missing="$missing $c"; done
    check "$(basename "$program") --help lists every exit code${missing:+ (missing:$missing)}" test -z "$missing"
done
missing=""
for c in $codes; do grep -qE "^\| $c \|" "$root/README.md" || missing="$missing $c"; done
check "the README's exit-code table lists every code${missing:+ (missing:$missing)}" test -z "$missing"

# --- serve --log-format json ----------------------------------------------------------------
: >"$work/central.log"
start_central --log-format json
curl -fsS "$url/v1/health" >/dev/null 2>&1
stop_central
version=$("$central_bin" --version)
check "serve --log-format json: every log line is one JSON object, 'store open' names the version" \
    python3 "$e2e_py/check_json_lines.py" "$work/central.log" --message "store open" \
    --field "version=$version" --field kind=sqlite --field label=fapiao-central --field level=info
: >"$work/central.log"
start_central
stop_central
check "serve logs text by default" \
    bash -c 'grep -q "info fapiao-central:.*store open" "$1" && ! grep -q "^{" "$1"' _ "$work/central.log"
check "serve --log-format yaml is a usage error (64)" \
    bash -c '"$1" serve --store "sqlite:$2" --tokens "$3" --log-format yaml >/dev/null 2>&1; test $? = 64' \
    _ "$central_bin" "$store" "$tokens"

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
