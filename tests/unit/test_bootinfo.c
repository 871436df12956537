/* Host tests for kernel/bootinfo.c: multiboot2 information structures built
 * in heap buffers of exactly their size (so valgrind sees any overread), and
 * multiboot1 information read through a phys_reader over a fake physical
 * memory. Well-formed input, every length field lying, and the memory map
 * carried through memmap_sanitize. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/bootinfo.h"

int k_bootinfo_parse_mb1(struct bootinfo *bi, const void *info, phys_reader rd);
int k_bootinfo_parse_mb2(struct bootinfo *bi, const void *info, uint64_t max_size);
unsigned k_memmap_sanitize(struct mem_range *r, unsigned n, unsigned max, struct memmap_stats *st);

#define EINVAL_VALUE 22

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

/* Multiboot2 builder: tags appended to a zeroed buffer, each padded to 8. */
struct mb2 {
    _Alignas(8) uint8_t buf[8192];
    uint32_t len;
};

static void mb2_init(struct mb2 *m)
{
    memset(m, 0, sizeof(*m));
    m->len = 8;
}

/* Appends a tag of the given size (header included) and returns it. */
static uint8_t *mb2_tag(struct mb2 *m, uint32_t type, uint32_t size)
{
    uint8_t *t = m->buf + m->len;
    assert_true(m->len + size + 8 <= sizeof(m->buf));
    put32(t, type);
    put32(t + 4, size);
    m->len += (size + 7) & ~7u;
    return t;
}

static void mb2_string(struct mb2 *m, uint32_t type, const char *s)
{
    memcpy(mb2_tag(m, type, 8 + (uint32_t)strlen(s) + 1) + 8, s, strlen(s) + 1);
}

static void mb2_module(struct mb2 *m, uint32_t start, uint32_t end, const char *s)
{
    uint8_t *t = mb2_tag(m, 3, 16 + (uint32_t)strlen(s) + 1);
    put32(t + 8, start);
    put32(t + 12, end);
    memcpy(t + 16, s, strlen(s) + 1);
}

static void mb2_mmap(struct mb2 *m, const struct mem_range *r, unsigned n)
{
    uint8_t *t = mb2_tag(m, 6, 16 + 24 * n);
    put32(t + 8, 24);
    for (unsigned i = 0; i < n; i++) {
        put64(t + 16 + 24 * i, r[i].base);
        put64(t + 24 + 24 * i, r[i].len);
        put32(t + 32 + 24 * i, r[i].type);
        put32(t + 36 + 24 * i, 0xffffffff); /* reserved */
    }
}

/* Adds the end tag and returns a heap copy of exactly total_size bytes. */
static uint8_t *mb2_finish(struct mb2 *m)
{
    mb2_tag(m, 0, 8);
    put32(m->buf, m->len);
    uint8_t *p = malloc(m->len);
    assert_non_null(p);
    memcpy(p, m->buf, m->len);
    return p;
}

static uint8_t *heap_copy(const void *src, size_t n)
{
    uint8_t *p = malloc(n);
    assert_non_null(p);
    memcpy(p, src, n);
    return p;
}

#define R(b, l, t) ((struct mem_range){(b), (l), (t)})

static void expect_range(const struct mem_range *r, uint64_t base, uint64_t len, uint32_t type)
{
    assert_true(r->base == base);
    assert_true(r->len == len);
    assert_int_equal(r->type, type);
}

static const uint8_t rsdp_v1[24] = "RSD PTR \x11OEMID1\x00\x00\x10\x00\x00";
static const uint8_t rsdp_v2[36] = "RSD PTR \x22OEMID2\x02\x00\x20\x00\x00\x24\x00\x00\x00";

