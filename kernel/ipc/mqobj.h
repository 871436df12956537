/* Inside kernel/ipc: POSIX message queues (mq_overview(7)), shared by
 * mqueue.c (names, queues, their descriptors), mqmsg.c (sending and
 * receiving) and mqnotify.c (mq_notify). The system calls are
 * kernel/sys/sys_mqueue.c, through ipc.h.
 *
 * A queue is the private object of a vnode of no file system (S_IFREG,
 * the creator's fs ids, the mode less the umask): each mq_open makes a
 * file on it, and the vnode's release frees the queue. The name holds a
 * reference on the vnode until mq_unlink. */
#ifndef UNIPLEX_IPC_MQOBJ_H
#define UNIPLEX_IPC_MQOBJ_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/fs/vfs.h"
#include "kernel/ipc/ipc.h"
#include "kernel/sched/sched.h"

/* Linux's limits (include/linux/ipc_namespace.h, mqueue.h). */
#define MQ_NAME_MAX        255   /* NAME_MAX */
#define MQ_MSG_MAX         10    /* /proc/sys/fs/mqueue/msg_max */
#define MQ_MSGSIZE_MAX     8192  /* msgsize_max */
#define MQ_QUEUES_MAX      256   /* queues_max */
#define MQ_MSG_DEFAULT     10    /* msg_default */
#define MQ_MSGSIZE_DEFAULT 8192  /* msgsize_default */
#define MQ_HARD_MSGMAX     65536 /* the privileged caller's ceilings */
#define MQ_HARD_MSGSIZEMAX (16 << 20)
#define MQ_FILE_SIZE       80 /* st_size of a queue, Linux's FILENT_SIZE */

struct mq_msg {
    struct mq_msg *next;
    uint32_t prio;
    uint64_t len;
    uint8_t data[];
};

/* A blocked sender or receiver (on its stack). A sender's msg is its
 * message; a receiver's is the one handed to it. done: the other side has
 * completed the call for it (the message taken into the queue, or given
 * to the receiver), so it returns 0 whatever woke it. */
struct mq_waiter {
    struct mq_waiter *next;
    struct waitq wq;
    struct mq_msg *msg;
    int done;
};

/* Linux's NOTIFY_COOKIE_LEN: SIGEV_THREAD's cookie, whose last byte the
 * kernel sets to what happened. */
#define MQ_COOKIE_LEN     32
#define MQ_NOTIFY_WOKENUP 1
#define MQ_NOTIFY_REMOVED 2

struct mq_notify_reg {
    int32_t pid;       /* the registered process, 0: none */
    int gone;          /* that process exited without closing (a shared table) */
    int32_t notify;    /* SIGEV_SIGNAL, SIGEV_NONE or SIGEV_THREAD */
    int32_t signo;     /* SIGEV_SIGNAL's signal, 0: none sent */
    uint64_t value;    /* sigev_value */
    struct file *sock; /* SIGEV_THREAD: the netlink socket (a reference) */
    uint8_t cookie[MQ_COOKIE_LEN];
};

struct mqueue {
    struct mqueue *next; /* the namespace, while named */
    struct mqueue *all;  /* every queue alive */
    char *name;          /* NULL once unlinked */
    struct vnode *vn;
    int64_t maxmsg, msgsize, curmsgs;
    uint64_t qsize;                        /* bytes of the messages queued */
    struct mq_msg *head, *last;            /* by priority, highest first, FIFO within */
    struct mq_waiter *senders, *receivers; /* FIFO */
    struct pollq pq;
    struct mq_notify_reg reg;
    uint32_t uid;     /* whose RLIMIT_MSGQUEUE is charged (the creator's real uid) */
    uint64_t charged; /* bytes charged to it */
};

/* The queue behind f, or NULL when f is no message queue descriptor (or
 * NULL itself). */
struct mqueue *mq_of_file(struct file *f);
/* mqnotify.c: a message was queued on q, no receiver waiting for it:
 * the registration fires if the queue was empty. */
void mq_notify_fire(struct mqueue *q);
/* mqnotify.c: drop q's registration, if any (SIGEV_THREAD's socket is
 * told NOTIFY_REMOVED). */
void mq_notify_clear(struct mqueue *q);
/* mqnotify.c: process owner closes a descriptor of q (Linux's flush). */
void mq_notify_flush(struct mqueue *q, int32_t owner);
/* mqnotify.c: process pid is exiting: a registration of its that is left
 * (its descriptor table lives on in another process) sends no signal. */
void mq_notify_exit(struct mqueue *q, int32_t pid);
/* mqmsg.c: free every message of q (the queue is going). */
void mq_msgs_free(struct mqueue *q);

#endif
