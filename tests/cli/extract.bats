#!/usr/bin/env bats
# extract.bats - quire extract: JSON Lines round trip and files in a directory.

# shellcheck disable=SC2154 # $stderr, $status, $output, $lines are set by bats' run
load helper

setup() {
    common_setup
    pack_sample "$T/s.qr"
}

@test "extract --jsonl gives back every input object (parsed JSON, exact equality)" {
    run --separate-stderr q extract "$T/s.qr" --jsonl
    assert_success
    assert_equal "$stderr" ""
    printf '%s\n' "$output" >"$T/out.jsonl"
    run python3 "$JSONL_COMPARE" "$DATA/sample.jsonl" "$T/out.jsonl"
    assert_success
    assert_output --partial "expected 6 objects, got 6, mismatches 0"
}

@test "extract --jsonl keeps number lexemes as written (1.50, 1e3, ...)" {
    q extract "$T/s.qr" --jsonl >"$T/out.jsonl"
    local lexeme
    for lexeme in '"fare":1.50' '"passengers":1e3' '"length_km":4.20' '"turnout":0.930' \
        '"bags_collected":2.5e1' '-3.25E-2' '"big":12345678901234567890' \
        '"avogadro":6.02E+23' '"ratio":-0.25' '"sunday":[11,15.5]'; do
        grep -qF -- "$lexeme" "$T/out.jsonl" || fail "lexeme $lexeme lost in: $(cat "$T/out.jsonl")"
    done
}

@test "extract --jsonl: nulls, missing keys, a non-ISO date and unicode escapes round-trip" {
    q extract "$T/s.qr" --jsonl >"$T/out.jsonl"
    run python3 - "$T/out.jsonl" <<'EOF'
import json, sys
o = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
# line 2: null values and an empty authors list stay as they are
assert o[1]["date"] is None and o[1]["url"] is None and o[1]["language"] is None, o[1]
assert o[1]["authors"] == [], o[1]
assert o[1]["extra"]["recount"] is None, o[1]
# line 3: missing keys are not invented
assert set(o[2]) == {"id", "title", "date", "text", "corpus"}, sorted(o[2])
# line 4: a date that is not ISO comes back as written
assert o[3]["date"] == "last Tuesday", o[3]
assert o[3]["authors"] == ["R\u00e9mi Fontaine"], o[3]
# line 5: escapes decoded to the same characters (astral plane included)
assert o[4]["title"] == "Caf\u00e9 owner \u201cdelighted\u201d by new street market \U0001F34E", o[4]
assert o[4]["keywords"] == ["market", "caf\u00e9"], o[4]
assert "a tab\there and a backslash \\ there" in o[4]["text"], o[4]
# line 6: an extension object holding a keywords list
assert o[5]["extra"]["keywords"] == ["library", "opening hours"], o[5]
print("ok")
EOF
    assert_success
    assert_output "ok"
}

@test "extract --jsonl -o FILE writes what stdout would" {
    q extract "$T/s.qr" --jsonl >"$T/stdout.jsonl"
    run --separate-stderr q extract "$T/s.qr" --jsonl -o "$T/file.jsonl"
    assert_success
    assert_equal "$output" ""
    cmp "$T/stdout.jsonl" "$T/file.jsonl"
}

@test "extract --jsonl of an archive of its own output is stable" {
    q extract "$T/s.qr" --jsonl >"$T/one.jsonl"
    q pack -q -o "$T/again.qr" "$T/one.jsonl"
    q extract "$T/again.qr" --jsonl >"$T/two.jsonl"
    cmp "$T/one.jsonl" "$T/two.jsonl"
}

