// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace tool: write the fuzzers' seed corpus.
 *
 * Usage: fuzz-seed-gen DIR   ("make fuzz-seeds"; DIR/decode, DIR/adopt)
 *
 * Seeds are handovers today's code writes, as flat dumps (lu_ser_dump()):
 *
 * - golden-v1 (both fuzzers): the golden scenario, byte for byte
 *   tests/golden/handover_v1.h; the adopt fuzzer runs on that machine, so
 *   it is its only seed;
 * - wide (decoder): two units, six devices on five domains, one of them a
 *   bridge group with aliases, and a domain with more than 254 page-table
 *   pages, so that the page chain has two blocks.
 *
 * Linked with the test binary's objects minus the KUnit runner and suites.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <kunit/test.h>
#include "harness/golden_scenario.h"
#include "model/kho.h"
#include "../golden/dump_map.h"
#include "../../core/lu_core.h"

/* The runner is not linked; the harness installs its hooks here. */
void (*kunit_hook_before_case)(struct kunit *test);
void (*kunit_hook_after_case)(struct kunit *test);

static int seed_write(const char *dir, const char *sub, const char *name)
{
	struct iommu_lu_handover ho;
	struct lu_dump d;
	char path[512], err[160];
	u8 *buf;
	FILE *f;

	mutex_lock(&lu.lock);
	d.len = lu_ser_dump(NULL, 0);
	buf = calloc(1, d.len ? d.len : 1);
	if (buf)
		lu_ser_dump(buf, d.len);
	mutex_unlock(&lu.lock);
	d.buf = buf;
	if (!d.len || !buf) {
		fprintf(stderr, "seed-gen: %s: no handover\n", name);
		return 1;
	}
	if (iommu_lu_decode(lu_dump_header(&d), IOMMU_LU_BLOCK_SIZE, lu_dump_map,
			    &d, &ho, err, sizeof(err))) {
		fprintf(stderr, "seed-gen: %s does not decode: %s\n", name, err);
		return 1;
	}
	iommu_lu_handover_free(&ho);
	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, d.len, f) != d.len || fclose(f)) {
		perror(path);
		return 1;
	}
	free(buf);
	return 0;
}

/* Two units, several domains and a two-block page chain. */
static int seed_wide(void)
{
	struct lu_machine *m;
	struct lu_owner *o[5];
	struct device *g[2];
	int rp[4], ep[4], br, pbr, bep[2], i, ret = 0;

	lu_harness_reset();
	m = lu_machine_new(2, NULL);
	for (i = 0; i < 4; i++) {
		unsigned int unit = i / 2;

		rp[i] = lu_machine_add(m, unit, -1, PCI_DEVFN(0x1c + i, 0),
				       PCI_MODEL_ROOT_PORT, 1 + i);
		ep[i] = lu_machine_add(m, unit, rp[i], 0, PCI_MODEL_ENDPOINT_PCIE, 0);
		o[i] = lu_owner_new(m, unit, 0x100000 * (i + 1), 1 + i, 0x40 + i);
		ret |= lu_owner_attach(o[i], ep[i]);
	}
	br = lu_machine_add(m, 0, -1, PCI_DEVFN(0x10, 0), PCI_MODEL_ROOT_PORT, 8);
	pbr = lu_machine_add(m, 0, br, 0, PCI_MODEL_PCIE_PCI_BRIDGE, 9);
	bep[0] = lu_machine_add(m, 0, pbr, PCI_DEVFN(1, 0), PCI_MODEL_ENDPOINT_PCI, 0);
	bep[1] = lu_machine_add(m, 0, pbr, PCI_DEVFN(2, 0), PCI_MODEL_ENDPOINT_PCI, 0);
	o[4] = lu_owner_new(m, 0, 0x40000000, 1, 0x77);
	ret |= lu_owner_attach(o[4], bep[0]);
	/* One leaf table per 2 MiB: 300 of them, more than a page block holds. */
	for (i = 1; i < 300 && !ret; i++)
		ret = idrv_map(o[0]->domain, (u64)i << 21, o[0]->phys[0], PAGE_SIZE,
			       IOMMU_READ);
	for (i = 0; i < 4 && !ret; i++)
		ret = iommu_lu_preserve_device(lu_machine_dev(m, ep[i]));
	g[0] = lu_machine_dev(m, bep[0]);
	g[1] = lu_machine_dev(m, bep[1]);
	if (!ret)
		ret = iommu_lu_preserve_devices(g, 2);
	if (ret) {
		fprintf(stderr, "seed-gen: wide scenario: %d\n", ret);
		return 1;
	}
	lu_machine_shutdown(m);
	if (lu.chains[IOMMU_LU_REC_PAGE].nr_blocks < 2) {
		fprintf(stderr, "seed-gen: wide: one page block only\n");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct lu_golden g;
	int ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	mkdir(argv[1], 0755);
	if (lu_golden_build(&g)) {
		fprintf(stderr, "seed-gen: golden scenario failed\n");
		return 1;
	}
	ret |= seed_write(argv[1], "decode", "golden-v1");
	ret |= seed_write(argv[1], "adopt", "golden-v1");
	lu_golden_free(&g);

	if (seed_wide())
		return 1;
	ret |= seed_write(argv[1], "decode", "wide");

	lu_harness_reset();
	shim_slab_free_all();
	return ret;
}
