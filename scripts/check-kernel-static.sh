#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Every static checker over iommu-lu's files and integration patches, inside
# a private Linux 7.3 tree, and the Kconfig matrix. Fails on any finding
# (these tools exit 0 on findings: their output is parsed here).
#
#   matrix   each configuration of tests/kernel/configs/matrix/ (x86_64
#            tinyconfig + base.config + <name>.config; randconfig-<seed>:
#            only the framework's own CONFIG_IOMMU_LU* symbols randomized),
#            built out of tree in build/kobj-check/<name>: "make
#            modules_prepare", then drivers/iommu/iommu-lu/, the directories
#            of the .c files scripts/patches/*.patch touch and
#            tests/kernel/static/stub_caller.c (a caller of the whole public
#            API: in "none" it compiles against the stubs), with W=1 and
#            sparse C=2. Findings count in drivers/iommu/iommu-lu/ and, for
#            the files the patches touch, only when the unpatched tree
#            (build/linux-check-base) does not have them too. Each config
#            is also checked to have every option its fragments ask for,
#            and "none" to build nothing of the framework.
#   coccinelle  the kernel's scripts/coccinelle/**/*.cocci (report mode) and
#            the project's scripts/coccinelle/*.cocci over
#            drivers/iommu/iommu-lu, from the top of the tree; the
#            project's rules must first report exactly the lines marked
#            "/* expect: <rule> */" in scripts/coccinelle/tests/<rule>.c.
#   checkpatch  --strict on every .c/.h of core/ vendors/ include/ abi/
#            tests/suites/ tests/kernel/ tools/ (-f --no-tree) and on every
#            scripts/patches/*.patch.
#   kernel-doc  -none -Wall on every .c/.h of core/ vendors/ include/ abi/.
#
# Prints the findings, a table per check and per file, the time of each
# stage, and last "N passed, N failed" (one check per tool and config).
#
# Usage: scripts/check-kernel-static.sh [-j N] [--configs "a b ..."] [--no-deps]
#   --configs   a subset of the matrix (names as printed; randconfig-<seed>)
#   --no-deps   do not run scripts/install-deps.sh kernel / build-sparse.sh
# Environment: RANDCONFIG_SEEDS (default "3 5 8"), BUILD_DIR (default build).
set -uo pipefail
export LC_ALL=C LANG=C

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
tree=$build/linux-check
base=$build/linux-check-base
kobj=$build/kobj-check
kbase=$build/kobj-check-base
out=$build/check-static
frags=$top/tests/kernel/configs/matrix
pkg=${KERNEL_PKG:-linux-source-7.3}
jobs=$(nproc)
deps=1
seeds=${RANDCONFIG_SEEDS:-3 5 8}
fixed_configs="none intel-only amd-only smmuv3-only all all+kunit all-compile-test all-debugfs"
configs=""
fwdir=drivers/iommu/iommu-lu
stub_obj=$fwdir/tests/kernel/static/stub_caller.o

while [ $# -gt 0 ]; do
	case "$1" in
	-j) jobs=$2; shift 2 ;;
	-j*) jobs=${1#-j}; shift ;;
	--configs) configs=$2; shift 2 ;;
	--no-deps) deps=0; shift ;;
	-h|--help) sed -n '4,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "check-kernel-static: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
if [ -z "$configs" ]; then
	configs=$fixed_configs
	for s in $seeds; do configs="$configs randconfig-$s"; done
fi

rm -rf "$out"
mkdir -p "$out/logs" "$kobj"
findings=$out/findings.tsv	# check, tool, file, text
checks=$out/checks.tsv		# check, seconds, state (ok | error: why)
stages=$out/stages.tsv		# stage, seconds
: > "$findings"; : > "$checks"; : > "$stages"
t_all=$(date +%s)

log() { echo "check-kernel-static: $*"; }
die() { echo "check-kernel-static: $*" >&2; exit 2; }

