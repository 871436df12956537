/* Credential system calls: get/set of the real, effective, saved and
 * file-system user and group ids, and the supplementary groups
 * (credentials(7); the rules are in kernel/proc/cred.c). */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

static struct cred *cred(void)
{
    return &proc_current()->cred;
}

static int64_t sys_getuid(NOARGS)
{
    UNUSED;
    return cred()->uid[0];
}

static int64_t sys_geteuid(NOARGS)
{
    UNUSED;
    return cred()->uid[1];
}

static int64_t sys_getgid(NOARGS)
{
    UNUSED;
    return cred()->gid[0];
}

static int64_t sys_getegid(NOARGS)
{
    UNUSED;
    return cred()->gid[1];
}

/* getresuid/getresgid: the three ids, each to its own pointer. */
static int64_t put_res(const uint32_t ids[3], uint64_t r, uint64_t e, uint64_t s)
{
    if (copy_to_user((void *)r, &ids[0], 4) || copy_to_user((void *)e, &ids[1], 4) ||
        copy_to_user((void *)s, &ids[2], 4))
        return -EFAULT;
    return 0;
}

static int64_t sys_getresuid(uint64_t r, uint64_t e, uint64_t s, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return put_res(cred()->uid, r, e, s);
}

static int64_t sys_getresgid(uint64_t r, uint64_t e, uint64_t s, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return put_res(cred()->gid, r, e, s);
}

/* The call's result r, after clearing the calling thread's parent-death
 * signal if it changed an effective or file-system id (Linux's
 * commit_creds: the parent may no longer signal a changed process). */
static int64_t ids_done(const struct cred *old, int64_t r)
{
    const struct cred *c = cred();
    if (c->uid[1] != old->uid[1] || c->gid[1] != old->gid[1] || c->fsuid != old->fsuid ||
        c->fsgid != old->fsgid)
        lwp_current()->pdeathsig = 0;
    return r;
}

/* err from a set*uid call that changed c from old (0: done): on success
 * the capability sets follow the new uids. */
static int uid_done(struct cred *c, const struct cred *old, int err)
{
    if (!err)
        cred_uid_changed(c, old->uid, old->fsuid);
    return err;
}

/* setfsuid: the old fs uid; the capabilities follow a change. */
static uint32_t fsuid_change(struct cred *c, uint32_t id)
{
    uint32_t old[3] = {c->uid[0], c->uid[1], c->uid[2]};
    uint32_t r = cred_setfs(c->uid, &c->fsuid, cred_capable(CAP_SETUID), id);
    cred_uid_changed(c, old, r);
    return r;
}

static int64_t sys_setresuid(uint64_t r, uint64_t e, uint64_t s, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct cred *c = cred();
    struct cred old = *c;
    return ids_done(&old, uid_done(c, &old,
                                   cred_setres(c->uid, &c->fsuid, cred_capable(CAP_SETUID),
                                               (uint32_t)r, (uint32_t)e, (uint32_t)s)));
}

static int64_t sys_setresgid(uint64_t r, uint64_t e, uint64_t s, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct cred *c = cred();
    struct cred old = *c;
    return ids_done(&old, cred_setres(c->gid, &c->fsgid, cred_capable(CAP_SETGID), (uint32_t)r,
                                      (uint32_t)e, (uint32_t)s));
}

static int64_t sys_setreuid(uint64_t r, uint64_t e, uint64_t a2, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct cred *c = cred();
    struct cred old = *c;
    return ids_done(&old, uid_done(c, &old,
                                   cred_setre(c->uid, &c->fsuid, cred_capable(CAP_SETUID),
                                              (uint32_t)r, (uint32_t)e)));
}

static int64_t sys_setregid(uint64_t r, uint64_t e, uint64_t a2, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct cred *c = cred();
    struct cred old = *c;
    return ids_done(
        &old, cred_setre(c->gid, &c->fsgid, cred_capable(CAP_SETGID), (uint32_t)r, (uint32_t)e));
}

static int64_t sys_setuid(uint64_t id, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct cred *c = cred();
    struct cred old = *c;
    return ids_done(
        &old,
        uid_done(c, &old, cred_set(c->uid, &c->fsuid, cred_capable(CAP_SETUID), (uint32_t)id)));
}

static int64_t sys_setgid(uint64_t id, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct cred *c = cred();
    struct cred old = *c;
    return ids_done(&old, cred_set(c->gid, &c->fsgid, cred_capable(CAP_SETGID), (uint32_t)id));
}

static int64_t sys_setfsuid(uint64_t id, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct cred *c = cred();
    struct cred old = *c;
    return ids_done(&old, fsuid_change(c, (uint32_t)id));
}

static int64_t sys_setfsgid(uint64_t id, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct cred *c = cred();
    struct cred old = *c;
    return ids_done(&old, cred_setfs(c->gid, &c->fsgid, cred_capable(CAP_SETGID), (uint32_t)id));
}

/* getgroups: size 0 asks for the count; a smaller buffer is -EINVAL. */
static int64_t sys_getgroups(uint64_t size, uint64_t ulist, uint64_t a2, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct cred *c = cred();
    if ((int)size < 0)
        return -EINVAL;
    if (size == 0)
        return c->ngroups;
    if (size < c->ngroups)
        return -EINVAL;
    if (c->ngroups && copy_to_user((void *)ulist, c->groups, c->ngroups * sizeof(uint32_t)))
        return -EFAULT;
    return c->ngroups;
}

/* setgroups: privileged only; at most NGROUPS_MAX. */
static int64_t sys_setgroups(uint64_t size, uint64_t ulist, uint64_t a2, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct cred *c = cred();
    uint32_t *g = 0;
    if (size > NGROUPS_MAX)
        return -EINVAL;
    if (!cred_capable(CAP_SETGID))
        return -EPERM;
    if (size && !(g = kmalloc(size * sizeof(*g))))
        return -ENOMEM;
    if (size && copy_from_user(g, (void *)ulist, size * sizeof(*g))) {
        kfree(g);
        return -EFAULT;
    }
    kfree(c->groups);
    c->groups = g;
    c->ngroups = (uint32_t)size;
    return 0;
}

void sys_cred_register(void)
{
    syscall_register_leaf(SYS_getuid, sys_getuid);
    syscall_register_leaf(SYS_geteuid, sys_geteuid);
    syscall_register_leaf(SYS_getgid, sys_getgid);
    syscall_register_leaf(SYS_getegid, sys_getegid);
    syscall_register(SYS_getresuid, sys_getresuid);
    syscall_register(SYS_getresgid, sys_getresgid);
    syscall_register(SYS_setresuid, sys_setresuid);
    syscall_register(SYS_setresgid, sys_setresgid);
    syscall_register(SYS_setreuid, sys_setreuid);
    syscall_register(SYS_setregid, sys_setregid);
    syscall_register(SYS_setuid, sys_setuid);
    syscall_register(SYS_setgid, sys_setgid);
    syscall_register(SYS_setfsuid, sys_setfsuid);
    syscall_register(SYS_setfsgid, sys_setfsgid);
    syscall_register(SYS_getgroups, sys_getgroups);
    syscall_register(SYS_setgroups, sys_setgroups);
}
