#!/usr/bin/env bats
# keys.bats - quire keygen, and key compatibility with minisign (the Debian
# package, which must be installed: these tests fail without it).

# shellcheck disable=SC2154 # $stderr, $status, $output, $lines are set by bats' run
load helper

KEYS="$ROOT/tests/data/keys"
export KEYS

setup() {
    common_setup
    command -v minisign >/dev/null ||
        fail "minisign not found: install the Debian package 'minisign' (apt-get install minisign)"
    unset MINISIGN_CONFIG_DIR
    export HOME="$T/home"
    mkdir -p "$HOME"
    umask 022
}

# no_tty CMD...: runs CMD without a controlling terminal, so that a password
# is read from standard input even when the tests run in a terminal.
no_tty() {
    if command -v setsid >/dev/null; then
        setsid -w "$@"
    else
        "$@"
    fi
}
export -f no_tty

# key_hex FILE FROM TO: bytes [FROM, TO) of the base64 line of a key file, in hex.
key_hex() {
    python3 -c '
import base64, sys
line = open(sys.argv[1]).read().split("\n")[1]
sys.stdout.write(base64.b64decode(line, validate=True)[int(sys.argv[2]):int(sys.argv[3])].hex())
' "$@"
}

# key_id FILE: the key id of a public key file as minisign prints it.
key_id() {
    python3 -c '
import base64, sys
line = open(sys.argv[1]).read().split("\n")[1]
sys.stdout.write(base64.b64decode(line, validate=True)[2:10][::-1].hex().upper())
' "$1"
}

mode_of() {
    stat -c %a "$1"
}

@test "keygen --help: the manual on stdout, exit 0" {
    run --separate-stderr q keygen --help
    assert_success
    assert_output --partial "usage: quire keygen [-p PUBFILE] [-s SECFILE] [-W] [-f] [-c COMMENT]"
    assert_output --partial "~/.minisign/minisign.key"
    assert_output --partial "standard input"
    assert_output --partial "Exit status"
    assert_equal "$stderr" ""
    run q keygen -h
    assert_success
}

@test "keygen usage errors: exit 2, nothing written" {
    cd "$T"
    run q keygen -W --bogus
    assert_failure 2
    run q keygen -W extra-operand
    assert_failure 2
    assert_output --partial "unexpected argument"
    run q keygen -W -p same.key -s same.key
    assert_failure 2
    run q keygen -W -p k.pub -s k.key -c $'two\nlines'
    assert_failure 2
    assert_output --partial "control characters"
    run q keygen -W -p k.pub -s k.key -c "$(printf 'x%.0s' {1..1004})"
    assert_failure 2
    assert_output --partial "too long"
    [[ ! -e k.pub && ! -e k.key && ! -e same.key ]] || fail "a file was written"
}

@test "keygen -W: minisign's file layout, modes 0600 and 0644, key string printed" {
    run --separate-stderr q keygen -W -p "$T/k.pub" -s "$T/k.key"
    assert_success
    assert_equal "$stderr" ""
    assert_equal "$(mode_of "$T/k.key")" 600
    assert_equal "$(mode_of "$T/k.pub")" 644
    # public key file: comment with the key id, then the 56-character key string
    mapfile -t pub <"$T/k.pub"
    assert_equal "${#pub[@]}" 2
    assert_equal "${pub[0]}" "untrusted comment: minisign public key $(key_id "$T/k.pub")"
    assert_equal "${#pub[1]}" 56
    assert_equal "$(key_hex "$T/k.pub" 0 2)" "4564" # "Ed"
    # printed: where the files went and the key string
    assert_output --partial "The secret key was saved as $T/k.key"
    assert_output --partial "The public key was saved as $T/k.pub"
    assert_output --partial "-P ${pub[1]}"
    # secret key file: "Ed", no kdf, "B2"; zero salt and limits, as minisign -G -W
    mapfile -t sec <"$T/k.key"
    assert_equal "${#sec[@]}" 2
    assert_equal "${sec[0]}" "untrusted comment: minisign unencrypted secret key"
    assert_equal "${#sec[1]}" 212
    assert_equal "$(key_hex "$T/k.key" 0 6)" "456400004232"
    assert_equal "$(key_hex "$T/k.key" 6 54)" "$(printf '0%.0s' {1..96})"
    # the key id inside both files agrees
    assert_equal "$(key_hex "$T/k.key" 54 62)" "$(key_hex "$T/k.pub" 2 10)"
    # -q prints nothing
    run q keygen -q -W -p "$T/q.pub" -s "$T/q.key"
    assert_success
    assert_output ""
}