static void test_mb2_full(void **state)
{
    (void)state;
    static struct mb2 m;
    const struct mem_range map[3] = {R(0, 0x9fc00, 1), R(0x9fc00, 0x400, 2),
                                     R(0x100000, 0xfee0000, 1)};
    struct bootinfo bi;

    mb2_init(&m);
    mb2_string(&m, 1, "console=ttyS0 selftest");
    mb2_string(&m, 2, "GRUB 2.12");
    mb2_module(&m, 0x200000, 0x201000, "initrd arg");
    mb2_module(&m, 0x300000, 0x300000, "");
    put32(mb2_tag(&m, 21, 12) + 8, 0x100000); /* load base: ignored */
    mb2_mmap(&m, map, 3);
    uint8_t *fb = mb2_tag(&m, 8, 38);
    put64(fb + 8, 0xfd000000);
    put32(fb + 16, 4096);
    put32(fb + 20, 1024);
    put32(fb + 24, 768);
    memcpy(fb + 28, "\x20\x01\x00\x00\x10\x08\x08\x07\x00\x06", 10);
    put64(mb2_tag(&m, 12, 16) + 8, 0x7f000000); /* EFI64 system table */
    memcpy(mb2_tag(&m, 14, 8 + 20) + 8, rsdp_v1, 20);
    uint32_t new_off = m.len;
    memcpy(mb2_tag(&m, 15, 8 + 36) + 8, rsdp_v2, 36);
    uint8_t *info = mb2_finish(&m);

    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, m.len), 0);
    assert_int_equal(bi.protocol, 2);
    assert_string_equal(bi.cmdline, "console=ttyS0 selftest");
    assert_string_equal(bi.loader, "GRUB 2.12");
    assert_int_equal(bi.nmods, 2);
    assert_int_equal(bi.mods_dropped, 0);
    assert_true(bi.mods[0].start == 0x200000 && bi.mods[0].end == 0x201000);
    assert_string_equal(bi.mods[0].cmdline, "initrd arg");
    assert_true(bi.mods[1].start == 0x300000 && bi.mods[1].end == 0x300000);
    assert_string_equal(bi.mods[1].cmdline, "");
    assert_int_equal(bi.nmmap, 3);
    for (unsigned i = 0; i < 3; i++)
        expect_range(&bi.mmap[i], map[i].base, map[i].len, map[i].type);
    assert_int_equal(bi.has_fb, 1);
    assert_true(bi.fb.addr == 0xfd000000);
    assert_int_equal(bi.fb.pitch, 4096);
    assert_int_equal(bi.fb.width, 1024);
    assert_int_equal(bi.fb.height, 768);
    assert_int_equal(bi.fb.bpp, 32);
    assert_int_equal(bi.fb.type, FB_TYPE_RGB);
    assert_int_equal(bi.fb.red_pos, 16);
    assert_int_equal(bi.fb.red_size, 8);
    assert_int_equal(bi.fb.green_pos, 8);
    assert_int_equal(bi.fb.green_size, 7);
    assert_int_equal(bi.fb.blue_pos, 0);
    assert_int_equal(bi.fb.blue_size, 6);
    assert_int_equal(bi.efi, 1);
    assert_ptr_equal(bi.rsdp, info + new_off + 8);
    assert_int_equal(bi.bad_tags, 0);
    free(info);
}

