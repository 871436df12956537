/* Kernel console output. Consoles register once at boot; printk formats
 * into a stack buffer and hands the bytes to every registered console. */
#ifndef UNIPLEX_PRINTK_H
#define UNIPLEX_PRINTK_H

#include <stddef.h>

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

/* Drop printk output while on (the "quiet" boot option hides the boot
 * summary); the crash path writes to the consoles directly and always shows. */
void printk_quiet(int on);
/* printf-style; output longer than PRINTK_MAX bytes is truncated. */
#define PRINTK_MAX 512
__attribute__((format(printf, 1, 2))) void printk(const char *fmt, ...);

#endif
