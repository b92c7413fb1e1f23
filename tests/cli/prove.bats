#!/usr/bin/env bats
# prove.bats - quire prove, quire verify-proof (and --later), quire cat on a
# proof file: round trips with keys made by 'quire keygen -W', byte-exact
# bodies, exit statuses and messages for bad input.

# shellcheck disable=SC2154 # $stderr, $status, $output, $lines are set by bats' run
load helper

ID=70726f6f662062617473207465737473 # "proof bats tests"

setup() {
    common_setup
    q keygen -q -W -p "$T/k.pub" -s "$T/k.key" || fail "keygen k failed"
    q keygen -q -W -p "$T/o.pub" -s "$T/o.key" || fail "keygen o failed"
    q pack -q -o "$T/s.qr" --sign "$T/k.key" --archive-id "$ID" "$DATA/sample.jsonl" ||
        fail "pack failed"
}

# key_string PUBFILE: the key line of a minisign public key file
key_string() {
    sed -n 2p "$1"
}

# seal_offset PROOF: where the seal starts (spec/PROOF.md 2: the 44-byte head,
# the record, the path count and hashes, the seal length)
seal_offset() {
    q verify-proof --json "$1" | python3 -c '
import json, sys
s = [json.loads(l) for l in sys.stdin if l.strip()][-1]
print(44 + s["record_size"] + 1 + 32 * s["path_length"] + 4)'
}

# json_get FIELD: FIELD of the last JSON object of standard input
json_get() {
    python3 -c '
import json, sys
last = [json.loads(l) for l in sys.stdin if l.strip()][-1]
v = last.get(sys.argv[1])
print(json.dumps(v) if isinstance(v, (bool, type(None))) else v)' "$1"
}

@test "prove, verify-proof with the signer's key, cat: the body comes back byte for byte" {
    local n
    for n in 0 1 2 3 4 5; do
        run -0 q prove "$T/s.qr" "$n" -o "$T/p$n.qproof"
        assert_output --partial "proof of article $n of 6"
        run -0 q verify-proof "$T/p$n.qproof" -p "$T/k.pub"
        assert_line --partial "valid: article $n of 6 in archive $ID"
        assert_line --partial "valid, trusted as $T/k.pub"
        sample_text "$n" >"$T/want"
        q cat "$T/p$n.qproof" >"$T/got" || fail "cat on proof $n failed"
        cmp "$T/want" "$T/got" || fail "article $n differs"
        q cat "$T/s.qr" "$n" >"$T/from-archive"
        cmp "$T/from-archive" "$T/got" || fail "article $n differs from cat on the archive"
    done
}

@test "text articles: the proven body is the file, byte for byte (UTF-8, CRLF)" {
    local i
    pack_texts "$T/t.qr"
    for i in "${!TEXTS[@]}"; do
        q prove -q "$T/t.qr" "$i" -o "$T/t$i.qproof" || fail "prove $i failed"
        q cat "$T/t$i.qproof" >"$T/out"
        cmp "$T/out" "$DATA/${TEXTS[$i]}" || fail "article $i differs from ${TEXTS[$i]}"
    done
    q cat "$T/t2.qproof" | grep -q $'\r' || fail "the CRLF file lost its CRs"
}

@test "cat --meta and --part on a proof file" {
    q prove -q "$T/s.qr" 4 -o "$T/p.qproof"
    q cat "$T/p.qproof" --meta >"$T/meta.json"
    q cat "$T/s.qr" 4 --meta >"$T/want.json"
    cmp "$T/want.json" "$T/meta.json"
    q cat "$T/p.qproof" --part body >"$T/a"
    sample_text 4 >"$T/b"
    cmp "$T/a" "$T/b"
    run -1 --separate-stderr q cat "$T/p.qproof" --part nosuch
    assert_equal "$stderr" "quire: $T/p.qproof: article 4 has no part 'nosuch'; parts: body"
}

