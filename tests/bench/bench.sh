#!/usr/bin/env bash
# tests/bench/bench.sh - quire against its peers on the shared news corpus.
# Run by `make bench` from the project root (after `make all` and building
# build/bench/access from tests/bench/access.c); see tests/bench/README.md.
#
# Environment:
#   BENCH_CORPUS  folder of the JSON Lines corpora (default ../shared/corpus/news)
#   BENCH_SCALES  copies of Reuters for the scaling run (default "1 4 16")
#   BENCH_SEED    seed of the random lookups (default 1987)
#   BENCH_KEEP=1  keep the article files and the scaling inputs (big) under build/bench/
set -eu -o pipefail
export LC_ALL=C

ROOT=$(pwd)
QUIRE=$ROOT/build/quire
ACCESS=$ROOT/build/bench/access
PREP=$ROOT/tests/bench/prepare.py
CORPUS=${BENCH_CORPUS:-$ROOT/../shared/corpus/news}
SCALES=${BENCH_SCALES:-"1 4 16"}
SEED=${BENCH_SEED:-1987}
W=$ROOT/build/bench/work
S=$ROOT/build/bench/scale
CORPORA=(reuters21578-train bbc-fulltext fakenewsnet-politifact-real)
PYTHON=$(command -v python3 || true)

die() { echo "bench: FAILED: $*" >&2; exit 1; }

# ---- preconditions: the corpus (read in place, never copied) and the tools ----
if [ ! -d "$CORPUS" ]; then
    die "corpus folder $CORPUS not found. The benchmark reads ../shared/corpus/news/ in place \
(relative to the project root; see ../shared/corpus/README.md); it is never copied into the \
repository. Set BENCH_CORPUS to another copy of it."
fi
for c in "${CORPORA[@]}"; do
    [ -r "$CORPUS/$c.jsonl" ] || die "corpus file $CORPUS/$c.jsonl not found or unreadable \
(the benchmark reads ../shared/corpus/news/ in place; see ../shared/corpus/README.md)"
done
missing=""
for t in gzip tar zip unzip zimwriterfs zimcheck zimdump minisign awk sort; do
    command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
[ -x /usr/bin/time ] || missing="$missing /usr/bin/time(package time)"
[ -n "$PYTHON" ] || missing="$missing python3"
[ -z "$missing" ] || die "missing tools:$missing (zim-tools, zip, unzip, minisign, time: run 'make deps')"
[ -x "$QUIRE" ] || die "$QUIRE not built (make all)"
[ -x "$ACCESS" ] || die "$ACCESS not built (make bench builds it)"

rm -rf "$W" "$S"
mkdir -p "$W" "$S"
START=${EPOCHREALTIME/./}

# ---- measurement helpers ----
# measure CMD: runs 'sh -c CMD' under /usr/bin/time; runs it 3 times and keeps the fastest
# unless the first run takes 2 s or more (then once). Sets T_US (wall time of the best run, in
# microseconds), CPU_US (its user + system CPU time, 10 ms resolution) and RSS_KB (its peak RSS:
# the largest of the processes of the command).
measure() {
    local cmd=$1 best=-1 rss=0 cpu=0 i t0 t1 dt r
    for i in 1 2 3; do
        t0=${EPOCHREALTIME/./}
        if ! /usr/bin/time -f "%M %U %S" -o "$W/.rss" sh -c "$cmd" >"$W/.out" 2>"$W/.err"; then
            echo "bench: command failed: $cmd" >&2
            tail -n 20 "$W/.err" >&2
            die "see above"
        fi
        t1=${EPOCHREALTIME/./}
        dt=$((t1 - t0))
        r=$(tail -n 1 "$W/.rss")
        if [ "$best" -lt 0 ] || [ "$dt" -lt "$best" ]; then
            best=$dt; rss=${r%% *}; cpu=$(awk '{printf "%d", ($2 + $3) * 1e6}' <<<"$r")
        fi
        [ "$dt" -lt 2000000 ] || break
    done
    T_US=$best
    CPU_US=$cpu
    RSS_KB=$rss
}

