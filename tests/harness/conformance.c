// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace harness, kind: CUSTOM: replay a QEMU guest's VT-d translation
 * structures and observed DMA on the VT-d model; see conformance.h.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance.h"
#include "model/physmem.h"
#include "model/vtd.h"
#include "io.h"

#define CONF_NAME_LEN		24	/* "0000:00:03.0" */
#define CONF_TAG_LEN		24
#define CONF_LINE_LEN		512
#define CONF_TEXT_LEN		384
#define CONF_MAX_RIDS		8
#define CONF_MAX_DERIVED	64
#define CONF_MAX_EDUS		64	/* edu lines per dump whose windows are probed */
#define CONF_PAGE_SIZE		4096ULL
#define CONF_WINDOW_PAGES	4	/* LU_EDU_PAGES of tests/kernel/lu_edu_test.c */
#define CONF_WINDOW		(CONF_WINDOW_PAGES * CONF_PAGE_SIZE)
#define CONF_ADDR_MASK		GENMASK_ULL(51, 12)
#define CONF_PDE_SHIFT		6	/* PASIDs per PASID table: 64 */
#define CONF_PE_SIZE		64

/*
 * Keys of model pages that no guest address names: the PASID tables
 * debugfs does not locate (bit 63) and the tables of derived context
 * entries (bit 62: context tables, bit 61: PASID directories, bit 60:
 * their PASID tables). Guest addresses stay below bit 52.
 */
#define CONF_SYNTH_PT		BIT_ULL(63)
#define CONF_SYNTH_CTX		BIT_ULL(62)
#define CONF_SYNTH_DIR		BIT_ULL(61)
#define CONF_SYNTH_PTBL		BIT_ULL(60)

/* What QEMU 7.2's intel-iommu reports by default (aw-bits=39). */
#define CONF_QEMU_REG_BASE	0xfed90000ULL
#define CONF_QEMU_CAP		0xd2008c22260206ULL
#define CONF_QEMU_ECAP		0xf00f4aULL
#define CONF_QEMU_ECAP_SM	0x480080f00f4aULL
#define CONF_ECAP_SMTS		BIT_ULL(43)

/* An edu device's state in one dump (its "lu-dump TAG edu:" line). */
enum conf_state {
	CONF_ABSENT,
	CONF_OWN,	/* domain=own: the test driver's own domain is attached */
	CONF_ADOPTED,	/* incoming=preserved domain=none: the tables it inherited */
	CONF_OTHER,	/* whatever the kernel gave it (a DMA-API domain) */
};

/* What the hardware did, as the log says. */
enum conf_kind {
	CONF_OWN_OK,		/* own domain, iova X -> Y, DMA ok */
	CONF_NEW_OK,		/* new domain attached, DMA through iova X: ok */
	CONF_CHECK_OK,		/* DMA through iova X: ok */
	CONF_PRESERVED_OK,	/* DMA through preserved iova X: ok */
	CONF_INFLIGHT,		/* in-flight DMA landed (a write to page 2) */
	CONF_NO_DATA,		/* DMA to old iova X: no data moved */
	CONF_MOVED,		/* DMA to old iova X: DATA MOVED */
	CONF_FAULT,		/* DMAR: [DMA Read|Write ...] ... fault reason */
	CONF_NR_KINDS,
};

static const char *const conf_kind_name[CONF_NR_KINDS] = {
	[CONF_OWN_OK] = "DMA ok through its own domain",
	[CONF_NEW_OK] = "DMA ok through a new domain",
	[CONF_CHECK_OK] = "DMA ok (check)",
	[CONF_PRESERVED_OK] = "DMA ok through the preserved iova",
	[CONF_INFLIGHT] = "DMA in flight at kexec landed",
	[CONF_NO_DATA] = "DMA to the old iova moved no data",
	[CONF_MOVED] = "DMA to the old iova moved data",
	[CONF_FAULT] = "DMAR fault",
};

struct conf_ctx_line {
	u16 rid;
	u64 root_lo, root_hi;
	u64 ctx_lo, ctx_hi;
	int pasid;		/* -1: legacy mode */
	u64 pe[3];		/* PASID table entry val[0..2] */
};

struct conf_walk {
	u64 iova;
	u64 path[6];		/* entry at each level, 1..5 */
	unsigned int top;	/* highest level printed non-zero */
	unsigned int leaf;	/* last level printed */
};

struct conf_ptdev {
	char name[CONF_NAME_LEN];
	u16 rid;
	u64 pgd;
	bool has_pgd;
	u32 pasid;
	struct conf_walk *walks;
	size_t nr_walks, cap_walks;
};

struct conf_edu {
	char name[CONF_NAME_LEN];
	u16 rid;
	u64 iova, buf;
	enum conf_state state;
};

struct conf_devl {
	char name[CONF_NAME_LEN];
	u16 rids[CONF_MAX_RIDS];
	unsigned int nr_rids;
};

struct conf_dump {
	char tag[CONF_TAG_LEN];
	unsigned int kernel;
	size_t line;		/* its first line */
	u64 root;
	bool has_root;
	bool te_off;
	struct conf_ctx_line *ctxs;
	size_t nr_ctxs, cap_ctxs;
	struct conf_ptdev *pts;
	size_t nr_pts, cap_pts;
	struct conf_edu *edus;
	size_t nr_edus, cap_edus;
	struct conf_devl *devs;
	size_t nr_devs, cap_devs;
	unsigned int bad;	/* dmar/pt lines that did not parse */
	size_t bad_line;	/* the first of them */
};

struct conf_obs {
	enum conf_kind kind;
	char name[CONF_NAME_LEN];
	unsigned int kernel;
	size_t line;
	u64 iova;		/* window start, or the faulting/old-iova address */
	u64 phys;		/* CONF_OWN_OK: the buffer the line names */
	bool has_iova;
	u16 rid;		/* CONF_FAULT: the source id */
	bool write;		/* CONF_FAULT */
	u8 reason;		/* CONF_FAULT */
	char report[96];	/* CONF_FAULT: "[DMA ...] ... [fault reason 0xNN]" */
};

/**
 * struct conformance_log - A parsed serial log.
 * @dumps: the dumps, in log order.
 * @nr_dumps: how many.
 * @cap_dumps: allocated.
 * @obs: what the hardware did, in log order.
 * @nr_obs: how many.
 * @cap_obs: allocated.
 * @reg_base: the unit's register base.
 * @cap: its CAP.
 * @ecap: its ECAP.
 * @has_caps: @reg_base, @cap and @ecap come from the log.
 * @oom: an allocation failed while parsing.
 */
struct conformance_log {
	struct conf_dump *dumps;
	size_t nr_dumps, cap_dumps;
	struct conf_obs *obs;
	size_t nr_obs, cap_obs;
	u64 reg_base, cap, ecap;
	bool has_caps;
	bool oom;
};

struct conf_page {
	u64 key;		/* guest page address, or a CONF_SYNTH_* key */
	u64 model;		/* its page in the model's memory */
	u64 written[512 / 64];	/* entries placed, to spot disagreeing lines */
	u64 guest[512];		/* their values as the dump gives them */
};

/**
 * struct conformance_replay - One dump rebuilt in the model's memory.
 * @log: the log.
 * @d: the dump.
 * @scalable: rebuilt in scalable-mode format.
 * @haw_mask: addresses the unit can reach; only those are relocated.
 * @pages: guest (or synthetic) page -> model page.
 * @nr_pages: how many.
 * @cap_pages: allocated.
 * @oom: a model page could not be allocated.
 * @root: the model address of the root table.
 * @m: the model, once enabled.
 * @entries: entries placed.
 * @problems: inconsistencies found while rebuilding.
 * @problem: the first one.
 * @derived: requester ids whose context entry was derived.
 * @nr_derived: how many.
 * @next_did: domain id for the next derived context entry.
 */
struct conformance_replay {
	const struct conformance_log *log;
	const struct conf_dump *d;
	bool scalable;
	u64 haw_mask;
	struct conf_page *pages;
	size_t nr_pages, cap_pages;
	bool oom;
	u64 root;
	struct vtd_model *m;
	unsigned int entries;
	unsigned int problems;
	char problem[CONF_TEXT_LEN];
	u16 derived[CONF_MAX_DERIVED];
	unsigned int nr_derived;
	u16 next_did;
};

/* ---- small helpers ---------------------------------------------------- */

/* Append a zeroed element to a growing array; NULL when out of memory. */
static void *conf_push(void *arrp, size_t *nr, size_t *cap, size_t size)
{
	void *arr, *p;

	memcpy(&arr, arrp, sizeof(arr));
	if (*nr == *cap) {
		size_t n = *cap ? *cap * 2 : 8;

		p = reallocarray(arr, n, size);
		if (!p)
			return NULL;
		arr = p;
		*cap = n;
		memcpy(arrp, &arr, sizeof(arr));
	}
	p = (char *)arr + *nr * size;
	(*nr)++;
	memset(p, 0, size);
	return p;
}

static void conf_rid_name(char *buf, size_t len, u16 rid)
{
	snprintf(buf, len, "%02x:%02x.%x", rid >> 8, (rid >> 3) & 0x1f, rid & 7);
}

