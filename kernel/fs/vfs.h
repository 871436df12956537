/* The file system: a generic layer (path walking, open file descriptions,
 * the system calls) over mounted file systems (tmpfs, devtmpfs, proc), each
 * a type in a registry that supplies its own vnode operations (struct
 * vnode_ops: names and links) and its objects' file operations (struct
 * file_ops: read, write, poll...). The boot tree: "/" a tmpfs filled from
 * the initrd, /dev a devtmpfs, /proc, and /tmp and /dev/shm tmpfs.
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
#define S_ISSOCK(m) (((m)&S_IFMT) == S_IFSOCK)
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
struct poll_table;
struct vm_object;
struct mount;
struct proc;
struct epitem;
struct pcache;

/* File operations (Linux's file_operations): what reading, writing,
 * polling... an object does: a device, a pipe, an eventfd, a generated
 * /proc file. A vnode without them (vn->fops NULL) is a regular file or a
 * directory of its file system, read and written through the page cache
 * (regfile.c). Buffers are program pointers (copy with uaccess). Each
 * returns a count or -errno. */
struct file_ops {
    long (*read)(struct file *f, void *ubuf, size_t n);
    long (*write)(struct file *f, const void *ubuf, size_t n);
    long (*ioctl)(struct file *f, unsigned long cmd, uint64_t arg);
    /* POLL* bits ready now, registering with pt (poll_wait) when it is
     * given; NULL: always IN|OUT (file_poll). */
    int (*poll)(struct file *f, struct poll_table *pt);
    /* What mmap maps of f: 0 and *obj (pages of an object), FILE_MMAP_ANON
     * (anonymous memory: /dev/zero), or -ENODEV. NULL: f cannot be mapped
     * (-ENODEV); a regular file (fops NULL) maps its page cache. */
    int (*mmap)(struct file *f, struct vm_object **obj);
    /* fsync/fdatasync: write f's data back (datasync: data only): 0 or
     * -errno. NULL: f has nothing to write back and Linux refuses it
     * (-EINVAL: pipes, devices); a regular file or a directory (fops NULL)
     * lives in memory, already as durable as it gets. */
    int (*fsync)(struct file *f, int datasync);
    /* f is being opened (not O_PATH; f->flags still has open's O_NOCTTY,
     * dropped after): 0, or -errno and f is given back without close. May
     * block (a FIFO waits for its other end). */
    int (*open)(struct file *f);
    void (*close)(struct file *f); /* the last reference to f (not O_PATH) is going */
    /* Process p closes a descriptor of f (every close, dup2 over it, exit,
     * exec's close-on-exec: Linux's flush). May be NULL. */
    void (*flush)(struct file *f, struct proc *p);
    void (*release)(struct vnode *vn); /* vn is being freed: free vn->priv */
    int seekable;                      /* VN_SEEK_*: what lseek, pread and pwrite do */
    /* lseek of its own (/dev/kmsg), taking the place of seekable's:
     * the new offset or -errno. NULL: as seekable says. */
    int64_t (*llseek)(struct file *f, int64_t off, int whence);
};

#define FILE_MMAP_ANON 1

/* file_ops.seekable: pipes and the console have no position (lseek,
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

/* Vnode operations: what a file system does with names and links (the
 * BSDs' vnodeops, Linux's inode_operations). The generic layer calls these
 * only through the dir_* functions below, which answer for a missing
 * operation as Linux does for a file system without it. Names are not
 * NUL-terminated (name, len), never "." or "..", at most NAME_MAX bytes. */
struct vnode_ops {
    /* dir's entry name: 0 and *out (unreferenced: valid until the caller
     * blocks), or -ENOENT (-ENOMEM for a generated one). */
    int (*lookup)(struct vnode *dir, const char *name, size_t len, struct vnode **out);
    /* The index-th entry of dir after "." and ".." (index 0 is the first):
     * 1 with *name (valid until the caller blocks), *len, *vn, or 0 past
     * the end. */
    int (*readdir)(struct vnode *dir, uint64_t index, const char **name, size_t *len,
                   struct vnode **vn);
    /* Name vn (of this mount) in dir; the name is free (checked by the
     * caller): 0, -ENOSPC or -ENOMEM. NULL: no names can be made here. */
    int (*link)(struct vnode *dir, const char *name, size_t len, struct vnode *vn);
    /* Point dir's existing entry name at vn instead (rename over a name);
     * the vnode it named loses that link. Cannot fail. */
    void (*relink)(struct vnode *dir, const char *name, size_t len, struct vnode *vn);
    /* Remove the entry (it exists): its vnode loses a link. */
    void (*unlink)(struct vnode *dir, const char *name, size_t len);
    /* 1 when directory dir has no entries (rmdir, rename over it). */
    int (*empty)(struct vnode *dir);
    /* A symlink's target: stored (set by setlink) or computed into buf (n
     * bytes). */
    const char *(*readlink)(const struct vnode *vn, char *buf, size_t n);
    /* A symlink that leads to a vnode, not a path (procfs's magic links:
     * cwd, root, fd/N): 0 and *out (unreferenced), -errno, or 1 for an
     * ordinary symlink (the walk follows its text). May be NULL. */
    int (*follow)(const struct vnode *vn, struct vnode **out);
    /* Where a non-directory is named: its directory and name, or -ENOENT.
     * NULL: vfs_name_of searches the file system's tree. */
    int (*where)(const struct vnode *vn, struct vnode **dir, const char **name);
    /* Store a new symlink's target (a NUL-terminated copy): 0 or -ENOMEM. */
    int (*setlink)(struct vnode *vn, const char *target);
    /* The page cache takes (pages > 0) or frees pages of vn's: 0, or
     * -ENOSPC when the file system has no room for more. May be NULL. */
    int (*charge)(struct vnode *vn, int64_t pages);
    /* vn is being freed: free what the file system keeps for it. */
    void (*release)(struct vnode *vn);
};

