/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommu-lu edu test driver: what other in-kernel tests may use of it.
 */

/**
 * DOC: the edu test driver's accessors
 *
 * The edu test driver (lu_edu_test.c) owns each edu device the way VFIO
 * would: its group's DMA ownership claimed, its own paging domain attached,
 * an IOVA window mapped onto a buffer. These accessors let an in-kernel test
 * (the KUnit suite lu_vtd_kunit.c) find those devices and use them, without
 * changing what the driver does. Each takes the driver's lock.
 */

#ifndef _IOMMU_LU_EDU_TEST_H
#define _IOMMU_LU_EDU_TEST_H

struct iommu_domain;
struct pci_dev;

unsigned int lu_edu_test_devices(struct pci_dev **pdevs, unsigned int max);
struct iommu_domain *lu_edu_test_domain(struct pci_dev *pdev);
int lu_edu_test_round_trip(struct pci_dev *pdev);

#endif /* _IOMMU_LU_EDU_TEST_H */
