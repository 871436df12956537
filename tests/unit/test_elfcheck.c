/* Host tests for kernel/proc/elfcheck.c: real executables (musl static and
 * static-PIE, a dynamic glibc one, Debian's busybox-static when installed),
 * one hand-made file per refusal reason, truncations of a real binary at
 * every interesting length, and seeded random byte mutations. Every input is
 * passed in a malloc'd buffer of exactly its length, so valgrind sees any
 * read past the end. The host's <elf.h> is the independent model, and its
 * inclusion beside elfcheck.h is itself part of the test. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/proc/elfcheck.h"
#include "tests/unit/test_rng.h"

#define ENOEXEC_ 8 /* Linux's, as in libc/include/errno.h */

int k_elf_check(const uint8_t *file, size_t len, struct elf_image *img, const char **why);

#ifndef ELF_SAMPLES
#define ELF_SAMPLES "build/host/elf"
#endif

struct blob {
    uint8_t *data;
    size_t len;
};

static struct blob read_blob(const char *path)
{
    struct blob b = {NULL, 0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return b;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b.data = malloc(n > 0 ? (size_t)n : 1);
    assert_non_null(b.data);
    b.len = fread(b.data, 1, (size_t)n, f);
    fclose(f);
    assert_int_equal(b.len, (size_t)n);
    return b;
}

static struct blob sample(const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", ELF_SAMPLES, name);
    struct blob b = read_blob(path);
    if (!b.data)
        fail_msg("%s missing: build it with make (tests run from the repo root)", path);
    return b;
}

/* k_elf_check on an exact-size copy of file[0..len). */
static int check_copy(const uint8_t *file, size_t len, struct elf_image *img, const char **why)
{
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, file, len);
    int rc = k_elf_check(copy, len, img, why);
    free(copy);
    return rc;
}

static void expect_ok(const uint8_t *file, size_t len, struct elf_image *img)
{
    const char *why = "unset";
    int rc = check_copy(file, len, img, &why);
    if (rc != 0)
        fail_msg("refused (%d): %s", rc, why ? why : "(null)");
    assert_null(why);
}

static void expect_refused(const uint8_t *file, size_t len, const char *reason)
{
    struct elf_image img;
    const char *why = NULL;
    int rc = check_copy(file, len, &img, &why);
    if (rc != -ENOEXEC_ || !why || strcmp(why, reason) != 0)
        fail_msg("got %d \"%s\", want -ENOEXEC \"%s\"", rc, why ? why : "(null)", reason);
}

/* Invariants every accepted image satisfies, whatever the input. */
static void check_sane(const struct elf_image *img, size_t len)
{
    int entry_ok = 0;
    assert_true(img->nseg >= 1 && img->nseg <= ELF_MAX_SEGMENTS);
    assert_true(img->lo < img->hi && img->lo % 4096 == 0 && img->hi % 4096 == 0);
    assert_true(img->hi - img->lo <= 0x800000000000ull);
    if (!img->pie)
        assert_true(img->lo >= 0x1000 && img->hi <= 0x800000000000ull);
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        assert_true(s->memsz > 0 && s->filesz <= s->memsz);
        assert_true(s->offset <= len && s->filesz <= len - s->offset);
        assert_true(s->vaddr % 4096 == s->offset % 4096);
        assert_true(s->vaddr >= img->lo && s->vaddr + s->memsz <= img->hi);
        for (unsigned j = 0; j < i; j++)
            assert_true(s->vaddr >= img->seg[j].vaddr + img->seg[j].memsz ||
                        img->seg[j].vaddr >= s->vaddr + s->memsz);
        if ((s->prot & ELF_PROT_X) && img->entry >= s->vaddr && img->entry - s->vaddr < s->memsz)
            entry_ok = 1;
    }
    assert_true(entry_ok);
    assert_true(img->tls_filesz <= img->tls_memsz);
    assert_true((img->tls_align & (img->tls_align - 1)) == 0);
}

