#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one libFuzzer target for a while, in parallel jobs, and say how much
# it did. Used by "make fuzz" and "make fuzz-smoke" (tests/fuzz/fuzz.mk).
#
# Usage: run.sh BINARY SECONDS JOBS SEEDS WORKDIR [LIBFUZZER_ARG...]
#
# SEEDS: seed corpus directories, separated by ':' (missing ones are
# ignored).
#
# Each job is an independent fuzzer process (its own random seed) over the
# shared working corpus WORKDIR/corpus (new inputs go there; -reload lets
# the jobs pick up each other's) and the read-only seeds. Crashes are
# written to WORKDIR/artifacts/. Prints one line:
#   NAME: EXECS execs in SECONDS s x JOBS jobs (RATE exec/s), corpus N
# and exits non-zero, after the tail of the failing log, if a job found a
# crash, a leak or a timeout.
set -euo pipefail

[ $# -ge 5 ] || { echo "usage: $0 BINARY SECONDS JOBS SEEDS WORKDIR [ARG...]" >&2; exit 2; }
bin=$1 secs=$2 jobs=$3 seeds=$4 work=$5
shift 5
name=$(basename "$bin")

mkdir -p "$work/corpus" "$work/artifacts"
rm -f "$work"/log.*
dirs=()
IFS=: read -r -a all <<<"$seeds"
for d in "${all[@]}"; do
	[ -d "$d" ] && dirs+=("$d")
done
pids=()
for j in $(seq 1 "$jobs"); do
	"$bin" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/" "$@" \
		"$work/corpus" "${dirs[@]}" >"$work/log.$j" 2>&1 &
	pids+=($!)
done
rc=0
for j in "${!pids[@]}"; do
	if ! wait "${pids[$j]}"; then
		rc=1
		echo "$name: job $((j + 1)) failed; the end of $work/log.$((j + 1)):" >&2
		tail -n 60 "$work/log.$((j + 1))" >&2
	fi
done

execs=0 rate=0
for f in "$work"/log.*; do
	e=$(sed -n 's/^stat::number_of_executed_units: *//p' "$f" | tail -n 1)
	r=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$f" | tail -n 1)
	execs=$((execs + ${e:-0}))
	rate=$((rate + ${r:-0}))
done
printf '%s: %d execs in %ss x %d jobs (%d exec/s), corpus %d, artifacts %d\n' \
	"$name" "$execs" "$secs" "$jobs" "$rate" \
	"$(find "$work/corpus" -type f | wc -l)" \
	"$(find "$work/artifacts" -type f | wc -l)"
# What the target itself reports at exit (fuzz_adopt: outcome counts).
grep -h "^$name: " "$work"/log.* | sed 's/^/  /' || true
exit $rc
