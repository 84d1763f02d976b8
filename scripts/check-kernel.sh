#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything about the real kernel, on a fresh machine: the packages
# (scripts/install-deps.sh kernel), Debian's linux-source-7.3, the
# integration, the Kconfig matrix with every checker
# (scripts/check-kernel-static.sh), a QEMU boot with the in-kernel KUnit
# suites (scripts/check-kernel-boot.sh) and the live update under QEMU in
# legacy and scalable mode (scripts/check-liveupdate.sh). Each stage's own
# output is kept in build/check-kernel/STAGE.log; this prints each stage's
# checks, the time each stage took, and "N passed, N failed" over all of
# them. Exit status: 0 when nothing failed.
#
# Usage: scripts/check-kernel.sh [STAGE...]   (static boot liveupdate; default all)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/check-kernel
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(static boot liveupdate)
mkdir -p "$out"

passed=0
failed=0
declare -a names secs
t0=$SECONDS

run_stage() {
	local name=$1 t=$SECONDS p f last
	shift
	echo "== $name: $*"
	"$@" > "$out/$name.log" 2>&1
	local rc=$?
	grep -E '^(ok|not ok) ' "$out/$name.log" | grep -v '^ok ' || true
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out/$name.log" | tail -n1)
	p=$(sed -n 's/^\([0-9]*\) passed.*/\1/p' <<< "$last")
	f=$(sed -n 's/.* \([0-9]*\) failed$/\1/p' <<< "$last")
	if [ -z "$last" ]; then
		echo "not ok - $name: no result line (log: $out/$name.log)"
		tail -n 20 "$out/$name.log"
		p=0 f=1
	elif [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		echo "not ok - $name: exit status $rc"
		f=1
	fi
	echo "$name: $last"
	passed=$((passed + p))
	failed=$((failed + f))
	names+=("$name")
	secs+=($((SECONDS - t)))
}

for s in "${stages[@]}"; do
	case $s in
	static) run_stage static "$top/scripts/check-kernel-static.sh" ;;
	boot) run_stage boot "$top/scripts/check-kernel-boot.sh" ;;
	liveupdate) run_stage liveupdate "$top/scripts/check-liveupdate.sh" ;;
	*) echo "check-kernel: unknown stage $s" >&2; exit 2 ;;
	esac
done

echo "stage times:"
for i in "${!names[@]}"; do
	printf '  %-12s %5ss\n' "${names[$i]}" "${secs[$i]}"
done
printf '  %-12s %5ss\n' total $((SECONDS - t0))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