# stage NAME CMD...: run CMD, record its wall time.
stage() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s)
	"$@"
	rc=$?
	printf '%s\t%s\n' "$name" $(($(date +%s) - t0)) >> "$stages"
	return $rc
}

# finding CHECK TOOL FILE TEXT
finding() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$findings"; }
# check_done CHECK SECONDS [ERROR]
check_done() { printf '%s\t%s\t%s\n' "$1" "$2" "${3:-ok}" >> "$checks"; }

# ---------------------------------------------------------------------------
# Tools and trees

setup_tools() {
	if [ "$deps" -eq 1 ]; then
		"$top/scripts/install-deps.sh" kernel || die "installing packages failed"
		"$top/scripts/build-sparse.sh" "$build" || die "no sparse >= 0.6.5 (see above)"
	fi
	[ -x "$build/sparse/sparse" ] || die "no $build/sparse/sparse: run scripts/build-sparse.sh"
	command -v spatch >/dev/null || die "no spatch: run scripts/install-deps.sh kernel"
	# Tag sparse's output: one build runs gcc and sparse on the same files.
	cat > "$out/sparse" <<-EOF
	#!/bin/sh
	"$build/sparse/sparse" "\$@" 2>&1 | sed 's/^/[sparse] /' >&2
	EOF
	chmod +x "$out/sparse"
}

# The pristine tree (the baseline of the patched files, the source of
# restores): extracted once from the cached linux-source .deb.
setup_base() {
	local deb tmp
	[ -f "$base/.iommu-lu-extracted" ] && return 0
	deb=$(ls -t "$build"/dl/"$pkg"_*.deb 2>/dev/null | head -n1)
	if [ -z "$deb" ]; then
		"$top/scripts/fetch-kernel.sh" "$build" || die "fetching $pkg failed"
		deb=$(ls -t "$build"/dl/"$pkg"_*.deb | head -n1)
	fi
	log "extracting $(basename "$deb") into $base"
	tmp=$(mktemp -d "$build/extract.XXXXXX")
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" ./usr/src &&
		rm -rf "$base" && mkdir -p "$base" &&
		tar -xf "$tmp"/usr/src/linux-source-*.tar.xz -C "$base" --strip-components=1 ||
		{ rm -rf "$tmp"; die "extracting $deb failed"; }
	rm -rf "$tmp"
	basename "$deb" > "$base/.iommu-lu-extracted"
}

# Files the integration patches touch (paths in the kernel tree).
patched_files() {
	local p
	for p in "$top"/scripts/patches/*.patch; do
		[ -e "$p" ] || continue
		awk '$1 == "+++" || $1 == "---" { f = $2; sub(/^[ab]\//, "", f); sub(/\t.*/, "", f);
		      if (f != "/dev/null") print f }' "$p"
	done | sort -u
}

# The private, integrated tree. What the previous run's patches changed is
# restored from the pristine tree first, so that edited patches apply anew.
setup_tree() {
	local list=$tree/.iommu-lu-check-patched f
	if [ -f "$list" ]; then
		while read -r f; do
			if [ -e "$base/$f" ]; then cp "$base/$f" "$tree/$f"; else rm -f "$tree/$f"; fi
		done < "$list"
	fi
	if [ -x "$top/scripts/kernel-tree.sh" ]; then
		"$top/scripts/kernel-tree.sh" "$tree" > "$out/logs/integrate.log" 2>&1
	else
		{ [ -f "$tree/Makefile" ] || cp -a "$base" "$tree"; } &&
			"$top/scripts/integrate.sh" "$tree" > "$out/logs/integrate.log" 2>&1
	fi || { cat "$out/logs/integrate.log" >&2; die "integrating iommu-lu into $tree failed"; }
	cat "$out/logs/integrate.log"
	{ patched_files; echo drivers/iommu/Kconfig; echo drivers/iommu/Makefile; } > "$list"
}