struct vnode {
    uint32_t mode; /* S_IF* | permission bits */
    uint32_t nlink;
    uint32_t refs;
    uint32_t rdev;
    uint32_t uid, gid;
    uint8_t linkable; /* an O_TMPFILE file made without O_EXCL: linkat may name it */
    uint64_t ino;
    uint64_t size; /* regular: bytes; symlink: target length */
    /* CLOCK_REALTIME. Reads never change atime (every mount is noatime). */
    struct vn_time atime, mtime, ctime;
    struct mount *mnt;            /* its file system; NULL: none (pipes, eventfds) */
    const struct vnode_ops *vops; /* its file system's operations (NULL with mnt) */
    struct mount *mounted;        /* directories: what is mounted here, or NULL */
    const struct file_ops *fops;  /* the object's file operations; NULL for tmpfs files */
    struct vnode *parent;         /* directories: for ".." (a root: itself) */
    struct dirent_node *entries;  /* tmpfs directories, in creation order */
    struct pcache *pages;         /* regular files: their data (pcache.c), NULL before any */
    char *target;                 /* tmpfs symlinks */
    void *priv;                   /* the object behind ops (a pipe) */
    void *fsdata;                 /* the file system's (procfs: what the node shows) */
    /* flock and record locks (lock.c); NULL: none */
    struct vlocks *locks;
    /* inotify watches on it (inotify.c), each holding a reference; NULL: none */
    struct inotify_mark *marks;
    struct vnode *ino_next; /* vn_find's table (the vnodes of a mount) */
};

