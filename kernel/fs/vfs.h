/* The file system: one tree of vnodes (a tmpfs root filled from the initrd,
 * with /dev and /tmp), open file descriptions, and path walking.
 *
 * Concurrency: one CPU and kernel code is never preempted, so a path walk
 * or a directory change runs to completion without locks. Only device
 * reads block; they hold a reference on their file while they do.
 *
 * Lifetime: a vnode lives while it has a name (nlink > 0) or a reference
 * (refs: open files, a cwd, a caller between vn_ref and vn_unref). */
#ifndef UNIPLEX_FS_VFS_H
#define UNIPLEX_FS_VFS_H

#include <stddef.h>
#include <stdint.h>

#define PATH_MAX    4096 /* bytes with the NUL, as Linux */
#define NAME_MAX    255
#define SYMLOOP_MAX 40 /* Linux MAXSYMLINKS */

#define S_IFMT      0170000
#define S_IFDIR     0040000
#define S_IFCHR     0020000
#define S_IFREG     0100000
#define S_IFLNK     0120000
#define S_IFIFO     0010000
#define S_IFBLK     0060000
#define S_IFSOCK    0140000
#define S_ISDIR(m)  (((m)&S_IFMT) == S_IFDIR)
#define S_ISREG(m)  (((m)&S_IFMT) == S_IFREG)
#define S_ISLNK(m)  (((m)&S_IFMT) == S_IFLNK)
#define S_ISCHR(m)  (((m)&S_IFMT) == S_IFCHR)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)
#define S_ISUID     04000
#define S_ISGID     02000
#define S_IXGRP     00010

/* open(2) flags, Linux x86-64 values. */
#define O_ACCMODE   03
#define O_RDONLY    00
#define O_WRONLY    01
#define O_RDWR      02
#define O_CREAT     0100
#define O_EXCL      0200
#define O_NOCTTY    0400
#define O_TRUNC     01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_DSYNC     010000
#define O_ASYNC     020000 /* FASYNC */
#define O_DIRECT    040000
#define O_LARGEFILE 0100000 /* always set on x86-64 (force_o_largefile) */
#define O_DIRECTORY 0200000
#define O_NOFOLLOW  0400000
#define O_NOATIME   01000000
#define O_CLOEXEC   02000000
#define O_SYNC      04010000 /* with O_DSYNC's bit */
#define O_PATH      010000000
#define O_TMPFILE   020200000 /* with O_DIRECTORY's bit */

struct vnode;
struct file;
struct pcache;

/* Operations of a character device or any non-tmpfs object. Buffers are
 * program pointers (copy with uaccess). Each returns a count or -errno. */
struct vnode_ops {
    long (*read)(struct file *f, void *ubuf, size_t n);
    long (*write)(struct file *f, const void *ubuf, size_t n);
    long (*ioctl)(struct file *f, unsigned long cmd, uint64_t arg);
    int (*poll)(struct file *f); /* POLL* bits ready now (NULL: always IN|OUT) */
    /* Symlinks whose target is computed (/proc/self): it, in buf (n bytes). */
    const char *(*readlink)(const struct vnode *vn, char *buf, size_t n);
    /* f is being opened (not O_PATH): 0, or -errno and f is given back
     * without close. May block (a FIFO waits for its other end). */
    int (*open)(struct file *f);
    void (*close)(struct file *f);     /* the last reference to f is going */
    void (*release)(struct vnode *vn); /* vn is being freed: free vn->priv */
    int seekable;                      /* VN_SEEK_*: what lseek, pread and pwrite do */
};

/* vnode_ops.seekable: pipes and the console have no position (lseek,
 * pread and pwrite are -ESPIPE); devices like /dev/null take any position
 * and ignore it; generated files (/proc) have one, as Linux's seq_file:
 * SEEK_SET and SEEK_CUR move it (SEEK_END is -EINVAL), a read goes on
 * from it, pread reads at its own offset. */