/* The image against the host's own reading of the file with <elf.h>. */
static void check_against_model(const struct blob *b, const struct elf_image *img)
{
    Elf64_Ehdr eh;
    memcpy(&eh, b->data, sizeof(eh));
    assert_int_equal(img->pie, eh.e_type == ET_DYN);
    assert_true(img->entry == eh.e_entry);
    assert_int_equal(img->phnum, eh.e_phnum);
    assert_int_equal(img->phentsize, sizeof(Elf64_Phdr));
    unsigned n = 0, tls = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, b->data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_LOAD && ph.p_memsz) {
            assert_true(n < img->nseg);
            assert_true(img->seg[n].vaddr == ph.p_vaddr && img->seg[n].memsz == ph.p_memsz);
            assert_true(img->seg[n].offset == ph.p_offset && img->seg[n].filesz == ph.p_filesz);
            assert_int_equal(!!(img->seg[n].prot & ELF_PROT_X), !!(ph.p_flags & PF_X));
            assert_int_equal(!!(img->seg[n].prot & ELF_PROT_W), !!(ph.p_flags & PF_W));
            assert_int_equal(!!(img->seg[n].prot & ELF_PROT_R), !!(ph.p_flags & PF_R));
            if (ph.p_offset <= eh.e_phoff && eh.e_phoff < ph.p_offset + ph.p_filesz)
                assert_true(img->phdr_vaddr == ph.p_vaddr + (eh.e_phoff - ph.p_offset));
            n++;
        }
        if (ph.p_type == PT_TLS) {
            tls = 1;
            assert_true(img->tls_vaddr == ph.p_vaddr && img->tls_memsz == ph.p_memsz);
            assert_true(img->tls_filesz == ph.p_filesz && img->tls_align == ph.p_align);
        }
        if (ph.p_type == PT_PHDR)
            assert_true(img->phdr_vaddr == ph.p_vaddr);
    }
    assert_int_equal(img->nseg, n);
    if (!tls)
        assert_true(img->tls_memsz == 0 && img->tls_vaddr == 0);
    assert_true(img->phdr_vaddr != 0);
}

/* --- real executables ------------------------------------------------------ */

static void test_musl_static(void **state)
{
    (void)state;
    struct blob b = sample("hello_static");
    struct elf_image img;
    expect_ok(b.data, b.len, &img);
    check_sane(&img, b.len);
    check_against_model(&b, &img);
    assert_false(img.pie);
    assert_true(img.lo >= 0x1000);
    assert_true(img.tls_memsz >= 4 && img.tls_align >= 4); /* hello.c's __thread int */
    assert_true(img.stack_prot == (ELF_PROT_R | ELF_PROT_W));
    free(b.data);
}

static void test_musl_static_pie(void **state)
{
    (void)state;
    struct blob b = sample("hello_pie");
    struct elf_image img;
    expect_ok(b.data, b.len, &img);
    check_sane(&img, b.len);
    check_against_model(&b, &img);
    assert_true(img.pie);
    assert_true(img.lo == 0);
    assert_true(img.tls_memsz >= 4);
    free(b.data);
}

static void test_dynamic_refused(void **state)
{
    (void)state;
    struct blob b = sample("hello_dynamic");
    expect_refused(b.data, b.len, "dynamically linked: not supported");
    free(b.data);
}

static void test_busybox(void **state)
{
    (void)state;
    struct blob b = read_blob("/bin/busybox");
    if (!b.data || b.len < 4 || memcmp(b.data, ELFMAG, 4) != 0 || b.data[EI_CLASS] != ELFCLASS64) {
        free(b.data);
        skip(); /* busybox-static not installed */
    }
    struct elf_image img;
    Elf64_Ehdr eh;
    memcpy(&eh, b.data, sizeof(eh));
    const char *why = NULL;
    int rc = check_copy(b.data, b.len, &img, &why);
    if (eh.e_type == ET_DYN && rc != 0) {
        /* A dynamically linked busybox (not busybox-static) must say so. */
        assert_string_equal(why, "dynamically linked: not supported");
    } else {
        if (rc != 0)
            fail_msg("busybox refused: %s", why);
        check_sane(&img, b.len);
        check_against_model(&b, &img);
    }
    free(b.data);
}

