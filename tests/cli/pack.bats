#!/usr/bin/env bats
# pack.bats - quire pack: inputs, options, failure modes, determinism.

# shellcheck disable=SC2154 # $stderr, $status, $output, $lines are set by bats' run
load helper

# ids of sample.jsonl, in file order
SAMPLE_IDS="quire-sample:0001 quire-sample:0002 quire-sample:0003 quire-sample:0004 quire-sample:0005 quire-sample:0006"

# ls_col ARCHIVE KEY: the KEY of every 'ls --json' line, space-separated.
ls_col() {
    q ls --json "$1" | python3 -c '
import json, sys
print(" ".join(str(json.loads(l).get(sys.argv[1], "-")) for l in sys.stdin))' "$2"
}

# text_inputs: the text articles as paths, TEXTS order
text_inputs() {
    local f
    for f in "${TEXTS[@]}"; do
        printf '%s\n' "$DATA/$f"
    done
}

@test "pack a JSON Lines file: exit 0, every line is an article, in order" {
    run --separate-stderr q pack -o "$T/s.qr" "$DATA/sample.jsonl"
    assert_success
    [[ "$stderr" == *"packed 6 articles"* ]] || fail "no summary on stderr: $stderr"
    [[ -s "$T/s.qr" ]] || fail "no archive written"
    assert_equal "$(info_field "$T/s.qr" articles)" 6
    assert_equal "$(ls_col "$T/s.qr" id)" "$SAMPLE_IDS"
}

@test "pack text files: one article per file, named after the file, in argument order" {
    mapfile -t inputs < <(text_inputs)
    run --separate-stderr q pack -o "$T/t.qr" "${inputs[@]}"
    assert_success
    assert_equal "$(info_field "$T/t.qr" articles)" "${#TEXTS[@]}"
    assert_equal "$(ls_col "$T/t.qr" filename)" "${TEXTS[*]}"
    # the file name is kept without its directories
    run q cat "$T/t.qr" 0 --meta
    assert_success
    refute_output --partial "$DATA"
}

@test "pack a directory: its files recursively, in name order, format by file name" {
    mkdir -p "$T/in/sub" "$T/in/a-dir"
    # created out of order on purpose
    cp "$DATA/library-reopens.txt" "$T/in/m.txt"
    cp "$DATA/council-crlf.txt" "$T/in/sub/z.txt"
    cp "$DATA/harbour-ferry.txt" "$T/in/c.txt"
    cp "$DATA/festival-accents.txt" "$T/in/a-dir/f.txt"
    cp "$DATA/sample.jsonl" "$T/in/k.jsonl"
    run --separate-stderr q pack -o "$T/d.qr" "$T/in"
    assert_success
    assert_equal "$(info_field "$T/d.qr" articles)" 10
    # a-dir/f.txt, c.txt, k.jsonl (6 articles), m.txt, sub/z.txt
    assert_equal "$(ls_col "$T/d.qr" filename)" "f.txt c.txt - - - - - - m.txt z.txt"
    assert_equal "$(ls_col "$T/d.qr" id)" "- - $SAMPLE_IDS - -"
    q cat "$T/d.qr" 9 >"$T/z.out"
    cmp "$T/z.out" "$DATA/council-crlf.txt"
}

@test "pack from standard input '-' (JSON Lines): same archive as from the file" {
    pack_sample "$T/file.qr"
    run --separate-stderr q pack -o "$T/stdin.qr" - <"$DATA/sample.jsonl"
    assert_success
    assert_equal "$(info_field "$T/stdin.qr" articles)" 6
    assert_equal "$(ls_col "$T/stdin.qr" id)" "$SAMPLE_IDS"
    cmp "$T/file.qr" "$T/stdin.qr"
}

@test "pack --from text from standard input: the body byte for byte, no file name" {
    run --separate-stderr q pack -o "$T/stdin.qr" --from text - <"$DATA/council-crlf.txt"
    assert_success
    assert_equal "$(ls_col "$T/stdin.qr" filename)" "-"
    q cat "$T/stdin.qr" 0 >"$T/body"
    cmp "$T/body" "$DATA/council-crlf.txt"
}

