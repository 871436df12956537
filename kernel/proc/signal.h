/* The Linux x86-64 signal ABI as programs see it: signal numbers, sets,
 * actions (struct sigaction as rt_sigaction passes it), their flags,
 * sigaltstack's flags, and the siginfo_t handlers and waitid receive. The
 * one place these are defined; the functions of signal.c are in proc.h. */
#ifndef UNIPLEX_PROC_SIGNAL_H
#define UNIPLEX_PROC_SIGNAL_H

#include <stdint.h>

/* Signal numbers. */
#define SIGHUP    1
#define SIGINT    2
#define SIGQUIT   3
#define SIGILL    4
#define SIGTRAP   5
#define SIGABRT   6
#define SIGBUS    7
#define SIGFPE    8
#define SIGKILL   9
#define SIGUSR1   10
#define SIGSEGV   11
#define SIGUSR2   12
#define SIGPIPE   13
#define SIGALRM   14
#define SIGTERM   15
#define SIGSTKFLT 16
#define SIGCHLD   17
#define SIGCONT   18
#define SIGSTOP   19
#define SIGTSTP   20
#define SIGTTIN   21
#define SIGTTOU   22
#define SIGURG    23
#define SIGXCPU   24
#define SIGXFSZ   25
#define SIGVTALRM 26
#define SIGPROF   27
#define SIGWINCH  28
#define SIGIO     29
#define SIGPWR    30
#define SIGSYS    31

/* Signal sets: bit sig - 1 of one 64-bit word (the kernel's sigset_t). */
#define NSIG        64
#define SIGSET_SIZE 8 /* bytes: the sigsetsize the rt_sig* calls must pass */
#define SIGBIT(sig) (1ull << ((sig)-1))
/* What no mask can block (Linux: SIGKILL and SIGSTOP). */
#define SIG_UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
/* The signals whose default action stops the process (job control). */
#define SIG_STOPSET (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

/* rt_sigprocmask's how. */
#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* Linux's struct sigaction as rt_sigaction passes it (x86-64). */
struct ksigaction {
    uint64_t handler; /* SIG_DFL, SIG_IGN, or the function */
    uint64_t flags;   /* SA_* */
    uint64_t restorer;
    uint64_t mask;
};
_Static_assert(sizeof(struct ksigaction) == 32, "struct sigaction (x86-64 kernel ABI)");

#define SIG_DFL 0
#define SIG_IGN 1

/* struct ksigaction flags. */
#define SA_NOCLDSTOP      0x00000001u
#define SA_NOCLDWAIT      0x00000002u
#define SA_SIGINFO        0x00000004u
#define SA_EXPOSE_TAGBITS 0x00000800u
#define SA_RESTORER       0x04000000u
#define SA_ONSTACK        0x08000000u
#define SA_RESTART        0x10000000u
#define SA_NODEFER        0x40000000u
#define SA_RESETHAND      0x80000000u

/* sigaltstack: stack_t's flags, and the smallest stack it takes. */
#define SS_ONSTACK    1
#define SS_DISABLE    2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ   2048

/* si_code values. */
#define SI_USER     0    /* kill */
#define SI_KERNEL   0x80 /* the kernel's own (timers, the OOM killer) */
#define SI_QUEUE    (-1) /* sigqueue */
#define SI_TIMER    (-2) /* a POSIX timer expired (kernel/proc/ptimer.c) */
#define SI_MESGQ    (-3) /* a message reached an empty POSIX queue (kernel/ipc/mqnotify.c) */
#define SI_TKILL    (-6) /* tkill, tgkill */
#define SEGV_MAPERR 1    /* no mapping at the address */
#define SEGV_ACCERR 2    /* a mapping that forbids the access */
#define BUS_ADRERR  2    /* SIGBUS: a file mapping's page past the end of the file */
#define CLD_EXITED  1    /* SIGCHLD: the child exited */
#define CLD_KILLED  2    /* SIGCHLD: a signal killed the child */

/* SIGCHLD's si_code for job control. */
#define CLD_STOPPED   5 /* a stop signal stopped the child */
#define CLD_CONTINUED 6 /* SIGCONT resumed the stopped child */

/* siginfo_t: si_signo, si_errno, si_code, then (8-byte aligned) the
 * fields si_code selects, in 128 bytes. Fill it from a zeroed one: it is
 * copied to the program whole. */
struct ksiginfo {
    int32_t signo, errnum, code, pad;
    union {
        struct {
            int32_t pid, uid;
        } kill; /* SI_USER */
        struct {
            int32_t pid, uid, status;
        } child; /* SIGCHLD: the exit code or the signal (CLD_*) */
        struct {
            int32_t tid, overrun;
        } timer;       /* SI_TIMER: si_timerid, si_overrun (si_value after) */
        uint64_t addr; /* faults: si_addr */
        uint8_t bytes[112];
    } u;
};
_Static_assert(sizeof(struct ksiginfo) == 128, "siginfo_t is 128 bytes");
_Static_assert(__builtin_offsetof(struct ksiginfo, u) == 16, "siginfo_t's union at 16");

/* What a pending signal carries to its siginfo_t: si_code, si_pid (the
 * sender, or SIGCHLD's child; SI_TIMER's si_timerid) and the 8 bytes at
 * the union's offset 8 (sigqueue's and SI_TIMER's si_value, SIGCHLD's
 * si_status); overrun is SI_TIMER's si_overrun (the 4 bytes after
 * si_timerid), filled when the signal is taken, and SI_MESGQ's si_uid
 * (the same 4 bytes). A standard signal already
 * pending keeps the first one's (no standard signal is queued twice). */
struct sigqinfo {
    int32_t code, pid;
    uint64_t data;
    int32_t overrun;
};

/* The first real-time signal (the kernel's: libcs keep 32-34 for
 * themselves and call SIGRTMIN the first they leave to programs). */
#define SIGRTMIN 32

/* A pending set (kernel/proc/sigpend.c): which signals, what the first of
 * each standard one carries, and every instance of the real-time ones,
 * queued oldest first. */
struct sigq;
struct sigpend {
    uint64_t set;
    struct sigqinfo info[NSIG]; /* index sig - 1 */
    struct sigq *queue;
};

/* stack_t: sigaltstack's argument and a ucontext's uc_stack. */
struct kstack {
    uint64_t sp;
    int32_t flags, pad;
    uint64_t size;
};
_Static_assert(sizeof(struct kstack) == 24, "stack_t is 24 bytes");

#endif