#define VN_SEEK_NONE   0
#define VN_SEEK_IGNORE 1
#define VN_SEEK_OFFSET 2

struct dirent_node {
    struct dirent_node *next;
    struct vnode *vn;
    uint8_t len;
    char name[]; /* NUL-terminated */
};

/* A timestamp as Linux keeps one (struct timespec64): any second of a
 * signed 64-bit count since the epoch, so times before 1970 and past 2262
 * are kept too. */
struct vn_time {
    int64_t sec;
    int64_t nsec; /* 0..999999999 */
};

/* The file system a vnode belongs to (statfs). A vnode takes its
 * directory's when it first gets a name; a sealed directory's (or a sealed
 * one's own) is procfs. VFS_NONE: never named (pipes). */
enum vfs_kind { VFS_NONE, VFS_TMPFS, VFS_PROC };

struct vnode {
    uint32_t mode; /* S_IF* | permission bits */
    uint32_t nlink;
    uint32_t refs;
    uint32_t rdev;
    uint32_t sealed; /* directories: entries come from the kernel only (procfs) */
    uint32_t uid, gid;
    uint8_t fs;       /* enum vfs_kind */
    uint8_t linkable; /* an O_TMPFILE file made without O_EXCL: linkat may name it */
    uint64_t ino;
    uint64_t size; /* regular: bytes; symlink: target length */
    /* CLOCK_REALTIME. Reads never change atime (every mount is noatime). */
    struct vn_time atime, mtime, ctime;
    const struct vnode_ops *ops; /* devices; NULL for tmpfs nodes */
    struct vnode *parent;        /* directories: for ".." */
    struct dirent_node *entries; /* directories, in creation order */
    struct pcache *pages;        /* regular files: their data (pcache.c), NULL before any */
    char *target;                /* symlinks */
    void *priv;                  /* the object behind ops (a pipe) */
};

/* An open file description (shared by dup and fork). */
struct file {
    struct vnode *vn;
    uint64_t off;
    uint32_t flags; /* O_ACCMODE | O_APPEND | O_NONBLOCK | O_PATH | O_DIRECTORY (F_GETFL) */
    uint32_t refs;
};

/* Linux x86-64 struct stat. */
struct kstat {
    uint64_t st_dev, st_ino, st_nlink;
    uint32_t st_mode, st_uid, st_gid, pad0;
    uint64_t st_rdev;
    int64_t st_size, st_blksize, st_blocks;
    int64_t st_atime;
    uint64_t st_atime_nsec;
    int64_t st_mtime;
    uint64_t st_mtime_nsec;
    int64_t st_ctime;
    uint64_t st_ctime_nsec;
    int64_t unused[3];
};
_Static_assert(sizeof(struct kstat) == 144, "Linux x86-64 struct stat");

/* Linux x86-64 struct statfs. */
struct kstatfs {
    int64_t f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen, f_frsize, f_flags;
    int64_t f_spare[4];
};
_Static_assert(sizeof(struct kstatfs) == 120, "Linux x86-64 struct statfs");

/* --- tmpfs.c: the tree --------------------------------------------------- */
/* Create the root directory; /dev and /tmp are made by devfs_init and
 * initrd_init. */
void vfs_init(void);
struct vnode *vfs_root(void);
/* A new, unnamed vnode with refs 1 (or NULL): mode decides the kind. Its
 * owner is root (uid and gid 0), its times now. */
struct vnode *vn_alloc(uint32_t mode);
/* A vnode a program makes in dir (open's O_CREAT and O_TMPFILE, mkdir,
 * symlink, mknod): vn_alloc on dir's file system, owned as Linux's
 * inode_init_owner has it: the creator's fs ids (proc_fsids), but the
 * group of a set-group-ID dir, whose bit a new directory takes. */
