#!/bin/bash -eu
# fuzz/build.sh - builds quire's libFuzzer targets the OSS-Fuzz / ClusterFuzzLite way.
#
# Honours CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE OUT SRC WORK (OSS-Fuzz sets them all;
# CXX defaults to the clang++ beside CC, CXXFLAGS to CFLAGS, WORK to a temporary folder).
# The library sources (format/*.c src/*.c) are compiled with $CFLAGS; every fuzz/fuzz_<t>.c
# becomes, in $OUT:
#   fuzz_<t>                  linked with $CXX $CXXFLAGS ... $LIB_FUZZING_ENGINE
#   fuzz_<t>_seed_corpus.zip  fuzz/corpus/<t> plus tests/regress/<t>
#   fuzz_<t>.dict             fuzz/<t>.dict if present, else fuzz/quire.dict
#   fuzz_<t>.options          fuzz/<t>.options (a default one, with a warning, if missing)
# Dependencies: zlib, libsodium and libxml2 are compiled from source with $CFLAGS when
# $SRC/zlib, $SRC/libsodium or $SRC/libxml2 exists (instrumented: what MSan needs);
# otherwise the system's, found with pkg-config, zlib and libsodium linked statically when a
# static library exists (the OSS-Fuzz runner image has no libsodium), libxml2 shared. FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION comes from $CFLAGS if at all
# (OSS-Fuzz and ClusterFuzzLite put it there): quire then ignores CRC, digest and signature
# results, see format/format.h.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${CC:=clang}"
: "${CXX:=${CC/clang/clang++}}"
: "${CFLAGS:=}"
: "${CXXFLAGS:=$CFLAGS}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:?OUT must name the output folder}"
: "${SRC:=$(dirname "$ROOT")}"
if [ -z "${WORK:-}" ]; then
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
fi
JOBS=$(nproc 2>/dev/null || echo 2)
BLD="$WORK/quire-fuzz"
rm -rf "$BLD"
mkdir -p "$OUT" "$BLD/obj"
cd "$ROOT"

# run "$@" in the background, at most $JOBS at a time; `pool_wait` fails if any job failed
pids=()
pool_run() {
    "$@" &
    pids+=($!)
    if [ "${#pids[@]}" -ge "$JOBS" ]; then
        wait "${pids[0]}"
        pids=("${pids[@]:1}")
    fi
}
pool_wait() {
    local p
    for p in "${pids[@]}"; do
        wait "$p"
    done
    pids=()
}

# static library from pkg-config if one exists, else the linker flags
pc_libs() {
    local libdir a
    libdir=$(pkg-config --variable=libdir "$1" 2>/dev/null || true)
    a="$libdir/$2"
    if [ -n "$libdir" ] && [ -f "$a" ]; then
        echo "$a"
    else
        pkg-config --libs "$1" 2>/dev/null || echo "$3"
    fi
}

