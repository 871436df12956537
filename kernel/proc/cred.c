/* Credentials (credentials(7)): a process's real, effective, saved and
 * file-system user and group ids and its supplementary groups, with
 * Linux's rules for changing them, and its capability sets: a call that
 * needs privilege asks for its capability (cred_capable), which root has
 * until it drops it (capset, or leaving uid 0). File permission checks do
 * not look at the ids yet: they are kept, inherited and reported. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/proc/proc.h"

int cred_copy(struct cred *dst, const struct cred *src)
{
    *dst = *src;
    dst->groups = 0;
    if (!src->ngroups)
        return 0;
    if (!(dst->groups = kmalloc(src->ngroups * sizeof(*dst->groups))))
        return -ENOMEM;
    memcpy(dst->groups, src->groups, src->ngroups * sizeof(*dst->groups));
    return 0;
}

void cred_free(struct cred *c)
{
    kfree(c->groups);
    c->groups = 0;
    c->ngroups = 0;
}

/* One of a process's three ids (real, effective, saved) or -1 (keep). */
static int one_of(uint32_t id, const uint32_t ids[3])
{
    return id == CRED_KEEP || id == ids[0] || id == ids[1] || id == ids[2];
}

/* setresuid/setresgid on ids = {real, effective, saved} and the fs id:
 * unprivileged, each new id must be one of the three; -1 keeps one. The fs
 * id follows the effective one. 0 or -EPERM. */
int cred_setres(uint32_t ids[3], uint32_t *fsid, int privileged, uint32_t r, uint32_t e, uint32_t s)
{
    uint32_t want[3] = {r, e, s};
    for (int i = 0; i < 3; i++)
        if (!privileged && !one_of(want[i], ids))
            return -EPERM;
    for (int i = 0; i < 3; i++)
        if (want[i] != CRED_KEEP)
            ids[i] = want[i];
    *fsid = ids[1];
    return 0;
}

/* setreuid/setregid: unprivileged, the real id may become the effective
 * one, the effective any of the three. The saved id becomes the new
 * effective one when the real id is set, or the effective one set to
 * other than the old real id. 0 or -EPERM. */
int cred_setre(uint32_t ids[3], uint32_t *fsid, int privileged, uint32_t r, uint32_t e)
{
    uint32_t real_ok[3] = {ids[0], ids[1], ids[1]};
    if (!privileged && (!one_of(r, real_ok) || !one_of(e, ids)))
        return -EPERM;
    uint32_t old_real = ids[0];
    if (r != CRED_KEEP)
        ids[0] = r;
    if (e != CRED_KEEP)
        ids[1] = e;
    if (r != CRED_KEEP || (e != CRED_KEEP && e != old_real))
        ids[2] = ids[1];
    *fsid = ids[1];
    return 0;
}

/* setuid/setgid: privileged, all three (and the fs id); otherwise only
 * the effective one, to the real or saved id. 0, -EINVAL (-1) or -EPERM. */
int cred_set(uint32_t ids[3], uint32_t *fsid, int privileged, uint32_t id)
{
    if (id == CRED_KEEP)
        return -EINVAL;
    if (privileged)
        ids[0] = ids[2] = id;
    else if (id != ids[0] && id != ids[2])
        return -EPERM;
    ids[1] = *fsid = id;
    return 0;
}

/* setfsuid/setfsgid: the old fs id, always; the new one is taken when
 * privileged or one of the real, effective, saved or current fs ids. */
uint32_t cred_setfs(const uint32_t ids[3], uint32_t *fsid, int privileged, uint32_t id)
{
    uint32_t old = *fsid;
    if (id != CRED_KEEP && (privileged || one_of(id, ids) || id == old))
        *fsid = id;
    return old;
}

int cred_capable(unsigned cap)
{
    struct proc *p = proc_current();
    return !p || (cap <= CAP_LAST_CAP && (p->cred.cap_eff >> cap & 1));
}

/* 1 when every id of ids ({real, effective, saved}) is id. */
static int ids_all(const uint32_t ids[3], uint32_t id)
{
    return ids[0] == id && ids[1] == id && ids[2] == id;
}

int cred_may_access(const struct proc *target)
{
    const struct proc *self = proc_current();
    if (!self || self == target)
        return 1;
    const struct cred *c = &self->cred, *t = &target->cred;
    if (ids_all(t->uid, c->uid[0]) && ids_all(t->gid, c->gid[0]) && !target->nodump)
        return 1;
    return cred_capable(CAP_SYS_PTRACE);
}

void cred_init_root(struct cred *c)
{
    c->cap_prm = c->cap_eff = CAP_FULL_SET;
    c->cap_inh = 0;
}

/* The capabilities of file-system work, which the fs uid moves. */
#define CAP_FS_MASK                                                                                \
    (1ull << CAP_CHOWN | 1ull << CAP_DAC_OVERRIDE | 1ull << CAP_DAC_READ_SEARCH |                  \
     1ull << CAP_FOWNER | 1ull << CAP_FSETID | 1ull << CAP_LINUX_IMMUTABLE |                       \
     1ull << CAP_MAC_OVERRIDE)

void cred_uid_changed(struct cred *c, const uint32_t old[3], uint32_t old_fsuid)
{
    int was_root = old[0] == 0 || old[1] == 0 || old[2] == 0;
    int now_root = c->uid[0] == 0 || c->uid[1] == 0 || c->uid[2] == 0;
    if (was_root && !now_root)
        c->cap_prm = c->cap_eff = 0;
    if (old[1] == 0 && c->uid[1] != 0)
        c->cap_eff = 0;
    if (old[1] != 0 && c->uid[1] == 0)
        c->cap_eff = c->cap_prm;
    if (old_fsuid == 0 && c->fsuid != 0)
        c->cap_eff &= ~CAP_FS_MASK;
    if (old_fsuid != 0 && c->fsuid == 0)
        c->cap_eff |= c->cap_prm & CAP_FS_MASK;
}

void cred_exec(struct cred *c, int no_new_privs)
{
    uint64_t old = c->cap_prm;
    if (c->uid[0] == 0 || c->uid[1] == 0) {
        c->cap_prm = CAP_FULL_SET;
        c->cap_eff = c->uid[1] == 0 ? CAP_FULL_SET : 0;
    } else {
        c->cap_prm = c->cap_eff = 0;
    }
    if (no_new_privs) {
        c->cap_prm &= old;
        c->cap_eff &= old;
    }
}
