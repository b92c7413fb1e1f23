#!/usr/bin/env bats
# salvage.bats - quire salvage: truncated, corrupted and padded archives.
#
# The contract: every article whose block is intact is recovered with its
# original digest, in order; every other one is named on stderr
# ('quire: FILE: article N lost (...) [QUIRE_E_...]' or 'articles A..B lost');
# OUT is always written and passes 'quire verify'; exit 0 only when nothing
# was lost, 1 otherwise, 2 for usage and I/O errors.
#
# The Reuters corpus (../shared/corpus) is packed once per run; the block
# layout is read from the archive's frames (tests/cli/salvage.bats: layout).

# shellcheck disable=SC2154 # $stderr, $status, $output, $lines are set by bats' run
load helper

setup_file() {
    R="$BATS_FILE_TMPDIR/reuters.qr"
    export R
    if [[ -f "$CORPUS/news/reuters21578-train.jsonl" ]]; then
        "$QUIRE" pack -q -o "$R" "$CORPUS/news/reuters21578-train.jsonl"
        "$QUIRE" ls --json "$R" >"$BATS_FILE_TMPDIR/reuters.ls"
    fi
}

setup() {
    common_setup
}

# Requires the packed Reuters archive (fails clearly without the corpus).
require_reuters() {
    require_corpus
    [[ -f "$CORPUS/news/reuters21578-train.jsonl" ]] ||
        fail "test corpus file not found: $CORPUS/news/reuters21578-train.jsonl"
    [[ -s "$R" ]] || fail "packing $CORPUS/news/reuters21578-train.jsonl failed"
}

# layout ARCHIVE: one line per BLOK frame: offset end first_article n_records
layout() {
    python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
off = 16
while off + 16 <= len(d):
    t = d[off:off + 4]
    n = struct.unpack("<I", d[off + 8:off + 12])[0]
    if t == b"BLOK":
        p = off + 12
        print(off, off + n + 16, struct.unpack("<Q", d[p + 12:p + 20])[0],
              struct.unpack("<I", d[p + 4:p + 8])[0])
    off += n + 16
EOF
}

# Python source of part_refs(path): {article: set of articles its stored
# record refers to} for an undamaged archive (blocks inflated with the
# preset dictionary, records parsed as spec 5.1 and 5.6 say).
PART_REFS_PY='
import struct, zlib
def part_refs(path):
    d = open(path, "rb").read()
    off, zdict, out = 16, None, {}
    while off + 16 <= len(d):
        t = d[off:off + 4]
        n = struct.unpack("<I", d[off + 8:off + 12])[0]
        p = d[off + 12:off + 12 + n]
        if t == b"DICT":
            zdict = p
        elif t == b"BLOK":
            codec, flags = p[0], p[1]
            first = struct.unpack("<Q", p[12:20])[0]
            raw = p[20:]
            if codec == 1:
                z = zlib.decompressobj(zdict=zdict) if flags & 1 else zlib.decompressobj()
                raw = z.decompress(raw)
            q, a = 0, first
            while q < len(raw):
                rl = struct.unpack("<I", raw[q:q + 4])[0]
                rec = raw[q + 4:q + 4 + rl]
                q += 4 + rl
                nf, np_ = struct.unpack("<HH", rec[2:6])
                r = 8
                for _ in range(nf):
                    r += 4 + rec[r + 3]
                    r += 4 + struct.unpack("<I", rec[r:r + 4])[0]
                for _ in range(np_):
                    r += 1 + rec[r]
                    r += 1 + rec[r]
                    storage = rec[r]
                    dl = struct.unpack("<I", rec[r + 1:r + 5])[0]
                    if storage == 1:
                        out.setdefault(a, set()).add(struct.unpack("<Q", rec[r + 5:r + 13])[0])
                    r += 5 + dl
                a += 1
        off += n + 16
    return out
'

# digests ARCHIVE: the record digests of 'quire ls --json', one per line.
digests() {
    python3 -c '
import json, sys
for line in sys.stdin:
    print(json.loads(line)["digest"])' <"$1"
}

