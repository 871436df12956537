/* Signal frames as Linux x86-64 builds them (arch/x86/kernel/signal.c):
 * below the red zone, the FPU state (64-byte aligned), then struct
 * rt_sigframe { return address = sa_restorer, ucontext, siginfo }, placed
 * so that the handler starts as a function just called (RSP + 8 16-byte
 * aligned). rt_sigreturn reads the ucontext back and returns to the
 * program through an iretq frame, so every register comes back, RCX and
 * R11 included. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/frame.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"

struct k_sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
    uint64_t rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;
    uint64_t reserved[8];
};
struct k_ucontext {
    uint64_t flags, link;
    struct kstack stack;
    struct k_sigcontext mc;
    uint64_t sigmask;
};
struct rt_sigframe {
    uint64_t pretcode;
    struct k_ucontext uc;
    struct ksiginfo info;
};
_Static_assert(sizeof(struct k_sigcontext) == 256, "Linux struct sigcontext (x86-64)");
_Static_assert(sizeof(struct k_ucontext) == 304, "Linux struct ucontext (x86-64)");
_Static_assert(__builtin_offsetof(struct rt_sigframe, info) == 312, "rt_sigframe layout");

#define REDZONE   128
#define RF_FIX    0x40dd5ull /* AC OF DF TF SF ZF AF PF CF: what a program may set */
#define RF_CLEAR  0x40500ull /* AC DF TF: cleared for the handler */
#define RF_ALWAYS 0x202ull   /* IF, and bit 1 (reserved, always set) */

/* The general registers, named alike in the sigcontext and the frame:
 * one list for both directions. */
/* clang-format off */
#define GPRS(X)                                                                 \
    X(r8) X(r9) X(r10) X(r11) X(r12) X(r13) X(r14) X(r15)                       \
    X(rdi) X(rsi) X(rbp) X(rbx) X(rdx) X(rax) X(rcx) X(rsp) X(rip)
/* clang-format on */
#define COPY_TO_MC(r)    mc->r = f->r;
#define COPY_TO_FRAME(r) f->r = mc->r;

/* A frame that returns to the registers of sigcontext mc (checked), with
 * only the flags a program may set. */
static void regs_to_frame(struct arch_frame *f, const struct k_sigcontext *mc)
{
    GPRS(COPY_TO_FRAME)
    f->rflags = (mc->eflags & RF_FIX) | RF_ALWAYS;
    f->cs = GDT_KCODE;
    f->ss = GDT_KDATA;
    f->vector = f->error = 0;
}

/* The sigcontext of the program's registers f at the point the signal
 * interrupts, its FPU state at fp. */
static void regs_to_mc(struct k_sigcontext *mc, const struct arch_frame *f,
                       const struct sig_setup *s, uint64_t fp)
{
    GPRS(COPY_TO_MC)
    mc->eflags = f->rflags;
    mc->cs = GDT_KCODE;
    mc->gs = mc->fs = 0;
    mc->ss = GDT_KDATA;
    mc->err = f->error;
    mc->trapno = f->vector;
    mc->oldmask = s->oldmask;
    mc->cr2 = s->addr;
    mc->fpstate = fp;
    __builtin_memset(mc->reserved, 0, sizeof(mc->reserved));
}

/* The siginfo_t of s: si_addr for a fault (SIGSYS: si_call_addr, then
 * si_syscall and si_arch in info.data), else what the signal carries
 * (si_pid, si_uid 0, and the 8 bytes at the union's offset 8). */
static void info_fill(struct ksiginfo *si, const struct sig_setup *s)
{
    /* kill: pid, uid 0; SI_TIMER: the timer id, si_overrun; SI_MESGQ: pid, uid */
    uint64_t w0 =
        s->fault ? s->addr : (uint32_t)s->info.pid | (uint64_t)(uint32_t)s->info.overrun << 32;
    uint64_t w1 = s->info.data;
    si->signo = s->sig;
    si->errnum = s->errnum;
    si->code = s->info.code;
    si->pad = 0;
    __builtin_memcpy(si->u.bytes, &w0, 8);
    __builtin_memcpy(si->u.bytes + 8, &w1, 8);
    __builtin_memset(si->u.bytes + 16, 0, sizeof(si->u.bytes) - 16);
}

