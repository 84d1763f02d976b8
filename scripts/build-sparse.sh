#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a sparse recent enough for Linux 7.3 (>= 0.6.5: 7.3 needs
# __typeof_unqual__; Debian 12's 0.6.4 is refused by the kernel's Makefile).
# It comes from Debian unstable's "sparse" SOURCE package, fetched from the
# mirror the system already uses with a private apt state directory and a
# private sources list (system apt untouched, no host name in the repo).
# The binary lands in build/sparse/sparse (git-ignored). Idempotent.
#
# Usage: scripts/build-sparse.sh [BUILD_DIR]
#   SPARSE_SUITE=sid   the suite to take the source package from
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
suite=${SPARSE_SUITE:-sid}
min=0.6.5
out=$build/sparse
state=$build/apt-src

# Upstream's Makefile still says 0.6.4 in the 0.6.5 release candidates; like
# Debian's own package, the binary reports "0.6.4 (Debian: 0.6.5~rc1-2)":
# take the Debian version when there is one. "~rc1" counts as 0.6.5.
sparse_version() {
	"$1" --version 2>/dev/null | sed -n \
		-e 's/.*(Debian: \([0-9][^)]*\)).*/\1/p;t' \
		-e 's/^v\{0,1\}\([0-9][0-9.]*\).*/\1/p' | head -n1
}
version_ok() {
	local v tmp rc=0
	v=$(sparse_version "$1")
	v=${v#*:}
	v=${v%%[-~]*}
	[ -n "$v" ] && dpkg --compare-versions "$v" ge "$min" || return 1
	# And what the kernel's scripts/checker-valid.sh asks of it.
	tmp=$(mktemp --suffix=.c)
	printf 'static inline int u(const int *q)\n{\n\t__typeof_unqual__(*q) v = *q;\n\treturn v;\n}\n' > "$tmp"
	"$1" "$tmp" 2>&1 | grep -q error && rc=1
	rm -f "$tmp"
	return $rc
}

if [ -x "$out/sparse" ] && version_ok "$out/sparse"; then
	echo "build-sparse: $out/sparse $("$out/sparse" --version) already built"
	exit 0
fi

# Mirror URI: taken from the system's own sources, as scripts/fetch-kernel.sh.
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
	echo "build-sparse: cannot find the system's Debian mirror URI" >&2
	exit 1
fi

mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
list=$state/sources.list
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" > "$list"
aptopts=(-o "Dir::Etc::SourceList=$list" -o Dir::Etc::SourceParts=/dev/null
	 -o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache"
	 -o Debug::NoLocking=1 -o APT::Sandbox::User=root)

apt-get "${aptopts[@]}" update -qq
# Newest version of the "sparse" source package in the suite, if any.
ver=$(apt-cache "${aptopts[@]}" showsrc sparse 2>/dev/null |
	awk '$1 == "Package:" { p = $2 } $1 == "Version:" && p == "sparse" { print $2 }' |
	sort -V | tail -n1)
upstream=${ver#*:}
upstream=${upstream%-*}
upstream=${upstream/\~/-}
if [ -z "$ver" ] || ! dpkg --compare-versions "${upstream%%-*}" ge "$min"; then
	if [ -z "$ver" ]; then
		echo "build-sparse: the source package 'sparse' is not in '$suite main' on the system mirror ($uri) any more." >&2
	else
		echo "build-sparse: '$suite' has sparse $ver, older than the $min Linux 7.3 needs." >&2
	fi
	echo "build-sparse: source packages of '$suite main' named sparse*:" >&2
	for f in "$state"/lists/*_source_Sources*; do
		[ -e "$f" ] || continue
		/usr/lib/apt/apt-helper cat-file "$f" 2>/dev/null |
			awk '$1 == "Package:" { p = $2 } $1 == "Version:" && p ~ /^sparse/ { print "  " p " " $2; n++ }
			     END { if (!n) print "  (none)" }' >&2
	done
	echo "build-sparse: set SPARSE_SUITE to a suite that has sparse >= $min (e.g. experimental)," >&2
	echo "build-sparse: or put a sparse >= $min at $out/sparse." >&2
	exit 1
fi

src=$state/src
rm -rf "$src" && mkdir -p "$src"
(cd "$src" && apt-get "${aptopts[@]}" source --download-only "sparse=$ver" >/dev/null)
dsc=$(ls "$src"/sparse_*.dsc | head -n1)
dpkg-source --no-check -x "$dsc" "$src/tree" >/dev/null

# Debian's packaging pins CC to its default compiler (e.g. gcc-16): use ours.
make -C "$src/tree" -j"$(nproc)" CC="${CC:-gcc}" HAVE_LLVM=no \
	SPARSE_VERSION="\$(VERSION) (Debian: $ver)" sparse > "$src/make.log" 2>&1 ||
	{ cat "$src/make.log" >&2; echo "build-sparse: building sparse $ver failed" >&2; exit 1; }
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
cp "$src/tree/sparse" "$out.tmp/"
rm -rf "$out" && mv "$out.tmp" "$out"
rm -rf "$src"

if ! version_ok "$out/sparse"; then
	echo "build-sparse: $out/sparse reports '$("$out/sparse" --version)', not >= $min" >&2
	exit 1
fi
echo "build-sparse: sparse $ver ($("$out/sparse" --version)) built at $out/sparse"
