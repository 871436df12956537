/* Shared by the system-call files of kernel/sys: each registers its calls
 * with syscall_register() from the function named here (called by
 * syscall_init), and takes program arguments as the raw 64-bit registers. */
#ifndef UNIPLEX_SYS_SYS_H
#define UNIPLEX_SYS_SYS_H

#include <stdint.h>
#include "kernel/fs/vfs.h"
#include "kernel/mm/page.h"
#include "kernel/proc/proc.h"
/* SYS_<name>: the system-call numbers, generated from the kernel UAPI
 * header at build time (Makefile, tools/mksysnames.sh). */
#include "sysnr.h"

/* Marks a handler argument the call does not use (every handler takes
 * six, kernel/sys/syscall.h). */
#define ARG(x) (void)(x)
/* The parameter list of a call that takes no argument, and its use. */
#define NOARGS uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5
#define UNUSED ARG(a0), ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5)

#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_EACCESS          0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_EMPTY_PATH       0x1000

void sys_file_register(void);
void sys_rw_register(void); /* sys_rw.c: pread64, pwrite64, readv, writev, preadv... */
void sys_path_register(void);
void sys_name_register(void);
void sys_mm_register(void);
void sys_proc_register(void);
void sys_prctl_register(void);
void sys_time_register(void);
void sys_process_register(void);
void sys_signal_register(void);
void sys_timer_register(void); /* sys_timer.c: POSIX timers */
void sys_poll_register(void);
void sys_mount_register(void);
void sys_statx_register(void);
void sys_sched_register(void);
void sys_uts_register(void);
void sys_system_register(void);
void sys_futex_register(void);
void sys_cred_register(void);
void sys_attr_register(void);
void sys_fdobj_register(void);
void sys_epoll_register(void);
void sys_socket_register(void); /* sys_socket.c: the socket calls (kernel/net) */
void sys_cap_register(void);    /* sys_cap.c: capget, capset */
void sys_handle_register(void); /* sys_handle.c: name_to_handle_at, open_by_handle_at */
void sys_numa_register(void);   /* sys_numa.c: memory policies on one node, move_pages */
void sys_mlock_register(void);  /* sys_mlock.c: mlock and its family, mincore */
void sys_syslog_register(void); /* sys_syslog.c: syslog (the kernel log) */
void sys_xattr_register(void);  /* sys_xattr.c: the xattr family (none kept: EOPNOTSUPP) */
void sys_prio_register(void);   /* sys_prio.c: getpriority, setpriority, getcpu */
void sys_pidfd_register(void);  /* sys_pidfd.c: pidfd_open, pidfd_send_signal, pidfd_getfd */
void sys_mqueue_register(void); /* sys_mqueue.c: POSIX message queues (kernel/ipc) */

/* Other processes and the execution context (docs/ARCHITECTURE.md,
 * "Inspecting other processes"): sys_ioprio.c ioprio_get and ioprio_set,
 * sys_kcmp.c kcmp, sys_pvm.c process_vm_readv and process_vm_writev,
 * sys_unshare.c unshare. */
void sys_ioprio_register(void);
void sys_kcmp_register(void);
void sys_pvm_register(void);
void sys_unshare_register(void);

/* getpriority's and ioprio_get's selection (sys_prio.c): call fn(l, arg)
 * for each live thread that which (0 PRIO_PROCESS: the thread whose tid is
 * who; 1 PRIO_PGRP: every thread of process group who; 2 PRIO_USER: every
 * thread of the processes whose real uid is who; who 0: the caller's)
 * names. How many there were. */
int prio_each(int which, int who, void (*fn)(struct lwp *, void *), void *arg);
void sys_settime_register(void); /* sys_settime.c: clock_settime, settimeofday, gettimeofday */
void sys_adjtime_register(void); /* sys_adjtime.c: adjtimex, clock_adjtime */
void sys_seccomp_register(void); /* sys_seccomp.c: seccomp */

/* Set CLOCK_REALTIME to ns, the privilege already checked (sys_settime.c:
 * clock_settime, settimeofday, adjtimex's ADJ_SETOFFSET): 0, or -EINVAL
 * for a time before boot. Realtime timers and sleeps follow, timerfds
 * armed with TFD_TIMER_CANCEL_ON_SET are cancelled, and the NTP state is
 * cleared (adjtime_clear), as Linux's clock_was_set and ntp_clear. */
