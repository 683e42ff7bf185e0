# One plain Makefile; variants are targets or variables:
#   make                 build bin/indexer and bin/searcher
#   make test            build and run every test (unit, end to end); prints "N passed, N failed"
#   make test SANITIZE=1 the same under AddressSanitizer + UBSan
#   make demo            install nothing; index corpus/ and run example queries
#   make bench           side-by-side run against Xapian and SQLite FTS5 (needs ../shared)
#   make fuzz            fuzz every libFuzzer target (tests/fuzz/) for FUZZ_SECONDS each (180)
#   make fuzz-smoke      the same for a few seconds each (CI)
#   make coverage        run the tests with gcov instrumentation
#   make deps            install the Debian packages (apt-get; needs root)
#   make golden          regenerate tests/golden/ on purpose (review the diff)
# CI adds WERROR=1.

CC      ?= cc
PKGS    := icu-uc icu-i18n lmdb json-c libzstd libxxhash uchardet
OPT     ?= -O2
CFLAGS  := -std=c11 $(OPT) -g -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter \
           -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -MMD -MP \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(EXTRA_CFLAGS)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lm
BUILD   := build

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

.PHONY: all test demo bench fuzz fuzz-smoke fuzz-build coverage deps golden clean check-deps ensure-deps
all: check-deps bin/indexer bin/searcher

HAVE_DEPS = pkg-config --exists $(PKGS) cmocka 2>/dev/null && test -e /usr/include/libstemmer.h

check-deps:
	@$(HAVE_DEPS) || { echo "missing build dependencies: run 'make deps' (see README, Install)"; exit 1; }

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

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# bin/ holds one variant at a time; the stamp relinks when the variant changes.
STAMP := bin/.variant-$(BUILD)
$(STAMP):
	@mkdir -p bin
	@rm -f bin/.variant-*
	@touch $@

bin/indexer: $(BUILD)/indexer/main.o $(LIB) $(STAMP)
	$(CC) $(LDFLAGS) -o $@ $(BUILD)/indexer/main.o $(LIB) $(LDLIBS)

bin/searcher: $(BUILD)/searcher/main.o $(LIB) $(STAMP)
	$(CC) $(LDFLAGS) -o $@ $(BUILD)/searcher/main.o $(LIB) $(LDLIBS)

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

clean:
	rm -rf build build-san build-cov build-fuzz bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
