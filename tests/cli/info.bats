#!/usr/bin/env bats
# info.bats - quire info: plain and JSON descriptions of an archive.

# shellcheck disable=SC2154 # $stderr, $status, $output, $lines are set by bats' run
load helper

setup() {
    common_setup
    pack_sample "$T/s.qr"
}

@test "info: plain fields of the sample archive" {
    run --separate-stderr q info "$T/s.qr"
    assert_success
    assert_line --regexp '^format: +1\.0$'
    assert_line --regexp '^articles: +6$'
    assert_line --regexp '^blocks: +1$'
    assert_line --regexp "^file size: +$(file_size "$T/s.qr") bytes$"
    assert_line --regexp '^uncompressed: +[0-9]+ bytes \([0-9]+\.[0-9]{2}x\)$'
    assert_line --regexp '^index: +[0-9]+ bytes at offset [0-9]+$'
    # four articles have a URL, four have an ISO date
    assert_line --regexp '^URL entries: +4$'
    assert_line --regexp '^dated articles: +4$'
    assert_line --regexp '^published: +2023-03-14T00:00:00Z \.\. 2023-03-17T00:00:00Z$'
    assert_equal "$stderr" ""
}

@test "info --json: one object whose article count equals the input's" {
    local want
    want=$(grep -c . "$DATA/sample.jsonl")
    q info --json "$T/s.qr" >"$T/info.json"
    run python3 - "$T/info.json" "$want" "$(file_size "$T/s.qr")" <<'EOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
assert text.count("\n") == 1 and text.endswith("\n"), repr(text)
i = json.loads(text)
want, size = int(sys.argv[2]), int(sys.argv[3])
assert i["format"] == "1.0", i
assert i["articles"] == want, (i["articles"], want)
assert i["blocks"] == 1, i
assert i["file_size"] == size, (i["file_size"], size)
assert i["uncompressed_size"] > 0, i
assert i["urls"] == 4, i
assert i["dated"] == 4, i
assert i["first_date"] == "2023-03-14T00:00:00Z", i
assert i["last_date"] == "2023-03-17T00:00:00Z", i
# the index lies inside the file, after the blocks
assert 0 < i["index_offset"] and i["index_offset"] + i["index_size"] <= size, i
assert i["block_bytes"] <= i["index_offset"], i
for k in ("blocks", "block_bytes", "index_size", "dictionary_size", "checkpoint"):
    assert isinstance(i[k], int) and i[k] >= 0, (k, i)
print("ok")
EOF
    assert_success
    assert_output "ok"
}

@test "info: plain and --json agree" {
    run q info "$T/s.qr"
    local plain=$output
    local articles blocks size
    articles=$(info_field "$T/s.qr" articles)
    blocks=$(info_field "$T/s.qr" blocks)
    size=$(info_field "$T/s.qr" file_size)
    [[ "$plain" =~ articles:\ +$articles$'\n' ]] || fail "articles differ: $plain"
    [[ "$plain" =~ blocks:\ +$blocks$'\n' ]] || fail "blocks differ: $plain"
    [[ "$plain" =~ file\ size:\ +$size\ bytes ]] || fail "file size differs: $plain"
}

@test "info: the article count of a text archive equals the number of files" {
    pack_texts "$T/t.qr"
    assert_equal "$(info_field "$T/t.qr" articles)" "${#TEXTS[@]}"
    # two of them have a date lead: harbour-ferry and the seed
    assert_equal "$(info_field "$T/t.qr" dated)" 2
    assert_equal "$(info_field "$T/t.qr" first_date)" "2018-10-07T00:00:00Z"
    assert_equal "$(info_field "$T/t.qr" last_date)" "2024-05-02T00:00:00Z"
    assert_equal "$(info_field "$T/t.qr" urls)" 0
}

@test "info: counts grow with more inputs and more blocks" {
    mapfile -t inputs < <(printf "$DATA/%s\n" "${TEXTS[@]}")
    q pack -q -o "$T/all.qr" --block-size 1024 "$DATA/sample.jsonl" "${inputs[@]}"
    assert_equal "$(info_field "$T/all.qr" articles)" $((6 + ${#TEXTS[@]}))
    local b
    b=$(info_field "$T/all.qr" blocks)
    ((b > 1)) || fail "expected several blocks, got $b"
}

@test "info on an empty archive: 0 articles, no date range" {
    : >"$T/empty.jsonl"
    q pack -q -o "$T/e.qr" "$T/empty.jsonl"
    assert_equal "$(info_field "$T/e.qr" articles)" 0
    assert_equal "$(info_field "$T/e.qr" dated)" 0
    assert_equal "$(info_field "$T/e.qr" first_date)" "<absent>"
    run q info "$T/e.qr"
    assert_success
    assert_line --regexp '^articles: +0$'
    refute_line --partial "published:"
}

@test "info takes exactly one archive (exit 2 otherwise)" {
    run --separate-stderr q info
    assert_failure 2
    run --separate-stderr q info "$T/s.qr" "$T/s.qr"
    assert_failure 2
    run --separate-stderr q info --json
    assert_failure 2
}
