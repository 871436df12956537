/* Multiboot1 and multiboot2 information parsing (both specifications,
 * GNU GRUB manuals). The parsers trust no length field. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/bootinfo.h"
#include "kernel/byteorder.h"

#define MB1_FLAG_CMDLINE 0x004
#define MB1_FLAG_MODS    0x008
#define MB1_FLAG_MMAP    0x040
#define MB1_FLAG_LOADER  0x200
#define MB1_FLAG_FB      0x1000
#define MB1_INFO_SIZE    116

#define MB2_TAG_END      0
#define MB2_TAG_CMDLINE  1
#define MB2_TAG_LOADER   2
#define MB2_TAG_MODULE   3
#define MB2_TAG_MMAP     6
#define MB2_TAG_FB       8
#define MB2_TAG_EFI32    11
#define MB2_TAG_EFI64    12
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_TAG_EFI_MMAP 17

#define PHYS_STRING_MAX BOOT_STRINGS_MAX /* a longer one could not be kept anyway */

static void add_range(struct bootinfo *bi, uint64_t base, uint64_t len, uint32_t type)
{
    if (bi->nmmap < BOOT_MMAP_MAX)
        bi->mmap[bi->nmmap++] = (struct mem_range){base, len, type};
    else
        bi->bad_tags++;
}

static void add_module(struct bootinfo *bi, uint64_t start, uint64_t end, const char *cmd)
{
    if (end < start || bi->nmods >= BOOT_MODS_MAX) {
        bi->mods_dropped++;
        return;
    }
    bi->mods[bi->nmods++] = (struct boot_module){start, end, cmd ? cmd : ""};
}

/* A NUL-terminated string at physical pa, at most PHYS_STRING_MAX bytes
 * long with its NUL, or NULL. */
static const char *phys_string(phys_reader rd, uint64_t pa)
{
    for (uint64_t n = 1; n <= PHYS_STRING_MAX; n++) {
        const char *s = rd(pa, n);
        if (!s)
            return 0;
        if (s[n - 1] == 0)
            return s;
    }
    return 0;
}

static void mb1_fb(struct bootinfo *bi, const uint8_t *info)
{
    bi->has_fb = 1;
    bi->fb = (struct boot_fb){
        .addr = load_le64(info + 88),
        .pitch = load_le32(info + 96),
        .width = load_le32(info + 100),
        .height = load_le32(info + 104),
        .bpp = info[108],
        .type = info[109],
        .red_pos = info[110],
        .red_size = info[111],
        .green_pos = info[112],
        .green_size = info[113],
        .blue_pos = info[114],
        .blue_size = info[115],
    };
}

static void mb1_mmap(struct bootinfo *bi, const uint8_t *info, phys_reader rd)
{
    uint32_t len = load_le32(info + 44);
    const uint8_t *m = len <= 65536 ? rd(load_le32(info + 48), len) : 0;

    if (!m) {
        bi->bad_tags++;
        return;
    }
    /* 64-bit offset: size + 4 must not wrap back to an earlier entry. */
    for (uint64_t off = 0; off + 24 <= len;) {
        uint32_t size = load_le32(m + off);
        if (size < 20) {
            bi->bad_tags++;
            return;
        }
        add_range(bi, load_le64(m + off + 4), load_le64(m + off + 12), load_le32(m + off + 20));
        off += (uint64_t)size + 4;
    }
}

static void mb1_mods(struct bootinfo *bi, const uint8_t *info, phys_reader rd)
{
    uint32_t count = load_le32(info + 20);
    const uint8_t *m = count <= 256 ? rd(load_le32(info + 24), (uint64_t)count * 16) : 0;

    if (!m) {
        bi->mods_dropped += count;
        return;
    }
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = m + i * 16;
        add_module(bi, load_le32(e), load_le32(e + 4), phys_string(rd, load_le32(e + 8)));
    }
}

