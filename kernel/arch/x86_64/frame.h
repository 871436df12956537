/* struct arch_frame on x86-64: a program's registers as the kernel saved
 * them on entry. isr.S builds it for interrupts and exceptions, syscall.S
 * for system calls, in one layout fixed by the push order there. Generic
 * code sees it only through the arch_frame_* hooks of kernel/arch.h. */
#ifndef UNIPLEX_X86_FRAME_H
#define UNIPLEX_X86_FRAME_H

#include <stdint.h>

/* A system call's frame holds what the program sees when the call returns
 * (RCX = RIP and R11 = RFLAGS, as the syscall instruction leaves them),
 * with vector and error 0. */
struct arch_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdx, rbx, rdi, rsi, rcx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU (by syscall.S for a call) */
};

#define FRAME_QWORDS 22
_Static_assert(sizeof(struct arch_frame) == FRAME_QWORDS * 8, "layout fixed by isr.S, syscall.S");
_Static_assert(__builtin_offsetof(struct arch_frame, rax) == 14 * 8, "isr.S pushes rax first");
_Static_assert(__builtin_offsetof(struct arch_frame, rsp) == 20 * 8, "isr.S reads RSP at 72");

/* Entry point from isr.S, interrupts disabled. */
void trap_dispatch(struct arch_frame *tf);

/* The arch_frame hooks of kernel/arch.h that every system call uses,
 * inline: they are single loads and stores. */
#define SYSCALL_INSN_LEN 2 /* 0f 05 */
/* The system-call ABI's audit architecture (AUDIT_ARCH_X86_64): what
 * seccomp filters see as struct seccomp_data's arch. */
#define ARCH_AUDIT 0xc000003eu

static inline uint64_t arch_frame_syscall_nr(const struct arch_frame *f)
{
    return f->rax;
}

/* fn called with the system call's six arguments, read from the frame. */
static inline int64_t arch_frame_call(const struct arch_frame *f,
                                      int64_t (*fn)(uint64_t, uint64_t, uint64_t, uint64_t,
                                                    uint64_t, uint64_t))
{
    return fn(f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
}

static inline void arch_frame_syscall_args(const struct arch_frame *f, uint64_t a[6])
{
    a[0] = f->rdi;
    a[1] = f->rsi;
    a[2] = f->rdx;
    a[3] = f->r10;
    a[4] = f->r8;
    a[5] = f->r9;
}

static inline uint64_t arch_frame_retval(const struct arch_frame *f)
{
    return f->rax;
}

static inline void arch_frame_set_retval(struct arch_frame *f, uint64_t v)
{
    f->rax = v;
}

static inline void arch_frame_restart(struct arch_frame *f, uint64_t nr)
{
    f->rax = nr;
    f->rip -= SYSCALL_INSN_LEN; /* back onto the syscall instruction */
}

static inline uint64_t arch_frame_sp(const struct arch_frame *f)
{
    return f->rsp;
}

static inline uint64_t arch_frame_pc(const struct arch_frame *f)
{
    return f->rip;
}

#endif
