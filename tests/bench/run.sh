#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the benchmark under callgrind: instrumentation is off except around
# the measured regions (the bench switches it on and dumps each region),
# so the machine set-up runs at near-native speed. Lazy binding is off so
# that no region pays for resolving a symbol.
#
# Usage: tests/bench/run.sh BENCH_BINARY [MARKDOWN_OUT] [bench options...]
set -euo pipefail
bin=$1
md=${2:-}
shift $(($# < 2 ? $# : 2))

if ! command -v valgrind >/dev/null 2>&1; then
	echo "bench: valgrind is missing (scripts/install-deps.sh valgrind)" >&2
	exit 1
fi
dir=$(dirname "$bin")/callgrind
rm -rf "$dir"
mkdir -p "$dir"
LD_BIND_NOW=1 valgrind -q --tool=callgrind --instr-atstart=no \
	--compress-strings=no --compress-pos=no \
	--callgrind-out-file="$dir/cg.out" \
	"$bin" --callgrind-out "$dir/cg.out" ${md:+--md "$md"} "$@"
