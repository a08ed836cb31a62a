# Helpers shared by Tools/bench/run and Tools/bench/sync; sourced, not run.
# shellcheck shell=bash

now() { date +%s.%N; }
# seconds between two `now` readings
span() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# count / seconds
per_second() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }
# median_of FORMAT VALUE...: the median, printed with the awk printf FORMAT
median_of() {
    local format="$1"
    shift
    printf '%s\n' "$@" | sort -g | awk -v f="$format" '{ v[NR] = $1 }
        END { printf f, (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
median() { median_of %.1f "$@"; }
ratio() { awk -v s="$1" -v b="$2" 'BEGIN { printf "%.2f", s / b }'; }
# verdict RATIO GOAL: the ratio must be at least GOAL
verdict() { awk -v r="$1" -v g="$2" 'BEGIN { print (r + 0 >= g + 0) ? "meets goal" : "BELOW GOAL" }'; }
# verdict_at_most VALUE LIMIT: the value must be at most LIMIT
verdict_at_most() { awk -v r="$1" -v g="$2" 'BEGIN { print (r + 0 <= g + 0) ? "meets goal" : "ABOVE GOAL" }'; }
grouped() { sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta' <<<"$1"; }
fail() { echo "run: $*" >&2; exit 1; }
# check_anchored SYNC_JSON JOURNAL: the sync's JSON says the whole audit chain was anchored (no
# note, the anchored head is the journal's last entry). A figure of a sync whose anchoring the
# centre refused would leave out part of the work, so it fails the run.
check_anchored() {
    local anchored head
    anchored=$(python3 -c 'import json, sys; a = json.load(open(sys.argv[1]))["anchor"]
print(a["head"]["sequence"] if a.get("head") and not a.get("note") else (a.get("note") or "nothing"))' "$1") ||
        fail "cannot read the anchoring of $1"
    head=$(sqlite3 "$2" 'SELECT COALESCE(MAX(seq), 0) FROM audit_entry;')
    [[ $anchored == "$head" ]] || fail "the sync did not anchor the audit chain to its head ($head): $anchored"
}

# The lines that say where and on what a run took place.
print_machine() {
    echo "machine:  nproc $(nproc), $(uname -sr), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "sqlite3:  $(sqlite3 --version | cut -d' ' -f1-2) (shell); fapiao uses GRDB's SQLite (system libsqlite3)"
    echo "swift:    $(swift --version 2>/dev/null | head -1)"
    echo "temp dir: $work on $(df -PT "$work" | awk 'NR == 2 { print $2 }') (fsync reaches the disk)"
    echo "commit:   $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
}

# build_release PRODUCT...: `Tools/build-release P` each, the build the README installs
# (the Swift runtime and Foundation linked in, and the same compiler flags for every package):
# what is measured is what a branch runs.
build_release() {
    echo "-- building release (Tools/build-release) --"
    local product started
    for product in "$@"; do
        started=$(now)
        if ! Tools/build-release "$product" >"$work/build-$product.log" 2>&1; then
            tail -40 "$work/build-$product.log" >&2
            fail "the release build of $product failed"
        fi
        echo "built $product in $(span "$started" "$(now)") s"
    done
}

# binaries_line PATH...: when the binaries measured were built (with --no-build they may be
# older than the commit named above).
binaries_line() {
    local path
    for path in "$@"; do
        printf '%s %s; ' "$(basename "$path")" "$(date -u -r "$path" '+%F %T UTC')"
    done | sed -e 's/; $//' -e 's/^/built:    /'
    echo
}

# copy_journal FROM_DIR TO_DIR: a copy of a journal (with its -wal/-shm, if any), not in use.
copy_journal() {
    mkdir -p -m 700 "$2"
    cp -p "$1"/journal.sqlite* "$2"/
}

# release_bin_dir: where the binaries measured are: $FAPIAO_BENCH_BIN when set (binaries
# kept from another commit, to compare before and after; nothing is built then), else
# this checkout's release build.
release_bin_dir() {
    if [[ -n "${FAPIAO_BENCH_BIN:-}" ]]; then
        (cd "$FAPIAO_BENCH_BIN" && pwd)
    else
        swift build -c release --show-bin-path
    fi
}
