#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build iommu-lu into Linux 7.3 with its Intel driver hooks and boot it under
# QEMU on an emulated VT-d (legacy mode; two edu devices on the root bus, two
# behind bridges in one group, an e1000), with the model-free KUnit suites
# built in and the in-kernel one (tests/kernel/lu_vtd_kunit.c: the framework
# against the Intel driver's real tables, through the edu test driver's
# devices). Checks the boot log (the vendors
# register, the unit is added, DMAR runs, no oops, no warning, no lockdep
# splat) and the KTAP of the suites (parsed by kunit.py; a failed, crashed or
# missing suite fails), one line per check, then "N passed, N failed" and
# the time each stage took.
#
# Stages: deps, fetch (scripts/fetch-kernel.sh), tree
# (scripts/kernel-tree.sh: build/linux-lu plus scripts/integrate.sh),
# config (tinyconfig + tests/kernel/configs/{vm,iommu-lu,debug}.config), build
# (bzImage, O=build/kobj-vm), initramfs (tests/kernel/mkinitramfs.sh), boot,
# parse. Logs are in build/check-kernel-boot/.
#
# Usage: scripts/check-kernel-boot.sh
#   JOBS=n (default: nproc)  QEMU_TIMEOUT=s (default 300)
#   SCALABLE=1: x-scalable-mode=on on the vIOMMU
#   BUILD_ONLY=1: stop after the build stage (scripts/check-liveupdate.sh)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/build/linux-lu
obj=$top/build/kobj-vm
out=$top/build/check-kernel-boot
jobs=${JOBS:-$(nproc)}
qemu_timeout=${QEMU_TIMEOUT:-300}
configs=("$top/tests/kernel/configs/vm.config"
	 "$top/tests/kernel/configs/iommu-lu.config"
	 "$top/tests/kernel/configs/debug.config")
vtd=intel-iommu,intremap=on
# Two edu devices behind a pci-bridge behind a pcie-pci-bridge: one group,
# DMA aliased on bus 1 (the iommu_lu_vtd_qemu suite). Not in scalable mode,
# where Linux 7.3 programs no context entry for aliases: they could not DMA.
bridged=(-device "pcie-pci-bridge,id=ppb,addr=0x5"
	 -device "pci-bridge,id=pb,bus=ppb,addr=0x1,chassis_nr=1,shpc=off"
	 -device "edu,bus=pb,addr=0x1" -device "edu,bus=pb,addr=0x2")
if [ "${SCALABLE:-0}" = 1 ]; then
	vtd+=",x-scalable-mode=on"
	bridged=()
fi

mkdir -p "$out"
declare -a stage_names stage_secs
passed=0
failed=0

stage() {
	local name=$1 t0=$SECONDS
	shift
	echo "== $name"
	if ! "$@" > "$out/$name.log" 2>&1; then
		tail -n 30 "$out/$name.log" >&2
		echo "check-kernel-boot: stage $name failed (log: $out/$name.log)" >&2
		stage_names+=("$name")
		stage_secs+=($((SECONDS - t0)))
		report_times
		echo "$passed passed, $((failed + 1)) failed"
		exit 1
	fi
	stage_names+=("$name")
	stage_secs+=($((SECONDS - t0)))
}

report_times() {
	local i
	echo "stage times:"
	for i in "${!stage_names[@]}"; do
		printf '  %-10s %4ss\n' "${stage_names[$i]}" "${stage_secs[$i]}"
	done
}

# shellcheck source=scripts/check-lib.sh
. "$top/scripts/check-lib.sh"

do_config() {
	local f line key val bad=0

	make -C "$tree" O="$obj" tinyconfig &&
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
		"${configs[@]}" &&
	make -C "$tree" O="$obj" olddefconfig || return 1
	# Every option of the fragments must have survived olddefconfig.
	for f in "${configs[@]}"; do
		while read -r line; do
			key=${line%%=*}
			val=${line#*=}
			if [ "$val" = n ]; then
				grep -q "^$key=" "$obj/.config" || continue
			else
				grep -qx "$line" "$obj/.config" && continue
			fi
			echo "config: $line did not stick: $(grep "^$key=\|^# $key " "$obj/.config")"
			bad=1
		done < <(grep '^CONFIG_' "$f")
	done
	return $bad
}

do_boot() {
	timeout "$qemu_timeout" qemu-system-x86_64 \
		-machine q35,kernel-irqchip=split -accel tcg -cpu max \
		-device "$vtd" -m 2G -smp 2 -nographic -no-reboot \
		-device edu -device edu -netdev user,id=n0 -device e1000,netdev=n0 \
		"${bridged[@]}" \
		-kernel "$obj/arch/x86/boot/bzImage" -initrd "$out/boot.cpio.gz" \
		-append "console=ttyS0 intel_iommu=on panic=-1 kho=on kho_scratch=16M,256M,64M" \
		> "$out/serial.log" 2>&1 < /dev/null
	local rc=$?

	tr -d '\r' < "$out/serial.log" > "$out/serial.txt"
	[ $rc -eq 0 ] || echo "qemu exited with $rc"
	return $rc
}

# Suites the tree has, by their kunit_suite name: each must report. The
# model-free suites (tests/suites/) and the in-kernel ones (tests/kernel/).
expected_suites() {
	awk '/struct kunit_suite [a-z_0-9]+ = \{/ { s = 1 }
	     s && match($0, /\.name = "[^"]*"/) {
		print substr($0, RSTART + 9, RLENGTH - 10); s = 0 }' \
		"$tree"/drivers/iommu/iommu-lu/tests/suites/*.c \
		"$tree"/drivers/iommu/iommu-lu/tests/kernel/*.c
}