static void test_mb2_minimal_and_acpi_order(void **state)
{
    (void)state;
    static struct mb2 m;
    struct bootinfo bi;

    /* No tags at all: empty strings, no EFI, no RSDP. */
    mb2_init(&m);
    uint8_t *info = mb2_finish(&m);
    assert_int_equal(m.len, 16);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, 16), 0);
    assert_string_equal(bi.cmdline, "");
    assert_string_equal(bi.loader, "");
    assert_true(bi.nmmap == 0 && bi.nmods == 0 && bi.has_fb == 0 && bi.efi == 0);
    assert_null(bi.rsdp);
    assert_int_equal(bi.bad_tags, 0);
    free(info);

    /* New RSDP before old: the new one stays. A short ACPI tag is ignored.
     * EFI32 alone sets efi. Indexed framebuffer: no colour fields. */
    mb2_init(&m);
    mb2_tag(&m, 14, 8 + 19);
    uint32_t new_off = m.len;
    memcpy(mb2_tag(&m, 15, 8 + 36) + 8, rsdp_v2, 36);
    memcpy(mb2_tag(&m, 14, 8 + 20) + 8, rsdp_v1, 20);
    mb2_tag(&m, 11, 12);
    uint8_t *fb = mb2_tag(&m, 8, 38);
    memcpy(fb + 28, "\x08\x00\x00\x00\x10\x08\x08\x08\x00\x08", 10);
    mb2_tag(&m, 8, 31); /* too short: counted */
    info = mb2_finish(&m);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, m.len), 0);
    assert_ptr_equal(bi.rsdp, info + new_off + 8);
    assert_int_equal(bi.efi, 1);
    assert_int_equal(bi.has_fb, 1);
    assert_int_equal(bi.fb.bpp, 8);
    assert_int_equal(bi.fb.type, FB_TYPE_INDEXED);
    assert_int_equal(bi.fb.red_pos + bi.fb.red_size + bi.fb.blue_size, 0);
    assert_int_equal(bi.bad_tags, 1);
    free(info);

    /* RGB framebuffer tag without colour info: the next tag is not read. */
    mb2_init(&m);
    fb = mb2_tag(&m, 8, 32);
    memcpy(fb + 28, "\x18\x01", 2);
    mb2_string(&m, 2, "ab");
    info = mb2_finish(&m);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, m.len), 0);
    assert_int_equal(bi.fb.bpp, 24);
    assert_int_equal(bi.fb.type, FB_TYPE_RGB);
    assert_int_equal(bi.fb.red_pos, 0);
    assert_int_equal(bi.fb.red_size, 0);
    assert_int_equal(bi.fb.blue_pos, 0);
    assert_string_equal(bi.loader, "ab");
    assert_int_equal(bi.bad_tags, 0);
    free(info);
}

static void test_mb2_bad_total(void **state)
{
    (void)state;
    static struct mb2 m;
    struct bootinfo bi;

    mb2_init(&m);
    mb2_string(&m, 1, "x");
    uint8_t *info = mb2_finish(&m);
    uint32_t total = m.len;
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, total - 1), -EINVAL_VALUE);
    assert_string_equal(bi.cmdline, "");
    assert_string_equal(bi.loader, "");
    assert_int_equal(bi.protocol, 2);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, total), 0);
    assert_string_equal(bi.cmdline, "x");
    assert_int_equal(k_bootinfo_parse_mb2(&bi, NULL, total), -EINVAL_VALUE);
    put32(info, 15);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, total), -EINVAL_VALUE);
    put32(info, 0);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, total), -EINVAL_VALUE);
    /* 16 bytes: room for one tag header only, so the cmdline tag overruns. */
    put32(info, 16);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, 15), -EINVAL_VALUE);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, 16), 0);
    assert_string_equal(bi.cmdline, "");
    assert_int_equal(bi.bad_tags, 1);
    free(info);
}

static void test_mb2_bad_tag_sizes(void **state)
{
    (void)state;
    uint8_t raw[48] = {0};
    struct bootinfo bi;

    /* cmdline "a", then a loader tag of size 4: parsing stops there. */
    put32(raw, 48);
    put32(raw + 8, 1);
    put32(raw + 12, 10);
    memcpy(raw + 16, "a", 2);
    put32(raw + 24, 2);
    put32(raw + 28, 4);
    memcpy(raw + 32,
           "\x01\x00\x00\x00\x0a\x00\x00\x00"
           "b",
           9); /* would be cmdline "b" */
    uint8_t *info = heap_copy(raw, 48);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, 48), 0);
    assert_string_equal(bi.cmdline, "a");
    assert_string_equal(bi.loader, "");
    assert_int_equal(bi.bad_tags, 1);
    free(info);

    /* A cmdline tag claiming 100 bytes in a 32-byte structure, no NUL. */
    memset(raw, 'x', sizeof(raw));
    put32(raw, 32);
    put32(raw + 8, 1);
    put32(raw + 12, 100);
    info = heap_copy(raw, 32);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, 32), 0);
    assert_string_equal(bi.cmdline, "");
    assert_int_equal(bi.bad_tags, 1);
    /* One byte too long, and the header alone running past the end. */
    put32(info + 12, 25);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, 32), 0);
    assert_int_equal(bi.bad_tags, 1);
    put32(info + 12, 24);
    info[31] = 0;
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, 32), 0);
    assert_int_equal(bi.bad_tags, 0);
    assert_int_equal(strlen(bi.cmdline), 15);
    free(info);

    /* No end tag, last tag's padding beyond total_size: stops quietly. */
    memset(raw, 0, sizeof(raw));
    put32(raw, 21);
    put32(raw + 8, 1);
    put32(raw + 12, 13);
    memcpy(raw + 16, "abcd", 5);
    info = heap_copy(raw, 21);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, 21), 0);
    assert_string_equal(bi.cmdline, "abcd");
    assert_int_equal(bi.bad_tags, 0);
    free(info);
}

