#!/usr/bin/env bats
# damaged.bats - truncated, corrupted and foreign files given as archives.
#
# The contract: a malformed archive exits 1 (never 0 with wrong output, never
# a crash), with 'quire: FILE: offset N: [article A: ]what: message [QUIRE_E_NAME]'
# on stderr and nothing misleading on stdout.

# shellcheck disable=SC2154 # $stderr, $status, $output, $lines are set by bats' run
load helper

setup() {
    common_setup
    pack_texts "$T/t.qr"
}

# The shape of a malformed-input diagnostic for FILE (one line).
diag_re() {
    local f=${1//./\\.}
    printf '^quire: %s: offset [0-9]+: (article [0-9]+: )?[^[]+ \\[QUIRE_E_[A-Z0-9_]+\\]$' "$f"
}

# assert_malformed FILE CMD...: runs 'quire CMD' on FILE, expects exit 1 and
# one well-formed diagnostic naming FILE on stderr.
assert_malformed() {
    local file=$1
    shift
    run --separate-stderr q "$@"
    [[ "$status" -eq 1 ]] || fail "quire $*: exit $status, expected 1 (stderr: $stderr)"
    [[ "$stderr" =~ $(diag_re "$file") ]] || fail "quire $*: unexpected diagnostic: '$stderr'"
}

@test "a truncated archive: info, ls, cat and extract exit 1 with an offset and a code" {
    local size n
    size=$(file_size "$T/t.qr")
    for n in 1 7 8 12 16 40 100 $((size / 2)) $((size - 100)) $((size - 20)) $((size - 8)) $((size - 1)); do
        head -c "$n" "$T/t.qr" >"$T/cut.qr"
        assert_malformed "$T/cut.qr" info "$T/cut.qr"
        assert_malformed "$T/cut.qr" ls "$T/cut.qr"
        assert_malformed "$T/cut.qr" cat "$T/cut.qr" 0
        assert_malformed "$T/cut.qr" extract "$T/cut.qr" --jsonl
        assert_equal "$output" ""
    done
}

@test "a truncated archive cut just before its end reports QUIRE_E_TRAILER or QUIRE_E_TRUNCATED" {
    local size
    size=$(file_size "$T/t.qr")
    head -c $((size - 1)) "$T/t.qr" >"$T/cut.qr"
    run --separate-stderr q info "$T/cut.qr"
    assert_failure 1
    [[ "$stderr" == *"[QUIRE_E_TRAILER]" || "$stderr" == *"[QUIRE_E_TRUNCATED]" ]] ||
        fail "stderr: $stderr"
}

@test "one flipped byte in the middle of a block: exit 1 with QUIRE_E_CRC" {
    local size mid
    size=$(file_size "$T/t.qr")
    mid=$((size / 2))
    cp "$T/t.qr" "$T/flip.qr"
    flip_byte "$T/flip.qr" "$mid"
    cmp -s "$T/t.qr" "$T/flip.qr" && fail "flip_byte changed nothing"
    [[ $(cmp -l "$T/t.qr" "$T/flip.qr" | wc -l) -eq 1 ]] || fail "more than one byte changed"
    # the middle of this archive is inside its only block (the index is at the end)
    local idx
    idx=$(info_field "$T/t.qr" index_offset)
    ((mid < idx)) || fail "the middle ($mid) is not before the index ($idx)"
    local cmd
    for cmd in "ls" "cat 0" "cat 4" "extract --jsonl"; do
        # shellcheck disable=SC2086
        set -- ${cmd}
        local sub=$1
        shift
        run --separate-stderr q "$sub" "$T/flip.qr" "$@"
        [[ "$status" -eq 1 ]] || fail "quire $cmd: exit $status, expected 1"
        [[ "$stderr" == *"[QUIRE_E_CRC]" ]] || fail "quire $cmd: no QUIRE_E_CRC: $stderr"
        [[ "$stderr" =~ $(diag_re "$T/flip.qr") ]] || fail "quire $cmd: diagnostic shape: $stderr"
    done
    # cat names the article it was reading
    run --separate-stderr q cat "$T/flip.qr" 3
    [[ "$stderr" == *"article 3: "* ]] || fail "article not named: $stderr"
    # nothing of the damaged article reaches stdout
    assert_equal "$output" ""
}

@test "a flipped byte in the middle of the sample archive, with dd: QUIRE_E_CRC" {
    pack_sample "$T/s.qr"
    cp "$T/s.qr" "$T/flip.qr"
    local mid=$(($(file_size "$T/s.qr") / 2))
    printf '\x5a' | dd of="$T/flip.qr" bs=1 seek="$mid" conv=notrunc status=none
    if cmp -s "$T/s.qr" "$T/flip.qr"; then
        printf '\xa5' | dd of="$T/flip.qr" bs=1 seek="$mid" conv=notrunc status=none
    fi
    assert_equal "$(file_size "$T/flip.qr")" "$(file_size "$T/s.qr")"
    assert_malformed "$T/flip.qr" extract "$T/flip.qr" --jsonl
    [[ "$stderr" == *"[QUIRE_E_CRC]" ]] || fail "stderr: $stderr"
    assert_malformed "$T/flip.qr" cat "$T/flip.qr" --url https://news.example.org/library-hours
    [[ "$stderr" == *"[QUIRE_E_CRC]" ]] || fail "stderr: $stderr"
}

@test "a file that is not an archive: exit 1 with QUIRE_E_MAGIC" {
    local f
    for f in "$DATA/harbour-ferry.txt" "$DATA/sample.jsonl" "$DATA/$SEED"; do
        assert_malformed "$f" info "$f"
        [[ "$stderr" == *"[QUIRE_E_MAGIC]" ]] || fail "info $f: $stderr"
        assert_malformed "$f" ls "$f"
        [[ "$stderr" == *"[QUIRE_E_MAGIC]" ]] || fail "ls $f: $stderr"
        assert_malformed "$f" cat "$f" 0
        [[ "$stderr" == *"[QUIRE_E_MAGIC]" ]] || fail "cat $f: $stderr"
        assert_malformed "$f" extract "$f" --jsonl
        [[ "$stderr" == *"[QUIRE_E_MAGIC]" ]] || fail "extract $f: $stderr"
    done
}

@test "an archive whose first byte is damaged: QUIRE_E_MAGIC at offset 0" {
    cp "$T/t.qr" "$T/m.qr"
    flip_byte "$T/m.qr" 0
    assert_malformed "$T/m.qr" info "$T/m.qr"
    [[ "$stderr" == *"offset 0: "*"[QUIRE_E_MAGIC]" ]] || fail "stderr: $stderr"
}

@test "an empty file: exit 1 with a code for every reading command" {
    : >"$T/empty.qr"
    assert_malformed "$T/empty.qr" info "$T/empty.qr"
    assert_malformed "$T/empty.qr" info --json "$T/empty.qr"
    assert_equal "$output" ""
    assert_malformed "$T/empty.qr" ls "$T/empty.qr"
    assert_malformed "$T/empty.qr" cat "$T/empty.qr" 0
    assert_malformed "$T/empty.qr" extract "$T/empty.qr" --jsonl
    run --separate-stderr q extract "$T/empty.qr" -d "$T/out"
    assert_failure 1
}

@test "bytes appended after the end of an archive: a torn tail, named by verify" {
    cp "$T/t.qr" "$T/tail.qr"
    printf 'trailing garbage' >>"$T/tail.qr"
    # readers use the last complete checkpoint (spec 3.6: an interrupted
    # append leaves such a tail); the validator names it, --strict fails it
    run --separate-stderr q cat "$T/tail.qr" 0
    assert_success
    cmp <(q cat "$T/tail.qr" 0) <(q cat "$T/t.qr" 0)
    run --separate-stderr q verify "$T/tail.qr"
    assert_success
    [[ "$stderr" == *"torn tail"*"16 bytes"* ]] || fail "torn tail not named: $stderr"
    run --separate-stderr q verify --strict "$T/tail.qr"
    assert_failure 1
    # two archives back to back are not one archive
    cat "$T/t.qr" "$T/t.qr" >"$T/two.qr"
    assert_malformed "$T/two.qr" ls "$T/two.qr"
}

@test "a directory given as an archive is an I/O error (exit 2)" {
    run --separate-stderr q info "$T"
    assert_failure 2
    [[ "$stderr" == *"[QUIRE_E_IO]"* ]] || fail "stderr: $stderr"
}

@test "every single-bit flip is detected or harmless: never exit 0 with other output, never a crash" {
    printf 'date 2024-05-02 A short article for the bit-flip sweep.\n' >"$T/one.txt"
    q pack -q -o "$T/one.qr" "$T/one.txt"
    run python3 - "$QUIRE" "$T/one.qr" "$T/x.qr" <<'EOF'
import re, subprocess, sys
quire, src, tmp = sys.argv[1:4]
data = open(src, "rb").read()
def run(path):
    p = subprocess.run([quire, "extract", path, "--jsonl"], capture_output=True, timeout=20)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")
rc, ref, _ = run(src)
assert rc == 0, rc
bad = []
for i in range(len(data)):
    b = bytearray(data)
    b[i] ^= 0x10
    open(tmp, "wb").write(b)
    rc, out, err = run(tmp)
    if rc == 0 and out == ref:
        continue
    if rc == 1 and out == b"" and re.search(r"offset [0-9]+: .*\[QUIRE_E_[A-Z0-9_]+\]$", err.strip()):
        continue
    bad.append((i, rc, out[:60], err.strip()[:160]))
for b in bad[:10]:
    print("offset %d: exit %d stdout %r stderr %r" % b)
print("%d bytes flipped, %d bad" % (len(data), len(bad)))
sys.exit(1 if bad else 0)
EOF
    assert_success
}

@test "a damaged old index of more than 1 MiB (summed step by step by verify) is named with its offset" {
    python3 -c '
import json
for i in range(30000):
    print(json.dumps({"id": "n%d" % i, "title": "Note %d" % i, "text": "Short note number %d." % i}))
' >"$T/many.jsonl"
    q pack -q -o "$T/a.quire" "$T/many.jsonl"
    q append -q "$T/a.quire" "$DATA/sample.jsonl"
    run -0 q verify -q "$T/a.quire" # summed right when nothing is wrong
    # flip a byte in the middle of the first (superseded) index frame
    read -r len crc_at < <(python3 - "$T/a.quire" <<'PY'
import struct, sys
p = sys.argv[1]
d = bytearray(open(p, 'rb').read())
off = 16
while d[off:off + 4] != b'INDX':
    off += 16 + struct.unpack('<I', d[off + 8:off + 12])[0]
n = struct.unpack('<I', d[off + 8:off + 12])[0]
d[off + 12 + n // 2] ^= 0x10
open(p, 'wb').write(bytes(d))
print(n, off + 12 + n)
PY
)
    ((len > 1048576)) || fail "the old index is only $len bytes"
    run -1 --separate-stderr q verify "$T/a.quire"
    assert_equal "$stderr" "quire: $T/a.quire: offset $crc_at: frame CRC-32: frame CRC-32 mismatch [QUIRE_E_CRC]"
}