/* "SSSS:BB:DD.F" -> requester id; false if it is not one. */
static bool conf_parse_bdf(const char *s, u16 *rid)
{
	unsigned int seg, bus, dev, fn;

	if (sscanf(s, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4 ||
	    bus > 0xff || dev > 0x1f || fn > 7)
		return false;
	*rid = (u16)(bus << 8 | dev << 3 | fn);
	return true;
}

static bool conf_starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool conf_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return !*s;
}

/* ---- parsing ---------------------------------------------------------- */

static struct conf_dump *conf_dump_get(struct conformance_log *log, const char *tag,
				       size_t line)
{
	struct conf_dump *d;
	size_t i;

	for (i = 0; i < log->nr_dumps; i++)
		if (!strcmp(log->dumps[i].tag, tag))
			return &log->dumps[i];
	d = conf_push(&log->dumps, &log->nr_dumps, &log->cap_dumps, sizeof(*d));
	if (!d) {
		log->oom = true;
		return NULL;
	}
	snprintf(d->tag, sizeof(d->tag), "%s", tag);
	if (sscanf(tag, "k%u", &d->kernel) != 1)
		d->kernel = 0;
	d->line = line;
	return d;
}

static void conf_bad(struct conf_dump *d, size_t line)
{
	if (!d->bad++)
		d->bad_line = line;
}

/* A "lu-dump TAG dmar:" line: dmar_translation_struct. */
static void conf_parse_dmar(struct conformance_log *log, struct conf_dump *d,
			    const char *s, size_t line)
{
	unsigned int bus, dev, fn;
	struct conf_ctx_line c = { 0 };
	const char *p;

	if (conf_blank(s) || conf_starts(s, "B.D.F"))
		return;
	if (conf_starts(s, "DMA Remapping is not enabled")) {
		d->te_off = true;
		return;
	}
	p = strstr(s, "Root Table Address: ");
	if (conf_starts(s, "IOMMU ") && p) {
		d->root = strtoull(p + strlen("Root Table Address: "), NULL, 16);
		d->has_root = true;
		return;
	}
	if (sscanf(s, "%x:%x.%x 0x%llx:0x%llx 0x%llx:0x%llx %d 0x%llx:0x%llx:0x%llx",
		   &bus, &dev, &fn, &c.root_hi, &c.root_lo, &c.ctx_hi, &c.ctx_lo,
		   &c.pasid, &c.pe[2], &c.pe[1], &c.pe[0]) != 11 ||
	    bus > 0xff || dev > 0x1f || fn > 7) {
		conf_bad(d, line);
		return;
	}
	c.rid = (u16)(bus << 8 | dev << 3 | fn);
	if (!conf_push(&d->ctxs, &d->nr_ctxs, &d->cap_ctxs, sizeof(c))) {
		log->oom = true;
		return;
	}
	d->ctxs[d->nr_ctxs - 1] = c;
}

/* One page-table walk line: "0xPFN |<TAB>PML5E<TAB>PML4E<TAB>PDPE[<TAB>PDE[<TAB>PTE]]". */
static bool conf_parse_walk(const char *s, struct conf_walk *w)
{
	unsigned int n = 0, level;
	char *end;
	u64 v;

	memset(w, 0, sizeof(*w));
	w->iova = strtoull(s, &end, 16) << 12;
	if (end == s || !conf_starts(end, " |"))
		return false;
	s = end + 2;
	while (n < 5) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		v = strtoull(s, &end, 16);
		if (end == s)
			return false;
		w->path[5 - n++] = v;
		s = end;
	}
	if (n < 3 || !conf_blank(s))
		return false;
	w->leaf = 6 - n;
	for (level = 5; level >= 3 && !w->path[level]; level--)
		;
	if (level < 3 || level < w->leaf)
		return false;
	w->top = level;
	for (; level >= w->leaf; level--)
		if (!w->path[level])
			return false;
	return true;
}

/* A "lu-dump TAG pt DEVICE:" line: DEVICE's domain_translation_struct. */
static void conf_parse_pt(struct conformance_log *log, struct conf_dump *d,
			  const char *name, const char *s, size_t line)
{
	struct conf_ptdev *p = NULL;
	struct conf_walk w, *slot;
	unsigned int pasid;
	u64 pgd;
	size_t i;
	u16 rid;

	if (!conf_parse_bdf(name, &rid)) {
		conf_bad(d, line);
		return;
	}
	for (i = 0; i < d->nr_pts; i++)
		if (!strcmp(d->pts[i].name, name))
			p = &d->pts[i];
	if (!p) {
		p = conf_push(&d->pts, &d->nr_pts, &d->cap_pts, sizeof(*p));
		if (!p) {
			log->oom = true;
			return;
		}
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->rid = rid;
	}
	if (conf_blank(s) || conf_starts(s, "IOVA_PFN") ||
	    conf_starts(s, "DMA Remapping is not enabled"))
		return;
	if (conf_starts(s, "Device ")) {
		char dev[CONF_NAME_LEN];

		pasid = 0;
		if (sscanf(s, "Device %23s @0x%llx", dev, &pgd) != 2 &&
		    sscanf(s, "Device %23s with pasid %x @0x%llx", dev, &pasid, &pgd) != 3) {
			conf_bad(d, line);
			return;
		}
		if (strcmp(dev, name) || p->has_pgd) {
			conf_bad(d, line);
			return;
		}
		p->pgd = pgd;
		p->has_pgd = true;
		p->pasid = pasid;
		return;
	}
	if (!p->has_pgd || !conf_parse_walk(s, &w)) {
		conf_bad(d, line);
		return;
	}
	slot = conf_push(&p->walks, &p->nr_walks, &p->cap_walks, sizeof(w));
	if (!slot) {
		log->oom = true;
		return;
	}
	*slot = w;
}

/* "NAME rid=0x0018 iova=0x1000000 buf=0xf04000 incoming=none domain=own preserved=1" */
static void conf_parse_edu(struct conformance_log *log, struct conf_dump *d, const char *s)
{
	char name[CONF_NAME_LEN], incoming[16], domain[16];
	struct conf_edu *e;
	unsigned int rid;
	u64 iova, buf;

	if (sscanf(s, "%23s rid=%x iova=%llx buf=%llx incoming=%15s domain=%15s",
		   name, &rid, &iova, &buf, incoming, domain) != 6 || rid > 0xffff)
		return;
	e = conf_push(&d->edus, &d->nr_edus, &d->cap_edus, sizeof(*e));
	if (!e) {
		log->oom = true;
		return;
	}
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->rid = rid;
	e->iova = iova;
	e->buf = buf;
	if (!strcmp(domain, "own"))
		e->state = CONF_OWN;
	else if (!strcmp(domain, "none") && !strcmp(incoming, "preserved"))
		e->state = CONF_ADOPTED;
	else
		e->state = CONF_OTHER;
}

/* "device name=NAME ... rids16=0x0208,0x0108,0x0100 ..." */
static void conf_parse_devices(struct conformance_log *log, struct conf_dump *d, const char *s)
{
	const char *name = strstr(s, " name="), *rids = strstr(s, " rids16=");
	struct conf_devl *dl;
	char *end;

	if (!conf_starts(s, "device ") || !name || !rids)
		return;
	dl = conf_push(&d->devs, &d->nr_devs, &d->cap_devs, sizeof(*dl));
	if (!dl) {
		log->oom = true;
		return;
	}
	sscanf(name + strlen(" name="), "%23s", dl->name);
	rids += strlen(" rids16=");
	while (dl->nr_rids < CONF_MAX_RIDS) {
		unsigned long v = strtoul(rids, &end, 16);

		if (end == rids || v > 0xffff)
			break;
		dl->rids[dl->nr_rids++] = (u16)v;
		if (*end != ',')
			break;
		rids = end + 1;
	}
}

static void conf_parse_lu_dump(struct conformance_log *log, const char *s, size_t line)
{
	char tag[CONF_TAG_LEN], kind[16], name[CONF_NAME_LEN];
	struct conf_dump *d;
	size_t len;
	int n = 0;

	if (sscanf(s, "lu-dump %23s %15[a-z]%n", tag, kind, &n) != 2 || !n)
		return;
	s += n;
	if (!strcmp(kind, "pt")) {
		if (sscanf(s, " %22[0-9a-fA-F:.]%n", name, &n) != 1)
			return;
		len = strlen(name);
		if (!len || name[len - 1] != ':')
			return;
		name[len - 1] = '\0';
		s += n;
	} else if (strcmp(kind, "dmar") && strcmp(kind, "edu") && strcmp(kind, "devices")) {
		return;
	} else if (*s++ != ':') {
		return;
	}
	if (*s == ' ')
		s++;
	d = conf_dump_get(log, tag, line);
	if (!d)
		return;
	if (!strcmp(kind, "dmar"))
		conf_parse_dmar(log, d, s, line);
	else if (!strcmp(kind, "pt"))
		conf_parse_pt(log, d, name, s, line);
	else if (!strcmp(kind, "edu"))
		conf_parse_edu(log, d, s);
	else
		conf_parse_devices(log, d, s);
}

static struct conf_obs *conf_obs_add(struct conformance_log *log, enum conf_kind kind,
				     unsigned int kernel, size_t line)
{
	struct conf_obs *o = conf_push(&log->obs, &log->nr_obs, &log->cap_obs, sizeof(*o));

	if (!o) {
		log->oom = true;
		return NULL;
	}
	o->kind = kind;
	o->kernel = kernel;
	o->line = line;
	return o;
}

