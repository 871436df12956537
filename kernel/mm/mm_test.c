/* In-kernel memory tests, run with selftest=mm under QEMU. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/mm_test.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmobject.h"
#include "kernel/mm/vmspace.h"
#include "kernel/printk.h"

#define T_BASE 0x0000000040000000ull /* where the tests map program memory */
#define PG     ((uint64_t)PAGE_SIZE)
#define KM_TRY 4096 /* kmalloc sizes 1..KM_TRY: every bucket and the first page blocks */

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

/* Pages free in the allocator plus those the heap keeps cached (bmk-style
 * buckets keep their pages): what a leak check compares. */
static uint64_t free_pages(void)
{
    struct pmem_stats st;
    struct kmalloc_stats ks;
    pmem_stats(&st);
    kmalloc_stats(&ks);
    return st.free_pages + ks.pages_held;
}

static const char *t_pages(void)
{
    uint64_t before = free_pages();
    for (unsigned o = 0; o <= PG_ORDER_MAX; o++) {
        struct page *p = pg_alloc(o);
        if (!p)
            return "pg_alloc failed";
        if (pg_phys(p) & ((PG << o) - 1))
            return "block not aligned to its size";
        memset(pg_virt(p), 0xa5, PG << o);
        pg_free(p, o);
    }
    return free_pages() == before ? 0 : "free-page count did not return";
}

static const char *t_kmalloc(void)
{
    static void *ptrs[KM_TRY + 1];
    struct kmalloc_stats a, b;
    kmalloc_stats(&a);
    for (size_t n = 1; n <= KM_TRY; n++) {
        ptrs[n] = kmalloc(n);
        if (!ptrs[n] || ((uintptr_t)ptrs[n] & 15))
            return "kmalloc failed or misaligned";
        memset(ptrs[n], (int)n, n);
    }
    for (size_t n = 1; n <= KM_TRY; n++) {
        if (((uint8_t *)ptrs[n])[n - 1] != (uint8_t)n)
            return "object overwritten by a neighbour";
        kfree(ptrs[n]);
    }
    kmalloc_stats(&b);
    return b.bytes_in_use == a.bytes_in_use ? 0 : "heap bytes in use did not return";
}

static const char *t_kernel_map(void)
{
    pmap_root k = pmap_kernel();
    uint64_t pa;
    unsigned f;
    if (pmap_lookup(k, (uint64_t)(uintptr_t)__kernel_start, &pa, &f) || (f & PMAP_WRITE) ||
        !(f & PMAP_EXEC))
        return "kernel text is not read-only and executable";
    if (pmap_lookup(k, (uint64_t)(uintptr_t)__text_end, &pa, &f) || (f & (PMAP_WRITE | PMAP_EXEC)))
        return "rodata is not read-only and NX";
    if (pmap_lookup(k, (uint64_t)(uintptr_t)__rodata_end, &pa, &f) || !(f & PMAP_WRITE) ||
        (f & PMAP_EXEC))
        return "data is not writable and NX";
    if (pmap_lookup(k, 0, &pa, &f) == 0 || pmap_lookup(k, 0x200000, &pa, &f) == 0)
        return "the lower half is still mapped (page 0 / identity map)";
    if (pmap_lookup(k, arch_direct_map_base() + 0x100000, &pa, &f) || pa != 0x100000 ||
        (f & PMAP_EXEC))
        return "direct map missing or executable";
    return 0;
}

