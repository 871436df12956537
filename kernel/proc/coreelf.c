/* The core file itself, laid out as Linux's binfmt_elf writes it: an
 * ET_CORE ELF64 header, a PT_NOTE program header then one PT_LOAD per
 * region of the address space, the notes, and from the next page on the
 * regions' contents in address order.
 *
 * Notes, all named "CORE": NT_PRSTATUS of the dumping LWP, NT_PRPSINFO,
 * NT_SIGINFO, NT_AUXV, NT_FILE, its NT_PRFPREG; then NT_PRSTATUS and
 * NT_PRFPREG of each other LWP that left its registers.
 *
 * Which contents are written follows Linux's default coredump_filter
 * (0x33): anonymous memory, private and shared; private file mappings
 * that may have been written (writable, or an ELF segment's bss); of
 * any other private file mapping starting at the file's first page, that
 * page when it is an ELF header (gdb finds the build id there); nothing
 * of shared file mappings and unreadable (PROT_NONE) regions: p_filesz 0.
 * Memory never touched is a hole in the file (zeros, as it reads), so a
 * huge reservation costs no space. Pages are read through the direct map
 * without faulting; a file page not yet present is read in as a load
 * would (the page cache), nothing more.
 *
 * RLIMIT_CORE cuts the file as Linux's dump_emit does: a piece that would
 * end past the limit is not written, nor anything after it. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/vmspace.h"
#include "kernel/proc/coredump.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"

/* --- ELF64 (elf(5)) ---------------------------------------------------------- */

struct elf_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
_Static_assert(sizeof(struct elf_ehdr) == 64, "Elf64_Ehdr");
_Static_assert(sizeof(struct elf_phdr) == 56, "Elf64_Phdr");

#define ET_CORE  4
#define PT_LOAD  1
#define PT_NOTE  4
#define PF_X     1
#define PF_W     2
#define PF_R     4
#define PN_XNUM  0xffff
#define NOTE_HDR 12 /* namesz, descsz, type */

#define NT_PRSTATUS 1
#define NT_PRFPREG  2
#define NT_PRPSINFO 3
#define NT_AUXV     6
#define NT_SIGINFO  0x53494749
#define NT_FILE     0x46494c45

/* struct elf_prstatus and struct elf_prpsinfo (linux/elfcore.h, x86-64). */
struct core_timeval {
    int64_t sec, usec;
};
struct elf_prstatus {
    int32_t si_signo, si_code, si_errno; /* struct elf_siginfo pr_info */
    int16_t cursig;
    uint64_t sigpend, sighold;
    int32_t pid, ppid, pgrp, sid;
    struct core_timeval utime, stime, cutime, cstime;
    uint8_t reg[ARCH_CORE_REGS];
    int32_t fpvalid;
};
_Static_assert(sizeof(struct elf_prstatus) == 112 + ARCH_CORE_REGS + 8, "struct elf_prstatus");
_Static_assert(__builtin_offsetof(struct elf_prstatus, sigpend) == 16, "pr_sigpend at 16");
_Static_assert(__builtin_offsetof(struct elf_prstatus, pid) == 32, "pr_pid at 32");
_Static_assert(__builtin_offsetof(struct elf_prstatus, reg) == 112, "pr_reg at 112");

struct elf_prpsinfo {
    char state, sname, zomb, nice;
    uint64_t flag;
    uint32_t uid, gid;
    int32_t pid, ppid, pgrp, sid;
    char fname[16];
    char psargs[80];
};
_Static_assert(sizeof(struct elf_prpsinfo) == 136, "struct elf_prpsinfo");
_Static_assert(__builtin_offsetof(struct elf_prpsinfo, pid) == 24, "pr_pid at 24");

#define AUXV_MAX 64 /* pairs read back (exec writes fewer) */

/* --- output, with RLIMIT_CORE ------------------------------------------------------ */

struct core_out {
    struct vnode *vn;
    uint64_t pos, limit;
    int cut, err;
};

static void emit(struct core_out *o, const void *buf, size_t n)
{
    if (o->cut || o->err)
        return;
    if (o->pos + n > o->limit) {
        o->cut = 1;
        return;
    }
    long w = reg_write_kernel(o->vn, buf, n, o->pos);
    if (w < 0)
        o->err = (int)w;
    else if ((size_t)w != n)
        o->err = -ENOSPC;
    else
        o->pos += n;
}

/* n bytes of zeros, as a hole (Linux's dump_skip). */
static void skip(struct core_out *o, uint64_t n)
{
    o->pos += n;
}

