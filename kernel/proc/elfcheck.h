/* Checking and describing a static x86-64 ELF executable held in memory.
 * Pure code, shared by the kernel's ELF loader and the host image builder:
 * no allocation, and only the file's bytes are read (never past len). The
 * ELF structures themselves are private to elfcheck.c, so this header can be
 * included beside the host's <elf.h>. */
#ifndef UNIPLEX_PROC_ELFCHECK_H
#define UNIPLEX_PROC_ELFCHECK_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16

#define ELF_PROT_R 1u
#define ELF_PROT_W 2u
#define ELF_PROT_X 4u

/* One PT_LOAD segment with a non-zero memsz, in program header order. Their
 * byte ranges are disjoint, but two segments may share a page. */
struct elf_segment {
    uint64_t vaddr, memsz, offset, filesz;
    uint32_t prot; /* ELF_PROT_R | ELF_PROT_W | ELF_PROT_X */
};

struct elf_image {
    int pie;        /* ET_DYN (static-PIE): loaded at a base chosen by the loader */
    uint64_t entry; /* e_entry (relative to the load base for PIE) */
    /* Address of the program headers in memory (for AT_PHDR): from PT_PHDR,
     * else computed from the PT_LOAD whose file data holds them; 0 if not mapped. */
    uint64_t phdr_vaddr;
    uint16_t phnum, phentsize;
    uint64_t lo, hi; /* page-rounded extent of all PT_LOAD segments */
    struct elf_segment seg[ELF_MAX_SEGMENTS];
    unsigned nseg;
    /* PT_TLS, zeros if none; the initialisation image [tls_vaddr, +tls_filesz)
     * lies inside a PT_LOAD segment. */
    uint64_t tls_vaddr, tls_filesz, tls_memsz, tls_align;
    uint64_t stack_prot; /* from PT_GNU_STACK (default ELF_PROT_R | ELF_PROT_W) */
};

/* Check and describe the ELF file file[0..len). Returns 0 with *img filled
 * in, or -ENOEXEC with *why (if why is not NULL) set to a short static
 * English reason such as "dynamically linked: not supported". */
int elf_check(const uint8_t *file, size_t len, struct elf_image *img, const char **why);

#endif