static void test_mb2_unterminated_strings(void **state)
{
    (void)state;
    static struct mb2 m;
    struct bootinfo bi;

    /* "hello" without its NUL; the zero padding after the tag must not count. */
    mb2_init(&m);
    memcpy(mb2_tag(&m, 1, 13) + 8, "hello", 5);
    memcpy(mb2_tag(&m, 2, 12) + 8, "GRUB", 4);
    mb2_tag(&m, 1, 8);
    mb2_module(&m, 0x1000, 0x2000, "");
    memcpy(mb2_tag(&m, 3, 19) + 16, "mod", 3);
    mb2_tag(&m, 3, 15); /* no room for start and end */
    mb2_string(&m, 2, "loader");
    uint8_t *info = mb2_finish(&m);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, m.len), 0);
    assert_string_equal(bi.cmdline, "");
    assert_string_equal(bi.loader, "loader");
    assert_int_equal(bi.nmods, 2);
    assert_string_equal(bi.mods[1].cmdline, "");
    assert_int_equal(bi.bad_tags, 4);
    free(info);
}

static void test_mb2_modules(void **state)
{
    (void)state;
    static struct mb2 m;
    char name[16];
    struct bootinfo bi;

    mb2_init(&m);
    mb2_module(&m, 0x5000, 0x4fff, "backwards");
    for (unsigned i = 0; i < BOOT_MODS_MAX + 2; i++) {
        snprintf(name, sizeof(name), "mod%u", i);
        mb2_module(&m, 0x100000 * (i + 1), 0x100000 * (i + 1) + i, name);
    }
    uint8_t *info = mb2_finish(&m);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, m.len), 0);
    assert_int_equal(bi.nmods, BOOT_MODS_MAX);
    assert_int_equal(bi.mods_dropped, 3);
    assert_true(bi.mods[0].start == 0x100000 && bi.mods[0].end == 0x100000);
    assert_string_equal(bi.mods[0].cmdline, "mod0");
    assert_true(bi.mods[15].start == 0x1000000 && bi.mods[15].end == 0x100000f);
    assert_string_equal(bi.mods[15].cmdline, "mod15");
    assert_int_equal(bi.bad_tags, 0);
    free(info);
}

static void test_mb2_mmap_malformed(void **state)
{
    (void)state;
    static struct mb2 m;
    static struct mem_range big[BOOT_MMAP_MAX + 2];
    struct bootinfo bi;

    /* entry_size 20, then 32 with trailing junk per entry and a partial
     * entry at the end, then one absurd entry_size on an empty tag. */
    mb2_init(&m);
    put32(mb2_tag(&m, 6, 16 + 40) + 8, 20);
    uint8_t *t = mb2_tag(&m, 6, 16 + 2 * 32 + 24);
    put32(t + 8, 32);
    put64(t + 16, 0x1000);
    put64(t + 24, 0x2000);
    put32(t + 32, 1);
    put64(t + 48, 0x5000);
    put64(t + 56, 0x1000);
    put32(t + 64, 3);
    put32(mb2_tag(&m, 6, 16) + 8, 0xfffffff8);
    mb2_tag(&m, 6, 12);
    uint8_t *info = mb2_finish(&m);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, m.len), 0);
    assert_int_equal(bi.nmmap, 2);
    expect_range(&bi.mmap[0], 0x1000, 0x2000, 1);
    expect_range(&bi.mmap[1], 0x5000, 0x1000, 3);
    assert_int_equal(bi.bad_tags, 2);
    free(info);

    /* A header-only mmap tag ending the structure: no entry_size to read. */
    uint8_t raw[16] = {0};
    put32(raw, 16);
    put32(raw + 8, 6);
    put32(raw + 12, 8);
    info = heap_copy(raw, 16);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, 16), 0);
    assert_int_equal(bi.nmmap, 0);
    assert_int_equal(bi.bad_tags, 1);
    free(info);

    /* Two more entries than fit. */
    for (unsigned i = 0; i < BOOT_MMAP_MAX + 2; i++)
        big[i] = R(0x1000ull * i, 0x1000, 1 + i % 5);
    mb2_init(&m);
    mb2_mmap(&m, big, BOOT_MMAP_MAX + 2);
    info = mb2_finish(&m);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, m.len), 0);
    assert_int_equal(bi.nmmap, BOOT_MMAP_MAX);
    expect_range(&bi.mmap[BOOT_MMAP_MAX - 1], 0x7f000, 0x1000, 1 + 127 % 5);
    assert_int_equal(bi.bad_tags, 2);
    free(info);
}

