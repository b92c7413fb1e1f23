#!/usr/bin/env bats
# cat.bats - quire cat: by number, URL and digest; parts; metadata; errors.

# shellcheck disable=SC2154 # $stderr, $status, $output, $lines are set by bats' run
load helper

setup() {
    common_setup
    pack_texts "$T/t.qr"
    pack_sample "$T/s.qr"
}

# digest_of ARCHIVE N: the digest 'ls --json' gives article N
digest_of() {
    q ls --json "$1" | python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    if o["n"] == int(sys.argv[1]):
        print(o["digest"])' "$2"
}

@test "cat N writes each text article back byte for byte (UTF-8, CRLF, the seed)" {
    local i
    for i in "${!TEXTS[@]}"; do
        q cat "$T/t.qr" "$i" >"$T/out.$i"
        cmp "$T/out.$i" "$DATA/${TEXTS[$i]}" || fail "article $i differs from ${TEXTS[$i]}"
    done
    # the CRLF file really has CRs (the test would be void otherwise)
    grep -q $'\r' "$T/out.2" || fail "CRLF file lost its CRs"
}

@test "cat N on a JSON Lines archive writes the 'text' value, byte for byte" {
    local n
    for n in 0 1 2 3 4 5; do
        sample_text "$n" >"$T/want.$n"
        q cat "$T/s.qr" "$n" >"$T/got.$n"
        cmp "$T/want.$n" "$T/got.$n" || fail "article $n differs"
    done
}

@test "cat --part body is the default part" {
    q cat "$T/t.qr" 1 --part body >"$T/a"
    q cat "$T/t.qr" 1 >"$T/b"
    cmp "$T/a" "$T/b"
    cmp "$T/a" "$DATA/festival-accents.txt"
}

@test "cat --url finds the article with that URL" {
    q cat "$T/s.qr" --url 'https://news.example.org/street-market?ref=rss&lang=en' >"$T/got"
    sample_text 4 >"$T/want"
    cmp "$T/want" "$T/got"
    q cat "$T/s.qr" --url https://news.example.org/library-hours >"$T/got"
    sample_text 5 >"$T/want"
    cmp "$T/want" "$T/got"
}

@test "cat --url also finds an article by its capture URL, and by a non-ASCII URL" {
    cat >"$T/u.jsonl" <<'EOF'
{"id":"a","url":"https://ex.example/a","capture_url":"https://archive.example/2020/https://ex.example/a","text":"A"}
{"id":"b","url":"https://ex.example/b","text":"B"}
{"id":"c","url":"https://ex.example/caf\u00e9?q=\u00fc","text":"C"}
EOF
    q pack -q -o "$T/u.qr" "$T/u.jsonl"
    assert_equal "$(q cat "$T/u.qr" --url https://archive.example/2020/https://ex.example/a)" "A"
    assert_equal "$(q cat "$T/u.qr" --url https://ex.example/a)" "A"
    assert_equal "$(q cat "$T/u.qr" --url https://ex.example/b)" "B"
    assert_equal "$(q cat "$T/u.qr" --url 'https://ex.example/café?q=ü')" "C"
    # URLs are matched exactly
    run q cat "$T/u.qr" --url https://EX.example/b
    assert_failure 1
}

@test "cat --url with an unknown URL exits 1 and names it" {
    run --separate-stderr q cat "$T/s.qr" --url https://news.example.org/nowhere
    assert_failure 1
    assert_equal "$output" ""
    [[ "$stderr" == *"https://news.example.org/nowhere"* ]] || fail "stderr: $stderr"
    # a URL that is only a prefix of a packed one is not a match
    run --separate-stderr q cat "$T/s.qr" --url https://news.example.org/street-market
    assert_failure 1
}

@test "cat --digest (taken from ls --json) finds the same article as cat N" {
    local n d
    for n in 0 3 5; do
        d=$(digest_of "$T/s.qr" "$n")
        [[ "$d" =~ ^[0-9a-f]{64}$ ]] || fail "bad digest from ls --json: '$d'"
        q cat "$T/s.qr" --digest "$d" >"$T/by-digest"
        q cat "$T/s.qr" "$n" >"$T/by-number"
        cmp "$T/by-digest" "$T/by-number"
    done
    # text archive too, including the seed
    d=$(digest_of "$T/t.qr" 4)
    q cat "$T/t.qr" --digest "$d" >"$T/seed"
    cmp "$T/seed" "$DATA/$SEED"
}

@test "cat --digest accepts upper-case hex digits" {
    local d
    d=$(digest_of "$T/s.qr" 2)
    q cat "$T/s.qr" --digest "${d^^}" >"$T/got"
    sample_text 2 >"$T/want"
    cmp "$T/want" "$T/got"
}

@test "cat --digest with a well-formed but unknown digest exits 1" {
    local d
    d=$(digest_of "$T/s.qr" 0)
    # change the last digit
    local last=${d: -1}
    [[ "$last" == 0 ]] && last=1 || last=0
    run --separate-stderr q cat "$T/s.qr" --digest "${d:0:63}$last"
    assert_failure 1
    assert_equal "$output" ""
    [[ "$stderr" == *"no article with digest"* ]] || fail "stderr: $stderr"
    # a digest from another archive is not in this one
    run --separate-stderr q cat "$T/t.qr" --digest "$d"
    assert_failure 1
}

