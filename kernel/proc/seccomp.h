/* seccomp (seccomp(2), prctl PR_SET_SECCOMP): a thread's system calls
 * checked before they run, as Linux does (docs/ARCHITECTURE.md,
 * "seccomp").
 *
 * Strict mode allows read, write, exit and rt_sigreturn and kills the
 * thread with SIGKILL on anything else. Filter mode runs a stack of
 * classic BPF programs (bpf.c checks and runs them) over struct
 * seccomp_data; the most restrictive action any of them returns is taken.
 * A thread's filters are a chain, newest first, each holding a reference
 * on the one before it: clone and fork share the chain (a reference),
 * exec keeps it, the last thread to drop a filter frees it. A thread
 * with a mode set never takes the arch's short path for leaf calls
 * (arch_context_set_syscall_checked). No user-notification listeners:
 * SECCOMP_FILTER_FLAG_NEW_LISTENER (and WAIT_KILLABLE_RECV) are -EINVAL,
 * and SECCOMP_RET_USER_NOTIF answers -ENOSYS, as Linux does when no
 * listener exists. No tracer either: SECCOMP_RET_TRACE is -ENOSYS. */
#ifndef UNIPLEX_PROC_SECCOMP_H
#define UNIPLEX_PROC_SECCOMP_H

#include <stdint.h>

struct lwp;
struct arch_frame;

/* Modes (prctl PR_GET_SECCOMP, /proc/PID/status "Seccomp:"). */
#define SECCOMP_MODE_DISABLED 0
#define SECCOMP_MODE_STRICT   1
#define SECCOMP_MODE_FILTER   2

/* seccomp(2) operations. */
#define SECCOMP_SET_MODE_STRICT  0
#define SECCOMP_SET_MODE_FILTER  1
#define SECCOMP_GET_ACTION_AVAIL 2
#define SECCOMP_GET_NOTIF_SIZES  3

/* SECCOMP_SET_MODE_FILTER's flags. */
#define SECCOMP_FILTER_FLAG_TSYNC              (1u << 0)
#define SECCOMP_FILTER_FLAG_LOG                (1u << 1)
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW         (1u << 2)
#define SECCOMP_FILTER_FLAG_NEW_LISTENER       (1u << 3)
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH        (1u << 4)
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1u << 5)

/* A filter's return value: the action in the top 16 bits, its data (an
 * errno, SIGSYS's si_errno) below. Actions compare as signed 32-bit
 * numbers of their top half: the lowest is the most restrictive. */
#define SECCOMP_RET_KILL_PROCESS 0x80000000u
#define SECCOMP_RET_KILL_THREAD  0x00000000u
#define SECCOMP_RET_TRAP         0x00030000u
#define SECCOMP_RET_ERRNO        0x00050000u
#define SECCOMP_RET_USER_NOTIF   0x7fc00000u
#define SECCOMP_RET_TRACE        0x7ff00000u
#define SECCOMP_RET_LOG          0x7ffc0000u
#define SECCOMP_RET_ALLOW        0x7fff0000u
#define SECCOMP_RET_ACTION_FULL  0xffff0000u
#define SECCOMP_RET_DATA         0x0000ffffu

/* SIGSYS's si_code for SECCOMP_RET_TRAP. */
#define SYS_SECCOMP 1

/* What every filter sees (Linux's struct seccomp_data). */
struct seccomp_data {
    int32_t nr;
    uint32_t arch; /* AUDIT_ARCH_* (ARCH_AUDIT) */
    uint64_t instruction_pointer;
    uint64_t args[6];
};
_Static_assert(sizeof(struct seccomp_data) == 64, "struct seccomp_data");

/* Classic BPF, as seccomp takes it. */
struct sock_filter {
    uint16_t code;
    uint8_t jt, jf;
    uint32_t k;
};
struct sock_fprog {
    uint16_t len;
    uint16_t pad[3];
    uint64_t filter; /* struct sock_filter *, in the program */
};
_Static_assert(sizeof(struct sock_filter) == 8, "struct sock_filter");
_Static_assert(sizeof(struct sock_fprog) == 16, "struct sock_fprog (x86-64)");

#define BPF_MAXINSNS 4096 /* one program */
/* Instructions of a whole chain, each filter counted 4 more (Linux's
 * MAX_INSNS_PER_PATH): past it a new filter is -ENOMEM. */
#define SECCOMP_MAX_PATH_INSNS 32768

/* bpf.c: check prog (len instructions) as Linux's bpf_check_classic then
 * seccomp_check_filter do (known opcodes only, loads of the data as
 * aligned words inside it, jumps forward and inside the program, scratch
 * slots written before read, a return last), rewriting the loads of the
 * data's length into immediates: 0 or -EINVAL. */
int bpf_check_seccomp(struct sock_filter *prog, unsigned len);
/* Run a checked program over d: its return value. At most len steps:
 * every jump goes forward. */
uint32_t bpf_run(const struct sock_filter *prog, unsigned len, const struct seccomp_data *d);

/* The calling LWP l is about to run system call nr (its frame f) and has
 * a mode set: 0 to run it; 1 when it is answered already (the result, or
 * a SIGSYS handler, is in f). Ends the thread or process when the mode
 * says so (does not return then). */
int seccomp_syscall(struct lwp *l, struct arch_frame *f, uint64_t nr);
/* Set the calling LWP's mode: strict (0, or -EINVAL when filters are set
 * already); a filter from the program's struct sock_fprog at ufprog with
 * SECCOMP_FILTER_FLAG_* flags: 0 (with TSYNC: 0, or the tid of a thread
 * that could not be synced, or -ESRCH with TSYNC_ESRCH), or -EINVAL,
 * -EFAULT, -EACCES (neither no_new_privs nor CAP_SYS_ADMIN), -ENOMEM. */
int64_t seccomp_set_strict(void);
int64_t seccomp_set_filter(uint32_t flags, uint64_t ufprog);
/* A new LWP l made by from (clone, fork) gets its mode and filters. */
void seccomp_inherit(struct lwp *l, const struct lwp *from);
/* l is being freed: its reference on its filters goes. */
void seccomp_release(struct lwp *l);
/* /proc/PID/status and PR_GET_SECCOMP: l's mode and how many filters it
 * has. */
int seccomp_mode(const struct lwp *l);
unsigned seccomp_nfilters(const struct lwp *l);

#endif