@test "salvage --help and usage errors" {
    run q salvage --help
    assert_success
    assert_output --partial "usage: quire salvage DAMAGED -o OUT"
    run --separate-stderr q salvage "$DATA/sample.jsonl"
    assert_failure 2
    [[ "$stderr" == *"-o OUT is required"* ]] || fail "stderr: $stderr"
    pack_sample "$T/s.qr"
    run --separate-stderr q salvage "$T/s.qr" -o "$T/s.qr"
    assert_failure 2
    run --separate-stderr q salvage "$T/missing.qr" -o "$T/o.qr"
    assert_failure 2
    [[ "$stderr" == *"No such file"* ]] || fail "stderr: $stderr"
}

@test "salvage of an intact archive recovers everything: exit 0, same digests, signed OUT" {
    pack_sample "$T/s.qr"
    run --separate-stderr q salvage "$T/s.qr" -o "$T/o.qr" -s "$DATA/keys/minisign-nopw.key"
    assert_success
    [[ "$stderr" == *"recovered 6 of 6 articles"* ]] || fail "stderr: $stderr"
    q ls --json "$T/s.qr" >"$T/a.ls"
    q ls --json "$T/o.qr" >"$T/b.ls"
    assert_equal "$(digests "$T/b.ls")" "$(digests "$T/a.ls")"
    run q verify -p "$DATA/keys/minisign-nopw.pub" "$T/o.qr"
    assert_success
}

@test "Reuters cut at 10%, 50% and 90%: complete blocks recovered, the cut block named, OUT valid" {
    require_reuters
    local size pct cut want line off end first n k
    size=$(file_size "$R")
    digests "$BATS_FILE_TMPDIR/reuters.ls" >"$T/all.dg"
    for pct in 10 50 90; do
        cut=$((size * pct / 100))
        head -c "$cut" "$R" >"$T/cut.qr"
        # every article whose block ends before the cut must come back
        want=0
        line=""
        while read -r off end first n; do
            if ((end <= cut)); then
                want=$((first + n))
            elif ((off < cut)); then
                line="$off $first $n"
            fi
        done < <(layout "$R")
        run --separate-stderr q salvage "$T/cut.qr" -o "$T/out.qr"
        assert_failure 1
        [[ "$stderr" == *"recovered $want of "* ]] || fail "$pct%: expected $want recovered: $stderr"
        # the block the cut goes through is named, article by article range;
        # a cut past the last block (in the index) loses no article
        if [[ -z "$line" ]]; then
            [[ "$stderr" == *"recovered $want of at least $want"* ]] || fail "$pct%: $stderr"
            continue
        fi
        read -r off first n <<<"$line"
        if ((cut - off >= 32)); then
            if ((n == 1)); then
                k="article $first lost (block at offset $off damaged: the file ends inside it"
            else
                k="articles $first..$((first + n - 1)) lost (block at offset $off damaged: the file ends inside it"
            fi
            [[ "$stderr" == *"$k"* ]] || fail "$pct%: cut block not named ($k): $stderr"
        fi
        [[ "$stderr" == *"may be lost too (the file is truncated) [QUIRE_E_TRUNCATED]"* ]] ||
            fail "$pct%: the unknown rest is not mentioned: $stderr"
        # the same digests, in order
        q ls --json "$T/out.qr" >"$T/out.ls"
        assert_equal "$(digests "$T/out.ls" | wc -l)" "$want"
        assert_equal "$(digests "$T/out.ls")" "$(head -n "$want" "$T/all.dg")"
        run q verify -q "$T/out.qr"
        assert_success
    done
}

