// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: stub backends through the public API (userspace, PCI model)
 *
 * A PCI device behind an AMD-Vi or SMMUv3 unit, attached alone in its group
 * to a caller-owned paging domain: preserving it fails with -EOPNOTSUPP and
 * a message naming the vendor, the core never calls the backend, and
 * nothing is left behind (not preserved, domain still mutable, no page
 * handed to KHO). Also: the stubs report themselves at boot.
 */
#include <kunit/test.h>
#include "iommu_lu_seam.h"
#include "iommu_lu.h"
#include "iommu_lu_vendor.h"
#include "model/pci.h"
#include "model/kho.h"

#define STUBS_SEGMENT		7

struct stubs_vendor {
	u32 vendor;
	const char *name;
	const char *registered_msg;
	const char *op_msg;
	u64 token;
};

static const struct stubs_vendor stubs_amd = {
	.vendor = IOMMU_LU_VENDOR_AMD_VI,
	.name = "amd-vi",
	.registered_msg = "iommu-lu-amd: registered (stub: preservation not supported)",
	.op_msg = "AMD-Vi live update is not supported yet",
	.token = 0xfeb80000ULL,
};

static const struct stubs_vendor stubs_smmuv3 = {
	.vendor = IOMMU_LU_VENDOR_ARM_SMMU_V3,
	.name = "arm-smmu-v3",
	.registered_msg = "iommu-lu-smmuv3: registered (stub: preservation not supported)",
	.op_msg = "SMMUv3 live update is not supported yet",
	.token = 0x2b400000ULL,
};

static void __iomem *stubs_fake_regs(struct kunit *test)
{
	return (void __iomem __force *)kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
}

static long stubs_kho_nr_preserved(void)
{
	return kho_model_nr_preserved_pages();
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

static void stubs_model_test_reported(struct kunit *test)
{
	/* The harness's reset ran the initcalls: the boot log is fresh. */
	KUNIT_EXPECT_TRUE(test, shim_log_contains(stubs_amd.registered_msg));
	KUNIT_EXPECT_TRUE(test, shim_log_contains(stubs_smmuv3.registered_msg));
}

static void stubs_model_test_amd_refused(struct kunit *test)
{
	stubs_check_preserve_refused(test, &stubs_amd);
}

static void stubs_model_test_smmuv3_refused(struct kunit *test)
{
	stubs_check_preserve_refused(test, &stubs_smmuv3);
}

static struct kunit_case stubs_model_test_cases[] = {
	KUNIT_CASE(stubs_model_test_reported),
	KUNIT_CASE(stubs_model_test_amd_refused),
	KUNIT_CASE(stubs_model_test_smmuv3_refused),
	{}
};

static struct kunit_suite stubs_model_test_suite = {
	.name = "iommu_lu_stubs_model",
	.test_cases = stubs_model_test_cases,
};

kunit_test_suite(stubs_model_test_suite);
