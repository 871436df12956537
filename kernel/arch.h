/* The hooks generic kernel code uses to reach the CPU. Implemented in
 * kernel/arch/<arch>/; generic code has no inline assembly of its own. */
#ifndef UNIPLEX_ARCH_H
#define UNIPLEX_ARCH_H

#include <stdint.h>
/* The arch's own types and inline hooks: struct arch_context (embedded in
 * struct thread), the per-call arch_frame hooks below, and port I/O for the
 * PC platform's drivers (arch_inb, arch_outb, ...). */
#include "kernel/arch/x86_64/context.h"
#include "kernel/arch/x86_64/core.h"
#include "kernel/arch/x86_64/cycles.h"
#include "kernel/arch/x86_64/frame.h"
#include "kernel/arch/x86_64/io.h"

/* Set the stack-protector canary. Call first thing in kmain. */
void arch_stack_guard_init(void);
/* GDT, TSS/IST stacks, IDT: exceptions are reported from here on. */
void arch_early_init(void);

void arch_irq_disable(void);
/* Stop this CPU for good (interrupts off). */
__attribute__((noreturn)) void arch_halt(void);

/* Start the reference clock that arch_clock_init() measures the cycle
 * counter against, so that the boot work in between is the calibration
 * window. Call first thing in kmain. */
void arch_clock_start(void);
/* Profiling clock (kernel/sched/prof.h): an NMI every us microseconds,
 * which reaches the CPU even with interrupts disabled. 0 or -errno. */
int arch_prof_start(unsigned us);
/* From the NMI handler: 1 if the NMI was the profiling clock's (the sample
 * at pc is recorded), 0 for any other NMI. */
int arch_prof_nmi(uint64_t pc);
/* Calibrate the cycle counter (a short early measurement when nothing
 * states its frequency) and log its frequency and source. */
void arch_clock_init(void);
/* Refine an early measurement after boot: call every ARCH_CLOCK_REFINE_NS
 * or so with interrupts off. 1 while refining (call again); 0 when done,
 * with *hz the refined frequency now in force (arch_cycles_hz, the timer)
 * or 0 when nothing changed. */
#define ARCH_CLOCK_REFINE_NS 25000000ull
int arch_clock_refine(uint64_t *hz);
/* 1 when the frequency was measured at boot (and so is refined), 0 when
 * the CPU or the hypervisor stated it. */
int arch_clock_measured(void);
/* Cycle counter (TSC), arch_cycles() inline (cycles.h); arch_cycles_hz()
 * is 0 until arch_clock_init(). */
uint64_t arch_cycles_hz(void);
/* Cycle count at the kernel's first instruction. */
uint64_t arch_boot_cycles(void);

/* Layout (docs/ARCHITECTURE.md, "Memory"): the direct map of all RAM starts at
 * arch_direct_map_base(); the kernel image is linked at arch_kernel_base()
 * plus its physical address. */
uint64_t arch_direct_map_base(void);
uint64_t arch_kernel_base(void);
/* Start of the 512 GiB kernel area where thread stacks are mapped, each
 * with an unmapped guard page below it. */
uint64_t arch_kstack_area(void);

/* Kernel virtual address of physical range [pa, pa + len), or NULL when
 * the direct map does not cover it (today: the first 4 GiB). */
void *arch_phys_map(uint64_t pa, uint64_t len);

/* The kernel area where device memory is mapped (kernel/mm/devmap.c):
 * its start and its size in bytes. */
uint64_t arch_devmap_area(uint64_t *size);

/* Print a backtrace starting at the caller of this function (crash path). */
void arch_backtrace_here(void);

/* Copy n bytes where src or dst is program memory; returns the bytes NOT
 * copied (a fault that could not be resolved stops the copy). */
uint64_t arch_copy_user(void *dst, const void *src, uint64_t n);
/* See strncpy_from_user: length, n when no NUL within n, or -EFAULT. */
long arch_strncpy_user(char *dst, const char *src, long n);

/* A hardware random number (RDRAND): 1 and *v, or 0 when there is none. */
int arch_random(uint64_t *v);
/* The CPU's vendor string (12 characters) and brand string (up to 48),
 * NUL-terminated, from CPUID. */
