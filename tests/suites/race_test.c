// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: concurrency tests (userspace, machine model; run them under TSan)
 *
 * race_test_concurrent: two threads preserve and unpreserve their own
 * groups (one domain is shared by a group of each thread, so its reference
 * counts are contended; every group shares the unit's root table), a third
 * hot-adds endpoints into two empty slots, gives each an owner domain,
 * preserves some and hot-removes them again, preserved or not, and a fourth
 * keeps asking the lockless questions (device preserved? attach allowed?
 * domain change allowed?). Then the old kernel's shutdown. The PCI, IOMMU
 * core and driver models are not thread-safe, so the hotplug thread changes
 * them under a harness lock; the framework is always called outside it
 * (the hotplug events reach it from inside the model's add and remove, as
 * the bus notifier does in the kernel). Every operation is logged with its
 * result when it completes. Afterwards:
 *
 * - every operation returned what it must (preserve and unpreserve 0);
 * - the handover (lu_ser_dump(), decoded) holds exactly the devices a
 *   sequential replay of the log on a fresh machine leaves preserved, with
 *   the same requester ids, domains and page counts per kind, and the
 *   replay's calls return what the concurrent ones did;
 * - the pages it declares are exactly those the preserved requester ids
 *   use in the hardware (root, context tables, page tables walked from the
 *   context entries), and KHO holds nothing more;
 * - under ThreadSanitizer: no report (TSAN_OPTIONS=halt_on_error=1 makes
 *   any report fatal).
 *
 * Run: make check SAN=tsan CC=clang-14 KUNIT_FILTER='iommu_lu_race*'
 * (LU_RACE_SCALE=N in the environment multiplies the operations: "make
 * stress").
 *
 * race_test_stop_*: a shutdown racing an operation in flight. In the kernel
 * the kexec-time shutdown runs with the other CPUs stopped wherever they
 * were, so an operation may be frozen half done and the handover is then
 * whatever that instant left. Outcome, as the core defines it
 * (iommu_lu_unit_shutdown()) and these cases check:
 *
 * - every change to the registry and the handover happens under
 *   &lu_core.lock, so an operation frozen half done always holds it; the
 *   shutdown sees the lock held, still cleans the hardware (only entries
 *   whose requester id is set in the preserved bitmaps survive, and a bit
 *   is set only after its device record is complete and cleared before the
 *   record goes) and leaves translation on, but does not mark the unit
 *   cleaned; the next kernel then blocks the unit ("did not run its
 *   shutdown cleanup"): all DMA faults, nothing is adopted. Safe; the
 *   devices preserved before lose their DMA for this update;
 * - an operation stopped before it took the lock, or after it released it,
 *   left a consistent registry: the next kernel adopts the state before, or
 *   after, the operation;
 * - no instant gives a handover the next kernel adopts that differs from
 *   both; and, second line, the write order makes a torn handover fail
 *   decoding on its own anyway: a record is counted in its block's live
 *   count and in the header's record count only after it is written, and
 *   a unit record says how many device records it has, so a stop between
 *   any two of those writes leaves counts the decoder cross-checks and
 *   refuses (except a page or domain record whose device record was not
 *   written yet: that decodes, as an unreferenced page, or is refused as a
 *   domain without device, and the hardware check finds no entry for it).
 *
 * The instants tried are every allocation and every KHO call the operation
 * makes (the shim and KHO model stop points): the test longjmp()s out of
 * the operation there, as if its CPU had been stopped, runs the shutdown
 * and the kexec, and checks the next kernel. Operations: the unit's first
 * preserve, a further preserve, an unpreserve (all without LUO's freeze,
 * the only way they can be in flight at kexec time), and, frozen, a
 * preserved device's hot removal (the one change LUO still allows).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <kunit/test.h>
#include "harness/machine.h"
#include "model/physmem.h"
#include "model/kho.h"
#include "../core/lu_core.h"
#include "../golden/dump_map.h"

/* ---- the handover, decoded and made comparable ---- */

struct rc_dev {
	u64 token;
	u16 rid;
	u16 nr_rids;
	u16 rids[IOMMU_LU_MAX_RIDS];
	u32 dom_pages;
	u32 dom_levels;
};

struct rc_ho {
	bool present;
	unsigned int nr_devs;
	struct rc_dev devs[64];
	unsigned int kinds[IOMMU_LU_PAGE_KIND_NR];
	u64 pages[1024];
	unsigned int nr_pages;
};

static int rc_cmp_dev(const void *a, const void *b)
{
	const struct rc_dev *x = a, *y = b;

	if (x->token != y->token)
		return x->token < y->token ? -1 : 1;
	return x->rid - y->rid;
}

static int rc_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Decode a flat dump (as lu_ser_dump() writes it) into @h. */
static int rc_decode_dump(const u8 *buf, size_t len, struct rc_ho *h,
			  char *err, size_t errlen)
{
	const struct lu_dump d = { .buf = buf, .len = len };
	struct iommu_lu_handover ho;
	u32 i, j;
	int ret;

	memset(h, 0, sizeof(*h));
	if (!len)
		return 0;
	h->present = true;
	ret = iommu_lu_decode(lu_dump_header(&d), IOMMU_LU_BLOCK_SIZE, lu_dump_map,
			      (void *)&d, &ho, err, errlen);
	if (ret)
		return ret;
	for (i = 0; i < ho.nr_devices && h->nr_devs < ARRAY_SIZE(h->devs); i++) {
		const struct iommu_lu_device_ser *dv = &ho.devices[i];
		const struct iommu_lu_domain_ser *dom =
			iommu_lu_handover_domain(&ho, dv->domain_id);
		struct rc_dev *o = &h->devs[h->nr_devs++];

		for (j = 0; j < ho.nr_units; j++)
			if (ho.units[j].id == dv->unit_id)
				o->token = ho.units[j].token;
		o->rid = dv->rid;
		o->nr_rids = dv->nr_rids;
		memcpy(o->rids, dv->rids, sizeof(o->rids));
		o->dom_pages = dom->nr_pages;
		o->dom_levels = dom->levels;
	}
	qsort(h->devs, h->nr_devs, sizeof(h->devs[0]), rc_cmp_dev);
	for (i = 0; i < ho.nr_pages; i++) {
		h->kinds[ho.pages[i].kind]++;
		if (h->nr_pages < ARRAY_SIZE(h->pages))
			h->pages[h->nr_pages++] = ho.pages[i].phys;
	}
	qsort(h->pages, h->nr_pages, sizeof(u64), rc_cmp_u64);
	iommu_lu_handover_free(&ho);
	return 0;
}

/* The outgoing handover, decoded. Context: &lu_core.lock not held. */
static int rc_decode_out(struct rc_ho *h, char *err, size_t errlen)
{
	size_t len;
	u8 *buf;
	int ret;

	mutex_lock(&lu.lock);
	len = lu_ser_dump(NULL, 0);
	buf = calloc(1, len + 1);
	if (!buf)
		abort();
	lu_ser_dump(buf, len);
	mutex_unlock(&lu.lock);
	ret = rc_decode_dump(buf, len, h, err, errlen);
	free(buf);
	return ret;
}

/* Same devices (ids, aliases, domain shape) and page counts per kind. */
static bool rc_same_shape(const struct rc_ho *a, const struct rc_ho *b)
{
	return a->nr_devs == b->nr_devs &&
	       !memcmp(a->devs, b->devs, a->nr_devs * sizeof(a->devs[0])) &&
	       !memcmp(a->kinds, b->kinds, sizeof(a->kinds));
}

static bool rc_same(const struct rc_ho *a, const struct rc_ho *b)
{
	return a->present == b->present && rc_same_shape(a, b) &&
	       a->nr_pages == b->nr_pages &&
	       !memcmp(a->pages, b->pages, a->nr_pages * sizeof(u64));
}

/*
 * Appends to @out (@n entries, at most @max) the tables the present entries
 * of the page table at @table point at, leaves (bit 7) aside; returns the
 * new count.
 */
static unsigned int rc_hw_next_level(u64 table, u64 *out, unsigned int n,
				     unsigned int max)
{
	const u64 *pte = physmem_va(table);
	unsigned int e;

	for (e = 0; e < 512 && n < max; e++)
		if ((pte[e] & 3) && !(pte[e] & BIT(7)))
			out[n++] = pte[e] & GENMASK_ULL(51, 12);
	return n;
}

/* Pages the preserved ids of @h use in unit 0's hardware, by walking it. */
static unsigned int rc_hw_pages(struct lu_machine *m, const struct rc_ho *h,
				u64 *out, unsigned int max)
{
	u64 root = idrv_root_phys(m->drv[0]);
	const u64 *re = physmem_va(root);
	unsigned int n = 0, i, j, l, first, last, k;

	if (!h->nr_devs)
		return 0;
	out[n++] = root;
	for (i = 0; i < h->nr_devs; i++) {
		for (j = 0; j < h->devs[i].nr_rids; j++) {
			u16 rid = h->devs[i].rids[j];
			u64 ctp = re[2 * (rid >> 8)] & GENMASK_ULL(51, 12);
			const u64 *ce = physmem_va(ctp);
			u64 lo, hi;

			if (!(re[2 * (rid >> 8)] & 1) || !ce)
				continue;
			out[n++] = ctp;
			lo = ce[2 * (rid & 0xff)];
			hi = ce[2 * (rid & 0xff) + 1];
			if (!(lo & 1))
				continue;
			first = n;
			out[n++] = lo & GENMASK_ULL(51, 12);
			for (l = (hi & 7) + 2; l > 1; l--) {
				for (last = n, k = first; k < last; k++)
					n = rc_hw_next_level(out[k], out, n, max);
				first = last;
			}
			if (n + 600 > max)
				goto out;	/* the caller sees a mismatch */
		}
	}
out:
	qsort(out, n, sizeof(u64), rc_cmp_u64);
	for (i = 0, j = 0; i < n; i++)
		if (!j || out[j - 1] != out[i])
			out[j++] = out[i];
	return j;
}

/* ---- concurrent operations ---- */

#define RC_GROUPS	6	/* 0-4: one endpoint; 5: a bridge group */
#define RC_THREADS	2	/* preserve/unpreserve threads */
#define RC_OPS		400	/* per such thread, times LU_RACE_SCALE */
#define RC_HP_ITERS	80	/* times LU_RACE_SCALE */
#define RC_HP_SLOTS	2

enum rc_kind { RC_PRESERVE, RC_UNPRESERVE, RC_ADD, RC_REMOVE, RC_HP_PRESERVE,
	       RC_HP_UNPRESERVE };

struct rc_op {
	enum rc_kind kind;
	int target;		/* group, or hotplug slot */
	u32 arg;		/* hotplug: the owner's seed */
	int ret;
};

struct rc {
	struct lu_machine *m;
	pthread_mutex_t hw_lock;	/* the models */
	pthread_mutex_t log_lock;
	struct rc_op *log;
	unsigned int nr_log, max_log;
	unsigned int ops, hp_iters;	/* per thread */
	/* Set up before the threads start, read-only while they run. */
	struct device *gdev[RC_GROUPS][2];
	unsigned int gnr[RC_GROUPS];
	struct lu_owner *owner[RC_GROUPS];
	int hp_rp[RC_HP_SLOTS];
	/* The hotplug thread's. */
	int hp_idx[RC_HP_SLOTS];
	struct lu_owner *hp_owner[RC_HP_SLOTS];
	/* Results for the main thread. */
	int stop;
	unsigned int errors;
	char msg[256];
};

static void rc_log(struct rc *r, enum rc_kind kind, int target, u32 arg,
		   int ret)
{
	pthread_mutex_lock(&r->log_lock);
	if (r->nr_log < r->max_log)
		r->log[r->nr_log++] = (struct rc_op){ kind, target, arg, ret };
	pthread_mutex_unlock(&r->log_lock);
}

static void rc_error(struct rc *r, const char *what, int target, int ret)
{
	pthread_mutex_lock(&r->log_lock);
	if (!r->errors++)
		snprintf(r->msg, sizeof(r->msg), "%s %d returned %d", what,
			 target, ret);
	pthread_mutex_unlock(&r->log_lock);
}

static u32 rc_rnd(u32 *s)
{
	*s = *s * 1103515245 + 12345;
	return *s >> 8;
}

/* Topology and owners: the same on the concurrent and the replay machine. */
static void rc_build(struct kunit *test, struct rc *r)
{
	struct lu_machine *m = lu_machine_new(1, NULL);
	int g, rp, br, pbr, a, b;

	r->m = m;
	for (g = 0; g < RC_GROUPS - 1; g++) {
		rp = lu_machine_add(m, 0, -1, PCI_DEVFN(g + 1, 0), PCI_MODEL_ROOT_PORT,
				    0x10 + g);
		a = lu_machine_add(m, 0, rp, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
		KUNIT_ASSERT_GE(test, a, 0);
		r->gdev[g][0] = lu_machine_dev(m, a);
		r->gnr[g] = 1;
		/* Groups 0 and 3 (one of each thread) share a domain. */
		r->owner[g] = g == 3 ? r->owner[0] :
			lu_owner_new(m, 0, 0x100000 * (g + 1), 1 + g % 3, 0x50 + g);
		KUNIT_ASSERT_EQ(test, lu_owner_attach(r->owner[g], a), 0);
	}
	rp = lu_machine_add(m, 0, -1, PCI_DEVFN(0x10, 0), PCI_MODEL_ROOT_PORT, 0x18);
	pbr = lu_machine_add(m, 0, rp, 0, PCI_MODEL_PCIE_PCI_BRIDGE, 0x19);
	br = lu_machine_add(m, 0, pbr, PCI_DEVFN(1, 0), PCI_MODEL_PCI_BRIDGE, 0x1a);
	a = lu_machine_add(m, 0, br, PCI_DEVFN(2, 0), PCI_MODEL_ENDPOINT_PCI, 0);
	b = lu_machine_add(m, 0, br, PCI_DEVFN(3, 0), PCI_MODEL_ENDPOINT_PCI, 0);
	KUNIT_ASSERT_GE(test, b, 0);
	r->gdev[RC_GROUPS - 1][0] = lu_machine_dev(m, a);
	r->gdev[RC_GROUPS - 1][1] = lu_machine_dev(m, b);
	r->gnr[RC_GROUPS - 1] = 2;
	r->owner[RC_GROUPS - 1] = lu_owner_new(m, 0, 0x40000000, 2, 0x5f);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(r->owner[RC_GROUPS - 1], a), 0);
	for (a = 0; a < RC_HP_SLOTS; a++) {
		r->hp_rp[a] = lu_machine_add(m, 0, -1, PCI_DEVFN(0x18 + a, 0),
					     PCI_MODEL_ROOT_PORT, 0x20 + a);
		KUNIT_ASSERT_GE(test, r->hp_rp[a], 0);
		r->hp_idx[a] = -1;
	}
}

static int rc_group_op(struct rc *r, enum rc_kind kind, int g)
{
	if (kind == RC_PRESERVE)
		return iommu_lu_preserve_devices(r->gdev[g], r->gnr[g]);
	return iommu_lu_unpreserve_device(r->gdev[g][0]);
}

/* Hotplug: the model under the harness lock; the framework outside it. */
static int rc_hp_op(struct rc *r, enum rc_kind kind, int s, u32 seed)
{
	struct device *dev;
	int ret = 0;

	switch (kind) {
	case RC_ADD:
		pthread_mutex_lock(&r->hw_lock);
		r->hp_idx[s] = lu_machine_add(r->m, 0, r->hp_rp[s], 0,
					      PCI_MODEL_ENDPOINT_PCIE, 0);
		if (r->hp_idx[s] < 0) {
			ret = r->hp_idx[s];
		} else {
			r->hp_owner[s] = lu_owner_new(r->m, 0, 0x800000 + s * 0x100000,
						      1 + seed % 2, seed);
			ret = lu_owner_attach(r->hp_owner[s], r->hp_idx[s]);
		}
		pthread_mutex_unlock(&r->hw_lock);
		return ret;
	case RC_REMOVE:
		pthread_mutex_lock(&r->hw_lock);
		lu_machine_remove(r->m, r->hp_idx[s]);
		lu_owner_destroy(r->hp_owner[s]);
		r->hp_idx[s] = -1;
		r->hp_owner[s] = NULL;
		pthread_mutex_unlock(&r->hw_lock);
		return 0;
	default:
		pthread_mutex_lock(&r->hw_lock);
		dev = lu_machine_dev(r->m, r->hp_idx[s]);
		pthread_mutex_unlock(&r->hw_lock);
		return kind == RC_HP_PRESERVE ? iommu_lu_preserve_device(dev) :
						iommu_lu_unpreserve_device(dev);
	}
}

struct rc_arg {
	struct rc *r;
	int id;
};

static void *rc_group_thread(void *data)
{
	struct rc_arg *a = data;
	struct rc *r = a->r;
	u32 seed = 0x1000 + a->id;
	int i;

	for (i = 0; i < (int)r->ops; i++) {
		/* Thread 0: groups 0, 2, 4; thread 1: 1, 3, 5. */
		int g = a->id + 2 * (rc_rnd(&seed) % (RC_GROUPS / 2));
		enum rc_kind kind = rc_rnd(&seed) % 3 ? RC_PRESERVE : RC_UNPRESERVE;
		int ret = rc_group_op(r, kind, g);

		rc_log(r, kind, g, 0, ret);
		if (ret)
			rc_error(r, kind == RC_PRESERVE ? "preserve of group" :
				 "unpreserve of group", g, ret);
	}
	return NULL;
}

static void *rc_hotplug_thread(void *data)
{
	struct rc *r = ((struct rc_arg *)data)->r;
	u32 seed = 0x2000;
	int i;

	for (i = 0; i < (int)r->hp_iters; i++) {
		int s = rc_rnd(&seed) % RC_HP_SLOTS;
		u32 x = rc_rnd(&seed);
		enum rc_kind kind;
		int ret;

		if (r->hp_idx[s] < 0)
			kind = RC_ADD;
		else if (x % 3 == 0)
			kind = RC_REMOVE;
		else
			kind = x % 3 == 1 ? RC_HP_PRESERVE : RC_HP_UNPRESERVE;
		ret = rc_hp_op(r, kind, s, x & 0xff);
		rc_log(r, kind, s, x & 0xff, ret);
		if (ret)
			rc_error(r, "hotplug op on slot", s, ret);
	}
	return NULL;
}

static void *rc_reader_thread(void *data)
{
	struct rc *r = ((struct rc_arg *)data)->r;
	unsigned long n = 0;
	int g;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		for (g = 0; g < RC_GROUPS; g++) {
			n += iommu_lu_device_preserved(r->gdev[g][0]);
			n += !iommu_lu_attach_allowed(r->gdev[g][0]);
			n += !iommu_lu_domain_change_allowed(r->owner[g]->domain);
		}
	}
	return (void *)n;
}

/* Replay the log, one call at a time, on a fresh machine. */
static void rc_replay(struct kunit *test, struct rc *c, struct rc *r)
{
	unsigned int i;

	for (i = 0; i < c->nr_log; i++) {
		const struct rc_op *op = &c->log[i];
		int ret;

		if (op->kind == RC_PRESERVE || op->kind == RC_UNPRESERVE)
			ret = rc_group_op(r, op->kind, op->target);
		else
			ret = rc_hp_op(r, op->kind, op->target, op->arg);
		KUNIT_EXPECT_EQ_MSG(test, ret, op->ret,
				    "replay of op %u (kind %d, target %d)", i,
				    op->kind, op->target);
	}
}

static void race_test_concurrent(struct kunit *test)
{
	pthread_t th[RC_THREADS + 2];
	struct rc_arg args[RC_THREADS + 2];
	struct rc *c = calloc(1, sizeof(*c)), *r = calloc(1, sizeof(*r));
	struct rc_ho hc, hr;
	u64 hw[2048];
	unsigned int i, nhw;
	char err[160];

	const char *env = getenv("LU_RACE_SCALE");
	unsigned int scale = env && atoi(env) > 0 ? atoi(env) : 1;

	KUNIT_ASSERT_TRUE(test, c && r);
	c->ops = RC_OPS * scale;
	c->hp_iters = RC_HP_ITERS * scale;
	c->max_log = RC_THREADS * c->ops + c->hp_iters;
	c->log = calloc(c->max_log, sizeof(*c->log));
	KUNIT_ASSERT_NOT_NULL(test, c->log);
	pthread_mutex_init(&c->hw_lock, NULL);
	pthread_mutex_init(&c->log_lock, NULL);
	rc_build(test, c);

	for (i = 0; i < RC_THREADS + 2; i++) {
		args[i] = (struct rc_arg){ c, (int)i };
		KUNIT_ASSERT_EQ(test, pthread_create(&th[i], NULL,
						     i < RC_THREADS ? rc_group_thread :
						     i == RC_THREADS ? rc_hotplug_thread :
						     rc_reader_thread, &args[i]), 0);
	}
	for (i = 0; i < RC_THREADS + 1; i++)
		pthread_join(th[i], NULL);
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	pthread_join(th[RC_THREADS + 1], NULL);

	KUNIT_EXPECT_EQ_MSG(test, c->errors, 0, "%s", c->msg);
	KUNIT_EXPECT_EQ(test, c->nr_log, c->max_log);
	KUNIT_EXPECT_EQ(test, kho_model.double_preserves, 0);
	KUNIT_EXPECT_EQ(test, kho_model.bad_unpreserves, 0);

	/* The old kernel's end, then what it hands over. */
	lu_machine_shutdown(c->m);
	KUNIT_ASSERT_EQ_MSG(test, rc_decode_out(&hc, err, sizeof(err)), 0, "%s", err);
	nhw = rc_hw_pages(c->m, &hc, hw, ARRAY_SIZE(hw));
	KUNIT_EXPECT_TRUE_MSG(test, nhw == hc.nr_pages &&
			      !memcmp(hw, hc.pages, nhw * sizeof(u64)),
			      "the handover declares %u pages, the preserved ids use %u",
			      hc.nr_pages, nhw);
	KUNIT_EXPECT_EQ(test, kho_model_nr_preserved_pages(),
			hc.nr_pages + (size_t)(lu.hdr ? 1 : 0) +
			lu.chains[0].nr_blocks + lu.chains[1].nr_blocks +
			lu.chains[2].nr_blocks + lu.chains[3].nr_blocks +
			/* owners' memory: groups 0-5 (3 shares 0's) + slots */
			1 + 2 + 3 + 2 + 2 +
			(c->hp_owner[0] ? c->hp_owner[0]->nr_pages : 0) +
			(c->hp_owner[1] ? c->hp_owner[1]->nr_pages : 0));

	/* A fresh machine, the same calls one at a time, in log order. */
	lu_harness_reset();
	pthread_mutex_init(&r->hw_lock, NULL);
	pthread_mutex_init(&r->log_lock, NULL);
	rc_build(test, r);
	rc_replay(test, c, r);
	lu_machine_shutdown(r->m);
	KUNIT_ASSERT_EQ_MSG(test, rc_decode_out(&hr, err, sizeof(err)), 0, "%s", err);
	KUNIT_EXPECT_TRUE_MSG(test, rc_same_shape(&hc, &hr),
			      "concurrent: %u devices, %u pages; sequential replay: %u devices, %u pages",
			      hc.nr_devs, hc.nr_pages, hr.nr_devs, hr.nr_pages);
	kunit_info(test, "%u operations by 4 threads: %u devices, %u pages handed over, as the replay\n",
		   c->nr_log, hc.nr_devs, hc.nr_pages);
	pthread_mutex_destroy(&c->hw_lock);
	pthread_mutex_destroy(&c->log_lock);
	pthread_mutex_destroy(&r->hw_lock);
	pthread_mutex_destroy(&r->log_lock);
	free(c->log);
	free(c);
	free(r);
}

/* ---- a shutdown racing an operation in flight ---- */

static jmp_buf rc_stop_jb;
static int rc_stop_at;		/* stop at this event of the operation */
static int rc_events;		/* events of the operation so far */

static void rc_stop_event(void)
{
	if (++rc_events == rc_stop_at) {
		shim_alloc_hook = NULL;
		kho_model_hook = NULL;
		longjmp(rc_stop_jb, 1);
	}
}

static void rc_stop_kho(int op)
{
	rc_stop_event();
}

enum rc_stop_op {
	RC_STOP_FIRST,		/* the unit's first preserve */
	RC_STOP_MORE,		/* a preserve on a preserved unit */
	RC_STOP_UNPRESERVE,
	RC_STOP_REMOVE,		/* frozen: a preserved device's hot removal */
};

struct rc_stop_scene {
	struct lu_machine *m;
	int ep0, ep1, rp1, bep0, bep1;
	struct lu_owner *o0, *o1, *o2;
};

static void rc_stop_build(struct kunit *test, struct rc_stop_scene *s,
			  enum rc_stop_op op)
{
	struct lu_machine *m;
	struct device *g[2];
	int rp0, rp2, pbr, br;

	lu_harness_reset();
	m = lu_machine_new(1, NULL);
	s->m = m;
	m->no_freeze = true;
	rp0 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1c, 0), PCI_MODEL_ROOT_PORT, 1);
	s->ep0 = lu_machine_add(m, 0, rp0, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	s->rp1 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1d, 0), PCI_MODEL_ROOT_PORT, 2);
	s->ep1 = lu_machine_add(m, 0, s->rp1, 0, PCI_MODEL_ENDPOINT_PCIE, 0);
	rp2 = lu_machine_add(m, 0, -1, PCI_DEVFN(0x1e, 0), PCI_MODEL_ROOT_PORT, 3);
	pbr = lu_machine_add(m, 0, rp2, 0, PCI_MODEL_PCIE_PCI_BRIDGE, 4);
	br = lu_machine_add(m, 0, pbr, PCI_DEVFN(1, 0), PCI_MODEL_PCI_BRIDGE, 5);
	s->bep0 = lu_machine_add(m, 0, br, PCI_DEVFN(2, 0), PCI_MODEL_ENDPOINT_PCI, 0);
	s->bep1 = lu_machine_add(m, 0, br, PCI_DEVFN(3, 0), PCI_MODEL_ENDPOINT_PCI, 0);
	KUNIT_ASSERT_GE(test, s->bep1, 0);
	s->o0 = lu_owner_new(m, 0, 0x100000, 2, 0x61);
	s->o1 = lu_owner_new(m, 0, 0x200000, 2, 0x62);
	s->o2 = lu_owner_new(m, 0, 0x300000, 1, 0x63);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(s->o0, s->ep0), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(s->o1, s->ep1), 0);
	KUNIT_ASSERT_EQ(test, lu_owner_attach(s->o2, s->bep0), 0);
	if (op == RC_STOP_FIRST)
		return;
	g[0] = lu_machine_dev(m, s->bep0);
	g[1] = lu_machine_dev(m, s->bep1);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_devices(g, 2), 0);
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(lu_machine_dev(m, s->ep0)), 0);
	if (op == RC_STOP_MORE)
		return;
	KUNIT_ASSERT_EQ(test, iommu_lu_preserve_device(lu_machine_dev(m, s->ep1)), 0);
	/* LUO's freeze came first: a hot removal is all it still allows. */
	if (op == RC_STOP_REMOVE)
		KUNIT_ASSERT_EQ(test, iommu_lu_freeze(), 0);
}

