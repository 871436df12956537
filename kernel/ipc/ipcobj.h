/* Inside kernel/ipc: what the three kinds share (ipc.c). Each kind keeps
 * its objects in a struct ipc_ids; an object starts with a struct ipc_obj
 * (key, id, owner and mode, change time). */
#ifndef UNIPLEX_IPC_IPCOBJ_H
#define UNIPLEX_IPC_IPCOBJ_H

#include <stdint.h>

#define IPC_PRIVATE 0
/* get's flags (the low 9 bits are the mode) */
#define IPC_CREAT  01000
#define IPC_EXCL   02000
#define IPC_NOWAIT 04000
/* ctl commands every kind has */
#define IPC_RMID 0
#define IPC_SET  1
#define IPC_STAT 2
#define IPC_INFO 3

/* Linux's ipc ids: index + sequence * IPC_SEQ_MUL, the index below the
 * kind's limit, the sequence moving on each time the indices wrap. */
#define IPC_SEQ_MUL 32768
#define IPC_SEQ_MAX 65535

/* Linux x86-64 struct ipc64_perm. */
struct ipc64_perm {
    int32_t key;
    uint32_t uid, gid, cuid, cgid, mode;
    uint16_t seq, pad2;
    uint64_t unused1, unused2;
};
_Static_assert(sizeof(struct ipc64_perm) == 48, "Linux x86-64 struct ipc64_perm");
_Static_assert(__builtin_offsetof(struct ipc64_perm, seq) == 24, "ipc64_perm.seq");

struct ipc_obj {
    struct ipc_obj *next; /* the kind's list, by creation */
    int32_t id, key;      /* key IPC_PRIVATE once removed while in use */
    uint32_t idx;
    uint16_t seq;
    uint32_t uid, gid, cuid, cgid;
    uint32_t mode; /* permission bits and the kind's state bits (SHM_DEST) */
    int64_t ctime; /* seconds: creation or last IPC_SET */
};

struct ipc_ids {
    struct ipc_obj *head;
    uint32_t in_use, mni; /* objects, and the most there may be */
    uint32_t next_idx;    /* where the cyclic search for a free index starts */
    int32_t last_idx;     /* the index given last (-1: none yet) */
    uint16_t seq;
};

/* How ipc_get makes and checks one kind's objects. */
struct ipc_kind {
    struct ipc_ids *ids;
    /* A new object for key with the mode bits of flags, added with
     * ipc_add: its id, or -errno (-EINVAL, -ENOSPC, -ENOMEM). */
    int (*create)(int32_t key, int flags, uint64_t arg);
    /* An existing object asked for with arg (shm size, nsems): 0 or
     * -EINVAL. May be NULL. */
    int (*check)(struct ipc_obj *o, uint64_t arg);
};

/* The get calls (shmget, semget, msgget) as Linux's ipcget: IPC_PRIVATE
 * always makes one; otherwise the key's object (-EEXIST with
 * IPC_CREAT|IPC_EXCL, the kind's check, -EACCES when the mode bits in
 * flags are not granted), or a new one with IPC_CREAT, else -ENOENT. */
int ipc_get(const struct ipc_kind *k, int32_t key, int flags, uint64_t arg);
/* Give o an index and id in ids and the caller's ids as owner and creator,
 * mode the low 9 bits of flags: 0, or -ENOSPC when ids is full. */
int ipc_add(struct ipc_ids *ids, struct ipc_obj *o, int32_t key, int flags);
/* Take o out of ids (its id and key find nothing any more). */
void ipc_remove(struct ipc_ids *ids, struct ipc_obj *o);
/* The object of id, or NULL (a negative id, a free index, an old
 * sequence). */
struct ipc_obj *ipc_find(struct ipc_ids *ids, int64_t id);
/* The object at index idx (the *_STAT commands), or NULL. */
struct ipc_obj *ipc_at(struct ipc_ids *ids, int64_t idx);
/* The highest index in use, 0 when none (the *_INFO commands' result). */
int ipc_max_idx(const struct ipc_ids *ids);
/* Whether the caller may use o for want (4 read, 2 write, as rwx bits):
 * 0 or -EACCES. */
int ipc_access(const struct ipc_obj *o, unsigned want);
/* IPC_SET and IPC_RMID: the caller is o's owner or creator or privileged:
 * 0 or -EPERM. */
int ipc_owner(const struct ipc_obj *o);
/* The object a ctl's stat command names (the *ctl calls' shared start):
 * by id for IPC_STAT (by_id), else by index (SHM_STAT, SEM_STAT,
 * MSG_STAT and their _ANY forms), needing read permission unless any.
 * 0 with *out, -EINVAL (none) or -EACCES. */
int ipc_stat_obj(struct ipc_ids *ids, int by_id, int64_t id, int any, struct ipc_obj **out);
/* The object IPC_SET, IPC_RMID and the like change: by id, owned by the
 * caller (ipc_owner). With ds, the caller's new settings (size bytes at
 * uds) are copied in first, as Linux reads them before the lookup.
 * 0 with *out, -EFAULT, -EINVAL or -EPERM. */
int ipc_change_obj(struct ipc_ids *ids, int64_t id, void *ds, size_t size, uint64_t uds,
                   struct ipc_obj **out);
/* o's permissions as the *_ds structures give them. */
void ipc_perm_out(const struct ipc_obj *o, struct ipc64_perm *out);
/* IPC_SET's part: owner and the permission bits from in; ctime now. */
void ipc_perm_set(struct ipc_obj *o, const struct ipc64_perm *in);
/* The realtime clock in seconds, and the caller's pid (0 for a kernel
 * thread). */
int64_t ipc_now(void);
int32_t ipc_pid(void);

/* The kinds' registrations and state (shm.c, sem.c, msg.c). */
void shm_register(void);
void sem_register(void);
void msg_register(void);
void sem_exit(int32_t pid);
/* 1 when process pid has a SEM_UNDO record on some set. */
int sem_undo_held(int32_t pid);
extern struct ipc_ids shm_ids, sem_ids, msg_ids;

#endif
