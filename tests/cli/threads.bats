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
