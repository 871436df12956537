/* What the boot loader told us, in one protocol-independent form.
 * Filled once by bootinfo_init() and read-only afterwards. */
#ifndef UNIPLEX_BOOTINFO_H
#define UNIPLEX_BOOTINFO_H

#include <stdint.h>
#include "kernel/memmap.h"

#define MB1_BOOT_MAGIC 0x2badb002u
#define MB2_BOOT_MAGIC 0x36d76289u

#define BOOT_MMAP_MAX 128
#define BOOT_MODS_MAX 16
/* Bytes kept of the loader's strings (the command line, the loader's name
 * and the modules' command lines, NULs included): bootinfo_init copies
 * them out of loader memory. */
#define BOOT_STRINGS_MAX 4096

#define FB_TYPE_INDEXED  0
#define FB_TYPE_RGB      1
#define FB_TYPE_EGA_TEXT 2

struct boot_module {
    uint64_t start, end; /* physical, end exclusive */
    const char *cmdline; /* never NULL */
};

struct boot_fb {
    uint64_t addr; /* physical */
    uint32_t pitch, width, height;
    uint8_t bpp, type;
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct bootinfo {
    int protocol;        /* 1 or 2 */
    const char *cmdline; /* never NULL */
    const char *loader;  /* never NULL */
    struct mem_range mmap[BOOT_MMAP_MAX];
    unsigned nmmap;
    struct memmap_stats mmap_stats;
    struct boot_module mods[BOOT_MODS_MAX];
    unsigned nmods, mods_dropped;
    int has_fb;
    struct boot_fb fb;
    int efi;           /* booted through UEFI (multiboot2 EFI tags seen) */
    const void *rsdp;  /* ACPI RSDP copy from the loader, or NULL */
    unsigned bad_tags; /* malformed entries skipped */
};

/* Maps a physical range to a readable pointer, or NULL if it cannot. */
typedef const void *(*phys_reader)(uint64_t pa, uint64_t len);

/* Parse a multiboot1 / multiboot2 information structure into *bi (zeroed
 * first). Return 0, or -EINVAL when the structure itself is unusable.
 * Malformed entries are skipped and counted in bi->bad_tags. The memory map
 * is not yet sanitized. */
int bootinfo_parse_mb1(struct bootinfo *bi, const void *info, phys_reader rd);
int bootinfo_parse_mb2(struct bootinfo *bi, const void *info, uint64_t max_size);

extern struct bootinfo bootinfo;

/* Parse what the loader passed to kmain (panics on an unknown magic) and
 * sanitize the memory map. */
void bootinfo_init(uint32_t magic, uint64_t info_phys);
/* Print the boot summary: loader, command line, memory map, total usable
 * RAM, modules, framebuffer, what was skipped. */
void bootinfo_print(void);

#endif
