// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace harness, kind: CUSTOM: the conformance replay as a command.
 *
 * Usage: iommu-lu-conform FILE legacy|scalable
 *
 * FILE is the serial log of a live-update run (build/check-liveupdate/
 * MODE/serial.txt) or a capture of it (tests/golden/conformance-MODE.log).
 * Its VT-d dumps are rebuilt in the VT-d model's memory and every DMA
 * result and fault the guest saw is replayed on the model (see the DOC
 * block of tests/harness/conformance.h). One line per check, "ok - ..." or
 * "not ok - ...", "#" lines for skips and notes, then a "# iommu-lu-conform:"
 * summary. Exit status: 0 if every check passed and some DMA was replayed,
 * 1 otherwise, 2 on a usage or read error.
 *
 * It links the harness's conformance.c with the VT-d and physical-memory
 * models and the shims they need: "make conform-tool".
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conformance.h"
#include "model/physmem.h"

int main(int argc, char **argv)
{
	struct conformance_counts counts;
	struct conformance_log *log;
	bool scalable;
	int ret;

	if (argc != 3 || (strcmp(argv[2], "legacy") && strcmp(argv[2], "scalable"))) {
		fprintf(stderr, "usage: %s FILE legacy|scalable\n", argv[0]);
		return 2;
	}
	scalable = !strcmp(argv[2], "scalable");
	log = conformance_load(argv[1]);
	if (!log) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1], strerror(errno));
		return 2;
	}
	ret = conformance_run(log, scalable, NULL, &counts);
	printf("# iommu-lu-conform: %s %s: %zu dumps, %zu observations, %u rebuilt,",
	       argv[2], argv[1], conformance_nr_dumps(log), conformance_nr_observations(log),
	       counts.replays);
	printf(" %u DMA results, %u faults, %u refusals, %u derived contexts\n",
	       counts.dma, counts.faults, counts.refusals, counts.derived);
	printf("# iommu-lu-conform: %u passed, %u failed, %u skipped\n",
	       counts.passed, counts.failed, counts.skipped);
	if (ret == -ENODATA)
		printf("not ok - %s: no DMA result could be replayed\n", argv[2]);
	else if (ret && ret != -EINVAL)
		printf("not ok - %s: replay failed: %s\n", argv[2], strerror(-ret));
	conformance_free(log);
	physmem_fini();
	return ret ? 1 : 0;
}
