// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace shim, kind: CUSTOM. printk into an in-memory log, WARN, BUG,
 * panic, and the kernel-format snprintf engine. See printk.h.
 */
#define SHIM_LIBC_SNPRINTF	/* this file formats with the C library's */
#include <ctype.h>
#include "printk.h"
#include "kstring.h"

unsigned int shim_warn_count;
unsigned int shim_panic_count;
static unsigned int shim_once_gen = 1;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char *log_buf;
static size_t log_len, log_cap;
static int log_verbose = -1;
static __thread jmp_buf *panic_jb;

/* ---- the kernel-format engine ---- */

struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

#define EMIT(o, ...) do {						\
	size_t __room = (o)->len < (o)->size ? (o)->size - (o)->len : 0; \
	int __n = snprintf(__room ? (o)->buf + (o)->len : NULL, __room,	\
			   __VA_ARGS__);				\
	if (__n > 0)							\
		(o)->len += (size_t)__n;				\
} while (0)

#define ERRNAME(e) { e, #e }
static const struct { int err; const char *name; } errnames[] = {
	ERRNAME(EPERM), ERRNAME(ENOENT), ERRNAME(ESRCH), ERRNAME(EINTR),
	ERRNAME(EIO), ERRNAME(ENXIO), ERRNAME(E2BIG), ERRNAME(ENOEXEC),
	ERRNAME(EBADF), ERRNAME(ECHILD), ERRNAME(EAGAIN), ERRNAME(ENOMEM),
	ERRNAME(EACCES), ERRNAME(EFAULT), ERRNAME(EBUSY), ERRNAME(EEXIST),
	ERRNAME(EXDEV), ERRNAME(ENODEV), ERRNAME(ENOTDIR), ERRNAME(EISDIR),
	ERRNAME(EINVAL), ERRNAME(ENFILE), ERRNAME(EMFILE), ERRNAME(ENOTTY),
	ERRNAME(EFBIG), ERRNAME(ENOSPC), ERRNAME(ESPIPE), ERRNAME(EROFS),
	ERRNAME(EMLINK), ERRNAME(EPIPE), ERRNAME(EDOM), ERRNAME(ERANGE),
	ERRNAME(EDEADLK), ERRNAME(ENAMETOOLONG), ERRNAME(ENOSYS),
	ERRNAME(ENOTEMPTY), ERRNAME(ELOOP), ERRNAME(ENODATA), ERRNAME(ETIME),
	ERRNAME(EPROTO), ERRNAME(EBADMSG), ERRNAME(EOVERFLOW),
	ERRNAME(EILSEQ), ERRNAME(EOPNOTSUPP), ERRNAME(EADDRINUSE),
	ERRNAME(ETIMEDOUT), ERRNAME(EALREADY), ERRNAME(EINPROGRESS),
	ERRNAME(ECANCELED), ERRNAME(ENOKEY), ERRNAME(EKEYREJECTED),
	ERRNAME(ERESTARTSYS), ERRNAME(ENOIOCTLCMD), ERRNAME(EPROBE_DEFER),
	ERRNAME(ENOTSUPP),
};

static void fmt_errptr(struct fmt_out *o, const void *ptr)
{
	long err = PTR_ERR(ptr);
	size_t i;

	if (!IS_ERR(ptr)) {
		EMIT(o, "%p", ptr);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(errnames); i++) {
		if (errnames[i].err == -err) {
			EMIT(o, "-%s", errnames[i].name);
			return;
		}
	}
	EMIT(o, "%ld", err);
}

/* "%p" + extension letters, which the kernel always consumes. */
static const char *fmt_pointer(struct fmt_out *o, const char *fmt,
			       const void *ptr)
{
	if (*fmt == 'e') {
		fmt_errptr(o, ptr);
	} else if (*fmt == 'a') {
		if (fmt[1] == 'd')
			EMIT(o, "0x%016llx", (unsigned long long)*(const dma_addr_t *)ptr);
		else
			EMIT(o, "0x%016llx", (unsigned long long)*(const phys_addr_t *)ptr);
	} else {
		EMIT(o, "%p", ptr);
	}
	while (isalnum((unsigned char)*fmt))
		fmt++;
	return fmt;
}