/* Multiboot1 over a fake physical memory (heap, so valgrind sees overreads):
 * pa is an offset into phys. */
#define PHYS_SIZE 0x20000u /* larger than the parser's 64 KiB mmap cap */
#define INFO      0x100u

static uint8_t *phys;

static const void *phys_rd(uint64_t pa, uint64_t len)
{
    if (pa > PHYS_SIZE || len > PHYS_SIZE - pa)
        return NULL;
    return phys + pa;
}

static int phys_setup(void **state)
{
    (void)state;
    phys = malloc(PHYS_SIZE);
    return phys ? 0 : -1;
}

static int phys_teardown(void **state)
{
    (void)state;
    free(phys);
    return 0;
}

static void mb1_entry(uint32_t pa, uint32_t size, uint64_t base, uint64_t len, uint32_t type)
{
    put32(phys + pa, size);
    put64(phys + pa + 4, base);
    put64(phys + pa + 12, len);
    put32(phys + pa + 20, type);
}

/* A well-formed info at INFO: cmdline, loader, two modules, a memory map of
 * three entries (the second 4 bytes longer than usual) and a framebuffer. */
static void mb1_build(void)
{
    uint8_t *info = phys + INFO;

    memset(phys, 0xaa, PHYS_SIZE);
    memset(info, 0, 116);
    put32(info, 0x4 | 0x8 | 0x40 | 0x200 | 0x1000);
    put32(info + 16, 0x1000);
    strcpy((char *)phys + 0x1000, "root=/dev/sda quiet");
    put32(info + 64, 0x1100);
    strcpy((char *)phys + 0x1100, "GRUB 0.97");
    put32(info + 20, 2);
    put32(info + 24, 0x2000);
    const uint32_t mods[8] = {0x100000, 0x180000, 0x2100, 0, 0x180000, 0x190000, 0xfff000, 0};
    memcpy(phys + 0x2000, mods, sizeof(mods));
    strcpy((char *)phys + 0x2100, "mod1 arg");
    put32(info + 44, 24 + 28 + 24);
    put32(info + 48, 0x3000);
    mb1_entry(0x3000, 20, 0, 0x9fc00, 1);
    mb1_entry(0x3018, 24, 0x9fc00, 0x400, 2);
    mb1_entry(0x3034, 20, 0x100000, 0x7ef0000, 1);
    put64(info + 88, 0xfd000000);
    put32(info + 96, 3200);
    put32(info + 100, 800);
    put32(info + 104, 600);
    memcpy(info + 108, "\x20\x01\x10\x08\x08\x08\x00\x08", 8);
}

