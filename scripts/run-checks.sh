#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run each test command given as an argument, show its output, add up the
# "N passed, N failed" lines they end with and print the total last. Fails
# when a command fails, prints no result line, or reports a failure.
#
# Usage: scripts/run-checks.sh 'cmd one' 'cmd two' ...
set -u
pass=0
fail=0
rc=0
for cmd in "$@"; do
	out=$(mktemp)
	bash -c "$cmd" 2>&1 | tee "$out"
	st=${PIPESTATUS[0]}
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
	rm -f "$out"
	if [ -z "$line" ]; then
		echo "run-checks: '$cmd' printed no result line (exit $st)"
		fail=$((fail + 1))
		rc=1
		continue
	fi
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed}
	pass=$((pass + p))
	fail=$((fail + f))
	[ "$st" -eq 0 ] || rc=1
done
echo "$pass passed, $fail failed"
[ "$rc" -eq 0 ] && [ "$fail" -eq 0 ]