/* "lu-edu: NAME: kernel N: ..." */
static void conf_parse_lu_edu(struct conformance_log *log, const char *s, size_t line,
			      unsigned int *cur)
{
	unsigned int seg, bus, dev, fn, k;
	struct conf_obs *o;
	enum conf_kind kind;
	char word[16] = "";
	u64 iova = 0, phys = 0;
	bool has_iova = true;
	int n = 0;

	if (sscanf(s, "lu-edu: kernel %u:", &k) == 1) {
		*cur = k;
		return;
	}
	if (sscanf(s, "lu-edu: %x:%x:%x.%x: kernel %u: %n", &seg, &bus, &dev, &fn, &k, &n) != 5 ||
	    !n || bus > 0xff || dev > 0x1f || fn > 7)
		return;
	*cur = k;
	s += n;
	if (sscanf(s, "own domain, iova %llx -> %llx, DMA %15s", &iova, &phys, word) == 3) {
		if (strcmp(word, "ok"))
			return;
		kind = CONF_OWN_OK;
	} else if (sscanf(s, "new domain attached, DMA through iova %llx: %15s",
			  &iova, word) == 2) {
		if (strcmp(word, "ok"))
			return;
		kind = CONF_NEW_OK;
	} else if (sscanf(s, "DMA through preserved iova %llx: %15s", &iova, word) == 2) {
		if (strcmp(word, "ok"))
			return;
		kind = CONF_PRESERVED_OK;
	} else if (sscanf(s, "DMA through iova %llx: %15s", &iova, word) == 2) {
		if (strcmp(word, "ok"))
			return;
		kind = CONF_CHECK_OK;
	} else if (!strcmp(s, "in-flight DMA landed")) {
		kind = CONF_INFLIGHT;
		has_iova = false;
	} else if (sscanf(s, "DMA to old iova %llx: %n", &iova, &n) == 1 && n) {
		if (!strcmp(s + n, "no data moved"))
			kind = CONF_NO_DATA;
		else if (!strcmp(s + n, "DATA MOVED"))
			kind = CONF_MOVED;
		else
			return;
	} else {
		return;
	}
	o = conf_obs_add(log, kind, k, line);
	if (!o)
		return;
	snprintf(o->name, sizeof(o->name), "%04x:%02x:%02x.%x", seg, bus, dev, fn);
	o->iova = iova;
	o->phys = phys;
	o->has_iova = has_iova;
	o->write = kind == CONF_NO_DATA || kind == CONF_MOVED;
}

/*
 * "DMAR: [DMA Write NO_PASID] Request device [0000:00:04.0] fault addr 0x1103000
 * [fault reason 0x05] ..." (one line)
 */
static void conf_parse_fault(struct conformance_log *log, const char *s, size_t line,
			     unsigned int cur)
{
	const char *dev = strstr(s, "Request device ["), *addr = strstr(s, "fault addr ");
	const char *reason = strstr(s, "[fault reason ");
	struct conf_obs *o;
	unsigned long r;
	u16 rid;

	if (!dev || !addr || !reason || !conf_parse_bdf(dev + strlen("Request device ["), &rid))
		return;
	r = strtoul(reason + strlen("[fault reason "), NULL, 16);
	if (r > 0xff)
		return;
	o = conf_obs_add(log, CONF_FAULT, cur, line);
	if (!o)
		return;
	snprintf(o->name, sizeof(o->name), "%.4s:%02x:%02x.%x",
		 dev + strlen("Request device ["), rid >> 8, (rid >> 3) & 0x1f, rid & 7);
	o->rid = rid;
	o->iova = strtoull(addr + strlen("fault addr "), NULL, 16);
	o->has_iova = true;
	o->write = conf_starts(s, "DMAR: [DMA Write");
	o->reason = (u8)r;
	/* What Linux decoded from the fault recording register. */
	snprintf(o->report, sizeof(o->report), "%.*s",
		 (int)(strchr(reason, ']') ? strchr(reason, ']') + 1 - (s + 6) : 0), s + 6);
}

/**
 * conformance_parse() - Parse a serial log (or a capture of it).
 * @text: the log; need not be NUL-terminated.
 * @len: its length.
 *
 * Lines that are none of the kinds conformance.h lists are ignored; dump
 * lines of a known kind that do not parse are counted per dump (and fail
 * that dump's consistency check).
 *
 * Return: the parsed log (conformance_free() it), or NULL on allocation
 * failure.
 */
struct conformance_log *conformance_parse(const char *text, size_t len)
{
	struct conformance_log *log = calloc(1, sizeof(*log));
	unsigned int cur = 0, boots = 0;
	char buf[CONF_LINE_LEN];
	size_t pos = 0, line = 0;

	if (!log)
		return NULL;
	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		unsigned long long base, cap, ecap;
		unsigned int vmaj, vmin;

		pos += n + (nl ? 1 : 0);
		line++;
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, s, n);
		buf[n] = '\0';
		while (n && (buf[n - 1] == '\r' || buf[n - 1] == ' '))
			buf[--n] = '\0';

		if (conf_starts(buf, "lu-dump ")) {
			conf_parse_lu_dump(log, buf, line);
		} else if (conf_starts(buf, "lu-edu: ")) {
			conf_parse_lu_edu(log, buf, line, &cur);
		} else if (conf_starts(buf, "DMAR: [DMA ")) {
			conf_parse_fault(log, buf, line, cur);
		} else if (conf_starts(buf, "Linux version ")) {
			cur = ++boots;
		} else if (!log->has_caps && conf_starts(buf, "DMAR: dmar") &&
			   strstr(buf, "reg_base_addr ") &&
			   sscanf(strstr(buf, "reg_base_addr "),
				  "reg_base_addr %llx ver %u:%u cap %llx ecap %llx",
				  &base, &vmaj, &vmin, &cap, &ecap) == 5) {
			log->reg_base = base;
			log->cap = cap;
			log->ecap = ecap;
			log->has_caps = true;
		}
		/* A dump's tag names its kernel. */
		if (log->nr_dumps && log->dumps[log->nr_dumps - 1].line == line &&
		    log->dumps[log->nr_dumps - 1].kernel)
			cur = log->dumps[log->nr_dumps - 1].kernel;
	}
	if (log->oom) {
		conformance_free(log);
		return NULL;
	}
	return log;
}

/**
 * conformance_load() - Read and parse a log file.
 * @path: the file.
 *
 * Return: the parsed log, or NULL (errno set) if it cannot be read or
 * parsed.
 */
struct conformance_log *conformance_load(const char *path)
{
	struct conformance_log *log = NULL;
	FILE *f = fopen(path, "rb");
	size_t len = 0, cap = 0, n;
	char *text = NULL, *p;

	if (!f)
		return NULL;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(text, cap);
			if (!p) {
				errno = ENOMEM;
				goto out;
			}
			text = p;
		}
		n = fread(text + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	if (ferror(f)) {
		errno = EIO;
		goto out;
	}
	log = conformance_parse(text, len);
	if (!log)
		errno = ENOMEM;
out:
	free(text);
	fclose(f);
	return log;
}

/**
 * conformance_free() - Free a parsed log.
 * @log: the log, or NULL.
 */
void conformance_free(struct conformance_log *log)
{
	size_t i, j;

	if (!log)
		return;
	for (i = 0; i < log->nr_dumps; i++) {
		struct conf_dump *d = &log->dumps[i];

		for (j = 0; j < d->nr_pts; j++)
			free(d->pts[j].walks);
		free(d->ctxs);
		free(d->pts);
		free(d->edus);
		free(d->devs);
	}
	free(log->dumps);
	free(log->obs);
	free(log);
}

/**
 * conformance_nr_dumps() - How many dumps (tags) the log has.
 * @log: the log.
 *
 * Return: the number of distinct TAGs of "lu-dump TAG dmar|pt|edu|devices" lines.
 */
size_t conformance_nr_dumps(const struct conformance_log *log)
{
	return log->nr_dumps;
}

/**
 * conformance_nr_observations() - How many hardware results the log has.
 * @log: the log.
 *
 * Return: the number of DMA results and faults found (replayable or not).
 */
size_t conformance_nr_observations(const struct conformance_log *log)
{
	return log->nr_obs;
}

static const struct conf_edu *conf_edu_find(const struct conf_dump *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nr_edus; i++)
		if (!strcmp(d->edus[i].name, name))
			return &d->edus[i];
	return NULL;
}

static const struct conf_edu *conf_edu_any(const struct conformance_log *log, const char *name)
{
	const struct conf_edu *e;
	size_t i;

	for (i = 0; i < log->nr_dumps; i++) {
		e = conf_edu_find(&log->dumps[i], name);
		if (e)
			return e;
	}
	return NULL;
}

/*
 * The requester id QEMU puts on @name's DMA: the last of its DMA aliases
 * (the framework's devices lines list them as pci_for_each_dma_alias()
 * finds them), else its own.
 */