struct vnode *vn_alloc_in(struct vnode *dir, uint32_t mode);
void vn_ref(struct vnode *vn);
/* Drop a reference; frees the vnode (and its data) when it has neither
 * references nor names. */
void vn_unref(struct vnode *vn);
/* dir must be a directory. */
struct vnode *dir_lookup(struct vnode *dir, const char *name, size_t len);
/* Link vn into dir under name (len <= NAME_MAX): 0, -EEXIST, -ENOMEM. */
int dir_link(struct vnode *dir, const char *name, size_t len, struct vnode *vn);
/* Point dir's existing entry name at vn instead (rename over a name):
 * cannot fail but for -ENOENT; the vnode it named loses that link. */
int dir_relink(struct vnode *dir, const char *name, size_t len, struct vnode *vn);
/* Remove the entry name from dir (drops its nlink): 0 or -ENOENT. */
int dir_unlink(struct vnode *dir, const char *name, size_t len);
/* The index-th entry (0 ".", 1 "..", then the links): 1 and *name, *len, *vn,
 * or 0 past the end. */
int dir_entry(struct vnode *dir, uint64_t index, const char **name, size_t *len, struct vnode **vn);
/* Regular files: read into / write from program memory at off. Count or
 * -EFAULT / -ENOMEM (a partial count if some bytes moved first). */
long reg_read(struct vnode *vn, void *ubuf, size_t n, uint64_t off);
long reg_write(struct vnode *vn, const void *ubuf, size_t n, uint64_t off);
/* Same with a kernel buffer (loader, initrd). */
long reg_read_kernel(struct vnode *vn, void *buf, size_t n, uint64_t off);
long reg_write_kernel(struct vnode *vn, const void *buf, size_t n, uint64_t off);
/* Cut or extend (with zeros) to len bytes: 0 or -ENOMEM. */
int reg_truncate(struct vnode *vn, uint64_t len);
/* Back a new regular file by bytes that stay in place (the initrd): 0 or
 * -ENOMEM. */
int reg_set_external(struct vnode *vn, const uint8_t *data, uint64_t phys, uint64_t len);
/* Fill st from vn. */
void vn_stat(const struct vnode *vn, struct kstat *st);
/* The time now, and vn's times set to it (VN_ATIME | VN_MTIME | VN_CTIME). */
#define VN_ATIME 1
#define VN_MTIME 2
#define VN_CTIME 4
struct vn_time vn_now(void);
void vn_touch(struct vnode *vn, int which);
/* Vnodes alive now (for leak checks). */
uint64_t vn_count(void);

/* --- namei.c: path walking ------------------------------------------------- */
#define WALK_FOLLOW 1 /* follow a symlink in the last component */

/* Resolve path (kernel string) from cwd: 0 and *out (not referenced: valid
 * until the caller blocks), or -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG. */
int vfs_walk(struct vnode *cwd, const char *path, int flags, struct vnode **out);
/* vfs_walk, and the absolute path of what it found when that is not a
 * directory: the path of the directory it was found in (after every
 * symlink), a slash and its name there, in buf (n bytes); buf is empty
 * when there is none (a removed directory) or it does not fit. */
int vfs_walk_path(struct vnode *cwd, const char *path, int flags, struct vnode **out, char *buf,
                  size_t n);
/* Resolve all but the last component: 0 with *dir (a directory) and the
 * last component copied to name (NAME_MAX + 1 bytes; may be "." or "..";
 * *len 0 when the path is "/" itself). Errors as vfs_walk. */
int vfs_walk_parent(struct vnode *cwd, const char *path, struct vnode **dir, char *name,
                    size_t *len);
/* Absolute path of directory dir, as the caller sees it (from its root),
 * into buf (size n): length, or -ERANGE, or -ENOENT (a removed directory,
 * or one outside the caller's root). */
long vfs_path_of(struct vnode *dir, char *buf, size_t n);
/* Where "/" is for the calling process (chroot(2)): its root, or the
 * tree's. Walks start there for absolute paths and ".." stops there. */