void arch_cpu_names(char vendor[16], char model[64]);
/* The CPU feature word Linux passes as AT_HWCAP (CPUID.1:EDX on x86). */
uint64_t arch_hwcap(void);
/* Set the program TLS base (FS) of the calling thread, now and after
 * every switch back to it; arch_fs_base() reads it back. */
void arch_set_fs_base(uint64_t base);
uint64_t arch_fs_base(void);
/* The TLS base a thread not yet run starts with. */
void arch_context_set_fs_base(struct arch_context *c, uint64_t base);
/* Enter a program at entry with its stack pointer at user_rsp (Linux
 * process start: rdx = 0, other registers zero, interrupts on). The calling
 * thread's kernel stack is reset: program entries to the kernel (system
 * calls, interrupts) start again at its top. Never returns. */
__attribute__((noreturn)) void arch_enter_program(uint64_t entry, uint64_t user_rsp);

/* A program's registers as the kernel saved them where the program entered
 * it: a system call, or an interrupt or exception taken in program code.
 * The layout is the arch's (kernel/arch/x86_64/frame.h); generic code holds
 * pointers and uses only these hooks. A system call's frame is the state
 * the program sees when the call returns, but for the result. */
struct arch_frame;
/* Bytes in a frame, to allocate one (a forked child's first entry). */
uint64_t arch_frame_size(void);
/* Inline (frame.h), as every system call uses them:
 *   uint64_t arch_frame_syscall_nr(const struct arch_frame *f)
 *     a system call's number;
 *   int64_t arch_frame_call(const struct arch_frame *f, fn)
 *     fn(a0, ..., a5) with the system call's six arguments;
 *   uint64_t arch_frame_retval(const struct arch_frame *f)
 *   void arch_frame_set_retval(struct arch_frame *f, uint64_t v)
 *     the result the program gets from the system call of f;
 *   void arch_frame_restart(struct arch_frame *f, uint64_t nr)
 *     on return the program runs system call nr again, same arguments;
 *   void arch_frame_syscall_args(const struct arch_frame *f, uint64_t a[6])
 *     a system call's six arguments;
 *   uint64_t arch_frame_sp(const struct arch_frame *f)
 *   uint64_t arch_frame_pc(const struct arch_frame *f)
 *     the program's stack pointer and program counter. */
/* A new process's or thread's registers (dst, arch_frame_size() bytes): it
 * returns 0 from the same system call as f, on stack sp when sp is not 0. */
void arch_frame_fork(struct arch_frame *dst, const struct arch_frame *f, uint64_t sp);
/* Return to a program with every register from f (a forked child's first
 * entry, rt_sigreturn). The calling thread's kernel stack is reset; f may
 * lie on it. Never returns. */
__attribute__((noreturn)) void arch_frame_resume(const struct arch_frame *f);
/* The XSAVE components enabled (XCR0), 0 with FXSAVE. */
uint64_t arch_fpu_xcr0(void);

/* Core dumps (kernel/proc/coredump.c), in the layouts of Linux's core
 * files for the arch (ARCH_ELF_MACHINE): arch_core_regs writes the
 * registers of the program whose frame is f, its TLS base fs_base, as
 * NT_PRSTATUS's pr_reg (ARCH_CORE_REGS bytes); arch_core_fpregs the
 * calling thread's program FPU state as NT_PRFPREG (ARCH_CORE_FPREGS). */
void arch_core_regs(const struct arch_frame *f, uint64_t fs_base, void *out);
void arch_core_fpregs(void *out);

/* Signal frames (arch/x86_64/signal.c). arch_sig_setup writes the FPU
 * state and Linux's rt_sigframe for the program whose registers are f on
 * its stack, and points f at the handler: 0, or -EFAULT (the stack cannot
 * take it; f unchanged). arch_sigreturn, from rt_sigreturn's frame f,
 * reads the signal frame below the program's stack pointer back: the mask
 * in *mask, the FPU state reloaded, every register into f (for
 * arch_frame_resume); -EFAULT for a bad frame (f unchanged; the FPU
 * registers possibly partly loaded: the caller ends the program), an FPU
 * image the CPU refuses included, as on Linux. */