@test "cat on a damaged proof fails and writes nothing" {
    q prove -q "$T/s.qr" 2 -o "$T/p.qproof"
    flip_byte "$T/p.qproof" 200
    run -1 --separate-stderr q cat "$T/p.qproof"
    assert_output ""
    assert_equal "$stderr" \
        "quire: $T/p.qproof: offset $(($(file_size "$T/p.qproof") - 4)): proof CRC-32: frame CRC-32 mismatch [QUIRE_E_CRC]"
}

@test "prove --url, and prove to standard output" {
    q prove -q "$T/s.qr" --url https://news.example.org/library-hours -o "$T/u.qproof"
    q prove -q "$T/s.qr" 5 -o "$T/n.qproof"
    cmp "$T/u.qproof" "$T/n.qproof"
    q prove "$T/s.qr" 5 -o - >"$T/stdout.qproof"
    cmp "$T/stdout.qproof" "$T/n.qproof"
    run -1 --separate-stderr q prove "$T/s.qr" --url https://nowhere.example/ -o "$T/x.qproof"
    assert_equal "$stderr" "quire: $T/s.qr: no article with URL https://nowhere.example/"
    [[ ! -e "$T/x.qproof" ]] || fail "a proof was written for a missing article"
}

@test "prove is deterministic and writes a small file" {
    q prove -q "$T/s.qr" 3 -o "$T/a.qproof"
    q prove -q "$T/s.qr" 3 -o "$T/b.qproof"
    cmp "$T/a.qproof" "$T/b.qproof"
    # magic
    [[ "$(od -An -tx1 -N10 "$T/a.qproof" | tr -d ' \n')" == 895150524f460d0a1a0a ]] ||
        fail "bad magic"
    (($(file_size "$T/a.qproof") < 2048)) || fail "proof larger than expected"
}

@test "verify-proof: another key is not trusted (exit 1, QUIRE_E_UNTRUSTED)" {
    local so
    q prove -q "$T/s.qr" 1 -o "$T/p.qproof"
    so=$(seal_offset "$T/p.qproof")
    run -1 --separate-stderr q verify-proof "$T/p.qproof" -p "$T/o.pub"
    assert_output --partial "$T/p.qproof: INVALID: article 1 of 6"
    assert_output --partial "1 signature (1 valid, 0 trusted); 1 error, 0 warnings"
    assert_equal "$stderr" "quire: $T/p.qproof: offset $so: seal: no valid signature by a trusted key (1 signature, 1 valid) [QUIRE_E_UNTRUSTED]"
    # one trusted key among others is enough
    run -0 q verify-proof "$T/p.qproof" -p "$T/o.pub" -p "$T/k.pub"
}

@test "verify-proof: key strings, keyrings and roles" {
    local so
    q prove -q "$T/s.qr" 0 -o "$T/p.qproof"
    so=$(seal_offset "$T/p.qproof")
    run -0 q verify-proof "$T/p.qproof" -P "$(key_string "$T/k.pub")"
    run -1 q verify-proof "$T/p.qproof" -P "$(key_string "$T/o.pub")"
    printf 'archivist main %s\n' "$(key_string "$T/k.pub")" >"$T/ring"
    run -0 q verify-proof "$T/p.qproof" --keyring "$T/ring"
    assert_line --partial "valid, trusted as main"
    # trusted as a witness only: an archivist signature does not count
    printf 'witness main %s\n' "$(key_string "$T/k.pub")" >"$T/ring2"
    run -1 --separate-stderr q verify-proof "$T/p.qproof" --keyring "$T/ring2"
    assert_line --partial "valid, untrusted in this role (main is trusted as witness)"
    assert_equal "$stderr" "quire: $T/p.qproof: offset $so: seal: no valid signature by a trusted key (1 signature, 1 valid) [QUIRE_E_UNTRUSTED]"
    # verify says the same of the archive (one signature check for both)
    run -1 --separate-stderr q verify "$T/s.qr" --keyring "$T/ring2"
    assert_line --partial "valid, untrusted in this role (main is trusted as witness)"
}