@test "standard input may be given only once (exit 2)" {
    run --separate-stderr q pack -o "$T/x.qr" - - <"$DATA/sample.jsonl"
    assert_failure 2
    [[ ! -e "$T/x.qr" ]] || fail "archive written"
}

@test "pack -o - writes the archive to stdout (through a pipe); it reads back" {
    run bash -c '"$QUIRE" pack -q -o - "$DATA/sample.jsonl" | cat >"$T/piped.qr"'
    assert_success
    run q info "$T/piped.qr"
    assert_success
    assert_line --regexp '^articles: +6$'
    assert_equal "$(ls_col "$T/piped.qr" id)" "$SAMPLE_IDS"
    # the same bytes as an archive written to a file
    pack_sample "$T/file.qr"
    cmp "$T/file.qr" "$T/piped.qr"
}

@test "pack -o - to a regular file (redirected stdout) is a valid archive" {
    q pack -q -o - "$DATA/sample.jsonl" >"$T/redir.qr"
    run q info --json "$T/redir.qr"
    assert_success
    assert_equal "$(info_field "$T/redir.qr" articles)" 6
    assert_equal "$(info_field "$T/redir.qr" file_size)" "$(file_size "$T/redir.qr")"
}

@test "--from text packs a .jsonl file as one text article, byte for byte" {
    run --separate-stderr q pack -o "$T/x.qr" --from text "$DATA/sample.jsonl"
    assert_success
    assert_equal "$(info_field "$T/x.qr" articles)" 1
    assert_equal "$(ls_col "$T/x.qr" filename)" "sample.jsonl"
    q cat "$T/x.qr" 0 >"$T/body"
    cmp "$T/body" "$DATA/sample.jsonl"
}

@test "--from jsonl reads a .txt file as JSON Lines (its lines are not JSON: exit 1)" {
    run --separate-stderr q pack -o "$T/x.qr" --from jsonl "$DATA/harbour-ferry.txt"
    assert_failure 1
    [[ "$stderr" == *"harbour-ferry.txt:1:"*"[QUIRE_E_JSON]"* ]] || fail "stderr: $stderr"
    assert_equal "$(info_field "$T/x.qr" articles)" 0
    # and the short option, on a JSON Lines file named .txt
    cp "$DATA/sample.jsonl" "$T/sample.txt"
    run --separate-stderr q pack -o "$T/y.qr" -f jsonl "$T/sample.txt"
    assert_success
    assert_equal "$(ls_col "$T/y.qr" id)" "$SAMPLE_IDS"
}

@test "--level 0 stores, --level 9 compresses; both read back identically" {
    mapfile -t inputs < <(text_inputs)
    q pack -q -o "$T/l0.qr" --level 0 "$DATA/sample.jsonl" "${inputs[@]}"
    q pack -q -o "$T/l9.qr" -l 9 "$DATA/sample.jsonl" "${inputs[@]}"
    q pack -q -o "$T/l6.qr" "$DATA/sample.jsonl" "${inputs[@]}"
    local s0 s9 raw
    s0=$(file_size "$T/l0.qr")
    s9=$(file_size "$T/l9.qr")
    raw=$(info_field "$T/l0.qr" uncompressed_size)
    ((s0 > raw)) || fail "level 0 archive ($s0 B) is smaller than its content ($raw B): not stored"
    ((s9 < raw)) || fail "level 9 archive ($s9 B) is not smaller than its content ($raw B)"
    ((s9 < s0)) || fail "level 9 ($s9 B) not smaller than level 0 ($s0 B)"
    q extract "$T/l6.qr" --jsonl >"$T/l6.jsonl"
    q extract "$T/l0.qr" --jsonl >"$T/l0.jsonl"
    q extract "$T/l9.qr" --jsonl >"$T/l9.jsonl"
    cmp "$T/l6.jsonl" "$T/l0.jsonl"
    cmp "$T/l6.jsonl" "$T/l9.jsonl"
}

