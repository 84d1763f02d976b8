// SPDX-License-Identifier: GPL-2.0
/*
 * iommu-lu-decode: validate and print an iommu-lu handover dump.
 *
 * Usage: iommu-lu-decode [-q] [-h] [FILE]
 *
 *   FILE  a handover dump, as the iommu-lu debugfs handover file gives it;
 *         "-" or no FILE reads standard input.
 *   -q    only validate: print nothing on success.
 *   -h    print this help.
 *
 * The dump is a sequence of &struct iommu_lu_dump_page_ser headers, each
 * followed by %IOMMU_LU_BLOCK_SIZE bytes: the KHO subtree page (the handover
 * header) first, then every block of every chain (abi/iommu_lu_abi.h).
 * Hardware pages are not in it, so only their records are shown.
 *
 * The handover is checked by the core's own validating decoder,
 * iommu_lu_decode() (core/decode.c), the very code the next kernel runs
 * before it trusts a handover: this tool has no parser of its own beyond
 * the dump framing. The dump's pages play the role of the KHO-preserved
 * pages: a chain that leads to a page that is not in the dump is refused,
 * as the kernel refuses one that was not preserved.
 *
 * Exit status: 0 valid; 1 invalid handover, malformed or empty dump;
 * 2 usage, I/O or memory error.
 *
 * Built by "make tests/out/iommu-lu-decode": userspace, with the core's
 * decoder compiled over the test shims, with the same flags as the tests.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iommu_lu_seam.h"
#include "iommu_lu_vendor.h"

#define PROG		"iommu-lu-decode"
#define DUMP_REC_SIZE	(sizeof(struct iommu_lu_dump_page_ser) + \
			 IOMMU_LU_BLOCK_SIZE)

enum {
	EXIT_VALID = 0,
	EXIT_INVALID = 1,
	EXIT_USAGE = 2,
};

/* One page of the dump: where it lived and its bytes inside the file. */
struct dump_page {
	u64 phys;
	const u8 *data;
};

struct dump {
	const char *name;
	u8 *buf;
	size_t len;
	struct dump_page *pages;	/* sorted by phys */
	size_t nr_pages;
	const u8 *hdr;			/* the first page: the handover header */
	u64 hdr_phys;
};

static void show_usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [-q] [-h] [FILE]\n"
		"Validate an iommu-lu handover dump with the core's decoder and print it.\n"
		"\n"
		"  FILE  handover dump (the debugfs handover file); \"-\" or none: stdin\n"
		"  -q    only validate; print nothing on success\n"
		"  -h    this help\n"
		"\n"
		"Exit status: 0 valid, 1 invalid handover or malformed/empty dump,\n"
		"2 usage, I/O or memory error.\n");
}

static int read_all(FILE *f, u8 **bufp, size_t *lenp)
{
	size_t cap = 1 << 16, len = 0, n;
	u8 *buf = malloc(cap), *nbuf;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			if (cap > SIZE_MAX / 2) {
				free(buf);
				return -EFBIG;
			}
			nbuf = realloc(buf, cap * 2);
			if (!nbuf) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
			cap *= 2;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n)
			continue;
		if (ferror(f)) {
			free(buf);
			return -EIO;
		}
		break;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

static int page_cmp(const void *a, const void *b)
{
	u64 x = ((const struct dump_page *)a)->phys;
	u64 y = ((const struct dump_page *)b)->phys;

	return x < y ? -1 : x > y;
}

/*
 * Split the file into pages and index them by physical address. Only the
 * framing is checked here; everything inside the pages is the decoder's.
 */
