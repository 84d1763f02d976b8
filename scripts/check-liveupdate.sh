#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A real live update under QEMU: Linux 7.3 with iommu-lu, its Intel driver
# and PCI patches and the edu test driver (tests/kernel/lu_edu_test.c),
# on an emulated VT-d; three kernels chained by kexec with KHO. What the
# guest does is in tests/kernel/init-liveupdate.sh; this script builds the
# kernel (scripts/check-kernel-boot.sh BUILD_ONLY=1), runs the guest in each
# mode, hot-adds a device through the QEMU monitor when the guest asks, and
# checks the serial log: one line per check, then "N passed, N failed".
#
# Usage: scripts/check-liveupdate.sh [legacy|scalable|iommu-off]...   (default: all)
#   iommu-off: legacy mode, kernel 2 booted with intel_iommu=off (must stay on)
#   QEMU_TIMEOUT=s (default 900)  JOBS=n
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
obj=$top/build/kobj-vm
out=$top/build/check-liveupdate
qemu_timeout=${QEMU_TIMEOUT:-900}
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(legacy scalable iommu-off)

A=0000:00:03.0
U=0000:00:04.0
B1=0000:02:01.0
B2=0000:02:02.0
H=0000:03:00.0

mkdir -p "$out"
passed=0
failed=0
t0=$SECONDS
declare -a stage_names stage_secs

# shellcheck source=scripts/check-lib.sh
. "$top/scripts/check-lib.sh"

timed() {
	local name=$1 t=$SECONDS
	shift
	"$@"
	local rc=$?
	stage_names+=("$name")
	stage_secs+=($((SECONDS - t)))
	return $rc
}

report() {
	local i
	echo "stage times:"
	for i in "${!stage_names[@]}"; do
		printf '  %-16s %4ss\n' "${stage_names[$i]}" "${stage_secs[$i]}"
	done
	echo "  total            $((SECONDS - t0))s"
	echo "$passed passed, $failed failed"
}

build() {
	BUILD_ONLY=1 "$top/scripts/check-kernel-boot.sh" > "$out/build.log" 2>&1 ||
		{ tail -n 30 "$out/build.log"; return 1; }
	"$top/tests/kernel/mkinitramfs.sh" "$out/lu.cpio.gz" \
		"$top/tests/kernel/init-liveupdate.sh" "$(command -v kexec)" \
		"$obj/arch/x86/boot/bzImage:/bzImage" >> "$out/build.log" 2>&1 &&
	make -C "$top" decode conform-tool >> "$out/build.log" 2>&1
}

# monitor SOCKET COMMAND: one human monitor command.
monitor() {
	python3 - "$1" "$2" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
time.sleep(0.5)
s.recv(65536)
s.sendall((sys.argv[2] + "\n").encode())
time.sleep(1)
print(s.recv(65536).decode(errors="replace"))
s.close()
EOF
}

# run MODE: boot kernel 1, hot-add H when asked, wait for the power off.
# MODE iommu-off: legacy; kernel 2 is booted with intel_iommu=off.
run() {
	local mode=$1 vtd=intel-iommu,intremap=on,device-iotlb=off
	local dir=$out/$mode log=$out/$mode/serial.log pid i extra=
	local bridged=(-device edu,bus=pb,addr=0x1 -device edu,bus=pb,addr=0x2)
	# 7.3 programs no context entry for DMA aliases in scalable mode: a
	# device behind a PCIe-to-PCI bridge cannot DMA there, update or not.
	# The bridges stay, so that bus numbers do not change.
	[ "$mode" = scalable ] && vtd+=",x-scalable-mode=on" && bridged=()
	[ "$mode" = iommu-off ] && extra=" lu_case=iommu-off"
	mkdir -p "$dir"
	rm -f "$dir/mon.sock" "$log"
	timeout "$qemu_timeout" qemu-system-x86_64 \
		-machine q35,kernel-irqchip=split -accel tcg -cpu max \
		-device "$vtd" -m 2G -smp 2 -display none -no-reboot \
		-serial "file:$log" -monitor "unix:$dir/mon.sock,server=on,wait=off" \
		-device edu,addr=0x3 -device edu,addr=0x4 \
		-device pcie-pci-bridge,id=ppb,addr=0x5 \
		-device pci-bridge,id=pb,bus=ppb,addr=0x1,chassis_nr=1,shpc=off \
		"${bridged[@]}" \
		-device pcie-root-port,id=hp0,chassis=2,slot=0,addr=0x6 \
		-kernel "$obj/arch/x86/boot/bzImage" -initrd "$out/lu.cpio.gz" \
		-append "console=ttyS0 intel_iommu=on panic=-1 kho=on kho_scratch=16M,256M,64M lu_hop=1 iommu_lu.dyndbg=+p loglevel=8 printk.devkmsg=on kunit.enable=0$extra" \
		> "$dir/qemu.log" 2>&1 < /dev/null &
	pid=$!
	for ((i = 0; i < qemu_timeout; i++)); do
		kill -0 $pid 2>/dev/null || break
		if grep -q 'lu-init: hotplug now' "$log" 2>/dev/null; then
			monitor "$dir/mon.sock" "device_add edu,bus=hp0,id=hot0" \
				>> "$dir/qemu.log" 2>&1
			break
		fi
		sleep 1
	done
	wait $pid
	local rc=$?
	tr -d '\r' < "$log" > "$dir/serial.txt"
	[ $rc -eq 0 ] || echo "qemu ($mode) exited with $rc"
	return 0
}