@test "--block-size splits the articles into more blocks; content unchanged" {
    mapfile -t inputs < <(text_inputs)
    q pack -q -o "$T/big.qr" "$DATA/sample.jsonl" "${inputs[@]}"
    q pack -q -o "$T/small.qr" --block-size 1024 "$DATA/sample.jsonl" "${inputs[@]}"
    q pack -q -o "$T/small2.qr" -b 1024 "$DATA/sample.jsonl" "${inputs[@]}"
    assert_equal "$(info_field "$T/big.qr" blocks)" 1
    local nb
    nb=$(info_field "$T/small.qr" blocks)
    ((nb > 1)) || fail "--block-size 1024 gave $nb block(s)"
    cmp "$T/small.qr" "$T/small2.qr"
    q extract "$T/big.qr" --jsonl >"$T/big.jsonl"
    q extract "$T/small.qr" --jsonl >"$T/small.jsonl"
    cmp "$T/big.jsonl" "$T/small.jsonl"
    for n in 0 6 10; do
        cmp <(q cat "$T/big.qr" $n) <(q cat "$T/small.qr" $n)
    done
}

@test "invalid option values exit 2 and write no archive" {
    local bad
    for bad in "--level 10" "--level x" "--level -1" "--level=" "-l 99" \
        "--block-size 1023" "--block-size 0" "--block-size abc" "--block-size 2000000000" \
        "--from xml" "--from" "--output" "--bogus" "-z"; do
        # shellcheck disable=SC2086
        run --separate-stderr q pack -o "$T/x.qr" "$DATA/sample.jsonl" $bad
        [[ "$status" -eq 2 ]] || fail "pack $bad: exit $status, expected 2"
        [[ -n "$stderr" ]] || fail "pack $bad: nothing on stderr"
        [[ ! -e "$T/x.qr" ]] || fail "pack $bad: wrote an archive"
    done
}

@test "the smallest and the largest --block-size that pack advertises are accepted" {
    run q pack -q -o "$T/a.qr" --block-size 1024 "$DATA/sample.jsonl"
    assert_success
    # the range pack states in its own error message must be the range it accepts
    run --separate-stderr q pack -q -o "$T/x.qr" --block-size 1 "$DATA/sample.jsonl"
    assert_failure 2
    local max
    max=$(sed -n 's/.*--block-size must be [0-9]*\.\.\([0-9]*\).*/\1/p' <<<"$stderr")
    [[ -n "$max" ]] || fail "no range in the error message: $stderr"
    run --separate-stderr q pack -q -o "$T/b.qr" --block-size "$max" "$DATA/sample.jsonl"
    [[ "$status" -eq 0 ]] ||
        fail "--block-size $max (the advertised maximum) rejected: exit $status: $stderr"
    run --separate-stderr q pack -q -o "$T/c.qr" --block-size "$((max + 1))" "$DATA/sample.jsonl"
    assert_failure 2
}

@test "missing -o exits 2 and says -o is required; no INPUT exits 2" {
    run --separate-stderr q pack "$DATA/sample.jsonl"
    assert_failure 2
    [[ "$stderr" == *"-o OUT is required"* ]] || fail "stderr: $stderr"
    run --separate-stderr q pack -o "$T/x.qr"
    assert_failure 2
    [[ "$stderr" == *"no INPUT"* ]] || fail "stderr: $stderr"
    [[ ! -e "$T/x.qr" ]] || fail "archive written without input"
}

@test "a nonexistent input: exit 2, named on stderr, no OUT and no temporary file" {
    mkdir "$T/out"
    run --separate-stderr q pack -o "$T/out/x.qr" "$DATA/sample.jsonl" "$T/no-such-file.jsonl"
    assert_failure 2
    [[ "$stderr" == *"no-such-file.jsonl"* ]] || fail "input not named: $stderr"
    run ls -A "$T/out"
    assert_output ""
    # a nonexistent input first
    run --separate-stderr q pack -o "$T/out/x.qr" "$T/no-such-file.txt" "$DATA/sample.jsonl"
    assert_failure 2
    run ls -A "$T/out"
    assert_output ""
}