@test "keygen refuses to overwrite either file without -f; -f replaces both" {
    q keygen -q -W -p "$T/k.pub" -s "$T/k.key"
    old_pub=$(cat "$T/k.pub")
    old_sec=$(cat "$T/k.key")
    run q keygen -W -p "$T/k.pub" -s "$T/k.key"
    assert_failure 2
    assert_output --partial "already exists"
    assert_equal "$(cat "$T/k.pub")" "$old_pub"
    assert_equal "$(cat "$T/k.key")" "$old_sec"
    # only one of the two exists: still refused, the other not created
    run q keygen -W -p "$T/k.pub" -s "$T/new.key"
    assert_failure 2
    [[ ! -e "$T/new.key" ]] || fail "new.key was written"
    run q keygen -W -p "$T/new.pub" -s "$T/k.key"
    assert_failure 2
    [[ ! -e "$T/new.pub" ]] || fail "new.pub was written"
    # -f: both replaced, the secret key back to 0600 whatever it was
    chmod 644 "$T/k.key"
    run q keygen -f -W -p "$T/k.pub" -s "$T/k.key"
    assert_success
    [[ "$(cat "$T/k.pub")" != "$old_pub" ]] || fail "public key not replaced"
    [[ "$(cat "$T/k.key")" != "$old_sec" ]] || fail "secret key not replaced"
    assert_equal "$(mode_of "$T/k.key")" 600
    # no temporary file left behind
    run ls -A "$T"
    refute_output --partial ".quire-keygen"
}

@test "keygen defaults: ./minisign.pub and ~/.minisign/minisign.key (directory 0700)" {
    mkdir "$T/wd"
    cd "$T/wd"
    run q keygen -W
    assert_success
    [[ -f "$T/wd/minisign.pub" ]] || fail "no ./minisign.pub"
    [[ -f "$HOME/.minisign/minisign.key" ]] || fail "no ~/.minisign/minisign.key"
    assert_equal "$(mode_of "$HOME/.minisign")" 700
    assert_equal "$(mode_of "$HOME/.minisign/minisign.key")" 600
    assert_output --partial "saved as $HOME/.minisign/minisign.key"
    # as minisign: MINISIGN_CONFIG_DIR replaces ~/.minisign
    run env MINISIGN_CONFIG_DIR="$T/cfg" "$QUIRE" keygen -W -p other.pub
    assert_success
    [[ -f "$T/cfg/minisign.key" ]] || fail "MINISIGN_CONFIG_DIR not used"
    assert_equal "$(mode_of "$T/cfg")" 700
}

@test "keygen -c: the secret key's untrusted comment" {
    run q keygen -W -p "$T/k.pub" -s "$T/k.key" -c "release key 2025 – café"
    assert_success
    assert_equal "$(head -n 1 "$T/k.key")" "untrusted comment: release key 2025 – café"
    # still a key minisign reads
    echo data >"$T/f"
    minisign -S -s "$T/k.key" -m "$T/f" </dev/null >/dev/null
    minisign -Vq -p "$T/k.pub" -m "$T/f"
}

@test "a quire key without a password signs with minisign -S; minisign -V accepts it" {
    q keygen -q -W -p "$T/k.pub" -s "$T/k.key"
    printf 'an article to sign\n' >"$T/file.txt"
    run minisign -S -s "$T/k.key" -m "$T/file.txt" </dev/null
    assert_success
    run minisign -V -p "$T/k.pub" -m "$T/file.txt"
    assert_success
    assert_output --partial "Signature and comment signature verified"
    # the key string alone (-P) works too
    run minisign -V -P "$(sed -n 2p "$T/k.pub")" -m "$T/file.txt"
    assert_success
    # and another key does not verify it
    q keygen -q -W -p "$T/other.pub" -s "$T/other.key"
    run minisign -V -p "$T/other.pub" -m "$T/file.txt"
    assert_failure
}