static u16 conf_hw_rid(const struct conformance_log *log, const struct conf_dump *d,
		       const char *name)
{
	const struct conf_edu *e;
	size_t i, j;
	u16 rid;

	for (i = 0; i <= log->nr_dumps; i++) {
		const struct conf_dump *dd = i ? &log->dumps[i - 1] : d;

		for (j = 0; dd && j < dd->nr_devs; j++)
			if (!strcmp(dd->devs[j].name, name) && dd->devs[j].nr_rids)
				return dd->devs[j].rids[dd->devs[j].nr_rids - 1];
	}
	e = conf_edu_any(log, name);
	if (e)
		return e->rid;
	return conf_parse_bdf(name, &rid) ? rid : 0;
}

/**
 * conformance_device() - An edu device's IOVA window as the log gives it.
 * @log: the log.
 * @name: the device ("0000:00:03.0").
 * @rid: out (may be NULL): the requester id QEMU uses for its DMA.
 * @iova: out (may be NULL): the start of its window.
 * @buf: out (may be NULL): the start of its buffer.
 *
 * Return: false if no edu line names @name.
 */
bool conformance_device(const struct conformance_log *log, const char *name,
			u16 *rid, u64 *iova, u64 *buf)
{
	const struct conf_edu *e = conf_edu_any(log, name);

	if (!e)
		return false;
	if (rid)
		*rid = conf_hw_rid(log, NULL, name);
	if (iova)
		*iova = e->iova;
	if (buf)
		*buf = e->buf;
	return true;
}

/* ---- rebuilding a dump -------------------------------------------------- */

static void __printf(2, 3) conf_problem(struct conformance_replay *r, const char *fmt, ...)
{
	va_list args;

	if (!r->problems++) {
		va_start(args, fmt);
		vsnprintf(r->problem, sizeof(r->problem), fmt, args);
		va_end(args);
	}
}

static struct conf_page *conf_page_find(struct conformance_replay *r, u64 key, bool alloc)
{
	struct conf_page *p;
	size_t i;
	u64 pa;

	for (i = 0; i < r->nr_pages; i++)
		if (r->pages[i].key == key)
			return &r->pages[i];
	if (!alloc || r->oom)
		return NULL;
	pa = physmem_alloc_page();
	if (!pa) {
		r->oom = true;
		return NULL;
	}
	p = conf_push(&r->pages, &r->nr_pages, &r->cap_pages, sizeof(*p));
	if (!p) {
		physmem_free_page(pa);
		r->oom = true;
		return NULL;
	}
	p->key = key;
	p->model = pa;
	memset(physmem_va(pa), 0, CONF_PAGE_SIZE);
	return p;
}

/* The model page standing for guest (or synthetic) page @key; 0 if none. */
static u64 conf_model_page(struct conformance_replay *r, u64 key)
{
	struct conf_page *p = conf_page_find(r, key & ~(CONF_PAGE_SIZE - 1), true);

	return p ? p->model : 0;
}

/*
 * Place @model at guest address @addr (8-byte aligned): @guest with its
 * table pointer, if any, relocated. Lines that disagree are told by @guest.
 */
static void conf_put_guest(struct conformance_replay *r, u64 addr, u64 guest, u64 model)
{
	struct conf_page *p = conf_page_find(r, addr & ~(CONF_PAGE_SIZE - 1), true);
	unsigned int idx = (addr & (CONF_PAGE_SIZE - 1)) / 8;

	if (!p)
		return;
	if (p->written[idx / 64] & BIT_ULL(idx % 64)) {
		if (p->guest[idx] != guest)
			conf_problem(r,
				     "two lines disagree about the entry at %#llx: %#018llx and %#018llx",
				     addr, p->guest[idx], guest);
		return;
	}
	p->written[idx / 64] |= BIT_ULL(idx % 64);
	p->guest[idx] = guest;
	((u64 *)physmem_va(p->model))[idx] = model;
	r->entries++;
}

/* Place @val, which holds no table pointer, at guest address @addr. */
static void conf_put(struct conformance_replay *r, u64 addr, u64 val)
{
	conf_put_guest(r, addr, val, val);
}

/*
 * @entry with its table pointer moved to the model page standing for the
 * guest page it names. A pointer with bits the unit cannot address is left
 * alone: the model must fault on it as the hardware would.
 */
static u64 conf_reloc(struct conformance_replay *r, u64 entry)
{
	u64 addr = entry & CONF_ADDR_MASK;

	if (addr & ~r->haw_mask)
		return entry;
	return (entry & ~CONF_ADDR_MASK) | conf_model_page(r, addr);
}

static u64 conf_reloc_present(struct conformance_replay *r, u64 entry)
{
	return entry & 1 ? conf_reloc(r, entry) : entry;
}

static const struct conf_ctx_line *conf_ctx_find(const struct conf_dump *d, u16 rid)
{
	size_t i;

	for (i = 0; i < d->nr_ctxs; i++)
		if (d->ctxs[i].rid == rid)
			return &d->ctxs[i];
	return NULL;
}

/* Root entry of @bus as some line of the dump prints it; false if none does. */
static bool conf_root_of(const struct conf_dump *d, unsigned int bus, u64 *lo, u64 *hi)
{
	size_t i;

	for (i = 0; i < d->nr_ctxs; i++) {
		if (d->ctxs[i].rid >> 8 == bus) {
			*lo = d->ctxs[i].root_lo;
			*hi = d->ctxs[i].root_hi;
			return true;
		}
	}
	return false;
}

/* Guest address of the PASID table a PASID directory entry leads to (not printed). */
static u64 conf_pasid_table_key(u64 dir_slot)
{
	return CONF_SYNTH_PT | (dir_slot << 9);
}

static void conf_build_ctx(struct conformance_replay *r, const struct conf_ctx_line *c)
{
	unsigned int bus = c->rid >> 8, devfn = c->rid & 0xff, pgtt;
	u64 slot = r->d->root + bus * 16, ctxt, dslot, table, pslot, v0, v2;
	char rid[16];

	conf_rid_name(rid, sizeof(rid), c->rid);
	if (!r->scalable) {
		unsigned int tt = (c->ctx_lo >> VTDM_CTX_TT_SHIFT) & 3;

		if (c->pasid >= 0)
			conf_problem(r, "%s: a PASID entry in a legacy-mode dump", rid);
		conf_put_guest(r, slot, c->root_lo, conf_reloc_present(r, c->root_lo));
		conf_put(r, slot + 8, c->root_hi);
		ctxt = c->root_lo & CONF_ADDR_MASK;
		conf_put_guest(r, ctxt + devfn * 16, c->ctx_lo,
			       tt == VTDM_CTX_TT_PT ? c->ctx_lo : conf_reloc_present(r, c->ctx_lo));
		conf_put(r, ctxt + devfn * 16 + 8, c->ctx_hi);
		return;
	}

	conf_put_guest(r, slot, c->root_lo, conf_reloc_present(r, c->root_lo));
	conf_put_guest(r, slot + 8, c->root_hi, conf_reloc_present(r, c->root_hi));
	ctxt = (devfn < 0x80 ? c->root_lo : c->root_hi) & CONF_ADDR_MASK;
	slot = ctxt + (devfn & 0x7f) * 32;
	conf_put_guest(r, slot, c->ctx_lo, conf_reloc_present(r, c->ctx_lo));
	conf_put(r, slot + 8, c->ctx_hi);
	/* Not printed: Linux keeps the upper 128 bits zero, QEMU requires it. */
	conf_put(r, slot + 16, 0);
	conf_put(r, slot + 24, 0);
	if (c->pasid < 0) {
		conf_problem(r, "%s: no PASID entry in a scalable-mode dump", rid);
		return;
	}
	/*
	 * The PASID directory entry is not printed: make it present, leading
	 * to a PASID table holding the entry that is.
	 */
	dslot = (c->ctx_lo & CONF_ADDR_MASK) + (u64)(c->pasid >> CONF_PDE_SHIFT) * 8;
	table = conf_pasid_table_key(dslot);
	conf_put(r, dslot, conf_model_page(r, table) | VTDM_PDE_P);
	pslot = table + (u64)(c->pasid & ((1 << CONF_PDE_SHIFT) - 1)) * CONF_PE_SIZE;
	pgtt = (c->pe[0] >> VTDM_PE_PGTT_SHIFT) & 7;
	v0 = c->pe[0];
	v2 = c->pe[2];
	if (pgtt == VTDM_PE_PGTT_SL || pgtt == VTDM_PE_PGTT_NESTED)
		v0 = conf_reloc(r, v0);
	if (pgtt == VTDM_PE_PGTT_FL || pgtt == VTDM_PE_PGTT_NESTED)
		v2 = conf_reloc(r, v2);
	conf_put_guest(r, pslot, c->pe[0], v0);
	conf_put(r, pslot + 8, c->pe[1]);
	conf_put_guest(r, pslot + 16, c->pe[2], v2);
}

/* AGAW of the only AW CAP.SAGAW allows, or -1. */
static int conf_only_aw(u64 cap)
{
	unsigned int sagaw = (cap >> VTDM_CAP_SAGAW_SHIFT) & 0x1f;

	return sagaw && !(sagaw & (sagaw - 1)) ? __builtin_ctz(sagaw) : -1;
}