@test "extract --jsonl of text articles: filename, date and text" {
    pack_texts "$T/t.qr"
    q extract "$T/t.qr" --jsonl >"$T/t.jsonl"
    run python3 - "$T/t.jsonl" "$DATA" "${TEXTS[@]}" <<'EOF'
import json, sys
o = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
names = sys.argv[3:]
assert len(o) == len(names), (len(o), names)
for obj, name in zip(o, names):
    assert obj["filename"] == name, obj
    want = open(f"{sys.argv[2]}/{name}", "rb").read().decode("utf-8")
    assert obj["text"] == want, name
assert o[0]["date"] == "2024-05-02" and "date" not in o[1], o[:2]
print("ok")
EOF
    assert_success
    assert_output "ok"
}

@test "extract --jsonl of a non-UTF-8 body gives it as a base64 part" {
    printf 'caf\xe9\n' >"$T/latin1.txt"
    q pack -q -o "$T/b.qr" "$T/latin1.txt"
    run q extract "$T/b.qr" --jsonl
    assert_success
    run python3 -c '
import base64, json, sys
o = json.loads(sys.argv[1])
assert "text" not in o, o
p = o["part:body"]
print(base64.b64decode(p["base64"]) == open(sys.argv[2], "rb").read())' "$output" "$T/latin1.txt"
    assert_output "True"
}

@test "extract -d DIR writes each text article back byte for byte under its name" {
    pack_texts "$T/t.qr"
    run --separate-stderr q extract "$T/t.qr" -d "$T/out"
    assert_success
    local f
    for f in "${TEXTS[@]}"; do
        cmp "$T/out/$f" "$DATA/$f" || fail "$f differs"
    done
    run bash -c 'ls -A "$T/out" | sort'
    assert_output "$(printf '%s\n' "${TEXTS[@]}" | sort)"
}

@test "extract -d DIR creates DIR; articles without a file name become N.txt" {
    run --separate-stderr q extract "$T/s.qr" -d "$T/new"
    assert_success
    local n
    for n in 0 1 2 3 4 5; do
        sample_text "$n" >"$T/want"
        cmp "$T/new/$n.txt" "$T/want" || fail "$n.txt differs"
    done
    run ls -A "$T/new"
    assert_equal "${#lines[@]}" 6
}