# ---------------------------------------------------------------------------
# The config matrix

# The fragments a config is made of, in order.
fragments_of() {
	case "$1" in
	randconfig-*) echo "$frags/base.config $frags/randconfig.config" ;;
	*) echo "$frags/base.config $frags/$1.config" ;;
	esac
}

# configure SRC OBJ NAME: x86_64 tinyconfig + fragments (+ randomization).
configure() {
	local src=$1 o=$2 name=$3 f
	mkdir -p "$o"
	make -s -C "$src" O="$o" ARCH=x86_64 tinyconfig > /dev/null || return 1
	# shellcheck disable=SC2046
	"$src/scripts/kconfig/merge_config.sh" -m -O "$o" "$o/.config" $(fragments_of "$name") > /dev/null || return 1
	make -s -C "$src" O="$o" ARCH=x86_64 olddefconfig > /dev/null || return 1
	case "$name" in
	randconfig-*)
		# Pin everything but the framework's symbols, randomize those.
		grep -v '^\(# \)\{0,1\}CONFIG_IOMMU_LU[_A-Z0-9]*[= ]' "$o/.config" > "$o/allconfig.pin"
		make -s -C "$src" O="$o" ARCH=x86_64 KCONFIG_ALLCONFIG="$o/allconfig.pin" \
			KCONFIG_SEED="${name#randconfig-}" randconfig > /dev/null || return 1
		# Force the base options back, in case randconfig moved any.
		# shellcheck disable=SC2046
		"$src/scripts/kconfig/merge_config.sh" -m -O "$o" "$o/.config" $(fragments_of "$name") > /dev/null || return 1
		make -s -C "$src" O="$o" ARCH=x86_64 olddefconfig > /dev/null || return 1
		;;
	esac
}

# Every CONFIG_ line of the fragments must hold in .config.
config_mismatches() {
	local o=$1 name=$2 f sym want got
	# shellcheck disable=SC2046
	sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)/\1 \2/p; s/^# \(CONFIG_[A-Za-z0-9_]*\) is not set/\1 n/p' \
		$(fragments_of "$name") |
	while read -r sym want; do
		got=$(sed -n "s/^$sym=\(.*\)/\1/p" "$o/.config")
		[ -n "$got" ] || got=n
		[ "$got" = "$want" ] || echo "$sym=$want requested, $sym=$got in .config"
	done
}

# Parse a build log (make --output-sync: each object's "CC"/"CHECK" line
# comes with its own diagnostics): "file:line:col: warning|error: text",
# sparse's tagged "[sparse] ". Prints tool, translation unit, file, line,
# text; paths relative to the tree.
parse_build() {
	local log=$1 src=$2
	awk -v src="$src/" '
	{
		tool = "gcc-W=1"
		line = $0
		if (sub(/^\[sparse\] /, "", line))
			tool = "sparse"
		if (line ~ /^  (CC|CHECK)( \[M\])? +[^ ]+\.[cso]$/) {
			tu = line
			sub(/^  [A-Z]+( \[M\])? +/, "", tu)
			sub(/\.[so]$/, ".c", tu)
			next
		}
		if (index(line, src) == 1)
			line = substr(line, length(src) + 1)
		if (match(line, /^[^ :]+:[0-9]+:([0-9]+:)? (warning|error): /) == 0)
			next
		split(line, a, ":")
		text = line
		sub(/^[^ :]+:[0-9]+:([0-9]+:)? /, "", text)
		print tool "\t" (tu == "" ? a[1] : tu) "\t" a[1] "\t" a[2] "\t" text
	}' <(sed "s/\xe2\x80[\x98\x99]/'/g" "$log") | sort -u
}