static const char *t_pmap_roundtrip(void)
{
    struct vmspace *vs;
    struct page *p = pg_alloc_zeroed(0);
    uint64_t pa;
    unsigned f;
    if (!p || vmspace_create(&vs))
        return "out of memory";
    const char *why = 0;
    if (pmap_map(vs->root, T_BASE, pg_phys(p), PMAP_READ | PMAP_WRITE) ||
        pmap_lookup(vs->root, T_BASE + 5, &pa, &f) || pa != pg_phys(p) + 5 || !(f & PMAP_WRITE))
        why = "map/lookup";
    else if (pmap_map(vs->root, T_BASE, pg_phys(p), PMAP_READ) != -EEXIST)
        why = "double map not refused";
    else if (pmap_protect(vs->root, T_BASE, PMAP_READ) || pmap_lookup(vs->root, T_BASE, &pa, &f) ||
             (f & PMAP_WRITE))
        why = "protect";
    else if (pmap_unmap(vs->root, T_BASE, &pa) || pmap_lookup(vs->root, T_BASE, &pa, &f) == 0)
        why = "unmap";
    vmspace_destroy(vs);
    pg_free(p, 0);
    return why;
}

/* Runs with a test vmspace active. */
static const char *t_user(struct vmspace *vs)
{
    uint8_t buf[64], zero[64] = {0};
    static const uint8_t ret_insn = 0xc3;
    if (vmspace_map_anon(vs, T_BASE, 16 * PG, VM_PROT_READ | VM_PROT_WRITE, VM_ANON) ||
        vmspace_map_anon(vs, T_BASE + 32 * PG, PG, VM_PROT_READ, VM_ANON))
        return "map_anon";
    if (copy_from_user(buf, (void *)(T_BASE + 3 * PG), 64) || memcmp(buf, zero, 64))
        return "demand-zero page does not read as zero";
    if (copy_to_user((void *)(T_BASE + 32 * PG), buf, 1) != -EFAULT)
        return "write to a read-only region not refused";
    if (copy_from_user(buf, (void *)(T_BASE + 64 * PG), 8) != -EFAULT)
        return "unmapped address not -EFAULT";
    if (copy_from_user(buf, (void *)arch_direct_map_base(), 8) != -EFAULT ||
        copy_from_user(buf, (void *)0x0000900000000000ull, 8) != -EFAULT ||
        copy_from_user(buf, (void *)8, 8) != -EFAULT)
        return "kernel-half / non-canonical / page-0 pointer not -EFAULT";
    if (copy_to_user((void *)(T_BASE + PG), &ret_insn, 1))
        return "copy_to_user";
    if (arch_call_guarded((void (*)(void *))(T_BASE + PG), 0) != -EFAULT)
        return "executing an NX page was not caught";
    if (vmspace_protect(vs, T_BASE, 16 * PG, VM_PROT_READ | VM_PROT_EXEC) ||
        arch_call_guarded((void (*)(void *))(T_BASE + PG), 0) != 0)
        return "code in an executable page did not run";
    char s[16];
    if (copy_to_user((void *)(T_BASE + 2 * PG), "hi", 3) != -EFAULT)
        return "write after mprotect(R|X) not refused";
    if (vmspace_protect(vs, T_BASE, 16 * PG, VM_PROT_READ | VM_PROT_WRITE) ||
        copy_to_user((void *)(T_BASE + 16 * PG - 3), "hi", 3) ||
        strncpy_from_user(s, (void *)(T_BASE + 16 * PG - 3), sizeof(s)) != 2 || strcmp(s, "hi"))
        return "strncpy_from_user";
    if (copy_to_user((void *)(T_BASE + 16 * PG - 2), "xy", 2) ||
        strncpy_from_user(s, (void *)(T_BASE + 16 * PG - 2), sizeof(s)) != -EFAULT)
        return "string running into unmapped memory not -EFAULT";
    if (vmspace_unmap(vs, T_BASE + 4 * PG, 4 * PG) ||
        copy_from_user(buf, (void *)(T_BASE + 5 * PG), 1) != -EFAULT ||
        copy_from_user(buf, (void *)(T_BASE + 8 * PG), 1))
        return "munmap hole";
    return 0;
}

static const char *t_user_space(void)
{
    struct vmspace *vs;
    uint64_t before = free_pages();
    if (vmspace_create(&vs))
        return "vmspace_create";
    vmspace_switch(vs);
    const char *why = t_user(vs);
    vmspace_switch(0);
    vmspace_destroy(vs);
    if (!why && free_pages() != before)
        why = "pages leaked";
    return why;
}

