# quire - one GNU Makefile, no recursion, objects in build/.
# User variables (CC CFLAGS CPPFLAGS LDFLAGS DESTDIR PREFIX ...) are honoured;
# our own flags live in WARN, OPT, SAN so user flags survive.

SHELL := /bin/bash
VERSION := $(shell sed -n 's/^\#define QUIRE_VERSION_STRING "\(.*\)"/\1/p' include/quire.h)
ABI_MAJOR := 0

CC       ?= cc
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
LIBDIR   ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR   ?= $(PREFIX)/share/man

WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion \
        -Wcast-qual -Wcast-align -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
        -Wundef -Wpointer-arith -Wwrite-strings -Wvla -Wimplicit-fallthrough
# -Werror in CI (CI=true) and in `make dev`, not by default
ifeq ($(CI),true)
WERROR ?= 1
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif
OPT  ?= -O2 -g
DEPS_CFLAGS := $(shell pkg-config --cflags zlib libsodium libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
DEPS_LIBS   := $(shell pkg-config --libs zlib libsodium libxml-2.0 2>/dev/null || echo -lz -lsodium -lxml2) -pthread
INC  := -Iinclude -Iformat
ALL_CFLAGS = $(WARN) $(OPT) $(INC) $(DEPS_CFLAGS) $(CPPFLAGS) $(CFLAGS)

FORMAT_SRC := $(sort $(wildcard format/*.c))
LIB_SRC    := $(sort $(wildcard src/*.c))
CLI_SRC    := $(sort $(wildcard src/cli/*.c))
CORE_SRC   := $(FORMAT_SRC) $(LIB_SRC)

B := build
LIB_OBJ := $(CORE_SRC:%.c=$(B)/pic/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/obj/%.o)

STATIC := $(B)/libquire.a
SHARED := $(B)/libquire.so.$(VERSION)
SONAME := libquire.so.$(ABI_MAJOR)
CLI    := $(B)/quire

.PHONY: all lib cli test check unit replay cli-test corpus-test demo deps install uninstall fuzz-seeds vectors warcio \
        clean dev format format-check fuzz fuzz-smoke help

all: $(STATIC) $(SHARED) $(B)/quire.pc $(CLI)

help:
	@echo "targets: all test demo deps install uninstall clean dev fuzz fuzz-smoke format"

$(B)/pic/%.o: %.c include/quire.h $(wildcard format/*.h) $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(B)/obj/%.o: %.c include/quire.h $(wildcard src/cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc/cli -c $< -o $@

$(STATIC): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(SHARED): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) $(LDFLAGS) -o $@ $^ $(DEPS_LIBS)
	ln -sf libquire.so.$(VERSION) $(B)/$(SONAME)
	ln -sf $(SONAME) $(B)/libquire.so

$(CLI): $(CLI_OBJ) $(STATIC)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC) $(DEPS_LIBS)

$(B)/quire.pc: src/quire.pc.in include/quire.h
	@mkdir -p $(B)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' $< > $@

dev:
	$(MAKE) WERROR=1 all

# ---------------------------------------------------------------------------
# tests: unit tests and fuzz-corpus replay under ASan+UBSan (clang and gcc),
# CLI tests (bats) against the release build, corpus round trips.

SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_OPT  := -O1 -g
SAN_ENV  := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
CLANG    ?= $(shell command -v clang-14 || command -v clang)
GCC      ?= gcc
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRC:fuzz/fuzz_%.c=%)

# sanitizer builds of the core, one per compiler
define san_build
$(B)/$(1)/%.o: %.c include/quire.h $(wildcard format/*.h) $(wildcard src/*.h)
	@mkdir -p $$(dir $$@)
	$(2) $(WARN) $(SAN_OPT) $(SAN) $(INC) $(DEPS_CFLAGS) -Itests/unit -Ifuzz -c $$< -o $$@
$(B)/$(1)/libquire.a: $(CORE_SRC:%.c=$(B)/$(1)/%.o)
	@rm -f $$@
	$(AR) rcs $$@ $$^
endef
$(eval $(call san_build,asan-clang,$(CLANG)))
$(eval $(call san_build,asan-gcc,$(GCC)))

UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(B)/asan-clang/unit/%)
$(B)/asan-clang/unit/%: tests/unit/%.c $(B)/asan-clang/libquire.a $(wildcard tests/vectors/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARN) -Wno-missing-prototypes $(SAN_OPT) $(SAN) $(INC) -Isrc $(DEPS_CFLAGS) $< \
	    $(B)/asan-clang/libquire.a -lcmocka $(DEPS_LIBS) -o $@

REPLAY_CLANG := $(FUZZ_NAMES:%=$(B)/asan-clang/replay/%)
REPLAY_GCC   := $(FUZZ_NAMES:%=$(B)/asan-gcc/replay/%)
$(B)/asan-clang/replay/%: fuzz/fuzz_%.c fuzz/replay.c $(wildcard fuzz/*.h) $(B)/asan-clang/libquire.a
	@mkdir -p $(dir $@)
	$(CLANG) $(WARN) $(SAN_OPT) $(SAN) $(INC) -Isrc $(DEPS_CFLAGS) fuzz/fuzz_$*.c fuzz/replay.c \
	    $(B)/asan-clang/libquire.a $(DEPS_LIBS) -o $@
$(B)/asan-gcc/replay/%: fuzz/fuzz_%.c fuzz/replay.c $(wildcard fuzz/*.h) $(B)/asan-gcc/libquire.a
	@mkdir -p $(dir $@)
	$(GCC) $(WARN) $(SAN_OPT) $(SAN) $(INC) -Isrc $(DEPS_CFLAGS) fuzz/fuzz_$*.c fuzz/replay.c \
	    $(B)/asan-gcc/libquire.a $(DEPS_LIBS) -o $@

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $(SAN_ENV) $$t; done

replay: $(REPLAY_CLANG) $(REPLAY_GCC)
	@set -e; for n in $(FUZZ_NAMES); do \
	  for cc in clang gcc; do \
	    dirs=""; for d in fuzz/corpus/$$n tests/regress/$$n; do [ -d $$d ] && dirs="$$dirs $$d"; done; \
	    echo "== replay $$n ($$cc)"; $(SAN_ENV) $(B)/asan-$$cc/replay/$$n $$dirs; \
	  done; done

# warcio.js (npm), the independent WARC reader the WARC round-trip test checks
# exports with; installed under build/npm by the test setup
WARCIO_VERSION := 2.4.11
$(B)/npm/node_modules/warcio/package.json:
	@mkdir -p $(B)/npm
	cd $(B)/npm && npm install --no-audit --no-fund --loglevel=error warcio@$(WARCIO_VERSION)
warcio: $(B)/npm/node_modules/warcio/package.json

cli-test: all warcio
	QUIRE=$(CURDIR)/$(CLI) WARCIO_DIR=$(CURDIR)/$(B)/npm bats tests/cli

vectors: all
	sh tests/vectors/check.sh

test check: all unit replay cli-test vectors
	@echo "all test suites passed"

# ---------------------------------------------------------------------------
# fuzzing (libFuzzer, clang). Two sets of the same harnesses, ASan+UBSan:
#   build/fuzz/fuzz_<t>       production semantics: every CRC, digest and signature enforced
#   build/fuzz-mode/fuzz_<t>  -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION (as OSS-Fuzz builds):
#                             checks computed, results ignored (QUIRE__FUZZING, format/format.h)
# Per target t: fuzz/<t>.options ([libfuzzer] max_len, timeout; its dict line names the file
# fuzz/build.sh installs), and the dictionary fuzz/<t>.dict if present, else fuzz/quire.dict.
# make fuzz           FUZZ_SECONDS (600) per target per set, -fork=2. The production set grows
#                     fuzz/corpus/<t>; the fuzz-mode set writes new inputs to
#                     build/fuzz-mode/corpus/<t> (they may carry bad CRCs), reading fuzz/corpus/<t>.
# make fuzz-smoke     FUZZ_SMOKE_SECONDS (10; fewer past 13 targets) per target per set, -seed=1,
#                     on a copy of the corpus; fails on any crash, leak, timeout or OOM.
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_MODE_DEF := -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
FUZZ_BINS  := $(FUZZ_NAMES:%=$(B)/fuzz/fuzz_%)
FUZZ_MODE_BINS := $(FUZZ_NAMES:%=$(B)/fuzz-mode/fuzz_%)
FUZZ_SECONDS ?= 600
# 10 s per run, less when there are so many targets that 2 sets would pass ~4.5 minutes
FUZZ_SMOKE_SECONDS ?= $(shell s=$$((280 / (2 * $(words x $(FUZZ_NAMES))))); \
                        [ $$s -gt 10 ] && s=10; [ $$s -lt 3 ] && s=3; echo $$s)
FUZZ_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
HDRS := include/quire.h $(wildcard format/*.h) $(wildcard src/*.h) $(wildcard fuzz/*.h)

# one libFuzzer build per set: $(1) folder under build/, $(2) extra flags
define fuzz_set
$(B)/$(1)/core/%.o: %.c $(HDRS)
	@mkdir -p $$(dir $$@)
	$(CLANG) $(WARN) $(FUZZ_FLAGS) $(2) -fsanitize=fuzzer-no-link $(INC) $(DEPS_CFLAGS) -c $$< -o $$@
$(B)/$(1)/fuzz_%: fuzz/fuzz_%.c $(CORE_SRC:%.c=$(B)/$(1)/core/%.o) $(HDRS)
	$(CLANG) $(WARN) $(FUZZ_FLAGS) $(2) -fsanitize=fuzzer $(INC) -Isrc $(DEPS_CFLAGS) $$< \
	    $(CORE_SRC:%.c=$(B)/$(1)/core/%.o) $(DEPS_LIBS) -o $$@
endef
$(eval $(call fuzz_set,fuzz,))
$(eval $(call fuzz_set,fuzz-mode,$(FUZZ_MODE_DEF)))

# shell helpers for the recipes below, for target $n: fopt KEY DEFAULT reads fuzz/$n.options
FUZZ_SH = fopt() { v=$$(sed -n "s/^[[:space:]]*$$1[[:space:]]*=[[:space:]]*//p" \
            fuzz/$$n.options 2>/dev/null | tail -n 1); echo "$${v:-$$2}"; }; \
          fdict() { if [ -f fuzz/$$n.dict ]; then echo fuzz/$$n.dict; else echo fuzz/quire.dict; fi; };

fuzz: $(FUZZ_BINS) $(FUZZ_MODE_BINS)
	@$(FUZZ_SH) fail=""; for set in fuzz fuzz-mode; do for n in $(FUZZ_NAMES); do \
	  mkdir -p fuzz/corpus/$$n $(B)/$$set/artifacts; corpus=fuzz/corpus/$$n; \
	  if [ $$set = fuzz-mode ]; then \
	    mkdir -p $(B)/fuzz-mode/corpus/$$n; corpus="$(B)/fuzz-mode/corpus/$$n fuzz/corpus/$$n"; fi; \
	  echo "== fuzz $$set/$$n ($(FUZZ_SECONDS) s)"; \
	  $(FUZZ_ENV) $(B)/$$set/fuzz_$$n -fork=2 -max_total_time=$(FUZZ_SECONDS) -dict=$$(fdict) \
	    -max_len=$$(fopt max_len 65536) -timeout=$$(fopt timeout 10) -rss_limit_mb=2048 \
	    -artifact_prefix=$(B)/$$set/artifacts/$$n- $$corpus || fail="$$fail $$set/$$n"; \
	done; done; \
	if [ -n "$$fail" ]; then echo "fuzz: FAILED:$$fail (see $(B)/fuzz*/artifacts/)"; exit 1; fi

# make fuzz-merge: minimizes the inputs long campaigns (fuzz/campaign.sh) found with the
# production set into fuzz/corpus/<t>: only those that add coverage are kept. Inputs of the
# fuzz-mode set stay in build/ (they may carry bad CRCs).
fuzz-merge: $(FUZZ_BINS)
	@$(FUZZ_SH) for n in $(FUZZ_NAMES); do d=$(B)/campaign/fuzz/corpus/$$n; \
	  [ -d $$d ] && [ -n "$$(ls -A $$d)" ] || continue; mkdir -p fuzz/corpus/$$n; \
	  before=$$(ls fuzz/corpus/$$n | wc -l); \
	  $(FUZZ_ENV) $(B)/fuzz/fuzz_$$n -merge=1 -max_len=$$(fopt max_len 65536) \
	    -timeout=$$(fopt timeout 10) -rss_limit_mb=2048 fuzz/corpus/$$n $$d >/dev/null 2>&1 \
	    || { echo "fuzz-merge: $$n failed"; exit 1; }; \
	  echo "fuzz-merge: $$n: $$before -> $$(ls fuzz/corpus/$$n | wc -l) inputs"; done

# make fuzz-speed: each target's executions per second, fuzzing from its corpus (two at a
# time, one per core; a quiet machine). FUZZ_SPEED_SECONDS per target, default 60.
FUZZ_SPEED_SECONDS ?= 60
fuzz-speed: $(FUZZ_BINS)
	python3 fuzz/speed.py $(FUZZ_SPEED_SECONDS) $(FUZZ_NAMES)

# make campaigns: rewrites fuzz/CAMPAIGNS.md (run table and hours per target) with the runs of
# fuzz/campaign.sh recorded in build/campaign/summary.tsv.
campaigns:
	python3 fuzz/campaigns.py

fuzz-smoke: $(FUZZ_BINS) $(FUZZ_MODE_BINS)
	@$(FUZZ_SH) fail=""; for set in fuzz fuzz-mode; do for n in $(FUZZ_NAMES); do \
	  s=$(B)/$$set/smoke/$$n; a=$(B)/$$set/smoke/artifacts-$$n; \
	  rm -rf $$s $$a; mkdir -p $$s $$a; \
	  if [ -d fuzz/corpus/$$n ]; then cp -r fuzz/corpus/$$n/. $$s/; fi; \
	  printf '== fuzz-smoke %-26s' "$$set/$$n"; \
	  $(FUZZ_ENV) $(B)/$$set/fuzz_$$n -seed=1 -max_total_time=$(FUZZ_SMOKE_SECONDS) \
	    -dict=$$(fdict) -max_len=$$(fopt max_len 65536) -timeout=$$(fopt timeout 10) \
	    -rss_limit_mb=2048 -malloc_limit_mb=512 -print_final_stats=1 \
	    -artifact_prefix=$$a/ $$s > $$s.log 2>&1; rc=$$?; \
	  sed -n 's/^stat::\(number_of_executed_units\|average_exec_per_sec\|new_units_added\|peak_rss_mb\): *\(.*\)/\1=\2/p' \
	    $$s.log | tr '\n' ' '; echo; \
	  if [ $$rc -ne 0 ] || [ -n "$$(ls -A $$a)" ]; then \
	    echo "-- $$set/$$n: exit $$rc, artifacts: $$(ls $$a)"; tail -n 40 $$s.log; \
	    fail="$$fail $$set/$$n"; fi; \
	done; done; \
	if [ -n "$$fail" ]; then echo "fuzz-smoke: FAILED:$$fail"; exit 1; fi; \
	echo "fuzz-smoke: $(words $(FUZZ_NAMES)) targets x 2 sets clean"

# make test: the release library is not a fuzzing build, the fuzz-mode library is one
$(B)/fuzz-mode-check/release: tests/fuzz_mode_check.c $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $< $(STATIC) $(DEPS_LIBS) -o $@
$(B)/fuzz-mode-check/fuzz-mode: tests/fuzz_mode_check.c $(CORE_SRC:%.c=$(B)/fuzz-mode/core/%.o)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(INC) $< \
	    $(CORE_SRC:%.c=$(B)/fuzz-mode/core/%.o) $(DEPS_LIBS) -o $@
fuzz-mode-check: $(B)/fuzz-mode-check/release $(B)/fuzz-mode-check/fuzz-mode
	$(B)/fuzz-mode-check/release 0
	$(FUZZ_ENV) $(B)/fuzz-mode-check/fuzz-mode 1
test check: fuzz-mode-check

# ---------------------------------------------------------------------------
# make coverage: clang source-based coverage (-O0) of the core, driven by every corpus and
# regression input (through fuzz/replay.c), every unit test and the CLI tests (bats, with an
# instrumented quire). Per-file table for format/*.c and src/*.c, the summary line, and an HTML
# report in build/coverage/html/. COVERAGE_MIN="FL FB SL SB" (percent: format/ lines, branches,
# src/ lines, branches) makes it fail below those numbers.
LLVM_PROFDATA ?= $(shell command -v llvm-profdata-14 || command -v llvm-profdata)
LLVM_COV      ?= $(shell command -v llvm-cov-14 || command -v llvm-cov)
COV_FLAGS := -g -O0 -fprofile-instr-generate -fcoverage-mapping
COV      := $(B)/coverage
COV_CORE := $(CORE_SRC:%.c=$(COV)/obj/%.o)
COV_REPLAY := $(FUZZ_NAMES:%=$(COV)/replay/%)
COV_UNIT := $(UNIT_SRC:tests/unit/%.c=$(COV)/unit/%)
COVERAGE_MIN ?=

$(COV)/obj/%.o: %.c $(HDRS) $(wildcard src/cli/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARN) $(COV_FLAGS) $(INC) -Isrc/cli $(DEPS_CFLAGS) -c $< -o $@
$(COV)/replay/%: fuzz/fuzz_%.c fuzz/replay.c $(wildcard fuzz/*.h) $(COV_CORE)
	@mkdir -p $(dir $@)
	$(CLANG) $(COV_FLAGS) $(INC) -Isrc $(DEPS_CFLAGS) fuzz/fuzz_$*.c fuzz/replay.c $(COV_CORE) \
	    $(DEPS_LIBS) -o $@
$(COV)/unit/%: tests/unit/%.c $(COV_CORE)
	@mkdir -p $(dir $@)
	$(CLANG) $(COV_FLAGS) $(INC) -Isrc $(DEPS_CFLAGS) $< $(COV_CORE) -lcmocka $(DEPS_LIBS) -o $@
$(COV)/quire: $(CLI_SRC:%.c=$(COV)/obj/%.o) $(COV_CORE)
	$(CLANG) $(COV_FLAGS) $^ $(DEPS_LIBS) -o $@

coverage: $(COV_REPLAY) $(COV_UNIT) $(COV)/quire
	@rm -rf $(COV)/prof $(COV)/html; mkdir -p $(COV)/prof; P=$(CURDIR)/$(COV)/prof; fail=""; \
	for n in $(FUZZ_NAMES); do \
	  dirs=""; for d in fuzz/corpus/$$n tests/regress/$$n; do [ -d $$d ] && dirs="$$dirs $$d"; done; \
	  printf '== replay %-14s ' $$n; \
	  LLVM_PROFILE_FILE=$$P/replay-$$n-%p.profraw $(COV)/replay/$$n $$dirs || fail="$$fail replay/$$n"; \
	done; \
	for t in $(COV_UNIT); do echo "== $$t"; \
	  LLVM_PROFILE_FILE=$$P/unit-%p.profraw $$t > $$t.log 2>&1 || { tail -n 20 $$t.log; fail="$$fail $$t"; }; \
	done; \
	echo "== bats tests/cli (instrumented quire)"; \
	QUIRE=$(CURDIR)/$(COV)/quire LLVM_PROFILE_FILE=$$P/cli-%p.profraw bats tests/cli > $(COV)/cli.log 2>&1 \
	  || { grep '^not ok' $(COV)/cli.log; fail="$$fail cli"; }; \
	tail -n 1 $(COV)/cli.log; \
	ls $$P | grep -c . | sed 's/^/profiles: /'; \
	find $$P -name '*.profraw' > $(COV)/profiles.txt; \
	$(LLVM_PROFDATA) merge -sparse -f $(COV)/profiles.txt -o $(COV)/all.profdata || exit 1; \
	objs="$(COV)/quire"; for o in $(COV_REPLAY) $(COV_UNIT); do objs="$$objs -object $$o"; done; \
	$(LLVM_COV) report $$objs -instr-profile=$(COV)/all.profdata $(CORE_SRC); \
	$(LLVM_COV) export $$objs -instr-profile=$(COV)/all.profdata -summary-only $(CORE_SRC) \
	  > $(COV)/summary.json || exit 1; \
	$(LLVM_COV) show $$objs -instr-profile=$(COV)/all.profdata -format=html -show-branches=count \
	  -output-dir=$(COV)/html $(CORE_SRC) || exit 1; \
	echo "HTML report: $(COV)/html/index.html"; \
	sh tests/coverage_check.sh $(COV)/summary.json $(COVERAGE_MIN) || fail="$$fail threshold"; \
	if [ -n "$$fail" ]; then echo "coverage: FAILED:$$fail"; exit 1; fi

# ---------------------------------------------------------------------------
# make fuzz-build-test: runs fuzz/build.sh (the OSS-Fuzz / ClusterFuzzLite build script) as
# OSS-Fuzz would for ASan, into a temporary $OUT, and checks what it wrote (tests/fuzz_build.sh).
# It takes about 10 s, so make test runs it.
fuzz-build-test:
	CLANG=$(CLANG) bash tests/fuzz_build.sh
test check: fuzz-build-test

# ---------------------------------------------------------------------------
# make fuzz-msan: MemorySanitizer needs every byte the targets touch instrumented, so zlib,
# libsodium and libxml2 are built from Debian's sources (apt-get source into build/msan-src/; adds a deb-src
# entry to apt if none is configured; never committed). Each target then fuzzes its corpus for
# FUZZ_SECONDS (default 60 here) on a copy; any report fails. Not part of make test.
MSAN_SECONDS = $(if $(filter file,$(origin FUZZ_SECONDS)),60,$(FUZZ_SECONDS))
MSAN_DIR := $(B)/msan
MSAN_SRC := $(B)/msan-src
MSAN_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=memory -fsanitize-memory-track-origins
MSAN_ZLIB_SRC := adler32 crc32 deflate infback inffast inflate inftrees trees zutil compress uncompr
MSAN_BINS := $(FUZZ_NAMES:%=$(MSAN_DIR)/fuzz_%)

$(MSAN_SRC)/.fetched:
	@set -e; if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then \
	  echo "adding /etc/apt/sources.list.d/debian-src.sources (deb-src of debian.sources)"; \
	  sed 's/^Types: deb$$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
	    | $$SUDO tee /etc/apt/sources.list.d/debian-src.sources >/dev/null; \
	  $$SUDO apt-get update -qq; fi; \
	rm -rf $(MSAN_SRC); mkdir -p $(MSAN_SRC); \
	cd $(MSAN_SRC) && { apt-get source -qq zlib libsodium >fetch.log 2>&1 \
	  || { $$SUDO apt-get update -qq && apt-get source -qq zlib libsodium >fetch.log 2>&1; } \
	  || { tail -n 20 fetch.log; exit 1; }; }; \
	ls -d zlib-*/ libsodium-*/; touch .fetched
$(MSAN_SRC)/.fetched-xml2: $(MSAN_SRC)/.fetched
	@set -e; cd $(MSAN_SRC) && { apt-get source -qq libxml2 >fetch-xml2.log 2>&1 \
	  || { tail -n 20 fetch-xml2.log; exit 1; }; }; ls -d libxml2-*/; touch .fetched-xml2

$(MSAN_DIR)/zlib/libz.a: $(MSAN_SRC)/.fetched
	@set -e; rm -rf $(MSAN_DIR)/zlib; mkdir -p $(MSAN_DIR)/zlib; z=$$(ls -d $(MSAN_SRC)/zlib-*/ | head -n 1); \
	for f in $(MSAN_ZLIB_SRC); do \
	  $(CLANG) $(MSAN_FLAGS) -DHAVE_UNISTD_H -DHAVE_STDARG_H -I$$z -c $$z/$$f.c -o $(MSAN_DIR)/zlib/$$f.o; done; \
	cp $$z/zlib.h $$z/zconf.h $(MSAN_DIR)/zlib/; \
	$(AR) rcs $@ $(MSAN_ZLIB_SRC:%=$(MSAN_DIR)/zlib/%.o); echo "built $@ from $$z"

$(MSAN_DIR)/sodium/lib/libsodium.a: $(MSAN_SRC)/.fetched
	@set -e; s=$$(cd $$(ls -d $(MSAN_SRC)/libsodium-*/ | head -n 1) && pwd); \
	rm -rf $(MSAN_DIR)/sodium-build; mkdir -p $(MSAN_DIR)/sodium-build; cd $(MSAN_DIR)/sodium-build; \
	if [ ! -x $$s/configure ]; then echo "autogen.sh in $$s"; \
	  (cd $$s && ./autogen.sh -s) > autogen.log 2>&1 || { tail -n 30 autogen.log; exit 1; }; fi; \
	echo "configuring libsodium (MSan) from $$s"; \
	$$s/configure -q --disable-asm --disable-shared --enable-static --prefix=$(CURDIR)/$(MSAN_DIR)/sodium \
	  CC=$(CLANG) CFLAGS="$(MSAN_FLAGS)" > configure.log 2>&1 || { tail -n 30 configure.log; exit 1; }; \
	$(MAKE) -s -j$$(nproc) > make.log 2>&1 || { tail -n 30 make.log; exit 1; }; \
	$(MAKE) -s install > install.log 2>&1; echo "built $@"

# libxml2 (the HTML parser of the WARC import), static, without the parts we never use
$(MSAN_DIR)/xml2/lib/libxml2.a: $(MSAN_SRC)/.fetched-xml2
	@set -e; s=$$(cd $$(ls -d $(MSAN_SRC)/libxml2-*/ | head -n 1) && pwd); \
	rm -rf $(MSAN_DIR)/xml2-build; mkdir -p $(MSAN_DIR)/xml2-build; cd $(MSAN_DIR)/xml2-build; \
	echo "autoreconf in $$s (Debian's patches leave the generated files stale)"; \
	(cd $$s && autoreconf -fi) > autogen.log 2>&1 || { tail -n 30 autogen.log; exit 1; }; \
	echo "configuring libxml2 (MSan) from $$s"; \
	$$s/configure -q --disable-shared --enable-static --without-python --without-zlib \
	  --without-lzma --without-http --without-ftp --without-icu --without-debug \
	  --prefix=$(CURDIR)/$(MSAN_DIR)/xml2 CC=$(CLANG) CFLAGS="$(MSAN_FLAGS)" \
	  > configure.log 2>&1 || { tail -n 30 configure.log; exit 1; }; \
	$(MAKE) -s -j$$(nproc) libxml2.la > make.log 2>&1 || { tail -n 30 make.log; exit 1; }; \
	$(MAKE) -s install-libLTLIBRARIES install-data > install.log 2>&1 \
	  || $(MAKE) -s install > install.log 2>&1; echo "built $@"

MSAN_DEPS := $(MSAN_DIR)/zlib/libz.a $(MSAN_DIR)/sodium/lib/libsodium.a $(MSAN_DIR)/xml2/lib/libxml2.a
MSAN_INC  := -I$(MSAN_DIR)/zlib -I$(MSAN_DIR)/sodium/include -I$(MSAN_DIR)/xml2/include/libxml2
$(MSAN_DIR)/core/%.o: %.c $(HDRS) $(MSAN_DEPS)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARN) $(MSAN_FLAGS) -fsanitize=fuzzer-no-link $(INC) $(MSAN_INC) -c $< -o $@
$(MSAN_DIR)/fuzz_%: fuzz/fuzz_%.c $(CORE_SRC:%.c=$(MSAN_DIR)/core/%.o) $(MSAN_DEPS)
	$(CLANG) $(WARN) $(MSAN_FLAGS) -fsanitize=fuzzer $(INC) -Isrc $(MSAN_INC) $< \
	    $(CORE_SRC:%.c=$(MSAN_DIR)/core/%.o) $(MSAN_DEPS) -lm -pthread -o $@

fuzz-msan: $(MSAN_BINS)
	@$(FUZZ_SH) fail=""; for n in $(FUZZ_NAMES); do \
	  s=$(MSAN_DIR)/run/$$n; a=$(MSAN_DIR)/run/artifacts-$$n; rm -rf $$s $$a; mkdir -p $$s $$a; \
	  if [ -d fuzz/corpus/$$n ]; then cp -r fuzz/corpus/$$n/. $$s/; fi; \
	  printf '== fuzz-msan %-14s ' $$n; \
	  MSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stats=0 $(MSAN_DIR)/fuzz_$$n \
	    -max_total_time=$(MSAN_SECONDS) -dict=$$(fdict) -max_len=$$(fopt max_len 65536) \
	    -timeout=$$(fopt timeout 10) -rss_limit_mb=4096 -print_final_stats=1 \
	    -artifact_prefix=$$a/ $$s > $$s.log 2>&1; rc=$$?; \
	  sed -n 's/^stat::\(number_of_executed_units\|average_exec_per_sec\): *\(.*\)/\1=\2/p' \
	    $$s.log | tr '\n' ' '; echo; \
	  if [ $$rc -ne 0 ] || [ -n "$$(ls -A $$a)" ]; then \
	    echo "-- $$n: exit $$rc, artifacts: $$(ls $$a)"; grep -m1 -A30 'WARNING: MemorySanitizer\|ERROR:' $$s.log || tail -n 30 $$s.log; \
	    fail="$$fail $$n"; fi; \
	done; \
	if [ -n "$$fail" ]; then echo "fuzz-msan: FAILED:$$fail (logs in $(MSAN_DIR)/run/)"; exit 1; fi; \
	echo "fuzz-msan: $(words $(FUZZ_NAMES)) targets clean, $(MSAN_SECONDS) s each"

.PHONY: fuzz-mode-check coverage fuzz-build-test fuzz-msan fuzz-merge campaigns fuzz-speed

# keep the objects of the chained pattern rules above (make would delete them as intermediates)
.PRECIOUS: $(B)/fuzz/core/%.o $(B)/fuzz-mode/core/%.o $(MSAN_DIR)/core/%.o $(COV)/obj/%.o

# ---------------------------------------------------------------------------
# make bench: quire against gzip -6, per-record gzip, tar + gzip, zip, ZIM and minisign on
# ../shared/corpus/news/ (read in place), then a scaling run (Reuters x1, x4, x16). Prints a
# table per corpus; tests/bench/README.md explains it. Temporary data under build/bench/.
# About 5 minutes on 2 cores. Not part of make test.
bench: all
	@mkdir -p $(B)/bench
	$(CC) $(ALL_CFLAGS) tests/bench/access.c $(STATIC) $(DEPS_LIBS) -lm -o $(B)/bench/access
	bash tests/bench/bench.sh
.PHONY: bench

# ---------------------------------------------------------------------------
DEB_PKGS := build-essential pkg-config zlib1g-dev libsodium-dev libcmocka-dev bats \
            bats-assert bats-support clang llvm python3 zip dpkg-dev autoconf automake libtool minisign \
            zim-tools unzip time libxml2-dev

deps:
	@missing=""; for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	else echo "build dependencies present"; fi

demo: deps
	$(MAKE) all
	sh tests/demo.sh $(CLI)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
	    $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/quire
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/libquire.a
	install -m 755 $(SHARED) $(DESTDIR)$(LIBDIR)/libquire.so.$(VERSION)
	ln -sf libquire.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libquire.so
	install -m 644 include/quire.h $(DESTDIR)$(INCLUDEDIR)/quire.h
	install -m 644 $(B)/quire.pc $(DESTDIR)$(PKGCONFIGDIR)/quire.pc
	install -m 644 src/cli/quire.1 $(DESTDIR)$(MANDIR)/man1/quire.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/quire $(DESTDIR)$(LIBDIR)/libquire.a \
	    $(DESTDIR)$(LIBDIR)/libquire.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libquire.so $(DESTDIR)$(INCLUDEDIR)/quire.h \
	    $(DESTDIR)$(PKGCONFIGDIR)/quire.pc $(DESTDIR)$(MANDIR)/man1/quire.1

format:
	clang-format -i $(FORMAT_SRC) $(LIB_SRC) $(CLI_SRC) format/*.h src/*.h include/quire.h

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC) $(LIB_SRC) $(CLI_SRC) format/*.h src/*.h include/quire.h

clean:
	rm -rf $(B)

# Regenerates the seed corpora from the project's own data (committed).
fuzz-seeds: $(STATIC)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Isrc fuzz/make_seeds.c $(STATIC) $(DEPS_LIBS) -o $(B)/make_seeds
	$(B)/make_seeds fuzz/corpus
	mkdir -p fuzz/corpus/import_json fuzz/corpus/text
	i=0; while IFS= read -r line; do i=$$((i+1)); printf '%s' "$$line" > fuzz/corpus/import_json/sample-$$i.json; done < tests/data/sample.jsonl
	cp fuzz/corpus/json/* fuzz/corpus/import_json/
	for f in tests/data/*.txt; do cp "$$f" fuzz/corpus/text/; done
