#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Capture, from the serial log of a real live-update run, the lines the
# conformance replay reads (tests/harness/conformance.h), into
# tests/golden/conformance-MODE.log with a header saying where they came
# from. The KUnit suite tests/suites/conformance_test.c replays the
# committed captures; tests/out/iommu-lu-conform replays any log.
#
# Usage: tests/golden/conformance-capture.sh legacy|scalable [SERIAL.txt]
#   SERIAL.txt defaults to build/check-liveupdate/MODE/serial.txt, which
#   "make check-liveupdate MODES=MODE" (scripts/check-liveupdate.sh) writes.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:-}
case $mode in
legacy | scalable) ;;
*) echo "usage: $0 legacy|scalable [SERIAL.txt]" >&2; exit 2 ;;
esac
src=${2:-$top/build/check-liveupdate/$mode/serial.txt}
dst=$top/tests/golden/conformance-$mode.log

# Only a run that got to its last dump is worth keeping.
grep -q '^lu-init: dump k3 done' "$src" ||
	{ echo "$0: $src: the run did not get to its last dump (k3)" >&2; exit 1; }
grep -q '^lu-dump k1 pt ' "$src" ||
	{ echo "$0: $src: no page-table dumps (lu-dump TAG pt DEVICE:)" >&2; exit 1; }

qemu=$(qemu-system-x86_64 --version 2>/dev/null | head -n 1 || true)
linux=$(sed -n 's/^Linux version \([^ ]*\) .*/\1/p' "$src" | head -n 1)
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
	echo "# SPDX-License-Identifier: GPL-2.0"
	echo "#"
	echo "# Conformance capture, $mode mode: the lines of a real run's serial log that"
	echo "# tests/harness/conformance.c replays on the VT-d model (the Intel driver's"
	echo "# debugfs dumps, the edu test driver's DMA results, DMAR faults, CAP/ECAP)."
	echo "# From: ${src#"$top"/} (scripts/check-liveupdate.sh $mode),"
	echo "#   Linux ${linux:-?} + iommu-lu on ${qemu:-QEMU} intel-iommu, captured $(date -u +%Y-%m-%d)."
	echo "# Regenerate: make check-liveupdate MODES=$mode && tests/golden/conformance-capture.sh $mode"
	echo "#   (keeps: lu-dump TAG dmar|pt DEV|edu|devices, lu-edu:, DMAR: [DMA, DMAR: dmarN: reg_base_addr,"
	echo "#   Linux version); then make check. Lines starting with '#' are ignored."
	echo "#"
	grep -e '^lu-dump [^ ]* \(dmar\|pt [^ ]*\|edu\|devices\):' \
	     -e '^lu-edu: ' -e '^DMAR: \[DMA ' -e '^DMAR: dmar[0-9]*: reg_base_addr ' \
	     -e '^Linux version ' "$src"
} > "$tmp"
mv "$tmp" "$dst"
chmod 644 "$dst"
trap - EXIT
echo "$dst: $(grep -vc '^#' "$dst") lines from $src"
