#!/usr/bin/env bats
# ls.bats - quire ls: plain and JSON listings, date ranges.
#
# sample.jsonl, by article number:
#   0  2023-03-17                 quire-sample:0001
#   1  (null)                     quire-sample:0002
#   2  2023-03-15T09:30:00+02:00  quire-sample:0003  (07:30 UTC)
#   3  "last Tuesday" (not a date: kept as an extension, not dated)
#   4  2023-03-16T23:59:59Z       quire-sample:0005
#   5  2023-03-14                 quire-sample:0006

# shellcheck disable=SC2154 # $stderr, $status, $output, $lines are set by bats' run
load helper

setup() {
    common_setup
    pack_sample "$T/s.qr"
}

# ls_n ARGS...: the article numbers 'quire ls' prints, space-separated;
# fails the test if ls does not exit 0.
ls_n() {
    local out
    out=$(q ls "$T/s.qr" "$@") || fail "quire ls $* exited $?"
    cut -f1 <<<"$out" | paste -sd' '
}

@test "ls: one tab-separated line per article: number, date, id, title" {
    run --separate-stderr q ls "$T/s.qr"
    assert_success
    assert_equal "${#lines[@]}" 6
    assert_line --index 0 $'0\t2023-03-17\tquire-sample:0001\tHarbour ferry returns after winter repairs'
    assert_line --index 1 $'1\t-\tquire-sample:0002\tAllotment society elects a new chair'
    assert_line --index 2 $'2\t2023-03-15T09:30:00+02:00\tquire-sample:0003\tBakery wins regional bread prize'
    assert_line --index 3 $'3\t-\tquire-sample:0004\tVolunteers clear the canal towpath'
    assert_line --index 4 $'4\t2023-03-16T23:59:59Z\tquire-sample:0005\tCafé owner “delighted” by new street market 🍎'
    assert_line --index 5 $'5\t2023-03-14\tquire-sample:0006\tLibrary extends weekend opening hours'
    assert_equal "$stderr" ""
}

@test "ls: text articles show their file name in place of an id" {
    pack_texts "$T/t.qr"
    run q ls "$T/t.qr"
    assert_success
    assert_equal "${#lines[@]}" "${#TEXTS[@]}"
    assert_line --index 0 $'0\t2024-05-02\tharbour-ferry.txt\t'
    assert_line --index 2 $'2\t-\tcouncil-crlf.txt\t'
}

@test "ls --json: one valid JSON object per line with n, digest, id, title, date, url" {
    q ls --json "$T/s.qr" >"$T/ls.jsonl"
    run python3 - "$T/ls.jsonl" "$DATA/sample.jsonl" <<'EOF'
import json, re, sys
got = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
src = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
assert len(got) == len(src), (len(got), len(src))
digests = set()
for n, (g, s) in enumerate(zip(got, src)):
    assert g["n"] == n, g
    assert re.fullmatch(r"[0-9a-f]{64}", g["digest"]), g
    digests.add(g["digest"])
    assert g["id"] == s["id"], (g, s)
    assert g["title"] == s["title"], (g, s)
    # url and date only when the article has them (a non-ISO date is no date)
    assert g.get("url") == s.get("url"), (g, s)
    want_date = s.get("date") if s.get("date") not in (None, "last Tuesday") else None
    assert g.get("date") == want_date, (g, s)
    assert set(g) <= {"n", "digest", "id", "title", "date", "url", "filename"}, g
assert len(digests) == len(got), "digests are not distinct"
print("ok")
EOF
    assert_success
    assert_output "ok"
}

