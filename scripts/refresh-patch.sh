#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate the diff of one integration patch (scripts/patches/*.patch)
# from a tree where it was edited, keeping the patch's mail header and
# message. The files are those the patch already touches, plus any given
# on the command line (paths relative to the tree's top).
#
# Each file is diffed against a pristine tree, so a file may appear in one
# patch only.
#
# Usage: scripts/refresh-patch.sh PATCH [FILE...]
#   PRISTINE=build/linux-7.3 (an unpatched tree)  EDITED=build/linux-lu
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
patch=$1
shift
pristine=${PRISTINE:-$top/build/linux-7.3}
edited=${EDITED:-$top/build/linux-lu}

mapfile -t files < <({
	[ -f "$patch" ] && sed -n 's|^diff --git a/\([^ ]*\) b/.*|\1|p' "$patch"
	printf '%s\n' "$@"
} | sort -u | sed '/^$/d')
[ ${#files[@]} -gt 0 ] || { echo "refresh-patch: no files" >&2; exit 1; }

for other in "$top"/scripts/patches/*.patch; do
	[ "$(realpath "$other")" = "$(realpath -m "$patch")" ] && continue
	for f in "${files[@]}"; do
		if grep -q "^diff --git a/$f " "$other"; then
			echo "refresh-patch: $f is also in $(basename "$other")" >&2
			exit 1
		fi
	done
done

header=$(mktemp)
body=$(mktemp)
trap 'rm -rf "$header" "$body" "$body.d"' EXIT
# The header ends at the "---" line before the diffstat.
[ -f "$patch" ] && sed '/^---$/,$d' "$patch" > "$header"

mkdir -p "$body.d"
for f in "${files[@]}"; do
	mkdir -p "$body.d/a/$(dirname "$f")" "$body.d/b/$(dirname "$f")"
	cp "$pristine/$f" "$body.d/a/$f"
	cp "$edited/$f" "$body.d/b/$f"
done
(cd "$body.d" && for f in "${files[@]}"; do
	echo "diff --git a/$f b/$f"
	diff -up --label "a/$f" --label "b/$f" "a/$f" "b/$f" || [ $? -eq 1 ]
done) > "$body"

{
	cat "$header"
	echo "---"
	(cd "$body.d" && git apply --stat "$body")
	echo
	cat "$body"
	echo "-- "
	echo "iommu-lu"
} > "$patch"
echo "refresh-patch: $(basename "$patch"): ${#files[@]} files"