/* --- notes ---------------------------------------------------------------------- */

/* The notes are laid out twice: once counting (p NULL) to size the
 * buffer, once writing into it. Nothing they read changes in between. */
struct notes {
    uint8_t *p;
    size_t len;
};

static size_t align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

/* A note of type with descsz bytes: where its descriptor goes (zeroed),
 * or NULL when counting. */
static uint8_t *note_begin(struct notes *b, uint32_t type, size_t descsz)
{
    static const char name[] = "CORE";
    uint8_t *at = b->p ? b->p + b->len : 0;
    b->len += NOTE_HDR + align4(sizeof(name)) + align4(descsz);
    if (!at)
        return 0;
    uint32_t h[3] = {sizeof(name), (uint32_t)descsz, type};
    memcpy(at, h, sizeof(h));
    memset(at + NOTE_HDR, 0, align4(sizeof(name)) + align4(descsz));
    memcpy(at + NOTE_HDR, name, sizeof(name));
    return at + NOTE_HDR + align4(sizeof(name));
}

static void note_put(struct notes *b, uint32_t type, const void *desc, size_t n)
{
    uint8_t *d = note_begin(b, type, n);
    if (d)
        memcpy(d, desc, n);
}

static struct core_timeval tv_of(uint64_t ns)
{
    return (struct core_timeval){(int64_t)(ns / 1000000000), (int64_t)(ns % 1000000000 / 1000)};
}

static void note_prstatus(struct notes *b, const struct proc *p, const struct core_state *cs,
                          const struct core_thread *t)
{
    struct elf_prstatus s = {
        .si_signo = cs->sig,
        .cursig = (int16_t)cs->sig,
        .sigpend = t->sigpend,
        .sighold = t->sighold,
        .pid = t->tid,
        .ppid = p->parent ? p->parent->pid : 0,
        .pgrp = p->pgid,
        .sid = p->sid,
        .utime = tv_of(t->run_ns),
        .cutime = tv_of(p->child_ns),
        .fpvalid = 1,
    };
    memcpy(s.reg, t->regs, sizeof(s.reg));
    note_put(b, NT_PRSTATUS, &s, sizeof(s));
}

/* pr_psargs: the command line, NULs as spaces, cut to 79 bytes. */
static void note_prpsinfo(struct notes *b, const struct proc *p)
{
    struct elf_prpsinfo s = {
        .state = 0,
        .sname = 'R',
        .uid = p->cred.uid[0],
        .gid = p->cred.gid[0],
        .pid = p->pid,
        .ppid = p->parent ? p->parent->pid : 0,
        .pgrp = p->pgid,
        .sid = p->sid,
    };
    memcpy(s.fname, p->name, sizeof(s.fname));
    size_t n = p->cmdline && p->cmdline_len < sizeof(s.psargs) ? p->cmdline_len
               : p->cmdline                                    ? sizeof(s.psargs) - 1
                                                               : 0;
    for (size_t i = 0; i < n; i++)
        s.psargs[i] = p->cmdline[i] ? p->cmdline[i] : ' ';
    while (n > 0 && s.psargs[n - 1] == ' ')
        s.psargs[--n] = 0;
    note_put(b, NT_PRPSINFO, &s, sizeof(s));
}

/* NT_FILE: count, page size, {start, end, file offset in pages} for each
 * file mapping, then their paths, NUL-terminated. A path is measured
 * counting and written cut to that size (zeros after) when writing. */
static void note_file(struct notes *b, struct proc *p, char *path)
{
    uint64_t count = 0;
    size_t names = 0;
    struct vnode *vn;
    for (const struct vm_region *r = p->vm->map.head; r; r = r->next) {
        if (r->kind != VM_FILE || !(vn = pc_vnode(r->obj)))
            continue;
        long k = vfs_name_of(vn, path, PATH_MAX);
        count++;
        names += (k > 0 ? (size_t)k : 0) + 1;
    }
    uint8_t *d = note_begin(b, NT_FILE, 16 + 24 * count + names);
    if (!d)
        return;
    uint64_t head[2] = {count, PAGE_SIZE}, *e = (uint64_t *)(d + 16);
    char *s = (char *)d + 16 + 24 * count, *end = s + names;
    memcpy(d, head, sizeof(head));
    for (const struct vm_region *r = p->vm->map.head; r; r = r->next) {
        if (r->kind != VM_FILE || !(vn = pc_vnode(r->obj)))
            continue;
        uint64_t ent[3] = {r->start, r->end, r->pgoff};
        memcpy(e, ent, sizeof(ent));
        e += 3;
        long k = vfs_name_of(vn, path, PATH_MAX);
        size_t n = k > 0 ? (size_t)k : 0;
        if (n > (size_t)(end - s) - 1)
            n = (size_t)(end - s) - 1;
        memcpy(s, path, n);
        s += n + 1; /* the NUL: note_begin zeroed it */
    }
}

