/* The ELF loader: a static x86-64 executable (ET_EXEC, or static-PIE
 * ET_DYN) from the root file system into a new address space, with the
 * initial stack Linux builds (fs/binfmt_elf.c create_elf_tables): argc,
 * argv, envp, the auxiliary vector, and above them the strings, the
 * platform name and 16 random bytes. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/printk.h"
#include "kernel/proc/elfcheck.h"
#include "kernel/proc/futex.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/ptimer.h"
#include "kernel/random.h"

#define STACK_TOP 0x00007ffffffff000ull
#define PIE_BASE  0x0000555555554000ull /* Linux's ELF_ET_DYN_BASE on x86-64 */
#define MMAP_BASE 0x0000100000000000ull /* mmap searches upwards from here */
#define PLATFORM  "x86_64"

/* Auxiliary vector keys (<elf.h>). */
enum {
    AT_NULL = 0,
    AT_PHDR = 3,
    AT_PHENT = 4,
    AT_PHNUM = 5,
    AT_PAGESZ = 6,
    AT_BASE = 7,
    AT_FLAGS = 8,
    AT_ENTRY = 9,
    AT_UID = 11,
    AT_EUID = 12,
    AT_GID = 13,
    AT_EGID = 14,
    AT_PLATFORM = 15,
    AT_HWCAP = 16,
    AT_CLKTCK = 17,
    AT_SECURE = 23,
    AT_RANDOM = 25,
    AT_HWCAP2 = 26,
    AT_EXECFN = 31,
};
#define NAUXV 19 /* pairs written, AT_NULL included */

struct strv {
    char *const *v;
    unsigned n;
    size_t bytes; /* with the NULs */
};

static int strv_measure(struct strv *s, char *const *v)
{
    s->v = v;
    s->n = 0;
    s->bytes = 0;
    for (; v && v[s->n]; s->n++) {
        s->bytes += strlen(v[s->n]) + 1;
        if (s->bytes > EXEC_ARGS_MAX)
            return -E2BIG;
    }
    return 0;
}

/* The initial stack, built in a kernel buffer that mirrors [sp, STACK_TOP). */
struct stack_img {
    uint8_t *buf;
    uint64_t sp;
};

static void put_u64(struct stack_img *s, uint64_t at, uint64_t v)
{
    memcpy(s->buf + (at - s->sp), &v, 8);
}

/* Copy the strings of sv upward from *at; their addresses go to the
 * pointer array at ptrs (then a NULL). */
static void put_strings(struct stack_img *s, const struct strv *sv, uint64_t *at, uint64_t ptrs)
{
    for (unsigned i = 0; i < sv->n; i++) {
        size_t len = strlen(sv->v[i]) + 1;
        memcpy(s->buf + (*at - s->sp), sv->v[i], len);
        put_u64(s, ptrs + 8ull * i, *at);
        *at += len;
    }
    put_u64(s, ptrs + 8ull * sv->n, 0);
}

struct exec_info {
    struct elf_image img;
    uint64_t base; /* load bias (0 for ET_EXEC) */
    const char *path;
    struct strv argv, envp;
};

static void put_auxv(struct stack_img *s, uint64_t at, const struct exec_info *x, uint64_t execfn,
                     uint64_t platform, uint64_t random)
{
    const uint64_t aux[NAUXV][2] = {
        {AT_PHDR, x->img.phdr_vaddr ? x->base + x->img.phdr_vaddr : 0},
        {AT_PHENT, x->img.phentsize},
        {AT_PHNUM, x->img.phnum},
        {AT_PAGESZ, PAGE_SIZE},
        {AT_BASE, 0},
        {AT_FLAGS, 0},
        {AT_ENTRY, x->base + x->img.entry},
        {AT_UID, 0},
        {AT_EUID, 0},
        {AT_GID, 0},
        {AT_EGID, 0},
        {AT_SECURE, 0},
        {AT_HWCAP, arch_hwcap()},
        {AT_HWCAP2, 0},
        {AT_CLKTCK, 100},
        {AT_RANDOM, random},
        {AT_EXECFN, execfn},
        {AT_PLATFORM, platform},
        {AT_NULL, 0},
    };
    for (unsigned i = 0; i < NAUXV; i++) {
        put_u64(s, at + 16ull * i, aux[i][0]);
        put_u64(s, at + 16ull * i + 8, aux[i][1]);
    }
}

/* Lay out and write the initial stack into vs; *sp for the program,
 * where its environment strings lie (/proc/<pid>/environ reads them) and
 * where its auxiliary vector does (a core file's NT_AUXV). */
