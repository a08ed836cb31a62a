#!/usr/bin/env bash
# End-to-end checks of the manual pages and shell completion scripts that Tools/docs/generate
# makes from the real executables: the pages pass mandoc's linter and render, naming real
# subcommands; the bash scripts parse and complete subcommands when sourced; zsh and fish
# scripts are there; both executables print the one version.
# Usage: Tools/e2e/docs.sh [path/to/fapiao]    Prints one line per check and ends with
# "N passed, N failed"; exits non-zero on any failure. Needs mandoc (Tools/test installs it).
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
fapiao=${1:-${FAPIAO:-$root/.build/debug/fapiao}}
central_bin=$(dirname "$fapiao")/fapiao-central
[ -x "$fapiao" ] || { echo "e2e: no fapiao binary at $fapiao; build first (swift build)" >&2; exit 2; }
command -v mandoc >/dev/null || { echo "e2e: mandoc is needed (apt-get install mandoc)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && printf '       %s\n' "$2"; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
# render PAGE: the page as plain text, as man shows it.
render() { mandoc -T ascii "$1" | sed 's/.\x08//g'; }
# completes SCRIPT WORD…: what bash completion offers for the last word after sourcing SCRIPT.
completes() {
    local script=$1
    shift
    bash -c '
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        function=$(complete -p "$1" | sed -E "s/.* -F ([^ ]+) .*/\1/")
        "$function" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}"
    ' completes "$script" "$@"
}

# --- the version --------------------------------------------------------------------------
source_version=$(sed -nE 's/.*static let current = "([^"]+)".*/\1/p' "$root/Sources/FapiaoCommandSupport/FapiaoVersion.swift")
check "fapiao --version prints the version in the source ($source_version)" \
    test "$("$fapiao" --version)" = "$source_version"
check "fapiao-central --version prints the same version" \
    test "$("$central_bin" --version)" = "$source_version"

# --- generate -----------------------------------------------------------------------------
docs="$work/docs"
if out=$("$root/Tools/docs/generate" "$docs" 2>&1); then
    pass "Tools/docs/generate writes the pages and scripts ($(printf '%s' "$out" | tail -n 1 | cut -c1-60)…)"
else
    fail "Tools/docs/generate writes the pages and scripts" "$(printf '%s' "$out" | tail -n 5)"
fi
check "Tools/docs/generate without a directory is a usage error (64)" \
    bash -c '"$1" >/dev/null 2>&1; test $? = 64' _ "$root/Tools/docs/generate"

# --- manual pages ---------------------------------------------------------------------------
for page in fapiao.1 fapiao-central.1 fapiao.sync.1 fapiao-central.token.add.1; do
    check "man1/$page is there" test -s "$docs/man1/$page"
done
lint=$(mandoc -T lint -W error "$docs"/man1/*.1 2>&1)
check "every page passes mandoc -T lint without an error ($(ls "$docs/man1" | wc -l) pages)" test -z "$lint"
[ -z "$lint" ] || printf '       %s\n' "$(printf '%s' "$lint" | head -n 5)"
check "fapiao.1 renders naming its subcommands init, sync and audit" \
    bash -c 'text=$(mandoc -T ascii "$1" | sed "s/.\x08//g"); for s in init sync audit; do
        grep -q "fapiao\.$s(1)" <<<"$text" || exit 1; done' _ "$docs/man1/fapiao.1"
check "fapiao.1 lists exit code 79 (chain break)" bash -c 'mandoc -T ascii "$1" | sed "s/.\x08//g" | tr -s " \n" " " | grep -q "79 chain break"' _ "$docs/man1/fapiao.1"
check "fapiao-central.1 renders naming serve, token and audit" \
    bash -c 'text=$(mandoc -T ascii "$1" | sed "s/.\x08//g"); for s in serve token audit; do
        grep -q "fapiao-central\.$s(1)" <<<"$text" || exit 1; done' _ "$docs/man1/fapiao-central.1"
check "fapiao.sync.1 documents --watch" bash -c 'mandoc -T ascii "$1" | sed "s/.\x08//g" | grep -q -- "--watch"' _ "$docs/man1/fapiao.sync.1"
check "fapiao-central.token.add.1 documents --output" \
    bash -c 'mandoc -T ascii "$1" | sed "s/.\x08//g" | grep -q -- "--output"' _ "$docs/man1/fapiao-central.token.add.1"
if command -v man >/dev/null; then
    check "man -l renders fapiao-central.1" bash -c 'MANPAGER=cat man -l "$1" 2>/dev/null | grep -q "fapiao-central"' _ "$docs/man1/fapiao-central.1"
fi

# --- completion scripts -------------------------------------------------------------------
for program in fapiao fapiao-central; do
    check "bash/$program passes bash -n" bash -n "$docs/bash/$program"
    check "zsh/_$program is a zsh completion for $program" grep -q "^#compdef $program" "$docs/zsh/_$program"
    check "fish/$program.fish completes $program" grep -q "complete -c '\?$program" "$docs/fish/$program.fish"
done
offered=$(completes "$docs/bash/fapiao" fapiao sy)
check "bash completes 'fapiao sy' to sync (offered: $(echo $offered))" test "$offered" = sync
offered=$(completes "$docs/bash/fapiao" fapiao audit "")
check "bash offers audit's subcommands after 'fapiao audit'" \
    bash -c 'for s in log verify export verify-export; do grep -qx "$s" <<<"$1" || exit 1; done' _ "$offered"
offered=$(completes "$docs/bash/fapiao-central" fapiao-central token "")
check "bash offers 'add' after 'fapiao-central token' (offered: $(echo $offered))" grep -qx add <<<"$offered"
offered=$(completes "$docs/bash/fapiao-central" fapiao-central serve --log-f)
check "bash completes 'fapiao-central serve --log-f' to --log-format" test "$offered" = --log-format

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