/* A 32-bit executable, by hand: no gcc multilib here to build one. */
static void test_elf32_refused(void **state)
{
    (void)state;
    uint8_t buf[sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr)] = {0};
    Elf32_Ehdr eh = {.e_type = ET_EXEC,
                     .e_machine = EM_386,
                     .e_version = EV_CURRENT,
                     .e_entry = 0x8048000,
                     .e_phoff = sizeof(Elf32_Ehdr),
                     .e_ehsize = sizeof(Elf32_Ehdr),
                     .e_phentsize = sizeof(Elf32_Phdr),
                     .e_phnum = 1};
    memcpy(eh.e_ident, ELFMAG, 4);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    memcpy(buf, &eh, sizeof(eh));
    expect_refused(buf, sizeof(buf), "not 64-bit");
}

/* --- hand-made files -------------------------------------------------------- */

#define MAXPH     20
#define CRAFT_LEN 0x1200

/* A small valid ET_EXEC: R page with the headers, R+X text, RW data + bss
 * with a TLS image at its start, and PT_GNU_STACK. */
struct craft {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[MAXPH];
    size_t len;
};

static Elf64_Phdr PH(uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr, uint64_t filesz,
                     uint64_t memsz, uint64_t align)
{
    return (Elf64_Phdr){.p_type = type,
                        .p_flags = flags,
                        .p_offset = off,
                        .p_vaddr = vaddr,
                        .p_paddr = vaddr,
                        .p_filesz = filesz,
                        .p_memsz = memsz,
                        .p_align = align};
}

