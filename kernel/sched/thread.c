/* Thread creation, exit and join; kernel stacks with guard pages. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmap.h"
#include "kernel/mm/pmem.h"
#include "kernel/panic.h"
#include "kernel/sched/sched.h"

/* Stack slot i: [area + i*STRIDE, + GUARD) unmapped, then the stack. */
#define STACK_PAGES (THREAD_STACK_SIZE / PAGE_SIZE)
#define STRIDE      (2 * THREAD_STACK_SIZE)
#define SLOTS       32768 /* one per pid (PID_MAX); the bitmap is 4 KiB */

static uint64_t slot_used[SLOTS / 64];
static unsigned nthreads = 1; /* kmain */

static int slot_get(unsigned *slot)
{
    for (unsigned w = 0; w < SLOTS / 64; w++) {
        if (slot_used[w] == ~0ull)
            continue;
        unsigned b = (unsigned)__builtin_ctzll(~slot_used[w]);
        slot_used[w] |= 1ull << b;
        *slot = w * 64 + b;
        return 0;
    }
    return -EAGAIN;
}

static uint64_t slot_top(unsigned slot)
{
    return arch_kstack_area() + (uint64_t)(slot + 1) * STRIDE;
}

static void stack_unmap(unsigned slot, unsigned pages)
{
    uint64_t pa;
    for (unsigned i = 0; i < pages; i++)
        if (pmap_unmap(pmap_kernel(), slot_top(slot) - (i + 1) * (uint64_t)PAGE_SIZE, &pa) == 0)
            pg_free(pg_from_phys(pa), 0);
    slot_used[slot / 64] &= ~(1ull << (slot % 64));
}

static int stack_map(unsigned *slot)
{
    if (slot_get(slot) != 0)
        return -EAGAIN;
    for (unsigned i = 0; i < STACK_PAGES; i++) {
        struct page *p = pg_alloc(0);
        uint64_t va = slot_top(*slot) - (i + 1) * (uint64_t)PAGE_SIZE;
        if (!p ||
            pmap_map(pmap_kernel(), va, pg_phys(p), PMAP_READ | PMAP_WRITE | PMAP_GLOBAL) != 0) {
            if (p)
                pg_free(p, 0);
            stack_unmap(*slot, i);
            return -ENOMEM;
        }
    }
    return 0;
}

/* The page order of an FPU save area: one page, or two for a large XSAVE. */
static unsigned fpu_area_order(void)
{
    return arch_fpu_area_size() > PAGE_SIZE ? 1 : 0;
}

static void *fpu_area_alloc(void)
{
    struct page *p = pg_alloc(fpu_area_order());
    if (p)
        arch_fpu_area_init(pg_virt(p));
    return p ? pg_virt(p) : 0;
}

static void fpu_area_free(void *a)
{
    pg_free(pg_from_phys((uint64_t)(uintptr_t)a - arch_direct_map_base()), fpu_area_order());
}

int thread_alloc(const char *name, void (*fn)(void *), void *arg, int fpu, struct thread **out)
{
    struct thread *t = kzalloc(sizeof(*t));
    void *area = fpu ? fpu_area_alloc() : 0;
    unsigned slot;
    int err = (!t || (fpu && !area)) ? -ENOMEM : stack_map(&slot);

    if (err) {
        kfree(t);
        if (area)
            fpu_area_free(area);
        return err;
    }
    strlcpy(t->name, name, sizeof(t->name));
    t->stack_slot = slot;
    t->ctx.stack_hi = slot_top(slot);
    t->ctx.stack_lo = t->ctx.stack_hi - THREAD_STACK_SIZE;
    t->ctx.fpu = area;
    waitq_init(&t->exitq);
    arch_context_init(&t->ctx, fn, arg);
    nthreads++;
    t->state = T_BLOCKED;
    *out = t;
    return 0;
}

void thread_start(struct thread *t)
{
    sched_wake(t);
}

int thread_create(const char *name, void (*fn)(void *), void *arg, int fpu, struct thread **out)
{
    int err = thread_alloc(name, fn, arg, fpu, out);
    if (!err)
        thread_start(*out);
    return err;
}

/* A thread that will never run again (a zombie that switched away for
 * good, or one never started): its stack, FPU area and structure. */
static void thread_free(struct thread *t)
{
    stack_unmap(t->stack_slot, STACK_PAGES);
    if (t->ctx.fpu)
        fpu_area_free(t->ctx.fpu);
    kfree(t);
    nthreads--;
}

void thread_discard(struct thread *t)
{
    KASSERT(t->state == T_BLOCKED && !t->woken);
    thread_free(t);
}

void thread_join(struct thread *t)
{
    while (t->state != T_ZOMBIE)
        waitq_wait(&t->exitq, 0);
    thread_free(t);
}

unsigned thread_count(void)
{
    return nthreads;
}