/*
 * A device whose domain_translation_struct printed a root but whose context
 * entry the dmar dump does not show (hidden behind a copied entry on its
 * bus): a context entry leading to that root. Appends "RID @ROOT AW n" to
 * @note when it derives one.
 */
static void conf_derive(struct conformance_replay *r, const struct conf_ptdev *p,
			char *note, size_t len)
{
	unsigned int bus = p->rid >> 8, devfn = p->rid & 0xff;
	u64 root_slot = r->d->root + bus * 16, lo = 0, hi = 0, half, ctxt, slot;
	int aw = conf_only_aw(r->log->cap);
	size_t used = strlen(note);
	char rid[16];
	u16 did;

	if (!p->has_pgd || conf_ctx_find(r->d, p->rid) || r->nr_derived == CONF_MAX_DERIVED)
		return;
	if (p->nr_walks)
		aw = p->walks[0].top - 2;
	if (aw < 0)
		return;
	did = r->next_did--;
	conf_rid_name(rid, sizeof(rid), p->rid);
	conf_root_of(r->d, bus, &lo, &hi);
	half = r->scalable && devfn >= 0x80 ? hi : lo;
	if (half & VTDM_ROOT_P) {
		ctxt = half & CONF_ADDR_MASK;
	} else {
		/* No line shows the bus's root entry: give it a context table. */
		ctxt = CONF_SYNTH_CTX | (u64)bus << 13 | (devfn >= 0x80 ? 1ULL << 12 : 0);
		conf_put(r, root_slot + (r->scalable && devfn >= 0x80 ? 8 : 0),
			 conf_model_page(r, ctxt) | VTDM_ROOT_P);
	}
	if (!r->scalable) {
		slot = ctxt + devfn * 16;
		conf_put_guest(r, slot, p->pgd | VTDM_CTX_P, conf_reloc(r, p->pgd) | VTDM_CTX_P);
		conf_put(r, slot + 8, (u64)did << VTDM_CTX_DID_SHIFT | (unsigned int)aw);
	} else {
		u64 dir = CONF_SYNTH_DIR | (u64)p->rid << 12;
		u64 table = CONF_SYNTH_PTBL | (u64)p->rid << 12;
		u32 pasid = p->pasid & ((1U << (CONF_PDE_SHIFT + 7)) - 1);
		u64 v;

		slot = ctxt + (devfn & 0x7f) * 32;
		/* PDTS 0: a directory of 128 entries covers PASIDs below 8192. */
		conf_put(r, slot, conf_model_page(r, dir) | VTDM_SMCTX_P);
		conf_put(r, slot + 8, pasid);
		conf_put(r, slot + 16, 0);
		conf_put(r, slot + 24, 0);
		conf_put(r, dir + (pasid >> CONF_PDE_SHIFT) * 8,
			 conf_model_page(r, table) | VTDM_PDE_P);
		slot = table + (pasid & ((1U << CONF_PDE_SHIFT) - 1)) * CONF_PE_SIZE;
		v = (u64)VTDM_PE_PGTT_SL << VTDM_PE_PGTT_SHIFT | (u64)aw << VTDM_PE_AW_SHIFT |
		    VTDM_PE_P;
		conf_put_guest(r, slot, p->pgd | v, conf_reloc(r, p->pgd) | v);
		conf_put(r, slot + 8, did);
	}
	r->derived[r->nr_derived++] = p->rid;
	if (used < len)
		snprintf(note + used, len - used, "%s%s @%#llx AW %d%s", used ? ", " : "", rid,
			 p->pgd, aw, p->nr_walks ? "" : "*");
}

/* Every walk line of @p: each level's entry at its table + index. */
static void conf_build_walks(struct conformance_replay *r, const struct conf_ptdev *p)
{
	const struct conf_ctx_line *c = conf_ctx_find(r->d, p->rid);
	u64 want = 0;
	int aw = -1;
	size_t i;

	if (!p->has_pgd)
		return;
	if (c && !r->scalable) {
		want = c->ctx_lo & CONF_ADDR_MASK;
		aw = c->ctx_hi & 7;
	} else if (c && c->pasid >= 0) {
		want = c->pe[0] & CONF_ADDR_MASK;
		aw = (c->pe[0] >> VTDM_PE_AW_SHIFT) & 7;
	}
	if (c && want != p->pgd)
		conf_problem(r, "%s: its page-table dump starts at %#llx, its context at %#llx",
			     p->name, p->pgd, want);
	for (i = 0; i < p->nr_walks; i++) {
		const struct conf_walk *w = &p->walks[i];
		unsigned int level;
		u64 table = p->pgd;

		if (c && aw >= 0 && w->top != (unsigned int)aw + 2)
			conf_problem(r, "%s: a %u-level walk under a context with AW %d",
				     p->name, w->top, aw);
		for (level = w->top; level >= w->leaf; level--) {
			u64 slot = table + ((w->iova >> (12 + 9 * (level - 1))) & 511) * 8;
			u64 v = w->path[level];

			if (level == w->leaf) {
				conf_put(r, slot, v);
				break;
			}
			conf_put_guest(r, slot, v, conf_reloc(r, v));
			table = v & CONF_ADDR_MASK;
		}
	}
}

static void conf_cfg(const struct conformance_log *log, bool scalable, struct vtd_model_cfg *cfg)
{
	u64 cap = log->has_caps ? log->cap : CONF_QEMU_CAP;
	u64 ecap = log->has_caps ? log->ecap : scalable ? CONF_QEMU_ECAP_SM : CONF_QEMU_ECAP;

	vtd_model_default_cfg(cfg);
	cfg->haw = ((cap >> VTDM_CAP_MGAW_SHIFT) & 0x3f) + 1;
	cfg->sagaw = (cap >> VTDM_CAP_SAGAW_SHIFT) & 0x1f;
	cfg->nd = VTDM_CAP_ND(cap);
	cfg->caching_mode = cap & VTDM_CAP_CM;
	cfg->coherent = ecap & VTDM_ECAP_C;
	cfg->qi = ecap & VTDM_ECAP_QI;
	cfg->intremap = ecap & VTDM_ECAP_IR;
	cfg->pass_through = ecap & VTDM_ECAP_PT;
	cfg->scalable = scalable && (ecap & CONF_ECAP_SMTS);
}

static void conf_replay_free(struct conformance_replay *r)
{
	size_t i;

	if (!r)
		return;
	vtd_model_destroy(r->m);
	for (i = 0; i < r->nr_pages; i++)
		physmem_free_page(r->pages[i].model);
	free(r->pages);
	free(r);
}

/* ---- reporting ---------------------------------------------------------- */

struct conf_run {
	const struct conformance_log *log;
	bool scalable;
	const char *mode;
	const struct conformance_opts *opts;
	struct conformance_counts *counts;
	struct conformance_replay **replays;	/* per dump, once built */
	bool *tried;				/* per dump: build attempted */
	u8 *windows;				/* per dump x edu: window checked there */
};

static void __printf(3, 4) conf_say(struct conf_run *run, enum conformance_line kind,
				    const char *fmt, ...)
{
	static const char *const prefix[] = {
		[CONFORMANCE_OK] = "ok - ",
		[CONFORMANCE_NOT_OK] = "not ok - ",
		[CONFORMANCE_SKIP] = "# skip - ",
		[CONFORMANCE_NOTE] = "# ",
	};
	char text[CONF_TEXT_LEN * 2];
	va_list args;

	va_start(args, fmt);
	vsnprintf(text, sizeof(text), fmt, args);
	va_end(args);
	switch (kind) {
	case CONFORMANCE_OK:
		run->counts->passed++;
		break;
	case CONFORMANCE_NOT_OK:
		run->counts->failed++;
		break;
	case CONFORMANCE_SKIP:
		run->counts->skipped++;
		break;
	default:
		break;
	}
	if (run->opts && run->opts->report)
		run->opts->report(run->opts->report_ctx, kind, text);
	else
		printf("%s%s\n", prefix[kind], text);
}

static const char conf_derived_sm[] =
	", a made-up PASID directory leading to a RID_PASID entry, PGTT second-level";

static size_t conf_nr_walks(const struct conf_dump *d)
{
	size_t n = 0, i;

	for (i = 0; i < d->nr_pts; i++)
		n += d->pts[i].nr_walks;
	return n;
}

/* Rebuild dump @i, run the tamper hook, enable the model. NULL if it failed. */
static struct conformance_replay *conf_replay(struct conf_run *run, size_t i)
{
	const struct conf_dump *d = &run->log->dumps[i];
	struct conformance_replay *r;
	struct vtd_model_cfg cfg;
	struct vtd_model_stats st;
	char note[CONF_TEXT_LEN];
	void __iomem *regs;
	size_t j;