static struct craft base_craft(void)
{
    struct craft c = {.len = CRAFT_LEN};
    memcpy(c.eh.e_ident, ELFMAG, 4);
    c.eh.e_ident[EI_CLASS] = ELFCLASS64;
    c.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    c.eh.e_ident[EI_VERSION] = EV_CURRENT;
    c.eh.e_type = ET_EXEC;
    c.eh.e_machine = EM_X86_64;
    c.eh.e_version = EV_CURRENT;
    c.eh.e_entry = 0x401000;
    c.eh.e_phoff = sizeof(Elf64_Ehdr);
    c.eh.e_ehsize = sizeof(Elf64_Ehdr);
    c.eh.e_phentsize = sizeof(Elf64_Phdr);
    c.eh.e_phnum = 5;
    c.ph[0] = PH(PT_LOAD, PF_R, 0, 0x400000, 0x1000, 0x1000, 0x1000);
    c.ph[1] = PH(PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x100, 0x100, 0x1000);
    c.ph[2] = PH(PT_LOAD, PF_R | PF_W, 0x1100, 0x402100, 0x10, 0x2000, 0x1000);
    c.ph[3] = PH(PT_TLS, PF_R, 0x1100, 0x402100, 8, 16, 8);
    c.ph[4] = PH(PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
    return c;
}

/* The file bytes of c, in a buffer of 64 KiB (only c->len of it is passed). */
static uint8_t *craft_bytes(const struct craft *c)
{
    static uint8_t buf[0x10000];
    memset(buf, 0xcc, sizeof(buf));
    memcpy(buf, &c->eh, sizeof(c->eh));
    if (c->eh.e_phoff == sizeof(Elf64_Ehdr))
        memcpy(buf + sizeof(c->eh), c->ph, sizeof(c->ph));
    return buf;
}

static void test_craft_valid(void **state)
{
    (void)state;
    struct craft c = base_craft();
    struct elf_image img;
    expect_ok(craft_bytes(&c), c.len, &img);
    check_sane(&img, c.len);
    assert_false(img.pie);
    assert_true(img.entry == 0x401000);
    assert_int_equal(img.nseg, 3);
    assert_true(img.lo == 0x400000 && img.hi == 0x405000);
    assert_true(img.phdr_vaddr == 0x400040);
    assert_int_equal(img.phnum, 5);
    assert_int_equal(img.phentsize, 56);
    assert_int_equal(img.seg[0].prot, ELF_PROT_R);
    assert_int_equal(img.seg[1].prot, ELF_PROT_R | ELF_PROT_X);
    assert_int_equal(img.seg[2].prot, ELF_PROT_R | ELF_PROT_W);
    assert_true(img.seg[2].offset == 0x1100 && img.seg[2].filesz == 0x10);
    assert_true(img.seg[2].vaddr == 0x402100 && img.seg[2].memsz == 0x2000);
    assert_true(img.tls_vaddr == 0x402100 && img.tls_filesz == 8);
    assert_true(img.tls_memsz == 16 && img.tls_align == 8);
    assert_true(img.stack_prot == (ELF_PROT_R | ELF_PROT_W));

    /* No PT_GNU_STACK: RW; an executable stack is reported as such. */
    c.eh.e_phnum = 4;
    expect_ok(craft_bytes(&c), c.len, &img);
    assert_true(img.stack_prot == (ELF_PROT_R | ELF_PROT_W));
    c.eh.e_phnum = 5;
    c.ph[4].p_flags = PF_R | PF_W | PF_X;
    expect_ok(craft_bytes(&c), c.len, &img);
    assert_true(img.stack_prot == (ELF_PROT_R | ELF_PROT_W | ELF_PROT_X));

    /* PT_PHDR wins over the computed address; why may be NULL. */
    c.ph[4] = PH(PT_PHDR, PF_R, 0x40, 0x400040, 5 * 56, 5 * 56, 8);
    assert_int_equal(k_elf_check(craft_bytes(&c), c.len, &img, NULL), 0);
    assert_true(img.phdr_vaddr == 0x400040);
    c.ph[4].p_vaddr = 0x400080; /* odd, but it is what the file says */
    expect_ok(craft_bytes(&c), c.len, &img);
    assert_true(img.phdr_vaddr == 0x400080);
}

/* Headers outside every PT_LOAD: phdr_vaddr 0. Empty PT_LOADs are ignored. */
static void test_craft_phdr_unmapped(void **state)
{
    (void)state;
    struct craft c = base_craft();
    struct elf_image img;
    c.ph[0] = PH(PT_LOAD, PF_R, 0x1000, 0x400000, 0, 0, 0x1000);
    c.ph[4] = PH(PT_LOAD, PF_R, 0, 0, 0, 0, 0x1000); /* at page 0, but empty */
    expect_ok(craft_bytes(&c), c.len, &img);
    assert_int_equal(img.nseg, 2);
    assert_true(img.phdr_vaddr == 0);
    assert_true(img.lo == 0x401000);
}

static void test_craft_pie(void **state)
{
    (void)state;
    struct craft c = base_craft();
    struct elf_image img;
    c.eh.e_type = ET_DYN;
    for (unsigned i = 0; i < 4; i++)
        c.ph[i].p_vaddr -= 0x400000;
    c.eh.e_entry = 0x1000;
    expect_ok(craft_bytes(&c), c.len, &img);
    check_sane(&img, c.len);
    assert_true(img.pie && img.lo == 0 && img.hi == 0x5000 && img.entry == 0x1000);
    assert_true(img.phdr_vaddr == 0x40);

    /* Only the extent's size is checked: high addresses are fine for PIE. */
    for (unsigned i = 0; i < 4; i++)
        c.ph[i].p_vaddr += 0xffff800000000000ull;
    c.eh.e_entry += 0xffff800000000000ull;
    expect_ok(craft_bytes(&c), c.len, &img);
    assert_true(img.lo == 0xffff800000000000ull && img.hi == 0xffff800000005000ull);
}

static void test_craft_max_segments(void **state)
{
    (void)state;
    struct craft c = base_craft();
    struct elf_image img;
    c.eh.e_phnum = ELF_MAX_SEGMENTS;
    for (unsigned i = 0; i < ELF_MAX_SEGMENTS; i++)
        c.ph[i] = PH(PT_LOAD, PF_R | PF_X, 0x1000, 0x401000 + i * 0x1000, 0x100, 0x1000, 0x1000);
    expect_ok(craft_bytes(&c), c.len, &img);
    assert_int_equal(img.nseg, ELF_MAX_SEGMENTS);
    c.eh.e_phnum = ELF_MAX_SEGMENTS + 1;
    c.ph[ELF_MAX_SEGMENTS] = PH(PT_LOAD, PF_R, 0x1000, 0x500000, 0x100, 0x1000, 0x1000);
    expect_refused(craft_bytes(&c), c.len, "too many segments");
}

/* One refusal: a change to the valid file and the reason it must give. */
struct bad_case {
    const char *name;
    void (*mutate)(struct craft *c);
    const char *reason;
};

static void m_magic(struct craft *c)
{
    c->eh.e_ident[1] = 'X';
}
static void m_len0(struct craft *c)
{
    c->len = 0;
}
static void m_len3(struct craft *c)
{
    c->len = 3;
}
static void m_len63(struct craft *c)
{
    c->len = 63;
}
static void m_class32(struct craft *c)
{
    c->eh.e_ident[EI_CLASS] = ELFCLASS32;
}
static void m_classnone(struct craft *c)
{
    c->eh.e_ident[EI_CLASS] = ELFCLASSNONE;
}
static void m_bigendian(struct craft *c)
{
    c->eh.e_ident[EI_DATA] = ELFDATA2MSB;
}
static void m_aarch64(struct craft *c)
{
    c->eh.e_machine = EM_AARCH64;
}
static void m_i386(struct craft *c)
{
    c->eh.e_machine = EM_386;
}
static void m_rel(struct craft *c)
{
    c->eh.e_type = ET_REL;
}
static void m_core(struct craft *c)
{
    c->eh.e_type = ET_CORE;
}
static void m_interp(struct craft *c)
{
    c->ph[4] = PH(PT_INTERP, PF_R, 0x200, 0x400200, 28, 28, 1);
}
static void m_interp_first(struct craft *c)
{
    c->ph[0].p_type = PT_INTERP; /* refused before anything else is looked at */
    c->ph[1].p_filesz = 0x100000;
}
static void m_phoff_past_end(struct craft *c)
{
    c->eh.e_phoff = c->len - 10;
}
static void m_phoff_huge(struct craft *c)
{
    c->eh.e_phoff = UINT64_MAX - 20; /* offset + size wraps */
}
static void m_phnum_huge(struct craft *c)
{
    c->eh.e_phnum = 0xffff;
}
static void m_len_cuts_phdrs(struct craft *c)
{
    c->len = 64 + 4 * 56 + 55;
}
static void m_phentsize(struct craft *c)
{
    c->eh.e_phentsize = 32;
}
static void m_seg_past_end(struct craft *c)
{
    c->ph[2].p_filesz = 0x101;
}
static void m_seg_offset_huge(struct craft *c)
{
    c->ph[2].p_offset = UINT64_MAX - 0xeff; /* offset + filesz wraps; same page offset */
}
static void m_len_cuts_seg(struct craft *c)
{
    c->len = 0x1100 + 8;
}
static void m_filesz_gt_memsz(struct craft *c)
{
    c->ph[1].p_memsz = 0xff;
}
static void m_filesz_no_memsz(struct craft *c)
{
    c->ph[1].p_memsz = 0;
}
static void m_overlap(struct craft *c)
{
    c->ph[2].p_vaddr = 0x400100; /* inside the first segment */
}
static void m_overlap_contains(struct craft *c)
{
    c->ph[2].p_vaddr = 0x3ff100; /* RW covers the text segment */
    c->ph[2].p_memsz = 0x10000;
}
static void m_upper(struct craft *c)
{
    c->ph[2].p_vaddr = 0x7fffffffe100; /* ends at 0x800000000100 */
}
static void m_kernel_half(struct craft *c)
{
    c->ph[2].p_vaddr = 0xffffffff80002100ull;
}
static void m_wrap(struct craft *c)
{
    c->ph[2].p_vaddr = 0xfffffffffffff100ull;
}
static void m_pie_extent(struct craft *c)
{
    c->eh.e_type = ET_DYN;
    c->ph[2].p_vaddr = 0x800000402100ull;
}
static void m_pie_wrap(struct craft *c)
{
    c->eh.e_type = ET_DYN;
    c->ph[2].p_memsz = UINT64_MAX - 0x402000;
}
static void m_page0(struct craft *c)
{
    c->ph[0].p_vaddr = 0;
}
static void m_page0_end(struct craft *c)
{
    c->ph[0].p_vaddr = 0xf00;
    c->ph[0].p_offset = 0xf00;
    c->ph[0].p_filesz = c->ph[0].p_memsz = 0x100;
}
static void m_misaligned(struct craft *c)
{
    c->ph[2].p_vaddr = 0x402200;
}
static void m_entry_in_r(struct craft *c)
{
    c->eh.e_entry = 0x400010;
}
static void m_entry_nowhere(struct craft *c)
{
    c->eh.e_entry = 0x900000;
}
static void m_entry_end(struct craft *c)
{
    c->eh.e_entry = 0x401100; /* one past the text */
}
static void m_entry_in_rw(struct craft *c)
{
    c->eh.e_entry = 0x403000; /* in the bss */
}
static void m_no_loads(struct craft *c)
{
    for (unsigned i = 0; i < 3; i++)
        c->ph[i].p_type = PT_NOTE;
}
static void m_no_phdrs(struct craft *c)
{
    c->eh.e_phnum = 0;
}
static void m_only_empty_loads(struct craft *c)
{
    for (unsigned i = 0; i < 3; i++)
        c->ph[i].p_filesz = c->ph[i].p_memsz = 0;
}
static void m_two_tls(struct craft *c)
{
    c->ph[4] = c->ph[3];
}
static void m_tls_align(struct craft *c)
{
    c->ph[3].p_align = 24;
}
static void m_tls_filesz(struct craft *c)
{
    c->ph[3].p_filesz = 17;
}
static void m_tls_outside(struct craft *c)
{
    c->ph[3].p_filesz = 0x11; /* past the data segment's file bytes */
    c->ph[3].p_memsz = 0x20;
}

static const struct bad_case bad_cases[] = {
    {"bad magic", m_magic, "not an ELF file"},
    {"empty file", m_len0, "not an ELF file"},
    {"3 bytes", m_len3, "not an ELF file"},
    {"63 bytes", m_len63, "truncated: ELF header past the end of the file"},
    {"ELFCLASS32", m_class32, "not 64-bit"},
    {"ELFCLASSNONE", m_classnone, "not 64-bit"},
    {"big-endian", m_bigendian, "not little-endian"},
    {"aarch64", m_aarch64, "not x86-64"},
    {"i386 machine", m_i386, "not x86-64"},
    {"ET_REL", m_rel, "not an executable (ET_EXEC or ET_DYN)"},
    {"ET_CORE", m_core, "not an executable (ET_EXEC or ET_DYN)"},
    {"PT_INTERP", m_interp, "dynamically linked: not supported"},
    {"PT_INTERP first", m_interp_first, "dynamically linked: not supported"},
    {"phoff past end", m_phoff_past_end, "truncated: program headers past the end of the file"},
    {"phoff wraps", m_phoff_huge, "truncated: program headers past the end of the file"},
    {"phnum 65535", m_phnum_huge, "truncated: program headers past the end of the file"},
    {"file ends in phdrs", m_len_cuts_phdrs, "truncated: program headers past the end of the file"},
    {"phentsize 32", m_phentsize, "unsupported program header size"},
    {"segment past end", m_seg_past_end, "truncated: segment data past the end of the file"},
    {"segment offset wraps", m_seg_offset_huge, "truncated: segment data past the end of the file"},
    {"file ends in segment", m_len_cuts_seg, "truncated: segment data past the end of the file"},
    {"filesz > memsz", m_filesz_gt_memsz, "segment filesz larger than memsz"},
    {"filesz, memsz 0", m_filesz_no_memsz, "segment filesz larger than memsz"},
    {"overlap", m_overlap, "overlapping segments"},
    {"overlap containing", m_overlap_contains, "overlapping segments"},
    {"end past lower half", m_upper, "segment outside the lower half"},
    {"kernel half", m_kernel_half, "segment outside the lower half"},
    {"wrapping", m_wrap, "segment outside the lower half"},
    {"PIE extent", m_pie_extent, "segment outside the lower half"},
    {"PIE wrapping", m_pie_wrap, "segment outside the lower half"},
    {"page 0", m_page0, "segment at page 0"},
    {"page 0 end", m_page0_end, "segment at page 0"},
    {"misaligned", m_misaligned, "misaligned segment"},
    {"entry in R", m_entry_in_r, "entry point not in an executable segment"},
    {"entry nowhere", m_entry_nowhere, "entry point not in an executable segment"},
    {"entry at end", m_entry_end, "entry point not in an executable segment"},
    {"entry in RW", m_entry_in_rw, "entry point not in an executable segment"},
    {"no PT_LOAD", m_no_loads, "no loadable segments"},
    {"no phdrs", m_no_phdrs, "no loadable segments"},
    {"empty PT_LOADs", m_only_empty_loads, "no loadable segments"},
    {"two PT_TLS", m_two_tls, "more than one TLS segment"},
    {"TLS align 24", m_tls_align, "TLS alignment not a power of two"},
    {"TLS filesz > memsz", m_tls_filesz, "segment filesz larger than memsz"},
    {"TLS data outside", m_tls_outside, "TLS data outside the loadable segments"},
};
#define NBAD (sizeof(bad_cases) / sizeof(bad_cases[0]))

static void test_bad_case(void **state)
{
    const struct bad_case *bc = *state;
    struct craft c = base_craft();
    bc->mutate(&c);
    expect_refused(craft_bytes(&c), c.len, bc->reason);
}

/* --- truncation and mutation of a real binary -------------------------------- */

/* The smallest prefix of b that still holds the headers and all segment data. */
static size_t needed_len(const struct blob *b)
{
    Elf64_Ehdr eh;
    memcpy(&eh, b->data, sizeof(eh));
    size_t need = eh.e_phoff + eh.e_phnum * sizeof(Elf64_Phdr);
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, b->data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_LOAD && ph.p_offset + ph.p_filesz > need)
            need = ph.p_offset + ph.p_filesz;
    }
    return need;
}