static int dump_index(struct dump *d)
{
	size_t i;

	if (!d->len) {
		fprintf(stderr, PROG ": %s: empty dump: no handover (nothing preserved)\n",
			d->name);
		return EXIT_INVALID;
	}
	if (d->len % DUMP_REC_SIZE) {
		fprintf(stderr, PROG ": %s: malformed dump: %zu bytes, not a multiple of %zu\n",
			d->name, d->len, DUMP_REC_SIZE);
		return EXIT_INVALID;
	}
	d->nr_pages = d->len / DUMP_REC_SIZE;
	d->pages = calloc(d->nr_pages, sizeof(*d->pages));
	if (!d->pages) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_USAGE;
	}
	for (i = 0; i < d->nr_pages; i++) {
		const u8 *rec = d->buf + i * DUMP_REC_SIZE;
		struct iommu_lu_dump_page_ser dp;

		memcpy(&dp, rec, sizeof(dp));
		if (dp.magic != IOMMU_LU_DUMP_MAGIC) {
			fprintf(stderr, PROG ": %s: malformed dump: page %zu: bad magic %#llx\n",
				d->name, i, (unsigned long long)dp.magic);
			return EXIT_INVALID;
		}
		if (!dp.phys || dp.phys % IOMMU_LU_BLOCK_SIZE) {
			fprintf(stderr, PROG ": %s: malformed dump: page %zu: bad address %#llx\n",
				d->name, i, (unsigned long long)dp.phys);
			return EXIT_INVALID;
		}
		d->pages[i].phys = dp.phys;
		d->pages[i].data = rec + sizeof(dp);
	}
	d->hdr = d->pages[0].data;
	d->hdr_phys = d->pages[0].phys;

	qsort(d->pages, d->nr_pages, sizeof(*d->pages), page_cmp);
	for (i = 1; i < d->nr_pages; i++) {
		if (d->pages[i].phys == d->pages[i - 1].phys) {
			fprintf(stderr, PROG ": %s: malformed dump: page %#llx appears twice\n",
				d->name, (unsigned long long)d->pages[i].phys);
			return EXIT_INVALID;
		}
	}
	return EXIT_VALID;
}

/* The decoder's map callback: a page of the dump, or NULL if it is not in. */
static const void *dump_map(void *ctx, u64 phys)
{
	const struct dump *d = ctx;
	struct dump_page key = { .phys = phys };
	const struct dump_page *p;

	p = bsearch(&key, d->pages, d->nr_pages, sizeof(key), page_cmp);
	return p ? p->data : NULL;
}

static const char *vendor_name(u32 vendor)
{
	switch (vendor) {
	case IOMMU_LU_VENDOR_INTEL_VTD:
		return "intel-vtd";
	case IOMMU_LU_VENDOR_AMD_VI:
		return "amd-vi";
	case IOMMU_LU_VENDOR_ARM_SMMU_V3:
		return "arm-smmu-v3";
	default:
		return "unknown";
	}
}

static void print_mode(u32 vendor, u32 mode)
{
	if (vendor == IOMMU_LU_VENDOR_INTEL_VTD && mode == IOMMU_LU_MODE_VTD_LEGACY)
		printf("legacy");
	else if (vendor == IOMMU_LU_VENDOR_INTEL_VTD &&
		 mode == IOMMU_LU_MODE_VTD_SCALABLE)
		printf("scalable");
	else
		printf("%u", mode);
}

static const char *const kind_name[IOMMU_LU_PAGE_KIND_NR] = {
	[IOMMU_LU_PAGE_NONE] = "none",
	[IOMMU_LU_PAGE_ROOT] = "root",
	[IOMMU_LU_PAGE_CONTEXT] = "context",
	[IOMMU_LU_PAGE_PGTABLE] = "page-table",
	[IOMMU_LU_PAGE_PASID_DIR] = "pasid-dir",
	[IOMMU_LU_PAGE_PASID_TABLE] = "pasid-table",
};

static const char *const rec_name[IOMMU_LU_REC_NR] = {
	[IOMMU_LU_REC_UNIT] = "unit",
	[IOMMU_LU_REC_DOMAIN] = "domain",
	[IOMMU_LU_REC_DEVICE] = "device",
	[IOMMU_LU_REC_PAGE] = "page",
};

