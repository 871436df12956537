/* Panic and the crash path (see panic.h for the rules it keeps). */
#include <stdarg.h>
#include <stdint.h>
#include "stdio.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/ksyms.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "drivers/power.h"

static volatile int crash_depth;

void crash_puts(const char *s)
{
    console_write(s, strlen(s));
}

/* "0x" and 16 hex digits, or (short) without the leading zeros. */
static void put_hex(uint64_t v, int full)
{
    char buf[19];
    int i = 18;

    buf[i] = 0;
    for (int n = 0; n < 16 && (full || n == 0 || v != 0); n++, v >>= 4)
        buf[--i] = "0123456789abcdef"[v & 0xf];
    buf[--i] = 'x';
    buf[--i] = '0';
    crash_puts(buf + i);
}

void crash_hex(uint64_t v)
{
    put_hex(v, 1);
}

void crash_dec(uint64_t v)
{
    char buf[21];
    int i = 20;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    crash_puts(buf + i);
}

void crash_symbol(uint64_t addr)
{
    uint64_t off;
    const char *name = ksyms_lookup(addr, &off);

    if (!name) {
        crash_puts("?");
        return;
    }
    crash_puts(name);
    crash_puts("+");
    put_hex(off, 0);
}

void crash_begin(void)
{
    arch_irq_disable();
    crash_depth++;
    if (crash_depth == 2) {
        crash_puts("\nPANIC: fault inside the crash path; powering off\n");
        power_off(PANIC_STATUS);
    }
    if (crash_depth > 2)
        arch_halt();
}

void crash_end(void)
{
    crash_puts("kernel panic: powering off (status ");
    crash_dec(PANIC_STATUS);
    crash_puts(")\n");
    power_off(PANIC_STATUS);
}

void panic(const char *fmt, ...)
{
    static char msg[256]; /* static: the stack may be what broke */
    va_list ap;

    crash_begin();
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    crash_puts("\nPANIC: ");
    crash_puts(msg);
    crash_puts("\n");
    arch_backtrace_here();
    crash_end();
}
