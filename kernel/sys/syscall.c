/* System-call table and dispatch. */
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/seccomp.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

static syscall_fn table[SYSCALL_MAX];
syscall_fn syscall_leaf[SYSCALL_MAX];
static uint8_t reported[SYSCALL_MAX / 8 + 1];
static unsigned registered;

void syscall_register(unsigned nr, syscall_fn fn)
{
    if (nr >= SYSCALL_MAX || table[nr])
        panic("syscall_register: bad or duplicate number %u", nr);
    table[nr] = fn;
    registered++;
}

void syscall_register_leaf(unsigned nr, syscall_fn fn)
{
    syscall_register(nr, fn); /* the checks; dispatch never sees it */
    syscall_leaf[nr] = fn;
}

/* Unimplemented calls are logged once per number (Linux-style ENOSYS). */
static int64_t unimplemented(uint64_t nr)
{
    unsigned bit = nr < SYSCALL_MAX ? (unsigned)nr : SYSCALL_MAX;
    if (!(reported[bit / 8] & (1u << (bit % 8)))) {
        reported[bit / 8] |= (uint8_t)(1u << (bit % 8));
        const char *name = nr < SYSCALL_MAX ? syscall_name((unsigned)nr) : 0;
        struct proc *p = proc_current();
        if (p)
            printk("unimplemented syscall %s (%llu) from pid %d (%s)\n", name ? name : "?",
                   (unsigned long long)nr, p->pid, p->name);
        else
            printk("unimplemented syscall %s (%llu) from %s\n", name ? name : "?",
                   (unsigned long long)nr, sched_current()->name);
    }
    return -ENOSYS;
}

/* Back to the program from the call of frame f, its result r: signals
 * first (ERESTART* never leaves here). */
static inline void syscall_finish(struct arch_frame *f, uint64_t r)
{
    int restart = r >= (uint64_t)-ERESTART_RESTARTBLOCK && r <= (uint64_t)-ERESTARTSYS;
    struct lwp *l = lwp_current();
    if (l && (sched_current()->intr || l->restore_mask || restart))
        sig_deliver_syscall(f);
}

/* Only f is live across the handler (the thread is the same when it
 * returns, so its LWP is read again): one callee-saved register. */
void syscall_dispatch(struct arch_frame *f)
{
    struct lwp *l = lwp_current();
    uint64_t nr = arch_frame_syscall_nr(f);
    if (l) {
        l->frame = f; /* fork copies it; signals rewrite it */
        l->sysnr = nr;
    }
    syscall_fn fn = nr < SYSCALL_MAX ? table[nr] : 0;
    uint64_t r = (uint64_t)(fn ? arch_frame_call(f, fn) : unimplemented(nr));
    arch_frame_set_retval(f, r);
    syscall_finish(f, r);
}

/* A call seccomp answered (its result or a SIGSYS handler already in f)
 * is never restarted: its result is the filter's. */
void syscall_dispatch_checked(struct arch_frame *f)
{
    struct lwp *l = lwp_current();
    uint64_t nr = arch_frame_syscall_nr(f);
    if (l && l->seccomp_mode) {
        l->frame = f;
        l->sysnr = nr;
        if (seccomp_syscall(l, f, nr)) {
            syscall_finish(f, 0);
            return;
        }
    }
    syscall_dispatch(f);
}

void syscall_init(void)
{
    sys_file_register();
    sys_rw_register();
    sys_xattr_register();
    sys_path_register();
    sys_name_register();
    sys_mm_register();
    sys_proc_register();
    sys_prctl_register();
    sys_time_register();
    sys_process_register();
    sys_signal_register();
    sys_timer_register();
    sys_cred_register();
    sys_poll_register();
    sys_mount_register();
    sys_statx_register();
    sys_sched_register();
    sys_uts_register();
    sys_epoll_register();
    sys_system_register();
    sys_futex_register();
    sys_attr_register();
    sys_fdobj_register();
    sys_lock_register();
    sys_splice_register();
    sys_vmsplice_register();
    sys_falloc_register();
    sys_fadvise_register();
    sys_inotify_register();
    sys_socket_register();
    sys_cap_register();
    sys_mlock_register();
    sys_numa_register();
    sys_handle_register();
    sys_syslog_register();
    sys_prio_register();
    sys_pidfd_register();
    sys_mqueue_register();
    sys_ioprio_register();
    sys_kcmp_register();
    sys_pvm_register();
    sys_unshare_register();
    sys_settime_register();
    sys_adjtime_register();
    sys_seccomp_register();
    sys_pkey_register();
    sys_fsinfo_register();
    sys_aio_register();
    arch_syscall_init();
    printk("syscalls: %u Linux system calls implemented\n", registered);
}