static int stack_build(struct vmspace *vs, const struct exec_info *x, uint64_t *sp,
                       uint64_t *env_start, uint64_t *env_end, uint64_t *auxv)
{
    size_t pathlen = strlen(x->path) + 1;
    uint64_t strings = STACK_TOP - 8 - pathlen - x->envp.bytes - x->argv.bytes;
    uint64_t platform = strings - sizeof(PLATFORM), random = (platform - 16) & ~15ull;
    uint64_t nitems = 1 + (x->argv.n + 1) + (x->envp.n + 1) + 2 * NAUXV;
    struct stack_img s = {.sp = (random - 8 * nitems) & ~15ull};
    if (!(s.buf = kzalloc(STACK_TOP - s.sp)))
        return -ENOMEM;
    uint64_t at = strings, argv = s.sp + 8, envp = argv + 8ull * (x->argv.n + 1);
    put_u64(&s, s.sp, x->argv.n);
    put_strings(&s, &x->argv, &at, argv);
    put_strings(&s, &x->envp, &at, envp);
    memcpy(s.buf + (at - s.sp), x->path, pathlen);
    memcpy(s.buf + (platform - s.sp), PLATFORM, sizeof(PLATFORM));
    random_bytes(s.buf + (random - s.sp), 16);
    *auxv = envp + 8ull * (x->envp.n + 1);
    put_auxv(&s, *auxv, x, at, platform, random);
    int err = vmspace_copyout(vs, s.sp, s.buf, STACK_TOP - s.sp);
    kfree(s.buf);
    *sp = s.sp;
    *env_start = strings + x->argv.bytes;
    *env_end = *env_start + x->envp.bytes;
    return err;
}

static uint32_t seg_prot(uint32_t p)
{
    return ((p & ELF_PROT_R) ? VM_PROT_READ : 0) | ((p & ELF_PROT_W) ? VM_PROT_WRITE : 0) |
           ((p & ELF_PROT_X) ? VM_PROT_EXEC : 0);
}

/* One PT_LOAD segment at base, mapped private from the file's page cache
 * (text read-only in place, data copy-on-write); past its file data, its
 * bss reads as zeros (in the page holding the end of the data too). A
 * segment without file data is all bss. */
static int map_segment(struct vmspace *vs, struct vm_object *o, uint64_t base,
                       const struct elf_segment *sg, uint64_t *end)
{
    uint64_t va = base + sg->vaddr, start = page_round_down(va);
    uint64_t stop = page_round_up(va + sg->memsz);
    uint32_t prot = seg_prot(sg->prot);
    if (stop > *end)
        *end = stop;
    if (sg->filesz == 0)
        return vmspace_map_anon(vs, start, stop - start, prot, VM_ANON);
    return vmspace_map_segment(vs, start, stop - start, prot, o,
                               (sg->offset - (va - start)) / PAGE_SIZE,
                               sg->memsz > sg->filesz ? va + sg->filesz : 0);
}

/* Map every PT_LOAD segment of vn. */
static int map_segments(struct vmspace *vs, struct vnode *vn, struct exec_info *x, uint64_t *end)
{
    struct vm_object *o;
    int err = pc_object(vn, &o);
    *end = 0;
    for (unsigned i = 0; !err && i < x->img.nseg; i++)
        err = map_segment(vs, o, x->base, &x->img.seg[i], end);
    return err == -EEXIST ? -ENOEXEC : err;
}

static int exec_fail(const char *path, const char *why)
{
    printk("exec %s: %s\n", path, why);
    return -ENOEXEC;
}

/* The file to run: a regular file with an execute bit (flags: EXEC_*),
 * and in *exe (kmalloc'd: the caller frees it) what /proc/<pid>/exe will
 * show: the absolute path it was found by, after every symlink, as Linux
 * shows it, or the path given when there is none (EXEC_FD, a removed
 * directory). */
static int exec_open(struct vnode *base, const char *path, int flags, struct vnode **out,
                     char **exe)
{
    struct vnode *vn = base;
    char *buf = kmalloc(PATH_MAX);
    int err = buf ? 0 : -ENOMEM;
    if (!err && !(flags & EXEC_FD))
        err = vfs_walk_path(base, path, (flags & EXEC_NOFOLLOW) ? 0 : WALK_FOLLOW, &vn, buf,
                            PATH_MAX);
    if (!err && S_ISLNK(vn->mode))
        err = -ELOOP; /* EXEC_NOFOLLOW on a symlink */
    else if (!err && (!S_ISREG(vn->mode) || !(vn->mode & 0111)))
        err = -EACCES;
    else if (!err)
        err = mnt_may_exec(vn);
    if (!err && !(*exe = kstrdup((flags & EXEC_FD) || !buf[0] ? path : buf)))
        err = -ENOMEM;
    kfree(buf);
    if (!err)
        *out = vn;
    return err;
}