static void print_rid(u16 rid)
{
	printf("%02x:%02x.%x", rid >> 8, (rid >> 3) & 0x1f, rid & 7);
}

static void print_header(const struct dump *d,
			 const struct iommu_lu_handover *ho)
{
	const struct iommu_lu_header_ser *h = &ho->hdr;
	char compat[sizeof(h->compatible) + 1] = { 0 };
	unsigned int k;

	memcpy(compat, h->compatible, sizeof(h->compatible));
	printf("handover %s: %s, version %u, generation %llu, flags %#x%s\n",
	       d->name, compat, h->version, (unsigned long long)h->generation,
	       h->flags, h->flags & IOMMU_LU_HDR_FROZEN ? " (frozen)" : "");
	printf("  header page %#llx, %zu pages in the dump\n",
	       (unsigned long long)d->hdr_phys, d->nr_pages);
	for (k = 0; k < IOMMU_LU_REC_NR; k++)
		printf("  %-6s chain: %u records in %u blocks, first block %#llx\n",
		       rec_name[k], h->nr_records[k], h->nr_blocks[k],
		       (unsigned long long)h->chain[k]);
}

static void print_units(const struct iommu_lu_handover *ho)
{
	u32 i;

	printf("\nunits (%u):\n", ho->nr_units);
	for (i = 0; i < ho->nr_units; i++) {
		const struct iommu_lu_unit_ser *u = &ho->units[i];

		printf("  unit %u: %s, mode ", u->id, vendor_name(u->vendor));
		print_mode(u->vendor, u->mode);
		printf(", segment %04x, token %#llx, root %#llx, %u devices%s\n",
		       u->segment, (unsigned long long)u->token,
		       (unsigned long long)u->root_phys, u->nr_devices,
		       u->flags & IOMMU_LU_UNIT_CLEANED ? ", cleaned" : "");
	}
}

static bool is_vtd(const struct iommu_lu_handover *ho, u32 unit_id)
{
	u32 i;

	for (i = 0; i < ho->nr_units; i++)
		if (ho->units[i].id == unit_id)
			return ho->units[i].vendor == IOMMU_LU_VENDOR_INTEL_VTD;
	return false;
}

/* A hardware domain id: "did N" on VT-d, where it is a domain id (DID). */
static void print_hw_id(const struct iommu_lu_handover *ho, u32 unit_id,
			u32 hw_id)
{
	printf("%s %u", is_vtd(ho, unit_id) ? "did" : "hw id", hw_id);
}

/*
 * A domain record is a page table; the units that use it, and the hardware
 * id it has on each, are in the device records (the decoder checked that
 * each unit gives it one id).
 */
static void print_domains(const struct iommu_lu_handover *ho)
{
	u32 i, j, k;

	printf("\ndomains (%u):\n", ho->nr_domains);
	for (i = 0; i < ho->nr_domains; i++) {
		const struct iommu_lu_domain_ser *dom = &ho->domains[i];
		const char *sep = "; on ";

		printf("  domain %u: page table %#llx, %u levels, %u pages",
		       dom->id, (unsigned long long)dom->pgtable_phys,
		       dom->levels, dom->nr_pages);
		for (j = 0; j < ho->nr_devices; j++) {
			const struct iommu_lu_device_ser *dv = &ho->devices[j];

			if (dv->domain_id != dom->id)
				continue;
			/* Each (unit, domain) once: at its first device. */
			for (k = 0; k < j; k++)
				if (ho->devices[k].domain_id == dom->id &&
				    ho->devices[k].unit_id == dv->unit_id)
					break;
			if (k < j)
				continue;
			printf("%sunit %u ", sep, dv->unit_id);
			print_hw_id(ho, dv->unit_id, dv->hw_id);
			sep = ", ";
		}
		printf("\n");
	}
}

