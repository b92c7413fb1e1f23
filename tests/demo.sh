#!/bin/sh
# make demo: the main job on the bundled examples: make a key, pack and
# sign, verify, read back (and check that what comes back is byte for byte
# what went in), prove one article, append a day's articles, co-sign; pack
# a small WARC crawl and export it back.
set -eu
Q=${1:-build/quire}
D=build/demo
rm -rf "$D"
mkdir -p "$D"
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say quire keygen -W -p $D/archivist.pub -s $D/archivist.key
"$Q" keygen -W -p "$D/archivist.pub" -s "$D/archivist.key"

say quire pack -o $D/demo.quire --sign $D/archivist.key tests/data/*.txt
"$Q" pack -o "$D/demo.quire" --sign "$D/archivist.key" tests/data/*.txt

say quire verify $D/demo.quire -p $D/archivist.pub
"$Q" verify "$D/demo.quire" -p "$D/archivist.pub"

say quire info $D/demo.quire
"$Q" info "$D/demo.quire"

say quire ls $D/demo.quire
"$Q" ls "$D/demo.quire"

say "quire cat $D/demo.quire 4 | head -c 300"
"$Q" cat "$D/demo.quire" 4 | head -c 300
echo

say quire extract $D/demo.quire -d $D/files
"$Q" extract "$D/demo.quire" -d "$D/files"
for f in tests/data/*.txt; do
    cmp "$f" "$D/files/$(basename "$f")"
done
echo "every text file came back byte for byte"

say quire prove $D/demo.quire 4 -o $D/seed.qproof
"$Q" prove "$D/demo.quire" 4 -o "$D/seed.qproof"
say quire verify-proof $D/seed.qproof -p $D/archivist.pub
"$Q" verify-proof "$D/seed.qproof" -p "$D/archivist.pub"
"$Q" cat "$D/seed.qproof" | cmp - tests/data/nbc-2018-10-07-pompeo-kim.txt
echo "the proof alone gives back the article, byte for byte ($(wc -c <"$D/seed.qproof") bytes)"

say quire append $D/demo.quire --sign $D/archivist.key tests/data/sample.jsonl
"$Q" append "$D/demo.quire" --sign "$D/archivist.key" tests/data/sample.jsonl

say quire keygen -W -p $D/witness.pub -s $D/witness.key '&&' quire sign $D/demo.quire -s $D/witness.key
"$Q" keygen -W -p "$D/witness.pub" -s "$D/witness.key" >/dev/null
"$Q" sign "$D/demo.quire" -s "$D/witness.key"

say quire verify $D/demo.quire -p $D/archivist.pub -p $D/witness.pub --require-role witness
"$Q" verify "$D/demo.quire" -p "$D/archivist.pub" -p "$D/witness.pub" --require-role witness

say quire ls $D/demo.quire --since 2023-03-15 --until 2023-03-17
"$Q" ls "$D/demo.quire" --since 2023-03-15 --until 2023-03-17

say quire pack -o $D/crawl.quire --sign $D/archivist.key tests/data/gazette-crawl.warc.gz
"$Q" pack -o "$D/crawl.quire" --sign "$D/archivist.key" tests/data/gazette-crawl.warc.gz
say quire ls $D/crawl.quire
"$Q" ls "$D/crawl.quire"
say "quire cat $D/crawl.quire 0 --meta | head -c 400"
"$Q" cat "$D/crawl.quire" 0 --meta | head -c 400
echo
mkdir -p "$D/export"
say quire export --warc $D/crawl.quire -o $D/export/gazette-crawl.warc.gz
"$Q" export --warc "$D/crawl.quire" -o "$D/export/gazette-crawl.warc.gz"
# the exported WARC (same file name: it is a field) packs into the same
# articles, record digest for record digest
"$Q" pack -q -o "$D/again.quire" "$D/export/gazette-crawl.warc.gz"
"$Q" ls --json "$D/crawl.quire" | sed 's/.*"digest":"\([0-9a-f]*\)".*/\1/' >"$D/a.dg"
"$Q" ls --json "$D/again.quire" | sed 's/.*"digest":"\([0-9a-f]*\)".*/\1/' >"$D/b.dg"
cmp "$D/a.dg" "$D/b.dg"
echo "the exported WARC gives back the same articles, digest for digest"

say quire extract $D/demo.quire --jsonl
"$Q" extract "$D/demo.quire" --jsonl >"$D/all.jsonl"
wc -l <"$D/all.jsonl" | sed 's/$/ articles written back as JSON Lines/'
printf '\ndemo finished: archive at %s\n' "$D/demo.quire"
