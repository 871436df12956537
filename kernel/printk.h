/* Kernel console output. Consoles register once at boot; printk formats
 * into a stack buffer and hands the bytes to every registered console. */
#ifndef UNIPLEX_PRINTK_H
#define UNIPLEX_PRINTK_H

#include <stddef.h>
#include "kernel/klog.h" /* KERN_ERR and the other level prefixes */

struct console {
    const char *name;
    void (*write)(const char *s, size_t n); /* must not allocate or block */
    struct console *next;
};

/* Add a console; the caller keeps c alive forever. Safe to call twice. */
void console_register(struct console *c);
/* Write to every console (also the crash path's only output). */
void console_write(const char *s, size_t n);
/* 1 when c has been registered. */
int console_is_registered(const struct console *c);
/* Number of registered consoles. */
int console_count(void);

/* printk's records all go to the kernel log (kernel/klog.h); those whose
 * level is below the console level also to the consoles (Linux's
 * console_loglevel: 7 by default, 4 with the "quiet" boot option, N with
 * loglevel=N; syslog(2) changes it). The crash path writes to the
 * consoles directly and always shows. */
void printk_console_level(int level);
int printk_get_console_level(void);
/* printf-style, at the level the format starts with (KERN_ERR "...",
 * kernel/klog.h) or KLOG_DEFAULT_LEVEL; output longer than PRINTK_MAX bytes is truncated. */
#define PRINTK_MAX 512
__attribute__((format(printf, 1, 2))) void printk(const char *fmt, ...);
/* printk, shown on the consoles whatever the level: the exit report
 * ("power-off: status N") the host's tools read the status from. */
__attribute__((format(printf, 1, 2))) void printk_console(const char *fmt, ...);

#endif
