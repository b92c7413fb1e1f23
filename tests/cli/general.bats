#!/usr/bin/env bats
# general.bats - top-level usage, help, version and exit-status conventions.

# shellcheck disable=SC2154 # $stderr, $status, $output, $lines are set by bats' run
load helper

COMMANDS=(pack ls cat info extract)

@test "quire --help prints the usage and every command on stdout, exits 0" {
    run --separate-stderr q --help
    assert_success
    assert_line --index 0 --regexp '^usage: quire COMMAND'
    local c
    for c in "${COMMANDS[@]}"; do
        assert_line --regexp "^  $c +[a-z]"
    done
    [[ -z "$stderr" ]] || fail "--help wrote to stderr: $stderr"
}

@test "quire -h is the same as --help" {
    run --separate-stderr q --help
    local long=$output
    run --separate-stderr q -h
    assert_success
    assert_equal "$output" "$long"
}

@test "every command's --help exits 0 and prints its usage on stdout" {
    local c
    for c in "${COMMANDS[@]}"; do
        run --separate-stderr q "$c" --help
        assert_success
        assert_line --index 0 --partial "usage: quire $c "
        assert_line --regexp '^  (-h, )?--help +this help$'
        [[ -z "$stderr" ]] || fail "quire $c --help wrote to stderr: $stderr"
    done
}

@test "every command's -h is the same as its --help" {
    local c long
    for c in "${COMMANDS[@]}"; do
        run --separate-stderr q "$c" --help
        long=$output
        run --separate-stderr q "$c" -h
        assert_success
        assert_equal "$output" "$long"
    done
}

@test "no arguments: exit 2, usage on stderr, nothing on stdout" {
    run --separate-stderr q
    assert_failure 2
    assert_equal "$output" ""
    [[ "$stderr" == *"usage: quire COMMAND"* ]] || fail "no usage on stderr: $stderr"
}

@test "unknown command: exit 2 and names the command on stderr" {
    run --separate-stderr q frobnicate
    assert_failure 2
    assert_equal "$output" ""
    [[ "$stderr" == *"unknown command 'frobnicate'"* ]] || fail "stderr: $stderr"
}

@test "an option where the command should be is an unknown command (exit 2)" {
    run --separate-stderr q --frobnicate
    assert_failure 2
}

@test "--version prints the library and format versions from quire.h, exits 0" {
    local ver fmaj fmin
    ver=$(sed -n 's/^#define QUIRE_VERSION_STRING "\(.*\)"$/\1/p' "$ROOT/include/quire.h")
    fmaj=$(sed -n 's/^#define QUIRE_FORMAT_MAJOR \([0-9]*\)$/\1/p' "$ROOT/include/quire.h")
    fmin=$(sed -n 's/^#define QUIRE_FORMAT_MINOR \([0-9]*\)$/\1/p' "$ROOT/include/quire.h")
    [[ -n "$ver" && -n "$fmaj" && -n "$fmin" ]] || fail "cannot read the versions from quire.h"
    run --separate-stderr q --version
    assert_success
    assert_output "quire $ver (format $fmaj.$fmin)"
}

@test "-V is the same as --version" {
    run q --version
    local long=$output
    run q -V
    assert_success
    assert_output "$long"
}

@test "every command without arguments exits 2 with its usage on stderr" {
    local c
    for c in "${COMMANDS[@]}"; do
        run --separate-stderr q "$c"
        assert_failure 2
        assert_equal "$output" ""
        [[ "$stderr" == *"usage: quire $c"* ]] || fail "quire $c: no usage on stderr: $stderr"
    done
}

@test "every command rejects an unknown option with exit 2" {
    pack_sample "$T/s.qr"
    run --separate-stderr q pack --no-such-option -o "$T/x.qr" "$DATA/sample.jsonl"
    assert_failure 2
    [[ ! -e "$T/x.qr" ]] || fail "pack wrote an archive despite a bad option"
    local c
    for c in ls cat info extract; do
        run --separate-stderr q "$c" "$T/s.qr" --no-such-option
        assert_failure 2
        [[ "$stderr" == *no-such-option* ]] || fail "quire $c: option not named: $stderr"
    done
}

@test "option errors are reported under the program's name ('quire: ...')" {
    # The convention: every diagnostic line starts with 'quire:'. getopt's own
    # message must not come out as 'ls: unrecognized option' (which reads like
    # coreutils' ls) or 'cat: invalid option'.
    pack_sample "$T/s.qr"
    local c
    for c in pack ls cat info extract; do
        run --separate-stderr q "$c" --no-such-option "$T/s.qr"
        assert_failure 2
        local first=${stderr%%$'\n'*}
        [[ "$first" == quire* ]] ||
            fail "quire $c: first stderr line does not start with 'quire': '$first'"
    done
}

@test "a missing archive is an I/O error: exit 2, file name and QUIRE_E_IO on stderr" {
    local m="$T/missing.qr" cmd
    for cmd in "ls $m" "info $m" "cat $m 0" "extract $m --jsonl"; do
        # shellcheck disable=SC2086
        run --separate-stderr q $cmd
        assert_failure 2
        [[ "$stderr" == "quire: $m: "*"[QUIRE_E_IO]" ]] ||
            fail "quire $cmd: unexpected stderr: $stderr"
    done
}

@test "diagnostics go to stderr only; stdout stays clean on errors" {
    run --separate-stderr q info "$DATA/harbour-ferry.txt"
    assert_failure 1
    assert_equal "$output" ""
    [[ "$stderr" == quire:* ]] || fail "stderr: $stderr"
}

@test "a write error on stdout exits 2 with a message, for every command" {
    [[ -c /dev/full ]] || skip "no /dev/full character device here"
    pack_sample "$T/s.qr"
    local cmd
    for cmd in "cat $T/s.qr 0" "cat $T/s.qr 0 --meta" "ls $T/s.qr" "ls --json $T/s.qr" \
        "info $T/s.qr" "info --json $T/s.qr" "extract $T/s.qr --jsonl" \
        "pack -q -o - $DATA/sample.jsonl"; do
        # shellcheck disable=SC2086
        run --separate-stderr bash -c '"$QUIRE" "$@" >/dev/full' quire $cmd
        [[ "$status" -eq 2 ]] || fail "quire $cmd >/dev/full: exit $status, expected 2"
        [[ "$stderr" == quire:* ]] || fail "quire $cmd >/dev/full: no message (stderr: '$stderr')"
    done
}