static void notes_lay(struct notes *b, struct proc *p, const struct core_state *cs,
                      const uint64_t *auxv, size_t auxv_len, char *path)
{
    note_prstatus(b, p, cs, &cs->t[0]);
    note_prpsinfo(b, p);
    note_put(b, NT_SIGINFO, &cs->si, sizeof(cs->si));
    if (auxv_len)
        note_put(b, NT_AUXV, auxv, auxv_len);
    note_file(b, p, path);
    note_put(b, NT_PRFPREG, cs->t[0].fpregs, sizeof(cs->t[0].fpregs));
    for (unsigned i = 1; i < cs->nthreads; i++) {
        if (!cs->t[i].saved)
            continue; /* it left some other way: no registers */
        note_prstatus(b, p, cs, &cs->t[i]);
        note_put(b, NT_PRFPREG, cs->t[i].fpregs, sizeof(cs->t[i].fpregs));
    }
}

/* The auxiliary vector exec put on the stack, read back up to its AT_NULL
 * (Linux keeps a copy; the program rarely writes over it): its bytes in
 * auxv, or 0 when it cannot be read. */
static size_t auxv_read(struct proc *p, uint64_t auxv[2 * AUXV_MAX])
{
    for (size_t i = 0; p->auxv && i < AUXV_MAX; i++) {
        if (vmspace_copyin(p->vm, p->auxv + 16 * i, auxv + 2 * i, 16) != 0)
            return 0;
        if (auxv[2 * i] == 0)
            return 16 * (i + 1);
    }
    return p->auxv ? 16 * AUXV_MAX : 0;
}

/* --- memory ---------------------------------------------------------------------- */

/* How much of r the file holds (see the top of the file). */
static uint64_t dump_size(struct vmspace *vs, const struct vm_region *r)
{
    uint8_t magic[4];
    if (!(r->prot & VM_PROT_READ))
        return 0;
    if (r->kind != VM_FILE)
        return r->end - r->start;
    if (r->flags & VM_SHARED)
        return 0;
    if ((r->prot & VM_PROT_WRITE) || r->zero_from)
        return r->end - r->start;
    if (r->pgoff == 0 && vmspace_copyin(vs, r->start, magic, sizeof(magic)) == 0 &&
        memcmp(magic, "\177ELF", 4) == 0)
        return PAGE_SIZE;
    return 0;
}

static uint32_t phdr_flags(uint32_t prot)
{
    return ((prot & VM_PROT_READ) ? PF_R : 0) | ((prot & VM_PROT_WRITE) ? PF_W : 0) |
           ((prot & VM_PROT_EXEC) ? PF_X : 0);
}

/* The present page at va (frame pa): through the direct map, or copied
 * out through bounce when the direct map does not reach it. */
static void emit_frame(struct core_out *o, struct vmspace *vs, uint64_t va, uint64_t pa,
                       uint8_t *bounce)
{
    const void *k = arch_phys_map(page_round_down(pa), PAGE_SIZE);
    if (!k && vmspace_copyin(vs, va, bounce, PAGE_SIZE) == 0)
        k = bounce;
    if (k)
        emit(o, k, PAGE_SIZE);
    else
        skip(o, PAGE_SIZE);
}

/* [s, e) of anonymous memory: present pages, holes between them (found
 * table by table, so a huge untouched range costs nothing). */
static void emit_anon(struct core_out *o, struct vmspace *vs, uint64_t s, uint64_t e,
                      uint8_t *bounce)
{
    uint64_t at, pa;
    unsigned fl, n = 0;
    while (s < e && !o->cut && !o->err) {
        if (pmap_next(vs->root, s, e, &at, &pa, &fl) != 0)
            at = e;
        skip(o, at - s);
        if (at < e)
            emit_frame(o, vs, at, pa, bounce);
        s = at + PAGE_SIZE;
        if (++n % 256 == 0)
            arch_idle_poll(); /* a long dump lets interrupts in */
    }
}

/* [s, e) of a file mapping: present pages as they are (copies a write
 * made), the others from the file; a page past its end (-EIO) and all
 * after it are holes. */
