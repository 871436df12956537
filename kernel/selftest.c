#include <stddef.h>
#include "string.h"
#include "kernel/arch.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"

/* Named functions so that the backtrace has something to show. */
__attribute__((noinline)) static void selftest_ud2(void)
{
    arch_selftest_ud2();
}

__attribute__((noinline)) static void selftest_pagefault(void)
{
    arch_selftest_page_fault();
}

__attribute__((noinline)) static void selftest_panic(void)
{
    panic("selftest: deliberate panic (%d)", 42);
}

/* Overrun a local array: the stack protector must catch it on return. */
__attribute__((noinline)) static void selftest_stackguard(void)
{
    volatile char buf[16];
    for (volatile size_t i = 0; i < sizeof(buf) + 32; i++)
        buf[i] = (char)i;
}

static const struct {
    const char *name;
    void (*fn)(void);
} selftests[] = {
    {"ud2", selftest_ud2},
    {"pagefault", selftest_pagefault},
    {"panic", selftest_panic},
    {"stackguard", selftest_stackguard},
};

void selftest_run(const char *cmdline)
{
    const char *v;
    size_t n;

    if (!cmdline_find(cmdline, "selftest", &v, &n))
        return;
    for (size_t i = 0; i < sizeof(selftests) / sizeof(selftests[0]); i++) {
        if (strlen(selftests[i].name) == n && strncmp(selftests[i].name, v, n) == 0) {
            printk("selftest: %s\n", selftests[i].name);
            selftests[i].fn();
            printk("selftest: %s returned\n", selftests[i].name);
            return;
        }
    }
    printk("selftest: unknown test \"%.*s\" ignored\n", (int)n, v);
}
