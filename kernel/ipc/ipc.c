/* What the three kinds of System V IPC object share: keys, ids, owners,
 * permission checks (ipcobj.h), and the subsystem's set-up (ipc.h). */
#include <stdint.h>
#include "errno.h"
#include "kernel/ipc/ipc.h"
#include "kernel/ipc/ipcobj.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"

#define MODE_BITS 0777

int64_t ipc_now(void)
{
    return (int64_t)(clock_realtime_ns() / 1000000000ull);
}

int32_t ipc_pid(void)
{
    struct proc *p = proc_current();
    return p ? p->pid : 0;
}

struct ipc_obj *ipc_find(struct ipc_ids *ids, int64_t id)
{
    if (id < 0 || id > INT32_MAX)
        return 0;
    for (struct ipc_obj *o = ids->head; o; o = o->next)
        if (o->id == id)
            return o;
    return 0;
}

struct ipc_obj *ipc_at(struct ipc_ids *ids, int64_t idx)
{
    for (struct ipc_obj *o = ids->head; o; o = o->next)
        if (o->idx == idx)
            return o;
    return 0;
}

int ipc_max_idx(const struct ipc_ids *ids)
{
    uint32_t max = 0;
    for (const struct ipc_obj *o = ids->head; o; o = o->next)
        if (o->idx > max)
            max = o->idx;
    return (int)max;
}

static struct ipc_obj *find_key(struct ipc_ids *ids, int32_t key)
{
    for (struct ipc_obj *o = ids->head; o; o = o->next)
        if (o->key == key)
            return o;
    return 0;
}

/* The first free index at or after next_idx, cyclically (ids not full). */
static uint32_t free_idx(struct ipc_ids *ids)
{
    for (uint32_t i = 0;; i++) {
        uint32_t idx = (ids->next_idx + i) % ids->mni;
        if (!ipc_at(ids, idx))
            return idx;
    }
}

int ipc_add(struct ipc_ids *ids, struct ipc_obj *o, int32_t key, int flags)
{
    if (ids->in_use >= ids->mni)
        return -ENOSPC;
    struct proc *p = proc_current();
    uint32_t idx = free_idx(ids);
    if ((int32_t)idx <= ids->last_idx)
        ids->seq++; /* Linux's ipc_idr_alloc: the indices wrapped (past IPC_SEQ_MAX: 0) */
    ids->last_idx = (int32_t)idx;
    ids->next_idx = (idx + 1) % ids->mni;
    o->idx = idx;
    o->seq = ids->seq;
    o->id = (int32_t)(idx + (uint32_t)ids->seq * IPC_SEQ_MUL);
    o->key = key;
    o->uid = o->cuid = p ? p->cred.uid[1] : 0;
    o->gid = o->cgid = p ? p->cred.gid[1] : 0;
    o->mode = (uint32_t)flags & MODE_BITS;
    o->ctime = ipc_now();
    struct ipc_obj **at = &ids->head;
    while (*at)
        at = &(*at)->next;
    o->next = 0;
    *at = o;
    ids->in_use++;
    return 0;
}

void ipc_remove(struct ipc_ids *ids, struct ipc_obj *o)
{
    for (struct ipc_obj **at = &ids->head; *at; at = &(*at)->next)
        if (*at == o) {
            *at = o->next;
            ids->in_use--;
            return;
        }
}

/* Whether the caller is in group gid (effective or supplementary). */
static int in_group(const struct cred *c, uint32_t gid)
{
    if (c->gid[1] == gid)
        return 1;
    for (uint32_t i = 0; i < c->ngroups; i++)
        if (c->groups[i] == gid)
            return 1;
    return 0;
}

/* Linux's ipcperms: the owner's or creator's bits, else the group's,
 * else the others'. */
int ipc_access(const struct ipc_obj *o, unsigned want)
{
    struct proc *p = proc_current();
    if (!p || cred_capable(CAP_IPC_OWNER))
        return 0;
    const struct cred *c = &p->cred;
    unsigned granted = o->mode;
    if (c->uid[1] == o->cuid || c->uid[1] == o->uid)
        granted >>= 6;
    else if (in_group(c, o->cgid) || in_group(c, o->gid))
        granted >>= 3;
    want = (want >> 6 | want >> 3 | want) & 7;
    return (want & ~granted & 7) ? -EACCES : 0;
}

int ipc_stat_obj(struct ipc_ids *ids, int by_id, int64_t id, int any, struct ipc_obj **out)
{
    struct ipc_obj *o = by_id ? ipc_find(ids, id) : ipc_at(ids, id);
    if (!o)
        return -EINVAL;
    if (!any && ipc_access(o, 0444))
        return -EACCES;
    *out = o;
    return 0;
}

int ipc_change_obj(struct ipc_ids *ids, int64_t id, void *ds, size_t size, uint64_t uds,
                   struct ipc_obj **out)
{
    if (ds && copy_from_user(ds, (const void *)uds, size))
        return -EFAULT;
    struct ipc_obj *o = ipc_find(ids, id);
    if (!o)
        return -EINVAL;
    int err = ipc_owner(o);
    if (!err)
        *out = o;
    return err;
}

int ipc_owner(const struct ipc_obj *o)
{
    struct proc *p = proc_current();
    if (!p || cred_capable(CAP_SYS_ADMIN))
        return 0;
    uint32_t euid = p->cred.uid[1];
    return euid == o->uid || euid == o->cuid ? 0 : -EPERM;
}

void ipc_perm_out(const struct ipc_obj *o, struct ipc64_perm *out)
{
    *out = (struct ipc64_perm){.key = o->key,
                               .uid = o->uid,
                               .gid = o->gid,
                               .cuid = o->cuid,
                               .cgid = o->cgid,
                               .mode = o->mode,
                               .seq = o->seq};
}

void ipc_perm_set(struct ipc_obj *o, const struct ipc64_perm *in)
{
    o->uid = in->uid;
    o->gid = in->gid;
    o->mode = (o->mode & ~(uint32_t)MODE_BITS) | (in->mode & MODE_BITS);
    o->ctime = ipc_now();
}

int ipc_get(const struct ipc_kind *k, int32_t key, int flags, uint64_t arg)
{
    if (key == IPC_PRIVATE)
        return k->create(key, flags, arg);
    struct ipc_obj *o = find_key(k->ids, key);
    if (!o)
        return (flags & IPC_CREAT) ? k->create(key, flags, arg) : -ENOENT;
    if ((flags & IPC_CREAT) && (flags & IPC_EXCL))
        return -EEXIST;
    int err = k->check ? k->check(o, arg) : 0;
    if (!err)
        err = ipc_access(o, (unsigned)flags & MODE_BITS);
    return err ? err : o->id;
}

uint64_t ipc_count(void)
{
    return (uint64_t)shm_ids.in_use + sem_ids.in_use + msg_ids.in_use;
}

void ipc_proc_exit(struct proc *p)
{
    sem_exit(p->pid);
    mq_proc_exit(p->pid);
}

void ipc_sem_detach(struct proc *p)
{
    sem_exit(p->pid);
}

int ipc_sem_undo_held(const struct proc *p)
{
    return sem_undo_held(p->pid);
}

void ipc_init(void)
{
    shm_register();
    sem_register();
    msg_register();
}
