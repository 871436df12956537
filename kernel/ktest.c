#include "kernel/ktest.h"
#include "kernel/printk.h"

static int passed, failed;

void ktest_result(const char *name, const char *why)
{
    if (why) {
        printk("FAIL %s: %s\n", name, why);
        failed++;
    } else {
        printk("ok %s\n", name);
        passed++;
    }
}

int ktest_end(const char *suite)
{
    printk("%s: %d passed, %d failed\n", suite, passed, failed);
    return failed;
}
