/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: CUSTOM.
 *
 * linux/debugfs.h: debugfs_create_dir(), debugfs_create_file() and
 * debugfs_remove() (debugfs_remove_recursive()) over an in-memory tree that
 * records what was created: name, mode, data and file_operations. Like the
 * kernel's, creating a name that exists in its directory fails with
 * ERR_PTR(-EEXIST), an ERR_PTR parent is passed through, and removing NULL
 * or an ERR_PTR does nothing.
 *
 * Each simulated boot starts with an empty debugfs: the initcall runner
 * calls shim_debugfs_reset() before the initcalls, as it resets the bus.
 * Entries are the C library's memory, not the framework's slab.
 *
 * Test API, the VFS side: shim_debugfs_find() looks a path up
 * ("iommu_lu/state"); shim_debugfs_open(), shim_debugfs_fread() and
 * shim_debugfs_close() call the file's ->open, ->read (with the file's own
 * position, as read(2) does) and ->release as the VFS would;
 * shim_debugfs_read() does all three, reading until ->read returns 0 in
 * chunks of a given size, and returns the whole content.
 */
#ifndef _SHIM_DEBUGFS_H
#define _SHIM_DEBUGFS_H

#include "shim_types.h"
#include "fs.h"
#include "seq_file.h"

#define SHIM_DEBUGFS_NAME_MAX	64

struct dentry {
	char name[SHIM_DEBUGFS_NAME_MAX];
	struct dentry *parent;		/* NULL: in the debugfs root */
	struct dentry *next;		/* every entry, newest first */
	bool is_dir;
	const struct file_operations *fops;
	struct inode inode;		/* i_mode, i_private: the data */
};

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent);
struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops);
void debugfs_remove(struct dentry *dentry);
#define debugfs_remove_recursive debugfs_remove

/* Test API. */
void shim_debugfs_reset(void);
unsigned int shim_debugfs_nr_entries(void);
struct dentry *shim_debugfs_find(const char *path);
/* Returns the open file, or an ERR_PTR (-ENOENT, -EISDIR, ->open's error). */
struct file *shim_debugfs_open(const char *path);
ssize_t shim_debugfs_fread(struct file *file, void *buf, size_t count);
int shim_debugfs_close(struct file *file);
/*
 * The whole content of @path, read in @chunk-byte reads (0: 4096), in a
 * malloc()ed buffer with a NUL after the last byte (*@len bytes; the caller
 * frees it). Return: 0, or the error of the lookup, ->open or ->read.
 */
int shim_debugfs_read(const char *path, size_t chunk, char **buf, size_t *len);

#endif /* _SHIM_DEBUGFS_H */
