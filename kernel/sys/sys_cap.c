/* capget and capset (capget(2), kernel/capability.c): a process's
 * inheritable, permitted and effective capability sets (kernel/proc/cred.c
 * keeps them; privileged calls ask cred_capable). The header's version
 * says how the sets are passed: version 1 as one 32-bit word each,
 * versions 2 and 3 as two. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define CAP_V1 0x19980330u
#define CAP_V2 0x20071026u /* deprecated by Linux, still taken */
#define CAP_V3 0x20080522u

struct cap_header {
    uint32_t version;
    int32_t pid;
};

struct cap_data {
    uint32_t effective, permitted, inheritable;
};
_Static_assert(sizeof(struct cap_data) == 12, "Linux struct __user_cap_data_struct");

/* The header's version as the number of data words it passes (1 or 2).
 * An unknown version is written back as the one this kernel prefers (v3)
 * and is -EINVAL; -EFAULT when the header cannot be read or written. */
static int cap_words(uint64_t uhdr, unsigned *words)
{
    uint32_t v, preferred = CAP_V3;
    if (copy_from_user(&v, (void *)uhdr, sizeof(v)))
        return -EFAULT;
    if (v == CAP_V1 || v == CAP_V2 || v == CAP_V3) {
        *words = v == CAP_V1 ? 1 : 2;
        return 0;
    }
    return copy_to_user((void *)uhdr, &preferred, sizeof(preferred)) ? -EFAULT : -EINVAL;
}

static int64_t sys_capget(uint64_t uhdr, uint64_t udata, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    unsigned words;
    struct cap_header h;
    int err = cap_words(uhdr, &words);
    if (!udata) /* asking which version the kernel takes: answered above */
        return err == -EINVAL ? 0 : err;
    if (err)
        return err;
    if (copy_from_user(&h, (void *)uhdr, sizeof(h)))
        return -EFAULT;
    if (h.pid < 0)
        return -EINVAL;
    struct proc *p = h.pid ? proc_find(h.pid) : proc_current();
    if (!p)
        return -ESRCH;
    const struct cred *c = &p->cred;
    struct cap_data d[2];
    for (unsigned i = 0; i < 2; i++)
        d[i] = (struct cap_data){(uint32_t)(c->cap_eff >> 32 * i), (uint32_t)(c->cap_prm >> 32 * i),
                                 (uint32_t)(c->cap_inh >> 32 * i)};
    return copy_to_user((void *)udata, d, words * sizeof(d[0])) ? -EFAULT : 0;
}

/* Linux's cap_capset rules: the new inheritable set within the old
 * inheritable and permitted ones (unless CAP_SETPCAP is effective), the
 * new permitted set within the old one, the new effective set within the
 * new permitted one. */
static int cap_allowed(const struct cred *c, uint64_t eff, uint64_t prm, uint64_t inh)
{
    uint64_t inh_room = (c->cap_eff >> CAP_SETPCAP & 1) ? CAP_FULL_SET : c->cap_inh | c->cap_prm;
    if ((inh & ~inh_room) || (prm & ~c->cap_prm) || (eff & ~prm))
        return -EPERM;
    return 0;
}

/* capset: only the caller's own sets (pid 0 or its own; else -EPERM).
 * Bits past the last capability are dropped, as Linux drops them. */
static int64_t sys_capset(uint64_t uhdr, uint64_t udata, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    unsigned words;
    struct cap_header h;
    struct cap_data d[2] = {{0, 0, 0}, {0, 0, 0}};
    struct proc *p = proc_current();
    int err = cap_words(uhdr, &words);
    if (err)
        return err;
    if (copy_from_user(&h, (void *)uhdr, sizeof(h)))
        return -EFAULT;
    if (h.pid != 0 && h.pid != p->pid)
        return -EPERM;
    if (copy_from_user(d, (void *)udata, words * sizeof(d[0])))
        return -EFAULT;
    uint64_t eff = ((uint64_t)d[1].effective << 32 | d[0].effective) & CAP_FULL_SET;
    uint64_t prm = ((uint64_t)d[1].permitted << 32 | d[0].permitted) & CAP_FULL_SET;
    uint64_t inh = ((uint64_t)d[1].inheritable << 32 | d[0].inheritable) & CAP_FULL_SET;
    if ((err = cap_allowed(&p->cred, eff, prm, inh)))
        return err;
    p->cred.cap_eff = eff;
    p->cred.cap_prm = prm;
    p->cred.cap_inh = inh;
    return 0;
}

void sys_cap_register(void)
{
    syscall_register(SYS_capget, sys_capget);
    syscall_register(SYS_capset, sys_capset);
}
