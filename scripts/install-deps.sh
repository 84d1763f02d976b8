#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the userspace build needs, only those that
# are missing: one "apt-get update", then one "apt-get install". A no-op
# when everything is present. Run as root, or with sudo available.
#
# Usage: install-deps.sh [kernel] [EXTRA_PACKAGE...]
#   kernel: also what building, checking and booting a Linux 7.3 tree
#           needs (ocaml-nox: some of the kernel's .cocci scripts need
#           OCaml; QEMU, busybox-static and kexec-tools: the guests).
set -euo pipefail

# libc6-dev: gcc only recommends it, and we install without recommends.
pkgs=(gcc make libc6-dev python3)
if [ "${1:-}" = kernel ]; then
	shift
	pkgs+=(build-essential bc flex bison libelf-dev libssl-dev cpio xz-utils
	       dwarves python3 coccinelle ocaml-nox qemu-system-x86 busybox-static
	       kexec-tools)
fi
pkgs+=("$@")

if ! command -v dpkg >/dev/null 2>&1; then
	echo "install-deps: no dpkg, not a Debian system; skipping" >&2
	exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg -s "$p" 2>/dev/null || true)
	case "$status" in
	*"Status: install ok installed"*) ;;
	*) missing+=("$p") ;;
	esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo=sudo
	else
		echo "install-deps: missing ${missing[*]}, and not root" >&2
		exit 1
	fi
fi

echo "install-deps: installing ${missing[*]}"
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y --no-install-recommends "${missing[@]}"
