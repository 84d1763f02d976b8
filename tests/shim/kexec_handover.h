/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: DUPLICATE (declarations).
 *
 * linux/kexec_handover.h of Linux 7.3 with CONFIG_KEXEC_HANDOVER on, the
 * functions the framework uses, with the kernel's exact signatures. They are
 * implemented by the KHO model, tests/model/kho.c (see tests/model/kho.h).
 */
#ifndef _SHIM_KEXEC_HANDOVER_H
#define _SHIM_KEXEC_HANDOVER_H

#include "shim_types.h"

struct folio;
struct page;

bool kho_is_enabled(void);
bool is_kho_boot(void);

int kho_preserve_pages(struct page *page, unsigned long nr_pages);
void kho_unpreserve_pages(struct page *page, unsigned long nr_pages);
void *kho_alloc_preserve(size_t size);
void kho_unpreserve_free(void *mem);
void kho_restore_free(void *mem);
struct page *kho_restore_pages(phys_addr_t phys, unsigned long nr_pages);
int kho_add_subtree(const char *name, void *blob, size_t size);
void kho_remove_subtree(void *blob);
int kho_retrieve_subtree(const char *name, phys_addr_t *phys, size_t *size);

#endif /* _SHIM_KEXEC_HANDOVER_H */
