#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the busybox initramfs the QEMU guests boot: busybox-static with its
# applets, the init script given (default: mount the pseudo file systems,
# show the IOMMU state, power off), and any extra files, dynamically linked
# programs with the libraries they need (ldd). The image is a gzip'd cpio.
#
# Usage: tests/kernel/mkinitramfs.sh OUT.cpio.gz [INIT] [SRC[:DEST]...]
#   e.g.  mkinitramfs.sh build/boot.cpio.gz
#         mkinitramfs.sh build/kexec.cpio.gz init.sh /usr/sbin/kexec \
#               build/kobj-vm/arch/x86/boot/bzImage:/bzImage
set -euo pipefail

out=$1
init=${2:-}
shift $(($# > 1 ? 2 : 1))

busybox=$(command -v busybox || true)
if [ -z "$busybox" ] || ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked'; then
	busybox=/bin/busybox
fi
[ -x "$busybox" ] || { echo "mkinitramfs: install busybox-static" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,lib,lib64,usr/bin,usr/sbin}
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

if [ -n "$init" ]; then
	cp "$init" "$root/init"
else
	cat > "$root/init" <<'EOF'
#!/bin/sh
# Default init: report what the kernel set up, then power off.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
echo "iommu-lu-init: userspace up, kernel $(uname -r)"
for g in /sys/kernel/iommu_groups/*; do
	[ -d "$g" ] && echo "iommu-lu-init: group ${g##*/}: $(ls "$g/devices" | tr '\n' ' ')"
done
echo "iommu-lu-init: power off"
poweroff -f
EOF
fi
chmod +x "$root/init"

# Extra files; the libraries of dynamically linked programs come along.
for spec in "$@"; do
	src=${spec%%:*}
	dst=${spec#*:}
	[ "$dst" = "$spec" ] && dst=$src
	mkdir -p "$root/$(dirname "$dst")"
	cp -L "$src" "$root/$dst"
	ldd "$src" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
		mkdir -p "$root/$(dirname "$lib")"
		cp -Ln "$lib" "$root/$lib"
	done || true
done

mkdir -p "$(dirname "$out")"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$out"
echo "mkinitramfs: $out ($(du -h "$out" | cut -f1))"
