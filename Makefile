# One plain Makefile; variants are targets or variables:
#   make                 build bin/indexer and bin/searcher
#   make test            build and run every test (unit, end to end); prints "N passed, N failed"
#   make test SANITIZE=1 the same under AddressSanitizer + UBSan
#   make demo            install nothing; index corpus/ and run example queries
#   make bench           side-by-side run against Xapian and SQLite FTS5 (needs ../shared)
#   make bench-scale     the same at 10k, 100k and 1M documents (SCALE_SIZES=...; needs ../shared)
#   make fuzz            fuzz every libFuzzer target (tests/fuzz/) for FUZZ_SECONDS each (180)
#   make fuzz-smoke      the same for a few seconds each (CI)
#   make coverage        run the tests with gcov instrumentation
#   make deps            install the Debian packages (apt-get; needs root)
#   make golden          regenerate tests/golden/ on purpose (review the diff)
#   make install         install under PREFIX (default /usr/local); DESTDIR for staging
#   make uninstall       remove what make install put there
#   make deb             build the Debian package (../healthai-search_*.deb)
# CI adds WERROR=1.

# The engine's version; debian/changelog carries the same (checked by
# tests/e2e/test_install.sh).
VERSION := 0.1.0

CC      ?= cc
PKGS    := icu-uc icu-i18n lmdb json-c libzstd libxxhash uchardet
OPT     ?= -O2
CFLAGS  := -std=c11 $(OPT) -g -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter \
           -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -MMD -MP -pthread \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(EXTRA_CFLAGS)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lm -pthread
BUILD   := build
# How bin/indexer and bin/searcher link their libraries (README, Build).
#   static  (default) fully static programs: ICU, libstdc++, LMDB, zstd, the
#           rest and glibc are linked in, not position-independent.  With
#           shared ICU and a PIE, loading and relocating took ~5 ms of each
#           run, and loading a shared libc, libm and libgcc_s still took 40 %
#           of an empty searcher run (a searcher started per query by a
#           script pays it every time; measured in the README).  Nothing
#           here uses what a static glibc cannot do (NSS, iconv, locales);
#           the linker's note on dlopen is about ICU plugins, which are off.
#   shared  what Debian wants (ICU and zstd security updates reach the
#           programs): the package and the sanitizer/coverage builds.
LINK    ?= static

ifeq ($(WERROR),1)
CFLAGS  += -Werror
endif
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
BUILD   := build-san
endif
ifeq ($(COVERAGE),1)
CFLAGS  += --coverage -O0
LDFLAGS += --coverage
BUILD   := build-cov
endif
ifneq ($(SANITIZE)$(COVERAGE),)
LINK    := shared
endif
ifeq ($(LINK),static)
BIN_LDFLAGS := -static
BIN_LDLIBS  := $(shell pkg-config --libs --static $(PKGS) 2>/dev/null) -lstemmer -lstdc++ -lm \
               -pthread
else ifeq ($(LINK),shared)
BIN_LDLIBS  := $(LDLIBS)
else
$(error LINK must be static or shared, not '$(LINK)')
endif

