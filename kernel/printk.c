#include <stdarg.h>
#include "stdio.h"
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

static int quiet;

void printk_quiet(int on)
{
    quiet = on;
}

void printk(const char *fmt, ...)
{
    char buf[PRINTK_MAX];
    va_list ap;

    if (quiet)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}