struct vnode *vfs_caller_root(void);
/* From the process layer (kernel/proc/proc.c): the calling process's
 * chroot directory, or NULL (none, or a kernel thread). */
struct vnode *proc_root(void);
/* The calling process's fs user and group ids (0 and 0 for a kernel
 * thread): what a new file is owned by. */
void proc_fsids(uint32_t *uid, uint32_t *gid);

/* --- file.c: open file descriptions ---------------------------------------- */
/* A file on vn (takes a reference on vn): 0 and *out, or -ENOMEM. */
int file_open_vnode(struct vnode *vn, uint32_t flags, struct file **out);
void file_ref(struct file *f);
void file_unref(struct file *f);
long file_read(struct file *f, void *ubuf, size_t n);
long file_write(struct file *f, const void *ubuf, size_t n);
long file_pread(struct file *f, void *ubuf, size_t n, uint64_t off);
long file_pwrite(struct file *f, const void *ubuf, size_t n, uint64_t off);
/* Regular files' writes (file_write, file_pwrite) keep to the caller's
 * RLIMIT_FSIZE. file_size_check: growing a file to size bytes (truncate)
 * is 0, or -EFBIG with SIGXFSZ sent when that is past the limit. */
int file_size_check(uint64_t size);
/* lseek: the new offset or -EINVAL / -ESPIPE. */
int64_t file_seek(struct file *f, int64_t off, int whence);
/* ioctl: the calls every file answers, then the device's (ops->ioctl). */
#define FIONREAD 0x541b /* bytes ready to read (pipes, the console) */
long file_ioctl(struct file *f, unsigned long cmd, uint64_t arg);
/* getdents64 into program memory: bytes written, 0 at the end, -ENOTDIR, -EINVAL. */
long file_getdents(struct file *f, void *ubuf, size_t n);
uint64_t file_count(void);

/* --- poll ---------------------------------------------------------------------- */
#define POLLIN     0x001
#define POLLPRI    0x002
#define POLLOUT    0x004
#define POLLERR    0x008
#define POLLHUP    0x010
#define POLLNVAL   0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100
/* What f is ready for now (POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, POLLHUP,
 * POLLERR). */
int file_poll(struct file *f);
/* Pollers sleep on one queue; anything that can make a file ready wakes
 * it (pipes, the console). Callable from interrupts. */
void vfs_poll_wake(void);
/* Sleep until vfs_poll_wake or the deadline (0: none): 1 on timeout. */
int vfs_poll_wait(uint64_t deadline);

/* --- pipe.c ------------------------------------------------------------------ */
#define PIPE_BUF  4096  /* writes up to this size are atomic */
#define PIPE_SIZE 65536 /* capacity, Linux's default */
/* A pipe: its read and write ends (flags O_NONBLOCK may be set). 0 or -ENOMEM. */
int pipe_create(uint32_t flags, struct file **rd, struct file **wr);
/* Make the new S_IFIFO vnode vn a FIFO: opening it follows fifo(7), and
 * its pipe goes with it. 0 or -ENOMEM. */
int fifo_init(struct vnode *vn);

/* A symlink's target: computed by ops->readlink (into buf, n bytes) or
 * stored. */
const char *vn_link_target(const struct vnode *vn, char *buf, size_t n);

/* --- procfs.c: /proc, generated on read --------------------------------------- */
struct proc;
/* Make /proc with its global files (meminfo, uptime, cpuinfo, mounts,
 * version) and /proc/self. */
void procfs_init(void);
/* /proc/<pid> for a new process (stat, status, cmdline, comm, exe, task):
 * 0 or -ENOMEM. */
int procfs_add(struct proc *p);
/* Remove /proc/<pid> (the files stay readable, empty, while open). */
void procfs_remove(struct proc *p);
/* /proc/<pid>/task/<tid> for an LWP of p (stat, status, comm): 0 or
 * -ENOMEM; procfs_add makes the main one's. Removed with the LWP. */
