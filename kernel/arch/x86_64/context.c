/* Thread context glue for kernel/sched. */
#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/fpu.h"
#include "kernel/arch/x86_64/kstack.h"
#include "kernel/sys/syscall.h"
#include "drivers/lapic.h"

extern void arch_thread_start(void);

/* The running thread's context (program.S and testentry.S read it). */
struct arch_context *arch_cur_ctx;
_Static_assert(__builtin_offsetof(struct arch_context, stack_hi) == 24, "asm.h CTX_STACK_HI");
_Static_assert(__builtin_offsetof(struct arch_context, leaf_max) == 40, "asm.h CTX_LEAF_MAX");
void arch_switch(uint64_t *save_rsp, uint64_t new_rsp);

void arch_context_init(struct arch_context *c, void (*fn)(void *), void *arg)
{
    /* arch_switch pops r15 r14 r13 r12 rbx rbp, then returns into
     * arch_thread_start with the stack 16-byte aligned as at a call site. */
    uint64_t *sp = (uint64_t *)(uintptr_t)c->stack_hi - 7;
    sp[0] = 0;                        /* r15 */
    sp[1] = 0;                        /* r14 */
    sp[2] = (uint64_t)(uintptr_t)arg; /* r13 */
    sp[3] = (uint64_t)(uintptr_t)fn;  /* r12 */
    sp[4] = 0;                        /* rbx */
    sp[5] = 0;                        /* rbp: ends backtraces */
    sp[6] = (uint64_t)(uintptr_t)arch_thread_start;
    c->rsp = (uint64_t)(uintptr_t)sp;
    c->leaf_max = SYSCALL_MAX;
}

void arch_context_set_syscall_checked(struct arch_context *c)
{
    c->leaf_max = 0;
}

void arch_context_switch(struct arch_context *prev, struct arch_context *next)
{
    if (prev->fpu)
        fpu_save(prev->fpu);
    if (next->fpu)
        fpu_restore(next->fpu);
    if (prev->fs_base != next->fs_base)
        wrmsr(MSR_FS_BASE, next->fs_base);
    kstack_set(next->stack_lo, next->stack_hi);
    arch_cur_ctx = next;
    arch_switch(&prev->rsp, next->rsp);
}

void arch_context_boot(struct arch_context *c)
{
    extern uint8_t boot_stack_bottom[], boot_stack_top[];
    c->stack_lo = (uint64_t)(uintptr_t)boot_stack_bottom;
    c->stack_hi = (uint64_t)(uintptr_t)boot_stack_top;
    c->fs_base = 0;
    c->fpu = 0;
    c->leaf_max = SYSCALL_MAX;
    arch_cur_ctx = c;
}

void arch_cpu_relax(void)
{
    cpu_relax();
}

int arch_timer_init(void)
{
    return lapic_init();
}

void arch_timer_set(uint64_t ns)
{
    lapic_timer_oneshot(ns);
}

void arch_idle(void)
{
    /* sti takes effect after the next instruction, so no interrupt can
     * slip in between it and the hlt and be missed. */
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

void arch_idle_poll(void)
{
    /* sti holds interrupts off for one more instruction: leave room. */
    __asm__ volatile("sti; nop; pause; nop; cli" ::: "memory");
}

void arch_set_fs_base(uint64_t base)
{
    arch_cur_ctx->fs_base = base;
    wrmsr(MSR_FS_BASE, base);
}

uint64_t arch_fs_base(void)
{
    return arch_cur_ctx->fs_base;
}

void arch_context_set_fs_base(struct arch_context *c, uint64_t base)
{
    c->fs_base = base;
}
