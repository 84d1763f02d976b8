# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the kernel check scripts: one line per check, in the form
# scripts/check-kernel.sh collects ("ok - WHAT" / "not ok - WHAT"), counted
# in the caller's $passed and $failed.

# check WHAT CMD...: run CMD, report it as the check WHAT.
check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok - $what"
		passed=$((passed + 1))
	else
		echo "not ok - $what"
		failed=$((failed + 1))
	fi
}
