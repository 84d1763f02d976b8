// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace shim, kind: DUPLICATE. simple_read_from_buffer() (fs/libfs.c)
 * and default_llseek() (fs/read_write.c); see fs.h.
 */
#include "fs.h"

ssize_t simple_read_from_buffer(void __user *to, size_t count, loff_t *ppos,
				const void *from, size_t available)
{
	loff_t pos = *ppos;
	size_t ret;

	if (pos < 0)
		return -EINVAL;
	if ((size_t)pos >= available || !count)
		return 0;
	if (count > available - pos)
		count = available - pos;
	ret = copy_to_user(to, (const char *)from + pos, count);
	if (ret == count)
		return -EFAULT;
	count -= ret;
	*ppos = pos + count;
	return count;
}

loff_t default_llseek(struct file *file, loff_t offset, int whence)
{
	loff_t size = file_inode(file)->i_size;

	switch (whence) {
	case SEEK_END:
		offset += size;
		break;
	case SEEK_CUR:
		if (!offset)
			return file->f_pos;
		offset += file->f_pos;
		break;
	case SEEK_SET:
		break;
	default:
		return -EINVAL;
	}
	if (offset < 0)
		return -EINVAL;
	file->f_pos = offset;
	return offset;
}