@test "verify-proof without keys: integrity only, signers untrusted (exit 0, a warning)" {
    local so
    q prove -q "$T/s.qr" 0 -o "$T/p.qproof"
    so=$(seal_offset "$T/p.qproof")
    run -0 --separate-stderr q verify-proof "$T/p.qproof"
    assert_line --partial "valid, untrusted"
    assert_line --partial "1 signature (1 valid, 0 trusted); 0 errors, 1 warning"
    assert_equal "$stderr" "quire: $T/p.qproof: offset $so: seal: warning: no trusted keys given: the signatures are untrusted (use -p, -P or --keyring) [QUIRE_E_UNTRUSTED]"
    run -0 --separate-stderr q verify-proof -q "$T/p.qproof"
    assert_output ""
    assert_equal "$stderr" ""
}

@test "verify-proof --json: findings and a summary, as JSON Lines" {
    q prove -q "$T/s.qr" 3 -o "$T/p.qproof"
    run -0 q verify-proof --json "$T/p.qproof" -p "$T/k.pub"
    echo "$output" | python3 -c '
import json, sys
objs = [json.loads(l) for l in sys.stdin if l.strip()]
assert objs[0]["type"] == "finding" and objs[0]["signer"]["trusted"] is True, objs[0]
s = objs[-1]
assert s["type"] == "summary" and s["valid"] is True, s
assert s["article"] == 3 and s["tree_size"] == 6 and s["path_length"] == 3, s
assert s["archive_id"] == sys.argv[1] and len(s["root"]) == 64 and len(s["digest"]) == 64, s
assert s["consistency_from"] is None and s["trusted_signatures"] == 1, s
' "$ID"
    # the digest is the one the archive's index holds
    q ls --json "$T/s.qr" | python3 -c '
import json, sys
want = [json.loads(l)["digest"] for l in sys.stdin][3]
print(want.split(":")[-1])' >"$T/want"
    echo "$output" | json_get digest >"$T/got"
    cmp "$T/want" "$T/got"
    run -1 q verify-proof --json "$T/p.qproof" -p "$T/o.pub"
    [[ "$(echo "$output" | json_get valid)" == false ]] || fail "summary not invalid"
    echo "$output" | grep -q '"code":"QUIRE_E_UNTRUSTED"' || fail "no QUIRE_E_UNTRUSTED finding"
}

@test "verify-proof: damaged proofs fail with the code and offset of the damage" {
    local size so
    q prove -q "$T/s.qr" 2 -o "$T/p.qproof"
    size=$(file_size "$T/p.qproof")
    cp "$T/p.qproof" "$T/crc.qproof"
    flip_byte "$T/crc.qproof" 100
    run -1 --separate-stderr q verify-proof "$T/crc.qproof" -p "$T/k.pub"
    assert_equal "$stderr" "quire: $T/crc.qproof: offset $((size - 4)): proof CRC-32: the proof cannot be read: frame CRC-32 mismatch [QUIRE_E_CRC]"
    assert_output --partial "INVALID"
    # cut inside the CRC-32, then inside the seal
    head -c $((size - 2)) "$T/p.qproof" >"$T/short.qproof"
    run -1 --separate-stderr q verify-proof "$T/short.qproof"
    assert_equal "$stderr" "quire: $T/short.qproof: offset $((size - 4)): proof CRC-32: the proof cannot be read: input ends inside a structure [QUIRE_E_TRUNCATED]"
    so=$(seal_offset "$T/p.qproof")
    head -c $((size - 10)) "$T/p.qproof" >"$T/short.qproof"
    run -1 --separate-stderr q verify-proof "$T/short.qproof"
    assert_equal "$stderr" "quire: $T/short.qproof: offset $so: proof seal: the proof cannot be read: input ends inside a structure [QUIRE_E_TRUNCATED]"
    cp "$T/p.qproof" "$T/long.qproof"
    printf 'x' >>"$T/long.qproof"
    run -1 --separate-stderr q verify-proof "$T/long.qproof"
    assert_equal "$stderr" "quire: $T/long.qproof: offset $size: proof: the proof cannot be read: unexpected bytes after the end of a structure [QUIRE_E_TRAILING]"
    cp "$T/p.qproof" "$T/major.qproof"
    flip_byte "$T/major.qproof" 10
    run -1 --separate-stderr q verify-proof "$T/major.qproof"
    assert_equal "$stderr" "quire: $T/major.qproof: offset 10: proof major version: the proof cannot be read: unsupported format major version [QUIRE_E_VERSION]"
}