static const char *t_stack(void)
{
    struct vmspace *vs;
    uint64_t top = T_BASE + 1024 * PG, limit = 256 * PG, word = 0;
    if (vmspace_create(&vs))
        return "vmspace_create";
    vmspace_switch(vs);
    const char *why = 0;
    if (vmspace_map_anon(vs, top - limit, limit, VM_PROT_READ | VM_PROT_WRITE, VM_STACK))
        why = "map stack";
    for (uint64_t a = top - 8; !why && a >= top - limit; a -= PG)
        if (copy_to_user((void *)a, &word, 8))
            why = "stack page not populated on demand";
    if (!why && copy_to_user((void *)(top - limit - 8), &word, 8) != -EFAULT)
        why = "write into the guard gap below the stack not refused";
    vmspace_switch(0);
    vmspace_destroy(vs);
    return why;
}

/* A two-page memory object for the file-mapping tests: every byte 'F',
 * nothing past its end (SIGBUS), and a count of the regions holding it. */
struct t_obj {
    struct vm_object obj;
    struct page *pg[2];
    int holds;
};

static int t_obj_get(struct vm_object *o, uint64_t idx, int how, struct page **pg)
{
    struct t_obj *t = (struct t_obj *)o;
    (void)how;
    if (idx >= 2)
        return -EIO;
    pg_get(t->pg[idx]);
    *pg = t->pg[idx];
    return 0;
}

static void t_obj_hold(struct vm_object *o)
{
    ((struct t_obj *)o)->holds++;
}

static void t_obj_drop(struct vm_object *o)
{
    ((struct t_obj *)o)->holds--;
}

static const struct vm_pager t_pager = {t_obj_get, t_obj_hold, t_obj_drop};

/* Private and shared mappings of one object in one space: private writes
 * copy, shared writes reach the object and the private mapping's untouched
 * pages, past the end is -EIO, a segment's bss reads as zeros after its
 * data, vm_object_unmap takes pages out of every mapping. */
static const char *t_file_checks(struct vmspace *vs, struct t_obj *t)
{
    const uint64_t priv = T_BASE, shared = T_BASE + 8 * PG;
    const uint32_t rw = VM_PROT_READ | VM_PROT_WRITE;
    uint64_t v = 0, pa;
    unsigned fl;
    if (vmspace_map_file(vs, priv, 4 * PG, rw, 0, &t->obj, 0) ||
        vmspace_map_file(vs, shared, 2 * PG, rw, VM_SHARED, &t->obj, 0) || t->holds != 2)
        return "map_file";
    if (copy_from_user(&v, (void *)priv, 8) || v != 0x4646464646464646ull)
        return "file page content";
    if (copy_to_user((void *)priv, "W", 1) || ((char *)pg_virt(t->pg[0]))[0] != 'F')
        return "write to a private file mapping changed the file";
    if (copy_from_user(&v, (void *)priv, 1) || (char)v != 'W')
        return "private copy lost the write";
    if (copy_to_user((void *)(shared + PG), "S", 1) || ((char *)pg_virt(t->pg[1]))[0] != 'S')
        return "write to a shared file mapping did not reach the file";
    if (copy_from_user(&v, (void *)(priv + PG), 1) || (char)v != 'S')
        return "private mapping's untouched page missed the file's change";
    if (vmspace_fault(vs, priv + 2 * PG, VM_PROT_READ) != -EIO)
        return "page past the end is not -EIO (SIGBUS)";
    const uint64_t seg = T_BASE + 16 * PG; /* an ELF segment: data, then bss from PG + 100 */
    if (vmspace_map_segment(vs, seg, 4 * PG, rw, &t->obj, 0, seg + PG + 100))
        return "map_segment";
    if (copy_from_user(&v, (void *)(seg + PG + 92), 8) || v != 0x4646464646464646ull ||
        copy_from_user(&v, (void *)(seg + PG + 100), 8) || v != 0 ||
        copy_from_user(&v, (void *)(seg + 3 * PG), 8) || v != 0)
        return "segment: data, or bss zeros, wrong";
    if (((char *)pg_virt(t->pg[1]))[100] != 'F')
        return "segment's bss zeroed the file";
    vm_object_unmap(&t->obj, 1, UINT64_MAX);
    if (pmap_lookup(vs->root, shared + PG, &pa, &fl) == 0 ||
        pmap_lookup(vs->root, priv + PG, &pa, &fl) == 0)
        return "vm_object_unmap left a page mapped";
    return 0;
}