/* An open file description (shared by dup and fork). */
struct file {
    struct vnode *vn;
    uint64_t off;
    uint32_t flags; /* O_ACCMODE | O_APPEND | O_NONBLOCK | O_PATH | O_DIRECTORY (F_GETFL) */
    uint32_t refs;
    struct epitem *ep_items; /* the epoll items watching this file (epoll.c) */
    void *priv;              /* the object's, per open (a terminal, a pty's master) */
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

/* --- vnode.c: vnodes and the generic name operations --------------------- */
/* A new, unnamed vnode with refs 1 (or NULL): mode decides the kind. Its
 * owner is root (uid and gid 0), its times now. vn_alloc makes one of no
 * file system (a pipe, an eventfd); vn_alloc_on one of mount m. */
struct vnode *vn_alloc(uint32_t mode);
struct vnode *vn_alloc_on(struct mount *m, uint32_t mode);
/* A vnode a program makes in dir (open's O_CREAT and O_TMPFILE, mkdir,
 * symlink, mknod): vn_alloc_on dir's file system, owned as Linux's
 * inode_init_owner has it: the creator's fs ids (proc_fsids), but the
 * group of a set-group-ID dir, whose bit a new directory takes. */
struct vnode *vn_alloc_in(struct vnode *dir, uint32_t mode);
/* The vnode of mount m numbered ino while it exists (vnode numbers are
 * never reused), or NULL. Not referenced: valid until the caller blocks. */
struct vnode *vn_find(struct mount *m, uint64_t ino);
void vn_ref(struct vnode *vn);
/* Drop a reference; frees the vnode (and its data) when it has neither
 * references nor names. */
void vn_unref(struct vnode *vn);
/* The file system's bookkeeping of names: vn gained one in dir (dir's
 * times change, vn's ctime: Linux's shmem_link) / lost one (freed with
 * its last name if nothing holds it). */
void vn_link_gain(struct vnode *dir, struct vnode *vn);
void vn_link_lose(struct vnode *dir, struct vnode *vn);
/* Through dir's file system (dir is a directory). dir_lookup: the vnode or
 * NULL. dir_link: 0, -EEXIST, -ENOENT (dir removed), -ENAMETOOLONG,
 * -ENOSPC, -ENOMEM, or -EPERM where names cannot be made (procfs).
 * dir_relink / dir_unlink: 0, -ENOENT, or -EPERM where names cannot be
 * removed. dir_empty: 1 when dir has no entries. */
struct vnode *dir_lookup(struct vnode *dir, const char *name, size_t len);
int dir_link(struct vnode *dir, const char *name, size_t len, struct vnode *vn);
int dir_relink(struct vnode *dir, const char *name, size_t len, struct vnode *vn);
int dir_unlink(struct vnode *dir, const char *name, size_t len);
int dir_empty(struct vnode *dir);
/* 1 when dir's file system makes names (create, mkdir, link, rename). */
int dir_can_name(const struct vnode *dir);
/* The index-th entry (0 ".", 1 "..", then the file system's): 1 and
 * *name, *len, *vn, or 0 past the end. */
int dir_entry(struct vnode *dir, uint64_t index, const char **name, size_t *len, struct vnode **vn);
/* A new symlink's target: 0, -ENOMEM, -EPERM (no symlinks here). */
int vn_setlink(struct vnode *vn, const char *target);
/* Fill st from vn. */
void vn_stat(struct vnode *vn, struct kstat *st);
/* The time now, and vn's times set to it (VN_ATIME | VN_MTIME | VN_CTIME). */
#define VN_ATIME 1
#define VN_MTIME 2
#define VN_CTIME 4
struct vn_time vn_now(void);
void vn_touch(struct vnode *vn, int which);
/* Vnodes alive now (for leak checks). */
uint64_t vn_count(void);

/* --- regfile.c: regular files' data (in the page cache) --------------------- */
/* Regular files: read into / write from program memory at off. Count or
 * -EFAULT / -ENOMEM / -ENOSPC (a partial count if some bytes moved first);
 * a write a memfd's seals forbid is -EPERM. */
long reg_read(struct vnode *vn, void *ubuf, size_t n, uint64_t off);
long reg_write(struct vnode *vn, const void *ubuf, size_t n, uint64_t off);
/* Same with a kernel buffer (loader, initrd). */
long reg_read_kernel(struct vnode *vn, void *buf, size_t n, uint64_t off);
long reg_write_kernel(struct vnode *vn, const void *buf, size_t n, uint64_t off);
/* Cut or extend (with zeros) to len bytes: 0, or -EPERM where a memfd's
 * seals forbid the new size. */
int reg_truncate(struct vnode *vn, uint64_t len);
/* fallocate: give every page of [off, off + len) memory (zeros where it
 * had none); the size stays. 0, -ENOMEM (refused up front when memory
 * cannot hold the range), or -ENOSPC (the file system's limit; the pages
 * had before it stay, zeros). */
int reg_allocate(struct vnode *vn, uint64_t off, uint64_t len);
/* Back a new regular file by bytes that stay in place (the initrd): 0 or
 * -ENOMEM. */
int reg_set_external(struct vnode *vn, const uint8_t *data, uint64_t phys, uint64_t len);

/* --- memfd.c: memfd_create's files and their seals --------------------------- */
/* fcntl's F_SEAL_* bits. F_SEAL_EXEC (Linux 6.3) is not among those taken:
 * nothing here would keep chmod from the exec bits. */
#define F_SEAL_SEAL         0x0001 /* no more seals */
#define F_SEAL_SHRINK       0x0002
#define F_SEAL_GROW         0x0004
#define F_SEAL_WRITE        0x0008 /* no writes, no writable shared mappings */
#define F_SEAL_FUTURE_WRITE 0x0010 /* no new writes nor writable mappings */
#define MEMFD_SEALS         (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)
#define MEMFD_NAME_MAX      249 /* NAME_MAX less "memfd:", as Linux's MFD_NAME_MAX_LEN */
/* A new memfd named name (at most MEMFD_NAME_MAX bytes): a regular file
 * of mode 0777 owned by the caller's fs ids, on no mount, refs 1. Without
 * sealing it carries F_SEAL_SEAL (no seal can be added). 0 or -ENOMEM. */
int memfd_new(const char *name, int sealing, struct vnode **out);
/* 1 when vn is a memfd's. */
int memfd_is(const struct vnode *vn);
/* A memfd's path as /proc shows it, "/memfd:NAME (deleted)": its length,
 * or -ERANGE when n cannot hold it. */
long memfd_name(const struct vnode *vn, char *buf, size_t n);
/* fcntl F_GET_SEALS: the seals; F_SEAL_SEAL for another regular file
 * (all live in memory file systems: Linux's shmem files); -EINVAL for
 * what is not a regular file. */
int memfd_seals_get(const struct file *f);
/* fcntl F_ADD_SEALS: 0, -EPERM (f not open for writing, F_SEAL_SEAL set,
 * a regular file that is no memfd), -EINVAL (unknown seals, not a regular
 * file), -EBUSY (F_SEAL_WRITE while a shared mapping may write). */
int memfd_seals_add(struct file *f, uint32_t seals);
/* What the seals allow (0 for any other vnode, or -EPERM): writing n
 * bytes at off; a new size (truncate, fallocate's end); a mapping
 * (shared, with PROT_WRITE): 1 when it may be made only if never
 * writable (a shared read-only mapping of a write-sealed memfd). */
int memfd_write_check(const struct vnode *vn, uint64_t off, uint64_t n);
int memfd_size_check(const struct vnode *vn, uint64_t size);
int memfd_mmap_check(const struct vnode *vn, int shared, int write);

/* --- tmpfs.c: tmpfs (and devtmpfs) ------------------------------------------ */
/* Register the tmpfs and devtmpfs types. */
void tmpfs_init(void);

/* --- mount.c: file-system types and the mount table ------------------------ */
/* A file-system type. mount makes a new instance for m (m->type, m->dev,
 * m->flags set; opts: the data string of mount(2), or NULL): 0 with
 * m->root (refs 1, named by itself) and m->fsdata set, or -EINVAL for
 * options it does not take, -ENOMEM. unmount frees an instance none of
 * whose vnodes but the root is referenced. statfs fills what is the file
 * system's in st (the generic fields are set). show adds the instance's
 * options to a /proc/mounts line (",size=..."): length written. */
struct fs_type {
    const char *name;
    int (*mount)(struct mount *m, const char *opts);
    void (*unmount)(struct mount *m);
    void (*statfs)(struct mount *m, struct kstatfs *st);
    int (*show)(struct mount *m, char *buf, size_t n);
    /* Take new options for a mounted instance: 0, -EINVAL; NULL: none taken. */
    int (*remount)(struct mount *m, const char *opts);
    /* Drop what of m is only cached and unreferenced (vfs_reclaim, and
     * before an unmount's check for use); may be NULL. */
    void (*reclaim)(struct mount *m);
    /* 1 when its files have handles (name_to_handle_at): its vnodes stay
     * what they are while they have a name, and vn_find finds them. */
    int handles;
    struct fs_type *next;
};

/* A mounted file system: one instance, mounted on one directory. */
struct mount {
    const struct fs_type *type;
    struct vnode *root;    /* its root directory (the mount holds a reference) */
    struct vnode *covered; /* the directory it is mounted on (NULL: "/") */
    struct mount *parent;  /* the mount covered is on */
    struct mount *next;    /* the table, in mount order */
    char *source;          /* mount(2)'s source, shown in /proc/mounts */
    uint64_t dev;          /* st_dev of its files: 0:N, as Linux's anonymous devices */
    uint64_t vrefs;        /* references on its vnodes, the root's included */
    uint32_t id;           /* mountinfo's mount id */
    uint32_t flags;        /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_NOATIME */
    void *fsdata;          /* the file system's */
};
#define MS_RDONLY     1
#define MS_NOSUID     2
#define MS_NODEV      4
#define MS_NOEXEC     8
#define MS_NOATIME    1024
#define MS_NODIRATIME 2048

void fs_type_register(struct fs_type *t);
/* /proc/filesystems: the registered types in order, each "nodev" (none
 * needs a block device): the text's length. */
int vfs_types_show(char *buf, size_t n);
/* sysfs(2)'s view of the same list: the index of the type called name
 * (-EINVAL: none), the name of the type at index (NULL: none), how many. */
int vfs_type_index(const char *name);
const char *vfs_type_name(uint32_t index);
int vfs_type_count(void);
/* The root of the file system mounted with st_dev dev (ustat(2)), or NULL:
 * not referenced, valid until the caller blocks. */
struct vnode *vfs_dev_root(uint64_t dev);
/* Mount the root: a tmpfs (the types are registered by then). */
void vfs_init(void);
/* Mount a new instance of type (by name) on directory dir (flags MS_*;
 * opts may be NULL): 0, -ENODEV (unknown type), -ENOTDIR, -EBUSY (dir is
 * already a mount point or a root), -EINVAL (options), -ENOMEM. The first
 * mount (dir NULL) is the root. */
int vfs_mount(const char *type, const char *source, struct vnode *dir, uint32_t flags,
              const char *opts);
/* Unmount the file system whose root is root: 0, -EINVAL (not a mount's
 * root, or the root mount), -EBUSY (in use: an open file, a cwd, a mount
 * below it). */
int vfs_umount(struct vnode *root);
/* What vn's mount allows (Linux's mnt_want_write, MNT_NODEV, MNT_NOEXEC):
 * changing vn or its names: 0 or -EROFS; opening it as a device: 0 or
 * -EACCES; running it or mapping it executable: 0 or -EACCES. */
int mnt_may_write(const struct vnode *vn);
int mnt_may_open_dev(const struct vnode *vn);
int mnt_may_exec(const struct vnode *vn);
/* Change mount m's flags (MS_*) and, through its type, its options
 * (remount): 0, -EINVAL. */
int vfs_remount(struct mount *m, uint32_t flags, const char *opts);
/* The tree's root (of the first mount). */
struct vnode *vfs_root(void);
/* 1 when vn is the root of a mount other than the first. */
int vn_is_mount_root(const struct vnode *vn);
/* /proc/mounts (info 0) or /proc/self/mountinfo (info 1) as the caller
 * sees the table (from its root): the text's length (cut at n - 1). */
int vfs_mounts_show(char *buf, size_t n, int info);
/* Drop what file systems keep only as a cache (procfs's nodes of processes
 * that are gone): for leak checks. */
void vfs_reclaim(void);
/* Counting references per mount (vnode.c: every vn_ref and vn_unref). */
static inline void mnt_vref(struct mount *m, int delta)
{
    m->vrefs += (uint64_t)(int64_t)delta;
}

/* --- namei.c: path walking ------------------------------------------------- */
#define WALK_FOLLOW 1 /* follow a symlink in the last component */
/* openat2's resolve restrictions (RESOLVE_*): */
#define WALK_NO_XDEV       2  /* -EXDEV on entering or leaving a mount */
#define WALK_NO_MAGICLINKS 4  /* -ELOOP on a link that leads to a vnode (/proc/self/fd/N) */
#define WALK_NO_SYMLINKS   8  /* -ELOOP on any symlink followed (and magic links) */
#define WALK_BENEATH       16 /* -EXDEV for "/", an absolute symlink, ".." out of cwd */
#define WALK_IN_ROOT       32 /* cwd is the root: "/" and ".." at it stay there */
#define WALK_RESOLVE                                                                               \
    (WALK_NO_XDEV | WALK_NO_MAGICLINKS | WALK_NO_SYMLINKS | WALK_BENEATH | WALK_IN_ROOT)

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
/* vfs_walk_parent under WALK_* restrictions (WALK_FOLLOW is ignored). */
int vfs_walk_parent_in(struct vnode *cwd, const char *path, int flags, struct vnode **dir,
                       char *name, size_t *len);
/* Absolute path of directory dir, as the caller sees it (from its root),
 * into buf (size n): length, or -ERANGE, or -ENOENT (a removed directory,
 * or one outside the caller's root). */
long vfs_path_of(struct vnode *dir, char *buf, size_t n);
/* An absolute path naming vn as the caller sees it: vfs_path_of for a
 * directory; for anything else its directory's path and a name it has
 * there (the file system's where, or a search of its mount's tree, deepest
 * first and bounded by it); a memfd's "/memfd:NAME (deleted)". Length,
 * -ERANGE, -ENOENT (no name: unlinked, or outside the caller's root),
 * -ENOMEM. */
long vfs_name_of(struct vnode *vn, char *buf, size_t n);
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
/* A reference more on f; file_unref drops one, and the last closes the
 * file (file_release: the object's close, inotify, the vnode's
 * reference). Inline: every read and write holds its file across the
 * call. */
void file_release(struct file *f);
static inline void file_ref(struct file *f)
{
    f->refs++;
}

static inline void file_unref(struct file *f)
{
    if (f->refs > 1)
        f->refs--;
    else
        file_release(f);
}
long file_read(struct file *f, void *ubuf, size_t n);
long file_write(struct file *f, const void *ubuf, size_t n);
long file_pread(struct file *f, void *ubuf, size_t n, uint64_t off);
long file_pwrite(struct file *f, const void *ubuf, size_t n, uint64_t off);
/* Regular files' writes (file_write, file_pwrite) keep to the caller's
 * RLIMIT_FSIZE. file_size_check: growing a file to size bytes (truncate)
 * is 0, or -EFBIG with SIGXFSZ sent when that is past the limit. */
int file_size_check(uint64_t size);
/* A write of *n bytes at off (the kernel's own, as splice's): cut at the
 * limit, or -EFBIG (and SIGXFSZ) when it starts there or beyond. */
int file_write_limit(uint64_t off, size_t *n);
/* Where SEEK_SET, SEEK_CUR or SEEK_END count from in f: 0 and *base, or
 * -EINVAL for another whence (lseek, fcntl's record locks). */
#define SEEK_SET  0
#define SEEK_CUR  1
#define SEEK_END  2
#define SEEK_DATA 3 /* regular files: the next byte of data (pc_next) */
#define SEEK_HOLE 4 /* and the next hole; a hole is a page never written */
int file_whence(const struct file *f, int whence, int64_t *base);
/* lseek: the new offset or -EINVAL / -ESPIPE. */
int64_t file_seek(struct file *f, int64_t off, int whence);
/* ioctl: the calls every file answers, then the device's (ops->ioctl). */
#define FIONREAD 0x541b /* bytes ready to read (pipes, the console) */
long file_ioctl(struct file *f, unsigned long cmd, uint64_t arg);
/* Directory records into program memory, from the file's position on:
 * getdents64's struct linux_dirent64 (FILE_DIRENT64) or the old getdents'
 * struct linux_dirent (FILE_DIRENT, d_type in each record's last byte).
 * Bytes written, 0 at the end, -EBADF (O_PATH), -ENOTDIR, -EINVAL (no
 * room for one record), -EFAULT. */
enum file_dirent { FILE_DIRENT64, FILE_DIRENT };
long file_getdents(struct file *f, void *ubuf, size_t n, enum file_dirent fmt);
uint64_t file_count(void);

/* --- poll.c: readiness ---------------------------------------------------------- */
#define POLLIN     0x001
#define POLLPRI    0x002
#define POLLOUT    0x004
#define POLLERR    0x008
#define POLLHUP    0x010
#define POLLNVAL   0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define POLLMSG    0x400
#define POLLRDHUP  0x2000

/* Every pollable object (a pipe, the console, an eventfd...) has one
 * queue of interested parties, and calls pollq_notify on it whenever it
 * may have become ready (or changed: a hang-up), with the POLL* bits that
 * may have changed. An entry's notify runs at once, possibly from an
 * interrupt: it must not block (it marks something ready and wakes a
 * thread). The owner of an entry removes it (pollq_del) before freeing it;
 * the object outlives its entries because whoever registers holds a
 * reference on the object's file. */
struct pollent;
/* Returns 1 when it woke a waiter (what ends an exclusive wake-up), else 0. */
typedef int poll_notify_fn(struct pollent *pe, int events);
struct pollent {
    struct pollent *next, **pprev; /* pprev NULL: on no queue */
    poll_notify_fn *notify;
    /* Set (EPOLLEXCLUSIVE): of the exclusive entries on a queue, a
     * notification goes to those in turn until one wakes a waiter, as
     * Linux's exclusive wake-ups; the others are always told. */
    int exclusive;
};
struct pollq {
    struct pollent *head;
};
void pollq_init(struct pollq *q);
void pollq_add(struct pollq *q, struct pollent *pe); /* pe on no queue; notify set */
void pollq_del(struct pollent *pe);                  /* no-op when on no queue */
/* Tell everyone on q of events (inline: most queues are empty). */
void pollq_notify_all(struct pollq *q, int events);
static inline void pollq_notify(struct pollq *q, int events)
{
    if (q->head)
        pollq_notify_all(q, events);
}

/* How a file's poll operation registers interest (Linux's poll_table): it
 * calls poll_wait with each queue that announces a change of what it
 * returns. pt NULL: the caller only wants the bits ready now. */
struct poll_table {
    void (*queue)(struct poll_table *pt, struct file *f, struct pollq *q);
};
static inline void poll_wait(struct file *f, struct pollq *q, struct poll_table *pt)
{
    if (pt && q)
        pt->queue(pt, f, q);
}
/* What f is ready for now (POLL* bits), registering with pt if given.
 * Files without a poll operation (regular files, directories, the simple
 * devices) are always ready for reading and writing, as Linux's
 * DEFAULT_POLLMASK, and never register. */
int file_poll(struct file *f, struct poll_table *pt);

/* A poller: a thread watching several files (poll, select). Register by
 * passing &pw->pt to file_poll; each registration holds a reference on its
 * file until poller_done. Usage: poller_init, scan with &pw.pt, then
 * (re)scan with NULL after each poller_wait, and poller_done at the end. */
struct thread;
struct poller_chunk;
struct poller {
    struct poll_table pt; /* first: the queue callback finds the poller from it */
    struct thread *thread;
    int woken;
    int err; /* -ENOMEM: a registration could not be made */
    struct poller_chunk *chunks;
};
void poller_init(struct poller *pw);
/* Sleep until a registered queue is notified (0), the deadline (1; 0 for
 * none) or a signal (-EINTR), whichever is first. */
int poller_wait(struct poller *pw, uint64_t deadline);
void poller_done(struct poller *pw);

/* --- pipe.c ------------------------------------------------------------------ */
#define PIPE_BUF  4096  /* writes up to this size are atomic */
#define PIPE_SIZE 65536 /* capacity, Linux's default */
/* fs.pipe-max-size (Linux's default, read-only here): the largest size
 * F_SETPIPE_SZ gives without CAP_SYS_RESOURCE. */
#define PIPE_MAX_SIZE 1048576
/* A pipe: its read and write ends (flags O_NONBLOCK may be set). 0 or -ENOMEM. */
int pipe_create(uint32_t flags, struct file **rd, struct file **wr);
/* Make the new S_IFIFO vnode vn a FIFO: opening it follows fifo(7), and
 * its pipe goes with it. 0 or -ENOMEM. */
int fifo_init(struct vnode *vn);
/* Kernel-side transfers for splice, tee, sendfile (kernel/sys/sys_splice.c) and vmsplice,
 * on an open end f of a pipe or FIFO (pipe_is) that the caller may read
 * (pipe_wait_data, pipe_peek, pipe_drop) or write (pipe_wait_room,
 * pipe_fill). Waiting is interruptible; nonblock makes it -EAGAIN.
 * Nothing here blocks but the two waits, so what they report holds until
 * the caller blocks. */
int pipe_is(const struct file *f);
/* Capacity (fcntl(2) F_GETPIPE_SZ and F_SETPIPE_SZ) of pipe end f.
 * pipe_round_size: n bytes rounded up as Linux's round_pipe_size (a
 * power-of-two number of pages, at least one), 0 when above 2 GiB.
 * pipe_resize: make the pipe hold size bytes (a rounded size), keeping
 * its data: 0, -EBUSY when it holds more than that, -ENOMEM. */
uint32_t pipe_round_size(uint64_t n);
uint32_t pipe_size(struct file *f);
int pipe_resize(struct file *f, uint32_t size);
/* Wait for bytes: how many are there, 0 at end of file (no writer left),
 * -EAGAIN, -ERESTARTSYS. */
long pipe_wait_data(struct file *f, int nonblock);
/* Wait for room: how many bytes fit, or -EPIPE (no reader left; the
 * caller sends SIGPIPE), -EAGAIN, -ERESTARTSYS. */
long pipe_wait_room(struct file *f, int nonblock);
/* Copy up to n bytes from skip bytes past the oldest into buf, leaving
 * them in the pipe: the count. */
size_t pipe_peek(struct file *f, size_t skip, void *buf, size_t n);
/* Consume the n oldest bytes (at most what the pipe holds). */
void pipe_drop(struct file *f, size_t n);
/* Append up to n bytes from buf (as many as fit): the count. */
size_t pipe_fill(struct file *f, const void *buf, size_t n);
/* vmsplice: move up to n of the bytes the pipe holds out to program
 * memory (pipe_take_user), or append up to n bytes from program memory,
 * as many as fit (pipe_fill_user): the count (0 when the pipe is empty,
 * or full), or -EFAULT when no byte could be copied. */
long pipe_take_user(struct file *f, void *ubuf, size_t n);
long pipe_fill_user(struct file *f, const void *ubuf, size_t n);

/* A symlink's target, through its file system (computed into buf, n
 * bytes, or stored); "" when it has none. */
const char *vn_link_target(const struct vnode *vn, char *buf, size_t n);

/* --- procfs.c: /proc, generated on lookup from the process table ----------- */
/* Register the proc type. Its nodes are made when looked up and kept in a
 * cache while a process they show lives (or while referenced). An open
 * file of a process that is gone reads as -ESRCH, as Linux. */
void procfs_init(void);

/* --- statfs.c: file-system figures ------------------------------------------ */
/* statfs(2) of the file system vn is on. */
void vfs_statfs(const struct vnode *vn, struct kstatfs *st);
/* The st_dev of the file system vn is on (one per mount). */
uint64_t vfs_dev(const struct vnode *vn);

/* --- devfs.c / initrd.c ------------------------------------------------------- */
/* The operations of the device a node of this mode (S_IFCHR, S_IFBLK,
 * S_IFSOCK) and number (Linux's encoding) reaches: one of /dev's, or ops
 * whose open is -ENXIO (no such device here; a socket's name). */
const struct file_ops *devfs_ops(uint32_t mode, uint32_t rdev);
/* /dev/kmsg (kmsg.c): the kernel log's records (kernel/klog.h). */
extern const struct file_ops kmsg_ops;
/* The devtmpfs type: a tmpfs made with console, tty, ptmx, null, zero,
 * full, random, urandom, kmsg, the symlinks fd, stdin, stdout, stderr and
 * the directory shm (shm_open's files: a tmpfs is mounted there at boot).
 * devfs_init sets up the console's tty (kernel/tty) and registers devpts. */
void devfs_init(const char *cmdline);
/* devtmpfs's mount: the device nodes in the new instance's root. */
int devfs_populate(struct vnode *root);
/* Drivers' nodes (devnodes.c), at boot: path "name" or "dir/name" under
 * /dev (the directory made as needed), a character device (mode S_IFCHR,
 * rdev) or a symlink to target; in every devtmpfs mounted from then on.
 * 0, -ENAMETOOLONG or -ENOMEM. */
int devfs_add_node(const char *path, uint32_t mode, uint32_t rdev, const char *target);
/* The file_ops of every character device of major (devfs_ops's fallback):
 * 0 or -ENOSPC. */
int devfs_add_major(uint32_t major, const struct file_ops *ops);
const struct file_ops *devfs_major_ops(uint32_t rdev); /* NULL: none */
int devfs_populate_added(struct vnode *root);
/* Fill the root from the cpio archive in [phys, phys + len) (the first boot
 * module). Malformed archives are reported, not fatal. */
void initrd_init(uint64_t phys, uint64_t len);
/* The boot tree's mounts: /dev (devtmpfs), /dev/shm and /tmp (tmpfs),
 * /dev/pts (devpts), /proc; their directories are made when the initrd lacks them. */
void vfs_mount_boot(void);

/* --- anon.c, eventfd.c, timerfd.c, signalfd.c: objects behind a descriptor --- */
/* A file on a new nameless vnode (mode 0600 and no file type, as Linux's
 * anonymous inodes) that runs ops over priv, opened O_RDWR | flags: 0 and
 * *out, the vnode owning priv from then on (ops->release frees it with the
 * vnode), or -ENOMEM with priv still the caller's. */
int anon_file(const struct file_ops *ops, void *priv, uint32_t flags, struct file **out);

/* eventfd(2): a 64-bit counter starting at count; in semaphore mode a read
 * takes 1 from it, else all of it. flags: O_NONBLOCK. 0 and *out, -ENOMEM. */
int eventfd_create(uint32_t count, int semaphore, uint32_t flags, struct file **out);
/* Whether f is an eventfd; add n to its counter from the kernel (AIO's
 * IOCB_FLAG_RESFD), which, unlike a write, never waits: it stops at
 * UINT64_MAX. Safe from a poll notification. */
int eventfd_is(const struct file *f);
void eventfd_signal(struct file *f, uint64_t n);

/* timerfd(2): a timer on CLOCK_MONOTONIC (= CLOCK_BOOTTIME: nothing
 * suspends here) or, realtime set, CLOCK_REALTIME (absolute times on it
 * follow the clock when it is set; relative ones count on the monotonic
 * clock, as Linux's), whose expirations are
 * read as a count. Times are nanoseconds: value 0 disarms, interval 0 is
 * one-shot; what is read back (old, cur) is the time left to the next
 * expiration and the interval. Each returns 0, or -EINVAL when f is not a
 * timerfd. */
struct tfd_time {
    uint64_t value, interval;
};
int timerfd_create(int realtime, uint32_t flags, struct file **out);
/* Arm at value from now, or at value on the timer's clock with
 * TFD_TIMER_ABSTIME; the expirations not yet read are dropped. With
 * TFD_TIMER_CANCEL_ON_SET too on a realtime timer, setting the clock
 * cancels it: the next read (or a settime arming it) fails with
 * -ECANCELED, once. */
#define TFD_TIMER_ABSTIME       1
#define TFD_TIMER_CANCEL_ON_SET 2
int timerfd_settime(struct file *f, uint32_t flags, const struct tfd_time *t, struct tfd_time *old);
/* The realtime clock was set: cancel the timers armed to hear of it. */
void timerfd_clock_was_set(void);
int timerfd_gettime(struct file *f, struct tfd_time *cur);

/* signalfd(2): reading takes the reader's pending signals of mask (a
 * signal set, SIGKILL and SIGSTOP already out of it) as struct
 * signalfd_siginfo records. signalfd_set_mask: a new mask (-EINVAL when f
 * is not a signalfd). */
int signalfd_create(uint64_t mask, uint32_t flags, struct file **out);
int signalfd_set_mask(struct file *f, uint64_t mask);
/* From the signal code: a signal became pending for p or one of its LWPs
 * (readers and pollers of p's signalfds look again). */
void signalfd_notify(struct proc *p);
/* p is being freed: whatever still watches its signals (an epoll instance
 * another process holds) is taken off its queue. */
void signalfd_proc_free(struct proc *p);

/* --- lock.c: advisory locks ------------------------------------------------- */
/* flock(2) locks and fcntl(2) record locks (POSIX and open file
 * description ones) on a vnode, kept in vn->locks while any exist or
 * anyone waits. Lock types are Linux's l_type values. flock locks and
 * record locks never meet, as on Linux. Waits are interruptible
 * (-ERESTARTSYS); a release wakes every waiter on the vnode, and each
 * tries again. */
#define LK_RDLCK   0         /* F_RDLCK */
#define LK_WRLCK   1         /* F_WRLCK */
#define LK_UNLCK   2         /* F_UNLCK */
#define LK_OFF_MAX INT64_MAX /* the last byte a record lock can reach */

/* A record lock's byte range [start, end] (inclusive) and type; pid is
 * what F_GETLK reports as its holder (-1 for an open file description's). */
struct lock_range {
    int type;
    int pid;
    uint64_t start, end;
};

/* flock: f's lock on its vnode becomes type (LK_UNLCK: none). A change of
 * type gives up the old lock first, as Linux's. 0, -EWOULDBLOCK (== -EAGAIN)
 * when another open file description's lock is in the way and !wait,
 * -ERESTARTSYS, -ENOMEM. */
int lock_flock(struct file *f, int type, int wait);
/* F_GETLK: the first lock of another owner that would keep owner from
 * locking r->type over r's range, into *r; r->type LK_UNLCK when none. */
void lock_rec_get(struct vnode *vn, const void *owner, struct lock_range *r);
/* F_SETLK/F_SETLKW: owner's locks over r's range become r->type, split and
 * merged as POSIX has them. owner is the process for POSIX locks (posix
 * set: a wait that would close a cycle of waiting processes is -EDEADLK,
 * as Linux's posix_locks_deadlock) or the open file description. 0,
 * -EAGAIN (a conflict and !wait), -EDEADLK, -ERESTARTSYS, -ENOMEM. */
int lock_rec_set(struct vnode *vn, const void *owner, int posix, const struct lock_range *r,
                 int wait);
/* The last reference to f is going: its flock and its open file
 * description's record locks go with it. */
void lock_file_close(struct file *f);
/* A process closed a descriptor of vn: its POSIX locks on vn go (POSIX's
 * rule, whichever descriptor it was; so also at exit). */
void lock_posix_release(struct vnode *vn, const void *owner);

/* --- epoll.c: epoll instances ---------------------------------------------- */
/* epoll_ctl's operations and the flags of an item's events besides the
 * POLL* bits (which EPOLLIN... equal), Linux's values. */
#define EPOLL_CTL_ADD  1
#define EPOLL_CTL_DEL  2
#define EPOLL_CTL_MOD  3
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP    (1u << 29)
#define EPOLLONESHOT   (1u << 30)
#define EPOLLET        (1u << 31)
/* A new epoll instance and the file that is it (O_RDWR): 0 and *out, or -ENOMEM. */
int epoll_create_file(struct file **out);
/* 1 when f is an epoll instance. */
int file_is_epoll(const struct file *f);
/* epoll_ctl on the instance ep (any open file: -EINVAL unless an epoll)
 * for the target file tf open at fd, with events and data (op ADD and
 * MOD): 0, -EPERM (tf cannot be polled), -EINVAL, -ELOOP, -EEXIST,
 * -ENOENT, -ENOMEM, as Linux. */
int epoll_ctl_file(struct file *ep, int op, int fd, struct file *tf, uint32_t events,
                   uint64_t data);
/* Report up to max (> 0) ready items into the program's array of struct
 * epoll_event at uev (max of them in the user window: user_range_ok),
 * sleeping until there is one, the clock_ns() deadline (0: none;
 * EPOLL_NOWAIT or one already past: do not sleep) or a signal: the count,
 * 0 on timeout, -EINTR, -EFAULT when none could be stored, or -EINVAL
 * when ep is not an epoll instance. The caller holds a reference on ep. */
#define EPOLL_NOWAIT 1
int epoll_wait_file(struct file *ep, void *uev, int max, uint64_t deadline);
/* The last reference to f is going: take it out of every instance that
 * watches it (file_unref). */
void epoll_file_gone(struct file *f);
/* The file of the nth (from 0) item of instance ep registered under
 * descriptor number fd (kcmp's KCMP_EPOLL_TFD; counted in the interest
 * list's order, as Linux counts in its tree's): 0 and *out (not
 * referenced), -EINVAL when ep is not an epoll instance, -ENOENT when
 * there is no such item. */
int epoll_target(struct file *ep, int fd, unsigned nth, struct file **out);

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
/* lseek's SEEK_DATA (data set) and SEEK_HOLE: the first page index from
 * idx on, below end, that holds data (the tree's or the source's) or is
 * a hole (never written, or truncated away); end when there is none. */
uint64_t pc_next(struct vnode *vn, uint64_t idx, uint64_t end, int data);
/* Page idx of vn, made if absent (VM_GET_* of vmobject.h say how): 0 and
 * *out, referenced, which the caller may write; 1 and *out, a page in
 * place to read only (not counted: no reference); -ENOENT (VM_GET_PEEK
 * where nothing is at hand), -ENOSPC (the file system refuses another
 * page: vnode_ops charge) or -ENOMEM. The first VM_GET_WRITE of a page
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
/* Pages vn's cache owns. */
uint64_t pc_file_pages(const struct vnode *vn);
/* The file whose cache o is (a file mapping's object), or NULL. */
struct vnode *pc_vnode(const struct vm_object *o);

/* --- inotify.c: inotify(7) instances and the events of the generic layer --- */
/* Linux's event bits (struct inotify_event's mask) and add_watch flags. */
#define IN_ACCESS        0x00000001
#define IN_MODIFY        0x00000002
#define IN_ATTRIB        0x00000004
#define IN_CLOSE_WRITE   0x00000008
#define IN_CLOSE_NOWRITE 0x00000010
#define IN_OPEN          0x00000020
#define IN_MOVED_FROM    0x00000040
#define IN_MOVED_TO      0x00000080
#define IN_CREATE        0x00000100
#define IN_DELETE        0x00000200
#define IN_DELETE_SELF   0x00000400
#define IN_MOVE_SELF     0x00000800
#define IN_ALL_EVENTS    0x00000fff
#define IN_UNMOUNT       0x00002000
#define IN_Q_OVERFLOW    0x00004000
#define IN_IGNORED       0x00008000
#define IN_ONLYDIR       0x01000000
#define IN_DONT_FOLLOW   0x02000000
#define IN_EXCL_UNLINK   0x04000000
#define IN_MASK_CREATE   0x10000000
#define IN_MASK_ADD      0x20000000
#define IN_ISDIR         0x40000000
#define IN_ONESHOT       0x80000000
struct inotify_mark;
/* Watches on directories anywhere: events on their entries (the events
 * Linux reports to a parent: access, modify, attrib, open, close) are
 * looked for only while there are some. */
extern uint32_t inotify_dir_marks;
/* Event mask (IN_ACCESS...IN_CLOSE_NOWRITE, IN_MOVE_SELF) happened to vn:
 * to vn's watches, and with its name to those of a watched directory
 * naming it. vn_notify is the hook: cheap while nothing is watched. */
void inotify_event(struct vnode *vn, uint32_t mask);
static inline void vn_notify(struct vnode *vn, uint32_t mask)
{
    if (vn->marks || (inotify_dir_marks && vn->mnt))
        inotify_event(vn, mask);
}
/* An event only vn's own watches hear of (its link count changed: Linux's
 * fsnotify_link_count gives IN_ATTRIB so). */
void inotify_self_event(struct vnode *vn, uint32_t mask);
static inline void vn_notify_self(struct vnode *vn, uint32_t mask)
{
    if (vn->marks)
        inotify_self_event(vn, mask);
}
/* Event mask (IN_CREATE, IN_DELETE, IN_MOVED_FROM, IN_MOVED_TO) happened
 * to dir's entry name, a node of mode, with cookie (0 but for renames):
 * to dir's watches. */
void inotify_name_event(struct vnode *dir, uint32_t mask, const char *name, size_t len,
                        uint32_t mode, uint32_t cookie);
static inline void dir_notify(struct vnode *dir, uint32_t mask, const char *name, size_t len,
                              uint32_t mode, uint32_t cookie)
{
    if (dir->marks)
        inotify_name_event(dir, mask, name, len, mode, cookie);
}
/* vnode.c: rename's change of names, (odir, oname) to (ndir, nname), over
 * the node named there if any (the caller checked that it may be), with
 * Linux's events: IN_MOVED_FROM and IN_MOVED_TO with one cookie, IN_ATTRIB
 * to the node replaced, IN_MOVE_SELF. 0, or dir_link's errors. */
int dir_move(struct vnode *odir, const char *oname, size_t olen, struct vnode *ndir,
             const char *nname, size_t nlen);
/* A new cookie tying a rename's IN_MOVED_FROM to its IN_MOVED_TO. */
uint32_t inotify_cookie(void);
/* vn (with watches) lost a name or a reference: once it has no name and
 * only its watches hold it, it is deleted as Linux's inode eviction has
 * it: IN_DELETE_SELF and IN_IGNORED to each watch, which goes. */
void inotify_vnode_check(struct vnode *vn);
/* References watches hold on m's vnodes (an unmount's check for use). */
uint64_t inotify_mount_refs(const struct mount *m);
/* m is being unmounted: IN_UNMOUNT and IN_IGNORED to each watch on it,
 * which goes. */
void inotify_unmount(struct mount *m);
/* A new instance (flags: O_NONBLOCK): 0 and *out, -EMFILE (Linux's 128
 * instances), -ENOMEM. */
int inotify_create(uint32_t flags, struct file **out);
/* Watch vn for the events of mask (and its IN_ONESHOT, IN_EXCL_UNLINK,
 * IN_MASK_ADD, IN_MASK_CREATE flags) in instance f: 0 and *wd (the same
 * for the same vnode), -EINVAL (f not an instance), -EEXIST
 * (IN_MASK_CREATE on a watched vnode), -ENOSPC, -ENOMEM. */
int inotify_add(struct file *f, struct vnode *vn, uint32_t mask, int *wd);
/* 1 when f is an inotify instance. */
int file_is_inotify(const struct file *f);
/* Remove watch wd of f (IN_IGNORED is queued): 0 or -EINVAL. */
int inotify_rm(struct file *f, int wd);

#endif
