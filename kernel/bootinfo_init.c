/* Boot-time glue around the pure parsers in bootinfo.c. */
#include <stdint.h>
#include "string.h"
#include "kernel/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/panic.h"
#include "kernel/printk.h"

struct bootinfo bootinfo;

/* The loader's structures live in memory the page allocator will reuse:
 * keep private copies of everything bootinfo points to. */
static char strpool[BOOT_STRINGS_MAX];
static size_t strpool_used;
static uint8_t rsdp_copy[36];

static const char *keep_string(const char *s)
{
    size_t n = strlen(s) + 1;
    if (n > sizeof(strpool) - strpool_used)
        return "";
    char *d = strpool + strpool_used;
    memcpy(d, s, n);
    strpool_used += n;
    return d;
}

static void keep_loader_data(struct bootinfo *bi)
{
    bi->cmdline = keep_string(bi->cmdline);
    bi->loader = keep_string(bi->loader);
    for (unsigned i = 0; i < bi->nmods; i++)
        bi->mods[i].cmdline = keep_string(bi->mods[i].cmdline);
    if (bi->rsdp) {
        memcpy(rsdp_copy, bi->rsdp, sizeof(rsdp_copy));
        bi->rsdp = rsdp_copy;
    }
}

static const void *read_phys(uint64_t pa, uint64_t len)
{
    return arch_phys_map(pa, len);
}

void bootinfo_init(uint32_t magic, uint64_t info_phys)
{
    int err;

    if (magic == MB1_BOOT_MAGIC) {
        err = bootinfo_parse_mb1(&bootinfo, read_phys(info_phys, 116), read_phys);
    } else if (magic == MB2_BOOT_MAGIC) {
        const uint32_t *hdr = read_phys(info_phys, 8);
        uint64_t total = hdr ? hdr[0] : 0;
        err = bootinfo_parse_mb2(&bootinfo, read_phys(info_phys, total), total);
    } else {
        panic("not booted by a multiboot loader (magic %#x)", magic);
    }
    if (err)
        panic("unusable multiboot%d information at %#llx", magic == MB1_BOOT_MAGIC ? 1 : 2,
              (unsigned long long)info_phys);
    keep_loader_data(&bootinfo);
    bootinfo.nmmap =
        memmap_sanitize(bootinfo.mmap, bootinfo.nmmap, BOOT_MMAP_MAX, &bootinfo.mmap_stats);
}

static void print_size(uint64_t bytes)
{
    if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0)
        printk("%llu GiB", (unsigned long long)(bytes >> 30));
    else if (bytes >= (1ull << 20))
        printk("%llu MiB", (unsigned long long)(bytes >> 20));
    else
        printk("%llu KiB", (unsigned long long)(bytes >> 10));
}

static void print_mmap(void)
{
    const struct memmap_stats *st = &bootinfo.mmap_stats;

    printk("memory map (%u ranges):\n", bootinfo.nmmap);
    for (unsigned i = 0; i < bootinfo.nmmap; i++) {
        const struct mem_range *r = &bootinfo.mmap[i];
        printk("  0x%016llx-0x%016llx %-9s ", (unsigned long long)r->base,
               (unsigned long long)(r->base + r->len - 1), memmap_type_name(r->type));
        print_size(r->len);
        printk("\n");
    }
    if (st->zero_length || st->overlaps || st->truncated)
        printk("memory map: skipped %u zero-length entries, resolved %u overlaps, "
               "dropped %u ranges\n",
               st->zero_length, st->overlaps, st->truncated);
    uint64_t usable = memmap_usable(bootinfo.mmap, bootinfo.nmmap);
    printk("usable RAM: %llu KiB (%llu MiB)\n", (unsigned long long)(usable >> 10),
           (unsigned long long)(usable >> 20));
}

static void print_modules(void)
{
    if (bootinfo.nmods == 0)
        printk("modules: none\n");
    for (unsigned i = 0; i < bootinfo.nmods; i++) {
        const struct boot_module *m = &bootinfo.mods[i];
        printk("module %u: %#llx-%#llx (%llu bytes) \"%s\"\n", i, (unsigned long long)m->start,
               (unsigned long long)m->end, (unsigned long long)(m->end - m->start), m->cmdline);
    }
    if (bootinfo.mods_dropped)
        printk("modules: %u skipped (malformed or over %d)\n", bootinfo.mods_dropped,
               BOOT_MODS_MAX);
}

void bootinfo_print(void)
{
    printk("boot: multiboot%d, loader \"%s\"%s\n", bootinfo.protocol,
           bootinfo.loader[0] ? bootinfo.loader : "unnamed", bootinfo.efi ? ", UEFI" : "");
    printk("command line: \"%s\"\n", bootinfo.cmdline);
    print_mmap();
    print_modules();
    if (bootinfo.has_fb)
        printk("framebuffer: %ux%u, %u bpp, type %u, pitch %u, at %#llx\n", bootinfo.fb.width,
               bootinfo.fb.height, bootinfo.fb.bpp, bootinfo.fb.type, bootinfo.fb.pitch,
               (unsigned long long)bootinfo.fb.addr);
    else
        printk("framebuffer: none from the loader\n");
    if (bootinfo.bad_tags)
        printk("boot information: %u malformed entries skipped\n", bootinfo.bad_tags);
}