static void rc_stop_run_op(struct rc_stop_scene *s, enum rc_stop_op op)
{
	switch (op) {
	case RC_STOP_FIRST:
	case RC_STOP_MORE:
		iommu_lu_preserve_device(lu_machine_dev(s->m, s->ep1));
		break;
	case RC_STOP_UNPRESERVE:
		iommu_lu_unpreserve_device(lu_machine_dev(s->m, s->bep1));
		break;
	case RC_STOP_REMOVE:
		lu_machine_remove(s->m, s->rp1);	/* takes ep1 with it */
		break;
	}
}

/* The DMA each device does after the kexec: does it translate? */
static unsigned int rc_stop_dma(struct rc_stop_scene *s)
{
	struct { struct lu_owner *o; u16 rid; } d[] = {
		{ s->o0, 0x0100 }, { s->o1, 0x0200 }, { s->o2, 0x0510 },
		{ s->o2, 0x0408 }, { s->o2, 0x0400 }, { s->o2, 0x0518 },
	};
	unsigned int i, mask = 0;

	for (i = 0; i < ARRAY_SIZE(d); i++)
		if (!lu_owner_check_dma(d[i].o, d[i].rid))
			mask |= BIT(i);
	return mask;
}

/* Run @op, stopping it at its @k-th event; true if it was stopped. */
static bool rc_stop_try(struct rc_stop_scene *s, enum rc_stop_op op, int k)
{
	rc_events = 0;
	rc_stop_at = k;
	if (setjmp(rc_stop_jb))
		return true;
	shim_alloc_hook = rc_stop_event;
	kho_model_hook = rc_stop_kho;
	rc_stop_run_op(s, op);
	shim_alloc_hook = NULL;
	kho_model_hook = NULL;
	return false;
}

