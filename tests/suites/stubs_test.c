// SPDX-License-Identifier: GPL-2.0
/* IOMMU_LU_KERNEL_SUITE: model-free, built in-kernel too. */
/*
 * KUnit suite: the AMD-Vi and SMMUv3 stub backends.
 */

/**
 * DOC: stub backends suite
 *
 * What a stub backend promises (vendors/amd, vendors/arm-smmu-v3):
 *
 * - it is registered once the boot ran the initcalls, and says so in the
 *   log ("iommu-lu-amd: registered (stub: preservation not supported)");
 * - a unit of its vendor is added as %IOMMU_LU_UNIT_FRESH;
 * - preserving a device behind such a unit fails with -EOPNOTSUPP and a
 *   message naming the vendor, without calling the backend, and leaves
 *   nothing behind: the device is not preserved, its domain may still
 *   change, no page was handed to KHO.
 *
 * This suite needs no model and also runs in the kernel
 * (IOMMU_LU_KERNEL_SUITE); it calls the stub ops directly. The preserve path
 * through the public API, with a PCI device behind a stub unit, is in
 * stubs_model_test.c (userspace).
 */

#include <kunit/test.h>

#include "iommu_lu_seam.h"
#include "iommu_lu.h"
#include "iommu_lu_vendor.h"
#include "../../core/lu_core.h"

/* Segment and tokens no other suite uses: the units below are ours alone. */
#define STUBS_SEGMENT		7
#define STUBS_TOKEN_AMD		0xfeb80000ULL
#define STUBS_TOKEN_SMMUV3	0x2b400000ULL

/**
 * struct stubs_vendor - One stub backend under test.
 * @vendor: &enum iommu_lu_vendor_ser.
 * @enabled: its Kconfig option is on.
 * @name: &struct iommu_lu_vendor_ops.name.
 * @registered_msg: what its initcall logs.
 * @op_msg: what its ops log if they are ever called.
 * @token: the unit token used here.
 */
struct stubs_vendor {
	u32 vendor;
	bool enabled;
	const char *name;
	const char *registered_msg;
	const char *op_msg;
	u64 token;
};

static const struct stubs_vendor stubs_amd = {
	.vendor = IOMMU_LU_VENDOR_AMD_VI,
	.enabled = IS_ENABLED(CONFIG_IOMMU_LU_AMD),
	.name = "amd-vi",
	.registered_msg = "iommu-lu-amd: registered (stub: preservation not supported)",
	.op_msg = "AMD-Vi live update is not supported yet",
	.token = STUBS_TOKEN_AMD,
};

static const struct stubs_vendor stubs_smmuv3 = {
	.vendor = IOMMU_LU_VENDOR_ARM_SMMU_V3,
	.enabled = IS_ENABLED(CONFIG_IOMMU_LU_ARM_SMMU_V3),
	.name = "arm-smmu-v3",
	.registered_msg = "iommu-lu-smmuv3: registered (stub: preservation not supported)",
	.op_msg = "SMMUv3 live update is not supported yet",
	.token = STUBS_TOKEN_SMMUV3,
};

/* A complete ops table, to probe the registry for the vendor's slot. */
static int stubs_dup_unit_preserve(struct iommu_lu_unit *unit __always_unused,
				   u64 *root_phys __always_unused,
				   struct iommu_lu_page_set *set __always_unused)
{
	return -EOPNOTSUPP;
}

static int stubs_dup_device_preserve(struct iommu_lu_unit *unit __always_unused,
				     struct iommu_lu_dev_info *info __always_unused,
				     struct iommu_lu_page_set *set __always_unused)
{
	return -EOPNOTSUPP;
}

static int stubs_dup_domain_preserve(struct iommu_lu_unit *unit __always_unused,
				     const struct iommu_lu_dev_info *info __always_unused,
				     struct iommu_lu_page_set *set __always_unused)
{
	return -EOPNOTSUPP;
}

static void stubs_dup_shutdown(struct iommu_lu_unit *unit __always_unused)
{
}

static int stubs_dup_adopt(struct iommu_lu_unit *unit __always_unused,
			   const struct iommu_lu_handover *ho __always_unused,
			   const struct iommu_lu_unit_ser *rec __always_unused)
{
	return -EOPNOTSUPP;
}

static int stubs_dup_block_all(struct iommu_lu_unit *unit __always_unused)
{
	return -EOPNOTSUPP;
}

static int stubs_dup_device_clear(struct iommu_lu_unit *unit __always_unused,
				  const u16 *rids __always_unused,
				  unsigned int nr __always_unused)
{
	return -EOPNOTSUPP;
}

/*
 * A unit needs a register window; a stub never touches it, so plain memory
 * stands in for the MMIO mapping in both builds.
 */
static void __iomem *stubs_fake_regs(struct kunit *test)
{
	return (void __iomem __force *)kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
}

