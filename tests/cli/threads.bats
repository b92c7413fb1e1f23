#!/usr/bin/env bats
# --threads: blocks are compressed in parallel, the bytes never change.

load helper

@test "pack with 1, 2 and 7 threads writes byte-identical archives" {
    require_corpus
    src="$CORPUS/news/bbc-fulltext.jsonl"
    for t in 1 2 7; do
        q pack -q --threads "$t" --block-size 16384 -o "$T/t$t.quire" "$src"
    done
    cmp "$T/t1.quire" "$T/t2.quire"
    cmp "$T/t1.quire" "$T/t7.quire"
    # many blocks, so the threads really shared the work
    blocks=$(q info --json "$T/t1.quire" | python3 -c 'import json,sys; print(json.load(sys.stdin)["blocks"])')
    [ "$blocks" -gt 50 ]
    run q verify "$T/t7.quire"
    assert_success
}

@test "append with several threads gives the same bytes as with one" {
    q pack -q -o "$T/a1.quire" "$DATA"/*.txt
    cp "$T/a1.quire" "$T/a7.quire"
    q append -q --threads 1 --block-size 1024 "$T/a1.quire" "$DATA/sample.jsonl"
    q append -q --threads 7 --block-size 1024 "$T/a7.quire" "$DATA/sample.jsonl"
    cmp "$T/a1.quire" "$T/a7.quire"
}

@test "--threads out of range is a usage error" {
    run q pack --threads 0 -o "$T/x.quire" "$DATA/sample.jsonl"
    assert_failure 2
    run q pack --threads 65 -o "$T/x.quire" "$DATA/sample.jsonl"
    assert_failure 2
}

# damage ARCHIVE [index]: flips a byte of the block in the middle, and with
# "index" one in the pages of the (paged) index, two thirds in
damage() {
    python3 - "$@" <<'PY'
import struct, sys
p = sys.argv[1]
d = bytearray(open(p, 'rb').read())
off, blocks, index = 16, [], None
while off < len(d):
    t, ln = d[off:off+4], struct.unpack('<I', d[off+8:off+12])[0]
    if t == b'BLOK':
        blocks.append((off, ln))
    elif t == b'INDX':
        index = (off, ln)
    off += 16 + ln
o, ln = blocks[len(blocks) // 2]
d[o + 12 + 20 + ln // 3] ^= 0x40
if sys.argv[2:] == ['index']:
    o, ln = index
    assert d[o + 12] == 2, "the index is paged (codec 2)"
    d[o + 12 + ln * 2 // 3] ^= 0x40
open(p, 'wb').write(bytes(d))
PY
}

# same_findings ARCHIVE: verify --json with 1, 2 and 7 threads, all failing
# with the same findings in the same order (left in $T/v1.json)
same_findings() {
    local j
    for j in 1 2 7; do
        run q verify --json -j "$j" "$1"
        assert_failure 1
        echo "$output" >"$T/v$j.json"
    done
    cmp "$T/v1.json" "$T/v2.json"
    cmp "$T/v1.json" "$T/v7.json"
}

@test "verify with 1, 2 and 7 threads reports the same findings in the same order" {
    q pack -q --block-size 1024 -o "$T/a.quire" "$DATA"/*.txt "$DATA/sample.jsonl"
    # damage one block in the middle: its articles are named, the rest pass
    damage "$T/a.quire"
    same_findings "$T/a.quire"
    grep -q QUIRE_E_CRC "$T/v1.json"
}

@test "verify of a paged index with 1, 2 and 7 threads: the same findings in the same order" {
    # with threads, the walk of a paged index runs beside the first blocks
    # and its findings wait for it: damage to an index page and to a block
    # must come out as with one thread
    require_corpus
    q pack -q -o "$T/r.quire" "$CORPUS/news/reuters21578-train.jsonl"
    damage "$T/r.quire" index
    same_findings "$T/r.quire"
    grep -q QUIRE_E_INFLATE "$T/v1.json"
    grep -q QUIRE_E_CRC "$T/v1.json"
}

@test "verify on a terminal shows its progress on one line, and clears it before the result" {
    q pack -q --block-size 1024 -o "$T/a.quire" "$DATA"/*.txt "$DATA/sample.jsonl"
    n=$(q info "$T/a.quire" | sed -n 's/^articles: *//p')
    run on_tty "" "$QUIRE" verify -j 1 "$T/a.quire"
    assert_success
    assert_output --partial "quire: verify: $n of $n articles (100%)"
    assert_output --partial $'\e[K'"$T/a.quire: valid: $n articles"
    # not when the output is not a terminal, nor with --json or -q
    run --separate-stderr q verify "$T/a.quire"
    assert_equal "$stderr" ""
    run on_tty "" "$QUIRE" verify --json "$T/a.quire"
    refute_output --partial "quire: verify:"
    run on_tty "" "$QUIRE" verify -q "$T/a.quire"
    assert_output ""
}