# Split the serial log per kernel (at each kernel's banner): k1.txt ...
split_kernels() {
	rm -f "$1"/k[0-9].txt
	awk -v d="$1" '/^Linux version / { k++ } k { print > (d "/k" k ".txt") }' \
		"$1/serial.txt"
}

# The handover blob a kernel printed, decoded by tools/iommu-lu-decode.
decode_blob() {
	local dir=$1 tag=$2
	# Only base64 lines: kernel log lines may land between them.
	sed -n "/^lu-blob-begin $tag/,/^lu-blob-end $tag/p" "$dir/serial.txt" |
		grep -E '^[A-Za-z0-9+/=]+$' | base64 -d > "$dir/blob-$tag.bin" 2>/dev/null &&
	[ -s "$dir/blob-$tag.bin" ] &&
	"$top/tests/out/iommu-lu-decode" "$dir/blob-$tag.bin" > "$dir/blob-$tag.txt" 2>&1
}

# A kernel booted with intel_iommu=off after a live update keeps the IOMMU on.
verify_iommu_off() {
	local mode=$1 dir=$out/$1
	split_kernels "$dir"
	local k2=$dir/k2.txt
	echo "# $mode: kernel 2 booted with intel_iommu=off"
	check "$mode k1: preserve $A" grep -q "lu-init: preserve $A: ok" "$dir/k1.txt"
	check "$mode k2: booted with intel_iommu=off" grep -q "Command line: .*intel_iommu=off" "$k2"
	check "$mode k2: IOMMU kept enabled for the handover" \
		grep -q "DMAR: live update handover present: Intel-IOMMU kept enabled" "$k2"
	check "$mode k2: unit adopted" grep -q "DMAR: dmar0: live update: translation tables adopted" "$k2"
	check "$mode k2: $A: DMA through the preserved iova" \
		grep -qE "lu-edu: $A: kernel 2: DMA through preserved iova .*: ok" "$k2"
	check "$mode k2: $A: DMA still through the adopted tables later" \
		grep -qE "lu-edu: $A: kernel 2: DMA through iova .*: ok" "$k2"
	check "$mode k2: reached the end" grep -q "lu-init: power off" "$k2"
}

