#!/usr/bin/env bats
# WARC in and out: quire pack --from warc, quire export --warc, on every file
# of ../shared/corpus/warc (valid and broken), checked against warcio.js.

load helper

WARC="$CORPUS/warc"
WARCIO_DIR="${WARCIO_DIR:-$ROOT/build/npm}"
export WARCIO_DIR

# the corpus files that are WARC files meant to be valid (their names and
# folders say which are broken on purpose)
valid_warcs() {
    find "$WARC" -type f \( -name '*.warc' -o -name '*.warc.gz' -o -name '*.warc.gz.open' \) |
        grep -v -E 'invalid|corrupted|wrong|trunc|bad' | sort
}

@test "every file of the WARC corpus, valid or broken: no crash, each record not imported named with its offset" {
    require_corpus
    n=0
    while IFS= read -r f; do
        n=$((n + 1))
        run q pack --verbose --from warc -o "$T/x.quire" "$f"
        [ "$status" -le 1 ] || {
            echo "$f: exit $status: $output"
            false
        }
        # a summary, or a clear refusal (ARC, zstd)
        if ! grep -q -E ': [0-9]+ records: [0-9]+ articles' <<<"$output"; then
            grep -q -E 'ARC files are not read|zstd' <<<"$output" || {
                echo "$f: $output"
                false
            }
            continue
        fi
        # every skipped record: file, offset, record number, what, why
        while IFS= read -r line; do
            grep -q -E '^quire: .*: offset [0-9]+: record [0-9]+: [^:]+: ' <<<"$line" || {
                echo "$f: unexplained line: $line"
                false
            }
        done < <(grep -v -E ': [0-9]+ records: |^quire: packed ' <<<"$output")
        # the archive verifies
        run -0 q verify -q "$T/x.quire"
    done < <(find "$WARC" -type f | sort)
    [ "$n" -ge 90 ]
}

@test "an ARC file is refused with a clear message" {
    require_corpus
    run -1 q pack --from warc -o "$T/x.quire" "$WARC/pywb/example.arc"
    assert_output --partial "ARC files are not read"
    assert_output --partial "QUIRE_E_FEATURE"
}

