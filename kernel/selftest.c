/* The self tests of the test kernel (build/kernel-test.elf only). */
#include <stddef.h>
#include <stdint.h>
#include "string.h"
#include "kernel/arch.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/mm/mm_test.h"
#include "kernel/mm/pmem.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sched_test.h"
#include "kernel/sys/sys_test.h"
#include "kernel/conin.h"
#include "drivers/netdev_test.h"
#include "drivers/pit_test.h"
#include "drivers/vcons_test.h"
#include "errno.h"

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

/* The kernel text is mapped read-only: this write must fault and panic. */
__attribute__((noinline)) static void selftest_wrtext(void)
{
    volatile uint8_t *text = (volatile uint8_t *)(uintptr_t)selftest_ud2;
    *text = 0xcc;
}

/* Freeing a page twice must panic even when the first free parked it in
 * the page cache. */
__attribute__((noinline)) static void selftest_pgdoublefree(void)
{
    struct page *p = pg_alloc(0);
    pg_free(p, 0);
    pg_free(p, 0);
}

/* Unbounded recursion on a thread's 16 KiB stack must hit its guard page
 * and panic as a kernel stack overflow. */
__attribute__((noinline)) static uint64_t recurse(volatile uint64_t *depth)
{
    volatile uint8_t pad[256];
    pad[0] = (uint8_t)*depth;
    if (++*depth == 0) /* never: keeps the recursion bounded for the compiler */
        return 0;
    return recurse(depth) + pad[0];
}

static void overflow_thread(void *arg)
{
    volatile uint64_t depth = 0;
    recurse(&depth);
    (void)arg;
}

__attribute__((noinline)) static void selftest_kstackoverflow(void)
{
    struct thread *t;
    if (thread_create("overflow", overflow_thread, 0, 0, &t) == 0)
        thread_join(t);
}

/* Block reading one line of console input: the CPU halts, and only a
 * device interrupt (UART or keyboard) can wake this thread. */
static int console_line(void)
{
    char line[64];
    size_t n = 0;
    uint64_t deadline = clock_ns() + 20 * 1000000000ull;

    while (n < sizeof(line) - 1) {
        long r = conin_read(line + n, 1, deadline);
        if (r <= 0) {
            printk("FAIL console/read: no input within 20 s\n");
            return 1;
        }
        if (line[n] == '\n' || line[n] == '\r')
            break;
        n++;
    }
    line[n] = 0;
    printk("console: read \"%s\"\nok console/read\n", line);
    return 0;
}

static int cpudiag(void)
{
    arch_cpu_diag();
    return 0;
}

static const struct {
    const char *name;
    void (*fn)(void);
    int (*suite)(void);
} selftests[] = {
    /* clang-format off */
    {"ud2",            selftest_ud2,            0},
    {"pagefault",      selftest_pagefault,      0},
    {"panic",          selftest_panic,          0},
    {"stackguard",     selftest_stackguard,     0},
    {"wrtext",         selftest_wrtext,         0},
    {"pgdoublefree",   selftest_pgdoublefree,   0},
    {"kstackoverflow", selftest_kstackoverflow, 0},
    {"mm",             0,                       mm_selftest},
    {"mmbench",        0,                       mm_bench},
    {"sched",          0,                       sched_selftest},
    {"cpudiag",        0,                       cpudiag},
    {"readline",       0,                       console_line},
    {"sleep",          0,                       sched_sleep_selftest},
    {"clock",          0,                       clock_selftest},
    {"sys",            0,                       sys_selftest},
    {"net",            0,                       net_selftest},
    {"nonet",          0,                       nonet_selftest},
    {"vcons",          0,                       vcons_selftest},
    /* clang-format on */
};

int selftest_run(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(selftests) / sizeof(selftests[0]); i++) {
        if (strlen(selftests[i].name) == len && strncmp(selftests[i].name, name, len) == 0) {
            printk("selftest: %s\n", selftests[i].name);
            if (selftests[i].suite)
                return selftests[i].suite() ? 1 : 0;
            selftests[i].fn();
            printk("selftest: %s returned\n", selftests[i].name);
            return 1;
        }
    }
    printk("selftest: unknown test \"%.*s\" ignored\n", (int)len, name);
    return 0;
}