static void expect_truncated(const struct blob *b, size_t len, size_t need)
{
    struct elf_image img;
    const char *why = NULL;
    int rc = check_copy(b->data, len, &img, &why);
    if (len < need && (rc != -ENOEXEC_ || !why))
        fail_msg("length %zu of %zu (needs %zu): accepted", len, b->len, need);
    if (len >= need && rc != 0)
        fail_msg("length %zu of %zu (needs %zu): refused: %s", len, b->len, need, why);
}

static void test_truncation(void **state)
{
    (void)state;
    struct blob b = sample("hello_static");
    Elf64_Ehdr eh;
    memcpy(&eh, b.data, sizeof(eh));
    size_t need = needed_len(&b);
    assert_true(need <= b.len);
    /* Every length up to 4 KiB, then every program header boundary, every
     * segment's start, middle and end, each +-1, then a stride. */
    for (size_t len = 0; len <= 4096 && len <= b.len; len++)
        expect_truncated(&b, len, need);
    for (unsigned i = 0; i <= eh.e_phnum; i++)
        for (int d = -1; d <= 1; d++)
            expect_truncated(&b, eh.e_phoff + i * sizeof(Elf64_Phdr) + d, need);
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, b.data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        size_t marks[] = {ph.p_offset, ph.p_offset + ph.p_filesz / 2, ph.p_offset + ph.p_filesz};
        for (unsigned m = 0; m < 3; m++)
            for (int d = -1; d <= 1; d++)
                if (marks[m] + d <= b.len)
                    expect_truncated(&b, marks[m] + d, need);
    }
    for (size_t len = 0; len <= b.len; len += 97)
        expect_truncated(&b, len, need);
    expect_truncated(&b, need - 1, need);
    expect_truncated(&b, need, need);
    expect_truncated(&b, b.len, need);
    free(b.data);
}