@test "a failed pack leaves an existing OUT untouched" {
    mkdir "$T/out"
    printf 'precious\n' >"$T/out/x.qr"
    run --separate-stderr q pack -o "$T/out/x.qr" "$DATA/sample.jsonl" "$T/no-such-file.jsonl"
    assert_failure 2
    assert_equal "$(cat "$T/out/x.qr")" "precious"
    run ls -A "$T/out"
    assert_output "x.qr"
}

@test "an OUT in a missing directory: exit 2 with the path on stderr" {
    run --separate-stderr q pack -o "$T/nodir/x.qr" "$DATA/sample.jsonl"
    assert_failure 2
    [[ "$stderr" == *"$T/nodir/x.qr"* ]] || fail "stderr: $stderr"
    [[ ! -e "$T/nodir" ]] || fail "created the directory"
}

@test "pack -o onto a FIFO writes into it and does not replace it with a regular file" {
    # A path that is not a regular file (a FIFO here; /dev/null or /dev/stdout
    # in real use) must not be renamed over: as root that would replace a
    # device node. Writing into it (like -o -) or refusing are both fine.
    mkfifo "$T/fifo"
    cat "$T/fifo" >"$T/got.qr" 3>&- &
    local reader=$!
    run --separate-stderr timeout 20 "$QUIRE" pack -q -o "$T/fifo" "$DATA/sample.jsonl"
    local st=$status is_fifo=0
    [[ -p "$T/fifo" ]] && is_fifo=1
    if ((st != 0 || !is_fifo)); then
        # nothing will ever open the pipe for writing: stop our reader
        kill "$reader" 2>/dev/null || true
    fi
    wait "$reader" 2>/dev/null || true
    ((is_fifo)) || fail "pack replaced the FIFO '$T/fifo' with a regular file (exit $st)"
    if ((st == 0)); then
        assert_equal "$(info_field "$T/got.qr" articles)" 6
    else
        assert_equal "$st" 2
    fi
}

@test "the archive is an ordinary file: its mode follows the umask (not 0600)" {
    run bash -c 'umask 022 && "$QUIRE" pack -q -o "$T/m.qr" "$DATA/sample.jsonl"'
    assert_success
    assert_equal "$(stat -c %a "$T/m.qr")" 644
    run bash -c 'umask 077 && "$QUIRE" pack -q -o "$T/p.qr" "$DATA/sample.jsonl"'
    assert_success
    assert_equal "$(stat -c %a "$T/p.qr")" 600
}

make_bad_jsonl() {
    {
        sed -n 1,2p "$DATA/sample.jsonl"
        printf '{"id": "broken", "title": "no closing brace"\n'
        sed -n 3,4p "$DATA/sample.jsonl"
        printf '{"id": "latin1", "title": "caf\xe9", "text": "na\xefve"}\n'
        sed -n 5,6p "$DATA/sample.jsonl"
    } >"$T/bad.jsonl"
}

@test "invalid JSON and non-UTF-8 lines are reported with :LINE: and skipped; exit 1" {
    make_bad_jsonl
    run --separate-stderr q pack -o "$T/bad.qr" "$T/bad.jsonl"
    assert_failure 1
    [[ "$stderr" == *"bad.jsonl:3:"*"[QUIRE_E_JSON]"* ]] || fail "line 3 not reported: $stderr"
    [[ "$stderr" == *"bad.jsonl:6:"*"[QUIRE_E_UTF8]"* ]] || fail "line 6 not reported: $stderr"
    [[ "$stderr" == *"skipped 2"* ]] || fail "summary does not count 2 skipped: $stderr"
    # exactly the two bad lines are reported
    local reported
    reported=$(grep -c 'line skipped' <<<"$stderr")
    assert_equal "$reported" 2
    # the rest is packed, and is the same as packing the good lines alone
    assert_equal "$(info_field "$T/bad.qr" articles)" 6
    assert_equal "$(ls_col "$T/bad.qr" id)" "$SAMPLE_IDS"
    pack_sample "$T/good.qr"
    cmp "$T/good.qr" "$T/bad.qr"
}