verify() {
	local mode=$1 dir=$out/$1 k
	local k1=$dir/k1.txt k2=$dir/k2.txt k3=$dir/k3.txt
	split_kernels "$dir"
	has() { local f=$1; shift; grep -qE -- "$*" "$f" 2>/dev/null; }
	# Absent, in a kernel that got to its last dump (an empty log proves nothing).
	hasnt() {
		local f=$1
		shift
		grep -qE -- "lu-init: dump k[0-9] done" "$f" 2>/dev/null &&
			! grep -qE -- "$*" "$f"
	}

	local kept="$A $B1 $B2 $H" all="$A $U $B1 $B2 $H" released="$U $B1 $B2 $H"
	local nkept=4
	if [ "$mode" = scalable ]; then
		kept="$A $H" all="$A $U $H" released="$U $H" nkept=2
		echo "# $mode mode: no bridged group (7.3 sets up no alias context entries in scalable mode)"
	else
		echo "# $mode mode"
	fi
	# ---- kernel 1 ----
	for d in $all; do
		check "$mode k1: $d: own domain, DMA through its iova" \
			has "$k1" "lu-edu: $d: kernel 1: own domain, .* DMA ok"
	done
	check "$mode k1: preserve $A" has "$k1" "lu-init: preserve $A: ok"
	if [ "$mode" = legacy ]; then
		check "$mode k1: preserving half a group ($B1) is refused" \
			has "$k1" "iommu-lu: $B1: iommu_group not preserved whole: $B2 is not preserved"
		check "$mode k1: preserve the group $B1 $B2" has "$k1" "lu-init: preserve $B1 $B2: ok"
	fi
	check "$mode k1: hot-added $H" has "$k1" "lu-init: hotplugged $H"
	check "$mode k1: preserve the hot-added $H" has "$k1" "lu-init: preserve $H: ok"
	check "$mode k1: handover blob decodes" decode_blob "$dir" k1
	check "$mode k1: frozen at kexec" has "$k1" "iommu-lu: frozen"
	for d in $kept; do
		check "$mode k1: $d: DMA started at shutdown" \
			has "$k1" "lu-edu: $d: kernel 1: DMA started at shutdown"
	done
	check "$mode k1: shutdown cleanup left translation on" \
		has "$k1" "iommu-lu: unit .*: shutdown cleanup done, $nkept devices preserved"
	# ---- kernel 2 ----
	check "$mode k2: booted by kexec" has "$k2" "lu-init: kernel 2 up"
	check "$mode k2: handover retrieved" has "$k2" "iommu-lu: handover retrieved"
	# Adoption refuses a live entry nobody preserved: the cleanup was applied.
	check "$mode k2: unit adopted (so the kexec-time cleanup was applied)" \
		has "$k2" "DMAR: dmar0: live update: translation tables adopted"
	check "$mode k2: no 'translation enabled but not kdump' message" \
		hasnt "$k2" "Translation was enabled for .* but we are not in kdump mode"
	for d in $kept; do
		check "$mode k2: $d: bus mastering survived" has "$k2" "lu-edu: $d: kernel 2: bus master kept"
		check "$mode k2: $d: DMA in flight at kexec landed" has "$k2" "lu-edu: $d: kernel 2: in-flight DMA landed"
		check "$mode k2: $d: DMA through the preserved iova" \
			has "$k2" "lu-edu: $d: kernel 2: DMA through preserved iova .*: ok"
	done
	check "$mode k2: $U: unpreserved, bus mastering off" \
		has "$k2" "lu-edu: $U: kernel 2: not preserved, bus master off"
	check "$mode k2: $U: DMA to its old iova moves no data" \
		has "$k2" "lu-edu: $U: kernel 2: DMA to old iova .*: no data moved"
	check "$mode k2: $U: DMAR fault reported" \
		has "$k2" "DMAR: \\[DMA Write.*\\] Request device \\[0000:00:04.0\\]"
	check "$mode k2: no DMAR fault from a preserved device" \
		hasnt "$k2" "DMAR: \\[DMA (Read|Write).*\\] Request device \\[0000:(00:03.0|02:0[12].0|01:0[01].0)\\]"
	check "$mode k2: $H left unclaimed: finish cleared it" \
		has "$k2" "iommu-lu: finish: 1 unclaimed devices cleared"
	check "$mode k2: $H: after finish its old iova moves no data" \
		has "$k2" "lu-edu: $H: kernel 2: DMA to old iova .*: no data moved"
	check "$mode k2: $H: after finish, DMAR fault reported" \
		has "$k2" "DMAR: \\[DMA Write.*\\] Request device \\[0000:03:00.0\\]"
	for d in $released; do
		check "$mode k2: $d: new domain attached (release), DMA ok" \
			has "$k2" "lu-edu: $d: kernel 2: new domain attached, DMA through iova .*: ok"
	done
	local ndid=0
	while read -r d did; do
		check "$mode k2: preserved domain id $did ($d) reserved in the driver" \
			has "$k2" "lu-edu: $d: kernel 2: domain id $did reserved"
		ndid=$((ndid + 1))
	done < <(sed -n 's/^lu-dump k2-adopted devices: .*name=\([^ ]*\) .* adopted=1 .* did=\([0-9]*\) .*/\1 \2/p' "$dir/serial.txt")
	check "$mode k2: a domain id checked for each of the $nkept adopted devices" [ "$ndid" -eq "$nkept" ]
	check "$mode k2: an unused domain id is free (the check can fail)" \
		has "$k2" "lu-edu: $A: kernel 2: domain id 60 FREE"
	check "$mode k2: $A preserved again without re-attach" has "$k2" "lu-init: preserve $A: ok"
	check "$mode k2: finish" has "$k2" "iommu-lu: finish: "
	if [ "$mode" = scalable ]; then
		check "$mode k2: finish freed $H's adopted PASID pages" \
			has "$k2" "iommu-lu: finish: 1 unclaimed devices cleared, .*, [1-9][0-9]* PASID pages freed"
	else
		check "$mode k2: finish: no PASID pages in legacy mode" \
			has "$k2" "iommu-lu: finish: .*, 0 PASID pages freed"
	fi
	check "$mode k2: handover blob decodes" decode_blob "$dir" k2
	# ---- kernel 3 ----
	check "$mode k3: booted by kexec" has "$k3" "lu-init: kernel 3 up"
	check "$mode k3: $A: bus mastering survived" has "$k3" "lu-edu: $A: kernel 3: bus master kept"
	check "$mode k3: $A: DMA in flight at kexec landed" has "$k3" "lu-edu: $A: kernel 3: in-flight DMA landed"
	check "$mode k3: $A: DMA through the preserved iova" \
		has "$k3" "lu-edu: $A: kernel 3: DMA through preserved iova .*: ok"
	check "$mode k3: $A: released to a new domain, DMA ok" \
		has "$k3" "lu-edu: $A: kernel 3: new domain attached, DMA through iova .*: ok"
	check "$mode k3: no DMAR fault from the preserved $A" \
		hasnt "$k3" "DMAR: \\[DMA (Read|Write).*\\] Request device \\[0000:00:03.0\\]"
	check "$mode k3: finish" has "$k3" "iommu-lu: finish: "
	if [ "$mode" = scalable ]; then
		check "$mode k3: finish freed the released $A's adopted PASID pages" \
			has "$k3" "iommu-lu: finish: 0 unclaimed devices cleared, .*, [1-9][0-9]* PASID pages freed"
	fi
	check "$mode k3: powered off" has "$k3" "lu-init: power off"
	# The pr_debug trace (dynamic debug, iommu_lu.dyndbg=+p).
	check "$mode trace: preserve" has "$k1" "iommu-lu: 0000:00:03.0 preserved: unit "
	check "$mode trace: unpreserve" has "$k1" "iommu-lu: 0000:00:03.0 unpreserved: unit "
	check "$mode trace: hotplug" has "$k1" "iommu-lu: hotplug: 0000:03:00.0 added: "
	check "$mode trace: bus mastering kept" has "$k1" "iommu-lu: 0000:00:03.0: bus mastering kept across the kexec"
	check "$mode trace: shutdown cleanup" has "$k1" "iommu-lu: unit 0xfed90000: shutdown cleanup: "
	check "$mode trace: retrieve" has "$k2" "iommu-lu: retrieve: handover header at "
	check "$mode trace: adopt" has "$k2" "iommu-lu: unit 0xfed90000: 0000:00:03.0 adopted: "
	check "$mode trace: release" has "$k3" "iommu-lu: 0000:00:03.0 released by its driver: "
	check "$mode trace: finish" has "$k3" "iommu-lu: finish: unit 0xfed90000: "
	# The framework's debugfs against the driver's real tables.
	local line
	while read -r line; do
		case $line in
		"ok - "*) passed=$((passed + 1)); echo "$line" ;;
		"not ok - "*) failed=$((failed + 1)); echo "$line" ;;
		esac
	done < <(python3 "$top/tests/kernel/lu-compare.py" "$dir/serial.txt" "$mode"
		 "$top/tests/out/iommu-lu-conform" "$dir/serial.txt" "$mode")
	for k in 1 2 3; do
		check "$mode k$k: no oops, BUG, WARNING or lockdep splat" \
			hasnt "$dir/k$k.txt" 'Oops|BUG:|WARNING:|possible recursive locking|circular locking|lock held|Kernel panic'
	done
}

timed build build || { failed=$((failed + 1)); report; exit 1; }
for mode in "${modes[@]}"; do
	timed "run-$mode" run "$mode"
	if [ "$mode" = iommu-off ]; then
		timed "verify-$mode" verify_iommu_off "$mode"
	else
		timed "verify-$mode" verify "$mode"
	fi
done
report
[ "$failed" -eq 0 ]