@test "verify-proof and cat tell archives and proofs apart" {
    run -1 --separate-stderr q verify-proof "$T/s.qr"
    assert_equal "$stderr" "quire: $T/s.qr: offset 0: proof magic: the proof cannot be read: not a quire archive (bad magic) [QUIRE_E_MAGIC]"
    q prove -q "$T/s.qr" 0 -o "$T/p.qproof"
    run -1 --separate-stderr q ls "$T/p.qproof"
    assert_equal "$stderr" "quire: $T/p.qproof: offset 0: file magic: not a quire archive (bad magic) [QUIRE_E_MAGIC]"
    # a selector means an archive: a proof is not one
    run -1 q cat "$T/p.qproof" 0
}

@test "verify-proof --later: a bigger archive's proof extends a smaller one's" {
    head -n 4 "$DATA/sample.jsonl" >"$T/first4.jsonl"
    q pack -q -o "$T/old.qr" --sign "$T/k.key" --archive-id "$ID" "$T/first4.jsonl"
    q prove -q "$T/old.qr" 1 -o "$T/old.qproof"
    run -0 --separate-stderr q prove "$T/s.qr" 5 --consistency-from 4 -o "$T/new.qproof"
    run -0 q verify-proof "$T/old.qproof" -p "$T/k.pub" --later "$T/new.qproof"
    assert_line --partial "$T/old.qproof: valid: article 1 of 4"
    assert_line --partial "$T/new.qproof: valid: article 5 of 6"
    assert_line "$T/new.qproof: extends $T/old.qproof: the tree of 4 articles is a prefix of the tree of 6"
    # 4 is a power of two: one proof alone cannot name the old root
    assert_line --partial "a consistency path from the tree of 4 articles"
    run -0 q verify-proof --json "$T/old.qproof" --later "$T/new.qproof"
    [[ "$(echo "$output" | json_get type)" == later ]] || fail "no 'later' object"
    [[ "$(echo "$output" | json_get valid)" == true ]] || fail "'later' not valid"
    # from 3 (not a power of two): the old root follows from the path
    head -n 3 "$DATA/sample.jsonl" >"$T/first3.jsonl"
    q pack -q -o "$T/old3.qr" --sign "$T/k.key" --archive-id "$ID" "$T/first3.jsonl"
    q prove -q "$T/old3.qr" 2 -o "$T/old3.qproof"
    q prove -q "$T/s.qr" 0 --consistency-from 3 -o "$T/new3.qproof"
    run -0 q verify-proof "$T/new3.qproof"
    root=$(q verify-proof --json "$T/old3.qproof" | json_get root)
    assert_line --partial "extends the tree of 3 articles with root $root"
    run -0 q verify-proof "$T/old3.qproof" --later "$T/new3.qproof" -p "$T/k.pub"
}