static const char *t_file_map(void)
{
    struct vmspace *vs;
    uint64_t before = free_pages();
    struct t_obj t = {.obj = {.pager = &t_pager}};
    t.pg[0] = pg_alloc(0);
    t.pg[1] = pg_alloc(0);
    if (!t.pg[0] || !t.pg[1] || vmspace_create(&vs))
        return "out of memory";
    memset(pg_virt(t.pg[0]), 'F', PG);
    memset(pg_virt(t.pg[1]), 'F', PG);
    vmspace_switch(vs);
    const char *why = t_file_checks(vs, &t);
    vmspace_switch(0);
    vmspace_destroy(vs);
    if (!why && (t.holds != 0 || t.obj.regions))
        why = "regions still hold the object";
    if (!why && (t.pg[0]->refcount != 1 || t.pg[1]->refcount != 1))
        why = "mappings kept page references";
    pg_put(t.pg[0]);
    pg_put(t.pg[1]);
    if (!why && free_pages() != before)
        why = "pages leaked";
    return why;
}

static const char *t_vmspace_churn(void)
{
    uint64_t before = free_pages();
    for (int i = 0; i < 10000; i++) {
        struct vmspace *vs;
        uint64_t w = (uint64_t)i;
        if (vmspace_create(&vs))
            return "vmspace_create";
        vmspace_switch(vs);
        if (vmspace_map_anon(vs, T_BASE, 4 * PG, VM_PROT_READ | VM_PROT_WRITE, VM_ANON) ||
            copy_to_user((void *)T_BASE, &w, 8) || copy_to_user((void *)(T_BASE + 3 * PG), &w, 8))
            return "map/touch";
        vmspace_switch(0);
        vmspace_destroy(vs);
    }
    if (free_pages() != before)
        return "free-page count did not return after 10,000 vmspaces";
    return 0;
}

static void bench(void)
{
    enum { N = 200000 };
    uint64_t hz = arch_cycles_hz(), t0, t1;
    if (!hz)
        return;
    t0 = arch_cycles();
    for (int i = 0; i < N; i++)
        pg_free(pg_alloc(0), 0);
    t1 = arch_cycles();
    printk("bench: page alloc+free %llu ns/pair\n",
           (unsigned long long)((t1 - t0) * 1000000000ull / hz / N));
    t0 = arch_cycles();
    for (int i = 0; i < N; i++)
        kfree(kmalloc(64));
    t1 = arch_cycles();
    printk("bench: kmalloc(64)+kfree %llu ns/pair\n",
           (unsigned long long)((t1 - t0) * 1000000000ull / hz / N));
}

int mm_bench(void)
{
    bench();
    return 0;
}

int mm_selftest(void)
{
    uint64_t start = free_pages();
    ktest_result("mm/pages", t_pages());
    ktest_result("mm/kmalloc", t_kmalloc());
    ktest_result("mm/kernel-map", t_kernel_map());
    ktest_result("mm/pmap-roundtrip", t_pmap_roundtrip());
    ktest_result("mm/user-access", t_user_space());
    ktest_result("mm/stack", t_stack());
    ktest_result("mm/file-map", t_file_map());
    ktest_result("mm/vmspace-churn", t_vmspace_churn());
    bench();
    printk("mm: free pages %llu at start, %llu at end\n", (unsigned long long)start,
           (unsigned long long)free_pages());
    return ktest_end("mm");
}
