/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: CUSTOM.
 *
 * linux/io.h and linux/io-64-nonatomic-lo-hi.h MMIO accessors, dispatched to
 * registered MMIO regions (the hardware models). shim_mmio_register()
 * returns a fake __iomem base: an inaccessible mapping, so a plain
 * dereference faults instead of silently working. Every access must fall
 * inside a registered region and be naturally aligned, else the test aborts
 * with a message. lo_hi_readq()/lo_hi_writeq() are two 32-bit accesses, low
 * half first; readq()/writeq() are one 64-bit access.
 */
#ifndef _SHIM_IO_H
#define _SHIM_IO_H

#include "shim_types.h"

struct shim_mmio_ops {
	u64 (*read)(void *ctx, u64 off, unsigned int size);
	void (*write)(void *ctx, u64 off, u64 val, unsigned int size);
};

void __iomem *shim_mmio_register(size_t len, const struct shim_mmio_ops *ops,
				 void *ctx);
void shim_mmio_unregister(void __iomem *base);

u64 shim_mmio_read(const volatile void __iomem *addr, unsigned int size);
void shim_mmio_write(volatile void __iomem *addr, u64 val, unsigned int size);

static inline u8 readb(const volatile void __iomem *addr)
{
	return (u8)shim_mmio_read(addr, 1);
}

static inline u16 readw(const volatile void __iomem *addr)
{
	return (u16)shim_mmio_read(addr, 2);
}

static inline u32 readl(const volatile void __iomem *addr)
{
	return (u32)shim_mmio_read(addr, 4);
}

static inline u64 readq(const volatile void __iomem *addr)
{
	return shim_mmio_read(addr, 8);
}

static inline void writeb(u8 val, volatile void __iomem *addr)
{
	shim_mmio_write(addr, val, 1);
}

static inline void writew(u16 val, volatile void __iomem *addr)
{
	shim_mmio_write(addr, val, 2);
}

static inline void writel(u32 val, volatile void __iomem *addr)
{
	shim_mmio_write(addr, val, 4);
}

static inline void writeq(u64 val, volatile void __iomem *addr)
{
	shim_mmio_write(addr, val, 8);
}

#define readl_relaxed(addr)		readl(addr)
#define readq_relaxed(addr)		readq(addr)
#define writel_relaxed(val, addr)	writel(val, addr)
#define writeq_relaxed(val, addr)	writeq(val, addr)
#define ioread32(addr)			readl(addr)
#define iowrite32(val, addr)		writel(val, addr)

static inline u64 lo_hi_readq(const volatile void __iomem *addr)
{
	const volatile u32 __iomem *p = addr;
	u32 low, high;

	low = readl(p);
	high = readl(p + 1);
	return low + ((u64)high << 32);
}

static inline void lo_hi_writeq(u64 val, volatile void __iomem *addr)
{
	writel((u32)val, addr);
	writel((u32)(val >> 32), (volatile u8 __iomem *)addr + 4);
}

#define lo_hi_readq_relaxed(addr)	lo_hi_readq(addr)
#define lo_hi_writeq_relaxed(v, addr)	lo_hi_writeq(v, addr)

#endif /* _SHIM_IO_H */
