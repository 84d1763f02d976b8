// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace shim, kind: CUSTOM. An in-memory debugfs; see debugfs.h.
 */
#include "debugfs.h"
#include "kstring.h"

static struct dentry *entries;	/* newest first */
static pthread_mutex_t debugfs_lock = PTHREAD_MUTEX_INITIALIZER;

static struct dentry *lookup_child(const struct dentry *parent,
				   const char *name, size_t len)
{
	struct dentry *d;

	for (d = entries; d; d = d->next)
		if (d->parent == parent && strlen(d->name) == len &&
		    !memcmp(d->name, name, len))
			return d;
	return NULL;
}

static struct dentry *create(const char *name, umode_t mode,
			     struct dentry *parent, void *data,
			     const struct file_operations *fops, bool is_dir)
{
	struct dentry *d;

	if (IS_ERR(parent))
		return parent;
	if (!name || !*name || strlen(name) >= SHIM_DEBUGFS_NAME_MAX ||
	    strchr(name, '/') || (parent && !parent->is_dir))
		return ERR_PTR(-EINVAL);
	pthread_mutex_lock(&debugfs_lock);
	if (lookup_child(parent, name, strlen(name))) {
		pthread_mutex_unlock(&debugfs_lock);
		return ERR_PTR(-EEXIST);
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		pthread_mutex_unlock(&debugfs_lock);
		return ERR_PTR(-ENOMEM);
	}
	strscpy(d->name, name);
	d->parent = parent;
	d->is_dir = is_dir;
	d->fops = fops;
	d->inode.i_mode = mode;
	d->inode.i_private = data;
	d->next = entries;
	entries = d;
	pthread_mutex_unlock(&debugfs_lock);
	return d;
}

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent)
{
	return create(name, 0755, parent, NULL, NULL, true);
}

struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops)
{
	return create(name, mode, parent, data, fops, false);
}

static bool below(const struct dentry *d, const struct dentry *top)
{
	for (; d; d = d->parent)
		if (d == top)
			return true;
	return false;
}

void debugfs_remove(struct dentry *dentry)
{
	struct dentry **pp, *d;

	if (IS_ERR_OR_NULL(dentry))
		return;
	pthread_mutex_lock(&debugfs_lock);
	/* Children were created after their parent: they come first. */
	for (pp = &entries; (d = *pp); ) {
		if (below(d, dentry)) {
			*pp = d->next;
			if (d != dentry)
				free(d);
		} else {
			pp = &d->next;
		}
	}
	free(dentry);
	pthread_mutex_unlock(&debugfs_lock);
}

void shim_debugfs_reset(void)
{
	struct dentry *d;

	pthread_mutex_lock(&debugfs_lock);
	while ((d = entries)) {
		entries = d->next;
		free(d);
	}
	pthread_mutex_unlock(&debugfs_lock);
}

unsigned int shim_debugfs_nr_entries(void)
{
	const struct dentry *d;
	unsigned int n = 0;

	pthread_mutex_lock(&debugfs_lock);
	for (d = entries; d; d = d->next)
		n++;
	pthread_mutex_unlock(&debugfs_lock);
	return n;
}

struct dentry *shim_debugfs_find(const char *path)
{
	struct dentry *d = NULL;
	const char *p = path;

	pthread_mutex_lock(&debugfs_lock);
	while (*p) {
		size_t len = strcspn(p, "/");

		d = lookup_child(d, p, len);
		if (!d)
			break;
		p += len;
		if (*p == '/')
			p++;
	}
	pthread_mutex_unlock(&debugfs_lock);
	return d;
}

struct file *shim_debugfs_open(const char *path)
{
	struct dentry *d = shim_debugfs_find(path);
	struct file *f;
	int ret;

	if (!d)
		return ERR_PTR(-ENOENT);
	if (d->is_dir)
		return ERR_PTR(-EISDIR);
	f = calloc(1, sizeof(*f));
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->f_inode = &d->inode;
	f->f_op = d->fops;
	ret = f->f_op->open ? f->f_op->open(&d->inode, f) : 0;
	if (ret) {
		free(f);
		return ERR_PTR(ret);
	}
	return f;
}

ssize_t shim_debugfs_fread(struct file *file, void *buf, size_t count)
{
	if (!file->f_op->read)
		return -EINVAL;
	return file->f_op->read(file, buf, count, &file->f_pos);
}

int shim_debugfs_close(struct file *file)
{
	int ret = 0;

	if (file->f_op->release)
		ret = file->f_op->release(file->f_inode, file);
	free(file);
	return ret;
}

int shim_debugfs_read(const char *path, size_t chunk, char **bufp, size_t *lenp)
{
	size_t len = 0, cap = 0;
	struct file *f;
	char *buf = NULL;
	ssize_t n;

	*bufp = NULL;
	*lenp = 0;
	if (!chunk)
		chunk = 4096;
	f = shim_debugfs_open(path);
	if (IS_ERR(f))
		return PTR_ERR(f);
	for (;;) {
		if (len + chunk + 1 > cap) {
			char *nb;

			cap = (len + chunk + 1) * 2;
			nb = realloc(buf, cap);
			if (!nb) {
				n = -ENOMEM;
				break;
			}
			buf = nb;
		}
		n = shim_debugfs_fread(f, buf + len, chunk);
		if (n <= 0)
			break;
		len += n;
	}
	shim_debugfs_close(f);
	if (n < 0) {
		free(buf);
		return n;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}
