#!/bin/sh
# check.sh - checks build/quire against the golden vectors of tests/vectors.
#
#   sh tests/vectors/check.sh        (after `make all`)
#
# For every MANIFEST line "path expected_code expected_offset verify_args",
# runs `quire verify --json verify_args path` from tests/vectors and checks
# the exit status (0 valid, 1 invalid), the code and the offset of the first
# error finding. Then checks that the vectors raise every code they must, and
# that gen_vectors.c, built against build/libquire.a, regenerates every
# committed file byte for byte (determinism). Prints one line per check and
# "N passed, M failed"; exits 1 on any failure.
#
# Environment: QUIRE (the command, default build/quire), CC (default cc).

set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
QUIRE=${QUIRE:-$root/build/quire}
CC=${CC:-cc}
pass=0
fail=0

ok() {
    pass=$((pass + 1))
    printf 'ok    %s\n' "$1"
}

bad() {
    fail=$((fail + 1))
    printf 'FAIL  %s\n' "$1"
}

if [ ! -x "$QUIRE" ]; then
    echo "check.sh: $QUIRE not found: run 'make all' first" >&2
    exit 2
fi
if [ ! -f "$here/MANIFEST" ]; then
    echo "check.sh: $here/MANIFEST not found" >&2
    exit 2
fi

# ---- every vector ----
cd "$here" || exit 2
while read -r path code off args; do
    case "$path" in '' | '#'*) continue ;; esac
    [ "$args" = "-" ] && args=""
    # shellcheck disable=SC2086 # args is a list of options
    out=$("$QUIRE" verify --json $args "$path" 2>/dev/null)
    st=$?
    # the first error finding's code and offset (JSON strings escape their
    # quotes, so "code":" and "offset": occur only as the members)
    first=$(printf '%s\n' "$out" | grep '"type":"finding"' | grep '"severity":"error"' | head -n 1)
    got_code=$(printf '%s\n' "$first" | sed -n 's/^.*"code":"\([A-Z0-9_]*\)".*$/\1/p')
    got_off=$(printf '%s\n' "$first" | sed -n 's/^.*"offset":\([0-9]*\)[,}].*$/\1/p')
    if [ -z "$first" ]; then
        got_code=QUIRE_OK
        got_off=-
    fi
    label="$path ($code @ $off${args:+; $args})"
    if [ "$code" = QUIRE_OK ]; then
        if [ "$st" -eq 0 ] && [ "$got_code" = QUIRE_OK ]; then
            ok "$label"
        else
            bad "$label: exit $st, first error $got_code @ $got_off"
        fi
    else
        if [ "$st" -eq 1 ] && [ "$got_code" = "$code" ] && [ "$got_off" = "$off" ]; then
            ok "$label"
        else
            bad "$label: exit $st, first error $got_code @ $got_off"
        fi
    fi
done <MANIFEST

# ---- coverage: every code a reader or verifier reports for a file ----
missing=""
for c in QUIRE_E_TRUNCATED QUIRE_E_MAGIC QUIRE_E_RESERVED QUIRE_E_CRC QUIRE_E_FRAME \
    QUIRE_E_BLOCK QUIRE_E_INFLATE QUIRE_E_RECORD QUIRE_E_FIELD QUIRE_E_UTF8 QUIRE_E_TIME \
    QUIRE_E_ORDER QUIRE_E_INDEX QUIRE_E_TRAILER QUIRE_E_DIGEST QUIRE_E_TRAILING QUIRE_E_JSON \
    QUIRE_E_DICT QUIRE_E_SEAL QUIRE_E_VERSION QUIRE_E_CRITICAL QUIRE_E_CODEC QUIRE_E_FEATURE \
    QUIRE_E_LIMIT QUIRE_E_SIG QUIRE_E_UNTRUSTED QUIRE_E_ROOT QUIRE_E_STATEMENT \
    QUIRE_E_UNSIGNED QUIRE_E_ROLE QUIRE_E_ARCHIVE_ID QUIRE_E_PUBLISHER QUIRE_E_CHAIN; do
    grep -v '^#' MANIFEST | awk '{print $2}' | grep -qx "$c" || missing="$missing $c"
done
if [ -z "$missing" ]; then
    ok "coverage: every reader and verifier code has a vector"
else
    bad "coverage: no vector expects:$missing"
fi

# ---- determinism: regenerate and compare with the committed files ----
tmp=$(mktemp -d "${TMPDIR:-/tmp}/quire-vectors.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! (cd "$root" && $CC -Iinclude -Iformat -Isrc tests/vectors/gen_vectors.c build/libquire.a \
    -lz -lsodium -o "$tmp/gen_vectors") >"$tmp/cc.log" 2>&1; then
    cat "$tmp/cc.log"
    bad "determinism: gen_vectors.c does not build"
elif ! "$tmp/gen_vectors" "$tmp/out" >/dev/null; then
    bad "determinism: gen_vectors failed"
else
    ndiff=0
    nfiles=0
    list() { (cd "$1" && find MANIFEST keys valid invalid -type f | LC_ALL=C sort); }
    list "$tmp/out" >"$tmp/new.list"
    list "$here" >"$tmp/old.list"
    if ! cmp -s "$tmp/new.list" "$tmp/old.list"; then
        echo "      files differ:"
        diff "$tmp/old.list" "$tmp/new.list" | sed -n 's/^[<>] /        /p'
        ndiff=$((ndiff + 1))
    fi
    while read -r f; do
        nfiles=$((nfiles + 1))
        if [ -f "$here/$f" ] && ! cmp -s "$tmp/out/$f" "$here/$f"; then
            echo "      regenerated $f differs from the committed one"
            ndiff=$((ndiff + 1))
        fi
    done <"$tmp/new.list"
    if [ "$ndiff" -eq 0 ]; then
        ok "determinism: $nfiles regenerated files identical to the committed ones"
    else
        bad "determinism: $ndiff differences"
    fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