@test "JSON Lines are parsed strictly: each malformed line is reported by number and skipped" {
    # line: content (1-based); the good ones are 2, 3 and 13
    {
        printf '{"id":"t","text":"raw\ttab"}\n'                    # 1 raw control character
        printf '{"id":"u","text":"a\\/b \\u00E9 \\uD83D\\uDE00"}\n' # 2 good: escapes
        printf '{"id":"v","text":"x"}  \n'                          # 3 good: trailing blanks
        printf '{"id":"w","text":"\\ud83d"}\n'                      # 4 lone high surrogate
        printf '{"id":"x","text":"\\udc00\\ud800"}\n'               # 5 reversed surrogates
        printf '{"id":"y","text":"\\x41"}\n'                        # 6 bad escape
        printf '{"id":"z","n":01}\n'                                # 7 leading zero
        printf '{"id":"z","n":1.}\n'                                # 8 bare point
        printf '{"id":"z","n":.5}\n'                                # 9 no integer part
        printf '{"id":"z","n":NaN}\n'                               # 10 not JSON
        printf '{"id":"z","id":"again"}\n'                          # 11 duplicate key
        printf '["not","an","object"]\n'                            # 12 not an object
        printf '{"id":"ok","n":-0.0e+0}\n'                          # 13 good
        printf '{"id":"z"} {"id":"two"}\n'                          # 14 two objects on a line
    } >"$T/strict.jsonl"
    run --separate-stderr q pack -o "$T/strict.qr" "$T/strict.jsonl"
    assert_failure 1
    local n
    for n in 1 4 5 6 7 8 9 10 11 12 14; do
        [[ "$stderr" == *"strict.jsonl:$n: "* ]] || fail "line $n not reported: $stderr"
    done
    for n in 2 3 13; do
        [[ "$stderr" != *"strict.jsonl:$n: "* ]] || fail "good line $n reported: $stderr"
    done
    assert_equal "$(ls_col "$T/strict.qr" id)" "u v ok"
    assert_equal "$(q cat "$T/strict.qr" 0)" "a/b é 😀"
}

@test "pack a directory that holds OUT: pack's own temporary file is not packed" {
    mkdir "$T/dir"
    cp "$DATA/harbour-ferry.txt" "$DATA/library-reopens.txt" "$T/dir/"
    run --separate-stderr q pack -q -o "$T/dir/out.qr" "$T/dir"
    assert_success
    # only the two articles: not 'out.qr.XXXXXX', the archive being written
    assert_equal "$(ls_col "$T/dir/out.qr" filename)" "harbour-ferry.txt library-reopens.txt"
}

@test "pack -q still reports skipped lines (it only silences progress and summary)" {
    # help: '-q, --quiet  no progress or summary on standard error'
    make_bad_jsonl
    run --separate-stderr q pack -q -o "$T/bad.qr" "$T/bad.jsonl"
    assert_failure 1
    [[ "$stderr" != *"packed"* ]] || fail "-q printed the summary: $stderr"
    [[ "$stderr" == *"bad.jsonl:3:"* && "$stderr" == *"bad.jsonl:6:"* ]] ||
        fail "-q hid the skipped-line reports (stderr: '$stderr')"
}

@test "pack -q still reports a fatal error (exit 2 is never silent)" {
    run --separate-stderr q pack -q -o "$T/nodir/x.qr" "$DATA/sample.jsonl"
    assert_failure 2
    [[ "$stderr" == *"$T/nodir/x.qr"* ]] || fail "-q hid the error (stderr: '$stderr')"
}

@test "pack -q prints nothing on success" {
    run --separate-stderr q pack -q -o "$T/s.qr" "$DATA/sample.jsonl"
    assert_success
    assert_equal "$stderr" ""
    assert_equal "$output" ""
}