	if (run->tried[i])
		return run->replays[i];
	run->tried[i] = true;
	if (!d->has_root || d->te_off) {
		conf_say(run, CONFORMANCE_NOT_OK, "%s %s: dump usable (%s)", run->mode, d->tag,
			 d->te_off ? "translation was off" : "no root table address");
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		conf_say(run, CONFORMANCE_NOT_OK, "%s %s: out of memory", run->mode, d->tag);
		return NULL;
	}
	conf_cfg(run->log, run->scalable, &cfg);
	r->log = run->log;
	r->d = d;
	r->scalable = run->scalable;
	r->haw_mask = GENMASK_ULL(cfg.haw - 1, 0);
	r->next_did = (u16)((1U << (4 + 2 * cfg.nd)) - 1);
	r->root = conf_model_page(r, d->root);
	for (j = 0; j < d->nr_ctxs; j++)
		conf_build_ctx(r, &d->ctxs[j]);
	note[0] = '\0';
	for (j = 0; j < d->nr_pts; j++)
		conf_derive(r, &d->pts[j], note, sizeof(note));
	if (r->nr_derived) {
		run->counts->derived += r->nr_derived;
		conf_say(run, CONFORMANCE_NOTE,
			 "%s %s: %u context entries not in the dmar dump (its bus walk stops at a copied entry), derived from the devices' page-table dumps: present, that root, AW of the walk (*: the only one CAP.SAGAW allows), domain ids from %u down%s: %s",
			 run->mode, d->tag, r->nr_derived, r->next_did + r->nr_derived,
			 r->scalable ? conf_derived_sm : "", note);
	}
	for (j = 0; j < d->nr_pts; j++)
		conf_build_walks(r, &d->pts[j]);
	if (d->bad)
		conf_problem(r, "%u dmar/pt lines did not parse, the first at line %zu",
			     d->bad, d->bad_line);
	if (r->oom)
		conf_problem(r, "out of model memory");

	if (run->opts && run->opts->tamper)
		run->opts->tamper(run->opts->tamper_ctx, r, d->tag);

	r->m = vtd_model_create(run->log->has_caps ? run->log->reg_base : CONF_QEMU_REG_BASE,
				&cfg);
	if (!r->m) {
		conf_problem(r, "the model refused CAP %#llx ECAP %#llx", run->log->cap,
			     run->log->ecap);
	} else {
		u64 rtaddr = r->root | (r->scalable ? VTDM_RTADDR_SMT : 0);

		regs = vtd_model_regs(r->m);
		writeq(rtaddr, regs + VTDM_REG_RTADDR);
		writel(VTDM_GCMD_SRTP, regs + VTDM_REG_GCMD);
		writel(VTDM_GCMD_TE, regs + VTDM_REG_GCMD);
		vtd_model_stats(r->m, &st);
		if (!vtd_model_translation_enabled(r->m) || vtd_model_active_root(r->m) != rtaddr ||
		    st.errors)
			conf_problem(r, "the model did not enable translation (%llu errors)",
				     st.errors);
	}
	run->counts->replays++;
	if (r->problems) {
		conf_say(run, CONFORMANCE_NOT_OK,
			 "%s %s: tables rebuilt consistently from the dump (line %zu): %s%s",
			 run->mode, d->tag, d->line, r->problem,
			 r->problems > 1 ? " (and more)" : "");
	} else {
		conf_say(run, CONFORMANCE_OK,
			 "%s %s: tables rebuilt consistently from the dump (line %zu): root %#llx, %zu context entries, %u derived, %zu page-table walks, %u entries in %zu pages",
			 run->mode, d->tag, d->line, d->root, d->nr_ctxs, r->nr_derived,
			 conf_nr_walks(d), r->entries, r->nr_pages);
	}
	if (!r->m) {
		conf_replay_free(r);
		r = NULL;
	}
	run->replays[i] = r;
	return r;
}

/* ---- checks --------------------------------------------------------- */

/* Translate once, on a clean fault list; @reason gets the recorded fault's. */
static int conf_xlate(struct conformance_replay *r, u16 rid, u64 iova, bool write,
		      u64 *pa, struct vtd_fault *f)
{
	int ret;

	vtd_model_clear_faults(r->m);
	*pa = 0;
	memset(f, 0, sizeof(*f));
	ret = vtd_model_translate(r->m, rid, iova, write, pa);
	if (ret && !vtd_model_faults(r->m, f, 1))
		f->reason = 0;
	return ret;
}

static void conf_describe(char *buf, size_t len, int ret, u64 pa, const struct vtd_fault *f)
{
	if (!ret)
		snprintf(buf, len, "-> %#llx", pa);
	else if (f->reason)
		snprintf(buf, len, "fault %#x (%s)", f->reason, vtd_model_fault_name(f->reason));
	else
		snprintf(buf, len, "error %d, no fault recorded", ret);
}

/* Clear the fault recording register and the fault status, as dmar_fault() does. */
static void conf_frcd_clear(struct conformance_replay *r)
{
	void __iomem *regs = vtd_model_regs(r->m);

	writel(VTDM_FRCD_F >> 32, regs + VTDM_REG_FRCD + 12);
	writel(VTDM_FSTS_PFO | VTDM_FSTS_PPF, regs + VTDM_REG_FSTS);
}

/*
 * The fault report Linux 7.3 prints from the model's fault recording
 * register (dmar_fault(), dmar_fault_do_one(): the same fields, read the
 * same way), without the reason's name; "" if no fault is pending.
 */
static void conf_frcd_report(struct conformance_replay *r, char *buf, size_t len)
{
	void __iomem *regs = vtd_model_regs(r->m);
	u32 fsts = readl(regs + VTDM_REG_FSTS), hi, mid;
	u64 cap = readq(regs + VTDM_REG_CAP);
	u64 frcd = ((cap >> VTDM_CAP_FRO_SHIFT) & 0x3ff) * 16, addr;
	char pasid[24];
	u16 sid;

	buf[0] = '\0';
	if (!(fsts & VTDM_FSTS_PPF))
		return;
	frcd += ((fsts >> VTDM_FSTS_FRI_SHIFT) & 0xff) * 16;
	hi = readl(regs + frcd + 12);
	if (!(hi & BIT(31)))
		return;
	mid = readl(regs + frcd + 8);
	addr = readq(regs + frcd) & VTDM_PAGE_MASK;
	sid = mid & 0xffff;
	if (mid & BIT(31))
		snprintf(pasid, sizeof(pasid), "PASID 0x%x", (hi >> 8) & 0xfffff);
	else
		snprintf(pasid, sizeof(pasid), "NO_PASID");
	snprintf(buf, len,
		 "[%s %s] Request device [%04x:%02x:%02x.%d] fault addr 0x%llx [fault reason 0x%02x]",
		 (hi >> 30) & 1 ? "DMA Read" : "DMA Write", pasid, 0, sid >> 8, (sid >> 3) & 0x1f,
		 sid & 7, addr, hi & 0xff);
}

/* Does dump @d show (or let us derive) a context entry for @rid? */
static bool conf_knows(const struct conformance_replay *r, u16 rid)
{
	unsigned int i;

	if (conf_ctx_find(r->d, rid))
		return true;
	for (i = 0; i < r->nr_derived; i++)
		if (r->derived[i] == rid)
			return true;
	return false;
}

static const char *conf_hidden_why(const struct conf_dump *d)
{
	if (d->kernel > 1)
		return "hidden: the bus walk of dmar_translation_struct stops at a copied entry";
	return "not in the dump";
}

/* An observed working DMA: the whole window, read and write, to the buffer. */
static void conf_check_window(struct conf_run *run, struct conformance_replay *r,
			      const struct conf_obs *o, u16 rid, u64 iova, u64 buf)
{
	char rn[16], got[96];
	struct vtd_fault f;
	unsigned int i;
	int ret;
	u64 pa;

	conf_rid_name(rn, sizeof(rn), rid);
	run->counts->dma++;
	for (i = 0; i <= 2 * CONF_WINDOW_PAGES; i++) {
		bool write = i & 1;
		u64 off = i < 2 * CONF_WINDOW_PAGES ? (i / 2) * CONF_PAGE_SIZE : CONF_WINDOW - 1;

		ret = conf_xlate(r, rid, iova + off, write, &pa, &f);
		if (ret || pa != buf + off) {
			conf_describe(got, sizeof(got), ret, pa, &f);
			conf_say(run, CONFORMANCE_NOT_OK,
				 "%s %s: %s rid %s: %s (kernel %u, line %zu): %s at %#llx: model %s, hardware -> %#llx",
				 run->mode, r->d->tag, o->name, rn, conf_kind_name[o->kind],
				 o->kernel, o->line, write ? "write" : "read", iova + off, got,
				 buf + off);
			return;
		}
	}
	conf_say(run, CONFORMANCE_OK,
		 "%s %s: %s rid %s: %s (kernel %u, line %zu): iova %#llx..+%lluK read and write -> %#llx.. as on the hardware",
		 run->mode, r->d->tag, o->name, rn, conf_kind_name[o->kind], o->kernel, o->line,
		 iova, CONF_WINDOW / 1024, buf);
}

