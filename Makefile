# SPDX-License-Identifier: GPL-2.0
#
# iommu-lu. Called by Kbuild (KERNELRELEASE set): the kernel objects.
# Called directly: the userspace build, which compiles the very same core/
# and vendors/ sources against tests/shim and the hardware/KHO models, and
# runs the KUnit-compatible suites. "make help" lists the targets.

ifneq ($(KERNELRELEASE),)

# The framework dropped into a tree as drivers/iommu/iommu-lu/ (see README).
# Core and backends are built in: the Intel driver needs the handover during
# init_dmars(), long before modules load.
ccflags-y += -I$(src)/include -I$(src)/abi

obj-$(CONFIG_IOMMU_LU) += iommu-lu.o
iommu-lu-y := core/registry.o core/serialize.o core/decode.o core/adopt.o \
	      core/lifecycle.o core/hotplug.o
iommu-lu-$(CONFIG_IOMMU_LU_DEBUGFS) += core/debugfs.o
iommu-lu-$(CONFIG_IOMMU_LU_INTEL) += vendors/intel/intel_lu.o
iommu-lu-$(CONFIG_IOMMU_LU_AMD) += vendors/amd/amd_lu.o
iommu-lu-$(CONFIG_IOMMU_LU_ARM_SMMU_V3) += vendors/arm-smmu-v3/smmu_v3_lu.o

# Test driver of the QEMU live-update scenario (tests/kernel/liveupdate.sh).
obj-$(CONFIG_IOMMU_LU_EDU_TEST) += tests/kernel/lu_edu_test.o
# KUnit suite on QEMU's VT-d, against the real Intel driver and the edu
# devices the test driver owns (scripts/check-kernel-boot.sh).
obj-$(CONFIG_IOMMU_LU_VTD_KUNIT_TEST) += tests/kernel/lu_vtd_kunit.o

