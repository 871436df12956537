/* System V IPC (svipc(7)): shared memory segments, semaphore sets and
 * message queues, named by a key and an id, as Linux has them.
 *
 * Objects live until IPC_RMID (a shared memory segment until its last
 * detach after that), not with any process: a program that leaves one
 * behind leaves it to the next. The ids are Linux's (index + sequence *
 * 32768), the limits Linux 6.1's defaults, the structures Linux's x86-64
 * layouts. Permission checks use the mode bits against the caller's
 * effective ids, an effective uid of 0 passing them all (CAP_IPC_OWNER). */
#ifndef UNIPLEX_IPC_IPC_H
#define UNIPLEX_IPC_IPC_H

#include <stddef.h>
#include <stdint.h>

struct proc;

/* Register the system calls (shmget, shmat, shmdt, shmctl, semget, semop,
 * semtimedop, semctl, msgget, msgsnd, msgrcv, msgctl). Called from kmain
 * before syscall_init, which counts them. */
void ipc_init(void);

/* p's last thread is exiting (proc_end, p still current): its SEM_UNDO
 * adjustments are applied. Attached shared memory goes with the address
 * space, as on exec. */
void ipc_proc_exit(struct proc *p);
/* unshare(CLONE_SYSVSEM) by p's only thread: as Linux's exit_sem, its
 * SEM_UNDO adjustments are applied now and forgotten (an empty list from
 * then on). ipc_sem_undo_held: 1 when p has any SEM_UNDO record (Linux
 * makes a process's undo list at its first SEM_UNDO operation: kcmp's
 * KCMP_SYSVSEM compares those lists, absent ones as equal). */
void ipc_sem_detach(struct proc *p);
int ipc_sem_undo_held(const struct proc *p);

/* Live objects of all three kinds (the leak check). */
uint64_t ipc_count(void);

/* /proc/sysvipc/{shm,sem,msg} in Linux's format, and the limits
 * /proc/sys/kernel shows (procgen.h's gen_fn). */
int gen_sysvipc_shm(int id, char *buf, size_t n);
int gen_sysvipc_sem(int id, char *buf, size_t n);
int gen_sysvipc_msg(int id, char *buf, size_t n);
int gen_sys_shmmax(int id, char *buf, size_t n);
int gen_sys_shmall(int id, char *buf, size_t n);
int gen_sys_shmmni(int id, char *buf, size_t n);
int gen_sys_sem(int id, char *buf, size_t n);
int gen_sys_msgmax(int id, char *buf, size_t n);
int gen_sys_msgmnb(int id, char *buf, size_t n);
int gen_sys_msgmni(int id, char *buf, size_t n);

/* --- POSIX message queues (mq_overview(7); mqueue.c, mqmsg.c, mqnotify.c) ---
 *
 * Queues named in one flat namespace (a name as the system calls get it:
 * no leading slash), each behind descriptors as Linux's mqueue files are
 * (close, dup, fork, poll, a read gives the QSIZE line). Messages go by
 * priority, highest first, FIFO within one; a blocked receiver is handed
 * a message directly, a blocked sender has its message taken into the
 * queue by the receiver that makes room (Linux's pipelined send and
 * receive). Limits are Linux's defaults (/proc/sys/fs/mqueue, read-only
 * here), each creator's queues charged to its RLIMIT_MSGQUEUE. */
struct file;
struct ksigevent;

/* Priorities are below this (Linux's MQ_PRIO_MAX). */
#define MQ_PRIO_MAX 32768

/* Linux's struct mq_attr. */
struct mq_attr_k {
    int64_t flags, maxmsg, msgsize, curmsgs;
    int64_t reserved[4];
};
_Static_assert(sizeof(struct mq_attr_k) == 64, "Linux struct mq_attr");

/* mq_open's work for name (a kernel string): 0 and *out, a new file on
 * the queue with oflag's access mode and O_NONBLOCK; or -EACCES (a bad
 * name, the mode bits), -ENAMETOOLONG, -ENOENT, -EEXIST, -EINVAL (oflag's
 * access mode, attr), -EOVERFLOW, -EMFILE (RLIMIT_MSGQUEUE), -ENOSPC
 * (queues_max), -ENOMEM. attr NULL: the defaults. */
int mq_open_file(const char *name, int oflag, uint32_t mode, const struct mq_attr_k *attr,
                 struct file **out);
/* mq_unlink's work: 0, -EACCES, -ENAMETOOLONG, -ENOENT, -EPERM (the
 * sticky rule of Linux's mqueue root). */
int mq_unlink_name(const char *name);
/* Send len bytes at ubuf with prio on mq descriptor f, waiting until the
 * clock_ns() deadline (0: none) while the queue is full: 0, -EBADF (not
 * a queue, not open for writing), -EMSGSIZE, -EFAULT, -EAGAIN
 * (O_NONBLOCK), -ETIMEDOUT, -ERESTARTSYS (a signal), -ENOMEM. */
int mq_send(struct file *f, const void *ubuf, uint64_t len, uint32_t prio, uint64_t deadline);
/* Receive the first message into ubuf (len bytes of room) and its
 * priority at uprio (0: not wanted): its length, or -EBADF, -EMSGSIZE
 * (len below mq_msgsize), -EAGAIN, -ETIMEDOUT, -ERESTARTSYS, -EFAULT
 * (the message is lost, as on Linux). */
int64_t mq_receive(struct file *f, void *ubuf, uint64_t len, uint64_t uprio, uint64_t deadline);
/* Register (sev) or drop (NULL) the caller's notification on f's queue:
 * 0, -EBADF, -EINVAL, -EBUSY. */
int mq_notify_set(struct file *f, const struct ksigevent *sev);
/* mq_getsetattr's work: *old (when given) then new's O_NONBLOCK (when
 * given) on f: 0, -EBADF or -EINVAL. */
int mq_getsetattr_file(struct file *f, const struct mq_attr_k *new, struct mq_attr_k *old);
/* Process pid is exiting (ipc_proc_exit): its mq_notify registrations
 * that its descriptors' closing does not drop (a table shared by
 * CLONE_FILES lives on) stay, as Linux's, but will signal nobody: the pid
 * may be another process's by then. */
void mq_proc_exit(int32_t pid);
/* Queues in existence, named or open (the leak check). */
uint64_t mq_count(void);
/* /proc/sys/fs/mqueue/... */
int gen_sys_mq_msg_max(int id, char *buf, size_t n);
int gen_sys_mq_msgsize_max(int id, char *buf, size_t n);
int gen_sys_mq_queues_max(int id, char *buf, size_t n);
int gen_sys_mq_msg_default(int id, char *buf, size_t n);
int gen_sys_mq_msgsize_default(int id, char *buf, size_t n);

#endif