int shim_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .size = size };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt, *mod;
		char spec[32];
		int width = 0, prec = 0, lng = 0, half = 0;
		bool star_w = false, star_p = false;
		char conv;

		if (*fmt != '%') {
			const char *end = strchrnul(fmt, '%');

			EMIT(&o, "%.*s", (int)(end - fmt), fmt);
			fmt = end;
			continue;
		}
		fmt++;
		while (*fmt && strchr("-+ #0", *fmt))
			fmt++;
		if (*fmt == '*') {
			star_w = true;
			fmt++;
		}
		while (isdigit((unsigned char)*fmt))
			fmt++;
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				star_p = true;
				fmt++;
			}
			while (isdigit((unsigned char)*fmt))
				fmt++;
		}
		/* lng: 0 int, 1 long, 2 long long, 3 size_t, 4 ptrdiff_t, 5 intmax_t */
		mod = fmt;
		while (*fmt && strchr("hlLzZtjq", *fmt)) {
			if (*fmt == 'l' || *fmt == 'L' || *fmt == 'q')
				lng = lng ? 2 : 1;
			else if (*fmt == 'z' || *fmt == 'Z')
				lng = 3;
			else if (*fmt == 't')
				lng = 4;
			else if (*fmt == 'j')
				lng = 5;
			else if (*fmt == 'h')
				half++;
			fmt++;
		}
		conv = *fmt;
		if (!conv)
			break;
		fmt++;
		/* spec: flags, width and precision, then our own length. */
		if ((size_t)(mod - start) + 4 > sizeof(spec))
			break;
		memcpy(spec, start, mod - start);
		spec[mod - start] = '\0';
		if (strchr("diuxXo", conv))
			strcat(spec, "ll");
		strncat(spec, &conv, 1);
		if (star_w)
			width = va_arg(args, int);
		if (star_p)
			prec = va_arg(args, int);

#define EMIT_ARG(val) do {						\
		if (star_w && star_p)					\
			EMIT(&o, spec, width, prec, val);		\
		else if (star_w)					\
			EMIT(&o, spec, width, val);			\
		else if (star_p)					\
			EMIT(&o, spec, prec, val);			\
		else							\
			EMIT(&o, spec, val);				\
} while (0)

		switch (conv) {
		case '%':
			EMIT(&o, "%%");
			break;
		case 'd':
		case 'i':
			if (lng == 0 && half)
				EMIT_ARG(half > 1 ? (long long)(signed char)va_arg(args, int) :
					 (long long)(short)va_arg(args, int));
			else if (lng == 0)
				EMIT_ARG((long long)va_arg(args, int));
			else if (lng == 1)
				EMIT_ARG((long long)va_arg(args, long));
			else if (lng == 2)
				EMIT_ARG(va_arg(args, long long));
			else if (lng == 3)
				EMIT_ARG((long long)va_arg(args, ssize_t));
			else if (lng == 4)
				EMIT_ARG((long long)va_arg(args, ptrdiff_t));
			else
				EMIT_ARG((long long)va_arg(args, intmax_t));
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (lng == 0 && half)
				EMIT_ARG(half > 1 ? (unsigned long long)(u8)va_arg(args, unsigned int) :
					 (unsigned long long)(u16)va_arg(args, unsigned int));
			else if (lng == 0)
				EMIT_ARG((unsigned long long)va_arg(args, unsigned int));
			else if (lng == 1)
				EMIT_ARG((unsigned long long)va_arg(args, unsigned long));
			else if (lng == 2)
				EMIT_ARG(va_arg(args, unsigned long long));
			else if (lng == 3)
				EMIT_ARG((unsigned long long)va_arg(args, size_t));
			else if (lng == 4)
				EMIT_ARG((unsigned long long)va_arg(args, ptrdiff_t));
			else
				EMIT_ARG((unsigned long long)va_arg(args, uintmax_t));
			break;
		case 'c':
			EMIT_ARG(va_arg(args, int));
			break;
		case 's':
			EMIT_ARG(va_arg(args, const char *));
			break;
		case 'p':
			fmt = fmt_pointer(&o, fmt, va_arg(args, const void *));
			break;
		default:
			/* Unknown conversion: print it as is. */
			EMIT(&o, "%.*s", (int)(fmt - start), start);
			break;
		}
#undef EMIT_ARG
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT_MAX ? INT_MAX : (int)o.len;
}

int shim_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = shim_vsnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}

/* ---- the log ---- */

static void log_append(const char *s, size_t n)
{
	if (log_len + n + 1 > log_cap) {
		size_t cap = log_cap ? log_cap : 4096;
		char *nb;

		while (log_len + n + 1 > cap)
			cap *= 2;
		nb = realloc(log_buf, cap);
		if (!nb)
			abort();
		log_buf = nb;
		log_cap = cap;
	}
	memcpy(log_buf + log_len, s, n);
	log_len += n;
	log_buf[log_len] = '\0';
}

