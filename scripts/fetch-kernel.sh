#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian's linux-source-7.3 from the trixie-backports suite of the
# mirror the system already uses, without touching the system's apt state.
# The tree lands in build/linux-7.3 (git-ignored).  Idempotent.
#
# Usage: scripts/fetch-kernel.sh [BUILD_DIR]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
pkg=${KERNEL_PKG:-linux-source-7.3}
suite=${KERNEL_SUITE:-trixie-backports}
tree=$build/linux-7.3

if [ -f "$tree/Makefile" ] && [ -f "$tree/include/linux/kexec_handover.h" ]; then
	echo "fetch-kernel: $tree already present"
	exit 0
fi

mkdir -p "$build/apt/lists/partial" "$build/apt/cache/archives/partial" "$build/dl"

# Mirror URI: taken from the system's own sources, never hard-coded.
uri=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
	uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
		/etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
	uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
		/etc/apt/sources.list)
fi
if [ -z "$uri" ]; then
	echo "fetch-kernel: cannot find the system's Debian mirror URI" >&2
	exit 1
fi

list=$build/apt/sources.list
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" > "$list"
aptopts=(-o "Dir::Etc::SourceList=$list" -o Dir::Etc::SourceParts=/dev/null
	 -o "Dir::State::Lists=$build/apt/lists" -o "Dir::Cache=$build/apt/cache"
	 -o Debug::NoLocking=1)

apt-get "${aptopts[@]}" update -qq
if ! apt-cache "${aptopts[@]}" show "$pkg" >/dev/null 2>&1; then
	echo "fetch-kernel: $pkg is not in $suite on the system mirror any more." >&2
	echo "fetch-kernel: linux-source packages available there:" >&2
	apt-cache "${aptopts[@]}" search '^linux-source-[0-9.]+$' >&2 || true
	echo "fetch-kernel: set KERNEL_PKG to one of them (the integration patches may need porting)." >&2
	exit 1
fi

(cd "$build/dl" && apt-get "${aptopts[@]}" download "$pkg")
deb=$(ls -t "$build"/dl/"$pkg"_*.deb | head -n1)
rm -rf "$build/extract" && mkdir -p "$build/extract"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$build/extract"
txz=$(ls "$build"/extract/usr/src/linux-source-*.tar.xz | head -n1)
rm -rf "$tree.tmp" && mkdir -p "$tree.tmp"
tar -xf "$txz" -C "$tree.tmp" --strip-components=1
rm -rf "$build/extract" "$tree"
mv "$tree.tmp" "$tree"
echo "fetch-kernel: $pkg extracted to $tree"
