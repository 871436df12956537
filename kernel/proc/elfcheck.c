/* ELF64 executable checks (see elfcheck.h). Every header is copied out of
 * the file with memcpy before use, after checking it lies inside the file, so
 * any byte string of any length can be passed in. */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/page.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/elfcheck.h"

typedef struct {
    uint8_t e_ident[16];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} Elf64_Ehdr;

typedef struct {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
} Elf64_Phdr;

_Static_assert(sizeof(Elf64_Ehdr) == 64, "Elf64_Ehdr is 64 bytes");
_Static_assert(sizeof(Elf64_Phdr) == 56, "Elf64_Phdr is 56 bytes");

#define EI_CLASS    4
#define EI_DATA     5
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define ET_EXEC     2
#define ET_DYN      3
#define EM_X86_64   62

#define PT_LOAD      1
#define PT_INTERP    3
#define PT_PHDR      6
#define PT_TLS       7
#define PT_GNU_STACK 0x6474e551u

#define PF_X 1u
#define PF_W 2u
#define PF_R 4u

#define ADDR_MAX_ROUNDS (UINT64_MAX - PAGE_OFFSET_MASK) /* ends above this wrap when rounded up */

static uint32_t prot_of(uint32_t p_flags)
{
    return (p_flags & PF_R ? ELF_PROT_R : 0) | (p_flags & PF_W ? ELF_PROT_W : 0) |
           (p_flags & PF_X ? ELF_PROT_X : 0);
}

/* [off, off + size) lies inside a file of len bytes. */
static int in_file(uint64_t off, uint64_t size, size_t len)
{
    return off <= len && size <= len - off;
}

static const char *check_ehdr(const uint8_t *file, size_t len, Elf64_Ehdr *eh)
{
    if (len < 4 || memcmp(file, "\177ELF", 4) != 0)
        return "not an ELF file";
    if (len < sizeof(*eh))
        return "truncated: ELF header past the end of the file";
    memcpy(eh, file, sizeof(*eh));
    if (eh->e_ident[EI_CLASS] != ELFCLASS64)
        return "not 64-bit";
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return "not little-endian";
    if (eh->e_machine != EM_X86_64)
        return "not x86-64";
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return "not an executable (ET_EXEC or ET_DYN)";
    if (eh->e_phnum != 0 && eh->e_phentsize != sizeof(Elf64_Phdr))
        return "unsupported program header size";
    if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * eh->e_phentsize, len))
        return "truncated: program headers past the end of the file";
    return NULL;
}

/* Checks of one PT_LOAD on its own: file bounds, sizes, addresses. */
static const char *check_load(const Elf64_Phdr *ph, size_t len, int pie)
{
    if (ph->p_filesz > ph->p_memsz)
        return "segment filesz larger than memsz";
    if (!in_file(ph->p_offset, ph->p_filesz, len))
        return "truncated: segment data past the end of the file";
    if (page_offset(ph->p_vaddr) != page_offset(ph->p_offset))
        return "misaligned segment";
    if (ph->p_vaddr > ADDR_MAX_ROUNDS || ph->p_memsz > ADDR_MAX_ROUNDS - ph->p_vaddr)
        return "segment outside the lower half";
    if (!pie && ph->p_vaddr + ph->p_memsz > USER_MAX)
        return "segment outside the lower half";
    if (!pie && ph->p_vaddr < PAGE_SIZE)
        return "segment at page 0";
    return NULL;
}

static const char *add_load(const Elf64_Phdr *ph, size_t len, struct elf_image *img)
{
    if (ph->p_memsz == 0 && ph->p_filesz == 0)
        return NULL; /* maps nothing */
    const char *why = check_load(ph, len, img->pie);
    if (why)
        return why;
    uint64_t end = ph->p_vaddr + ph->p_memsz;
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (ph->p_vaddr < s->vaddr + s->memsz && s->vaddr < end)
            return "overlapping segments";
    }
    if (img->nseg == ELF_MAX_SEGMENTS)
        return "too many segments";
    img->seg[img->nseg++] = (struct elf_segment){.vaddr = ph->p_vaddr,
                                                 .memsz = ph->p_memsz,
                                                 .offset = ph->p_offset,
                                                 .filesz = ph->p_filesz,
                                                 .prot = prot_of(ph->p_flags)};
    return NULL;
}