/* The whole rt_sigframe, each byte written once: it is copied out whole,
 * so nothing may be left unset (no zeroing first, no second copy of the
 * sigcontext). The fixed-size __builtin_mem* calls are inlined as stores
 * (-ffreestanding makes the plain names calls). */
static void frame_build(struct rt_sigframe *fr, const struct arch_frame *f,
                        const struct sig_setup *s, uint64_t fp)
{
    fr->pretcode = s->act->restorer;
    fr->uc.flags = 0;
    fr->uc.link = 0;
    fr->uc.stack = (struct kstack){s->ss_sp, (int32_t)s->ss_flags, 0, s->ss_size};
    regs_to_mc(&fr->uc.mc, f, s, fp);
    fr->uc.sigmask = s->oldmask;
    info_fill(&fr->info, s);
}

/* The FPU state straight onto the program's stack at fp (checked by the
 * caller): the bytes the save instructions leave alone (FXSAVE's software
 * bytes 464-511, the XSAVE header after XSTATE_BV) are zeroed first, as in
 * an image saved to a zeroed area. 0 or -EFAULT. */
static int fpu_push(uint64_t fp, uint32_t fpsize)
{
    static const uint8_t zeros[112];
    uint32_t len = fpsize > 512 ? 112 : 48;

    if (arch_copy_user((void *)(fp + 464), zeros, len))
        return -EFAULT;
    return arch_fpu_save_user((void *)fp, arch_fpu_xcr0());
}

int arch_sig_setup(struct arch_frame *f, const struct sig_setup *s)
{
    uint32_t fpsize = arch_fpu_area_size();
    uint64_t sp = s->stack_top ? s->stack_top : f->rsp - REDZONE;
    uint64_t fp = (sp - fpsize) & ~63ull;
    uint64_t at = ((fp - sizeof(struct rt_sigframe)) & ~15ull) - 8;
    struct rt_sigframe fr;

    /* One check for the frame and the FPU area above it (sp - fpsize
     * wrapping below zero lands at the top: refused as well). */
    if (fp > sp || !user_range_ok((void *)at, fp + fpsize - at))
        return -EFAULT;
    frame_build(&fr, f, s, fp);
    if (fpu_push(fp, fpsize) || arch_copy_user((void *)at, &fr, sizeof(fr)))
        return -EFAULT;
    f->rip = s->act->handler;
    f->rsp = at;
    f->rdi = (uint64_t)s->sig;
    f->rsi = at + __builtin_offsetof(struct rt_sigframe, info);
    f->rdx = at + __builtin_offsetof(struct rt_sigframe, uc);
    f->rax = 0;
    f->rflags &= ~RF_CLEAR;
    return 0;
}

/* Load the FPU image at fp (the frame's fpstate) straight from program
 * memory: 0, or -EFAULT when it is out of range, faults, or is one the
 * CPU refuses (not 16-byte aligned, reserved MXCSR bits, a bad XSAVE
 * header), for which Linux refuses the frame too. An image 16- but not
 * 64-byte aligned (a program's own) is one FXRSTOR takes, and Linux with
 * it: it goes through the thread's area, which XRSTOR can read. */
static int fpu_pull(uint64_t fp)
{
    uint32_t size = arch_fpu_area_size();
    void *area;

    if (!user_range_ok((void *)fp, size) || fp % 16)
        return -EFAULT;
    if (fp % 64 == 0)
        return arch_fpu_restore_user((void *)fp, arch_fpu_xcr0());
    area = sched_current()->ctx.fpu;
    if (copy_from_user(area, (void *)fp, size))
        return -EFAULT;
    return arch_fpu_restore_user(area, arch_fpu_xcr0());
}

int arch_sigreturn(struct arch_frame *f, uint64_t *mask)
{
    struct k_ucontext uc;
    uint64_t at = f->rsp - 8; /* the handler's ret popped pretcode */

    if (copy_from_user(&uc, (void *)(at + 8), sizeof(uc)))
        return -EFAULT;
    const struct k_sigcontext *mc = &uc.mc;
    if (mc->rip >= USER_MAX || mc->rsp >= USER_MAX)
        return -EFAULT;
    if (mc->fpstate && fpu_pull(mc->fpstate))
        return -EFAULT;
    if (!mc->fpstate)
        arch_fpu_reset(); /* no image: the initial state, as on Linux */
    regs_to_frame(f, mc);
    *mask = uc.sigmask;
    return 0;
}