@test "WARC, quire, WARC: the same records, payloads and digests; warcio indexes and checks the output" {
    require_corpus
    [ -f "$WARCIO_DIR/node_modules/warcio/package.json" ] || fail "warcio not installed in $WARCIO_DIR (make warcio)"
    n=0
    while IFS= read -r f; do
        run q pack -q --from warc -o "$T/r.quire" "$f"
        [ "$status" -le 1 ]
        articles=$(q info --json "$T/r.quire" | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')
        run -0 q export -q --warc "$T/r.quire" -o "$T/r.warc.gz"
        run -0 node "$BATS_TEST_DIRNAME/warc_check.cjs" "$f" "$T/r.warc.gz" "$articles"
        echo "$(basename "$f"): $output"
        # warcio's own indexer reads every record
        run -0 "$WARCIO_DIR/node_modules/.bin/warcio" index "$T/r.warc.gz"
        records=$(grep -c . <<<"$output" || true)
        # the exported file is the same bytes each time
        q export -q --warc "$T/r.quire" -o "$T/r2.warc.gz"
        cmp "$T/r.warc.gz" "$T/r2.warc.gz"
        [ "$records" -ge "$articles" ]
        n=$((n + 1))
    done < <(valid_warcs)
    [ "$n" -ge 20 ]
}

@test "news pages: every page an article, digests checked, metadata and text from the HTML" {
    require_corpus
    run -0 q pack --from warc -o "$T/n.quire" "$WARC/constructed-news/news-pages.warc.gz"
    assert_output --partial "112 records: 111 articles"
    assert_output --partial "payload digests: 111 ok, 0 mismatched"
    run -0 q verify -q "$T/n.quire"
    # article 0: the CNN Arabic page (title from the HTML, body text extracted)
    q extract --jsonl "$T/n.quire" >"$T/n.jsonl"
    python3 - "$T/n.jsonl" <<'PY'
import json, sys
arts = [json.loads(l) for l in open(sys.argv[1])]
assert len(arts) == 111, len(arts)
titled = sum(1 for a in arts if a.get('title'))
texted = sum(1 for a in arts if len(a.get('text') or '') > 200)
assert titled >= 85 and texted >= 85, (titled, texted)
for a in arts:
    assert a['payload_digest_check'] == 'ok', a['payload_digest_check']
    assert a['id'].startswith('<urn:uuid:') and a['capture_url'].startswith('http')
    assert a['captured'].startswith('20')
PY
}

@test "a payload digest mismatch is imported, reported and recorded" {
    require_corpus
    run -0 q pack --from warc -o "$T/m.quire" "$WARC/jwat/invalid-warcfile-segment-number-response.warc"
    assert_output --partial "payload digest mismatch"
    assert_output --partial "payload digests: 0 ok, 2 mismatched"
    run -0 q extract --jsonl "$T/m.quire"
    assert_output --partial '"payload_digest_check":"mismatch: computed sha1:'
}

@test "revisit records point at the article they duplicate" {
    require_corpus
    run -0 q pack --from warc -o "$T/d.quire" "$WARC/pywb/example.warc.gz"
    q extract --jsonl "$T/d.quire" >"$T/d.jsonl"
    python3 - "$T/d.jsonl" <<'PY'
import json, sys
arts = [json.loads(l) for l in open(sys.argv[1])]
rev = [a for a in arts if a.get('warc_type') == 'revisit']
assert rev, 'no revisit'
for r in rev:
    n = int(r['revisit_of'])
    assert arts[n]['warc_type'] == 'response' and arts[n]['original_digest'] == r['original_digest']
PY
}

@test "request and metadata records stay with their article; warcinfo is stored once" {
    require_corpus
    run -0 q pack --from warc -o "$T/w.quire" "$WARC/jwat/IAH-20080430204825-00000-blackbook.warc.gz"
    assert_output --partial "822 records: 177 articles"
    # images, scripts and their requests and metadata are counted, not listed, and not errors
    assert_output --partial "290 not articles (omitted; --verbose lists them), 0 broken (skipped)"
    refute_output --partial "image/gif"
    run -0 q pack --verbose --from warc -o "$T/w2.quire" "$WARC/jwat/IAH-20080430204825-00000-blackbook.warc.gz"
    [ "$(grep -c ': omitted: ' <<<"$output")" -eq 290 ]
    run -0 q cat "$T/w.quire" 0 --part warc-request
    assert_output --partial "WARC-Type: request"
    run -0 q cat "$T/w.quire" 0 --part warcinfo
    assert_output --partial "WARC-Type: warcinfo"
    # 177 articles share one warcinfo record: deduplicated, not stored 177 times
    q pack -q --from warc --no-dedup -o "$T/full.quire" "$WARC/jwat/IAH-20080430204825-00000-blackbook.warc.gz" || true
    [ "$(stat -c %s "$T/w.quire")" -lt "$(stat -c %s "$T/full.quire")" ]
}

@test "append --from warc: a new signed checkpoint; the chain verifies" {
    require_corpus
    q keygen -W -p "$T/k.pub" -s "$T/k.key" >/dev/null
    q pack -q --sign "$T/k.key" -o "$T/a.quire" "$WARC/pywb/example.warc.gz"
    run -0 q append "$T/a.quire" --sign "$T/k.key" "$WARC/pywb/example2.warc.gz"
    assert_output --partial "appended 1 article"
    run -0 q append "$T/a.quire" --sign "$T/k.key" --from warc "$WARC/gowarc/good.warc.gz.open"
    assert_output --partial "appended 50 articles"
    run -0 q verify -p "$T/k.pub" "$T/a.quire"
    assert_output --partial "valid: 54 articles"
}

@test "export on a terminal shows its progress on one line, and clears it before the summary" {
    q pack -q -o "$T/a.quire" "$DATA/sample.jsonl" "$DATA"/*.txt
    n=$(q info "$T/a.quire" | sed -n 's/^articles: *//p')
    run on_tty "" "$QUIRE" export --warc "$T/a.quire" -o "$T/a.warc.gz"
    assert_success
    assert_output --partial "quire: export: 0 of $n articles (0%)"
    assert_output --partial "quire: export: $n of $n articles (100%)"$'\e[K'"quire: exported $n articles"
    # not when standard error is not a terminal, nor with -q
    run --separate-stderr q export --warc "$T/a.quire" -o "$T/b.warc.gz"
    refute [ -z "$stderr" ]
    [[ "$stderr" != *"quire: export:"* ]] || fail "progress off a terminal: $stderr"
    run on_tty "" "$QUIRE" export -q --warc "$T/a.quire" -o "$T/c.warc.gz"
    assert_output ""
    cmp "$T/a.warc.gz" "$T/b.warc.gz"
}