MODULES := common analyzers corpus indexer searcher
LIB_SRC := $(filter-out analyzers/gen_t2s.c,$(foreach m,$(MODULES),$(filter-out $(m)/main.c,$(wildcard $(m)/*.c))))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/t2s_table.o
LIB     := $(BUILD)/libengine.a

UNIT_SRC := $(wildcard tests/unit/*/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Each fuzz target's entry point again, built by $(CC) with a small driver
# that replays its seeds and past crashes (tests/fuzz/corpus/NAME/).
FUZZ_NAMES  := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
REPLAY_BIN  := $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz/replay-%)
FUZZ_SECONDS ?= 180

.PHONY: all test demo bench bench-scale fuzz fuzz-smoke fuzz-build coverage deps golden clean \
        check-deps check-build-deps ensure-deps install uninstall deb
all: check-deps bin/indexer bin/searcher

HAVE_DEPS = pkg-config --exists $(PKGS) cmocka 2>/dev/null && test -e /usr/include/libstemmer.h

check-deps:
	@$(HAVE_DEPS) || { echo "missing build dependencies: run 'make deps' (see README, Install)"; exit 1; }

# Building the programs alone (make install, the package) needs no cmocka.
check-build-deps:
	@pkg-config --exists $(PKGS) 2>/dev/null && test -e /usr/include/libstemmer.h || \
	  { echo "missing build dependencies: run 'make deps' (see README, Install)"; exit 1; }

# demo and test install the Debian packages first when they are missing.
ensure-deps:
	@$(HAVE_DEPS) || ./.ci/install-deps

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# The Traditional->Simplified table is generated from the ICU we build with.
$(BUILD)/gen/gen_t2s: analyzers/gen_t2s.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

$(BUILD)/gen/t2s_table.c: $(BUILD)/gen/gen_t2s
	$< > $@.tmp && mv $@.tmp $@

# libstemmer has no version call: record its Debian version at build time.
STEMMER_VERSION ?= $(shell dpkg-query -W -f='$${Version}' libstemmer0d 2>/dev/null)
$(BUILD)/indexer/version.o: CFLAGS += -DIX_ENGINE_VERSION='"$(VERSION)"' \
                                      -DIX_STEMMER_VERSION='"$(STEMMER_VERSION)"'
$(BUILD)/indexer/version.o: Makefile

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# bin/ holds one variant at a time; the stamp relinks when the variant changes.
STAMP := bin/.variant-$(BUILD)-$(LINK)
$(STAMP):
	@mkdir -p bin
	@rm -f bin/.variant-*
	@touch $@

bin/indexer: $(BUILD)/indexer/main.o $(LIB) $(STAMP)
	$(CC) $(LDFLAGS) $(BIN_LDFLAGS) -o $@ $(BUILD)/indexer/main.o $(LIB) $(BIN_LDLIBS)

bin/searcher: $(BUILD)/searcher/main.o $(LIB) $(STAMP)
	$(CC) $(LDFLAGS) $(BIN_LDFLAGS) -o $@ $(BUILD)/searcher/main.o $(LIB) $(BIN_LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka

$(BUILD)/tests/fuzz/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz_common.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-missing-prototypes -DFUZZ_SEEDS='"tests/fuzz/corpus/$*"' $(LDFLAGS) -o $@ \
	  tests/fuzz/replay.c $< $(LIB) $(LDLIBS)

test: ensure-deps
	@$(MAKE) --no-print-directory -s all $(UNIT_BIN) $(REPLAY_BIN)
	@BUILD=$(BUILD) tests/run_tests.sh $(UNIT_BIN) $(REPLAY_BIN)

demo: ensure-deps
	@$(MAKE) --no-print-directory -s all
	@./tests/demo.sh

bench: all
	@./bench/bench.sh

bench-scale: all
	@./bench/scale.sh

deps:
	./.ci/install-deps

golden: all
	@GOLDEN_UPDATE=1 tests/e2e/test_golden.sh

coverage:
	$(MAKE) COVERAGE=1 test
	@for m in $(MODULES); do gcov -n -o build-cov/$$m $$m/*.c 2>/dev/null; done | \
	  awk '/^File/{f=$$2} /^Lines executed/{print f, $$2, $$4}' | grep -v '^.\(/usr\|tests\)'

fuzz-build:
	$(MAKE) -C tests/fuzz

fuzz:
	$(MAKE) -C tests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

fuzz-smoke:
	$(MAKE) -C tests/fuzz run FUZZ_SECONDS=$(if $(filter command line,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),5)

# ---- install (GNU conventions: every directory derives from PREFIX) -------
# Nothing is written outside $(DESTDIR)$(PREFIX) unless a directory is
# overridden on the command line (debian/rules puts the units in /lib).
# The programs find their data in <bindir>/../share/healthai-search, so keep
# bindir and datadir under the same prefix.
PREFIX         ?= /usr/local
prefix         := $(PREFIX)
exec_prefix    := $(prefix)
bindir         := $(exec_prefix)/bin
datarootdir    := $(prefix)/share
datadir        := $(datarootdir)
mandir         := $(datarootdir)/man
man1dir        := $(mandir)/man1
docdir         := $(datarootdir)/doc/healthai-search
pkgdatadir     := $(datadir)/healthai-search
bashcompdir    := $(datarootdir)/bash-completion/completions
systemdunitdir := $(prefix)/lib/systemd/system
INSTALL        ?= install
UNITS          := healthai-search-index.service healthai-search-index.timer

install: check-build-deps bin/indexer bin/searcher
	$(INSTALL) -d $(DESTDIR)$(bindir) $(DESTDIR)$(man1dir) $(DESTDIR)$(bashcompdir) \
	  $(DESTDIR)$(systemdunitdir) $(DESTDIR)$(docdir)/examples
	$(INSTALL) -m 755 bin/indexer bin/searcher $(DESTDIR)$(bindir)/
	$(INSTALL) -m 644 man/indexer.1 man/searcher.1 $(DESTDIR)$(man1dir)/
	$(INSTALL) -m 644 contrib/bash-completion/healthai-search $(DESTDIR)$(bashcompdir)/indexer
	$(INSTALL) -m 644 contrib/bash-completion/healthai-search $(DESTDIR)$(bashcompdir)/searcher
	for u in $(UNITS); do \
	  sed 's|@bindir@|$(bindir)|g' contrib/systemd/$$u > $(DESTDIR)$(systemdunitdir)/$$u.tmp && \
	  chmod 644 $(DESTDIR)$(systemdunitdir)/$$u.tmp && \
	  mv $(DESTDIR)$(systemdunitdir)/$$u.tmp $(DESTDIR)$(systemdunitdir)/$$u || exit 1; done
	sed 's|@bindir@|$(bindir)|g' contrib/cron/healthai-search > $(DESTDIR)$(docdir)/examples/healthai-search.cron
	chmod 644 $(DESTDIR)$(docdir)/examples/healthai-search.cron
	$(INSTALL) -m 644 contrib/default/healthai-search $(DESTDIR)$(docdir)/examples/healthai-search.default
	@# analyzers/data/ may not exist yet (the glossary lands separately).
	set -e; files='$(wildcard analyzers/data/*)'; if [ -n "$$files" ]; then \
	  $(INSTALL) -d $(DESTDIR)$(pkgdatadir); $(INSTALL) -m 644 $$files $(DESTDIR)$(pkgdatadir)/; fi

uninstall:
	rm -f $(DESTDIR)$(bindir)/indexer $(DESTDIR)$(bindir)/searcher \
	  $(DESTDIR)$(man1dir)/indexer.1 $(DESTDIR)$(man1dir)/searcher.1 \
	  $(DESTDIR)$(bashcompdir)/indexer $(DESTDIR)$(bashcompdir)/searcher \
	  $(addprefix $(DESTDIR)$(systemdunitdir)/,$(UNITS)) \
	  $(DESTDIR)$(docdir)/examples/healthai-search.cron \
	  $(DESTDIR)$(docdir)/examples/healthai-search.default
	rm -rf $(DESTDIR)$(pkgdatadir)
	rmdir $(DESTDIR)$(docdir)/examples $(DESTDIR)$(docdir) 2>/dev/null || true

# dpkg-buildpackage writes next to the source tree and litters debian/, so
# it runs on a copy in build/deb/; the .deb lands in build/deb/.
# DEB_BUILD_OPTIONS=nocheck skips the test suite inside the build (CI runs
# it on the same tree just before).
DEBDIR := build/deb
DEBSRC := $(DEBDIR)/healthai-search-$(VERSION)
deb:
	rm -rf $(DEBDIR) && mkdir -p $(DEBSRC)
	tar --exclude='./build*' --exclude=./bin --exclude=./.git --exclude=./demo-index \
	  -cf - . | tar -C $(DEBSRC) -xf -
	cd $(DEBSRC) && dpkg-buildpackage -us -uc -b
	@ls $(DEBDIR)/*.deb

clean:
	rm -rf build build-san build-cov build-fuzz bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
