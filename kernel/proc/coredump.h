/* Core dumps (core(5)): a process killed by a signal whose default action
 * is "core" writes an ELF core file of itself, as Linux x86-64 does, that
 * gdb reads with registers, stack and memory (docs/ARCHITECTURE.md,
 * "Core dumps").
 *
 * coredump.c decides and drives: the signal, RLIMIT_CORE (below a page:
 * no core, as Linux's min_coredump), prctl(PR_SET_DUMPABLE, 0), the other
 * LWPs stopped for good first (each leaves its registers behind), the file
 * opened in the process's cwd under the name core_pattern gives.
 * coreelf.c writes the file: ELF header, program headers, notes, memory.
 * corepattern.c keeps /proc/sys/kernel/core_pattern and core_uses_pid and
 * expands the name. */
#ifndef UNIPLEX_PROC_COREDUMP_H
#define UNIPLEX_PROC_COREDUMP_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/proc/proc.h"

/* The wait status's bit saying a core file was written (WCOREDUMP). */
#define W_COREDUMP 0x80
/* SIGCHLD's and waitid's si_code for a child that dumped core. */
#define CLD_DUMPED 3

/* 1 when sig's default action is to dump core (signal(7)'s "Core"). */
int sig_dumps_core(int sig);

/* The calling LWP's process dies of sig, its default action (f: the
 * LWP's frame). For a core signal, when nothing forbids it, the other
 * LWPs are made to exit first and a core file is written; the wait status
 * has W_COREDUMP exactly when the file was written (whole, or cut at
 * RLIMIT_CORE as Linux cuts it). Never returns. proc_exit_signal: a
 * signal delivered with what it carried (qi); proc_exit_fault: a fault in
 * program code (si_code code, si_addr addr). NT_SIGINFO shows either. */
__attribute__((noreturn)) void proc_exit_signal(struct arch_frame *f, int sig,
                                                const struct sigqinfo *qi);
__attribute__((noreturn)) void proc_exit_fault(struct arch_frame *f, int sig, int code,
                                               uint64_t addr);

/* A doomed LWP (lwp_doomed) about to exit from frame f: while its process
 * dumps core, its registers go into the core file. Otherwise nothing. */
void coredump_lwp_exit(struct lwp *l, const struct arch_frame *f);

/* --- between coredump.c, coreelf.c and corepattern.c ------------------------ */

/* One LWP of a dumping process as its NT_PRSTATUS and NT_PRFPREG show it. */
struct core_thread {
    int tid, saved; /* saved: regs and fpregs hold its state */
    uint64_t sigpend, sighold, run_ns;
    uint8_t regs[ARCH_CORE_REGS];
    uint8_t fpregs[ARCH_CORE_FPREGS];
};

/* A dump in progress (struct proc's core): the dumping LWP is t[0]. */
struct core_state {
    int sig;
    struct ksiginfo si;
    unsigned nthreads; /* slots in t */
    struct core_thread t[];
};

/* Write p's core file (p the calling process, alone now: its other LWPs
 * are gone) into the regular file vn from offset 0, at most limit bytes.
 * 0 when done (*cut: stopped at limit, Linux's truncated core), or
 * -ENOMEM (nothing written: what it needs is allocated first), -ENOSPC or
 * another write error. */
int core_write(struct proc *p, const struct core_state *cs, struct vnode *vn, uint64_t limit,
               int *cut);

/* The core file's name for p dying of sig, core_pattern expanded (with
 * ".<pid>" when core_uses_pid is set and it has no %p), in buf (n bytes):
 * 0, or -ENAMETOOLONG. */
int core_name(const struct proc *p, int sig, char *buf, size_t n);

/* /proc/sys/kernel/core_pattern and core_uses_pid (procfs.c's table). */
extern const struct file_ops core_pattern_ops, core_uses_pid_ops;

#endif