# Model-free KUnit suites: the ones marked IOMMU_LU_KERNEL_SUITE, which are
# the only ones scripts/integrate.sh copies into the tree (the model-based
# suites are userspace-only).
lu-kunit-suites := $(patsubst $(src)/%.c,%.o,\
		   $(sort $(wildcard $(src)/tests/suites/*.c)))
ifneq ($(lu-kunit-suites),)
obj-$(CONFIG_IOMMU_LU_KUNIT_TEST) += iommu-lu-kunit.o
iommu-lu-kunit-y := $(lu-kunit-suites)
endif

else

# ---- userspace build ----

ifeq ($(origin CC),default)
CC := gcc
endif
SAN ?= asan
V ?= 0

ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

OUT := tests/out
TEST_BIN := $(OUT)/iommu-lu-test
DECODE_BIN  := $(OUT)/iommu-lu-decode
DECODE_SRCS := tools/iommu-lu-decode.c core/decode.c tests/shim/printk.c \
	       tests/shim/slab.c tests/shim/sort.c tests/shim/kstring.c
DECODE_OBJS := $(patsubst %.c,$(OUT)/%.o,$(DECODE_SRCS))

SRC_CORE ?= $(wildcard core/*.c)
SRC_VENDORS ?= $(wildcard vendors/*/*.c)
SRC_SHIM ?= $(wildcard tests/shim/*.c)
SRC_MODEL ?= $(wildcard tests/model/*.c)
# Programs with their own main() live in tests/harness/ too.
HARNESS_MAINS := tests/harness/demo.c tests/harness/golden_gen.c \
		 tests/harness/conform_main.c
SRC_HARNESS ?= $(filter-out $(HARNESS_MAINS),$(wildcard tests/harness/*.c))
SRC_SUITES ?= $(wildcard tests/suites/*.c)
SRC_RUNNER ?= tests/kunit/runner.c

SRCS := $(SRC_CORE) $(SRC_VENDORS) $(SRC_SHIM) $(SRC_MODEL) $(SRC_HARNESS) \
	$(SRC_SUITES) $(SRC_RUNNER)
OBJS := $(patsubst %.c,$(OUT)/%.o,$(SRCS))

ifeq ($(filter $(SAN),asan tsan none),)
$(error SAN must be asan, tsan or none, not '$(SAN)')
endif
SAN_FLAGS_asan := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		  -fno-omit-frame-pointer
SAN_FLAGS_tsan := -fsanitize=thread -fno-omit-frame-pointer
SAN_FLAGS_none :=
RUN_ENV_asan := ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
RUN_ENV_tsan := TSAN_OPTIONS=halt_on_error=1
RUN_ENV_none :=

CONFIGS := CONFIG_IOMMU_LU CONFIG_IOMMU_LU_INTEL CONFIG_IOMMU_LU_AMD \
	   CONFIG_IOMMU_LU_ARM_SMMU_V3 CONFIG_KEXEC_HANDOVER \
	   CONFIG_IOMMU_LU_KUNIT_TEST CONFIG_DEBUG_FS CONFIG_IOMMU_LU_DEBUGFS

TEST_CPPFLAGS := -Itests/shim -Itests/kunit -Iinclude -Iabi -Itests \
		 $(patsubst %,-D%=1,$(CONFIGS)) -D_GNU_SOURCE
TEST_CFLAGS := -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Werror -g -O1 -pthread \
	       $(SAN_FLAGS_$(SAN)) $(TEST_CPPFLAGS) $(EXTRA_CFLAGS)
TEST_LDFLAGS := -pthread $(SAN_FLAGS_$(SAN)) $(EXTRA_LDFLAGS)

# Rebuild everything when the compiler or flags change, relink when the
# set of objects changes (e.g. SRC_CORE= on the command line).
ifeq ($(filter clean help,$(MAKECMDGOALS)),)
stamp = $(shell mkdir -p $(OUT) && \
	  if [ "$$(cat $(1) 2>/dev/null)" != '$(strip $(2))' ]; then \
		echo '$(strip $(2))' > $(1); fi)
$(call stamp,$(OUT)/.flags,$(CC) $(TEST_CFLAGS) $(TEST_LDFLAGS))
$(call stamp,$(OUT)/.objs,$(OBJS))
endif

.DEFAULT_GOAL := all
.PHONY: all check build deps clean help

all: check

## check: install missing build packages, build and run every userspace test
check: deps $(TEST_BIN) $(DECODE_BIN)
	$(Q)scripts/run-checks.sh \
		"$(RUN_ENV_$(SAN)) $(abspath $(TEST_BIN)) $(if $(KUNIT_FILTER),'$(KUNIT_FILTER)')" \
		$(if $(KUNIT_FILTER),,"$(RUN_ENV_$(SAN)) python3 tools/iommu-lu-decode-test.py $(DECODE_BIN)")

## build: build tests/out/iommu-lu-test without running it
build: $(TEST_BIN)

## deps: install the missing Debian packages (scripts/install-deps.sh)
deps:
	$(Q)scripts/install-deps.sh

$(TEST_BIN): $(OBJS) $(OUT)/.objs
	$(quiet) LD $@
	$(Q)$(CC) -o $@ $(OBJS) $(TEST_LDFLAGS)

$(OUT)/%.o: %.c $(OUT)/.flags | deps
	@mkdir -p $(@D)
	$(quiet) CC $<
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

-include $(OBJS:.o=.d)

# ---- the handover decoder tool: the core's own decoder over a dump file ----
.PHONY: decode check-decode
## decode: build tests/out/iommu-lu-decode (prints a handover dump)
decode: $(DECODE_BIN)
$(DECODE_BIN): $(DECODE_OBJS)
	$(quiet) LD $@
	$(Q)$(CC) -o $@ $(DECODE_OBJS) $(TEST_LDFLAGS)
## check-decode: run the decoder tool on hand-written valid and broken dumps
check-decode: deps $(DECODE_BIN)
	$(quiet) RUN tools/iommu-lu-decode-test.py
	$(Q)$(RUN_ENV_$(SAN)) python3 tools/iommu-lu-decode-test.py $(DECODE_BIN)
-include $(OUT)/tools/iommu-lu-decode.d

# ---- the conformance replay (issue 4): a QEMU guest's VT-d dumps and DMA on the model ----
CONFORM_BIN  := $(OUT)/iommu-lu-conform
CONFORM_SRCS := tests/harness/conform_main.c tests/harness/conformance.c \
		tests/model/vtd.c tests/model/physmem.c tests/shim/io.c \
		tests/shim/printk.c tests/shim/slab.c
CONFORM_OBJS := $(patsubst %.c,$(OUT)/%.o,$(CONFORM_SRCS))
.PHONY: conform-tool check-conform
## conform-tool: build tests/out/iommu-lu-conform (FILE legacy|scalable: replay a serial log on the VT-d model)
conform-tool: $(CONFORM_BIN)
$(CONFORM_BIN): $(CONFORM_OBJS)
	$(quiet) LD $@
	$(Q)$(CC) -o $@ $(CONFORM_OBJS) $(TEST_LDFLAGS)
## check-conform: replay the committed captures tests/golden/conformance-{legacy,scalable}.log
check-conform: deps $(CONFORM_BIN)
	$(quiet) RUN $(CONFORM_BIN)
	$(Q)for m in legacy scalable; do \
		$(RUN_ENV_$(SAN)) $(abspath $(CONFORM_BIN)) tests/golden/conformance-$$m.log $$m || exit 1; \
	done
-include $(OUT)/tests/harness/conform_main.d

# ---- the end-to-end demo: the test objects minus the KUnit runner and suites ----
DEMO_BIN  := $(OUT)/iommu-lu-demo
DEMO_OBJS := $(patsubst %.c,$(OUT)/%.o,$(SRC_CORE) $(SRC_VENDORS) $(SRC_SHIM) \
	     $(SRC_MODEL) $(SRC_HARNESS) tests/harness/demo.c)
.PHONY: demo
## demo: a simulated machine goes through a whole live update (DEMO_FLAGS=-v: the kernel log too)
demo: deps $(DEMO_BIN)
	$(quiet) RUN $(DEMO_BIN)
	$(Q)$(RUN_ENV_$(SAN)) $(abspath $(DEMO_BIN)) $(DEMO_FLAGS)
$(DEMO_BIN): $(DEMO_OBJS)
	$(quiet) LD $@
	$(Q)$(CC) -o $@ $(DEMO_OBJS) $(TEST_LDFLAGS)
-include $(OUT)/tests/harness/demo.d

# ---- the golden handover (tests/golden/handover_v1.h) ----
GOLDEN_H    := tests/golden/handover_v1.h
GOLDEN_BIN  := $(OUT)/golden-gen
GOLDEN_OBJS := $(patsubst %.c,$(OUT)/%.o,$(SRC_CORE) $(SRC_VENDORS) $(SRC_SHIM) \
	       $(SRC_MODEL) $(SRC_HARNESS) tests/harness/golden_gen.c)
.PHONY: golden check-golden
$(GOLDEN_BIN): $(GOLDEN_OBJS)
	$(quiet) LD $@
	$(Q)$(CC) -o $@ $(GOLDEN_OBJS) $(TEST_LDFLAGS)
## golden: regenerate tests/golden/handover_v1.h (only with an ABI version bump)
golden: deps $(GOLDEN_BIN)
	$(quiet) GEN $(GOLDEN_H)
	$(Q)$(RUN_ENV_$(SAN)) $(abspath $(GOLDEN_BIN)) $(GOLDEN_H)
## check-golden: regenerate into tests/out, compare with tests/golden (writes nothing there)
check-golden: deps $(GOLDEN_BIN)
	$(quiet) GEN $(OUT)/handover_v1.h
	$(Q)$(RUN_ENV_$(SAN)) $(abspath $(GOLDEN_BIN)) $(OUT)/handover_v1.h
	$(Q)cmp $(OUT)/handover_v1.h $(GOLDEN_H)
-include $(OUT)/tests/harness/golden_gen.d

# ---- the benchmark (issue 7): the test objects minus the runner and suites ----
BENCH_BIN  := $(OUT)/iommu-lu-bench
BENCH_SRCS := $(wildcard tests/bench/*.c)
BENCH_OBJS := $(patsubst %.c,$(OUT)/%.o,$(SRC_CORE) $(SRC_VENDORS) $(SRC_SHIM) \
	      $(SRC_MODEL) $(SRC_HARNESS) $(BENCH_SRCS))
.PHONY: bench
## bench: the P1-P4 figures into tests/out/bench.md (SAN=none -O2 build in tests/out/bench, run under callgrind)
bench:
	$(Q)scripts/install-deps.sh valgrind
	$(Q)$(MAKE) --no-print-directory OUT=$(OUT)/bench SAN=none EXTRA_CFLAGS=-O2 \
		$(OUT)/bench/iommu-lu-bench
	$(quiet) RUN $(OUT)/bench/iommu-lu-bench
	$(Q)tests/bench/run.sh $(OUT)/bench/iommu-lu-bench $(OUT)/bench.md
$(BENCH_BIN): $(BENCH_OBJS)
	$(quiet) LD $@
	$(Q)$(CC) -o $@ $(BENCH_OBJS) $(TEST_LDFLAGS)
-include $(patsubst %.c,$(OUT)/%.d,$(BENCH_SRCS))

## check-kernel-boot: Linux 7.3 + iommu-lu: build, boot under QEMU (VT-d), in-kernel KUnit
.PHONY: check-kernel-boot
check-kernel-boot:
	$(Q)scripts/check-kernel-boot.sh

## check-liveupdate: three kernels chained by kexec with KHO under QEMU; DMA goes on (MODES="legacy scalable")
.PHONY: check-liveupdate
check-liveupdate:
	$(Q)scripts/check-liveupdate.sh $(MODES)

## check-kernel: on a fresh machine: packages, Linux 7.3, check-kernel-static, check-kernel-boot, check-liveupdate
.PHONY: check-kernel
check-kernel:
	$(Q)scripts/check-kernel.sh

# ---- libFuzzer targets (make fuzz FUZZ_SECONDS=N, make fuzz-smoke) ----
include tests/fuzz/fuzz.mk

STRESS_SCALE ?= 20
.PHONY: stress
## stress: the race suite under ThreadSanitizer (clang-14), STRESS_SCALE (20) times the operations, built in tests/out/tsan
stress: fuzz-deps
	$(Q)LU_RACE_SCALE=$(STRESS_SCALE) $(MAKE) --no-print-directory OUT=$(OUT)/tsan \
		SAN=tsan CC=clang-14 KUNIT_FILTER='iommu_lu_race*' check

.PHONY: check-kernel-static
## check-kernel-static: W=1, sparse, coccinelle, checkpatch, kernel-doc over the Kconfig matrix in a private 7.3 tree
check-kernel-static:
	$(Q)scripts/check-kernel-static.sh $(if $(MATRIX),--configs '$(MATRIX)')


clean:
	rm -rf $(OUT)

help:
	@echo 'Userspace targets:'
	@sed -n 's/^## /  /p' $(firstword $(MAKEFILE_LIST)) tests/fuzz/fuzz.mk
	@echo '  clean: remove $(OUT)'
	@echo 'Variables:'
	@echo '  CC=gcc|clang-14       compiler (default gcc)'
	@echo '  SAN=asan|tsan|none    sanitizers (default asan: ASan + UBSan)'
	@echo '  V=1                   show the commands'
	@echo '  KUNIT_FILTER=glob     run only suite[.case] matching the glob'
	@echo '  SRC_CORE= SRC_VENDORS= SRC_SHIM= SRC_MODEL= SRC_HARNESS='
	@echo '  SRC_SUITES= SRC_RUNNER=   override the source lists'
	@echo '  EXTRA_CFLAGS= EXTRA_LDFLAGS=   more flags'

endif
