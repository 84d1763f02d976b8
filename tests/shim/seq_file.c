// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace shim, kind: CUSTOM. A small seq_file; see seq_file.h.
 */
#include "seq_file.h"
#include "kstring.h"

#define SEQ_FIRST_SIZE	4096

static void seq_set_overflow(struct seq_file *m)
{
	m->count = m->size;
}

void seq_vprintf(struct seq_file *m, const char *fmt, va_list args)
{
	int len;

	if (m->count < m->size) {
		len = vsnprintf(m->buf + m->count, m->size - m->count, fmt, args);
		if (len >= 0 && m->count + len < m->size) {
			m->count += len;
			return;
		}
	}
	seq_set_overflow(m);
}

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	seq_vprintf(m, fmt, args);
	va_end(args);
}

void seq_write(struct seq_file *m, const void *data, size_t len)
{
	if (m->count + len < m->size) {
		memcpy(m->buf + m->count, data, len);
		m->count += len;
		return;
	}
	seq_set_overflow(m);
}

void seq_puts(struct seq_file *m, const char *s)
{
	seq_write(m, s, strlen(s));
}

void seq_putc(struct seq_file *m, char c)
{
	seq_write(m, &c, 1);
}

int seq_open(struct file *file, const struct seq_operations *op)
{
	struct seq_file *m;

	if (file->private_data)
		abort();	/* the kernel WARNs: a file is opened once */
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->op = op;
	m->file = file;
	file->private_data = m;
	return 0;
}

/* Run the whole iteration into a buffer large enough for it. */
static int seq_fill(struct seq_file *m)
{
	size_t size = SEQ_FIRST_SIZE;

	for (;;) {
		loff_t pos = 0;
		int err = 0;
		void *p;

		free(m->buf);
		m->buf = malloc(size);
		if (!m->buf)
			return -ENOMEM;
		m->size = size;
		m->count = 0;
		p = m->op->start(m, &pos);
		while (p && !IS_ERR(p)) {
			size_t before = m->count;

			err = m->op->show(m, p);
			if (err < 0)
				break;
			if (err == SEQ_SKIP)
				m->count = before;
			err = 0;
			if (seq_has_overflowed(m))
				break;
			p = m->op->next(m, p, &pos);
		}
		m->op->stop(m, p);
		if (!err && IS_ERR(p))
			err = PTR_ERR(p);
		if (err)
			return err;
		if (!seq_has_overflowed(m))
			break;
		size *= 2;
	}
	m->filled = true;
	return 0;
}

ssize_t seq_read(struct file *file, char __user *buf, size_t size,
		 loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	int err;

	if (!m->filled) {
		err = seq_fill(m);
		if (err)
			return err;
	}
	return simple_read_from_buffer(buf, size, ppos, m->buf, m->count);
}

loff_t seq_lseek(struct file *file, loff_t offset, int whence)
{
	struct seq_file *m = file->private_data;

	if (whence == SEEK_CUR)
		offset += file->f_pos;
	else if (whence != SEEK_SET)
		return -EINVAL;
	if (offset < 0)
		return -EINVAL;
	if (!offset)
		m->filled = false;	/* read anew from the start */
	file->f_pos = offset;
	return offset;
}

int seq_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	free(m->buf);
	free(m);
	file->private_data = NULL;
	return 0;
}

/* single_open(): one record, the seq_file's private data. */
static void *single_start(struct seq_file *m, loff_t *pos)
{
	return *pos ? NULL : SEQ_START_TOKEN;
}

static void *single_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return NULL;
}

static void single_stop(struct seq_file *m, void *v)
{
}

int single_open(struct file *file, int (*show)(struct seq_file *m, void *v),
		void *data)
{
	struct seq_operations *op = calloc(1, sizeof(*op));
	int ret;

	if (!op)
		return -ENOMEM;
	op->start = single_start;
	op->next = single_next;
	op->stop = single_stop;
	op->show = show;
	ret = seq_open(file, op);
	if (ret) {
		free(op);
		return ret;
	}
	((struct seq_file *)file->private_data)->private = data;
	return 0;
}

int single_release(struct inode *inode, struct file *file)
{
	const struct seq_operations *op =
		((struct seq_file *)file->private_data)->op;
	int ret = seq_release(inode, file);

	free((void *)op);
	return ret;
}
