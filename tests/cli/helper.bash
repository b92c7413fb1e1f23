# helper.bash - shared setup for the quire command-line tests (bats 1.8).
#
# Run:   QUIRE=/work/main/build/quire bats tests/cli
#
# Sets:
#   QUIRE    the command under test (default: <project>/build/quire)
#   ROOT     the project root
#   DATA     tests/data (our own sample articles, shipped with the project)
#   CORPUS   ../shared/corpus relative to the project root (third-party data,
#            never copied into the repository); see require_corpus
#   T        a fresh scratch directory for each test ($BATS_TEST_TMPDIR)

bats_require_minimum_version 1.5.0

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
DATA="$ROOT/tests/data"
CORPUS="$BATS_TEST_DIRNAME/../../../shared/corpus"
QUIRE="${QUIRE:-$ROOT/build/quire}"
case "$QUIRE" in
/*) ;;
*) QUIRE="$PWD/$QUIRE" ;;
esac
export QUIRE ROOT DATA CORPUS

# The text articles of tests/data, in the order the tests pack them.
TEXTS=(harbour-ferry.txt festival-accents.txt council-crlf.txt library-reopens.txt
    nbc-2018-10-07-pompeo-kim.txt)
# shellcheck disable=SC2034
SEED=nbc-2018-10-07-pompeo-kim.txt

# Python helpers shipped next to the tests.
# shellcheck disable=SC2034 # used by the .bats files
JSONL_COMPARE="$BATS_TEST_DIRNAME/jsonl_compare.py"

common_setup() {
    if [[ ! -x "$QUIRE" ]]; then
        fail "quire command not found or not executable at '$QUIRE' (run 'make all' or set QUIRE)"
    fi
    T="$BATS_TEST_TMPDIR"
    export T
}

setup() {
    common_setup
}

# Fails the test (never skips) when the shared corpus is absent.
require_corpus() {
    if [[ ! -d "$CORPUS/news" || ! -f "$CORPUS/seed/$SEED" ]]; then
        fail "test corpus not found: expected ../shared/corpus relative to the project root" \
            "(looked in '$CORPUS'; it must hold news/*.jsonl and seed/$SEED)"
    fi
}

q() {
    "$QUIRE" "$@"
}

file_size() {
    stat -c %s "$1"
}

# pack_sample OUT: packs tests/data/sample.jsonl into OUT, quietly.
pack_sample() {
    "$QUIRE" pack -q -o "$1" "$DATA/sample.jsonl" ||
        fail "packing sample.jsonl failed with status $?"
}

# pack_texts OUT: packs the text articles (TEXTS order) into OUT, quietly.
pack_texts() {
    local args=() f
    for f in "${TEXTS[@]}"; do
        args+=("$DATA/$f")
    done
    "$QUIRE" pack -q -o "$1" "${args[@]}" || fail "packing the text articles failed with status $?"
}

# info_field ARCHIVE KEY: prints one field of 'quire info --json'.
info_field() {
    "$QUIRE" info --json "$1" |
        python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print("<absent>" if v is None else v)' "$2"
}

# flip_byte FILE OFFSET: inverts every bit of the byte at OFFSET, in place.
flip_byte() {
    local file=$1 off=$2 old new
    old=$(od -An -tu1 -j "$off" -N1 "$file" | tr -d ' ')
    [[ -n "$old" ]] || fail "flip_byte: no byte at offset $off of $file"
    new=$(((old ^ 0xFF) & 0xFF))
    # shellcheck disable=SC2059
    printf "$(printf '\\x%02x' "$new")" | dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

# sample_text N: prints the "text" of article N (0-based line number) of
# sample.jsonl, byte for byte, as UTF-8.
sample_text() {
    python3 -c '
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
sys.stdout.buffer.write(json.loads(lines[int(sys.argv[2])])["text"].encode("utf-8"))
' "$DATA/sample.jsonl" "$1"
}

# on_tty ANSWERS CMD...: runs CMD on a new pseudo-terminal (its controlling
# terminal) and types the next of the comma-separated ANSWERS each time a
# password prompt ("...assword...: ") appears. Prints what the terminal
# showed (without CRs); exits with CMD's status.
on_tty() {
    timeout 120 python3 -c '
import os, pty, sys
answers = sys.argv[1].split(",") if sys.argv[1] else []
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
out, seen = b"", 0
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if answers and out.count(b"assword") > seen and out.rstrip(b" ").endswith(b":"):
        seen = out.count(b"assword")
        os.write(fd, answers.pop(0).encode() + b"\n")
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace").replace("\r", ""))
sys.exit(os.waitstatus_to_exitcode(st))
' "$@"
}
