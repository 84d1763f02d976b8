#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Drop iommu-lu into a Linux 7.3 tree as drivers/iommu/iommu-lu/ and apply
# the integration patches (scripts/patches/*.patch, in order). Idempotent:
# running it again refreshes the copy and skips patches already applied.
#
# Usage: scripts/integrate.sh [TREE]     (default: build/linux-7.3)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=$(cd "${1:-$top/build/linux-7.3}" && pwd)
dst=$tree/drivers/iommu/iommu-lu

[ -f "$tree/drivers/iommu/Kconfig" ] || { echo "integrate: $tree is not a kernel tree" >&2; exit 1; }
grep -q '^VERSION = 7' "$tree/Makefile" && grep -q '^PATCHLEVEL = 3' "$tree/Makefile" ||
	echo "integrate: warning: $tree is not Linux 7.3; the patches may not apply" >&2

# The framework's kernel sources only: no tests' models, no tools.
rm -rf "$dst"
mkdir -p "$dst"
(cd "$top" && cp -r --parents Kconfig Makefile include abi core vendors "$dst/")
mkdir -p "$dst/tests/suites"
for f in "$top"/tests/suites/*.c; do
	# Only the model-free suites are built in-kernel (see the Makefile).
	grep -q 'IOMMU_LU_KERNEL_SUITE' "$f" 2>/dev/null && cp "$f" "$dst/tests/suites/"
done
[ -d "$top/tests/golden" ] && cp -r "$top/tests/golden" "$dst/tests/"
[ -d "$top/tests/kernel" ] && cp -r "$top/tests/kernel" "$dst/tests/"

# Kconfig and Makefile hooks.
kc=$tree/drivers/iommu/Kconfig
if ! grep -q 'drivers/iommu/iommu-lu/Kconfig' "$kc"; then
	# Inside "if IOMMU_SUPPORT", right after the Intel driver's Kconfig.
	sed -i '/^source "drivers\/iommu\/intel\/Kconfig"/a source "drivers/iommu/iommu-lu/Kconfig"' "$kc"
	grep -q 'drivers/iommu/iommu-lu/Kconfig' "$kc" || { echo "integrate: cannot hook Kconfig" >&2; exit 1; }
fi
mk=$tree/drivers/iommu/Makefile
if ! grep -q 'iommu-lu/' "$mk"; then
	echo 'obj-$(CONFIG_IOMMU_LU) += iommu-lu/' >> "$mk"
fi

# Integration patches to the kernel itself (Intel driver, IOMMU core, PCI).
for p in "$top"/scripts/patches/*.patch; do
	[ -e "$p" ] || continue
	if patch -d "$tree" -p1 -R --dry-run -s -f < "$p" >/dev/null 2>&1; then
		echo "integrate: $(basename "$p"): already applied"
	else
		patch -d "$tree" -p1 -s -f < "$p"
		echo "integrate: $(basename "$p"): applied"
	fi
done
echo "integrate: iommu-lu is in $dst"