# build_one SRC OBJ LOG TARGETS...: modules_prepare, then the targets with
# W=1 and sparse. Returns make's status.
build_one() {
	local src=$1 o=$2 blog=$3 t
	shift 3
	# gcc warns only when it compiles: rebuild every target from scratch.
	for t in "$@"; do
		case "$t" in
		*/) [ -d "$o/$t" ] && find "$o/$t" -name '*.o' -delete ;;
		*) rm -f "$o/$t" ;;
		esac
	done
	make -s -C "$src" O="$o" ARCH=x86_64 -j"$jobs" modules_prepare > "$blog.prepare" 2>&1 || return 1
	make -C "$src" O="$o" ARCH=x86_64 -j"$jobs" --output-sync=target -k \
		W=1 C=2 CHECK="$out/sparse" "$@" > "$blog" 2>&1
}

# Targets: the framework, the stub caller, the patched .c files' directories.
build_targets() {
	local d
	echo "$fwdir/" "$stub_obj"
	patched_files | grep '\.c$' | while read -r d; do echo "$(dirname "$d")/"; done | sort -u
}

run_config() {
	local name=$1 o=$kobj/$1 ob=$kbase/$1 t0 cfgerr="" n rc scope targets key
	local blog=$out/logs/build-$name.log
	t0=$(date +%s)
	log "config $name"
	if ! stage "$name: configure" configure "$tree" "$o" "$name" > "$out/logs/config-$name.log" 2>&1; then
		finding "config:$name" config ".config" "configuring failed (see $out/logs/config-$name.log)"
		check_done "config:$name" $(($(date +%s) - t0)) "error: configure failed"
		return
	fi
	config_mismatches "$o" "$name" | while read -r m; do
		finding "config:$name" config "tests/kernel/configs/matrix" "$m"
	done
	grep '^\(# \)\{0,1\}CONFIG_IOMMU_LU' "$o/.config" > "$out/logs/config-$name.iommu-lu"
	check_done "config:$name" $(($(date +%s) - t0))

	# shellcheck disable=SC2207
	targets=($(build_targets))
	t0=$(date +%s)
	rm -rf "${o:?}/$fwdir"
	stage "$name: build W=1 C=2" build_one "$tree" "$o" "$blog" "${targets[@]}"
	rc=$?
	n=$(($(date +%s) - t0))
	if [ $rc -ne 0 ]; then
		finding "gcc-W=1:$name" gcc-W=1 "(make)" "make exit $rc: $(grep -m1 -E '\*\*\*|rror' "$blog" "$blog.prepare" | cut -c1-200)"
	fi
	# The project's findings; those in patched files only if new.
	parse_build "$blog" "$tree" > "$out/logs/build-$name.tsv"
	patched_files > "$out/patched.list"
	if [ -s "$out/patched.list" ]; then
		key=$( { echo v2; cat "$o/.config"; build_targets; md5sum "$base/.iommu-lu-extracted"; } | md5sum)
		if [ "$(cat "$ob/.check-key" 2>/dev/null)" != "$key" ]; then
			mkdir -p "$ob"
			grep -v '^\(# \)\{0,1\}CONFIG_IOMMU_LU' "$o/.config" > "$ob/.config"
			# shellcheck disable=SC2046
			stage "$name: baseline (unpatched)" eval \
				'make -s -C "$base" O="$ob" ARCH=x86_64 olddefconfig > /dev/null 2>&1;
				 build_one "$base" "$ob" "$ob/build.log" $(build_targets | grep -v "^$fwdir")'
			parse_build "$ob/build.log" "$base" > "$ob/build.tsv"
			echo "$key" > "$ob/.check-key"
		fi
		cp "$ob/build.tsv" "$out/logs/baseline-$name.tsv"
	else
		: > "$out/logs/baseline-$name.tsv"
	fi
	# Keep what is in the framework's files or translation units, and what
	# is in the patched files or translation units beyond the baseline
	# (compared without line numbers: the patches move lines).
	awk -F'\t' -v fw="$fwdir/" -v check="$name" '
	function proj(f) { return index(f, fw) == 1 }
	FILENAME == ARGV[1] { patched[$0] = 1; next }
	FILENAME == ARGV[2] { base[$1 "\t" $2 "\t" $3 "\t" $5]++; next }
	{
		k = $1 "\t" $2 "\t" $3 "\t" $5
		where = $3 ":" $4 ": " $5
		if ($2 != $3)
			where = where " (compiling " $2 ")"
		if (proj($3) || proj($2)) {
			f = proj($3) ? $3 : $2
			sub(fw, "", f)
			print $1 ":" check "\t" $1 "\t" f "\t" where
		} else if (($3 in patched) || ($2 in patched)) {
			if (base[k] > 0) { base[k]--; next }
			print $1 ":" check "\t" $1 "\t" "kernel:" (($3 in patched) ? $3 : $2) "\t" where
		} else {
			ignored++
		}
	}
	END { printf "%d\n", ignored > "/dev/stderr" }' "$out/patched.list" "$out/logs/baseline-$name.tsv" \
		"$out/logs/build-$name.tsv" >> "$findings" 2> "$out/logs/build-$name.ignored"
	log "config $name: $(cat "$out/logs/build-$name.ignored") warnings outside the project's files ignored" \
		"(logs/build-$name.log)"
	# "none": nothing of the framework itself is built.
	if [ "$name" = none ]; then
		find "$o/$fwdir" -name '*.o' ! -path "*/tests/kernel/static/*" 2>/dev/null |
		while read -r f; do
			finding "config:$name" config "${f#"$o/"}" "built although CONFIG_IOMMU_LU is off"
		done
	fi
	check_done "gcc-W=1:$name" "$n"
	check_done "sparse:$name" "$n"
}