@test "verify-proof --later: what does not extend fails (exit 1, QUIRE_E_CHAIN / QUIRE_E_ARCHIVE_ID)" {
    head -n 4 "$DATA/sample.jsonl" >"$T/first4.jsonl"
    q pack -q -o "$T/old.qr" --sign "$T/k.key" --archive-id "$ID" "$T/first4.jsonl"
    q prove -q "$T/old.qr" 1 -o "$T/old.qproof"
    # no consistency path
    q prove -q "$T/s.qr" 5 -o "$T/plain.qproof"
    run -1 --separate-stderr q verify-proof "$T/old.qproof" --later "$T/plain.qproof"
    assert_line --index 0 --partial "valid"
    [[ "$stderr" == *"quire: $T/plain.qproof: offset "*": proof consistency path: does not extend $T/old.qproof: the later proof has no consistency path [QUIRE_E_CHAIN]" ]] ||
        fail "unexpected: $stderr"
    # a consistency path from another size
    q prove -q "$T/s.qr" 5 --consistency-from 3 -o "$T/from3.qproof"
    run -1 --separate-stderr q verify-proof "$T/old.qproof" --later "$T/from3.qproof"
    [[ "$stderr" == *"[QUIRE_E_CHAIN]" ]] || fail "unexpected: $stderr"
    # the other way round
    q prove -q "$T/s.qr" 5 --consistency-from 4 -o "$T/new.qproof"
    run -1 --separate-stderr q verify-proof "$T/new.qproof" --later "$T/old.qproof"
    [[ "$stderr" == *"statement tree size: does not extend $T/new.qproof: the later tree is smaller [QUIRE_E_CHAIN]" ]] ||
        fail "unexpected: $stderr"
    # an unrelated archive: another id, or the same id over other articles
    q pack -q -o "$T/other.qr" --sign "$T/k.key" "$DATA/sample.jsonl"
    q prove -q "$T/other.qr" 5 --consistency-from 4 -o "$T/other.qproof"
    run -1 --separate-stderr q verify-proof "$T/old.qproof" --later "$T/other.qproof"
    [[ "$stderr" == *"the proofs name different archives [QUIRE_E_ARCHIVE_ID]" ]] ||
        fail "unexpected: $stderr"
    tail -n 4 "$DATA/sample.jsonl" >"$T/last4.jsonl"
    cat "$T/last4.jsonl" "$T/first4.jsonl" | head -n 6 >"$T/mixed.jsonl"
    q pack -q -o "$T/mixed.qr" --sign "$T/k.key" --archive-id "$ID" "$T/mixed.jsonl"
    q prove -q "$T/mixed.qr" 5 --consistency-from 4 -o "$T/mixed.qproof"
    run -1 --separate-stderr q verify-proof "$T/old.qproof" --later "$T/mixed.qproof"
    [[ "$stderr" == *"the earlier tree is not a prefix of the later one [QUIRE_E_CHAIN]" ]] ||
        fail "unexpected: $stderr"
}

@test "verify-proof --later across 'quire append' checkpoints" {
    head -n 3 "$DATA/sample.jsonl" >"$T/a.jsonl"
    tail -n 3 "$DATA/sample.jsonl" >"$T/b.jsonl"
    q pack -q -o "$T/ap.qr" --sign "$T/k.key" "$T/a.jsonl"
    q prove -q "$T/ap.qr" 2 -o "$T/cp0.qproof"
    q append -q --sign "$T/k.key" "$T/ap.qr" "$T/b.jsonl"
    q prove -q "$T/ap.qr" 4 --consistency-from 3 -o "$T/cp1.qproof"
    run -0 q verify-proof "$T/cp0.qproof" -p "$T/k.pub" --later "$T/cp1.qproof"
    assert_line --partial "$T/cp1.qproof: valid: article 4 of 6 in archive"
    assert_line --partial ", checkpoint 1;"
    assert_line "$T/cp1.qproof: extends $T/cp0.qproof: the tree of 3 articles is a prefix of the tree of 6"
    # an article of checkpoint 0, proved against checkpoint 1, is the same article
    q prove -q "$T/ap.qr" 2 -o "$T/cp1-2.qproof"
    q cat "$T/cp0.qproof" >"$T/a"
    q cat "$T/cp1-2.qproof" >"$T/b"
    cmp "$T/a" "$T/b"
}

@test "an unsigned archive gives a proof of integrity only" {
    pack_sample "$T/u.qr"
    q prove -q "$T/u.qr" 2 -o "$T/u.qproof"
    run -0 q verify-proof "$T/u.qproof"
    assert_line "$T/u.qproof: the seal has no signatures: integrity only"
    run -1 q verify-proof "$T/u.qproof" -p "$T/k.pub"
}

@test "prove on a damaged archive refuses to write a proof" {
    local off
    cp "$T/s.qr" "$T/bad.qr"
    # a byte inside the first block frame's compressed data
    off=40
    flip_byte "$T/bad.qr" "$off"
    run -1 --separate-stderr q prove "$T/bad.qr" 0 -o "$T/bad.qproof"
    [[ "$stderr" == "quire: $T/bad.qr: offset "*"[QUIRE_E_"*"]" ]] || fail "unexpected: $stderr"
    [[ ! -e "$T/bad.qproof" ]] || fail "a proof was written"
}