@test "ls --json on text articles gives their file names" {
    pack_texts "$T/t.qr"
    run bash -c '"$QUIRE" ls --json "$T/t.qr" | python3 -c "
import json, sys
print(\" \".join(json.loads(l)[\"filename\"] for l in sys.stdin))"'
    assert_success
    assert_output "${TEXTS[*]}"
}

@test "ls --json escapes control characters, quotes and backslashes" {
    printf '%s\n' '{"id":"ctl","title":"tab\there \"q\" back\\slash \u0001 end","text":"x"}' >"$T/c.jsonl"
    q pack -q -o "$T/c.qr" "$T/c.jsonl"
    run bash -c '"$QUIRE" ls --json "$T/c.qr" | python3 -c "
import json, sys
print(repr(json.loads(sys.stdin.readline())[\"title\"]))"'
    assert_success
    assert_output "'tab\\there \"q\" back\\\\slash \\x01 end'"
}

@test "plain ls keeps one line and four fields per article when a title holds tabs or newlines" {
    printf '%s\n' '{"id":"x\ty","title":"line one\nline two\tcol","text":"x"}' >"$T/c.jsonl"
    q pack -q -o "$T/c.qr" "$T/c.jsonl"
    run q ls "$T/c.qr"
    assert_success
    assert_equal "${#lines[@]}" 1
    local tabs=${output//[^$'\t']/}
    assert_equal "${#tabs}" 3
}

@test "--since and --until are inclusive and list in date order" {
    assert_equal "$(ls_n --since 1900-01-01)" "5 2 4 0"
    assert_equal "$(ls_n --until 2999-12-31)" "5 2 4 0"
    assert_equal "$(ls_n --since 2023-03-14 --until 2023-03-14)" "5"
    assert_equal "$(ls_n --since 2023-03-17)" "0"
    assert_equal "$(ls_n --since 2023-03-17T00:00:00Z)" "0"
    assert_equal "$(ls_n --since 2023-03-17T00:00:01Z)" ""
    assert_equal "$(ls_n --since 2023-03-16T23:59:59Z)" "4 0"
    assert_equal "$(ls_n --until 2023-03-16T23:59:59Z)" "5 2 4"
    assert_equal "$(ls_n --until 2023-03-16T23:59:58Z)" "5 2"
    assert_equal "$(ls_n --since 2023-03-15 --until 2023-03-16)" "2 4"
}

@test "a bare --until date covers its whole day" {
    # 2023-03-16T23:59:59Z is the last second of the 16th
    assert_equal "$(ls_n --until 2023-03-16)" "5 2 4"
    assert_equal "$(ls_n --until 2023-03-15)" "5 2"
    assert_equal "$(ls_n --until 2023-03-13)" ""
    # with a time it does not
    assert_equal "$(ls_n --until 2023-03-16T00:00)" "5 2"
}

@test "date bounds honour time zone offsets" {
    # article 2 is 2023-03-15T09:30:00+02:00 = 07:30 UTC
    assert_equal "$(ls_n --since 2023-03-15T07:30:00Z --until 2023-03-15T07:30:00Z)" "2"
    assert_equal "$(ls_n --since 2023-03-15T08:00+02:00 --until 2023-03-15T08:00Z)" "2"
    assert_equal "$(ls_n --since 2023-03-15T07:31Z --until 2023-03-16)" "4"
    assert_equal "$(ls_n --since 2023-03-15T09:30:00+02:00 --until 2023-03-15T09:30:00+02:00)" "2"
    assert_equal "$(ls_n --until 2023-03-15T09:29:59+02:00 --since 2023-03-15)" ""
}

@test "--since after --until lists nothing and exits 0" {
    run q ls "$T/s.qr" --since 2023-03-17 --until 2023-03-14
    assert_success
    assert_output ""
}

@test "--json combines with --since/--until" {
    run bash -c '"$QUIRE" ls --json --since 2023-03-15 --until 2023-03-16 "$T/s.qr" |
        python3 -c "
import json, sys
print(\" \".join(json.loads(l)[\"id\"] for l in sys.stdin))"'
    assert_success
    assert_output "quire-sample:0003 quire-sample:0005"
}

@test "a date range on an archive without dates lists nothing (exit 0)" {
    q pack -q -o "$T/u.qr" "$DATA/festival-accents.txt" "$DATA/library-reopens.txt"
    run q ls "$T/u.qr" --since 1900-01-01
    assert_success
    assert_output ""
    run q ls "$T/u.qr"
    assert_success
    assert_equal "${#lines[@]}" 2
}

@test "an invalid date exits 2 and names the value" {
    local bad
    for bad in "yesterday" "last Tuesday" "2023-02-30" "2023-13-01" "2023-3-1" "23-03-01" \
        "2023-03-15T25:00" "2023-03-15T10:61" "2023-03-15 10:00" "20230315" ""; do
        run --separate-stderr q ls "$T/s.qr" --since "$bad"
        [[ "$status" -eq 2 ]] || fail "--since '$bad': exit $status, expected 2"
        [[ "$stderr" == *"'$bad'"* ]] || fail "--since '$bad': value not named: $stderr"
        run --separate-stderr q ls "$T/s.qr" --until "$bad"
        [[ "$status" -eq 2 ]] || fail "--until '$bad': exit $status, expected 2"
        assert_equal "$output" ""
    done
}

@test "ls takes exactly one archive (exit 2 otherwise)" {
    run --separate-stderr q ls "$T/s.qr" "$T/s.qr"
    assert_failure 2
    run --separate-stderr q ls --json
    assert_failure 2
}