# In-process lookups (build/bench/access): best of 3 runs of COUNT lookups, the smallest p50 and
# the smallest p99 of the three. Sets P50, P99 (wall) and CP50, CP99 (thread CPU clock), in
# microseconds with one decimal.
access_lookups() {
    local i line
    P50=""; P99=""; CP50=""; CP99=""
    for i in 1 2 3; do
        line=$("$ACCESS" "$@") || die "access $*"
        P50=$(awk -v m="$P50" '{print (m == "" || $4 < m) ? $4 : m}' <<<"$line")
        P99=$(awk -v m="$P99" '{print (m == "" || $6 < m) ? $6 : m}' <<<"$line")
        CP50=$(awk -v m="$CP50" '{print (m == "" || $12 < m) ? $12 : m}' <<<"$line")
        CP99=$(awk -v m="$CP99" '{print (m == "" || $14 < m) ? $14 : m}' <<<"$line")
    done
}

# nearest-rank p50 and p99 of the numbers in a file: prints "P50 P99"
percentiles() {
    sort -n "$1" | awk '{v[NR]=$1} END {
        r=0.50*NR; i=int(r); if (i<r) i++; if (i<1) i=1; p50=v[i];
        r=0.99*NR; i=int(r); if (i<r) i++; if (i<1) i=1; p99=v[i];
        printf "%d %d\n", p50, p99 }'
}

# one lookup of 0-based article K through a command-line tool (a new process each time)
cli_lookup_once() {
    local kind=$1 file=$2 k=$3
    case $kind in
        zip) unzip -p "$file" "$(printf %06d.txt "$k")" ;;
        tar) tar -xzOf "$file" --occurrence=1 "./$(printf %06d.txt "$k")" ;;
        zim) zimdump show --url="$(printf %06d.html "$k")" "$file" ;;
        gzjsonl) gzip -dc "$file" 2>/dev/null | sed -n "$((k + 1)){p;q}"; return "${PIPESTATUS[1]}" ;;
    esac
}

