/* prctl(2): the per-process and per-thread switches this kernel honours.
 * Every other option concerns a feature it does not have (capability
 * bounding sets, speculation controls, ...) and is -EINVAL,
 * as Linux answers an option it does not know. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/seccomp.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define PR_SET_PDEATHSIG       1
#define PR_GET_PDEATHSIG       2
#define PR_GET_DUMPABLE        3
#define PR_SET_DUMPABLE        4
#define PR_SET_NAME            15
#define PR_GET_NAME            16
#define PR_GET_SECCOMP         21
#define PR_SET_SECCOMP         22
#define PR_SET_TIMERSLACK      29
#define PR_GET_TIMERSLACK      30
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#define PR_SET_NO_NEW_PRIVS    38
#define PR_GET_NO_NEW_PRIVS    39

/* An int result stored at the program's uaddr (the PR_GET_* calls that
 * answer through a pointer): 0 or -EFAULT. */
static int64_t put_int(uint64_t uaddr, int v)
{
    return copy_to_user((void *)uaddr, &v, sizeof(v)) ? -EFAULT : 0;
}

/* The thread's name (comm, 16 bytes with the NUL; the main thread's is
 * the process's). Longer names are cut to 15 bytes, as Linux does. */
static int64_t set_name(struct lwp *l, uint64_t uname)
{
    char name[sizeof(l->name)];
    if (strncpy_from_user(name, (const char *)uname, sizeof(name)) == -EFAULT)
        return -EFAULT;
    name[sizeof(name) - 1] = 0;
    memcpy(l->name, name, sizeof(name));
    if (l->tid == l->proc->pid)
        memcpy(l->proc->name, name, sizeof(name));
    return 0;
}

/* Timer slack: stored and reported per thread as Linux does (0 puts back
 * the default the thread started with), but no timer here adds slack to
 * its expiry: every sleep and timer fires at the first tick at or after
 * its deadline whatever the value. PR_GET_TIMERSLACK thus reports what
 * the program set, which is honest: slack is an allowance, not a promise. */
static int64_t set_timerslack(struct lwp *l, uint64_t ns)
{
    l->timerslack_ns = ns ? ns : l->slack_default;
    return 0;
}

/* no_new_privs: only ever set (arg 1, the rest 0), as Linux. */
static int64_t no_new_privs(struct lwp *l, int set, uint64_t arg, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    if (a3 || a4 || a5 || (set ? arg != 1 : arg != 0))
        return -EINVAL;
    if (!set)
        return l->no_new_privs;
    l->no_new_privs = 1;
    return 0;
}

/* PR_SET_SECCOMP: seccomp(2)'s SET_MODE_STRICT (arg3 ignored, as
 * Linux) or SET_MODE_FILTER with no flags. */
static int64_t set_seccomp(uint64_t mode, uint64_t ufprog)
{
    if (mode == SECCOMP_MODE_STRICT)
        return seccomp_set_strict();
    if (mode == SECCOMP_MODE_FILTER)
        return seccomp_set_filter(0, ufprog);
    return -EINVAL;
}

/* PR_SET_DUMPABLE takes 0 or 1 (Linux's 2, "root only", is -EINVAL from
 * prctl too). */
static int64_t sys_prctl(uint64_t option, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5,
                         uint64_t a6)
{
    ARG(a6);
    struct lwp *l = lwp_current();
    switch (option) {
    case PR_SET_PDEATHSIG:
        if (arg > NSIG)
            return -EINVAL;
        l->pdeathsig = (int)arg;
        return 0;
    case PR_GET_PDEATHSIG:
        return put_int(arg, l->pdeathsig);
    case PR_GET_DUMPABLE:
        return !l->proc->nodump;
    case PR_SET_DUMPABLE:
        if (arg > 1)
            return -EINVAL;
        l->proc->nodump = !arg;
        return 0;
    case PR_SET_NAME:
        return set_name(l, arg);
    case PR_GET_NAME:
        return copy_to_user((void *)arg, l->name, sizeof(l->name)) ? -EFAULT : 0;
    case PR_SET_TIMERSLACK:
        return set_timerslack(l, arg);
    case PR_GET_TIMERSLACK:
        return (int64_t)l->timerslack_ns;
    case PR_SET_CHILD_SUBREAPER:
        l->proc->child_subreaper = arg != 0;
        return 0;
    case PR_GET_CHILD_SUBREAPER:
        return put_int(arg, l->proc->child_subreaper);
    case PR_GET_SECCOMP:
        return seccomp_mode(l);
    case PR_SET_SECCOMP:
        return set_seccomp(arg, a3);
    case PR_SET_NO_NEW_PRIVS:
    case PR_GET_NO_NEW_PRIVS:
        return no_new_privs(l, option == PR_SET_NO_NEW_PRIVS, arg, a3, a4, a5);
    default:
        return -EINVAL;
    }
}

void sys_prctl_register(void)
{
    syscall_register(SYS_prctl, sys_prctl);
}