@test "prove: usage errors exit 2, a missing article exits 1" {
    run -2 --separate-stderr q prove "$T/s.qr" 0
    assert_equal "${stderr_lines[0]}" "quire: prove: give the proof file to write with -o FILE"
    run -2 --separate-stderr q prove "$T/s.qr" -o "$T/p.qproof"
    assert_equal "${stderr_lines[0]}" "quire: prove: give ARCHIVE and exactly one of N, --url"
    run -2 --separate-stderr q prove "$T/s.qr" 0 --url https://x.example/ -o "$T/p.qproof"
    assert_equal "${stderr_lines[0]}" "quire: prove: give ARCHIVE and exactly one of N, --url"
    run -2 --separate-stderr q prove "$T/s.qr" zero -o "$T/p.qproof"
    assert_equal "$stderr" "quire: prove: 'zero' is not an article number"
    run -2 --separate-stderr q prove "$T/s.qr" 0 --consistency-from 0 -o "$T/p.qproof"
    assert_equal "$stderr" "quire: prove: --consistency-from needs a tree size of 1 or more"
    run -2 --separate-stderr q prove "$T/s.qr" 0 --consistency-from 7 -o "$T/p.qproof"
    assert_equal "$stderr" "quire: prove: --consistency-from 7: the archive has 6 articles"
    run -1 --separate-stderr q prove "$T/s.qr" 6 -o "$T/p.qproof"
    assert_equal "$stderr" "quire: $T/s.qr: no article 6 (the archive has 6)"
    run -2 --separate-stderr q prove "$T/nosuch.qr" 0 -o "$T/p.qproof"
    assert_equal "$stderr" "quire: $T/nosuch.qr: open archive: input/output error: No such file or directory [QUIRE_E_IO]"
    run -2 --separate-stderr q prove "$T/s.qr" 0 -o "$T/nodir/p.qproof"
    [[ "$stderr" == "quire: $T/nodir/p.qproof: cannot create: No such file or directory" ]] ||
        fail "unexpected: $stderr"
    run -2 q prove --bogus
    [[ ! -e "$T/p.qproof" ]] || fail "a proof was written"
}

@test "verify-proof: usage and I/O errors exit 2" {
    run -2 --separate-stderr q verify-proof
    assert_equal "${stderr_lines[0]}" "quire: verify-proof: expected one PROOF"
    q prove -q "$T/s.qr" 0 -o "$T/p.qproof"
    run -2 --separate-stderr q verify-proof "$T/p.qproof" "$T/p.qproof"
    assert_equal "${stderr_lines[0]}" "quire: verify-proof: expected one PROOF"
    run -2 --separate-stderr q verify-proof "$T/nosuch.qproof"
    assert_equal "$stderr" "quire: $T/nosuch.qproof: No such file or directory"
    run -2 --separate-stderr q verify-proof "$T/p.qproof" -p "$T/nosuch.pub"
    assert_equal "$stderr" "quire: $T/nosuch.pub: No such file or directory"
    run -2 q verify-proof "$T/p.qproof" -P not-a-key
    run -2 --separate-stderr q verify-proof "$T/p.qproof" -p "$T/k.pub" --later "$T/nosuch.qproof"
    assert_equal "$stderr" "quire: $T/nosuch.qproof: No such file or directory"
    run -2 q verify-proof --bogus "$T/p.qproof"
}

@test "--help for prove and verify-proof; both listed in the usage" {
    run -0 q prove --help
    assert_line --index 0 "usage: quire prove ARCHIVE (N | --url URL) -o FILE [--consistency-from SIZE] [-q]"
    assert_output --partial "Exit status: 0 written"
    run -0 q verify-proof --help
    assert_line --index 0 "usage: quire verify-proof PROOF [-p PUBFILE]... [-P KEY]... [--keyring FILE]"
    assert_output --partial "Exit status: 0 valid, 1 invalid, 2 usage or I/O error."
    run -0 q help prove
    assert_line --index 0 --partial "usage: quire prove"
    run -0 q --help
    assert_line --partial "prove     write a standalone proof file for one article"
    assert_line --partial "verify-proof"
}