static void set_name(char *name, const char *path)
{
    const char *base = strrchr(path, '/');
    strlcpy(name, base ? base + 1 : path, 16);
}

struct exec_image {
    struct vmspace *vs;
    uint64_t entry, sp, brk;
    uint64_t env_start, env_end; /* the environment strings on the stack */
    uint64_t auxv;               /* the auxiliary vector on the stack */
    char name[16];
    char *exe; /* /proc/<pid>/exe's target (exec_open), kmalloc'd */
};

/* The whole file in memory, for elf_check: the initrd's bytes in place,
 * or (a file written since) a kernel copy in *copy, which the caller
 * frees. */
#define EXEC_COPY_MAX (4ull << 20) /* the largest block the page allocator gives */
static int file_bytes(struct vnode *vn, const uint8_t **bytes, uint8_t **copy)
{
    *copy = 0;
    if ((*bytes = pc_in_place(vn)))
        return 0;
    if (vn->size > EXEC_COPY_MAX)
        return -ENOMEM;
    if (!(*copy = kmalloc(vn->size + 1)))
        return -ENOMEM;
    reg_read_kernel(vn, *copy, vn->size, 0);
    *bytes = *copy;
    return 0;
}

/* The stack exec maps: RLIMIT_STACK, at most 1 GiB, in whole pages. */
static uint64_t stack_size(const struct proc *p)
{
    uint64_t lim = p->rlim[RLIMIT_STACK].cur;
    return page_round_up(lim < (1ull << 30) ? lim : (1ull << 30));
}

/* Map x's segments (from vn's pages) and a stack into vs, and write the
 * initial stack: 0 or -errno. */
static int image_map(struct proc *p, struct vmspace *vs, struct vnode *vn, struct exec_info *x,
                     struct exec_image *out)
{
    uint64_t stack = stack_size(p);
    int err = map_segments(vs, vn, x, &out->brk);
    if (!err)
        err =
            vmspace_map_anon(vs, STACK_TOP - stack, stack, VM_PROT_READ | VM_PROT_WRITE, VM_STACK);
    if (!err)
        err = stack_build(vs, x, &out->sp, &out->env_start, &out->env_end, &out->auxv);
    return err == -ENOEXEC ? exec_fail(x->path, "segments share a page") : err;
}

/* Load the ELF file vn into a new address space. */
static int load_elf(struct proc *p, struct vnode *vn, const char *path, char *const argv[],
                    char *const envp[], struct exec_image *out)
{
    struct exec_info x = {.path = path};
    struct vmspace *vs = 0;
    const uint8_t *bytes;
    const char *why;
    uint8_t *copy;
    int err = file_bytes(vn, &bytes, &copy);
    if (err)
        return err;
    if (elf_check(bytes, vn->size, &x.img, &why)) {
        err = exec_fail(path, why);
        goto out;
    }
    if ((err = strv_measure(&x.argv, argv)) || (err = strv_measure(&x.envp, envp)) ||
        (err = vmspace_create(&vs)))
        goto out;
    x.base = x.img.pie ? PIE_BASE - x.img.lo : 0;
    if ((err = image_map(p, vs, vn, &x, out)))
        goto out;
    out->vs = vs;
    out->entry = x.base + x.img.entry;
    set_name(out->name, path);
out:
    if (err && vs)
        vmspace_destroy(vs);
    kfree(copy);
    return err;
}

#define SCRIPT_LINE  256 /* Linux's BINPRM_BUF_SIZE */
#define SCRIPT_DEPTH 4   /* interpreters of interpreters (BINPRM_MAX_RECURSION) */

static int load(struct proc *p, struct vnode *base, const char *path, int flags, char *const argv[],
                char *const envp[], struct exec_image *out, int depth);