int bootinfo_parse_mb1(struct bootinfo *bi, const void *info_v, phys_reader rd)
{
    const uint8_t *info = info_v;

    memset(bi, 0, sizeof(*bi));
    bi->protocol = 1;
    bi->cmdline = bi->loader = "";
    if (!info)
        return -EINVAL;
    uint32_t flags = load_le32(info);
    if (flags & MB1_FLAG_CMDLINE) {
        const char *s = phys_string(rd, load_le32(info + 16));
        bi->cmdline = s ? s : "";
    }
    if (flags & MB1_FLAG_LOADER) {
        const char *s = phys_string(rd, load_le32(info + 64));
        bi->loader = s ? s : "";
    }
    if (flags & MB1_FLAG_MMAP)
        mb1_mmap(bi, info, rd);
    if (flags & MB1_FLAG_MODS)
        mb1_mods(bi, info, rd);
    if (flags & MB1_FLAG_FB)
        mb1_fb(bi, info);
    return 0;
}

static void mb2_mmap(struct bootinfo *bi, const uint8_t *t, uint32_t size)
{
    if (size < 16 || load_le32(t + 8) < 24) {
        bi->bad_tags++;
        return;
    }
    /* off <= size throughout, so size - off cannot wrap; off + esize could. */
    uint32_t esize = load_le32(t + 8);
    for (uint32_t off = 16; esize <= size - off; off += esize)
        add_range(bi, load_le64(t + off), load_le64(t + off + 8), load_le32(t + off + 16));
}

static void mb2_fb(struct bootinfo *bi, const uint8_t *t, uint32_t size)
{
    if (size < 32) {
        bi->bad_tags++;
        return;
    }
    bi->has_fb = 1;
    bi->fb = (struct boot_fb){
        .addr = load_le64(t + 8),
        .pitch = load_le32(t + 16),
        .width = load_le32(t + 20),
        .height = load_le32(t + 24),
        .bpp = t[28],
        .type = t[29],
    };
    if (bi->fb.type == FB_TYPE_RGB && size >= 38) {
        bi->fb.red_pos = t[32];
        bi->fb.red_size = t[33];
        bi->fb.green_pos = t[34];
        bi->fb.green_size = t[35];
        bi->fb.blue_pos = t[36];
        bi->fb.blue_size = t[37];
    }
}

/* A tag's string payload at offset off, if NUL-terminated inside the tag. */
static const char *tag_string(const uint8_t *t, uint32_t size, uint32_t off)
{
    if (size <= off || memchr(t + off, 0, size - off) == 0)
        return 0;
    return (const char *)t + off;
}

static void mb2_tag(struct bootinfo *bi, const uint8_t *t, uint32_t type, uint32_t size)
{
    const char *s;

    switch (type) {
    case MB2_TAG_CMDLINE:
    case MB2_TAG_LOADER:
        s = tag_string(t, size, 8);
        if (!s)
            bi->bad_tags++;
        else if (type == MB2_TAG_CMDLINE)
            bi->cmdline = s;
        else
            bi->loader = s;
        break;
    case MB2_TAG_MODULE:
        if (size < 16)
            bi->bad_tags++;
        else
            add_module(bi, load_le32(t + 8), load_le32(t + 12), tag_string(t, size, 16));
        break;
    case MB2_TAG_MMAP:
        mb2_mmap(bi, t, size);
        break;
    case MB2_TAG_FB:
        mb2_fb(bi, t, size);
        break;
    case MB2_TAG_EFI32:
    case MB2_TAG_EFI64:
    case MB2_TAG_EFI_MMAP:
        bi->efi = 1;
        break;
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        if (size >= 8 + 20 && (!bi->rsdp || type == MB2_TAG_ACPI_NEW))
            bi->rsdp = t + 8;
        break;
    }
}

int bootinfo_parse_mb2(struct bootinfo *bi, const void *info_v, uint64_t max_size)
{
    const uint8_t *info = info_v;

    memset(bi, 0, sizeof(*bi));
    bi->protocol = 2;
    bi->cmdline = bi->loader = "";
    if (!info || max_size < 16)
        return -EINVAL;
    uint32_t total = load_le32(info);
    if (total < 16 || total > max_size)
        return -EINVAL;
    for (uint64_t off = 8; off + 8 <= total;) { /* 64-bit: the step cannot wrap */
        uint32_t type = load_le32(info + off), size = load_le32(info + off + 4);
        if (type == MB2_TAG_END)
            break;
        if (size < 8 || size > total - off) {
            bi->bad_tags++;
            break;
        }
        mb2_tag(bi, info + off, type, size);
        off += ((uint64_t)size + 7) & ~7ull;
    }
    return 0;
}