# ---- zlib
if [ -d "$SRC/zlib" ]; then
    echo "fuzz/build.sh: zlib from $SRC/zlib"
    mkdir -p "$BLD/zlib"
    for f in adler32 crc32 deflate infback inffast inflate inftrees trees zutil compress uncompr; do
        pool_run $CC $CFLAGS -DHAVE_UNISTD_H -DHAVE_STDARG_H -I"$SRC/zlib" -c "$SRC/zlib/$f.c" \
            -o "$BLD/zlib/$f.o"
    done
    pool_wait
    ar rcs "$BLD/zlib/libz.a" "$BLD"/zlib/*.o
    ZLIB_CFLAGS="-I$SRC/zlib"
    ZLIB_LIBS="$BLD/zlib/libz.a"
else
    ZLIB_CFLAGS=$(pkg-config --cflags zlib 2>/dev/null || true)
    ZLIB_LIBS=$(pc_libs zlib libz.a -lz)
fi

# ---- libsodium
if [ -d "$SRC/libsodium" ]; then
    echo "fuzz/build.sh: libsodium from $SRC/libsodium"
    mkdir -p "$BLD/sodium-build"
    (
        cd "$SRC/libsodium"
        [ -x configure ] || ./autogen.sh -s
        cd "$BLD/sodium-build"
        "$SRC/libsodium/configure" -q --disable-shared --enable-static --disable-asm \
            --prefix="$BLD/sodium" CC="$CC" CFLAGS="$CFLAGS"
        make -s -j"$JOBS"
        make -s install
    ) >"$BLD/sodium.log" 2>&1 || { tail -n 40 "$BLD/sodium.log"; exit 1; }
    SODIUM_CFLAGS="-I$BLD/sodium/include"
    SODIUM_LIBS="$BLD/sodium/lib/libsodium.a"
else
    SODIUM_CFLAGS=$(pkg-config --cflags libsodium 2>/dev/null || true)
    SODIUM_LIBS=$(pc_libs libsodium libsodium.a -lsodium)
fi

# ---- libxml2 (the HTML parser of the WARC import)
if [ -d "$SRC/libxml2" ]; then
    echo "fuzz/build.sh: libxml2 from $SRC/libxml2"
    mkdir -p "$BLD/xml2-build"
    (
        cd "$SRC/libxml2"
        [ -x configure ] || autoreconf -fi
        cd "$BLD/xml2-build"
        "$SRC/libxml2/configure" -q --disable-shared --enable-static --without-python \
            --without-zlib --without-lzma --without-http --without-ftp --without-icu \
            --without-debug --prefix="$BLD/xml2" CC="$CC" CFLAGS="$CFLAGS"
        make -s -j"$JOBS" libxml2.la
        make -s install-libLTLIBRARIES install-data || make -s install
    ) >"$BLD/xml2.log" 2>&1 || { tail -n 40 "$BLD/xml2.log"; exit 1; }
    XML2_CFLAGS="-I$BLD/xml2/include/libxml2"
    XML2_LIBS="$BLD/xml2/lib/libxml2.a -lm"
else
    # the system's shared library (Debian's static one drags in ICU and lzma)
    XML2_CFLAGS=$(pkg-config --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
    XML2_LIBS=$(pkg-config --libs libxml-2.0 2>/dev/null || echo -lxml2)
fi

# ---- the library, compiled with $CFLAGS
INC="-Iinclude -Iformat -Isrc $ZLIB_CFLAGS $SODIUM_CFLAGS $XML2_CFLAGS"
objs=()
for f in format/*.c src/*.c; do
    o="$BLD/obj/${f//\//_}.o"
    objs+=("$o")
    pool_run $CC $CFLAGS -std=c11 $INC -c "$f" -o "$o"
done
pool_wait
ar rcs "$BLD/libquire.a" "${objs[@]}"

# ---- the targets
n_targets=0
for src in fuzz/fuzz_*.c; do
    t=$(basename "$src" .c)
    name=${t#fuzz_}
    pool_run $CC $CFLAGS -std=c11 $INC -c "$src" -o "$BLD/$t.o"
done
pool_wait
for src in fuzz/fuzz_*.c; do
    t=$(basename "$src" .c)
    name=${t#fuzz_}
    pool_run $CXX $CXXFLAGS "$BLD/$t.o" "$BLD/libquire.a" $SODIUM_LIBS $XML2_LIBS $ZLIB_LIBS \
        $LIB_FUZZING_ENGINE -pthread -o "$OUT/$t"

    # seed corpus, dictionary and options beside the target
    rm -f "$OUT/${t}_seed_corpus.zip"
    seeds=()
    for d in "fuzz/corpus/$name" "tests/regress/$name"; do
        if [ -d "$d" ]; then
            seeds+=("$d")
        fi
    done
    if [ "${#seeds[@]}" -gt 0 ]; then
        find "${seeds[@]}" -type f ! -name '.*' -print | zip -q -j -@ "$OUT/${t}_seed_corpus.zip"
    else
        echo "fuzz/build.sh: warning: no seed corpus for $t" >&2
    fi
    if [ -f "fuzz/$name.dict" ]; then
        cp "fuzz/$name.dict" "$OUT/$t.dict"
    else
        cp fuzz/quire.dict "$OUT/$t.dict"
    fi
    if [ -f "fuzz/$name.options" ]; then
        cp "fuzz/$name.options" "$OUT/$t.options"
    else
        echo "fuzz/build.sh: warning: no fuzz/$name.options, writing a default" >&2
        printf '[libfuzzer]\nmax_len = 65536\ntimeout = 10\ndict = %s.dict\n' "$t" >"$OUT/$t.options"
    fi
    n_targets=$((n_targets + 1))
done
pool_wait
echo "fuzz/build.sh: $n_targets targets in $OUT"
