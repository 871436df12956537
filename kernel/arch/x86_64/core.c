/* A program's registers for its core file (kernel/proc/coredump.c), in
 * the layouts Linux's x86-64 core files use: NT_PRSTATUS's pr_reg is
 * struct user_regs_struct (asm/user_64.h), NT_PRFPREG's descriptor the
 * 512-byte FXSAVE image (struct user_i387_struct). */
#include <stdint.h>
#include "string.h"
#include "kernel/arch.h"

struct user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi, orig_rax;
    uint64_t rip, cs, eflags, rsp, ss;
    uint64_t fs_base, gs_base, ds, es, fs, gs;
};
_Static_assert(sizeof(struct user_regs) == ARCH_CORE_REGS, "user_regs_struct is 27 registers");
_Static_assert(__builtin_offsetof(struct user_regs, orig_rax) == 15 * 8, "orig_rax is the 16th");
_Static_assert(__builtin_offsetof(struct user_regs, rip) == 16 * 8, "rip is the 17th");
_Static_assert(__builtin_offsetof(struct user_regs, fs_base) == 21 * 8, "fs_base is the 22nd");

/* orig_rax is -1, "not in a system call", for every frame: the frames of
 * system calls and of exceptions are not told apart here. cs and ss are
 * the selectors the program really runs with (ring 0, as the signal
 * frame's sigcontext reports them); ds, es, fs and gs are 0 and gs_base
 * 0, as the kernel loads them for programs. */
void arch_core_regs(const struct arch_frame *f, uint64_t fs_base, void *out)
{
    struct user_regs r = {
        .r15 = f->r15,
        .r14 = f->r14,
        .r13 = f->r13,
        .r12 = f->r12,
        .rbp = f->rbp,
        .rbx = f->rbx,
        .r11 = f->r11,
        .r10 = f->r10,
        .r9 = f->r9,
        .r8 = f->r8,
        .rax = f->rax,
        .rcx = f->rcx,
        .rdx = f->rdx,
        .rsi = f->rsi,
        .rdi = f->rdi,
        .orig_rax = ~0ull,
        .rip = f->rip,
        .cs = f->cs,
        .eflags = f->rflags,
        .rsp = f->rsp,
        .ss = f->ss,
        .fs_base = fs_base,
    };
    memcpy(out, &r, sizeof(r));
}

/* The kernel is built -mgeneral-regs-only: the FPU and SSE registers hold
 * the calling thread's program state, whatever kernel code ran since. */
void arch_core_fpregs(void *out)
{
    uint8_t area[ARCH_CORE_FPREGS] __attribute__((aligned(16)));
    __asm__ volatile("fxsave64 %0" : "=m"(area));
    memcpy(out, area, sizeof(area));
}