int vprintk(const char *fmt, va_list args)
{
	char stackbuf[512], *msg = stackbuf;
	char level = '4';	/* default_message_loglevel */
	bool cont = false;
	va_list copy;
	int n;

	while (fmt[0] == KERN_SOH[0] && fmt[1]) {
		if (fmt[1] == 'c')
			cont = true;
		else if (fmt[1] >= '0' && fmt[1] <= '7')
			level = fmt[1];
		fmt += 2;
	}
	va_copy(copy, args);
	n = shim_vsnprintf(stackbuf, sizeof(stackbuf), fmt, copy);
	va_end(copy);
	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(stackbuf)) {
		msg = malloc((size_t)n + 1);
		if (!msg)
			abort();
		shim_vsnprintf(msg, (size_t)n + 1, fmt, args);
	}

	pthread_mutex_lock(&log_lock);
	if (!cont) {
		char prefix[4] = { '<', level, '>', '\0' };

		/* A new record starts on a new line. */
		if (log_len && log_buf[log_len - 1] != '\n')
			log_append("\n", 1);
		log_append(prefix, 3);
	}
	log_append(msg, (size_t)n);
	if (log_verbose < 0)
		log_verbose = getenv("IOMMU_LU_VERBOSE") != NULL;
	if (log_verbose)
		fprintf(stderr, "%s", msg);
	pthread_mutex_unlock(&log_lock);

	if (msg != stackbuf)
		free(msg);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vprintk(fmt, args);
	va_end(args);
	return n;
}

bool shim_log_contains(const char *substr)
{
	bool found;

	pthread_mutex_lock(&log_lock);
	found = log_buf && strstr(log_buf, substr);
	pthread_mutex_unlock(&log_lock);
	return found;
}

unsigned int shim_log_count(const char *substr)
{
	size_t step = strlen(substr);
	unsigned int count = 0;
	const char *p;

	if (!step)
		return 0;
	pthread_mutex_lock(&log_lock);
	for (p = log_buf; p && (p = strstr(p, substr)); p += step)
		count++;
	pthread_mutex_unlock(&log_lock);
	return count;
}

void shim_log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	if (log_buf)
		log_buf[0] = '\0';
	pthread_mutex_unlock(&log_lock);
}

const char *shim_log_text(void)
{
	const char *text;

	pthread_mutex_lock(&log_lock);
	text = log_buf ? log_buf : "";
	pthread_mutex_unlock(&log_lock);
	return text;
}

/* ---- WARN, BUG, panic ---- */

bool __shim_once(unsigned int *site_gen)
{
	unsigned int gen = __atomic_load_n(&shim_once_gen, __ATOMIC_RELAXED);

	return __atomic_exchange_n(site_gen, gen, __ATOMIC_RELAXED) != gen;
}

void shim_warn_reset(void)
{
	__atomic_store_n(&shim_warn_count, 0, __ATOMIC_RELAXED);
	__atomic_fetch_add(&shim_once_gen, 1, __ATOMIC_RELAXED);
}

void __shim_warn(const char *file, int line, const char *cond)
{
	__atomic_fetch_add(&shim_warn_count, 1, __ATOMIC_RELAXED);
	printk(KERN_WARNING "WARNING: at %s:%d: WARN_ON(%s)\n", file, line, cond);
}

void __shim_warn_fmt(const char *file, int line, const char *fmt, ...)
{
	va_list args;

	__atomic_fetch_add(&shim_warn_count, 1, __ATOMIC_RELAXED);
	printk(KERN_WARNING "WARNING: at %s:%d: ", file, line);
	va_start(args, fmt);
	vprintk(fmt, args);
	va_end(args);
}

void __shim_bug(const char *file, int line)
{
	printk(KERN_EMERG "kernel BUG at %s:%d!\n", file, line);
	fprintf(stderr, "kernel BUG at %s:%d!\n", file, line);
	abort();
}

void shim_panic_catch(jmp_buf *jb)
{
	panic_jb = jb;
}

void panic(const char *fmt, ...)
{
	char msg[512];
	jmp_buf *jb = panic_jb;
	va_list args;

	va_start(args, fmt);
	shim_vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	__atomic_fetch_add(&shim_panic_count, 1, __ATOMIC_RELAXED);
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", msg);
	if (jb) {
		panic_jb = NULL;
		longjmp(*jb, 1);
	}
	fprintf(stderr, "Kernel panic - not syncing: %s\n", msg);
	abort();
}