int procfs_task_add(struct proc *p, int tid);
void procfs_task_remove(struct proc *p, int tid);

/* --- statfs.c: file-system figures ------------------------------------------ */
/* statfs(2) of the file system vn is on. */
void vfs_statfs(const struct vnode *vn, struct kstatfs *st);
/* The st_dev of the file system vn is on (one per file system). */
uint64_t vfs_dev(const struct vnode *vn);

/* --- devfs.c / initrd.c ------------------------------------------------------- */
/* The operations of the device a node of this mode (S_IFCHR, S_IFBLK,
 * S_IFSOCK) and number (Linux's encoding) reaches: one of /dev's, or ops
 * whose open is -ENXIO (no such device here; a socket's name). */
const struct vnode_ops *devfs_ops(uint32_t mode, uint32_t rdev);
/* Make /dev with console, tty, null, zero, full, random, urandom, and
 * /dev/shm (mode 01777, for shm_open). The console's window is 80x24
 * unless the command line says winsize=COLSxROWS. */
void devfs_init(const char *cmdline);
/* Fill the root from the cpio archive in [phys, phys + len) (the first boot
 * module) and make /tmp. Malformed archives are reported, not fatal. */
void initrd_init(uint64_t phys, uint64_t len);

/* --- pcache.c: the page cache -------------------------------------------------- */
/* A regular file's data, as pages found by page index: those the file owns
 * (refcount: one for the cache, one per mapping or caller holding it),
 * and bytes left in place (the initrd's) read through it without a copy.
 * Reads (pc_find, pc_bytes) never allocate. The cache is also the object
 * file mappings map (kernel/mm/vmobject.h), and is freed with the vnode. */
struct page;
struct vm_object;
/* Back vn's first bytes [0, len) by data, physical phys, in place (vn has
 * no pages yet): 0 or -ENOMEM. */
int pc_set_source(struct vnode *vn, const uint8_t *data, uint64_t phys, uint64_t len);
/* The page vn owns at index idx (not referenced), or NULL. */
struct page *pc_find(struct vnode *vn, uint64_t idx);
/* Page idx of vn, made if absent (VM_GET_* of vmobject.h say how): 0 and
 * *out, referenced, which the caller may write; 1 and *out, a page in
 * place to read only (not counted: no reference); -ENOENT (VM_GET_PEEK
 * where nothing is at hand) or -ENOMEM. The first VM_GET_WRITE of a page
 * in place copies it; shared mappings then map the copy. No end-of-file
 * check: writes make pages past the end. */
int pc_get(struct vnode *vn, uint64_t idx, int how, struct page **out);
/* The bytes of vn at pos for a read of at most *n (clipped to what lies
 * together there, within pos's page): a pointer to them, or NULL for a
 * hole, which reads as *n zeros. */
const uint8_t *pc_bytes(struct vnode *vn, uint64_t pos, size_t *n);
/* All of vn's vn->size bytes together in place (an initrd file never
 * written), or NULL. */
const uint8_t *pc_in_place(const struct vnode *vn);
/* Bytes from len on are gone (read as zeros): the pages wholly past len
 * are freed and unmapped from every mapping (later accesses there are
 * SIGBUS while the file is that short), the rest of len's page zeroed.
 * Called with the old size before a file grows. */
void pc_truncate(struct vnode *vn, uint64_t len);
/* Free vn's pages (no mapping may hold vn: mappings hold a reference). */
void pc_release(struct vnode *vn);
/* The object to map vn's pages through: 0 and *out, or -ENOMEM. */
int pc_object(struct vnode *vn, struct vm_object **out);
/* Pages owned by every file's cache (/proc/meminfo, the leak check), and
 * the heap bytes of its trees (the leak check). */
uint64_t pc_pages(void);
uint64_t pc_heap(void);

#endif