@test "extract -d never overwrites an existing file" {
    pack_texts "$T/t.qr"
    mkdir "$T/out"
    printf 'precious\n' >"$T/out/harbour-ferry.txt"
    run --separate-stderr q extract "$T/t.qr" -d "$T/out"
    # the existing file is intact, whatever the exit status
    assert_equal "$(cat "$T/out/harbour-ferry.txt")" "precious"
    # and the article was written under another name (documented: 'not overwritten',
    # the implementation keeps both), or extract said why it could not
    if [[ "$status" -eq 0 ]]; then
        local found=0 g
        for g in "$T/out"/*; do
            cmp -s "$g" "$DATA/harbour-ferry.txt" && found=1
        done
        ((found)) || fail "article 0 was not written anywhere: $(ls "$T/out")"
    else
        [[ "$stderr" == *harbour-ferry* ]] || fail "failed without naming the file: $stderr"
    fi
}

@test "extract -d twice into the same DIR: the first files are kept intact" {
    pack_texts "$T/t.qr"
    q extract "$T/t.qr" -d "$T/out"
    (cd "$T/out" && md5sum -- * >"$T/first.md5")
    run --separate-stderr q extract "$T/t.qr" -d "$T/out"
    (cd "$T/out" && md5sum -c --quiet "$T/first.md5") || fail "a file of the first extract changed"
    if [[ "$status" -eq 0 ]]; then
        # every article is there twice, byte for byte
        local f copies
        for f in "${TEXTS[@]}"; do
            copies=0
            for g in "$T/out"/*; do
                cmp -s "$g" "$DATA/$f" && copies=$((copies + 1))
            done
            assert_equal "$copies" 2
        done
    else
        [[ -n "$stderr" ]] || fail "second extract failed silently (exit $status)"
    fi
    # a third time: still nothing clobbered, and a failure is not silent
    (cd "$T/out" && md5sum -- * >"$T/second.md5")
    run --separate-stderr q extract "$T/t.qr" -d "$T/out"
    (cd "$T/out" && md5sum -c --quiet "$T/second.md5") || fail "a file of the second extract changed"
    [[ "$status" -eq 0 || -n "$stderr" ]] || fail "third extract failed silently (exit $status)"
}

@test "extract -d does not follow a file name out of DIR" {
    cat >"$T/names.jsonl" <<'EOF'
{"id": "up", "filename": "../escaped.txt", "text": "one"}
{"id": "sub", "filename": "sub/escaped.txt", "text": "two"}
{"id": "abs", "filename": "/tmp/quire-escaped-abs.txt", "text": "three"}
{"id": "hidden", "filename": ".hidden", "text": "four"}
{"id": "dots", "filename": "..", "text": "five"}
EOF
    q pack -q -o "$T/n.qr" "$T/names.jsonl"
    mkdir "$T/box"
    run --separate-stderr q extract "$T/n.qr" -d "$T/box/out"
    assert_success
    [[ ! -e "$T/box/escaped.txt" ]] || fail "wrote outside DIR via ../"
    [[ ! -e "$T/box/out/sub" ]] || fail "created a subdirectory from a file name"
    [[ ! -e /tmp/quire-escaped-abs.txt ]] || fail "wrote to an absolute path"
    [[ ! -e "$T/box/out/.hidden" ]] || fail "wrote a hidden file"
    # every body is still written, inside DIR
    run ls -A "$T/box/out"
    assert_equal "${#lines[@]}" 5
    assert_equal "$(cat "$T/box/out/0.txt")" "one"
    assert_equal "$(cat "$T/box/out/4.txt")" "five"
}

@test "extract -d restores a file name that is not UTF-8" {
    # pack keeps such a name (as bytes); -d is 'named after the packed file name'
    mkdir "$T/in"
    local name
    name=$(printf 'caf\xe9.txt')
    printf 'body\n' >"$T/in/$name"
    q pack -q -o "$T/n.qr" "$T/in"
    run --separate-stderr q extract "$T/n.qr" -d "$T/out"
    assert_success
    [[ -f "$T/out/$name" ]] || fail "written as: $(ls "$T/out")"
    cmp "$T/out/$name" "$T/in/$name"
}

@test "extract -d where DIR is a regular file exits 2" {
    : >"$T/plain"
    run --separate-stderr q extract "$T/s.qr" -d "$T/plain"
    assert_failure 2
    [[ "$stderr" == *"$T/plain"* ]] || fail "stderr: $stderr"
}

@test "extract needs ARCHIVE and exactly one of --jsonl, -d (exit 2)" {
    run --separate-stderr q extract "$T/s.qr"
    assert_failure 2
    run --separate-stderr q extract "$T/s.qr" --jsonl -d "$T/d"
    assert_failure 2
    [[ ! -e "$T/d" ]] || fail "created DIR on a usage error"
    run --separate-stderr q extract "$T/s.qr" -d "$T/d" -o "$T/x.jsonl"
    assert_failure 2
    run --separate-stderr q extract --jsonl
    assert_failure 2
    run --separate-stderr q extract "$T/s.qr" "$T/s.qr" --jsonl
    assert_failure 2
}

@test "extract on a terminal shows its progress, cleared at the end; not when the articles go there" {
    q pack -q -o "$T/a.quire" "$DATA"/*.txt "$DATA/sample.jsonl"
    n=$(q info "$T/a.quire" | sed -n 's/^articles: *//p')
    run on_tty "" "$QUIRE" extract -d "$T/out" "$T/a.quire"
    assert_success
    assert_output "quire: extract: 0 of $n articles (0%)"$'\e[K'
    run on_tty "" "$QUIRE" extract --jsonl "$T/a.quire"
    assert_success
    refute_output --partial "quire: extract:"
}