@test "blank lines, CRLF line ends and a missing final newline are accepted" {
    printf '{"id":"a","text":"one"}\r\n\r\n   \n{"id":"b","text":"two"}\n\n{"id":"c","text":"three"}' \
        >"$T/x.jsonl"
    run --separate-stderr q pack -o "$T/x.qr" "$T/x.jsonl"
    assert_success
    assert_equal "$(ls_col "$T/x.qr" id)" "a b c"
    assert_equal "$(q cat "$T/x.qr" 2)" "three"
    assert_equal "$(q cat "$T/x.qr" 0)" "one"
}

@test "packing the same input twice gives identical bytes" {
    mapfile -t inputs < <(text_inputs)
    q pack -q -o "$T/a.qr" "$DATA/sample.jsonl" "${inputs[@]}"
    sleep 1 # a timestamp in the archive would show up now
    q pack -q -o "$T/b.qr" "$DATA/sample.jsonl" "${inputs[@]}"
    cmp "$T/a.qr" "$T/b.qr"
    mkdir "$T/d1"
    cp "${inputs[@]}" "$T/d1/"
    q pack -q -o "$T/c.qr" "$T/d1"
    q pack -q -o "$T/d.qr" "$T/d1"
    cmp "$T/c.qr" "$T/d.qr"
}

@test "the seed article's 'date 2018-10-07' lead becomes the published date" {
    # the file starts with ' date 2018-10-07 Breaking News ...' (note the space)
    run q pack -q -o "$T/seed.qr" "$DATA/$SEED"
    assert_success
    assert_equal "$(ls_col "$T/seed.qr" date)" "2018-10-07"
    run q cat "$T/seed.qr" 0 --meta
    assert_success
    run python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d.get("date"))' "$output"
    assert_output "2018-10-07"
    assert_equal "$(info_field "$T/seed.qr" dated)" 1
    # and the body is still the whole file, lead included
    q cat "$T/seed.qr" 0 >"$T/body"
    cmp "$T/body" "$DATA/$SEED"
}

@test "a text 'date YYYY-MM-DD ' lead sets the date; other texts have none" {
    mapfile -t inputs < <(text_inputs)
    q pack -q -o "$T/t.qr" "${inputs[@]}"
    # harbour-ferry (date 2024-05-02), festival, council, library, seed (2018-10-07)
    assert_equal "$(ls_col "$T/t.qr" date)" "2024-05-02 - - - 2018-10-07"
}

@test "a 'date' lead that is not a real date, or not followed by a space, is ignored" {
    printf 'date 2024-02-30 no such day\n' >"$T/a.txt"
    printf 'date 2024-05-03x glued\n' >"$T/b.txt"
    printf 'Date 2024-05-03 capital\n' >"$T/c.txt"
    printf 'date 2024-05-03\nnewline after the date\n' >"$T/d.txt"
    run q pack -q -o "$T/x.qr" "$T/a.txt" "$T/b.txt" "$T/c.txt" "$T/d.txt"
    assert_success
    assert_equal "$(ls_col "$T/x.qr" date)" "- - - 2024-05-03"
}

@test "a text file that is not UTF-8 is packed byte for byte" {
    printf 'caf\xe9 cr\xe8me br\xfbl\xe9e\r\n\x00\xff\n' >"$T/latin1.txt"
    run q pack -q -o "$T/x.qr" "$T/latin1.txt"
    assert_success
    q cat "$T/x.qr" 0 >"$T/body"
    cmp "$T/body" "$T/latin1.txt"
}

@test "an empty text file is an article with an empty body" {
    : >"$T/empty.txt"
    run q pack -q -o "$T/x.qr" "$T/empty.txt"
    assert_success
    assert_equal "$(info_field "$T/x.qr" articles)" 1
    q cat "$T/x.qr" 0 >"$T/body"
    [[ -f "$T/body" && ! -s "$T/body" ]] || fail "body not empty"
}

@test "an empty JSON Lines file gives a valid empty archive (exit 0)" {
    : >"$T/empty.jsonl"
    run q pack -q -o "$T/x.qr" "$T/empty.jsonl"
    assert_success
    assert_equal "$(info_field "$T/x.qr" articles)" 0
    run q ls "$T/x.qr"
    assert_success
    assert_output ""
}