static const char * const rc_stop_name[] = {
	"first preserve", "preserve", "unpreserve", "hot removal (frozen)",
};

/* What shutdown logs when it finds a registry update in flight. */
static const char rc_stop_in_flight[] = "registry update in flight at shutdown";

static void race_test_stop(struct kunit *test, enum rc_stop_op op)
{
	unsigned int adopted_before = 0, adopted_after = 0, blocked = 0, fresh = 0;
	unsigned int dma_before, dma_after;
	struct rc_stop_scene s;
	struct rc_ho before, after;
	char err[160];
	int k;

	/* The two consistent states and the DMA each lets through. */
	rc_stop_build(test, &s, op);
	KUNIT_ASSERT_EQ(test, rc_decode_out(&before, err, sizeof(err)), 0);
	lu_machine_kexec(s.m);
	dma_before = rc_stop_dma(&s);
	rc_stop_build(test, &s, op);
	rc_stop_run_op(&s, op);
	KUNIT_ASSERT_EQ(test, rc_decode_out(&after, err, sizeof(err)), 0);
	lu_machine_kexec(s.m);
	dma_after = rc_stop_dma(&s);
	KUNIT_ASSERT_FALSE(test, rc_same(&before, &after));

	for (k = 1; k < 1000; k++) {
		struct vtd_model_stats st0, st1;
		enum iommu_lu_boot_state state;
		unsigned int dma;
		bool stopped, locked;

		rc_stop_build(test, &s, op);
		stopped = rc_stop_try(&s, op, k);
		/* This CPU is "stopped": the kexec runs on another. */
		locked = lockdep_is_held(&lu.lock);
		vtd_model_stats(s.m->hw[0], &st0);
		lu_machine_shutdown(s.m);
		if (locked)
			mutex_unlock(&lu.lock);	/* the next kernel's is new */
		if (!stopped)
			break;
		lu_machine_jump(s.m);
		vtd_model_stats(s.m->hw[0], &st1);
		state = idrv_boot_state(s.m->drv[0]);
		dma = rc_stop_dma(&s);

		KUNIT_EXPECT_TRUE_MSG(test, vtd_model_translation_enabled(s.m->hw[0]),
				      "%s stopped at event %d", rc_stop_name[op], k);
		switch (state) {
		case IOMMU_LU_UNIT_ADOPTED:
			KUNIT_EXPECT_FALSE_MSG(test, locked,
					       "%s stopped at event %d with the lock held: adopted",
					       rc_stop_name[op], k);
			/* What was adopted is the state before or after. */
			if (dma == dma_before) {
				adopted_before++;
			} else {
				adopted_after++;
				KUNIT_EXPECT_EQ_MSG(test, dma, dma_after,
						    "%s stopped at event %d: adopted DMA %#x, before %#x, after %#x",
						    rc_stop_name[op], k, dma,
						    dma_before, dma_after);
			}
			KUNIT_EXPECT_EQ(test, st1.te_disables, st0.te_disables);
			break;
		case IOMMU_LU_UNIT_BLOCKED:
			blocked++;
			KUNIT_EXPECT_EQ_MSG(test, dma, 0,
					    "%s stopped at event %d: blocked, but DMA %#x",
					    rc_stop_name[op], k, dma);
			KUNIT_EXPECT_TRUE(test, shim_log_contains(rc_stop_in_flight));
			KUNIT_EXPECT_EQ(test, st1.te_disables, st0.te_disables);
			break;
		default:
			/* Nothing of the unit complete yet: a plain kexec. */
			fresh++;
			KUNIT_EXPECT_EQ_MSG(test, op, RC_STOP_FIRST,
					    "%s stopped at event %d: unit fresh",
					    rc_stop_name[op], k);
			KUNIT_EXPECT_EQ(test, dma, 0);
			break;
		}
		KUNIT_EXPECT_EQ(test, shim_panic_count, 0);
		if (test->status == KUNIT_FAILURE)
			break;
	}
	KUNIT_EXPECT_LT(test, k, 1000);
	kunit_info(test, "%s: stopped at %d instants: %u adopted as before, %u as after, %u blocked, %u fresh\n",
		   rc_stop_name[op], k - 1, adopted_before, adopted_after, blocked,
		   fresh);
}

static void race_test_stop_first_preserve(struct kunit *test)
{
	race_test_stop(test, RC_STOP_FIRST);
}

static void race_test_stop_preserve(struct kunit *test)
{
	race_test_stop(test, RC_STOP_MORE);
}

static void race_test_stop_unpreserve(struct kunit *test)
{
	race_test_stop(test, RC_STOP_UNPRESERVE);
}

static void race_test_stop_removal(struct kunit *test)
{
	race_test_stop(test, RC_STOP_REMOVE);
}

static void race_test_exit(struct kunit *test)
{
	shim_alloc_hook = NULL;
	kho_model_hook = NULL;
}

static struct kunit_case race_test_cases[] = {
	KUNIT_CASE(race_test_concurrent),
	KUNIT_CASE(race_test_stop_first_preserve),
	KUNIT_CASE(race_test_stop_preserve),
	KUNIT_CASE(race_test_stop_unpreserve),
	KUNIT_CASE(race_test_stop_removal),
	{}
};

static struct kunit_suite race_test_suite = {
	.name = "iommu_lu_race",
	.exit = race_test_exit,
	.test_cases = race_test_cases,
};

kunit_test_suite(race_test_suite);