static void emit_file(struct core_out *o, struct vmspace *vs, uint64_t s, uint64_t e,
                      uint8_t *bounce)
{
    uint64_t pa;
    unsigned fl, n = 0;
    for (; s < e && !o->cut && !o->err; s += PAGE_SIZE) {
        if (pmap_lookup(vs->root, s, &pa, &fl) == 0)
            emit_frame(o, vs, s, pa, bounce);
        else if (vmspace_copyin(vs, s, bounce, PAGE_SIZE) == 0)
            emit(o, bounce, PAGE_SIZE);
        else {
            skip(o, e - s);
            return;
        }
        if (++n % 256 == 0)
            arch_idle_poll();
    }
}

/* --- the file --------------------------------------------------------------------- */

static void emit_ehdr(struct core_out *o, unsigned phnum)
{
    struct elf_ehdr h = {
        .ident = {0x7f, 'E', 'L', 'F', 2 /* ELFCLASS64 */, 1 /* ELFDATA2LSB */, 1 /* EV_CURRENT */},
        .type = ET_CORE,
        .machine = ARCH_ELF_MACHINE,
        .version = 1,
        .phoff = sizeof(struct elf_ehdr),
        .ehsize = sizeof(struct elf_ehdr),
        .phentsize = sizeof(struct elf_phdr),
        .phnum = (uint16_t)phnum,
    };
    emit(o, &h, sizeof(h));
}

/* Program headers, notes, memory (sizes[i]: the bytes of region i). */
static void emit_all(struct core_out *o, struct proc *p, const struct notes *nb,
                     const uint64_t *sizes, uint8_t *bounce)
{
    unsigned nreg = p->vm->map.count;
    uint64_t off = sizeof(struct elf_ehdr) + (nreg + 1ull) * sizeof(struct elf_phdr);
    struct elf_phdr ph = {.type = PT_NOTE, .offset = off, .filesz = nb->len, .align = 4};
    emit_ehdr(o, nreg + 1);
    emit(o, &ph, sizeof(ph));
    off = page_round_up(off + nb->len);
    unsigned i = 0;
    for (const struct vm_region *r = p->vm->map.head; r; r = r->next, i++) {
        ph = (struct elf_phdr){PT_LOAD,  phdr_flags(r->prot), off,      r->start, 0,
                               sizes[i], r->end - r->start,   PAGE_SIZE};
        emit(o, &ph, sizeof(ph));
        off += sizes[i];
    }
    emit(o, nb->p, nb->len);
    skip(o, page_round_up(o->pos) - o->pos);
    i = 0;
    for (const struct vm_region *r = p->vm->map.head; r; r = r->next, i++) {
        if (r->kind == VM_FILE)
            emit_file(o, p->vm, r->start, r->start + sizes[i], bounce);
        else
            emit_anon(o, p->vm, r->start, r->start + sizes[i], bounce);
    }
}

int core_write(struct proc *p, const struct core_state *cs, struct vnode *vn, uint64_t limit,
               int *cut)
{
    unsigned nreg = p->vm->map.count;
    if (nreg + 1 >= PN_XNUM)
        return -EFBIG; /* extended numbering (a section header) is not written */
    uint64_t *sizes = kmalloc((nreg + 1) * sizeof(uint64_t));
    uint64_t *auxv = kmalloc(16 * AUXV_MAX);
    uint8_t *bounce = kmalloc(PAGE_SIZE);
    char *path = kmalloc(PATH_MAX);
    struct notes nb = {0, 0};
    int err = -ENOMEM;
    if (!sizes || !auxv || !bounce || !path)
        goto out;
    size_t auxv_len = auxv_read(p, auxv);
    unsigned i = 0;
    for (const struct vm_region *r = p->vm->map.head; r; r = r->next)
        sizes[i++] = dump_size(p->vm, r);
    notes_lay(&nb, p, cs, auxv, auxv_len, path);
    size_t need = nb.len;
    if (!(nb.p = kmalloc(need)))
        goto out;
    nb.len = 0;
    notes_lay(&nb, p, cs, auxv, auxv_len, path);
    struct core_out o = {vn, 0, limit, 0, 0};
    emit_all(&o, p, &nb, sizes, bounce);
    if (!o.cut && !o.err && vn->size < o.pos) { /* it ends in a hole */
        if (o.pos > limit)
            o.cut = 1;
        else
            o.err = reg_truncate(vn, o.pos);
    }
    *cut = o.cut;
    err = o.err;
out:
    kfree(nb.p);
    kfree(path);
    kfree(bounce);
    kfree(auxv);
    kfree(sizes);
    return err;
}