# cli_lookups KIND FILE N ARTICLES: N lookups of random articles, each timed from the calling
# shell (process start included); best of 3 batches of the same N articles. Sets P50, P99 (us).
cli_lookups() {
    local kind=$1 file=$2 n=$3 total=$4 batch k t0 t1 pp p50 p99
    awk -v s="$SEED" -v n="$n" -v t="$total" 'BEGIN{srand(s); for (i=0;i<n;i++) print int(rand()*t)}' \
        >"$W/.keys"
    P50=""; P99=""
    for batch in 1 2 3; do
        : >"$W/.times"
        while read -r k; do
            t0=${EPOCHREALTIME/./}
            cli_lookup_once "$kind" "$file" "$k" >/dev/null 2>"$W/.err" \
                || { cat "$W/.err" >&2; die "$kind lookup of article $k in $file"; }
            t1=${EPOCHREALTIME/./}
            echo $((t1 - t0)) >>"$W/.times"
        done <"$W/.keys"
        pp=$(percentiles "$W/.times"); p50=${pp% *}; p99=${pp#* }
        if [ -z "$P50" ] || [ "$p50" -lt "$P50" ]; then P50=$p50; fi
        if [ -z "$P99" ] || [ "$p99" -lt "$P99" ]; then P99=$p99; fi
    done
}

fsize() { stat -c %s "$1"; }
warm() { cat "$@" >/dev/null; }   # page cache, before single (long) runs
sec() { awk -v u="$1" 'BEGIN{ if (u=="-") print "-"; else printf "%.3f", u/1e6 }'; }
mbu() { awk -v b="$1" 'BEGIN{ if (b<10000) printf "%d B", b; else printf "%.2f MB", b/1e6 }'; }
mb() { awk -v b="$1" 'BEGIN{ if (b=="-") print "-"; else if (b<10000) printf "%d B", b; else printf "%.2f", b/1e6 }'; }
kbmb() { awk -v k="$1" 'BEGIN{ if (k=="-") print "-"; else printf "%.1f", k/1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ printf "%.2f", a/b }'; }

HDR_FMT="%-34s %9s %7s %8s %8s %8s %9s %9s  %-23s %7s %7s\n"
row() { # name size_bytes input_bytes pack_us[:pack_cpu_us] verify_us p50 p99 lookups rss_pack_kb rss_verify_kb
    local pct="-" pw=${4%%:*} pc="-"
    [[ $4 != *:* ]] || pc=${4#*:}
    [ "$2" = "-" ] || pct=$(awk -v a="$2" -v b="$3" 'BEGIN{printf "%.1f%%", 100*a/b}')
    printf "$HDR_FMT" "$1" "$(mb "$2")" "$pct" "$(sec "$pw")" "$(sec "$pc")" "$(sec "$5")" "$6" "$7" "$8" \
        "$(kbmb "$9")" "$(kbmb "${10}")"
}

# ---- header ----
echo "quire benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)  $(nproc) CPUs: \
$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "tools: $("$QUIRE" --version 2>/dev/null | head -n 1 || echo '?'); \
$(gzip --version | head -n 1); $(tar --version | head -n 1); $(zip -v | sed -n 2p | awk '{print $1,$2,$3,$4}'); \
$(unzip -v | head -n 1 | awk '{print $1,$2}'); $(zimwriterfs --version 2>&1 | head -n 1); \
minisign $(minisign -v 2>&1 | awk '{print $2}')"
echo "corpus: $CORPUS (read in place)"
echo "timing: wall clock; best of 3 runs when a run takes < 2 s, else one run; sizes in MB (10^6 bytes), RSS in MiB"
loadavg() { awk '{print $1", "$2", "$3}' /proc/loadavg; }
echo "load average at start: $(loadavg) (on $(nproc) CPUs; other work running on this machine inflates times)"
echo

# one key pair for every signature: quire seals with it, minisign signs with it
minisign -G -W -p "$W/bench.pub" -s "$W/bench.key" </dev/null >/dev/null 2>&1 \
    || die "minisign -G failed"

ZIM_OPTS="-w index.html -I illustration.png -l eng -t quire-bench -d quire-benchmark -c corpus -p quire-bench"

declare -A R   # results kept for the record line (Reuters)

for c in "${CORPORA[@]}"; do
    in=$CORPUS/$c.jsonl
    d=$W/$c
    mkdir -p "$d"
    in_bytes=$(fsize "$in")
    # untimed preparation: one text file and one HTML page per article
    read -r n_art text_bytes < <("$PYTHON" "$PREP" split "$in" "$d") || die "prepare.py split $in"
    warm "$in"

    echo "== $c.jsonl: $n_art articles, $(mb "$in_bytes") MB of JSON Lines, $(mb "$text_bytes") MB of article text"
    printf "$HDR_FMT" "peer" "size MB" "/input" "pack s" "pack cpu" "verify s" "p50 us" "p99 us" "random access" \
        "RSS pk" "RSS vf"

    # -- quire: pack (sealed with the key), full verify with the key, fast verify, lookups
    qa=$d/$c.quire
    measure "rm -f '$qa' && '$QUIRE' pack -q --sign '$W/bench.key' -o '$qa' '$in'"
    q_pack=$T_US; q_pc=$CPU_US; q_rss_p=$RSS_KB
    q_size=$(fsize "$qa")
    warm "$qa"
    measure "'$QUIRE' verify -q -p '$W/bench.pub' '$qa'"
    q_ver=$T_US; q_rss_v=$RSS_KB
    measure "'$QUIRE' verify -q --fast -p '$W/bench.pub' '$qa'"
    q_fast=$T_US; q_rss_f=$RSS_KB
    access_lookups quire "$qa" 1000 "$SEED"
    q_p50=$P50; q_p99=$P99
    cpu_note="quire get $CP50/$CP99"
    row "quire (pack --sign, verify -p)" "$q_size" "$in_bytes" "$q_pack:$q_pc" "$q_ver" "$q_p50" "$q_p99" \
        "1000 get(n), in-proc" "$q_rss_p" "$q_rss_v"
    row "  quire verify --fast" - "$in_bytes" - "$q_fast" - - "" - "$q_rss_f"
    if [ -s "$d/urls.txt" ]; then
        access_lookups quire-url "$qa" "$d/urls.txt" 1000 "$SEED"
        row "  quire by URL" - "$in_bytes" - - "$P50" "$P99" "1000 find_url+get" - -
        cpu_note="$cpu_note, quire by URL $CP50/$CP99"
    fi

    # -- gzip -6 of the JSON Lines file itself
    gz=$d/$c.jsonl.gz
    measure "gzip -6 -c '$in' > '$gz'"
    g_pack=$T_US; g_pc=$CPU_US; g_rss_p=$RSS_KB; g_size=$(fsize "$gz")
    measure "gzip -t '$gz'"
    g_ver=$T_US; g_rss_v=$RSS_KB
    cli_lookups gzjsonl "$gz" 20 "$n_art"
    row "gzip -6 (the .jsonl)" "$g_size" "$in_bytes" "$g_pack:$g_pc" "$g_ver" "$P50" "$P99" \
        "20 gzip -dc|sed, procs" "$g_rss_p" "$g_rss_v"

    # -- per-record gzip (WARC.gz convention) with a member offset table
    pr=$d/$c.members.gz
    measure "'$ACCESS' gzpack '$in' '$pr' '$pr.idx'"
    pr_pack=$T_US; pr_pc=$CPU_US; pr_rss_p=$RSS_KB; pr_size=$(fsize "$pr"); pr_idx=$(fsize "$pr.idx")
    gzip -dc "$pr" | cmp -s - "$in" || die "per-record gzip does not decompress to the input"
    measure "gzip -t '$pr'"
    pr_ver=$T_US; pr_rss_v=$RSS_KB
    access_lookups gz "$pr" "$pr.idx" 1000 "$SEED"
    row "per-record gzip -6 (+offsets)" "$pr_size" "$in_bytes" "$pr_pack:$pr_pc" "$pr_ver" "$P50" "$P99" \
        "1000 inflate 1, in-proc" "$pr_rss_p" "$pr_rss_v"
    cpu_note="$cpu_note, per-record gzip $CP50/$CP99"

    # -- solid tar + gzip -6 of the article bodies (one file per article)
    tg=$d/$c.tar.gz
    measure "tar --sort=name -C '$d/txt' -cf - . | gzip -6 > '$tg'"
    t_pack=$T_US; t_pc=$CPU_US; t_rss_p=$RSS_KB; t_size=$(fsize "$tg")
    measure "tar -tzf '$tg' > /dev/null"
    t_ver=$T_US; t_rss_v=$RSS_KB
    cli_lookups tar "$tg" 20 "$n_art"
    row "tar + gzip -6 (bodies)" "$t_size" "$in_bytes" "$t_pack:$t_pc" "$t_ver" "$P50" "$P99" \
        "20 tar -xzO, procs" "$t_rss_p" "$t_rss_v"

    # -- zip -6 of the same files
    zp=$d/$c.zip
    measure "rm -f '$zp' && cd '$d/txt' && zip -q -r -6 '$zp' ."
    z_pack=$T_US; z_pc=$CPU_US; z_rss_p=$RSS_KB; z_size=$(fsize "$zp")
    measure "zip -T '$zp'"
    z_ver=$T_US; z_rss_v=$RSS_KB
    cli_lookups zip "$zp" 100 "$n_art"
    row "zip -6 (bodies)" "$z_size" "$in_bytes" "$z_pack:$z_pc" "$z_ver" "$P50" "$P99" \
        "100 unzip -p, procs" "$z_rss_p" "$z_rss_v"

    # -- ZIM: zimwriterfs on one HTML page per article, without and with the full-text index
    zm=$d/$c.zim
    measure "rm -f '$zm' && zimwriterfs $ZIM_OPTS -j '$d/html' '$zm'"
    zm_pack=$T_US; zm_pc=$CPU_US; zm_rss_p=$RSS_KB; zm_size=$(fsize "$zm")
    measure "zimcheck '$zm'"
    zm_ver=$T_US; zm_rss_v=$RSS_KB
    cli_lookups zim "$zm" 100 "$n_art"
    row "ZIM zimwriterfs -j (pages)" "$zm_size" "$in_bytes" "$zm_pack:$zm_pc" "$zm_ver" "$P50" "$P99" \
        "100 zimdump show, procs" "$zm_rss_p" "$zm_rss_v"
    zf=$d/$c.ft.zim
    measure "rm -f '$zf' && zimwriterfs $ZIM_OPTS '$d/html' '$zf'"
    zf_pack=$T_US; zf_pc=$CPU_US; zf_rss_p=$RSS_KB; zf_size=$(fsize "$zf")
    measure "zimcheck '$zf'"
    row "  ZIM with full-text index" "$zf_size" "$in_bytes" "$zf_pack:$zf_pc" "$T_US" - - "" "$zf_rss_p" "$RSS_KB"

    # -- minisign over the same archive bytes: the quire archive and the gzip file
    measure "rm -f '$qa.minisig' && minisign -S -s '$W/bench.key' -m '$qa' -x '$qa.minisig' < /dev/null"
    ms_q_s=$T_US:$CPU_US; ms_q_rs=$RSS_KB
    measure "minisign -V -q -p '$W/bench.pub' -m '$qa' -x '$qa.minisig'"
    row "minisign -S/-V of the .quire" "$(fsize "$qa.minisig")" "$in_bytes" "$ms_q_s" "$T_US" - - "" \
        "$ms_q_rs" "$RSS_KB"
    measure "rm -f '$gz.minisig' && minisign -S -s '$W/bench.key' -m '$gz' -x '$gz.minisig' < /dev/null"
    ms_g_s=$T_US:$CPU_US; ms_g_rs=$RSS_KB
    measure "minisign -V -q -p '$W/bench.pub' -m '$gz' -x '$gz.minisig'"
    row "minisign -S/-V of the .jsonl.gz" "$(fsize "$gz.minisig")" "$in_bytes" "$ms_g_s" "$T_US" - - "" \
        "$ms_g_rs" "$RSS_KB"

    echo "   quire/gzip -6: size $(ratio "$q_size" "$g_size"), pack time $(ratio "$q_pack" "$g_pack");" \
         "quire/zimwriterfs -j pack time $(ratio "$q_pack" "$zm_pack");" \
         "quire verify $(awk -v b="$text_bytes" -v u="$q_ver" 'BEGIN{printf "%.1f", b/u}') MB/s of article text" \
         "($(awk -v b="$q_size" -v u="$q_ver" 'BEGIN{printf "%.1f", b/u}') MB/s of archive)"
    echo "   in-process lookups on the thread's CPU clock (no time preempted), p50/p99 us: $cpu_note"
    echo "   offset table of per-record gzip: $(mbu "$pr_idx") more (8 bytes a record), not in its size;" \
         "tar, zip and ZIM hold the article text only ($(mbu "$text_bytes"): no metadata), written as" \
         "$n_art files into a temp dir first (untimed)"
    echo

    if [ "$c" = reuters21578-train ]; then
        R[size]=$(ratio "$q_size" "$g_size")
        R[pack]=$(ratio "$q_pack" "$g_pack")
        R[zim]=$(ratio "$q_pack" "$zm_pack")
        R[vmbs]=$(awk -v b="$text_bytes" -v u="$q_ver" 'BEGIN{printf "%.1f", b/u}')
        R[p50]=$q_p50
    fi
    [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$d/txt" "$d/html"
done

# ---- scaling: Reuters repeated, distinct ids ----
base=$CORPUS/reuters21578-train.jsonl
# Copies differ only in their ids: with deduplication (spec 5.6) every copy after the first
# would store its bodies as references to the first, and the archive would not grow with the
# input. --no-dedup makes each copy cost what distinct articles of that size cost.
echo "== scaling: reuters21578-train.jsonl repeated, \"id\" rewritten with #copy; quire pack --no-dedup --sign, quire verify -p (full)"
SC_FMT="%-6s %9s %9s %10s %8s %8s %9s %8s %9s %11s %10s %10s\n"
printf "$SC_FMT" copies articles "JSONL MB" "archive MB" "pack s" "pack cpu" "verify s" "vf cpu" \
    "pack MB/s" "verify MB/s" "RSS pk MiB" "RSS vf MiB"
prev=""
first=""
declare -A P V M PC VC AS
for k in $SCALES; do
    f=$S/reuters-x$k.jsonl
    read -r n_art text_bytes < <("$PYTHON" "$PREP" repeat "$base" "$k" "$f") || die "prepare.py repeat $k"
    fb=$(fsize "$f")
    warm "$f"
    a=$S/reuters-x$k.quire
    measure "rm -f '$a' && '$QUIRE' pack -q --no-dedup --sign '$W/bench.key' -o '$a' '$f'"
    P[$k]=$T_US; PC[$k]=$CPU_US; pr=$RSS_KB
    AS[$k]=$(fsize "$a")
    warm "$a"
    measure "'$QUIRE' verify -q -p '$W/bench.pub' '$a'"
    V[$k]=$T_US; VC[$k]=$CPU_US; M[$k]=$RSS_KB
    printf "$SC_FMT" "x$k" "$n_art" "$(mb "$fb")" "$(mb "${AS[$k]}")" "$(sec "${P[$k]}")" \
        "$(sec "${PC[$k]}")" "$(sec "${V[$k]}")" "$(sec "${VC[$k]}")" \
        "$(awk -v b="$fb" -v u="${P[$k]}" 'BEGIN{printf "%.1f", b/u}')" \
        "$(awk -v b="$text_bytes" -v u="${V[$k]}" 'BEGIN{printf "%.1f", b/u}')" "$(kbmb "$pr")" \
        "$(kbmb "${M[$k]}")"
    if [ -n "$prev" ]; then
        echo "   x$k/x$prev (input x$(awk -v a="$k" -v b="$prev" 'BEGIN{printf "%g", a/b}')):" \
             "pack time $(ratio "${P[$k]}" "${P[$prev]}") (cpu $(ratio "${PC[$k]}" "${PC[$prev]}"))," \
             "verify time $(ratio "${V[$k]}" "${V[$prev]}") (cpu $(ratio "${VC[$k]}" "${VC[$prev]}"))," \
             "verify RSS $(ratio "${M[$k]}" "${M[$prev]}")"
    fi
    [ -n "$first" ] || first=$k
    prev=$k
    [ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$f"
done
echo "   (linear: time ratios equal the input ratio; flat memory: RSS ratios near 1.00)"
if [ -n "$first" ] && [ "$first" != "$prev" ]; then
    echo "   verify RSS x$first -> x$prev: +$(awk -v a="${M[$prev]}" -v b="${M[$first]}" 'BEGIN{printf "%.1f", (a-b)/1024}') MiB" \
         "for +$(awk -v a="${AS[$prev]}" -v b="${AS[$first]}" 'BEGIN{printf "%.1f", (a-b)/1048576}') MiB of archive"
fi
[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$S"

END=${EPOCHREALTIME/./}
echo
echo "load average at end: $(loadavg)"
echo "bench took $(awk -v u=$((END - START)) 'BEGIN{printf "%.0f", u/1e6}') s"
echo "bench: size/gzip6 ${R[size]}; pack/gzip6 ${R[pack]}; pack vs zimwriterfs ${R[zim]} x; verify MB/s ${R[vmbs]}; p50 ${R[p50]} us"
