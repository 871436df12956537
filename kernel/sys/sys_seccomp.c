/* seccomp(2): set the calling thread's mode (kernel/proc/seccomp.c does
 * the work) and the two queries, as Linux answers them. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/seccomp.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

/* struct seccomp_notif_sizes: what a user-notification listener would
 * exchange (struct seccomp_notif, seccomp_notif_resp, seccomp_data). */
struct notif_sizes {
    uint16_t notif, notif_resp, data;
};

/* SECCOMP_GET_ACTION_AVAIL: 0 when the action at uaction is one this
 * kernel takes, -EOPNOTSUPP when not. */
static int64_t action_avail(uint64_t uaction)
{
    uint32_t action;
    if (copy_from_user(&action, (const void *)uaction, sizeof(action)))
        return -EFAULT;
    switch (action) {
    case SECCOMP_RET_KILL_PROCESS:
    case SECCOMP_RET_KILL_THREAD:
    case SECCOMP_RET_TRAP:
    case SECCOMP_RET_ERRNO:
    case SECCOMP_RET_USER_NOTIF: /* taken: -ENOSYS, as with no listener */
    case SECCOMP_RET_TRACE:
    case SECCOMP_RET_LOG:
    case SECCOMP_RET_ALLOW:
        return 0;
    default:
        return -EOPNOTSUPP;
    }
}

static int64_t sys_seccomp(uint64_t op, uint64_t flags, uint64_t uargs, uint64_t a4, uint64_t a5,
                           uint64_t a6)
{
    ARG(a4);
    ARG(a5);
    ARG(a6);
    uint32_t fl = (uint32_t)flags; /* unsigned int in the ABI */
    switch ((uint32_t)op) {
    case SECCOMP_SET_MODE_STRICT:
        return fl || uargs ? -EINVAL : seccomp_set_strict();
    case SECCOMP_SET_MODE_FILTER:
        return seccomp_set_filter(fl, uargs);
    case SECCOMP_GET_ACTION_AVAIL:
        return fl ? -EINVAL : action_avail(uargs);
    case SECCOMP_GET_NOTIF_SIZES: {
        struct notif_sizes sz = {80, 24, sizeof(struct seccomp_data)};
        if (fl)
            return -EINVAL;
        return copy_to_user((void *)uargs, &sz, sizeof(sz)) ? -EFAULT : 0;
    }
    default:
        return -EINVAL;
    }
}

void sys_seccomp_register(void)
{
    syscall_register(SYS_seccomp, sys_seccomp);
}
