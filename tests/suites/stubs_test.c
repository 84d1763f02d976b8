// SPDX-License-Identifier: GPL-2.0
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
 * The first two run in the kernel and in userspace. The third needs a PCI
 * device behind an AMD-Vi or SMMUv3 unit, which only the userspace PCI model
 * provides; in the kernel it is skipped.
 *
 * TODO(harness): in userspace this assumes the harness ran the simulated
 * boot (shim_run_initcalls()) before the first suite and kept its log.
 */

#include <kunit/test.h>

#include "iommu_lu_seam.h"
#include "iommu_lu.h"
#include "iommu_lu_vendor.h"

#ifndef __KERNEL__
#include "printk.h"		/* shim_log_contains(), shim_log_clear() */
#include "../model/pci.h"
#endif

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

static void stubs_dup_device_clear(struct iommu_lu_unit *unit __always_unused,
				   const u16 *rids __always_unused,
				   unsigned int nr __always_unused)
{
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

#ifndef __KERNEL__
	/* Assumes the boot log is kept until the suites run. */
	KUNIT_EXPECT_TRUE_MSG(test, shim_log_contains(v->registered_msg),
			      "no \"%s\" in the boot log", v->registered_msg);
#endif
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
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, desc.regs);

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

#ifndef __KERNEL__
/*
 * TODO(harness): the KHO model's count of pages currently preserved. Until
 * it exists this returns -1 and the KHO check below is skipped.
 */
static long stubs_kho_nr_preserved(void)
{
	return -1;
}

/* The PCI bus notifier, as the integration wires it. */
static void stubs_notifier(struct pci_dev *pdev, bool added,
			   void *data __always_unused)
{
	if (added)
		iommu_lu_device_added(&pdev->dev);
	else
		iommu_lu_device_removed(&pdev->dev);
}

/*
 * One PCIe endpoint 0007:00:03.0 behind a unit of @v's vendor, attached alone
 * in its group to a caller-owned paging domain: everything the core asks of
 * a device before it would call a backend.
 *
 *   before: stub unit, device tracked, domain UNMANAGED, nothing preserved
 *   after:  the same, and two refusals in the log
 */
static void stubs_check_preserve_refused(struct kunit *test,
					 const struct stubs_vendor *v)
{
	struct iommu_domain domain = { .type = IOMMU_DOMAIN_UNMANAGED };
	struct iommu_device iommu = { };
	struct iommu_lu_unit_desc desc = {
		.vendor = v->vendor,
		.token = v->token,
		.segment = STUBS_SEGMENT,
		.mode = 0,
		.iommu_dev = &iommu,
	};
	enum iommu_lu_boot_state state;
	struct iommu_lu_unit *unit;
	struct iommu_group *group;
	struct pci_model *m;
	struct pci_dev *pdev;
	struct device *dev;
	char msg[96];
	long kho_before;
	int ret;

	if (!v->enabled)
		kunit_skip(test, "%s stub not configured", v->name);

	desc.regs = stubs_fake_regs(test);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, desc.regs);
	unit = iommu_lu_unit_add(&desc, &state);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, unit);

	m = pci_model_create(STUBS_SEGMENT);
	KUNIT_ASSERT_NOT_NULL(test, m);
	pci_model_set_iommu(m, &iommu);
	pci_model_set_notifier(m, stubs_notifier, NULL);
	pdev = pci_model_add_dev(m, pci_model_root_bus(m), PCI_DEVFN(3, 0),
				 PCI_MODEL_ENDPOINT_PCIE, 0);
	KUNIT_ASSERT_NOT_NULL(test, pdev);
	dev = &pdev->dev;
	group = iommu_group_get(dev);
	KUNIT_ASSERT_NOT_NULL(test, group);
	iommu_group_set_domain(group, &domain);

	kho_before = stubs_kho_nr_preserved();
	shim_log_clear();

	ret = iommu_lu_preserve_device(dev);
	KUNIT_EXPECT_EQ(test, ret, -EOPNOTSUPP);
	ret = iommu_lu_preserve_devices(&dev, 1);
	KUNIT_EXPECT_EQ(test, ret, -EOPNOTSUPP);

	/* The core names the vendor; it refuses before calling the backend. */
	snprintf(msg, sizeof(msg), "%s: %s live update is not supported",
		 dev_name(dev), v->name);
	KUNIT_EXPECT_TRUE_MSG(test, shim_log_contains(msg),
			      "no \"%s\" in the log", msg);
	KUNIT_EXPECT_FALSE_MSG(test, shim_log_contains(v->op_msg),
			       "the %s stub's ops were called", v->name);

	/* No half-done state. */
	KUNIT_EXPECT_FALSE(test, iommu_lu_device_preserved(dev));
	KUNIT_EXPECT_EQ(test, iommu_lu_domain_change_allowed(&domain), 0);
	KUNIT_EXPECT_EQ(test, iommu_lu_attach_allowed(dev), 0);
	if (kho_before >= 0)
		KUNIT_EXPECT_EQ(test, stubs_kho_nr_preserved(), kho_before);

	iommu_group_put(group);
	pci_model_remove_dev(m, pdev);
	pci_model_destroy(m);
	iommu_lu_unit_remove(unit);
}
#else
static void stubs_check_preserve_refused(struct kunit *test,
					 const struct stubs_vendor *v __always_unused)
{
	kunit_skip(test, "needs the userspace PCI model");
}
#endif

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