static void stubs_check_registered(struct kunit *test,
				   const struct stubs_vendor *v)
{
	struct iommu_lu_vendor_ops dup = {
		.vendor = v->vendor,
		.name = "stubs-test-duplicate",
		.unit_preserve = stubs_dup_unit_preserve,
		.device_preserve = stubs_dup_device_preserve,
		.domain_preserve = stubs_dup_domain_preserve,
		.shutdown = stubs_dup_shutdown,
		.adopt = stubs_dup_adopt,
		.block_all = stubs_dup_block_all,
		.device_clear = stubs_dup_device_clear,
	};
	int ret;

	if (!v->enabled)
		kunit_skip(test, "%s stub not configured", v->name);

	/* The vendor's one slot is taken: by the stub, since boot. */
	ret = iommu_lu_register_vendor(&dup);
	KUNIT_EXPECT_EQ_MSG(test, ret, -EEXIST,
			    "%s: a second backend was not refused", v->name);
	if (!ret)
		iommu_lu_unregister_vendor(&dup);
	KUNIT_EXPECT_EQ(test, lu.vendors[v->vendor]->caps & IOMMU_LU_CAP_PRESERVE, 0);
}

static void stubs_test_amd_registered(struct kunit *test)
{
	stubs_check_registered(test, &stubs_amd);
}

static void stubs_test_smmuv3_registered(struct kunit *test)
{
	stubs_check_registered(test, &stubs_smmuv3);
}

static void stubs_check_unit_fresh(struct kunit *test,
				   const struct stubs_vendor *v)
{
	struct iommu_lu_unit_desc desc = {
		.vendor = v->vendor,
		.token = v->token,
		.segment = STUBS_SEGMENT,
		.mode = 0,
	};
	enum iommu_lu_boot_state state = IOMMU_LU_UNIT_BLOCKED;
	struct iommu_lu_unit *unit;

	if (!v->enabled)
		kunit_skip(test, "%s stub not configured", v->name);

	desc.iommu_dev = kunit_kzalloc(test, sizeof(*desc.iommu_dev),
				       GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, desc.iommu_dev);
	desc.regs = stubs_fake_regs(test);
	KUNIT_ASSERT_NOT_NULL(test, (__force void *)desc.regs);

	/* No handover can name a stub unit: it always boots fresh. */
	unit = iommu_lu_unit_add(&desc, &state);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, unit);
	KUNIT_EXPECT_EQ(test, state, IOMMU_LU_UNIT_FRESH);
	iommu_lu_unit_remove(unit);
}

static void stubs_test_amd_unit_fresh(struct kunit *test)
{
	stubs_check_unit_fresh(test, &stubs_amd);
}

static void stubs_test_smmuv3_unit_fresh(struct kunit *test)
{
	stubs_check_unit_fresh(test, &stubs_smmuv3);
}

/*
 * Every op of a stub refuses cleanly when called (the core never calls them:
 * it checks IOMMU_LU_CAP_PRESERVE first), and nothing is left behind.
 */
static void stubs_check_preserve_refused(struct kunit *test,
					 const struct stubs_vendor *v)
{
	struct iommu_lu_unit_desc desc = {
		.vendor = v->vendor,
		.token = v->token,
		.segment = STUBS_SEGMENT,
	};
	struct iommu_lu_dev_info info = { .nr_rids = 1 };
	const struct iommu_lu_vendor_ops *ops;
	struct iommu_lu_handover ho = { };
	struct iommu_lu_unit_ser rec = { };
	struct iommu_lu_unit *unit;
	u64 root = 0;

	if (!v->enabled)
		kunit_skip(test, "%s stub not configured", v->name);
	desc.iommu_dev = kunit_kzalloc(test, sizeof(*desc.iommu_dev),
				       GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, desc.iommu_dev);
	desc.regs = stubs_fake_regs(test);
	unit = iommu_lu_unit_add(&desc, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, unit);
	ops = lu.vendors[v->vendor];
	KUNIT_ASSERT_NOT_NULL(test, ops);

	KUNIT_EXPECT_EQ(test, ops->unit_preserve(unit, &root, NULL), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, root, 0);
	KUNIT_EXPECT_EQ(test, ops->device_preserve(unit, &info, NULL), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, info.hw_id, 0);
	KUNIT_EXPECT_EQ(test, ops->domain_preserve(unit, &info, NULL), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, ops->adopt(unit, &ho, &rec), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, ops->block_all(unit), -EOPNOTSUPP);
	KUNIT_EXPECT_NULL(test, lu.hdr);
	iommu_lu_unit_remove(unit);
}

static void stubs_test_amd_preserve_refused(struct kunit *test)
{
	stubs_check_preserve_refused(test, &stubs_amd);
}

static void stubs_test_smmuv3_preserve_refused(struct kunit *test)
{
	stubs_check_preserve_refused(test, &stubs_smmuv3);
}

static struct kunit_case stubs_test_cases[] = {
	/* First: they read the boot log before anyone clears it. */
	KUNIT_CASE(stubs_test_amd_registered),
	KUNIT_CASE(stubs_test_smmuv3_registered),
	KUNIT_CASE(stubs_test_amd_unit_fresh),
	KUNIT_CASE(stubs_test_smmuv3_unit_fresh),
	KUNIT_CASE(stubs_test_amd_preserve_refused),
	KUNIT_CASE(stubs_test_smmuv3_preserve_refused),
	{}
};

static struct kunit_suite stubs_test_suite = {
	.name = "iommu_lu_stubs",
	.test_cases = stubs_test_cases,
};

kunit_test_suite(stubs_test_suite);

MODULE_DESCRIPTION("KUnit tests for the iommu-lu AMD-Vi and SMMUv3 stubs");
MODULE_LICENSE("GPL");