@test "Reuters with one corrupted byte in the middle of a block: its articles lost, and those sharing a part with them" {
    require_reuters
    local size mid off end first n b_off b_first b_n m total n_lost
    size=$(file_size "$R")
    mid=$((size / 2))
    while read -r off end first n; do
        if ((off <= mid && mid < end)); then
            b_off=$off b_first=$first b_n=$n
            mid=$(((off + end) / 2))
        fi
    done < <(layout "$R")
    [[ -n "$b_off" ]] || fail "no block holds the middle of the archive"
    # parts stored once (spec 5.6): a later article whose record refers to a
    # part of the block's articles is lost with them
    python3 - "$R" "$b_first" "$b_n" "$T/refs" <<PY
$PART_REFS_PY
import sys
path, first, n, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
lost = set(range(first, first + n))
refs = part_refs(path)
with open(out, "w") as f:
    for a in sorted(refs):
        if a not in lost and refs[a] & lost:
            lost.add(a)
            print(a, file=f)
PY
    n_lost=$((b_n + $(wc -l <"$T/refs")))
    cp "$R" "$T/flip.qr"
    flip_byte "$T/flip.qr" "$mid"
    run --separate-stderr q salvage "$T/flip.qr" -o "$T/out.qr"
    assert_failure 1
    total=$(wc -l <"$BATS_FILE_TMPDIR/reuters.ls")
    [[ "$stderr" == *"recovered $((total - n_lost)) of $total articles, $n_lost lost"* ]] ||
        fail "counts: $stderr"
    assert_equal "$(grep -c ' lost (block at offset '"$b_off"' damaged: CRC-32 mismatch) \[QUIRE_E_CRC\]$' <<<"$stderr")" "$b_n"
    for m in "$b_first" $((b_first + b_n - 1)); do
        [[ "$stderr" == *"article $m lost (block at offset $b_off damaged: CRC-32 mismatch) [QUIRE_E_CRC]"* ]] ||
            fail "article $m not named: $stderr"
    done
    while read -r m; do
        [[ "$stderr" == *"article $m lost (block at offset "*": a part it shares with an earlier article was not recovered) [QUIRE_E_RECORD]"* ]] ||
            fail "article $m (a reference into the block) not named: $stderr"
    done <"$T/refs"
    # the others, unchanged and in order
    { seq "$b_first" $((b_first + b_n - 1)); cat "$T/refs"; } >"$T/lost"
    digests "$BATS_FILE_TMPDIR/reuters.ls" | awk 'NR==FNR {lost[$1+1]=1; next} !(FNR in lost)' "$T/lost" - >"$T/want.dg"
    q ls --json "$T/out.qr" >"$T/out.ls"
    assert_equal "$(digests "$T/out.ls")" "$(cat "$T/want.dg")"
    run q verify -q "$T/out.qr"
    assert_success
}

@test "Reuters with garbage inserted between frames: nothing lost, exit 0" {
    require_reuters
    local at
    at=$(layout "$R" | sed -n '100p' | cut -d' ' -f1)
    python3 - "$R" "$T/pad.qr" "$at" <<'EOF'
import random, sys
d = open(sys.argv[1], "rb").read()
at = int(sys.argv[3])
rng = random.Random(7)
junk = bytes(rng.randrange(256) for _ in range(1000))
open(sys.argv[2], "wb").write(d[:at] + junk + b"BLOK\0\0\0\0" + junk[:50] + d[at:])
EOF
    run --separate-stderr q salvage "$T/pad.qr" -o "$T/out.qr"
    assert_success
    [[ "$stderr" == *"bytes $at..$((at + 1057)) damaged"* ]] || fail "garbage not reported: $stderr"
    q ls --json "$T/out.qr" >"$T/out.ls"
    assert_equal "$(digests "$T/out.ls")" "$(digests "$BATS_FILE_TMPDIR/reuters.ls")"
    run q verify -q "$T/out.qr"
    assert_success
}

@test "salvage --json: JSON Lines, lost articles with their digests, then a summary" {
    local off
    "$QUIRE" pack -q -b 1024 -o "$T/s.qr" "$DATA/sample.jsonl"
    off=$(layout "$T/s.qr" | sed -n '2p' | cut -d' ' -f1)
    cp "$T/s.qr" "$T/d.qr"
    flip_byte "$T/d.qr" $((off + 40))
    run --separate-stderr q salvage "$T/d.qr" -o "$T/o.qr" --json
    assert_failure 1
    assert_equal "$stderr" ""
    q ls --json "$T/s.qr" >"$T/s.ls"
    printf '%s\n' "$output" >"$T/report.jsonl"
    python3 - "$T/s.ls" "$T/report.jsonl" <<'EOF'
import json, sys
want = {json.loads(l)["n"]: json.loads(l)["digest"] for l in open(sys.argv[1])}
lines = [json.loads(l) for l in open(sys.argv[2])]
kinds = [l["type"] for l in lines]
assert kinds[-1] == "summary" and kinds.count("summary") == 1, kinds
s = lines[-1]
lost = [l for l in lines if l["type"] == "lost"]
assert s["lost"] == sum(l["count"] for l in lost) > 0, (s, lost)
assert s["recovered"] + s["lost"] == s["total"] == 6, s
assert s["total_known"] is True and s["exit"] == 1, s
for l in lost:
    assert l["code"] == "QUIRE_E_CRC" and l["digest"] == want[l["article"]], l
assert sum(l["count"] for l in lines if l["type"] == "recovered") == s["recovered"]
c = json.loads(s["comment"])
assert c["salvaged_from"].endswith("d.qr") and c["lost"] == s["lost"], c
assert c["last_verified_root"] is not None and c["lost_ranges"], c
EOF
    run q verify -q "$T/o.qr"
    assert_success
}

