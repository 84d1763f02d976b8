/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim, kind: CUSTOM.
 *
 * printk.h, bug.h and panic.h over an in-memory log. Every message goes to
 * the log with its level ("<3>text" for pr_err); it is also printed on stderr
 * when IOMMU_LU_VERBOSE is set. Formats follow the kernel's vsnprintf for
 * what the framework uses: "%pe" prints an error pointer's name (-ENOMEM),
 * "%pa"/"%pap"/"%pad" print a phys_addr_t / dma_addr_t given by address.
 *
 * WARN*() log "WARNING: at file:line" and bump shim_warn_count; the _ONCE
 * forms fire once per site until shim_warn_reset(). BUG() aborts. panic()
 * logs "Kernel panic - not syncing: ..." and longjmps to the jmp_buf the
 * calling thread registered with shim_panic_catch(), else aborts.
 *
 * Test API: shim_log_contains(), shim_log_count(), shim_log_clear(),
 * shim_log_text(), shim_warn_count, shim_warn_reset(), shim_panic_catch(),
 * shim_panic_count.
 */
#ifndef _SHIM_PRINTK_H
#define _SHIM_PRINTK_H

#include "shim_types.h"

#define KERN_SOH	"\001"
#define KERN_EMERG	KERN_SOH "0"
#define KERN_ALERT	KERN_SOH "1"
#define KERN_CRIT	KERN_SOH "2"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_NOTICE	KERN_SOH "5"
#define KERN_INFO	KERN_SOH "6"
#define KERN_DEBUG	KERN_SOH "7"
#define KERN_DEFAULT	""
#define KERN_CONT	KERN_SOH "c"

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list args) __printf(1, 0);

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define no_printk(fmt, ...) ({ if (0) printk(fmt, ##__VA_ARGS__); 0; })

#define pr_emerg(fmt, ...)	printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...)	printk(KERN_ALERT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)	printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_devel(fmt, ...)	printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...)	printk(KERN_CONT fmt, ##__VA_ARGS__)

#define pr_err_ratelimited	pr_err
#define pr_warn_ratelimited	pr_warn
#define pr_info_ratelimited	pr_info

/* One generation counter re-arms every _ONCE site (shim_warn_reset()). */
bool __shim_once(unsigned int *site_gen);

#define printk_once(fmt, ...) ({				\
	static unsigned int __print_once_gen;			\
	if (__shim_once(&__print_once_gen))			\
		printk(fmt, ##__VA_ARGS__);			\
})
#define pr_err_once(fmt, ...)	printk_once(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn_once(fmt, ...)	printk_once(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info_once(fmt, ...)	printk_once(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)

/* dev_printk.h; dev_name() comes from dev_types.h at the call site. */
#define dev_printk(level, dev, fmt, ...) \
	printk(level "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_err(dev, fmt, ...)	 dev_printk(KERN_ERR, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...)	 dev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...) dev_printk(KERN_NOTICE, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...)	 dev_printk(KERN_INFO, dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...)	 dev_printk(KERN_DEBUG, dev, fmt, ##__VA_ARGS__)

/* bug.h */
extern unsigned int shim_warn_count;
void __shim_warn(const char *file, int line, const char *cond);
void __shim_warn_fmt(const char *file, int line, const char *fmt, ...)
	__printf(3, 4);
void __shim_bug(const char *file, int line) __noreturn;

#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__shim_warn(__FILE__, __LINE__, #condition);		\
	unlikely(__ret_warn_on);					\
})

#define WARN(condition, format, ...) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__shim_warn_fmt(__FILE__, __LINE__, format, ##__VA_ARGS__); \
	unlikely(__ret_warn_on);					\
})

#define WARN_ON_ONCE(condition) ({					\
	static unsigned int __warn_once_gen;				\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on) && __shim_once(&__warn_once_gen))	\
		__shim_warn(__FILE__, __LINE__, #condition);		\
	unlikely(__ret_warn_on);					\
})

#define WARN_ONCE(condition, format, ...) ({				\
	static unsigned int __warn_once_gen;				\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on) && __shim_once(&__warn_once_gen))	\
		__shim_warn_fmt(__FILE__, __LINE__, format, ##__VA_ARGS__); \
	unlikely(__ret_warn_on);					\
})

#define BUG()		__shim_bug(__FILE__, __LINE__)
#define BUG_ON(condition) do { if (unlikely(condition)) BUG(); } while (0)

/* panic.h */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn __cold;

/* Test API. */

/**
 * shim_panic_catch() - Make panic() in this thread longjmp(*@jb, 1).
 * @jb: a jmp_buf set with setjmp() by the caller, or NULL to clear.
 *
 * One shot: panic() clears it before jumping. Locks held at the time of the
 * panic stay held.
 */
void shim_panic_catch(jmp_buf *jb);
extern unsigned int shim_panic_count;

bool shim_log_contains(const char *substr);
unsigned int shim_log_count(const char *substr);
void shim_log_clear(void);
/* The whole log; valid until the next message or shim_log_clear(). */
const char *shim_log_text(void);
/* Zero shim_warn_count and re-arm every WARN*_ONCE and pr_*_once site. */
void shim_warn_reset(void);

#endif /* _SHIM_PRINTK_H */
