#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the project's own Linux 7.3 tree, build/linux-lu, and drop iommu-lu
# into it (scripts/integrate.sh). The tree is extracted from the
# linux-source .deb that scripts/fetch-kernel.sh cached in build/dl/, so
# the pristine tree it made (build/linux-7.3) is never touched. An existing
# build/linux-lu is reused: integrate.sh refreshes the framework's copy and
# skips the patches already applied. Kernel objects go elsewhere
# (O=build/kobj-*), so the tree itself stays clean.
#
# Usage: scripts/kernel-tree.sh [--fresh] [TREE]   (default: build/linux-lu)
#   --fresh   remove TREE first and extract it again
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
fresh=0
if [ "${1:-}" = --fresh ]; then
	fresh=1
	shift
fi
tree=${1:-$top/build/linux-lu}
pkg=${KERNEL_PKG:-linux-source-7.3}
stamp=$tree/.iommu-lu-extracted

[ "$fresh" -eq 1 ] && rm -rf "$tree"

if [ ! -f "$stamp" ]; then
	deb=$(ls -t "$top"/build/dl/"$pkg"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		"$top/scripts/fetch-kernel.sh"
		deb=$(ls -t "$top"/build/dl/"$pkg"_*.deb | head -n1)
	fi
	tmp=$(mktemp -d "$top/build/extract.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "kernel-tree: extracting $(basename "$deb") into $tree"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" ./usr/src
	txz=$(ls "$tmp"/usr/src/linux-source-*.tar.xz | head -n1)
	rm -rf "$tree"
	mkdir -p "$tree"
	tar -xf "$txz" -C "$tree" --strip-components=1
	echo "$(basename "$deb")" > "$stamp"
else
	echo "kernel-tree: reusing $tree ($(cat "$stamp"))"
fi

"$top/scripts/integrate.sh" "$tree"
