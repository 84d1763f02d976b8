#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# init of the live-update scenario's guest (scripts/check-liveupdate.sh has
# the QEMU topology and checks what this prints). lu_hop=N on the command
# line says which kernel this is; each kernel kexecs into the next (kexec -s:
# kexec_file_load, which carries KHO) with this very initramfs, until
# lu_hop=3 powers off.
#
# Devices (QEMU q35, firmware bus numbering):
#   A  00:03.0 edu, preserved, kept across two updates
#   U  00:04.0 edu, never preserved: must fault in kernel 2
#   B1 02:01.0 edu and B2 02:02.0 edu behind pci-bridge 01:01.0 behind
#      pcie-pci-bridge 00:05.0: one iommu_group, aliases on bus 1
#   H  03:00.0 edu, hot-added in kernel 1 into root port 00:06.0
# In scalable mode there is no B1/B2: Linux 7.3 sets up no context entry for
# DMA aliases in scalable mode, so a device behind a PCIe-to-PCI bridge
# cannot DMA at all, live update or not.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t devtmpfs devtmpfs /dev 2>/dev/null	# /dev/kmsg
E=/sys/kernel/debug/iommu_lu_edu
L=/sys/kernel/debug/iommu_lu
D=/sys/kernel/debug/iommu/intel/dmar_translation_struct
A=0000:00:03.0
U=0000:00:04.0
B1=0000:02:01.0
B2=0000:02:02.0
H=0000:03:00.0
hop=$(sed -n 's/.*lu_hop=\([0-9]*\).*/\1/p' /proc/cmdline)
# lu_case=iommu-off: kernel 1 preserves A and kexecs with intel_iommu=off;
# kernel 2 must keep translation on and A must still DMA.
case=$(sed -n 's/.*lu_case=\([a-z-]*\).*/\1/p' /proc/cmdline)

# Through the kernel log (printk.devkmsg=on), so that a line never gets
# interleaved with what the kernel prints at the same moment.
say() { echo "lu-init: $*" > /dev/kmsg; }

# knob FILE ARGS: one line saying whether the test driver accepted it.
knob() {
	f=$1
	shift
	if echo "$*" > "$E/$f" 2>/dev/null; then
		say "$f $*: ok"
	else
		say "$f $*: refused"
	fi
}

# dump TAG: what the script compares (framework, test driver, the driver).
dump() {
	for f in state units devices domains pages; do
		[ -r "$L/$f" ] && sed "s/^/lu-dump $1 $f: /" "$L/$f"
	done
	sed "s/^/lu-dump $1 edu: /" "$E/devices"
	sed "s/^/lu-dump $1 dmar: /" "$D"
	for t in /sys/kernel/debug/iommu/intel/*/domain_translation_struct; do
		[ -r "$t" ] || continue
		d=${t%/*}
		sed "s/^/lu-dump $1 pt ${d##*/}: /" "$t"
	done
	say "dump $1 done"
}

# The outgoing handover blob, base64 between markers (the host decodes it).
blob() {
	if [ -r "$L/handover" ]; then
		echo "lu-blob-begin $1"
		base64 < "$L/handover"
		echo "lu-blob-end $1"
	fi
}

next_kernel() {
	cmdline=$(sed "s/lu_hop=[0-9]*/lu_hop=$((hop + 1))/; $1" /proc/cmdline)
	(cd / && find . -xdev | cpio -o -H newc 2>/dev/null | gzip) > /tmp/initrd.gz
	if kexec -s -l /bzImage --initrd=/tmp/initrd.gz --append="$cmdline"; then
		say "kexec into kernel $((hop + 1))"
		kexec -e
	fi
	say "kexec failed"
}

say "kernel $hop up"
case "$case$hop" in
iommu-off1)
	knob preserve $A
	next_kernel "s/intel_iommu=on/intel_iommu=off/"
	;;
iommu-off2)
	dump k2-adopted
	knob check $A
	;;
1)
	dump k1-start
	knob preserve $A
	# Unpreserving releases every KHO preservation it made; then again.
	sed "s/^/lu-dump k1-one state: /" "$L/state"
	knob unpreserve $A
	sed "s/^/lu-dump k1-none state: /" "$L/state"
	knob preserve $A
	if grep -q "^$B1 " "$E/devices"; then	# not in scalable mode
		knob preserve $B1	# half a group: refused
		knob preserve $B1 $B2
	fi
	say "hotplug now"
	i=0
	while [ $i -lt 120 ] && ! grep -q "^$H " "$E/devices"; do
		sleep 1
		i=$((i + 1))
	done
	grep -q "^$H " "$E/devices" && say "hotplugged $H" || say "no hotplug"
	knob preserve $H
	echo 1 > "$E/cleanup_set"
	dump k1
	blob k1
	next_kernel
	;;
2)
	dump k2-adopted
	# Preserved domain ids are allocated in the driver; an unused one is not.
	sed -n 's/.*name=\([^ ]*\) .* adopted=1 .* did=\([0-9]*\) .*/\1 \2/p' \
		"$L/devices" | while read -r d did; do
		echo "$d $did" > "$E/did_reserved"
	done
	echo "$A 60" > "$E/did_reserved"
	knob setmaster $U
	knob probe_fault $U
	knob release $U
	if grep -q "^$B1 " "$E/devices"; then
		knob release $B1
		knob release $B2
	fi
	knob check $A
	knob preserve $A		# adopted: preserved again, not re-attached
	# H is left unclaimed: finish clears it; then it faults until claimed.
	echo 1 > "$E/finish"
	dump k2-finished
	knob probe_fault $H
	knob release $H
	dump k2
	blob k2
	next_kernel
	;;
3)
	dump k3-adopted
	knob release $A
	echo 1 > "$E/finish"
	dump k3
	;;
esac
say "power off"
poweroff -f
