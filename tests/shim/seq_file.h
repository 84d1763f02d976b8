/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: CUSTOM (a small seq_file).
 *
 * linux/seq_file.h: struct seq_file, the output helpers (seq_printf(),
 * seq_puts(), seq_putc(), seq_write(), seq_has_overflowed()), seq_open(),
 * single_open(), seq_read(), seq_lseek(), seq_release(), single_release()
 * and DEFINE_SHOW_ATTRIBUTE() (DUPLICATE of the kernel's macro).
 *
 * Simpler than fs/seq_file.c: the first read runs the whole iteration
 * (start, show, next ... stop) into one buffer, which starts at a page and
 * doubles while an iteration overflows it (the iteration is then run again
 * from the start, as the kernel does when a record does not fit); later
 * reads copy from that snapshot. A show returning SEQ_SKIP has its output
 * dropped, a negative return fails the read. seq_lseek() to offset 0 drops
 * the snapshot, so the next read iterates anew. Formats go through the
 * kernel-format engine (kstring.h). The buffer is the C library's memory,
 * not the framework's slab: the VFS's allocations do not consume the
 * allocation-failure knob.
 */
#ifndef _SHIM_SEQ_FILE_H
#define _SHIM_SEQ_FILE_H

#include "shim_types.h"
#include "fs.h"

#define SEQ_SKIP	1
#define SEQ_START_TOKEN	((void *)1)

struct seq_file;

struct seq_operations {
	void *(*start)(struct seq_file *m, loff_t *pos);
	void (*stop)(struct seq_file *m, void *v);
	void *(*next)(struct seq_file *m, void *v, loff_t *pos);
	int (*show)(struct seq_file *m, void *v);
};

struct seq_file {
	char *buf;
	size_t size;
	size_t count;
	bool filled;		/* @buf holds the whole output */
	const struct seq_operations *op;
	struct file *file;
	void *private;
};

void seq_printf(struct seq_file *m, const char *fmt, ...) __printf(2, 3);
void seq_vprintf(struct seq_file *m, const char *fmt, va_list args)
	__printf(2, 0);
void seq_puts(struct seq_file *m, const char *s);
void seq_putc(struct seq_file *m, char c);
void seq_write(struct seq_file *m, const void *data, size_t len);

static inline bool seq_has_overflowed(struct seq_file *m)
{
	return m->count == m->size;
}

int seq_open(struct file *file, const struct seq_operations *op);
ssize_t seq_read(struct file *file, char __user *buf, size_t size,
		 loff_t *ppos);
loff_t seq_lseek(struct file *file, loff_t offset, int whence);
int seq_release(struct inode *inode, struct file *file);
int single_open(struct file *file, int (*show)(struct seq_file *m, void *v),
		void *data);
int single_release(struct inode *inode, struct file *file);

/* Kind: DUPLICATE of include/linux/seq_file.h. */
#define DEFINE_SHOW_ATTRIBUTE(__name)					\
static int __name ## _open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, __name ## _show, inode->i_private);	\
}									\
									\
static const struct file_operations __name ## _fops = {			\
	.owner		= THIS_MODULE,					\
	.open		= __name ## _open,				\
	.read		= seq_read,					\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}

#endif /* _SHIM_SEQ_FILE_H */