@test "Reuters with 10 random 64-byte ranges overwritten: exactly the affected articles named, all others back" {
    require_reuters
    cp "$R" "$T/ten.qr"
    # ten ranges (fixed seed) inside the block area; the articles of every
    # block a range touches are the ones that must be named
    layout "$R" >"$T/layout"
    python3 - "$T/ten.qr" "$T/layout" "$T/lost" <<PY
$PART_REFS_PY
import random, sys
path, layout, lost_out = sys.argv[1:4]
blocks = [tuple(map(int, l.split())) for l in open(layout)]
lo, hi = blocks[0][0], blocks[-1][1]
rnd = random.Random(20261128)
d = bytearray(open(path, "rb").read())
hit = set()
for _ in range(10):
    at = rnd.randrange(lo, hi - 64)
    for i in range(at, at + 64):
        d[i] ^= 0xA5
    for k, (off, end, first, n) in enumerate(blocks):
        if off < at + 64 and at < end:
            hit.add(k)
lost = set()
for k in sorted(hit):
    off, end, first, n = blocks[k]
    lost.update(range(first, first + n))
# parts stored once (spec 5.6): an article whose record refers to a part of
# a lost article is lost with it; references point to earlier articles
refs = part_refs(path)
for a in sorted(refs):
    if a not in lost and refs[a] & lost:
        lost.add(a)
open(path, "wb").write(bytes(d))
with open(lost_out, "w") as f:
    for a in sorted(lost):
        print(a, file=f)
PY
    run --separate-stderr q salvage "$T/ten.qr" -o "$T/out.qr"
    assert_failure 1
    # every article of a damaged block is named, and no other
    grep -o 'article [0-9]* lost' <<<"$stderr" | awk '{print $2}' | sort -n >"$T/named"
    sort -n "$T/lost" >"$T/want"
    cmp "$T/named" "$T/want" || fail "named $(wc -l <"$T/named"), expected $(wc -l <"$T/want")"
    # every other article comes back with its digest, in order
    digests "$BATS_FILE_TMPDIR/reuters.ls" | awk 'NR==FNR {lost[$1+1]=1; next} !(FNR in lost)' "$T/lost" - >"$T/want.dg"
    q ls --json "$T/out.qr" >"$T/out.ls"
    assert_equal "$(digests "$T/out.ls")" "$(cat "$T/want.dg")"
    run q verify -q "$T/out.qr"
    assert_success
    # verify on the damaged file names the same articles
    run --separate-stderr q verify "$T/ten.qr"
    assert_failure 1
    printf '%s\n' "$stderr" >"$T/verify.err"
    python3 - "$T/want" "$T/verify.err" <<'PY'
import re, sys
want = {int(l) for l in open(sys.argv[1])}
named = set()
err = open(sys.argv[2]).read()
for a, b in re.findall(r"articles (\d+)\.\.(\d+) unreadable", err):
    named.update(range(int(a), int(b) + 1))
# an article of an intact block whose shared part (spec 5.6) was in a damaged one
named.update(int(a) for a in re.findall(r": article (\d+): ", err))
assert named == want, (len(named), len(want), sorted(named ^ want)[:10])
PY
}

@test "Reuters with the trailer deleted: everything recovered from the blocks" {
    require_reuters
    local size total
    size=$(file_size "$R")
    head -c $((size - 72)) "$R" >"$T/notrailer.qr"
    run --separate-stderr q salvage "$T/notrailer.qr" -o "$T/out.qr"
    total=$(wc -l <"$BATS_FILE_TMPDIR/reuters.ls")
    q ls --json "$T/out.qr" >"$T/out.ls"
    assert_equal "$(digests "$T/out.ls")" "$(digests "$BATS_FILE_TMPDIR/reuters.ls")"
    [ "$(wc -l <"$T/out.ls")" -eq "$total" ]
    run q verify -q "$T/out.qr"
    assert_success
}