int settime_step(uint64_t ns);
/* The NTP state back to unsynchronised, as after a clock step (sys_adjtime.c). */
void adjtime_clear(void);

/* Fault [at, at + len) in as access would (sys_mm.c: MAP_POPULATE, mlock):
 * a large range lets interrupts in between chunks and stops early for a
 * pending signal; failures are not reported, the pages then come on first
 * touch. mm_fill_access: the access that fills a region of prot (a
 * private writable one is written, so its file pages are copied now). */
void mm_fill(struct proc *p, uint64_t at, uint64_t len, uint32_t access);
uint32_t mm_fill_access(uint32_t prot, int shared);
/* mprotect (pkey -1) and pkey_mprotect in Linux's order of checks: the
 * address's alignment, prot and the length (-EINVAL), an empty range (0),
 * then the key (-EINVAL: none is ever allocated, sys_pkey.c), the range
 * (-ENOMEM outside the program's window or where unmapped). */
int64_t mm_protect(uint64_t addr, uint64_t len, uint64_t prot, int pkey);
void sys_pkey_register(void);   /* sys_pkey.c: pkey_alloc, pkey_free, pkey_mprotect */
void sys_fsinfo_register(void); /* sys_fsinfo.c: sysfs, ustat */
/* Whether p may lock len more bytes (sys_mlock.c): it has CAP_IPC_LOCK, or
 * its locked bytes stay within RLIMIT_MEMLOCK. */
int mm_lock_room(struct proc *p, uint64_t len);

/* Copy a path from the program into a new kernel buffer of PATH_MAX bytes
 * (the caller kfrees *out): 0, -EFAULT, -ENAMETOOLONG, -ENOMEM. An empty
 * path is -ENOENT unless allow_empty. */
int user_path(uint64_t upath, int allow_empty, char **out);
/* A program string of fewer than n bytes into a new buffer (the caller
 * frees it): 0 and *out, or -EFAULT, -ENAMETOOLONG (no NUL within n),
 * -ENOMEM. user_path is one of PATH_MAX ("" is -ENOENT unless allowed). */
int user_string(uint64_t ustr, size_t n, char **out);
/* Open the file vn (found by other means than a path: open_by_handle_at)
 * with open(2)'s flags, checked as openat checks them (O_CREAT with
 * O_EXCL: -EEXIST; O_TMPFILE: -EINVAL): the new descriptor or -errno. */
int open_vnode(struct vnode *vn, uint64_t flags);
/* The directory paths relative to dirfd start from: the cwd for AT_FDCWD,
 * else the directory open at dirfd. 0 and *out, -EBADF, -ENOTDIR. */
int at_dir(struct proc *p, int64_t dirfd, struct vnode **out);
/* Resolve (dirfd, upath) to a vnode (walk_flags: WALK_FOLLOW or 0): 0 and
 * *out (not referenced: valid until the caller blocks), or -errno. flags
 * AT_EMPTY_PATH lets "" name dirfd's own file (which need not be a
 * directory), or the cwd for AT_FDCWD. */
int at_walk(int64_t dirfd, uint64_t upath, int flags, int walk_flags, struct vnode **out);
/* at_walk as the stat family walks: following a last symlink unless flags
 * has AT_SYMLINK_NOFOLLOW (the caller checked the flags). */
int at_walk_stat(int64_t dirfd, uint64_t upath, uint64_t flags, struct vnode **out);
/* The directory that (dirfd, upath) names an entry of, and that entry's
 * name (NAME_MAX + 1 bytes at name, length *len): 0 or -errno. */
int at_parent(int64_t dirfd, uint64_t upath, struct vnode **dir, char *name, size_t *len);
/* at_parent for a new name (Linux's filename_create, as mkdir, mknod,
 * symlink and link use it): -EEXIST when the name exists or is "/", "."
 * or ".."; -ENOENT when the directory is removed or sealed, or when the
 * path ends in a slash and is_dir is 0 (only a new directory may). */
int at_create(int64_t dirfd, uint64_t upath, int is_dir, struct vnode **dir, char *name,
              size_t *len);