t0=$SECONDS
stage deps "$top/scripts/install-deps.sh" kernel
stage fetch "$top/scripts/fetch-kernel.sh"
stage tree "$top/scripts/kernel-tree.sh" "$tree"
stage config do_config
stage build make -C "$tree" O="$obj" -j"$jobs" bzImage
[ "${BUILD_ONLY:-0}" = 1 ] && { report_times; exit 0; }
stage initramfs "$top/tests/kernel/mkinitramfs.sh" "$out/boot.cpio.gz"
stage boot do_boot

# ---- parse ----
p0=$SECONDS
log=$out/serial.txt
has() { grep -qE "$1" "$log"; }
hasnt() { ! grep -qE "$1" "$log"; }

check "kernel reached userspace and powered off" has '^iommu-lu-init: power off'
check "vendor intel-vtd registered" has '^iommu-lu: vendor intel-vtd registered'
check "stub vendors registered" \
	has '^iommu-lu: vendor amd-vi registered .*stub'
check "DMAR enabled, queued invalidation" has '^DMAR: dmar0: Using Queued invalidation'
check "unit added fresh (no handover)" \
	has '^iommu-lu: unit 0xfed90000 \(intel-vtd, segment 0\) added: fresh'
check "no 'translation enabled but not kdump' message" \
	hasnt 'Translation was enabled for .* but we are not in kdump mode'
check "devices in IOMMU groups" has '^iommu-lu-init: group [0-9]+: 0000:00:0[1-9]'
check "no oops, BUG, WARNING or lockdep splat" \
	hasnt 'Oops|BUG:|WARNING:|possible recursive locking|circular locking|lock held|Kernel panic'
check "no DMAR fault" hasnt 'DMAR: \[DMA (Read|Write)'

kunit_out=$out/kunit.txt
python3 "$tree/tools/testing/kunit/kunit.py" parse "$log" > "$kunit_out" 2>&1
kunit_rc=$?
summary=$(grep -o 'Ran [0-9]* tests: .*' "$kunit_out" | tail -n1)
k_pass=$(sed -n 's/.*passed: \([0-9]*\).*/\1/p' <<< "$summary")
k_fail=$(sed -n 's/.*failed: \([0-9]*\).*/\1/p' <<< "$summary")
k_crash=$(sed -n 's/.*crashed: \([0-9]*\).*/\1/p' <<< "$summary")
grep -E '\[(FAILED|CRASHED)\]' "$kunit_out" | sed 's/^\[[0-9:]*\] /  /'
echo "kunit: ${summary:-no KTAP found}"
check "kunit.py parse succeeded" [ "$kunit_rc" -eq 0 ]
while read -r suite; do
	[ -n "$suite" ] || continue
	check "suite $suite ran" has "^(    )?# Subtest: $suite\$|^ok [0-9]+ $suite\$|^not ok [0-9]+ $suite\$"
done < <(expected_suites)
# On real devices nothing may be skipped in legacy mode (a skip would pass
# vacuously: no edu owned, no bridged pair, no e1000).
if [ "${SCALABLE:-0}" != 1 ]; then
	check "iommu_lu_vtd_qemu: no case skipped" \
		hasnt "^    ok [0-9]+ lu_kt_[a-z_]+ # SKIP"
	check "iommu_lu_vtd_qemu: all 5 cases passed" \
		[ "$(grep -cE '^    ok [0-9]+ lu_kt_' "$log")" -eq 5 ]
fi
passed=$((passed + ${k_pass:-0}))
failed=$((failed + ${k_fail:-0} + ${k_crash:-0}))
stage_names+=(parse)
stage_secs+=($((SECONDS - p0)))

report_times
echo "  total      $((SECONDS - t0))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