# ---------------------------------------------------------------------------
# Coccinelle

spatch_opts() {
	local o=$1
	echo "--very-quiet --no-show-diff --use-coccigrep" \
	     "-I arch/x86/include -I $o/arch/x86/include/generated -I include -I $o/include" \
	     "-I arch/x86/include/uapi -I $o/arch/x86/include/generated/uapi" \
	     "-I include/uapi -I $o/include/generated/uapi" \
	     "-I $fwdir/include -I $fwdir/abi" \
	     "--include include/linux/compiler-version.h --include include/linux/kconfig.h"
}

# spatch_rule COCCI DIR MODE: one rule over a directory of the tree, from
# the top of the tree (kernel-build.md: "make coccicheck M=" misses files).
spatch_rule() {
	local cocci=$1 dir=$2 mode=$3 opt
	opt=$(sed -n 's/^\/\/ *Options: *//p' "$cocci" | head -n1)
	# shellcheck disable=SC2046,SC2086
	(cd "$tree" && spatch -D "$mode" $(spatch_opts "$cocci_obj") $opt --cocci-file "$cocci" --dir "$dir" 2>&1)
}

# Keep "file:line..." reports under DIR; anything spatch could not do
# (EXN, Fatal error, python exception) is a finding too.
parse_spatch() {
	local log=$1 dir=$2
	awk -v dir="$dir/" '
	index($0, dir) == 1 && $0 ~ /^[^ :]+:[0-9]+:/ { print "report\t" $0; next }
	/EXN|Fatal error|Sys_error|Traceback|^Error|exception/ { print "error\t" $0 }
	' "$log"
}