/* "#!INTERP [ARG]": run INTERP with argv INTERP [ARG] PATH ARGV[1..]. */
static int load_script(struct proc *p, char *line, const char *path, char *const argv[],
                       char *const envp[], struct exec_image *out, int depth)
{
    char *nl = memchr(line, '\n', SCRIPT_LINE);
    char *s = line + 2, *interp, *arg = 0;
    if (!nl)
        return -ENOEXEC; /* the interpreter's name may have been cut off */
    *nl = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    for (interp = s; *s && *s != ' ' && *s != '\t'; s++)
        ;
    if (*s) {
        *s++ = 0;
        while (*s == ' ' || *s == '\t')
            s++;
        for (char *e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t');)
            *--e = 0;
        arg = *s ? s : 0;
    }
    if (!*interp)
        return -ENOEXEC;
    unsigned n = 0;
    while (argv && argv[n])
        n++;
    char **nv = kmalloc((n + 3) * sizeof(*nv));
    if (!nv)
        return -ENOMEM;
    unsigned k = 0;
    nv[k++] = interp;
    if (arg)
        nv[k++] = arg;
    nv[k++] = (char *)path;
    for (unsigned i = 1; i < n; i++)
        nv[k++] = argv[i];
    nv[k] = 0;
    int err = load(p, vfs_root(), interp, 0, nv, envp, out, depth + 1);
    kfree(nv);
    return err;
}

static int load(struct proc *p, struct vnode *base, const char *path, int flags, char *const argv[],
                char *const envp[], struct exec_image *out, int depth)
{
    struct vnode *vn;
    char line[SCRIPT_LINE], *exe;
    if (depth > SCRIPT_DEPTH)
        return -ELOOP;
    int err = exec_open(base, path, flags, &vn, &exe);
    if (err)
        return err;
    long n = reg_read_kernel(vn, line, sizeof(line), 0);
    if (n >= 2 && line[0] == '#' && line[1] == '!') {
        kfree(exe); /* the interpreter is what runs */
        if (flags & EXEC_FD)
            return -ENOENT; /* the interpreter could not open it (proc.h) */
        if (n < (long)sizeof(line))
            line[n] = '\n'; /* a script of one line without its newline */
        return load_script(p, line, path, argv, envp, out, depth);
    }
    err = load_elf(p, vn, path, argv, envp, out);
    if (err)
        kfree(exe);
    else
        out->exe = exe;
    return err;
}

/* p takes the new image (its old address space is gone or never was). */
static void image_install(struct proc *p, const struct exec_image *img, char *const argv[])
{
    p->vm = img->vs;
    p->brk_start = p->brk = img->brk;
    p->mmap_base = MMAP_BASE;
    p->env_start = img->env_start;
    p->env_end = img->env_end;
    p->auxv = img->auxv;
    p->nodump = 0; /* no set-user-ID files: every exec is dumpable again */
    memcpy(p->name, img->name, sizeof(p->name));
    kfree(p->exe);
    p->exe = img->exe;
    /* The saved ids take the effective ones, as execve(2) says (no
     * set-user-ID files: the effective ones stay). */
    p->cred.uid[2] = p->cred.fsuid = p->cred.uid[1];
    p->cred.gid[2] = p->cred.fsgid = p->cred.gid[1];
    uint64_t old_prm = p->cred.cap_prm, old_eff = p->cred.cap_eff;
    struct lwp *l = proc_current() == p ? lwp_current() : 0; /* none for init's first */
    cred_exec(&p->cred, l && l->no_new_privs);
    /* Capabilities gained (root's exec after a capset drop): the parent
     * may no longer signal it through the parent-death signal (Linux's
     * commit_creds). */
    if (l && ((p->cred.cap_prm & ~old_prm) || (p->cred.cap_eff & ~old_eff)))
        l->pdeathsig = 0;
    proc_set_cmdline(p, argv);
}

int proc_exec(struct proc *p, const char *path, char *const argv[], char *const envp[],
              uint64_t *entry, uint64_t *sp)
{
    struct exec_image img;
    int err = load(p, p->cwd, path, 0, argv, envp, &img, 0);
    if (err)
        return err;
    image_install(p, &img, argv);
    *entry = img.entry;
    *sp = img.sp;
    return 0;
}

int proc_execve(struct vnode *base, const char *path, int flags, char *const argv[],
                char *const envp[], void (*done)(void *), void *arg)
{
    struct proc *p = proc_current();
    struct exec_image img;
    int err = load(p, base, path, flags, argv, envp, &img, 0);
    if (!err && (err = fd_unshare(p)) != 0) { /* Linux's unshare_files: the table exec closes in */
        vmspace_destroy(img.vs);
        kfree(img.exe);
    }
    if (err)
        return err;
    struct lwp *l = lwp_current();
    if (lwp_single()) { /* a group exit overtook this exec: the process is going */
        vmspace_destroy(img.vs);
        kfree(img.exe);
        done(arg);
        lwp_exit(0);
    }
    /* Point of no return: the old image goes. */
    futex_robust_exit(l);
    lwp_release_tid(l);
    thread_set_vmspace(img.vs);
    proc_drop_vm(p);
    image_install(p, &img, argv);
    memcpy(l->name, p->name, sizeof(l->name));
    fd_close_cloexec(p);
    l->clear_child_tid = l->robust_list = l->robust_len = 0;
    l->ss_sp = l->ss_size = 0;
    sig_exec_reset(p);
    ptimer_delete_all(p);
    arch_set_fs_base(0);
    arch_fpu_area_init(sched_current()->ctx.fpu);
    arch_fpu_restore(sched_current()->ctx.fpu);
    proc_vfork_release(p);
    done(arg); /* the caller's buffers (argv, envp) are freed from here */
    arch_enter_program(img.entry, img.sp);
}