@test "cat --digest with bad syntax exits 2" {
    local d bad
    d=$(digest_of "$T/s.qr" 0)
    for bad in "xyz" "" "${d:0:63}" "${d}0" "${d:0:63}g" "${d:0:62} 0" "-${d:1}"; do
        run --separate-stderr q cat "$T/s.qr" --digest "$bad"
        [[ "$status" -eq 2 ]] || fail "--digest '$bad': exit $status, expected 2"
        assert_equal "$output" ""
    done
}

@test "cat --part with an unknown part exits 1 and lists the article's parts" {
    run --separate-stderr q cat "$T/t.qr" 0 --part nosuchpart
    assert_failure 1
    assert_equal "$output" ""
    [[ "$stderr" == *"nosuchpart"* ]] || fail "part not named: $stderr"
    [[ "$stderr" == *"parts: body"* ]] || fail "parts not listed: $stderr"
}

@test "cat --meta prints the metadata as one JSON object" {
    run --separate-stderr q cat "$T/s.qr" 0 --meta
    assert_success
    assert_equal "${#lines[@]}" 1
    run python3 -c '
import json, sys
m = json.loads(sys.argv[1])
assert m["id"] == "quire-sample:0001", m
assert m["date"] == "2023-03-17", m
assert m["authors"] == ["Maren Holt", "Idris Bello"], m
assert m["keywords"] == ["ferry", "harbour", "transport"], m
assert m["corpus"] == "quire-sample", m
assert m["extra"]["route"]["stops"] == ["North Quay", "Mill Point"], m
print("ok")' "$output"
    assert_success
    assert_output "ok"
}

@test "cat --meta of a text article has its file name and date" {
    run --separate-stderr q cat "$T/t.qr" 0 --meta
    assert_success
    run python3 -c '
import json, sys
m = json.loads(sys.argv[1])
print(m.get("filename"), m.get("date"))' "$output"
    assert_output "harbour-ferry.txt 2024-05-02"
}

@test "cat --meta works with --url and --digest" {
    run q cat "$T/s.qr" --url https://news.example.org/canal-towpath --meta
    assert_success
    assert_output --partial '"id":"quire-sample:0004"'
    assert_output --partial '"date":"last Tuesday"'
    run q cat "$T/s.qr" --digest "$(digest_of "$T/s.qr" 1)" --meta
    assert_success
    assert_output --partial '"id":"quire-sample:0002"'
    assert_output --partial '"url":null'
}

@test "cat with an article number out of range exits 1 and gives the count" {
    local n
    for n in 6 7 1000 18446744073709551615; do
        run --separate-stderr q cat "$T/s.qr" "$n"
        [[ "$status" -eq 1 ]] || fail "cat $n: exit $status, expected 1"
        assert_equal "$output" ""
        [[ "$stderr" == *"has 6"* ]] || fail "cat $n: count not given: $stderr"
    done
}

@test "cat with a number that is not a number exits 2" {
    local bad
    for bad in abc 1x -1 " 1" 0x1 99999999999999999999; do
        run --separate-stderr q cat "$T/s.qr" -- "$bad"
        [[ "$status" -eq 2 ]] || fail "cat '$bad': exit $status, expected 2"
    done
}

@test "cat needs exactly one of N, --url, --digest (exit 2)" {
    run --separate-stderr q cat "$T/s.qr"
    assert_failure 2
    run --separate-stderr q cat "$T/s.qr" 0 --url https://news.example.org/library-hours
    assert_failure 2
    run --separate-stderr q cat "$T/s.qr" --url https://news.example.org/library-hours \
        --digest "$(digest_of "$T/s.qr" 0)"
    assert_failure 2
    run --separate-stderr q cat "$T/s.qr" 0 1
    assert_failure 2
}

@test "cat writes a non-UTF-8 body and an empty body exactly" {
    printf 'caf\xe9\r\n\x00\xff' >"$T/bin.txt"
    : >"$T/empty.txt"
    q pack -q -o "$T/b.qr" "$T/bin.txt" "$T/empty.txt"
    q cat "$T/b.qr" 0 >"$T/got0"
    cmp "$T/got0" "$T/bin.txt"
    q cat "$T/b.qr" 1 >"$T/got1"
    cmp "$T/got1" "$T/empty.txt"
}

@test "cat of an article stored in a later block (small --block-size)" {
    mapfile -t inputs < <(printf "$DATA/%s\n" "${TEXTS[@]}")
    q pack -q -o "$T/small.qr" --block-size 1024 "${inputs[@]}"
    local i
    for i in "${!TEXTS[@]}"; do
        q cat "$T/small.qr" "$i" >"$T/out.$i"
        cmp "$T/out.$i" "$DATA/${TEXTS[$i]}"
    done
}