static void test_mb1_full(void **state)
{
    (void)state;
    struct bootinfo bi;

    mb1_build();
    assert_int_equal(k_bootinfo_parse_mb1(&bi, phys + INFO, phys_rd), 0);
    assert_int_equal(bi.protocol, 1);
    assert_string_equal(bi.cmdline, "root=/dev/sda quiet");
    assert_ptr_equal(bi.cmdline, phys + 0x1000);
    assert_string_equal(bi.loader, "GRUB 0.97");
    assert_int_equal(bi.nmods, 2);
    assert_true(bi.mods[0].start == 0x100000 && bi.mods[0].end == 0x180000);
    assert_string_equal(bi.mods[0].cmdline, "mod1 arg");
    assert_true(bi.mods[1].start == 0x180000 && bi.mods[1].end == 0x190000);
    assert_string_equal(bi.mods[1].cmdline, ""); /* string pointer outside memory */
    assert_int_equal(bi.mods_dropped, 0);
    assert_int_equal(bi.nmmap, 3);
    expect_range(&bi.mmap[0], 0, 0x9fc00, 1);
    expect_range(&bi.mmap[1], 0x9fc00, 0x400, 2);
    expect_range(&bi.mmap[2], 0x100000, 0x7ef0000, 1);
    assert_int_equal(bi.has_fb, 1);
    assert_true(bi.fb.addr == 0xfd000000);
    assert_int_equal(bi.fb.pitch, 3200);
    assert_int_equal(bi.fb.width, 800);
    assert_int_equal(bi.fb.height, 600);
    assert_int_equal(bi.fb.bpp, 32);
    assert_int_equal(bi.fb.type, FB_TYPE_RGB);
    assert_int_equal(bi.fb.red_pos, 16);
    assert_int_equal(bi.fb.green_pos, 8);
    assert_int_equal(bi.fb.blue_pos, 0);
    assert_int_equal(bi.fb.blue_size, 8);
    assert_int_equal(bi.efi, 0);
    assert_null(bi.rsdp);
    assert_int_equal(bi.bad_tags, 0);
}

static void test_mb1_bad_strings(void **state)
{
    (void)state;
    struct bootinfo bi;

    mb1_build();
    put32(phys + INFO + 16, 0xfffffff0);    /* outside memory */
    put32(phys + INFO + 64, PHYS_SIZE - 3); /* runs off the end, no NUL */
    assert_int_equal(k_bootinfo_parse_mb1(&bi, phys + INFO, phys_rd), 0);
    assert_string_equal(bi.cmdline, "");
    assert_string_equal(bi.loader, "");

    /* 4096 characters without a NUL are rejected, 4095 are accepted. */
    memset(phys + 0x8000, 'A', 4096);
    phys[0x9000] = 0;
    put32(phys + INFO + 16, 0x8000);
    put32(phys + INFO + 64, 0x8001);
    assert_int_equal(k_bootinfo_parse_mb1(&bi, phys + INFO, phys_rd), 0);
    assert_string_equal(bi.cmdline, "");
    assert_int_equal(strlen(bi.loader), 4095);
    assert_int_equal(bi.bad_tags, 0);
}

static void test_mb1_bad_mmap_and_mods(void **state)
{
    (void)state;
    struct bootinfo bi;

    mb1_build();
    mb1_entry(0x3018, 16, 0x9fc00, 0x400, 2); /* size < 20: stop */
    assert_int_equal(k_bootinfo_parse_mb1(&bi, phys + INFO, phys_rd), 0);
    assert_int_equal(bi.nmmap, 1);
    assert_int_equal(bi.bad_tags, 1);

    /* A size that wraps the offset must end the walk. */
    mb1_entry(0x3018, 0xfffffffc, 0x9fc00, 0x400, 2);
    assert_int_equal(k_bootinfo_parse_mb1(&bi, phys + INFO, phys_rd), 0);
    assert_int_equal(bi.nmmap, 2);
    assert_int_equal(bi.bad_tags, 0);

    put32(phys + INFO + 48, PHYS_SIZE - 76 + 1); /* one byte past memory */
    put32(phys + INFO + 24, 0xfffff000);         /* module list outside */
    assert_int_equal(k_bootinfo_parse_mb1(&bi, phys + INFO, phys_rd), 0);
    assert_int_equal(bi.nmmap, 0);
    assert_int_equal(bi.bad_tags, 1);
    assert_int_equal(bi.nmods, 0);
    assert_int_equal(bi.mods_dropped, 2);

    put32(phys + INFO + 48, 0x3000);
    put32(phys + INFO + 44, 0x10001); /* in memory, but over the 64 KiB cap */
    put32(phys + INFO + 24, 0x2000);
    put32(phys + 0x2004, 0xfffff); /* module end < start */
    assert_int_equal(k_bootinfo_parse_mb1(&bi, phys + INFO, phys_rd), 0);
    assert_int_equal(bi.nmmap, 0);
    assert_int_equal(bi.bad_tags, 1);
    assert_int_equal(bi.nmods, 1);
    assert_int_equal(bi.mods_dropped, 1);
    assert_true(bi.mods[0].start == 0x180000);
}