/* An observed fault, refusal or stray DMA at one address. */
static void conf_check_one(struct conf_run *run, struct conformance_replay *r,
			   const struct conf_obs *o, u16 rid, u64 buf_off_base)
{
	char rn[16], got[96], report[160];
	struct vtd_fault f;
	bool ok;
	int ret;
	u64 pa;

	conf_rid_name(rn, sizeof(rn), rid);
	if (o->kind == CONF_FAULT)
		conf_frcd_clear(r);
	ret = conf_xlate(r, rid, o->iova, o->write, &pa, &f);
	conf_describe(got, sizeof(got), ret, pa, &f);
	switch (o->kind) {
	case CONF_FAULT:
		run->counts->faults++;
		conf_frcd_report(r, report, sizeof(report));
		ok = ret == -EFAULT && f.reason == o->reason && !strcmp(report, o->report);
		conf_say(run, ok ? CONFORMANCE_OK : CONFORMANCE_NOT_OK,
			 "%s %s: %s (kernel %u, line %zu): DMA %s by rid %s at %#llx: model %s, reported as %s; hardware fault %#x (%s), reported as %s",
			 run->mode, r->d->tag, conf_kind_name[o->kind], o->kernel, o->line,
			 o->write ? "write" : "read", rn, o->iova, got,
			 report[0] ? report : "(nothing recorded)", o->reason,
			 vtd_model_fault_name(o->reason), o->report);
		break;
	case CONF_NO_DATA:
		run->counts->faults++;
		conf_say(run, ret ? CONFORMANCE_OK : CONFORMANCE_NOT_OK,
			 "%s %s: %s rid %s: %s (kernel %u, line %zu): write at %#llx: model %s, hardware refused it",
			 run->mode, r->d->tag, o->name, rn, conf_kind_name[o->kind], o->kernel,
			 o->line, o->iova, got);
		break;
	default:	/* CONF_MOVED */
		run->counts->dma++;
		ok = !ret && pa == buf_off_base;
		conf_say(run, ok ? CONFORMANCE_OK : CONFORMANCE_NOT_OK,
			 "%s %s: %s rid %s: %s (kernel %u, line %zu): write at %#llx: model %s, hardware -> %#llx",
			 run->mode, r->d->tag, o->name, rn, conf_kind_name[o->kind], o->kernel,
			 o->line, o->iova, got, buf_off_base);
		break;
	}
}

/* What the model must refuse around a window it translated in dump @r. */
static void conf_check_refusals(struct conf_run *run, struct conformance_replay *r,
				const char *name, u16 rid, u64 iova)
{
	u64 probes[2] = { iova + CONF_WINDOW, iova - CONF_PAGE_SIZE };
	char rn[16], got[96];
	struct vtd_fault f;
	unsigned int i;
	int ret;
	u64 pa;

	conf_rid_name(rn, sizeof(rn), rid);
	run->counts->refusals++;
	for (i = 0; i < 4; i++) {
		bool write = i & 1;
		u8 want = write ? VTDM_FR_WRITE : VTDM_FR_READ;
		u64 a = probes[i / 2];

		if (i >= 2 && iova < CONF_PAGE_SIZE)
			break;
		ret = conf_xlate(r, rid, a, write, &pa, &f);
		if (ret != -EFAULT || f.reason != want) {
			conf_describe(got, sizeof(got), ret, pa, &f);
			conf_say(run, CONFORMANCE_NOT_OK,
				 "%s %s: %s rid %s: refused just outside its window: %s at %#llx: model %s, expected fault %#x",
				 run->mode, r->d->tag, name, rn, write ? "write" : "read", a, got,
				 want);
			return;
		}
	}
	conf_say(run, CONFORMANCE_OK,
		 "%s %s: %s rid %s: refused just outside its window (%#llx, %#llx): fault 0x6 on read, 0x5 on write",
		 run->mode, r->d->tag, name, rn, iova - CONF_PAGE_SIZE, iova + CONF_WINDOW);
}

/* Is @rid a known device's (or alias's) in any dump? */
static bool conf_rid_used(const struct conformance_log *log, u16 rid)
{
	size_t i, j;
	unsigned int k;

	for (i = 0; i < log->nr_dumps; i++) {
		const struct conf_dump *d = &log->dumps[i];

		if (conf_ctx_find(d, rid))
			return true;
		for (j = 0; j < d->nr_devs; j++)
			for (k = 0; k < d->devs[j].nr_rids; k++)
				if (d->devs[j].rids[k] == rid)
					return true;
		for (j = 0; j < d->nr_edus; j++)
			if (d->edus[j].rid == rid)
				return true;
	}
	return false;
}

static bool conf_bus_used(const struct conformance_log *log, unsigned int bus)
{
	unsigned int devfn;

	for (devfn = 0; devfn < 256; devfn++)
		if (conf_rid_used(log, (u16)(bus << 8 | devfn)))
			return true;
	return false;
}

static void conf_expect_fault(struct conf_run *run, struct conformance_replay *r, u16 rid,
			      u64 iova, u8 want, const char *what)
{
	char rn[16], got[96];
	struct vtd_fault f;
	int ret;
	u64 pa;

	conf_rid_name(rn, sizeof(rn), rid);
	run->counts->refusals++;
	ret = conf_xlate(r, rid, iova, true, &pa, &f);
	conf_describe(got, sizeof(got), ret, pa, &f);
	conf_say(run, ret == -EFAULT && f.reason == want ? CONFORMANCE_OK : CONFORMANCE_NOT_OK,
		 "%s %s: rid %s (%s) refused: write at %#llx: model %s, expected fault %#x (%s)",
		 run->mode, r->d->tag, rn, what, iova, got, want, vtd_model_fault_name(want));
}

/* Per replayed dump: a function without a context entry, a bus without a root entry. */
static void conf_check_absent(struct conf_run *run, struct conformance_replay *r, u64 iova)
{
	const struct conf_dump *d = r->d;
	unsigned int bus, devfn;
	u64 lo, hi, half;

	if (!d->nr_ctxs)
		return;
	bus = d->ctxs[0].rid >> 8;
	conf_root_of(d, bus, &lo, &hi);
	for (devfn = 0; devfn < 256; devfn++) {
		u16 rid = (u16)(bus << 8 | devfn);

		half = r->scalable && devfn >= 0x80 ? hi : lo;
		if ((half & VTDM_ROOT_P) && !conf_knows(r, rid) && !conf_rid_used(run->log, rid)) {
			conf_expect_fault(run, r, rid, iova, VTDM_FR_CONTEXT_ENTRY_P,
					  "no device: no context entry on a bus with a root entry");
			break;
		}
	}
	for (bus = 0; bus < 256; bus++) {
		if (!conf_bus_used(run->log, bus) && !conf_root_of(d, bus, &lo, &hi)) {
			conf_expect_fault(run, r, (u16)(bus << 8), iova, VTDM_FR_ROOT_ENTRY_P,
					  "no device on its bus: no root entry");
			break;
		}
	}
}

static enum conf_state conf_state_in(const struct conf_dump *d, const char *name)
{
	const struct conf_edu *e = conf_edu_find(d, name);

	return e ? e->state : CONF_ABSENT;
}

/* Index of the last dump of @kernel (before @line if @before), or -1. */
static long conf_last_dump(const struct conformance_log *log, unsigned int kernel,
			   size_t line, bool before)
{
	long i;

	for (i = (long)log->nr_dumps - 1; i >= 0; i--)
		if (log->dumps[i].kernel == kernel && (!before || log->dumps[i].line < line))
			return i;
	return -1;
}

static long conf_next_dump(const struct conformance_log *log, unsigned int kernel, size_t line)
{
	size_t i;

	for (i = 0; i < log->nr_dumps; i++)
		if (log->dumps[i].kernel == kernel && log->dumps[i].line > line)
			return (long)i;
	return -1;
}

/* Replay @o on dump @i. */
static void conf_replay_obs(struct conf_run *run, const struct conf_obs *o, long i)
{
	const struct conf_dump *d = &run->log->dumps[i];
	const struct conf_edu *e = conf_edu_any(run->log, o->name);
	struct conformance_replay *r = conf_replay(run, (size_t)i);
	u16 rid = o->kind == CONF_FAULT ? o->rid : conf_hw_rid(run->log, d, o->name);
	u64 iova, buf;
	char rn[16];
	size_t k;

	if (!r)
		return;
	conf_rid_name(rn, sizeof(rn), rid);
	if (!conf_knows(r, rid) && (o->kind != CONF_FAULT || d->kernel > 1)) {
		conf_say(run, CONFORMANCE_SKIP,
			 "%s %s: %s rid %s: %s (kernel %u, line %zu): no context entry for it in the dump (%s)",
			 run->mode, d->tag, o->name, rn, conf_kind_name[o->kind], o->kernel,
			 o->line, conf_hidden_why(d));
		return;
	}
	if (o->kind == CONF_FAULT || o->kind == CONF_NO_DATA) {
		conf_check_one(run, r, o, rid, 0);
		return;
	}
	if (!e) {
		conf_say(run, CONFORMANCE_SKIP,
			 "%s %s: %s: %s (line %zu): no edu line gives its buffer",
			 run->mode, d->tag, o->name, conf_kind_name[o->kind], o->line);
		return;
	}
	if (o->kind == CONF_MOVED) {
		conf_check_one(run, r, o, rid, e->buf + (o->iova - e->iova));
		return;
	}
	iova = o->has_iova ? o->iova : e->iova;
	buf = o->kind == CONF_OWN_OK ? o->phys : e->buf;
	conf_check_window(run, r, o, rid, iova, buf);
	for (k = 0; k < d->nr_edus && k < CONF_MAX_EDUS; k++)
		if (!strcmp(d->edus[k].name, o->name))
			run->windows[i * CONF_MAX_EDUS + k] = 1;
}