struct sig_setup;
int arch_sig_setup(struct arch_frame *f, const struct sig_setup *s);
int arch_sigreturn(struct arch_frame *f, uint64_t *mask);

/* Enable the local interrupt controller (the APIC): 0 and the physical
 * address of its registers, or -ENODEV when the CPU has none. */
int arch_lapic_enable(uint64_t *base);
/* Reset the machine from the CPU itself (a triple fault), the last resort
 * of a restart. Never returns. */
__attribute__((noreturn)) void arch_cpu_reset(void);

/* 1 when AVX registers are enabled for programs (CPUID and XCR0). */
int arch_has_avx(void);
/* Make c start at fn(arg) on its stack; thread_exit() runs if fn returns. */
void arch_context_init(struct arch_context *c, void (*fn)(void *), void *arg);
/* From now on every system call of c's thread goes through
 * syscall_dispatch_checked, none through the leaf path (seccomp: each is
 * checked). One-way. */
void arch_context_set_syscall_checked(struct arch_context *c);
/* Describe the running boot context (boot stack, no FPU area). */
void arch_context_boot(struct arch_context *c);
/* Start the per-CPU event timer: 0, or -ENODEV (then the scheduler polls). */
int arch_timer_init(void);
/* Raise sched_interrupt_exit() once after ns nanoseconds; 0 disarms. */
void arch_timer_set(uint64_t ns);
/* Enable interrupts, halt until one arrives, disable them again. */
void arch_idle(void);
/* Let pending interrupts in for a moment (sti; nop; pause; nop; cli): lets a busy
 * kernel loop observe interrupts without halting. */
void arch_idle_poll(void);
/* Spin-wait hint. */
void arch_cpu_relax(void);
/* Save prev, resume next (FPU state, FS base, kernel stack bounds). */
void arch_context_switch(struct arch_context *prev, struct arch_context *next);

/* Enable FPU/SSE/AVX state and size the save area. legacy: FXSAVE state
 * only (x87 and SSE; AVX stays disabled, so programs do not use it). */
void arch_fpu_init(int legacy);
/* 1 when the CPU appears to be emulated instruction by instruction (a loop
 * of register instructions costs hundreds of cycles per iteration): KVM's
 * instruction emulator, as nested KVM runs this kernel on some hosts. */
int arch_cpu_emulated(void);
uint32_t arch_fpu_area_size(void);
/* Initial state (default MXCSR, every component at reset values). */
void arch_fpu_area_init(void *area);
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);

/* Enable the syscall instruction and point it at the entry stub. */
void arch_syscall_init(void);

/* ---- Test kernel only ------------------------------------------------
 * Hooks for the in-kernel tests (selftest=NAME), implemented in
 * arch/x86_64/testhooks.c and testentry.S, which only the test kernel
 * (build/kernel-test.elf, built with -DKERNEL_TEST) links. */
#ifdef KERNEL_TEST
/* Execute an invalid instruction / touch an unmapped address. */
void arch_selftest_ud2(void);
void arch_selftest_page_fault(void);
/* Print memory-type state and time a register-only loop (diagnostics). */
void arch_cpu_diag(void);
/* Run program code: entry(arg, arg2) on the lower-half stack user_rsp
 * (16-byte aligned), interrupts enabled, until it returns; its return
 * value. The calling thread's vmspace must map entry and the stack. */
int64_t arch_run_program(uint64_t entry, uint64_t arg, uint64_t arg2, uint64_t user_rsp);
/* Call fn(arg); a fault in program code (lower half) inside it that cannot
 * be resolved returns -EFAULT here instead of ending the machine. Not
 * nested. */
int arch_call_guarded(void (*fn)(void *), void *arg);
/* Write / read back a value in an FPU (vector) register the kernel itself
 * never uses: a thread's FPU state must survive context switches. */
void arch_test_fpu_write(uint64_t v);
uint64_t arch_test_fpu_read(void);
#endif

#endif
