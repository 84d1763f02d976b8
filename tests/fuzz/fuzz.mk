# SPDX-License-Identifier: GPL-2.0
#
# libFuzzer targets (tests/fuzz/). Meant to sit in the userspace part of the
# Makefile (after SRC_*, TEST_CPPFLAGS, OUT, quiet/Q are set), or to be
# included there: "include tests/fuzz/fuzz.mk". Works on its own too:
#   make -f Makefile -f tests/fuzz/fuzz.mk fuzz FUZZ_SECONDS=60
#
# Objects are built apart (tests/out/fuzz/) with clang and
# -fsanitize=fuzzer-no-link,address,undefined: they cannot be shared with
# the test binary's.

FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1
FUZZ_ARGS    ?=
FUZZ_OUT     := $(OUT)/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Werror -g -O1 \
		-pthread $(FUZZ_SAN) $(TEST_CPPFLAGS)
# Coverage feedback from the code under test (core/, vendors/) and the
# targets only: the models and shims are sanitized but not traced, which
# keeps the fuzzer from chasing model branches and doubles exec/s.
FUZZ_COV     := -fsanitize=fuzzer-no-link
FUZZ_LDFLAGS := -pthread $(FUZZ_SAN) -fsanitize=fuzzer
FUZZ_ENV     := ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
# Up to 10 dump pages: room for chains longer than the seeds'.
FUZZ_RUN_ARGS := -max_len=41120 -timeout=10 -rss_limit_mb=2048

FUZZ_DECODE_SRCS := tests/fuzz/fuzz_decode.c core/decode.c tests/shim/printk.c \
		    tests/shim/slab.c tests/shim/sort.c tests/shim/kstring.c
FUZZ_ADOPT_SRCS  := tests/fuzz/fuzz_adopt.c $(SRC_CORE) $(SRC_VENDORS) \
		    $(SRC_SHIM) $(SRC_MODEL) $(SRC_HARNESS)
FUZZ_DECODE_OBJS := $(patsubst %.c,$(FUZZ_OUT)/%.o,$(FUZZ_DECODE_SRCS))
FUZZ_ADOPT_OBJS  := $(patsubst %.c,$(FUZZ_OUT)/%.o,$(FUZZ_ADOPT_SRCS))
FUZZ_BINS        := $(FUZZ_OUT)/fuzz_decode $(FUZZ_OUT)/fuzz_adopt

ifeq ($(filter clean help,$(MAKECMDGOALS)),)
$(shell mkdir -p $(FUZZ_OUT))
$(call stamp,$(FUZZ_OUT)/.flags,$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_COV) $(FUZZ_LDFLAGS))
endif

$(FUZZ_OUT)/tests/model/%.o $(FUZZ_OUT)/tests/shim/%.o $(FUZZ_OUT)/tests/harness/%.o: FUZZ_COV :=

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-deps

# clang-14 and its runtimes (libFuzzer, ASan/UBSan/TSan), as "make bench"
# asks for valgrind.
fuzz-deps:
	$(Q)scripts/install-deps.sh clang-14 libclang-rt-14-dev

$(FUZZ_OUT)/%.o: %.c $(FUZZ_OUT)/.flags | fuzz-deps
	@mkdir -p $(@D)
	$(quiet) FUZZCC $<
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_COV) -MMD -MP -c $< -o $@

$(FUZZ_OUT)/fuzz_decode: $(FUZZ_DECODE_OBJS)
	$(quiet) LD $@
	$(Q)$(FUZZ_CC) -o $@ $(FUZZ_DECODE_OBJS) $(FUZZ_LDFLAGS)

$(FUZZ_OUT)/fuzz_adopt: $(FUZZ_ADOPT_OBJS)
	$(quiet) LD $@
	$(Q)$(FUZZ_CC) -o $@ $(FUZZ_ADOPT_OBJS) $(FUZZ_LDFLAGS)

-include $(FUZZ_DECODE_OBJS:.o=.d) $(FUZZ_ADOPT_OBJS:.o=.d)

# The seeds: handovers today's code writes (tests/fuzz/seed_gen.c), built
# like the test binary. "make fuzz" regenerates them under tests/out (a
# change of the ABI or of the serializer changes them); "make fuzz-seeds"
# refreshes the copy in tests/fuzz/corpus/.
FUZZ_SEED_GEN  := $(OUT)/fuzz-seed-gen
FUZZ_SEED_OBJS := $(patsubst %.c,$(OUT)/%.o,$(SRC_CORE) $(SRC_VENDORS) $(SRC_SHIM) \
		  $(SRC_MODEL) $(SRC_HARNESS) tests/fuzz/seed_gen.c)
$(FUZZ_SEED_GEN): $(FUZZ_SEED_OBJS)
	$(quiet) LD $@
	$(Q)$(CC) -o $@ $(FUZZ_SEED_OBJS) $(TEST_LDFLAGS)
-include $(OUT)/tests/fuzz/seed_gen.d

.PHONY: fuzz-seeds fuzz-seeds-out
fuzz-seeds-out: deps $(FUZZ_SEED_GEN)
	$(Q)rm -rf $(FUZZ_OUT)/seeds
	$(Q)$(RUN_ENV_$(SAN)) $(abspath $(FUZZ_SEED_GEN)) $(FUZZ_OUT)/seeds
## fuzz-seeds: regenerate the seed corpus in tests/fuzz/corpus/
fuzz-seeds: fuzz-seeds-out
	$(Q)cp $(FUZZ_OUT)/seeds/decode/* tests/fuzz/corpus/decode/
	$(Q)cp $(FUZZ_OUT)/seeds/adopt/* tests/fuzz/corpus/adopt/

## fuzz-build: build the libFuzzer targets (tests/out/fuzz/)
fuzz-build: $(FUZZ_BINS)

## fuzz: run each libFuzzer target FUZZ_SECONDS (60) x FUZZ_JOBS (1) processes
fuzz: $(FUZZ_BINS) fuzz-seeds-out
	$(Q)for t in fuzz_decode fuzz_adopt; do \
		$(FUZZ_ENV) tests/fuzz/run.sh $(FUZZ_OUT)/$$t $(FUZZ_SECONDS) \
			$(FUZZ_JOBS) \
			tests/fuzz/corpus/$${t#fuzz_}:$(FUZZ_OUT)/seeds/$${t#fuzz_} \
			$(FUZZ_OUT)/work/$${t#fuzz_} $(FUZZ_RUN_ARGS) $(FUZZ_ARGS) \
			|| exit 1; \
	done

## fuzz-smoke: 10 s of each libFuzzer target from the seeds only (for CI)
fuzz-smoke: $(FUZZ_BINS) fuzz-seeds-out
	$(Q)for t in fuzz_decode fuzz_adopt; do \
		rm -rf $(FUZZ_OUT)/smoke/$${t#fuzz_}; \
		$(FUZZ_ENV) tests/fuzz/run.sh $(FUZZ_OUT)/$$t 10 1 \
			tests/fuzz/corpus/$${t#fuzz_}:$(FUZZ_OUT)/seeds/$${t#fuzz_} \
			$(FUZZ_OUT)/smoke/$${t#fuzz_} $(FUZZ_RUN_ARGS) \
			|| exit 1; \
	done