@test "keygen reads the password from standard input without a terminal; minisign signs with it" {
    run --separate-stderr bash -c \
        'printf "quire-test\n" | no_tty "$QUIRE" keygen -p "$T/e.pub" -s "$T/e.key"'
    assert_success
    # encrypted with minisign's scrypt parameters
    assert_equal "$(key_hex "$T/e.key" 0 6)" "456453634232"               # "EdScB2"
    assert_equal "$(key_hex "$T/e.key" 38 46)" "0000000200000000"         # opslimit 2^25
    assert_equal "$(key_hex "$T/e.key" 46 54)" "0000004000000000"         # memlimit 1 GiB
    assert_equal "$(head -n 1 "$T/e.key")" "untrusted comment: minisign encrypted secret key"
    printf 'signed with a password\n' >"$T/file.txt"
    # minisign reads its password from standard input too when it has no terminal
    run bash -c 'printf "quire-test\n" | no_tty minisign -S -s "$T/e.key" -m "$T/file.txt"'
    assert_success
    run minisign -V -p "$T/e.pub" -m "$T/file.txt"
    assert_success
    run bash -c 'printf "not-it\n" | no_tty minisign -S -s "$T/e.key" -m "$T/file.txt" -x "$T/x.sig"'
    assert_failure
    assert_output --partial "Wrong password"
}

@test "keygen without a password: no input or an empty line is refused, nothing written" {
    run bash -c 'no_tty "$QUIRE" keygen -p "$T/e.pub" -s "$T/e.key" </dev/null'
    assert_failure 2
    assert_output --partial "no password"
    run bash -c 'printf "\n" | no_tty "$QUIRE" keygen -p "$T/e.pub" -s "$T/e.key"'
    assert_failure 2
    assert_output --partial "-W"
    [[ ! -e "$T/e.pub" && ! -e "$T/e.key" ]] || fail "a key file was written"
}

@test "keys made by minisign -G sign archives: -W, and with a password on standard input" {
    # committed keys made by minisign 0.11 (tests/data/keys/README)
    run q pack -q --sign "$KEYS/minisign-nopw.key" -o "$T/a.qr" "$DATA/sample.jsonl"
    assert_success
    run q verify -p "$KEYS/minisign-nopw.pub" "$T/a.qr"
    assert_success
    run bash -c 'printf "quire-test\n" | no_tty "$QUIRE" pack -q --sign "$KEYS/minisign-pw.key" -o "$T/b.qr" "$DATA/sample.jsonl"'
    assert_success
    run q verify -P "$(sed -n 2p "$KEYS/minisign-pw.pub")" "$T/b.qr"
    assert_success
}

@test "a wrong password or a malformed key file: exit 2 (unusable key) with the offset" {
    run bash -c 'printf "wrong\n" | no_tty "$QUIRE" pack -q --sign "$KEYS/minisign-pw.key" -o "$T/b.qr" "$DATA/sample.jsonl"'
    assert_failure 2
    assert_output --partial "minisign-pw.key: offset 217:"
    assert_output --partial "wrong password"
    [[ ! -e "$T/b.qr" ]] || fail "an archive was written"
    # a public key file given as a secret key
    run q pack -q --sign "$KEYS/minisign-nopw.pub" -o "$T/c.qr" "$DATA/sample.jsonl"
    assert_failure 2
    assert_output --partial "minisign-nopw.pub: offset 112:"
    run q pack -q --sign "$T/missing.key" -o "$T/c.qr" "$DATA/sample.jsonl"
    assert_failure 2
}

@test "on a terminal: keygen asks twice with echo off; pack --sign asks once" {
    run on_tty "tty-secret-1,tty-secret-1" "$QUIRE" keygen -p "$T/t.pub" -s "$T/t.key"
    assert_success
    assert_output --partial "Password for the new secret key: "
    assert_output --partial "Password (one more time): "
    refute_output --partial "tty-secret-1" # not echoed
    assert_equal "$(key_hex "$T/t.key" 0 6)" "456453634232"
    run on_tty "tty-secret-1" "$QUIRE" pack -q --sign "$T/t.key" -o "$T/t.qr" "$DATA/sample.jsonl"
    assert_success
    assert_output --partial "Password for $T/t.key: "
    refute_output --partial "tty-secret-1"
    run q verify -p "$T/t.pub" "$T/t.qr"
    assert_success
    # passwords that differ: nothing written
    run on_tty "one,two" "$QUIRE" keygen -p "$T/u.pub" -s "$T/u.key"
    assert_failure 2
    assert_output --partial "passwords don't match"
    [[ ! -e "$T/u.pub" && ! -e "$T/u.key" ]] || fail "a key file was written"
}
