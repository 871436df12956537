/* Trap dispatch. A page fault is resolved against the address space, or
 * resumed at a user-access fixup (so is a #GP there); a fault in program code becomes a signal
 * for its process (proc_fault); any other exception is fatal (registers and
 * a backtrace). Device and timer interrupts go to their handlers; other
 * vectors are counted (spurious or unexpected interrupts are not fatal). */
#include <stdint.h>
#include "errno.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/frame.h"
#include "kernel/arch/x86_64/backtrace.h"
#include "kernel/arch/x86_64/extable.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/proc/proc.h"
#include "kernel/panic.h"
#include "kernel/sched/prof.h"
#include "kernel/sched/sched.h"
#include "drivers/irq.h"
#include "drivers/lapic.h"

#define PF_PRESENT    0x01
#define PF_WRITE      0x02
#define PF_FETCH      0x10
#define LOWER_HALF(a) ((a) < USER_MAX)
/* The trap came from a program: its code, or its stack (a program that
 * jumped into the kernel half or moved its stack there; kernel code never
 * runs on a lower-half stack). Its faults are the program's, not fatal. */
#define FROM_PROGRAM(tf) (LOWER_HALF((tf)->rip) || LOWER_HALF((tf)->rsp))

static uint64_t trap_counts[256];

static const char *const exception_names[32] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack fault",
    "#GP general protection",
    "#PF page fault",
    "reserved 15",
    "#MF x87 FP error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD FP exception",
    "#VE virtualization",
    "#CP control protection",
    "reserved 22",
    "reserved 23",
    "reserved 24",
    "reserved 25",
    "reserved 26",
    "reserved 27",
    "#HV hypervisor injection",
    "#VC VMM communication",
    "#SX security",
    "reserved 31",
};

static void dump_reg(const char *name, uint64_t v)
{
    crash_puts(name);
    crash_puts("=");
    crash_hex(v);
    crash_puts(" ");
}

static void dump_registers(const struct arch_frame *tf)
{
    dump_reg("RIP", tf->rip);
    dump_reg("CS", tf->cs);
    dump_reg("RFLAGS", tf->rflags);
    crash_puts("\n");
    dump_reg("RSP", tf->rsp);
    dump_reg("SS", tf->ss);
    dump_reg("RBP", tf->rbp);
    crash_puts("\n");
    dump_reg("RAX", tf->rax);
    dump_reg("RBX", tf->rbx);
    dump_reg("RCX", tf->rcx);
    crash_puts("\n");
    dump_reg("RDX", tf->rdx);
    dump_reg("RSI", tf->rsi);
    dump_reg("RDI", tf->rdi);
    crash_puts("\n");
    dump_reg("R8 ", tf->r8);
    dump_reg("R9 ", tf->r9);
    dump_reg("R10", tf->r10);
    crash_puts("\n");
    dump_reg("R11", tf->r11);
    dump_reg("R12", tf->r12);
    dump_reg("R13", tf->r13);
    crash_puts("\n");
    dump_reg("R14", tf->r14);
    dump_reg("R15", tf->r15);
    crash_puts("\n");
    dump_reg("CR0", read_cr0());
    dump_reg("CR2", read_cr2());
    dump_reg("CR3", read_cr3());
    dump_reg("CR4", read_cr4());
    crash_puts("\n");
}

__attribute__((noreturn)) static void trap_fatal(const struct arch_frame *tf, const char *why)
{
    crash_begin();
    crash_puts("\nEXCEPTION: ");
    crash_puts(tf->vector < 32 ? exception_names[tf->vector] : "unexpected trap");
    crash_puts(" (vector ");
    crash_dec(tf->vector);
    crash_puts(", error ");
    crash_hex(tf->error);
    crash_puts(")");
    if (why) {
        crash_puts(": ");
        crash_puts(why);
    }
    crash_puts("\nat ");
    crash_symbol(tf->rip);
    crash_puts("\n");
    dump_registers(tf);
    backtrace_print(tf->rip, tf->rbp, tf->rsp);
    crash_end();
}

/* #PF: resolve against the current vmspace; else resume a user-access
 * routine at its fixup; else (test kernel) stop a guarded program context;
 * else a program gets SIGBUS (a file page past the end of the file, or
 * one a full tmpfs has no room for) or
 * SIGSEGV; else the kernel touched something it must not: fatal. */
