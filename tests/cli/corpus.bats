#!/usr/bin/env bats
# corpus.bats - round trips over the shared third-party corpus.
#
# The corpus lives outside the repository, at ../shared/corpus relative to the
# project root (see its README.md). It is never copied here. When it is absent
# every test below FAILS with a message saying where it was looked for.

# shellcheck disable=SC2154 # $stderr, $status, $output, $lines are set by bats' run
load helper

setup() {
    common_setup
    require_corpus
}

@test "corpus: every news/*.jsonl packs and extracts back object for object" {
    local files=("$CORPUS"/news/*.jsonl) f name
    [[ -f "${files[0]}" ]] || fail "no news/*.jsonl in $CORPUS"
    for f in "${files[@]}"; do
        name=$(basename "$f" .jsonl)
        run --separate-stderr q pack -q -o "$T/$name.qr" "$f"
        [[ "$status" -eq 0 ]] || fail "$name: pack exited $status: $stderr"
        q extract "$T/$name.qr" --jsonl -o "$T/$name.out" || fail "$name: extract exited $?"
        run python3 "$JSONL_COMPARE" "$f" "$T/$name.out"
        [[ "$status" -eq 0 ]] || fail "$name: round trip differs: $output"
        # the archive holds as many articles as the file has lines
        assert_equal "$(info_field "$T/$name.qr" articles)" "$(grep -c . "$f")"
        rm -f "$T/$name.out"
    done
}

@test "corpus: the seed article packs and cat returns it byte for byte, dated 2018-10-07" {
    local seed="$CORPUS/seed/$SEED"
    run --separate-stderr q pack -q -o "$T/seed.qr" "$seed"
    assert_success
    q cat "$T/seed.qr" 0 >"$T/seed.out"
    cmp "$T/seed.out" "$seed"
    run q ls --json "$T/seed.qr"
    assert_success
    assert_output --partial '"date":"2018-10-07"'
    # the copy shipped in tests/data is the same file
    cmp "$seed" "$DATA/$SEED"
}

@test "corpus: the seed article comes back under its name with extract -d" {
    q pack -q -o "$T/seed.qr" "$CORPUS/seed/$SEED"
    q extract "$T/seed.qr" -d "$T/out"
    cmp "$T/out/$SEED" "$CORPUS/seed/$SEED"
}

@test "corpus: Reuters date index: --since/--until on one day matches the dates in the file" {
    local f="$CORPUS/news/reuters21578-train.jsonl"
    [[ -f "$f" ]] || fail "missing $f"
    q pack -q -o "$T/r.qr" "$f"
    local day want got
    for day in 1987-02-26 1987-03-02 1987-04-07; do
        want=$(python3 -c '
import json, sys
print(sum(1 for l in open(sys.argv[1], encoding="utf-8")
          if (json.loads(l).get("date") or "").startswith(sys.argv[2])))' "$f" "$day")
        got=$(q ls "$T/r.qr" --since "$day" --until "$day" | wc -l)
        assert_equal "$got" "$want"
    done
    # and the listing is in date order
    run bash -c '"$QUIRE" ls "$T/r.qr" --since 1987-03-01 --until 1987-03-31 | cut -f2 |
        python3 -c "import sys; d=[l.strip() for l in sys.stdin]; print(len(d) > 0 and d == sorted(d))"'
    assert_output "True"
}

@test "corpus: Reuters packs with a paged index that verify checks whole" {
    local f="$CORPUS/news/reuters21578-train.jsonl"
    [[ -f "$f" ]] || fail "missing $f"
    q pack -q -o "$T/r.qr" "$f"
    # 14,293 articles: an index of about 160 pages of 4 KiB, and a Merkle
    # tree of three whole chunks of 4,096 leaves and a tail (spec 7.1, 13.3)
    run "$QUIRE" verify --json "$T/r.qr"
    assert_success
    assert_output --partial '"articles":14293'
    assert_output --partial '"valid":true'
    # one article read through the pages: the same as the line it came from
    run bash -c '"$QUIRE" cat "$T/r.qr" 9000 --meta | python3 -c "import json,sys; print(json.load(sys.stdin)[\"id\"])"'
    assert_output "$(sed -n 9001p "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
}

@test "corpus: cat --url finds politifact articles by their URL" {
    local f="$CORPUS/news/fakenewsnet-politifact-real.jsonl"
    [[ -f "$f" ]] || fail "missing $f"
    q pack -q -o "$T/p.qr" "$f"
    run python3 - "$QUIRE" "$T/p.qr" "$f" <<'EOF'
import collections, json, subprocess, sys
quire, arc, src = sys.argv[1:4]
arts = [json.loads(l) for l in open(src, encoding="utf-8") if l.strip()]
count = collections.Counter(a.get("url") for a in arts)
checked = bad = 0
for a in arts:
    url = a.get("url")
    if not url or count[url] != 1 or not isinstance(a.get("text"), str):
        continue
    p = subprocess.run([quire, "cat", arc, "--url", url], capture_output=True)
    if p.returncode != 0 or p.stdout != a["text"].encode("utf-8"):
        bad += 1
        if bad <= 3:
            print("mismatch for", url, p.returncode, p.stderr[:200])
    checked += 1
    if checked == 40:
        break
print("checked", checked, "bad", bad)
sys.exit(0 if checked == 40 and bad == 0 else 1)
EOF
    assert_success
    assert_output --partial "checked 40 bad 0"
}

@test "corpus: packing a corpus file twice gives identical bytes" {
    local f="$CORPUS/news/bbc-fulltext.jsonl"
    [[ -f "$f" ]] || fail "missing $f"
    q pack -q -o "$T/a.qr" "$f"
    q pack -q -o "$T/b.qr" "$f"
    cmp "$T/a.qr" "$T/b.qr"
}