static void print_devices(const struct iommu_lu_handover *ho)
{
	u32 i, j;

	printf("\ndevices (%u):\n", ho->nr_devices);
	for (i = 0; i < ho->nr_devices; i++) {
		const struct iommu_lu_device_ser *dv = &ho->devices[i];

		printf("  %04x:", dv->segment);
		print_rid(dv->rid);
		printf(": unit %u, domain %u, ", dv->unit_id, dv->domain_id);
		print_hw_id(ho, dv->unit_id, dv->hw_id);
		if (dv->nr_rids > 1) {
			printf(", aliases");
			for (j = 1; j < dv->nr_rids && j < IOMMU_LU_MAX_RIDS; j++) {
				printf(" ");
				print_rid(dv->rids[j]);
			}
		}
		if (dv->pasid_dir_phys)
			printf(", pasid dir %#llx",
			       (unsigned long long)dv->pasid_dir_phys);
		printf("\n");
	}
}

/* Pages by kind, each kind in address order (the decoder sorts them). */
static void print_pages(const struct iommu_lu_handover *ho)
{
	unsigned int kind;
	u32 i, n;

	printf("\npages (%u):\n", ho->nr_pages);
	for (kind = IOMMU_LU_PAGE_ROOT; kind < IOMMU_LU_PAGE_KIND_NR; kind++) {
		for (n = 0, i = 0; i < ho->nr_pages; i++)
			n += ho->pages[i].kind == kind;
		if (!n)
			continue;
		printf("  %s (%u):\n", kind_name[kind], n);
		for (i = 0; i < ho->nr_pages; i++) {
			const struct iommu_lu_page_ser *p = &ho->pages[i];

			if (p->kind != kind)
				continue;
			printf("    %#llx  %s %u\n", (unsigned long long)p->phys,
			       kind == IOMMU_LU_PAGE_PGTABLE ? "domain" : "unit",
			       p->owner);
		}
	}
}

int main(int argc, char **argv)
{
	struct iommu_lu_handover ho;
	struct dump d = { .name = "-" };
	bool quiet = false;
	char err[256];
	FILE *f;
	int opt, ret;

	while ((opt = getopt(argc, argv, "qh")) != -1) {
		switch (opt) {
		case 'q':
			quiet = true;
			break;
		case 'h':
			show_usage(stdout);
			return EXIT_VALID;
		default:
			show_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		show_usage(stderr);
		return EXIT_USAGE;
	}
	if (optind < argc)
		d.name = argv[optind];

	if (!strcmp(d.name, "-")) {
		d.name = "<stdin>";
		f = stdin;
	} else {
		f = fopen(d.name, "rb");
		if (!f) {
			fprintf(stderr, PROG ": %s: %s\n", d.name, strerror(errno));
			return EXIT_USAGE;
		}
	}
	ret = read_all(f, &d.buf, &d.len);
	if (f != stdin)
		fclose(f);
	if (ret) {
		fprintf(stderr, PROG ": %s: %s\n", d.name, strerror(-ret));
		return EXIT_USAGE;
	}

	ret = dump_index(&d);
	if (ret)
		goto out;

	ret = iommu_lu_decode(d.hdr, IOMMU_LU_BLOCK_SIZE, dump_map, &d, &ho,
			      err, sizeof(err));
	if (ret == -EINVAL) {
		fprintf(stderr, PROG ": invalid handover: %s\n", err);
		ret = EXIT_INVALID;
		goto out;
	}
	if (ret) {
		fprintf(stderr, PROG ": cannot decode %s: %s\n", d.name,
			strerror(-ret));
		ret = EXIT_USAGE;
		goto out;
	}

	if (!quiet) {
		print_header(&d, &ho);
		print_units(&ho);
		print_domains(&ho);
		print_devices(&ho);
		print_pages(&ho);
	}
	iommu_lu_handover_free(&ho);
	ret = EXIT_VALID;
out:
	free(d.pages);
	free(d.buf);
	return ret;
}