static void test_mb1_no_flags(void **state)
{
    (void)state;
    struct bootinfo bi;

    mb1_build();
    put32(phys + INFO, 0);
    assert_int_equal(k_bootinfo_parse_mb1(&bi, phys + INFO, phys_rd), 0);
    assert_int_equal(bi.protocol, 1);
    assert_string_equal(bi.cmdline, "");
    assert_string_equal(bi.loader, "");
    assert_true(bi.nmmap == 0 && bi.nmods == 0 && bi.mods_dropped == 0 && bi.has_fb == 0);
    assert_int_equal(bi.bad_tags, 0);
    assert_int_equal(k_bootinfo_parse_mb1(&bi, NULL, phys_rd), -EINVAL_VALUE);
    assert_string_equal(bi.cmdline, "");
}

/* Overlapping and zero-length entries through the parsers and the sanitizer. */
static const struct mem_range messy[6] = {
    R(0x100000, 0x7f00000, 1), R(0, 0xa0000, 1),         R(0x9fc00, 0x400, 2),
    R(0x500000, 0, 2),         R(0x7fe0000, 0x20000, 3), R(0xfffc0000, 0x40000, 2),
};

static void expect_sanitized(struct bootinfo *bi)
{
    assert_int_equal(bi->nmmap, 6);
    bi->nmmap = k_memmap_sanitize(bi->mmap, bi->nmmap, BOOT_MMAP_MAX, &bi->mmap_stats);
    assert_int_equal(bi->nmmap, 5);
    expect_range(&bi->mmap[0], 0, 0x9fc00, 1);
    expect_range(&bi->mmap[1], 0x9fc00, 0x400, 2);
    expect_range(&bi->mmap[2], 0x100000, 0x7ee0000, 1);
    expect_range(&bi->mmap[3], 0x7fe0000, 0x20000, 3);
    expect_range(&bi->mmap[4], 0xfffc0000, 0x40000, 2);
    assert_int_equal(bi->mmap_stats.zero_length, 1);
    assert_int_equal(bi->mmap_stats.overlaps, 2);
    assert_int_equal(bi->mmap_stats.truncated, 0);
}

static void test_round_trip(void **state)
{
    (void)state;
    static struct mb2 m;
    struct bootinfo bi;

    mb1_build();
    put32(phys + INFO, 0x40);
    put32(phys + INFO + 44, 6 * 24);
    for (unsigned i = 0; i < 6; i++)
        mb1_entry(0x3000 + 24 * i, 20, messy[i].base, messy[i].len, messy[i].type);
    assert_int_equal(k_bootinfo_parse_mb1(&bi, phys + INFO, phys_rd), 0);
    expect_sanitized(&bi);

    mb2_init(&m);
    mb2_mmap(&m, messy, 6);
    uint8_t *info = mb2_finish(&m);
    assert_int_equal(k_bootinfo_parse_mb2(&bi, info, m.len), 0);
    expect_sanitized(&bi);
    free(info);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mb2_full),
        cmocka_unit_test(test_mb2_minimal_and_acpi_order),
        cmocka_unit_test(test_mb2_bad_total),
        cmocka_unit_test(test_mb2_bad_tag_sizes),
        cmocka_unit_test(test_mb2_unterminated_strings),
        cmocka_unit_test(test_mb2_modules),
        cmocka_unit_test(test_mb2_mmap_malformed),
        cmocka_unit_test(test_mb1_full),
        cmocka_unit_test(test_mb1_bad_strings),
        cmocka_unit_test(test_mb1_bad_mmap_and_mods),
        cmocka_unit_test(test_mb1_no_flags),
        cmocka_unit_test(test_round_trip),
    };

    return cmocka_run_group_tests_name("kernel/bootinfo", tests, phys_setup, phys_teardown);
}
