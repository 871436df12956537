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

/* The program's registers at the point the signal interrupts. */
static void regs_from_frame(struct k_sigcontext *mc, const struct arch_frame *f)
{
    *mc = (struct k_sigcontext){.eflags = f->rflags,
                                .cs = GDT_KCODE,
                                .ss = GDT_KDATA,
                                .err = f->error,
                                .trapno = f->vector};
    GPRS(COPY_TO_MC)
}

/* A frame that returns to the registers of sigcontext mc (checked), with
 * only the flags a program may set. */
static void regs_to_frame(struct arch_frame *f, const struct k_sigcontext *mc)
{
    *f = (struct arch_frame){
        .rflags = (mc->eflags & RF_FIX) | RF_ALWAYS, .cs = GDT_KCODE, .ss = GDT_KDATA};
    GPRS(COPY_TO_FRAME)
}

/* The FPU state straight onto the program's stack at fp: the bytes the
 * save instructions leave alone (FXSAVE's software bytes 464-511, the
 * XSAVE header after XSTATE_BV) are zeroed first, as in an image saved to
 * a zeroed area. 0 or -EFAULT. */
static int fpu_push(uint64_t fp, uint32_t fpsize)
{
    static const uint8_t zeros[112];
    uint32_t len = fpsize > 512 ? 112 : 48;

    if (!user_range_ok((void *)fp, fpsize) || copy_to_user((void *)(fp + 464), zeros, len))
        return -EFAULT;
    return arch_fpu_save_user((void *)fp, arch_fpu_xcr0());
}

/* Write the FPU state and the frame on the program's stack: the frame's
 * address (0 if the stack cannot take it). */
static uint64_t frame_push(struct k_sigcontext *mc, const struct sig_setup *s)
{
    uint32_t fpsize = arch_fpu_area_size();
    uint64_t sp = s->stack_top ? s->stack_top : mc->rsp - REDZONE;
    uint64_t fp = (sp - fpsize) & ~63ull;
    uint64_t at = ((fp - sizeof(struct rt_sigframe)) & ~15ull) - 8;
    struct rt_sigframe fr;

    memset(&fr, 0, sizeof(fr));
    mc->fpstate = fp;
    mc->oldmask = s->oldmask;
    mc->cr2 = s->addr;
    fr.pretcode = s->act->restorer;
    fr.uc.stack = (struct kstack){s->ss_sp, (int32_t)s->ss_flags, 0, s->ss_size};
    fr.uc.mc = *mc;
    fr.uc.sigmask = s->oldmask;
    fr.info.signo = s->sig;
    fr.info.code = s->info.code;
    if (s->fault) {
        fr.info.u.addr = s->addr;
    } else {
        fr.info.u.kill.pid = s->info.pid;
        fr.info.u.timer.overrun = s->info.overrun; /* 0 but for SI_TIMER */
        memcpy(fr.info.u.bytes + 8, &s->info.data, sizeof(s->info.data));
    }
    if (fpu_push(fp, fpsize) || copy_to_user((void *)at, &fr, sizeof(fr)))
        return 0;
    return at;
}

int arch_sig_setup(struct arch_frame *f, const struct sig_setup *s)
{
    struct k_sigcontext mc;
    regs_from_frame(&mc, f);
    uint64_t at = frame_push(&mc, s);
    if (!at)
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

/* Make an FPU image from the program safe to load: reserved MXCSR bits
 * and a foreign XSAVE header would fault in the kernel. */
static void fpu_sanitize(uint8_t *area)
{
    uint32_t mxcsr;
    memcpy(&mxcsr, area + 24, 4);
    mxcsr &= 0xffff;
    memcpy(area + 24, &mxcsr, 4);
    if (arch_fpu_area_size() > 512) {
        uint64_t bv;
        memcpy(&bv, area + 512, 8);
        bv &= arch_fpu_xcr0();
        memset(area + 512, 0, 64);
        memcpy(area + 512, &bv, 8);
    }
}

int arch_sigreturn(struct arch_frame *f, uint64_t *mask)
{
    struct k_ucontext uc;
    uint64_t at = f->rsp - 8; /* the handler's ret popped pretcode */
    void *area = sched_current()->ctx.fpu;

    if (copy_from_user(&uc, (void *)(at + 8), sizeof(uc)))
        return -EFAULT;
    const struct k_sigcontext *mc = &uc.mc;
    if (mc->rip >= USER_MAX || mc->rsp >= USER_MAX)
        return -EFAULT;
    if (mc->fpstate) {
        if (copy_from_user(area, (void *)mc->fpstate, arch_fpu_area_size()))
            return -EFAULT;
        fpu_sanitize(area);
        arch_fpu_restore(area);
    }
    regs_to_frame(f, mc);
    *mask = uc.sigmask;
    return 0;
}