/* A byte likely to matter: small values, 0xff, or anything. */
static uint8_t nasty_byte(void)
{
    static const uint8_t picks[] = {0, 1, 2, 3, 6, 7, 0x10, 0x40, 0x7f, 0x80, 0xfe, 0xff};
    return rng() % 2 ? picks[rng() % sizeof(picks)] : (uint8_t)rng();
}

static void test_random_mutations(void **state)
{
    (void)state;
    struct blob b = sample("hello_static");
    Elf64_Ehdr eh;
    memcpy(&eh, b.data, sizeof(eh));
    size_t hdr = eh.e_phoff + eh.e_phnum * sizeof(Elf64_Phdr);
    uint8_t *work = malloc(b.len);
    assert_non_null(work);
    unsigned accepted = 0;
    rng_state = 0x656c66636865636bull;
    for (unsigned iter = 0; iter < 20000; iter++) {
        memcpy(work, b.data, b.len);
        unsigned n = 1 + rng() % 8;
        for (unsigned k = 0; k < n; k++) {
            size_t at = rng() % 4 ? rng() % hdr : rng() % b.len;
            work[at] = nasty_byte();
        }
        size_t len = rng() % 8 ? b.len : rng() % (b.len + 1);
        struct elf_image img;
        const char *why = NULL;
        int rc = k_elf_check(work, len, &img, &why);
        if (rc == 0) {
            accepted++;
            assert_null(why);
            check_sane(&img, len);
        } else if (rc != -ENOEXEC_ || !why) {
            fail_msg("iteration %u: rc %d, why %p", iter, rc, (const void *)why);
        }
    }
    print_message("%u of 20000 mutated files accepted\n", accepted);
    free(work);
    free(b.data);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_musl_static),         cmocka_unit_test(test_musl_static_pie),
        cmocka_unit_test(test_dynamic_refused),     cmocka_unit_test(test_busybox),
        cmocka_unit_test(test_elf32_refused),       cmocka_unit_test(test_craft_valid),
        cmocka_unit_test(test_craft_phdr_unmapped), cmocka_unit_test(test_craft_pie),
        cmocka_unit_test(test_craft_max_segments),  cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_random_mutations),
    };
    enum { NFIXED = sizeof(fixed) / sizeof(fixed[0]) };
    struct CMUnitTest tests[NFIXED + NBAD];
    char names[NBAD][64];

    memcpy(tests, fixed, sizeof(fixed));
    for (unsigned i = 0; i < NBAD; i++) {
        snprintf(names[i], sizeof(names[i]), "refused: %s", bad_cases[i].name);
        tests[NFIXED + i] = (struct CMUnitTest){
            .name = names[i], .test_func = test_bad_case, .initial_state = (void *)&bad_cases[i]};
    }
    return _cmocka_run_group_tests("kernel/proc/elfcheck", tests, NFIXED + NBAD, NULL, NULL);
}