static const char *add_tls(const Elf64_Phdr *ph, struct elf_image *img)
{
    if (img->tls_memsz || img->tls_align || img->tls_vaddr || img->tls_filesz)
        return "more than one TLS segment";
    if (ph->p_filesz > ph->p_memsz)
        return "segment filesz larger than memsz";
    if (ph->p_align & (ph->p_align - 1))
        return "TLS alignment not a power of two";
    img->tls_vaddr = ph->p_vaddr;
    img->tls_filesz = ph->p_filesz;
    img->tls_memsz = ph->p_memsz;
    img->tls_align = ph->p_align;
    return NULL;
}

static const char *add_phdr(const Elf64_Phdr *ph, size_t len, struct elf_image *img)
{
    switch (ph->p_type) {
    case PT_INTERP:
        return "dynamically linked: not supported";
    case PT_LOAD:
        return add_load(ph, len, img);
    case PT_TLS:
        return add_tls(ph, img);
    case PT_GNU_STACK:
        img->stack_prot = prot_of(ph->p_flags);
        return NULL;
    case PT_PHDR:
        img->phdr_vaddr = ph->p_vaddr;
        return NULL;
    default:
        return NULL;
    }
}

/* The segment whose bytes [vaddr, vaddr + size) all lie in, or NULL;
 * file-backed bytes only when filed is set. */
static const struct elf_segment *seg_holding(const struct elf_image *img, uint64_t vaddr,
                                             uint64_t size, int filed)
{
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        uint64_t n = filed ? s->filesz : s->memsz;
        if (vaddr >= s->vaddr && vaddr - s->vaddr <= n && size <= n - (vaddr - s->vaddr))
            return &img->seg[i];
    }
    return NULL;
}

/* Where the program headers (file offset phoff) are mapped, or 0. */
static uint64_t phdr_address(const struct elf_image *img, uint64_t phoff)
{
    uint64_t size = (uint64_t)img->phnum * img->phentsize;
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (phoff >= s->offset && phoff - s->offset <= s->filesz &&
            size <= s->filesz - (phoff - s->offset))
            return s->vaddr + (phoff - s->offset);
    }
    return 0;
}

/* Checks of the whole set of segments, and the derived fields. */
static const char *finish(struct elf_image *img)
{
    if (img->nseg == 0)
        return "no loadable segments";
    img->lo = UINT64_MAX;
    img->hi = 0;
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        uint64_t lo = page_round_down(s->vaddr);
        uint64_t hi = page_round_up(s->vaddr + s->memsz);
        img->lo = lo < img->lo ? lo : img->lo;
        img->hi = hi > img->hi ? hi : img->hi;
    }
    if (img->hi - img->lo > USER_MAX)
        return "segment outside the lower half";
    const struct elf_segment *s = seg_holding(img, img->entry, 1, 0);
    if (!s || !(s->prot & ELF_PROT_X))
        return "entry point not in an executable segment";
    if (img->tls_filesz && !seg_holding(img, img->tls_vaddr, img->tls_filesz, 1))
        return "TLS data outside the loadable segments";
    return NULL;
}

static const char *check(const uint8_t *file, size_t len, struct elf_image *img)
{
    Elf64_Ehdr eh;
    const char *why = check_ehdr(file, len, &eh);
    if (why)
        return why;
    img->pie = eh.e_type == ET_DYN;
    img->entry = eh.e_entry;
    img->phnum = eh.e_phnum;
    img->phentsize = eh.e_phentsize;
    img->stack_prot = ELF_PROT_R | ELF_PROT_W;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, file + eh.e_phoff + (uint64_t)i * eh.e_phentsize, sizeof(ph));
        why = add_phdr(&ph, len, img);
        if (why)
            return why;
    }
    why = finish(img);
    if (!why && !img->phdr_vaddr)
        img->phdr_vaddr = phdr_address(img, eh.e_phoff);
    return why;
}

int elf_check(const uint8_t *file, size_t len, struct elf_image *img, const char **why)
{
    memset(img, 0, sizeof(*img));
    const char *reason = check(file, len, img);
    if (why)
        *why = reason;
    return reason ? -ENOEXEC : 0;
}
