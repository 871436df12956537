/* kcmp(2): whether two threads share a kernel resource, and an order
 * between them when they do not (so that a checkpointing program can sort
 * and find shared ones), as Linux answers it: 0 equal, 1 when the first's
 * is below the second's, 2 above, in an order of the kernel objects'
 * addresses scrambled by a random key per type made at boot (Linux's
 * kptr_obfuscate), so it says nothing about where they lie.
 *
 * What each type compares here, where processes own what Linux's tasks
 * may share: KCMP_FILE the open file descriptions, KCMP_VM the address
 * spaces (shared by vfork and CLONE_VM), KCMP_FILES the descriptor tables
 * (shared by CLONE_FILES), KCMP_FS and KCMP_SIGHAND the process (its
 * cwd/root/umask, its signal actions, which its threads share and no
 * other process can),
 * KCMP_IO the thread once it has an I/O context (struct lwp's ioctx; no
 * CLONE_IO, so each is its own),
 * KCMP_SYSVSEM the process's SEM_UNDO list, absent until its first
 * SEM_UNDO operation as on Linux (two absent ones are equal), and
 * KCMP_EPOLL_TFD a file against one an epoll instance watches. A zombie
 * has given back its address space, descriptors, file-system context and
 * I/O context (absent: equal to each other), not its signal actions. */
#include <stdint.h>
#include "errno.h"
#include "kernel/ipc/ipc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/random.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

enum kcmp_type {
    KCMP_FILE,
    KCMP_VM,
    KCMP_FILES,
    KCMP_FS,
    KCMP_SIGHAND,
    KCMP_IO,
    KCMP_SYSVSEM,
    KCMP_EPOLL_TFD,
    KCMP_TYPES,
};

/* KCMP_EPOLL_TFD's idx2 points at this (<linux/kcmp.h>). */
struct kcmp_epoll_slot {
    uint32_t efd, tfd, toff;
};
_Static_assert(sizeof(struct kcmp_epoll_slot) == 12, "struct kcmp_epoll_slot is Linux's");

/* A task kcmp names: its process, and its thread unless a zombie's. */
struct kcmp_task {
    struct proc *p;
    struct lwp *l;
};

static uint64_t cookies[KCMP_TYPES][2];

/* A thread by tid, or a zombie process by pid: 0 or -ESRCH. */
static int kcmp_find(int id, struct kcmp_task *t)
{
    t->l = id > 0 ? lwp_find(id) : 0;
    t->p = t->l ? t->l->proc : id > 0 ? proc_find(id) : 0;
    return t->p && t->p->state != P_EMBRYO ? 0 : -ESRCH;
}

/* Linux's kcmp_ptr: the keyed order of two objects (NULL: absent). */
static int kcmp_ptr(const void *a, const void *b, enum kcmp_type type)
{
    if (!cookies[type][1]) {
        for (int i = 0; i < KCMP_TYPES; i++) {
            cookies[i][0] = random_u64();
            cookies[i][1] = random_u64() | 1ull << 63 | 1; /* odd: a bijection */
        }
    }
    int64_t t1 = (int64_t)(((uintptr_t)a ^ cookies[type][0]) * cookies[type][1]);
    int64_t t2 = (int64_t)(((uintptr_t)b ^ cookies[type][0]) * cookies[type][1]);
    return (t1 < t2) | ((t1 > t2) << 1);
}

/* The object of type (not KCMP_FILE or KCMP_EPOLL_TFD) t holds. */
static const void *kcmp_object(const struct kcmp_task *t, enum kcmp_type type)
{
    int live = t->p->state == P_ALIVE;
    switch (type) {
    case KCMP_VM:
        return t->p->vm;
    case KCMP_FILES:
        return live ? t->p->fds : 0;
    case KCMP_FS:
        return live ? &t->p->cwd : 0;
    case KCMP_SIGHAND:
        return t->p->sigact;
    case KCMP_IO:
        return live && t->l && t->l->ioctx ? t->l : 0;
    default: /* KCMP_SYSVSEM */
        return live && ipc_sem_undo_held(t->p) ? t->p : 0;
    }
}

/* KCMP_EPOLL_TFD: the file at idx1 of t1 against the one epoll instance
 * slot.efd of t2 watches as the slot.toff-th item of descriptor slot.tfd.
 * -EBADF (idx1, efd), -EFAULT (the slot), -EINVAL (efd is no epoll
 * instance), -ENOENT (no such item), in Linux's order. */
static int kcmp_epoll(const struct kcmp_task *t1, const struct kcmp_task *t2, int idx1,
                      uint64_t uslot)
{
    struct kcmp_epoll_slot slot;
    struct file *f1 = fd_get(t1->p, idx1), *ep, *tf;
    if (!f1)
        return -EBADF;
    if (copy_from_user(&slot, (void *)uslot, sizeof(slot)))
        return -EFAULT;
    if (!(ep = fd_get(t2->p, (int)slot.efd)))
        return -EBADF;
    int err = epoll_target(ep, (int)slot.tfd, slot.toff, &tf);
    return err ? err : kcmp_ptr(f1, tf, KCMP_FILE);
}

/* Linux's order: the tasks (-ESRCH), the right to read both (-EPERM,
 * cred_may_access), then the type (-EINVAL) and its descriptors (-EBADF). */
static int64_t sys_kcmp(uint64_t pid1, uint64_t pid2, uint64_t type, uint64_t idx1, uint64_t idx2,
                        uint64_t a5)
{
    ARG(a5);
    struct kcmp_task t1, t2;
    if (kcmp_find((int)pid1, &t1) || kcmp_find((int)pid2, &t2))
        return -ESRCH;
    if (!cred_may_access(t1.p) || !cred_may_access(t2.p))
        return -EPERM;
    switch ((int)type) {
    case KCMP_FILE: {
        struct file *f1 = fd_get(t1.p, (int)idx1), *f2 = fd_get(t2.p, (int)idx2);
        return f1 && f2 ? kcmp_ptr(f1, f2, KCMP_FILE) : -EBADF;
    }
    case KCMP_EPOLL_TFD:
        return kcmp_epoll(&t1, &t2, (int)idx1, idx2);
    case KCMP_VM:
    case KCMP_FILES:
    case KCMP_FS:
    case KCMP_SIGHAND:
    case KCMP_IO:
    case KCMP_SYSVSEM:
        return kcmp_ptr(kcmp_object(&t1, (enum kcmp_type)type),
                        kcmp_object(&t2, (enum kcmp_type)type), (enum kcmp_type)type);
    default:
        return -EINVAL;
    }
}

void sys_kcmp_register(void)
{
    syscall_register(SYS_kcmp, sys_kcmp);
}
