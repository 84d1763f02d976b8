#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# init of a guest that kexecs itself with KHO (kexec -s: kexec_file_load,
# which carries KHO's handover) until lu_hop=N on the kernel command line
# reaches lu_hops=M, then powers off. The next kernel gets this very
# initramfs, repacked from the running root.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hop=$(sed -n 's/.*lu_hop=\([0-9]*\).*/\1/p' /proc/cmdline)
hops=$(sed -n 's/.*lu_hops=\([0-9]*\).*/\1/p' /proc/cmdline)
echo "iommu-lu-init: kernel ${hop:-?} of ${hops:-?} up"
if [ -n "$hop" ] && [ -n "$hops" ] && [ "$hop" -lt "$hops" ]; then
	cmdline=$(sed "s/lu_hop=[0-9]*/lu_hop=$((hop + 1))/" /proc/cmdline)
	(cd / && find . -xdev | cpio -o -H newc 2>/dev/null | gzip) > /tmp/initrd.gz
	if kexec -s -l /bzImage --initrd=/tmp/initrd.gz --append="$cmdline"; then
		echo "iommu-lu-init: kexec into kernel $((hop + 1))"
		kexec -e
	fi
	echo "iommu-lu-init: kexec failed"
fi
echo "iommu-lu-init: power off"
poweroff -f
