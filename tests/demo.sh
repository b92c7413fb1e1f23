#!/bin/sh
# make demo: the main job on the bundled examples: pack, inspect, read back,
# and check that what comes back is byte for byte what went in.
set -eu
Q=${1:-build/quire}
D=build/demo
rm -rf "$D"
mkdir -p "$D"
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say quire pack -o $D/demo.quire tests/data/*.txt tests/data/sample.jsonl
"$Q" pack -o "$D/demo.quire" tests/data/*.txt tests/data/sample.jsonl
say quire info $D/demo.quire
"$Q" info "$D/demo.quire"
say quire ls $D/demo.quire
"$Q" ls "$D/demo.quire"
say quire ls $D/demo.quire --since 2018-01-01 --until 2018-12-31
"$Q" ls "$D/demo.quire" --since 2018-01-01 --until 2018-12-31
say "quire cat $D/demo.quire 4 | head -c 300"
"$Q" cat "$D/demo.quire" 4 | head -c 300; echo
say quire extract $D/demo.quire -d $D/files
"$Q" extract "$D/demo.quire" -d "$D/files"
for f in tests/data/*.txt; do
    cmp "$f" "$D/files/$(basename "$f")"
done
echo "every text file came back byte for byte"
say quire extract $D/demo.quire --jsonl
"$Q" extract "$D/demo.quire" --jsonl > "$D/all.jsonl"
wc -l < "$D/all.jsonl" | sed 's/$/ articles written back as JSON Lines/'
printf '\ndemo finished: archive at %s\n' "$D/demo.quire"