static void page_fault(struct arch_frame *tf)
{
    uint64_t addr = read_cr2();
    uint32_t access = (tf->error & PF_FETCH)   ? VM_PROT_EXEC
                      : (tf->error & PF_WRITE) ? VM_PROT_WRITE
                                               : VM_PROT_READ;
    struct vmspace *vs = vmspace_current();

    int r = LOWER_HALF(addr) && vs ? vmspace_fault(vs, addr, access) : -EFAULT;
    if (r == 0)
        return;
    if (r == -ENOMEM && FROM_PROGRAM(tf) && proc_oom(addr))
        return; /* memory was (being) freed: the access is retried */
    uint64_t fixup = extable_fixup(tf->rip);
    if (fixup) {
        tf->rip = fixup;
        return;
    }
#ifdef KERNEL_TEST
    if (LOWER_HALF(tf->rip) && trap_guard_stop(tf, addr, access))
        return;
#endif
    if ((r == -EIO || r == -ENOSPC) && FROM_PROGRAM(tf) &&
        proc_fault(tf, SIGBUS, BUS_ADRERR, "bus error", addr))
        return;
    if (FROM_PROGRAM(tf) &&
        proc_fault(tf, SIGSEGV, (tf->error & PF_PRESENT) ? SEGV_ACCERR : SEGV_MAPERR, "page fault",
                   addr))
        return;
    trap_fatal(tf, LOWER_HALF(addr) ? "kernel access to an unmapped program address" : 0);
}

/* The signal Linux sends for a CPU exception in program code, or 0 for
 * the ones that are fatal wherever they happen (NMI, #DF, #MC, ...). */
static int exception_signal(uint64_t vector)
{
    switch (vector) {
    case 0:
    case 16:
    case 19:
        return SIGFPE; /* #DE #MF #XM */
    case 1:
    case 3:
        return SIGTRAP; /* #DB #BP */
    case 4:
    case 5:
    case 13:
        return SIGSEGV; /* #OF #BR #GP */
    case 6:
        return SIGILL; /* #UD */
    case 12:
    case 17:
        return SIGBUS; /* #SS #AC */
    default:
        return 0;
    }
}

/* The end of a device or timer interrupt: preemption, then, on the way back
 * to program code, its signals. */
static void interrupt_exit(struct arch_frame *tf)
{
    sched_interrupt_exit(LOWER_HALF(tf->rip));
    if (LOWER_HALF(tf->rip) && sched_interrupted() && proc_current())
        sig_deliver_trap(tf);
}

void trap_dispatch(struct arch_frame *tf)
{
    uint64_t here = (uint64_t)(uintptr_t)tf;
    int dedicated = tf->vector == 2 || tf->vector == 8 || tf->vector == 18;

    if (tf->vector == 2 && arch_prof_nmi(tf->rip))
        return; /* a profiling sample (kernel/sched/prof.h) */
    if (!dedicated && gdt_ist_contains(here))
        trap_fatal(tf, "trap on an unknown stack (kernel stack overflow?)");
    if (tf->vector == 14) {
        page_fault(tf);
        return;
    }
    /* A user-access routine the CPU refused (XRSTOR of a bad FPU image
     * from a signal frame): it fails as on a fault. */
    if (tf->vector == 13 && !FROM_PROGRAM(tf) && extable_fixup(tf->rip)) {
        tf->rip = extable_fixup(tf->rip);
        return;
    }
    if (tf->vector < 32 && FROM_PROGRAM(tf) && exception_signal(tf->vector) &&
        proc_fault(tf, exception_signal(tf->vector), 1, exception_names[tf->vector], tf->rip))
        return;
    if (tf->vector < 32)
        trap_fatal(tf, 0);
    if (tf->vector == LAPIC_TIMER_VECTOR) {
        lapic_eoi();
        sched_timer_fired();
        interrupt_exit(tf);
        return;
    }
    if (irq_dispatch((unsigned)tf->vector)) {
        interrupt_exit(tf);
        return;
    }
    trap_counts[tf->vector]++;
}

uint64_t trap_count(unsigned vector)
{
    return vector < 256 ? trap_counts[vector] : 0;
}
