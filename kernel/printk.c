#include <stdarg.h>
#include "stdio.h"
#include "string.h"
#include "kernel/klog.h"
#include "kernel/printk.h"

static struct console *consoles;

void console_register(struct console *c)
{
    for (struct console *p = consoles; p; p = p->next)
        if (p == c)
            return;
    c->next = consoles;
    consoles = c;
}

int console_is_registered(const struct console *c)
{
    for (struct console *p = consoles; p; p = p->next)
        if (p == c)
            return 1;
    return 0;
}

int console_count(void)
{
    int n = 0;
    for (struct console *p = consoles; p; p = p->next)
        n++;
    return n;
}

void console_write(const char *s, size_t n)
{
    for (struct console *c = consoles; c; c = c->next)
        c->write(s, n);
}

/* Messages below this level reach the consoles (Linux's console_loglevel:
 * 7 shows all but debug; "quiet" makes it 4, errors and worse only). */
static int console_level = 7;

void printk_console_level(int level)
{
    console_level = level;
}

int printk_get_console_level(void)
{
    return console_level;
}

/* printk's line being built: text up to a newline is one record. */
static char cont[PRINTK_MAX];
static size_t cont_len;
static unsigned cont_level = KLOG_DEFAULT_LEVEL;

/* s (n bytes, at level) into the log, a record per line; a last line
 * without its newline waits in cont for the rest. */
static void log_text(unsigned level, const char *s, size_t n)
{
    while (n > 0) {
        const char *nl = memchr(s, '\n', n);
        size_t k = nl ? (size_t)(nl - s) : n;
        if (!cont_len)
            cont_level = level;
        if (k > sizeof(cont) - cont_len)
            k = sizeof(cont) - cont_len;
        memcpy(cont + cont_len, s, k);
        cont_len += k;
        if (nl || cont_len == sizeof(cont)) {
            klog_add(KLOG_FAC_KERN, cont_level, cont, cont_len);
            cont_len = 0;
        }
        k += nl && s + k == nl;
        s += k;
        n -= k;
    }
}

/* The level a format starts with (KERN_ERR "..."): the level, and the
 * format moved past it; else KLOG_DEFAULT_LEVEL. */
static unsigned printk_level(const char **fmt)
{
    const char *f = *fmt;
    if (f[0] != KERN_SOH[0] || f[1] < '0' || f[1] > '7')
        return KLOG_DEFAULT_LEVEL;
    *fmt = f + 2;
    return (unsigned)(f[1] - '0');
}

static void vprintk(int always, const char *fmt, va_list ap)
{
    char buf[PRINTK_MAX];
    unsigned level = printk_level(&fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
    log_text(level, buf, len);
    if (always || (int)level < console_level)
        console_write(buf, len);
}

void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(0, fmt, ap);
    va_end(ap);
}

void printk_console(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(1, fmt, ap);
    va_end(ap);
}
