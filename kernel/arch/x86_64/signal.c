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
#include "kernel/arch/x86_64/trapframe.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/syscall.h"

struct k_sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
    uint64_t rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;
    uint64_t reserved[8];
};
struct k_stack {
    uint64_t sp;
    int32_t flags, pad;
    uint64_t size;
};
struct k_ucontext {
    uint64_t flags, link;
    struct k_stack stack;
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
#define KERNEL_CS 0x08
#define KERNEL_SS 0x10

/* The program's registers at the point the signal interrupts. */
static void regs_from_syscall(struct k_sigcontext *mc, const struct syscall_frame *f)
{
    *mc = (struct k_sigcontext){.r8 = f->r8,
                                .r9 = f->r9,
                                .r10 = f->r10,
                                .r11 = f->rflags,
                                .r12 = f->r12,
                                .r13 = f->r13,
                                .r14 = f->r14,
                                .r15 = f->r15,
                                .rdi = f->rdi,
                                .rsi = f->rsi,
                                .rbp = f->rbp,
                                .rbx = f->rbx,
                                .rdx = f->rdx,
                                .rax = f->rax,
                                .rcx = f->rip,
                                .rsp = f->rsp,
                                .rip = f->rip,
                                .eflags = f->rflags,
                                .cs = KERNEL_CS,
                                .ss = KERNEL_SS};
}

static void regs_from_trap(struct k_sigcontext *mc, const struct trapframe *tf)
{
    *mc = (struct k_sigcontext){.r8 = tf->r8,
                                .r9 = tf->r9,
                                .r10 = tf->r10,
                                .r11 = tf->r11,
                                .r12 = tf->r12,
                                .r13 = tf->r13,
                                .r14 = tf->r14,
                                .r15 = tf->r15,
                                .rdi = tf->rdi,
                                .rsi = tf->rsi,
                                .rbp = tf->rbp,
                                .rbx = tf->rbx,
                                .rdx = tf->rdx,
                                .rax = tf->rax,
                                .rcx = tf->rcx,
                                .rsp = tf->rsp,
                                .rip = tf->rip,
                                .eflags = tf->rflags,
                                .cs = KERNEL_CS,
                                .ss = KERNEL_SS,
                                .err = tf->error,
                                .trapno = tf->vector};
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
    void *area = sched_current()->ctx.fpu;

    memset(&fr, 0, sizeof(fr));
    arch_fpu_save(area);
    mc->fpstate = fp;
    mc->oldmask = s->oldmask;
    mc->cr2 = s->addr;
    fr.pretcode = s->act->restorer;
    fr.uc.stack = (struct k_stack){s->ss_sp, (int32_t)s->ss_flags, 0, s->ss_size};
    fr.uc.mc = *mc;
    fr.uc.sigmask = s->oldmask;
    fr.info.signo = s->sig;
    fr.info.code = s->code;
    if (s->pid)
        fr.info.u.kill.pid = s->pid;
    else
        fr.info.u.addr = s->addr;
    if (copy_to_user((void *)fp, area, fpsize) || copy_to_user((void *)at, &fr, sizeof(fr)))
        return 0;
    return at;
}

int arch_sig_setup(void *regs, int is_trap, const struct sig_setup *s)
{
    struct k_sigcontext mc;
    if (is_trap)
        regs_from_trap(&mc, regs);
    else
        regs_from_syscall(&mc, regs);
    uint64_t at = frame_push(&mc, s);
    if (!at)
        return -EFAULT;
    uint64_t info = at + __builtin_offsetof(struct rt_sigframe, info);
    uint64_t uc = at + __builtin_offsetof(struct rt_sigframe, uc);
    if (is_trap) {
        struct trapframe *tf = regs;
        tf->rip = s->act->handler;
        tf->rsp = at;
        tf->rdi = (uint64_t)s->sig;
        tf->rsi = info;
        tf->rdx = uc;
        tf->rax = 0;
        tf->rflags &= ~RF_CLEAR;
    } else {
        struct syscall_frame *f = regs;
        f->rip = s->act->handler;
        f->rsp = at;
        f->rdi = (uint64_t)s->sig;
        f->rsi = info;
        f->rdx = uc;
        f->rax = 0;
        f->rflags &= ~RF_CLEAR;
    }
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

int arch_sigreturn(void *regs, uint64_t *mask, void *tf_out)
{
    const struct syscall_frame *f = regs;
    struct trapframe *tf = tf_out;
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
    *tf = (struct trapframe){.r15 = mc->r15,
                             .r14 = mc->r14,
                             .r13 = mc->r13,
                             .r12 = mc->r12,
                             .r11 = mc->r11,
                             .r10 = mc->r10,
                             .r9 = mc->r9,
                             .r8 = mc->r8,
                             .rbp = mc->rbp,
                             .rdx = mc->rdx,
                             .rbx = mc->rbx,
                             .rdi = mc->rdi,
                             .rsi = mc->rsi,
                             .rcx = mc->rcx,
                             .rax = mc->rax,
                             .rip = mc->rip,
                             .cs = KERNEL_CS,
                             .rflags = (mc->eflags & RF_FIX) | 0x202,
                             .rsp = mc->rsp,
                             .ss = KERNEL_SS};
    *mask = uc.sigmask;
    return 0;
}

uint64_t arch_trapframe_size(void)
{
    return sizeof(struct trapframe);
}