run_cocci_kernel() {
	local t0=$(date +%s) f name spv req
	spv=$(spatch --version | awk 'NR == 1 { print $3 }')
	mkdir -p "$out/logs/cocci"
	: > "$out/logs/cocci-skipped"
	find "$tree/scripts/coccinelle" -name '*.cocci' | sort > "$out/cocci.list"
	while read -r f; do
		req=$(sed -n 's/^\/\/ *Requires: *//p' "$f" | tr -d ' ')
		if ! grep -q 'virtual[[:space:]]\+report' "$f"; then
			echo "${f#"$tree/"}: no report mode" >> "$out/logs/cocci-skipped"
		elif [ -n "$req" ] && ! printf '%s\n%s\n' "$req" "$spv" | sort -CV; then
			echo "${f#"$tree/"}: needs spatch $req" >> "$out/logs/cocci-skipped"
		else
			echo "$f"
		fi
	done < "$out/cocci.list" > "$out/cocci.run"
	export -f spatch_rule spatch_opts
	export tree fwdir cocci_obj out
	xargs -P "$jobs" -I{} bash -c \
		'spatch_rule "$1" "$fwdir" report > "$out/logs/cocci/$(basename "$1" .cocci).log"' _ {} < "$out/cocci.run"
	while read -r f; do
		name=$(basename "$f" .cocci)
		parse_spatch "$out/logs/cocci/$name.log" "$fwdir" | while IFS=$'\t' read -r kind text; do
			if [ "$kind" = report ]; then
				finding coccinelle-kernel coccinelle "$(echo "${text#"$fwdir/"}" | cut -d: -f1)" "$name: ${text#"$fwdir/"}"
			else
				finding coccinelle-kernel coccinelle "(spatch)" "$name: $text"
			fi
		done
	done < "$out/cocci.run"
	log "coccinelle: $(wc -l < "$out/cocci.run") kernel rules run, $(wc -l < "$out/logs/cocci-skipped") skipped (no report mode / newer spatch)"
	check_done coccinelle-kernel $(($(date +%s) - t0))
}

# project_rule COCCI DIR: the rule in report mode; a rule with "virtual
# collect" first collects the lock-asserting helpers over the same DIR.
project_rule() {
	local cocci=$1 dir=$2
	if grep -q '^virtual collect' "$cocci"; then
		IOMMU_LU_LOCKED_HELPERS=$(spatch_rule "$cocci" "$dir" collect | sed -n 's/^LU_LOCKED //p' | tr '\n' ' ')
		export IOMMU_LU_LOCKED_HELPERS
	fi
	spatch_rule "$cocci" "$dir" report
}

run_cocci_project() {
	local t0 f name tdir=iommu-lu-cocci-tests exp got
	# Self-test: each rule reports exactly its test input's marked lines,
	# through the very same invocation as on the framework.
	t0=$(date +%s)
	rm -rf "${tree:?}/$tdir" && mkdir -p "$tree/$tdir"
	for f in "$top"/scripts/coccinelle/*.cocci; do
		name=$(basename "$f" .cocci)
		if [ ! -f "$top/scripts/coccinelle/tests/$name.c" ]; then
			finding coccinelle-selftest coccinelle "scripts/coccinelle/$name.cocci" "no test input scripts/coccinelle/tests/$name.c"
			continue
		fi
		rm -f "$tree/$tdir"/*.c
		cp "$top/scripts/coccinelle/tests/$name.c" "$tree/$tdir/"
		project_rule "$f" "$tdir" > "$out/logs/cocci-selftest-$name.log"
		exp=$(grep -n "/\* expect: $name \*/" "$top/scripts/coccinelle/tests/$name.c" | cut -d: -f1 | sort -n | tr '\n' ' ')
		got=$(parse_spatch "$out/logs/cocci-selftest-$name.log" "$tdir" |
		      awk -F'\t' '$1 == "report" { split($2, a, ":"); print a[2] }' | sort -nu | tr '\n' ' ')
		if [ "$exp" != "$got" ] || [ -z "$exp" ]; then
			finding coccinelle-selftest coccinelle "scripts/coccinelle/tests/$name.c" \
				"$name: expected reports on lines [${exp% }], got [${got% }]"
		else
			log "coccinelle self-test $name: fires on lines ${exp% } as marked"
		fi
		parse_spatch "$out/logs/cocci-selftest-$name.log" "$tdir" | awk -F'\t' '$1 == "error"' |
		while IFS=$'\t' read -r _ text; do
			finding coccinelle-selftest coccinelle "(spatch)" "$name: $text"
		done
	done
	rm -rf "${tree:?}/$tdir"
	check_done coccinelle-selftest $(($(date +%s) - t0))

	t0=$(date +%s)
	for f in "$top"/scripts/coccinelle/*.cocci; do
		name=$(basename "$f" .cocci)
		project_rule "$f" "$fwdir" > "$out/logs/cocci-iommu-lu-$name.log"
		parse_spatch "$out/logs/cocci-iommu-lu-$name.log" "$fwdir" | while IFS=$'\t' read -r kind text; do
			if [ "$kind" = report ]; then
				finding coccinelle-iommu-lu coccinelle "$(echo "${text#"$fwdir/"}" | cut -d: -f1)" "$name: ${text#"$fwdir/"}"
			else
				finding coccinelle-iommu-lu coccinelle "(spatch)" "$name: $text"
			fi
		done
	done
	check_done coccinelle-iommu-lu $(($(date +%s) - t0))
}

# ---------------------------------------------------------------------------
# checkpatch, kernel-doc (on the repository's own files)

project_sources() {
	(cd "$top" && find "$@" -name '*.[ch]' -type f 2>/dev/null | sort)
}

run_checkpatch() {
	local t0 f cp=$base/scripts/checkpatch.pl
	t0=$(date +%s)
	project_sources core vendors include abi tests/suites tests/kernel tools > "$out/checkpatch.files"
	# shellcheck disable=SC2016
	(cd "$top" && xargs -P "$jobs" -n 4 perl "$cp" --strict --no-tree --terse --show-types \
		--no-summary -f < "$out/checkpatch.files") > "$out/logs/checkpatch-files.log" 2>&1
	grep -E '^[^ :]+:[0-9]+: (ERROR|WARNING|CHECK):' "$out/logs/checkpatch-files.log" | sort -t: -k1,1 -k2,2n |
	while IFS= read -r l; do
		finding checkpatch-files checkpatch "${l%%:*}" "$l"
	done
	check_done checkpatch-files $(($(date +%s) - t0))

	t0=$(date +%s)
	: > "$out/logs/checkpatch-patches.log"
	for f in "$top"/scripts/patches/*.patch; do
		[ -e "$f" ] || continue
		(cd "$base" && perl "$cp" --strict --terse --show-types --no-summary "$f") >> "$out/logs/checkpatch-patches.log" 2>&1
	done
	grep -E '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' "$out/logs/checkpatch-patches.log" |
	while IFS= read -r l; do
		f=${l%%:*}
		finding checkpatch-patches checkpatch "scripts/patches/$(basename "$f")" "$(basename "$f"):${l#*:}"
	done
	check_done checkpatch-patches $(($(date +%s) - t0))
}

run_kerneldoc() {
	local t0 f
	t0=$(date +%s)
	project_sources core vendors include abi > "$out/kerneldoc.files"
	(cd "$top" && while read -r f; do "$base/scripts/kernel-doc" -none -Wall "$f"; done < "$out/kerneldoc.files") \
		> "$out/logs/kernel-doc.log" 2>&1
	# "Warning: file:line text" (printed twice by 7.3's kernel-doc) or
	# "file:line: warning: text".
	sed -n 's/^[Ww]arning: \([^ :]*\):\([0-9]*\) \(.*\)/\1:\2: \3/p; s/^[Ee]rror: \([^ :]*\):\([0-9]*\) \(.*\)/\1:\2: error: \3/p; /^[^ :]*:[0-9]*: \(warning\|error\)/p' \
		"$out/logs/kernel-doc.log" | sort -u -t: -k1,1 -k2,2n -k3 |
	while IFS= read -r l; do
		finding kernel-doc kernel-doc "${l%%:*}" "$l"
	done
	if grep -q -i 'traceback\|command not found\|No such file' "$out/logs/kernel-doc.log"; then
		check_done kernel-doc $(($(date +%s) - t0)) "error: kernel-doc failed (see logs/kernel-doc.log)"
	else
		check_done kernel-doc $(($(date +%s) - t0))
	fi
}

# ---------------------------------------------------------------------------

for c in $configs; do
	case "$c" in
	randconfig-[0-9]*) ;;
	*) case " $fixed_configs " in
	   *" $c "*) [ -f "$frags/$c.config" ] || die "no fragment $frags/$c.config" ;;
	   *) die "unknown config '$c' (known: $fixed_configs randconfig-<seed>)" ;;
	   esac ;;
	esac
done
stage "tools (packages, sparse)" setup_tools
stage "pristine tree" setup_base
stage "integrated tree" setup_tree

for c in $configs; do
	run_config "$c"
done
# Coccinelle's include paths need one configured object tree.
cocci_obj=""
for c in all all-debugfs $configs; do
	[ -f "$kobj/$c/include/generated/autoconf.h" ] && { cocci_obj=$kobj/$c; break; }
done
[ -n "$cocci_obj" ] || die "no configured object tree for coccinelle"
stage "coccinelle (kernel rules)" run_cocci_kernel
stage "coccinelle (iommu-lu rules)" run_cocci_project
stage "checkpatch" run_checkpatch
stage "kernel-doc" run_kerneldoc

# ---------------------------------------------------------------------------
# Report

echo
if [ -s "$findings" ]; then
	echo "== Findings"
	awk -F'\t' '{ printf "  [%s] %s\n", $1, $4 }' "$findings"
	echo
fi

echo "== Matrix (CONFIG_IOMMU_LU* per config)"
for c in $configs; do
	printf '  %-18s %s\n' "$c" "$(sed -e 's/^CONFIG_IOMMU_LU_\{0,1\}//' -e 's/^# CONFIG_IOMMU_LU_\{0,1\}\(.*\) is not set/\1=n/' \
		"$out/logs/config-$c.iommu-lu" 2>/dev/null | sed 's/^=/IOMMU_LU=/' | tr '\n' ' ')"
done
echo

echo "== Checks"
printf '  %-30s %8s %6s  %s\n' CHECK FINDINGS TIME RESULT
pass=0
fail=0
while IFS=$'\t' read -r c secs state; do
	n=$(awk -F'\t' -v c="$c" '$1 == c' "$findings" | wc -l)
	if [ "$n" -eq 0 ] && [ "$state" = ok ]; then
		res=pass
		pass=$((pass + 1))
	else
		res=FAIL
		[ "$state" = ok ] || res="FAIL ($state)"
		fail=$((fail + 1))
	fi
	printf '  %-30s %8s %5ss  %s\n' "$c" "$n" "$secs" "$res"
done < "$checks"
echo

if [ -s "$findings" ]; then
	echo "== Findings per file and tool"
	awk -F'\t' '
	{ n[$3 "\t" $2]++; files[$3] = 1; tools[$2] = 1 }
	END {
		nt = 0
		for (t in tools) tl[++nt] = t
		for (i = 1; i <= nt; i++) for (j = i + 1; j <= nt; j++) if (tl[j] < tl[i]) { x = tl[i]; tl[i] = tl[j]; tl[j] = x }
		printf "  %-48s", "FILE"
		for (i = 1; i <= nt; i++) printf " %12s", tl[i]
		printf "\n"
		for (f in files) {
			printf "  %-48s", f
			for (i = 1; i <= nt; i++) printf " %12d", n[f "\t" tl[i]]
			printf "\n"
		}
	}' "$findings" | { IFS= read -r h; echo "$h"; sort; }
	echo
fi

echo "== Stages"
awk -F'\t' '{ printf "  %-40s %6ss\n", $1, $2 }' "$stages"
printf '  %-40s %6ss\n' total $(($(date +%s) - t_all))
echo "  (logs: ${out#"$top/"}/logs)"
echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
