/* x86_64 implementations of the test-kernel-only hooks of kernel/arch.h
 * (and the guarded-call stop for trap.c). Linked into build/kernel-test.elf
 * only; the release kernel has none of this. */
#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/frame.h"
#include "kernel/mm/vmspace.h"
#include "kernel/printk.h"

/* testentry.S: the guarded call's saved stack (0 outside one) and where a
 * stopped call resumes. */
extern uint64_t arch_guard_rsp;
extern char arch_guard_resume[];

__attribute__((noinline)) void arch_selftest_ud2(void)
{
    __asm__ volatile("ud2");
}

__attribute__((noinline)) void arch_selftest_page_fault(void)
{
    /* A lower-half address with no vmspace active: kernel code touching it
     * is a kernel bug, so this must end in the #PF register dump. */
    volatile uint64_t *p = (volatile uint64_t *)0x0000700000000000ull;
    *p = 1;
}

/* xmm0: the kernel is -mgeneral-regs-only, so between these calls only a
 * context switch's FPU save and restore can change it. */
void arch_test_fpu_write(uint64_t v)
{
    __asm__ volatile("movq %0, %%xmm0" : : "r"(v));
}

uint64_t arch_test_fpu_read(void)
{
    uint64_t v;
    __asm__ volatile("movq %%xmm0, %0" : "=r"(v));
    return v;
}

int trap_guard_stop(struct arch_frame *tf, uint64_t addr, uint32_t access)
{
    if (!arch_guard_rsp)
        return 0;
    printk("fault: program code at %#llx touched %#llx (%s): context stopped\n",
           (unsigned long long)tf->rip, (unsigned long long)addr,
           access == VM_PROT_WRITE  ? "write"
           : access == VM_PROT_EXEC ? "exec"
                                    : "read");
    tf->rsp = arch_guard_rsp;
    tf->rip = (uint64_t)(uintptr_t)arch_guard_resume;
    arch_guard_rsp = 0;
    return 1;
}

/* Diagnostic (selftest=cpudiag): memory-type state and the cost of a loop
 * that touches no memory, to tell a slow vCPU from slow memory. */
void arch_cpu_diag(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    int has_mtrr = (r[3] >> 12) & 1, has_pat = (r[3] >> 16) & 1;
    printk("cpudiag: cr0 %#llx cr4 %#llx\n", (unsigned long long)read_cr0(),
           (unsigned long long)read_cr4());
    if (has_pat)
        printk("cpudiag: PAT %#llx\n", (unsigned long long)rdmsr(0x277));
    if (has_mtrr) {
        uint64_t cap = rdmsr(0xfe), def = rdmsr(0x2ff);
        printk("cpudiag: MTRRcap %#llx MTRRdefType %#llx\n", (unsigned long long)cap,
               (unsigned long long)def);
        for (unsigned i = 0; i < (cap & 0xff) && i < 8; i++)
            printk("cpudiag: MTRR%u base %#llx mask %#llx\n", i,
                   (unsigned long long)rdmsr(0x200 + 2 * i),
                   (unsigned long long)rdmsr(0x201 + 2 * i));
        printk("cpudiag: fix64k %#llx\n", (unsigned long long)rdmsr(0x250));
    }
    /* Rounds 0-1 with interrupts disabled (as the kernel runs today),
     * 2-3 with IF set (every PIC line is masked, nothing arrives). */
    for (int round = 0; round < 4; round++) {
        uint64_t n = 1000000, t0;
        if (round >= 2)
            __asm__ volatile("sti");
        t0 = rdtsc();
        __asm__ volatile("1: dec %0; jnz 1b" : "+r"(n));
        uint64_t t1 = rdtsc();
        __asm__ volatile("cli");
        printk("cpudiag: register loop, IF=%d: %llu cycles/iteration\n", round >= 2,
               (unsigned long long)((t1 - t0) / 1000000));
    }
}
