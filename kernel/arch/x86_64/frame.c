/* The arch_frame_* hooks (kernel/arch.h) over x86-64's struct arch_frame. */
#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/arch/x86_64/frame.h"

#define SYSCALL_INSN_LEN 2 /* 0f 05 */

_Static_assert(sizeof(struct arch_frame) == 176, "FRAME_BYTES in program.S");

uint64_t arch_frame_size(void)
{
    return sizeof(struct arch_frame);
}

uint64_t arch_frame_syscall(const struct arch_frame *f, uint64_t args[6])
{
    args[0] = f->rdi;
    args[1] = f->rsi;
    args[2] = f->rdx;
    args[3] = f->r10;
    args[4] = f->r8;
    args[5] = f->r9;
    return f->rax;
}

uint64_t arch_frame_retval(const struct arch_frame *f)
{
    return f->rax;
}

void arch_frame_set_retval(struct arch_frame *f, uint64_t v)
{
    f->rax = v;
}

void arch_frame_restart(struct arch_frame *f, uint64_t nr)
{
    f->rax = nr;
    f->rip -= SYSCALL_INSN_LEN; /* back onto the syscall instruction */
}

uint64_t arch_frame_sp(const struct arch_frame *f)
{
    return f->rsp;
}

uint64_t arch_frame_pc(const struct arch_frame *f)
{
    return f->rip;
}

void arch_frame_fork(struct arch_frame *dst, const struct arch_frame *f, uint64_t sp)
{
    *dst = *f;
    dst->rax = 0; /* the child's return value */
    if (sp)
        dst->rsp = sp;
}
