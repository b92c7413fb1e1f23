#!/usr/bin/env bats
# quire append: new checkpoints after the old bytes, a verified chain, and
# interrupted appends that leave the last complete checkpoint intact.

load helper

keys() {
    q keygen -W -p "$T/k.pub" -s "$T/k.key" >/dev/null
}

@test "append adds a checkpoint; no existing byte changes; the chain verifies" {
    keys
    q pack -q -o "$T/a.quire" --sign "$T/k.key" "$DATA"/*.txt
    cp "$T/a.quire" "$T/old.quire"
    old_size=$(stat -c %s "$T/old.quire")
    old_digest=$(sha256sum <"$T/old.quire" | cut -d' ' -f1)
    run q append "$T/a.quire" --sign "$T/k.key" "$DATA/sample.jsonl"
    assert_success
    assert_output --partial "appended 6 articles"
    # the old prefix is byte for byte what it was
    new_prefix=$(head -c "$old_size" "$T/a.quire" | sha256sum | cut -d' ' -f1)
    [ "$new_prefix" = "$old_digest" ]
    run q verify "$T/a.quire" -p "$T/k.pub" --json
    assert_success
    summary=$(tail -1 <<<"$output")
    python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["checkpoint"]==1 and s["articles"]==11 and s["valid"], s' "$summary"
    # every article reads back, old and new
    run q ls "$T/a.quire"
    assert_success
    [ "$(wc -l <<<"$output")" -eq 11 ]
    run q cat "$T/a.quire" 0
    assert_success
    cmp <(q cat "$T/a.quire" 0) "$DATA/${TEXTS[2]}" || cmp <(q cat "$T/a.quire" 0) "$DATA/council-crlf.txt"
}

@test "three appends make checkpoints 1..3 and keep the archive id" {
    q pack -q -o "$T/a.quire" "$DATA/harbour-ferry.txt"
    id0=$(q info --json "$T/a.quire" | python3 -c 'import json,sys; print(json.load(sys.stdin)["archive_id"])')
    for f in festival-accents.txt council-crlf.txt library-reopens.txt; do
        q append -q "$T/a.quire" "$DATA/$f"
    done
    run q info --json "$T/a.quire"
    assert_success
    python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["checkpoint"]==3 and s["articles"]==4 and s["archive_id"]==sys.argv[2], s' "$output" "$id0"
    run q verify "$T/a.quire"
    assert_success
}

@test "a rewritten history fails: an older seal no longer matches the articles" {
    keys
    q pack -q -o "$T/a.quire" --sign "$T/k.key" "$DATA/harbour-ferry.txt" "$DATA/festival-accents.txt"
    q append -q "$T/a.quire" --sign "$T/k.key" "$DATA/council-crlf.txt"
    # the key holder rebuilds checkpoint 1 over different first articles,
    # keeping the old checkpoint 0 seal in the file: the chain breaks
    id=$(q info --json "$T/a.quire" | python3 -c 'import json,sys; print(json.load(sys.stdin)["archive_id"])')
    q pack -q -o "$T/b.quire" --archive-id "$id" --sign "$T/k.key" "$DATA/library-reopens.txt" "$DATA/festival-accents.txt"
    q append -q "$T/b.quire" --sign "$T/k.key" "$DATA/council-crlf.txt"
    python3 - "$T/a.quire" "$T/b.quire" "$T/c.quire" <<'EOF'
import struct, sys
a = open(sys.argv[1], 'rb').read()
b = open(sys.argv[2], 'rb').read()
def first_seal(d):
    off = 16
    while off < len(d):
        t, fl, ln = d[off:off+4], *struct.unpack('<II', d[off+4:off+12])
        if t == b'SEAL':
            return off, 16 + ln
        off += 16 + ln
sa, la = first_seal(a)
sb, lb = first_seal(b)
assert la == lb
# graft a's checkpoint-0 seal into b: same size, so every offset stays valid
c = b[:sb] + a[sa:sa+la] + b[sb+lb:]
open(sys.argv[3], 'wb').write(c)
EOF
    run q verify "$T/c.quire" -p "$T/k.pub"
    assert_failure 1
    assert_output --partial "QUIRE_E_CHAIN"
}

@test "a torn tail after the last checkpoint: readers use the checkpoint, verify names it, append cuts it" {
    q pack -q -o "$T/a.quire" "$DATA"/*.txt
    size=$(stat -c %s "$T/a.quire")
    head -c 3000 /dev/urandom >>"$T/a.quire"
    run q ls "$T/a.quire"
    assert_success
    [ "$(wc -l <<<"$output")" -eq 5 ]
    run q verify "$T/a.quire"
    assert_success
    assert_output --partial "torn tail"
    assert_output --partial "3000 bytes"
    run q append -q "$T/a.quire" "$DATA/sample.jsonl"
    assert_success
    run q verify "$T/a.quire"
    assert_success
    refute_output --partial "torn tail"
    run q ls "$T/a.quire"
    [ "$(wc -l <<<"$output")" -eq 11 ]
    # the first checkpoint's bytes are unchanged
    cmp -n "$size" "$T/a.quire" <(q pack -q -o - "$DATA"/*.txt)
}

@test "append killed with SIGKILL at many points: the last complete checkpoint always verifies" {
    require_corpus
    q pack -q -o "$T/a.quire" "$DATA"/*.txt
    size0=$(stat -c %s "$T/a.quire")
    sum0=$(sha256sum <"$T/a.quire" | cut -d' ' -f1)
    big="$CORPUS/news/reuters21578-train.jsonl"
    torn=0
    for i in $(seq 1 12); do
        # kill after a pseudo-random delay between 5 and 400 ms
        delay=$(python3 -c "import random; random.seed($i); print(random.randint(5, 400) / 1000)")
        # the command itself in the background (not a shell function, whose
        # subshell would die while quire went on)
        "$QUIRE" append -q "$T/a.quire" "$big" &
        pid=$!
        sleep "$delay"
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        # whatever happened, the archive opens at a complete checkpoint that verifies
        run q verify --fast "$T/a.quire"
        [ "$status" -eq 0 ] || { echo "after kill $i (delay $delay): $output"; false; }
        if grep -q "torn tail" <<<"$output"; then torn=$((torn + 1)); fi
        # and the first checkpoint's bytes never changed
        [ "$(head -c "$size0" "$T/a.quire" | sha256sum | cut -d' ' -f1)" = "$sum0" ]
        n=$(q info --json "$T/a.quire" | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')
        [ $(( (n - 5) % 14293 )) -eq 0 ]
    done
    # the kills did land mid-append (else this test proves nothing)
    [ "$torn" -ge 3 ] || { echo "only $torn of 12 kills left a torn tail"; false; }
    # a full verification of the final state
    run q verify "$T/a.quire"
    assert_success
}

@test "identical parts are stored once, in one pack and across appends (dedup)" {
    keys
    # 20 articles sharing one 4 KiB body, at level 0 so sizes show the bytes stored
    python3 - "$T" <<'PY'
import json, random, sys
random.seed(7)
body = ''.join(random.choice('abcdefghij ') for _ in range(4096))
with open(sys.argv[1] + '/dup.jsonl', 'w') as f:
    for i in range(20):
        f.write(json.dumps({'id': 'd%d' % i, 'title': 'copy %d' % i, 'text': body}) + '\n')
with open(sys.argv[1] + '/more.jsonl', 'w') as f:
    for i in range(5):
        f.write(json.dumps({'id': 'm%d' % i, 'title': 'later copy %d' % i, 'text': body}) + '\n')
PY
    q pack -q -l 0 --no-dictionary -o "$T/full.quire" --no-dedup "$T/dup.jsonl"
    q pack -q -l 0 --no-dictionary -o "$T/d.quire" --sign "$T/k.key" "$T/dup.jsonl"
    full=$(stat -c %s "$T/full.quire")
    dedup=$(stat -c %s "$T/d.quire")
    # 19 of the 20 bodies are references of 12 bytes
    [ $((full - dedup)) -gt $((19 * 4000)) ]
    # every reader sees every part in full: the same JSON as without dedup
    cmp <(q extract --jsonl "$T/d.quire") <(q extract --jsonl "$T/full.quire")
    # the same articles, the same digests: the same Merkle root
    q verify --json "$T/d.quire" | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["root"])' >"$T/r1"
    q verify --json "$T/full.quire" | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["root"])' >"$T/r2"
    cmp "$T/r1" "$T/r2"
    # appending the same body again stores 5 references, not 5 bodies
    before=$(stat -c %s "$T/d.quire")
    run q append -l 0 "$T/d.quire" --sign "$T/k.key" "$T/more.jsonl"
    assert_success
    after=$(stat -c %s "$T/d.quire")
    [ $((after - before)) -lt 4096 ]
    run q verify "$T/d.quire" -p "$T/k.pub"
    assert_success
    run q cat "$T/d.quire" 24
    assert_success
    [ "${#output}" -eq 4096 ]
}