static void conf_observation(struct conf_run *run, const struct conf_obs *o)
{
	const struct conformance_log *log = run->log;
	bool any = false;
	long i;
	size_t j;

	switch (o->kind) {
	case CONF_OWN_OK:
		/* Every later dump of that kernel where the domain is still its own. */
		for (j = 0; j < log->nr_dumps; j++) {
			if (log->dumps[j].kernel == o->kernel && log->dumps[j].line > o->line &&
			    conf_state_in(&log->dumps[j], o->name) == CONF_OWN) {
				conf_replay_obs(run, o, (long)j);
				any = true;
			}
		}
		if (!any)
			goto skip;
		return;
	case CONF_NEW_OK:
	case CONF_CHECK_OK:
		i = conf_next_dump(log, o->kernel, o->line);
		if (i >= 0 && conf_state_in(&log->dumps[i], o->name) == CONF_OWN)
			break;
		if (o->kind == CONF_NEW_OK || i < 0 ||
		    conf_state_in(&log->dumps[i], o->name) != CONF_ADOPTED)
			goto skip;
		fallthrough;
	case CONF_PRESERVED_OK:
	case CONF_INFLIGHT:
		/* An adopted device runs on what the previous kernel left. */
		i = o->kernel > 1 ? conf_last_dump(log, o->kernel - 1, 0, false) : -1;
		break;
	default:
		i = conf_last_dump(log, o->kernel, o->line, true);
		if (i < 0)
			i = conf_next_dump(log, o->kernel, o->line);
		break;
	}
	if (i >= 0) {
		conf_replay_obs(run, o, i);
		return;
	}
skip:
	conf_say(run, CONFORMANCE_SKIP, "%s: %s: %s (kernel %u, line %zu): no dump to replay it on",
		 run->mode, o->name, conf_kind_name[o->kind], o->kernel, o->line);
}

/* The dumps are in the mode asked for. */
static void conf_check_mode(struct conf_run *run)
{
	const struct conformance_log *log = run->log;
	size_t i, j, ctxs = 0, pts = 0, wrong = 0;
	bool no_smts;

	for (i = 0; i < log->nr_dumps; i++) {
		for (j = 0; j < log->dumps[i].nr_ctxs; j++, ctxs++) {
			bool sm = log->dumps[i].ctxs[j].pasid >= 0;

			if (sm != run->scalable)
				wrong++;
		}
		pts += log->dumps[i].nr_pts;
	}
	if (!ctxs || !pts || !log->nr_obs) {
		conf_say(run, CONFORMANCE_NOT_OK,
			 "%s: the log has something to replay: %zu dumps, %zu context entries, %zu page-table dumps, %zu observations",
			 run->mode, log->nr_dumps, ctxs, pts, log->nr_obs);
		return;
	}
	no_smts = run->scalable && log->has_caps && !(log->ecap & CONF_ECAP_SMTS);
	conf_say(run, wrong || no_smts ? CONFORMANCE_NOT_OK : CONFORMANCE_OK,
		 "%s: the dumps are %s-mode (%zu of %zu context entries %s a PASID entry%s)",
		 run->mode, run->mode, ctxs - wrong, ctxs, run->scalable ? "with" : "without",
		 no_smts ? "; but ECAP.SMTS is clear" : "");
	if (!log->has_caps)
		conf_say(run, CONFORMANCE_NOTE,
			 "%s: no \"DMAR: dmar0: reg_base_addr ... cap ... ecap\" line: QEMU 7.2's defaults assumed",
			 run->mode);
}

/**
 * conformance_run() - Replay a parsed log on the VT-d model.
 * @log: the log.
 * @scalable: the log must be a scalable-mode run (else legacy).
 * @opts: reporting and tamper hooks; NULL: print, no tampering.
 * @counts: out: what was done.
 *
 * Initialises the physical-memory model if it is not up (physmem_init(0));
 * any size will do. Every model page used is freed before returning.
 *
 * Return: 0 if every check passed and at least one DMA result was replayed,
 * -EINVAL if a check failed, -ENODATA if nothing could be replayed,
 * -ENOMEM, or physmem_init()'s error.
 */
int conformance_run(const struct conformance_log *log, bool scalable,
		    const struct conformance_opts *opts, struct conformance_counts *counts)
{
	struct conf_run run = {
		.log = log,
		.scalable = scalable,
		.mode = scalable ? "scalable" : "legacy",
		.opts = opts,
		.counts = counts,
	};
	size_t i, k;
	int ret;

	memset(counts, 0, sizeof(*counts));
	ret = physmem_init(0);
	if (ret && ret != -EBUSY)	/* -EBUSY: up already, with another size */
		return ret;
	run.replays = calloc(log->nr_dumps + 1, sizeof(*run.replays));
	run.tried = calloc(log->nr_dumps + 1, sizeof(*run.tried));
	run.windows = calloc((log->nr_dumps + 1) * CONF_MAX_EDUS, 1);
	if (!run.replays || !run.tried || !run.windows) {
		ret = -ENOMEM;
		goto out;
	}
	conf_check_mode(&run);
	for (i = 0; i < log->nr_obs; i++)
		conf_observation(&run, &log->obs[i]);
	for (i = 0; i < log->nr_dumps; i++) {
		struct conformance_replay *r = run.replays[i];
		const struct conf_dump *d = &log->dumps[i];
		u64 iova = 0;

		if (!r)
			continue;
		for (k = 0; k < d->nr_edus && k < CONF_MAX_EDUS; k++) {
			if (!run.windows[i * CONF_MAX_EDUS + k])
				continue;
			if (!iova)
				iova = d->edus[k].iova;
			conf_check_refusals(&run, r, d->edus[k].name,
					    conf_hw_rid(log, d, d->edus[k].name), d->edus[k].iova);
		}
		if (iova)
			conf_check_absent(&run, r, iova);
	}
	ret = counts->failed ? -EINVAL : counts->dma ? 0 : -ENODATA;
out:
	for (i = 0; run.replays && i < log->nr_dumps; i++)
		conf_replay_free(run.replays[i]);
	free(run.replays);
	free(run.tried);
	free(run.windows);
	return ret;
}

/* ---- for tamper hooks ------------------------------------------------------ */

static u64 *conf_va(u64 pa, size_t len)
{
	return physmem_valid(pa, len) ? physmem_va(pa) : NULL;
}

/**
 * conformance_context() - The context entry of a requester id in a rebuilt dump.
 * @r: the dump, as passed to the tamper hook.
 * @rid: requester id.
 *
 * Return: its low qword in the model's memory (legacy 16-byte or scalable
 * 32-byte entry), or NULL if its root entry is not present.
 */
u64 *conformance_context(struct conformance_replay *r, u16 rid)
{
	unsigned int devfn = rid & 0xff;
	u64 *re = conf_va(r->root + (u64)(rid >> 8) * 16, 16), half;

	if (!re)
		return NULL;
	half = r->scalable && devfn >= 0x80 ? re[1] : re[0];
	if (!(half & VTDM_ROOT_P))
		return NULL;
	if (r->scalable)
		return conf_va((half & VTDM_PAGE_MASK) + (devfn & 0x7f) * 32, 32);
	return conf_va((half & VTDM_PAGE_MASK) + devfn * 16, 16);
}

/**
 * conformance_pte() - A page-table entry of a requester id's translation.
 * @r: the dump, as passed to the tamper hook.
 * @rid: requester id.
 * @iova: input address.
 * @level: which entry: 1 is the 4 KiB leaf, up to the table's top level.
 *
 * Follows the rebuilt tables (context entry, in scalable mode its RID_PASID
 * entry, then the table entries above @level), like the hardware walk.
 *
 * Return: the entry for @iova at @level in the model's memory (present or
 * not), or NULL if a table above it is not present.
 */
u64 *conformance_pte(struct conformance_replay *r, u16 rid, u64 iova, unsigned int level)
{
	u64 *ce = conformance_context(r, rid), table, *e;
	unsigned int top, l;

	if (!ce || !(ce[0] & 1) || !level)
		return NULL;
	if (r->scalable) {
		u32 pasid = ce[1] & VTDM_SMCTX_RID2PASID;
		u64 *pde = conf_va((ce[0] & VTDM_PAGE_MASK) + (pasid >> CONF_PDE_SHIFT) * 8, 8);
		u64 *pe;

		if (!pde || !(*pde & VTDM_PDE_P))
			return NULL;
		pe = conf_va((*pde & VTDM_PAGE_MASK) +
			     (pasid & ((1U << CONF_PDE_SHIFT) - 1)) * CONF_PE_SIZE, CONF_PE_SIZE);
		if (!pe || !(pe[0] & VTDM_PE_P))
			return NULL;
		table = pe[0] & VTDM_PAGE_MASK;
		top = ((pe[0] >> VTDM_PE_AW_SHIFT) & 7) + 2;
	} else {
		table = ce[0] & VTDM_PAGE_MASK;
		top = (ce[1] & 7) + 2;
	}
	if (level > top)
		return NULL;
	for (l = top;; l--) {
		e = conf_va(table + ((iova >> (12 + 9 * (l - 1))) & 511) * 8, 8);
		if (!e || l == level)
			return e;
		if (!(*e & (VTDM_PTE_R | VTDM_PTE_W)) || (*e & VTDM_PTE_PS))
			return NULL;
		table = *e & CONF_ADDR_MASK;
	}
}
