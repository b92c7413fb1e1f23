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
DEPS_CFLAGS := $(shell pkg-config --cflags zlib libsodium 2>/dev/null)
DEPS_LIBS   := $(shell pkg-config --libs zlib libsodium 2>/dev/null || echo -lz -lsodium)
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

.PHONY: all lib cli test check unit replay cli-test corpus-test demo deps install uninstall fuzz-seeds \
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
$(B)/asan-clang/unit/%: tests/unit/%.c $(B)/asan-clang/libquire.a
	@mkdir -p $(dir $@)
	$(CLANG) $(WARN) -Wno-missing-prototypes $(SAN_OPT) $(SAN) $(INC) -Isrc $(DEPS_CFLAGS) $< \
	    $(B)/asan-clang/libquire.a -lcmocka $(DEPS_LIBS) -o $@

REPLAY_CLANG := $(FUZZ_NAMES:%=$(B)/asan-clang/replay/%)
REPLAY_GCC   := $(FUZZ_NAMES:%=$(B)/asan-gcc/replay/%)
$(B)/asan-clang/replay/%: fuzz/fuzz_%.c fuzz/replay.c $(B)/asan-clang/libquire.a
	@mkdir -p $(dir $@)
	$(CLANG) $(WARN) $(SAN_OPT) $(SAN) $(INC) -Isrc $(DEPS_CFLAGS) fuzz/fuzz_$*.c fuzz/replay.c \
	    $(B)/asan-clang/libquire.a $(DEPS_LIBS) -o $@
$(B)/asan-gcc/replay/%: fuzz/fuzz_%.c fuzz/replay.c $(B)/asan-gcc/libquire.a
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

cli-test: all
	QUIRE=$(CURDIR)/$(CLI) bats tests/cli

test check: all unit replay cli-test
	@echo "all test suites passed"

# ---------------------------------------------------------------------------
# fuzzing (libFuzzer, clang)
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_BINS  := $(FUZZ_NAMES:%=$(B)/fuzz/fuzz_%)
FUZZ_SECONDS ?= 600
$(B)/fuzz/core/%.o: %.c include/quire.h $(wildcard format/*.h) $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(INC) $(DEPS_CFLAGS) -c $< -o $@
$(B)/fuzz/fuzz_%: fuzz/fuzz_%.c $(CORE_SRC:%.c=$(B)/fuzz/core/%.o)
	$(CLANG) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer $(INC) -Isrc $(DEPS_CFLAGS) $< \
	    $(CORE_SRC:%.c=$(B)/fuzz/core/%.o) $(DEPS_LIBS) -o $@

fuzz: $(FUZZ_BINS)
	@set -e; mkdir -p $(B)/fuzz/artifacts; for n in $(FUZZ_NAMES); do \
	  mkdir -p fuzz/corpus/$$n; dict=""; [ -f fuzz/$$n.dict ] && dict="-dict=fuzz/$$n.dict"; \
	  $(B)/fuzz/fuzz_$$n -fork=2 -max_total_time=$(FUZZ_SECONDS) $$dict -max_len=1048576 \
	    -rss_limit_mb=2048 -artifact_prefix=$(B)/fuzz/artifacts/$$n- fuzz/corpus/$$n; done

fuzz-smoke: $(FUZZ_BINS)
	@set -e; for n in $(FUZZ_NAMES); do \
	  rm -rf $(B)/fuzz/smoke/$$n; mkdir -p $(B)/fuzz/smoke/$$n $(B)/fuzz/artifacts; \
	  [ -d fuzz/corpus/$$n ] && cp -r fuzz/corpus/$$n/. $(B)/fuzz/smoke/$$n/ || true; \
	  dict=""; [ -f fuzz/$$n.dict ] && dict="-dict=fuzz/$$n.dict"; \
	  echo "== fuzz-smoke $$n"; \
	  $(B)/fuzz/fuzz_$$n -seed=1 -max_total_time=20 $$dict -max_len=65536 -timeout=10 \
	    -rss_limit_mb=2048 -malloc_limit_mb=512 -print_final_stats=1 \
	    -artifact_prefix=$(B)/fuzz/artifacts/$$n- $(B)/fuzz/smoke/$$n 2>&1 | tail -4; \
	  test $${PIPESTATUS[0]} -eq 0; done

# ---------------------------------------------------------------------------
DEB_PKGS := build-essential pkg-config zlib1g-dev libsodium-dev libcmocka-dev bats \
            bats-assert bats-support clang llvm python3 minisign

deps:
	@missing=""; for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
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
