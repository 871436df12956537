/* Kernel canaries: see canary.h. */
#include <stddef.h>
#include <stdint.h>
#include "kernel/canary.h"
#include "kernel/cmdline.h"
#include "kernel/mm/page.h"
#include "kernel/printk.h"

extern char __kernel_start[], __text_end[], __rodata_end[];

/* A data page no code but this file touches, so any change is a stray
 * write; aligned to a page, as a direct-map write would hit it. */
static uint64_t canary_page[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE)));
static uint64_t text_sum, rodata_sum, page_sum;
static int corrupt;

/* FNV-1a over 64-bit words: both ranges are page aligned. */
static uint64_t checksum(const void *start, const void *end)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const uint64_t *p = start; p < (const uint64_t *)end; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    return h;
}

static uint64_t page_checksum(void)
{
    return checksum(canary_page, canary_page + PAGE_SIZE / 8);
}

void canary_arm(const char *cmdline)
{
    for (size_t i = 0; i < PAGE_SIZE / 8; i++)
        canary_page[i] = 0xc0ffee00c0ffee00ull ^ (i * 0x9e3779b97f4a7c15ull);
    text_sum = checksum(__kernel_start, __text_end);
    rodata_sum = checksum(__text_end, __rodata_end);
    page_sum = page_checksum();
    corrupt = cmdline_is(cmdline, "canary", "corrupt");
}

int canary_check(void)
{
    if (corrupt) {
        printk("canary: changing the canary page on purpose (canary=corrupt)\n");
        ((volatile uint64_t *)canary_page)[PAGE_SIZE / 16] ^= 1;
    }
    int text = checksum(__kernel_start, __text_end) != text_sum;
    int rodata = checksum(__text_end, __rodata_end) != rodata_sum;
    int page = page_checksum() != page_sum;
    if (!text && !rodata && !page) {
        printk("canary: ok (.text, .rodata, %lu KiB, and the canary page unchanged)\n",
               (unsigned long)((__rodata_end - __kernel_start) / 1024));
        return 0;
    }
    printk("canary: CHANGED (%s%s%s%s%s)\n", text ? ".text" : "",
           text && (rodata || page) ? ", " : "", rodata ? ".rodata" : "",
           rodata && page ? ", " : "", page ? "the canary page" : "");
    return -1;
}