/* 1 when the name is "." or "..". */
int is_dot(const char *name, size_t len);
/* A struct timespec from the program as nanoseconds (huge values are
 * capped): 0, -EFAULT, or -EINVAL for a negative or unnormalised one. */
int user_timespec(uint64_t uts, uint64_t *ns);
/* A struct itimerspec (the interval, then the value) from the program as
 * nanoseconds: 0, -EFAULT, or -EINVAL as user_timespec; and one written
 * back: 0 or -EFAULT. timer_settime/gettime and timerfd's share them. */
int user_itimerspec(uint64_t uval, uint64_t *value, uint64_t *interval);
int put_itimerspec(uint64_t uval, uint64_t value, uint64_t interval);
/* A relative timeout in ns as a clock_ns() deadline; 0 ns is 1 (already
 * past), since 0 means no deadline. */
uint64_t timeout_deadline(uint64_t ns);
/* A struct timespec timeout from the program (uts 0: none) as a deadline:
 * 0 and *deadline (0 for none), or user_timespec's error. */
int user_timeout(uint64_t uts, uint64_t *deadline);

/* --- files: locks and data moved in the kernel (issue 16) ------------------- */
void sys_lock_register(void);
void sys_splice_register(void);
void sys_falloc_register(void);
void sys_vmsplice_register(void);
/* The flags of splice, tee and vmsplice (Linux's SPLICE_F_ALL: any other
 * is -EINVAL). MOVE and MORE are hints; GIFT is vmsplice's (splice takes
 * and ignores it, as Linux): the pages are copied, as Linux may. */
#define SPLICE_F_MOVE     1
#define SPLICE_F_NONBLOCK 2
#define SPLICE_F_MORE     4
#define SPLICE_F_GIFT     8
#define SPLICE_F_ALL      (SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)
void sys_fadvise_register(void); /* sys_fadvise.c: fadvise64, readahead, sync_file_range */
void sys_inotify_register(void);
/* The most one read or write moves (Linux's MAX_RW_COUNT, INT_MAX rounded
 * down to a page): a larger count is cut to it, which also bounds how long
 * one call keeps the kernel busy. */
#define RW_MAX page_round_down(0x7fffffffull)
/* The most elements a vector of program buffers may have (Linux's
 * UIO_MAXIOV): readv, writev and their kin, vmsplice, process_vm_*. */
#define IOV_MAX 1024
/* A struct iovec as the program lays it out. */
struct iovec_k {
    uint64_t base, len;
};
/* An AIO read or write of f (sys_aio.c), as Linux's aio_read/aio_write:
 * buf and n a buffer, or (vec) an iovec array of n elements; at off,
 * which a file without a position (a pipe, a socket) ignores; RWF_*
 * flags as preadv2's. The submission's checks first: -EBADF for the
 * access mode, -EINVAL for a negative off or more than IOV_MAX elements,
 * -EOPNOTSUPP for flags, -EFAULT for a buffer outside the program's
 * window or an unreadable vector. Then 0 with the transfer's result in
 * *res (bytes or -errno: a bad buffer inside the window is a result).
 * The transfer is done now, waiting as a read or write would. */
int rw_aio(struct file *f, uint64_t buf, uint64_t n, int64_t off, uint32_t flags, int write,
           int vec, int64_t *res);
/* fsync (datasync: fdatasync) of f, as sys_file.c answers it: 0, or
 * -EINVAL for what has no fsync on Linux (pipes, sockets, devices). */
int fsync_file(struct file *f, int datasync);
void sys_aio_register(void);
/* An I/O priority as ioprio_set and AIO's IOCB_FLAG_IOPRIO check it
 * (sys_ioprio.c, Linux's ioprio_check_cap): 0, -EINVAL, -EPERM. */
int ioprio_check(int64_t ioprio); /* sys_aio.c: io_setup and its calls */
/* fcntl's record-lock commands (sys_lock.c) on f, open at fd in p: F_GETLK,
 * F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW with the struct
 * flock at uarg; any other command is -EINVAL. */
int64_t fcntl_lock(struct proc *p, int fd, struct file *f, uint64_t cmd, uint64_t uarg);

#endif
