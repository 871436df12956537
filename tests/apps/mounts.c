/* mounts: file-system types and the mount table (issue 16): mount(2) and
 * umount2(2) of tmpfs (size=, EBUSY, ENOSPC), devtmpfs and proc, ".."
 * across a mount point, EXDEV between file systems, /proc/mounts and
 * mountinfo, statfs per file system, and /proc made from the process
 * table (a live process and a reaped one). Run as root (pid 1 in Uniplex;
 * root on the host); each case works under a directory of its own.
 *
 * usage: mounts [CASE...] */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tcase.h"

#define ALARM_S     20
#define TMPFS_MAGIC 0x01021994
#define PROC_MAGIC  0x9fa0

/* A fresh directory for the case (name under /tmp). */
static const char *scratch(const char *name)
{
    static char path[128];
    snprintf(path, sizeof path, "/tmp/mounts-%s", name);
    T_EXPECT(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path, t_errname(errno));
    return path;
}

/* The case's directory goes at its end (rmdir: it must be empty). */
static void unscratch(const char *path)
{
    T_EXPECT(rmdir(path) == 0, "rmdir %s: %s", path, t_errname(errno));
}

static void expect_errno(int r, int e, const char *what)
{
    T_EXPECT(r == -1 && errno == e, "%s: %d/%s, expected %s", what, r, t_errname(errno),
             t_errname(e));
}

static void mount_tmpfs(const char *dir, const char *opts)
{
    T_EXPECT(mount("none", dir, "tmpfs", 0, opts) == 0, "mount tmpfs on %s (%s): %s", dir,
             opts ? opts : "", t_errname(errno));
}

static void put_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    T_EXPECT(fd >= 0, "create %s: %s", path, t_errname(errno));
    T_EXPECT(write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write %s", path);
    close(fd);
}

/* 1 when /proc/mounts (or mountinfo) has a line with needle in it. */
static int mounts_have(const char *file, const char *needle)
{
    static char buf[16384];
    int fd = open(file, O_RDONLY);
    T_EXPECT(fd >= 0, "open %s: %s", file, t_errname(errno));
    ssize_t n, k = 0;
    while ((n = read(fd, buf + k, sizeof buf - 1 - (size_t)k)) > 0)
        k += n;
    close(fd);
    buf[k] = 0;
    return strstr(buf, needle) != 0;
}

static void case_tmpfs_mount_umount(void)
{
    const char *d = scratch("mu");
    char file[160], line[200];
    struct stat top, in;
    struct statfs sf;
    T_EXPECT(stat("/tmp", &top) == 0, "stat /tmp");
    mount_tmpfs(d, "size=64k,mode=700");
    snprintf(file, sizeof file, "%s/f", d);
    put_file(file, "hello");
    T_EXPECT(stat(d, &in) == 0 && in.st_dev != top.st_dev, "the mount has /tmp's st_dev");
    T_EXPECT((in.st_mode & 07777) == 0700, "mode=700 gave %o", in.st_mode & 07777);
    T_EXPECT(statfs(file, &sf) == 0 && sf.f_type == TMPFS_MAGIC, "statfs type %lx",
             (long)sf.f_type);
    T_EXPECT(sf.f_blocks * sf.f_bsize == 65536, "size=64k: %llu blocks of %ld",
             (unsigned long long)sf.f_blocks, (long)sf.f_bsize);
    snprintf(line, sizeof line, " %s tmpfs ", d);
    T_EXPECT(mounts_have("/proc/mounts", line), "no \"%s\" in /proc/mounts", line);
    snprintf(line, sizeof line, " / %s rw", d);
    T_EXPECT(mounts_have("/proc/self/mountinfo", line), "no \"%s\" in mountinfo", line);
    snprintf(line, sizeof line, " %s tmpfs ", d);
    T_EXPECT(umount(d) == 0, "umount: %s", t_errname(errno));
    T_EXPECT(access(file, F_OK) != 0 && errno == ENOENT, "the file outlived its mount");
    T_EXPECT(!mounts_have("/proc/mounts", line), "still in /proc/mounts");
    T_EXPECT(stat(d, &in) == 0 && in.st_dev == top.st_dev, "the mount point is not back");
    unscratch(d);
}

static void case_umount_busy(void)
{
    const char *d = scratch("busy");
    char file[160];
    mount_tmpfs(d, 0);
    snprintf(file, sizeof file, "%s/f", d);
    put_file(file, "x");
    int fd = open(file, O_RDONLY);
    T_EXPECT(fd >= 0, "open: %s", t_errname(errno));
    expect_errno(umount(d), EBUSY, "umount with an open file");
    close(fd);
    T_EXPECT(chdir(d) == 0, "chdir: %s", t_errname(errno));
    expect_errno(umount(d), EBUSY, "umount with the cwd in it");
    T_EXPECT(chdir("/") == 0, "chdir /");
    expect_errno(rmdir(d), EBUSY, "rmdir of a mount point");
    T_EXPECT(umount(d) == 0, "umount once idle: %s", t_errname(errno));
    expect_errno(umount(d), EINVAL, "umount of a directory that is no mount");
    unscratch(d);
}

static void case_exdev(void)
{
    const char *d = scratch("xdev");
    char a[160], b[160];
    mount_tmpfs(d, 0);
    snprintf(a, sizeof a, "%s/a", d);
    put_file(a, "data");
    snprintf(b, sizeof b, "/tmp/mounts-xdev-b");
    expect_errno(rename(a, b), EXDEV, "rename out of the mount");
    expect_errno(link(a, b), EXDEV, "link out of the mount");
    expect_errno(rename("/tmp/mounts-xdev-none", a), EXDEV, "rename into the mount");
    T_EXPECT(umount(d) == 0, "umount: %s", t_errname(errno));
    unscratch(d);
}

static void case_dotdot_crosses(void)
{
    const char *d = scratch("dotdot");
    char cwd[256];
    struct stat up, tmp;
    mount_tmpfs(d, 0);
    T_EXPECT(chdir(d) == 0, "chdir: %s", t_errname(errno));
    T_EXPECT(getcwd(cwd, sizeof cwd) && strcmp(cwd, d) == 0, "getcwd %s", cwd);
    T_EXPECT(stat("..", &up) == 0 && stat("/tmp", &tmp) == 0, "stat ..");
    T_EXPECT(up.st_ino == tmp.st_ino && up.st_dev == tmp.st_dev,
             ".. of the mount's root is not /tmp");
    T_EXPECT(chdir("/") == 0, "chdir /");
    T_EXPECT(umount(d) == 0, "umount: %s", t_errname(errno));
    unscratch(d);
}

/* size= is a hard limit: writes stop with ENOSPC, everything else intact,
 * and the space comes back with the file. */
static void case_enospc(void)
{
    const char *d = scratch("full");
    char a[160], b[160], buf[4096];
    memset(buf, 'z', sizeof buf);
    mount_tmpfs(d, "size=16k");
    snprintf(a, sizeof a, "%s/a", d);
    snprintf(b, sizeof b, "%s/b", d);
    put_file(b, "keep me");
    int fd = open(a, O_WRONLY | O_CREAT, 0644);
    ssize_t n = 0, r;
    for (int i = 0; i < 8 && (r = write(fd, buf, sizeof buf)) > 0; i++)
        n += r;
    T_EXPECT(n > 0 && n <= 16384, "wrote %zd bytes into 16 KiB", n);
    expect_errno((int)write(fd, buf, sizeof buf), ENOSPC, "write past size=");
    close(fd);
    fd = open(b, O_RDONLY);
    T_EXPECT(fd >= 0 && read(fd, buf, sizeof buf) == 7 && memcmp(buf, "keep me", 7) == 0,
             "the other file changed");
    close(fd);
    T_EXPECT(unlink(a) == 0, "unlink");
    fd = open(a, O_WRONLY | O_CREAT, 0644);
    T_EXPECT(write(fd, buf, 4096) == 4096, "no room after the unlink: %s", t_errname(errno));
    close(fd);
    T_EXPECT(umount(d) == 0, "umount: %s", t_errname(errno));
    unscratch(d);
}

static void case_bad_mounts(void)
{
    const char *d = scratch("bad");
    char file[160];
    snprintf(file, sizeof file, "%s/file", d);
    put_file(file, "x");
    expect_errno(mount("none", file, "tmpfs", 0, 0), ENOTDIR, "mount on a file");
    expect_errno(mount("none", d, "nosuchfs", 0, 0), ENODEV, "unknown type");
    expect_errno(mount("none", d, "tmpfs", 0, "size=12q"), EINVAL, "bad size");
    expect_errno(mount("none", d, "tmpfs", 0, "bogus=1"), EINVAL, "unknown option");
    expect_errno(mount("none", d, (const char *)8, 0, 0), EFAULT, "type at a bad address");
    expect_errno(mount("none", (const char *)8, "tmpfs", 0, 0), EFAULT, "target at a bad address");
    expect_errno(mount("none", "/nonexistent/x", "tmpfs", 0, 0), ENOENT, "missing target");
    expect_errno(umount((const char *)8), EFAULT, "umount of a bad address");
    expect_errno(umount2(d, 0x100), EINVAL, "umount2 with an unknown flag");
    T_EXPECT(unlink(file) == 0, "unlink");
    unscratch(d);
}

static void case_unprivileged(void)
{
    T_EXPECT(setuid(1000) == 0, "setuid: %s", t_errname(errno));
    expect_errno(mount("none", "/tmp", "tmpfs", 0, 0), EPERM, "mount as a user");
    expect_errno(umount("/tmp"), EPERM, "umount as a user");
}

static void case_proc_and_devtmpfs(void)
{
    const char *d = scratch("proc");
    char path[160], link[32], want[32];
    struct statfs sf;
    T_EXPECT(mount("proc", d, "proc", 0, 0) == 0, "mount proc: %s", t_errname(errno));
    snprintf(path, sizeof path, "%s/self", d);
    ssize_t n = readlink(path, link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof want, "%d", getpid());
    T_EXPECT(strcmp(link, want) == 0, "self -> %s, pid %s", link, want);
    T_EXPECT(statfs(d, &sf) == 0 && sf.f_type == PROC_MAGIC, "statfs proc %lx", (long)sf.f_type);
    expect_errno(mkdir(path, 0755), EEXIST, "mkdir over proc's self");
    T_EXPECT(umount(d) == 0, "umount proc: %s", t_errname(errno));
    T_EXPECT(mount("dev", d, "devtmpfs", 0, 0) == 0, "mount devtmpfs: %s", t_errname(errno));
    snprintf(path, sizeof path, "%s/null", d);
    int fd = open(path, O_WRONLY);
    T_EXPECT(fd >= 0 && write(fd, "x", 1) == 1, "devtmpfs's null: %s", t_errname(errno));
    close(fd);
    T_EXPECT(umount(d) == 0, "umount devtmpfs: %s", t_errname(errno));
    unscratch(d);
}

/* /proc/<pid> exists while the process does (a zombie too) and its open
 * files read as ESRCH once it is reaped. */
static void case_proc_reaped(void)
{
    char path[64], buf[512];
    pid_t pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY);
    T_EXPECT(fd >= 0, "open %s: %s", path, t_errname(errno));
    ssize_t n = read(fd, buf, sizeof buf - 1);
    T_EXPECT(n > 0 && atoi(buf) == pid, "read a live process's stat: %zd", n);
    kill(pid, SIGKILL);
    usleep(20000);
    snprintf(path, sizeof path, "/proc/%d", pid);
    struct stat st;
    T_EXPECT(stat(path, &st) == 0, "a zombie's /proc directory is gone: %s", t_errname(errno));
    T_EXPECT(waitpid(pid, 0, 0) == pid, "waitpid");
    T_EXPECT(lseek(fd, 0, SEEK_SET) == 0, "lseek");
    expect_errno((int)read(fd, buf, sizeof buf), ESRCH, "read of a reaped process's stat");
    close(fd);
    expect_errno(stat(path, &st), ENOENT, "stat of a reaped process's directory");
}

/* readdir of /proc lists the live processes, and their task directories
 * their threads. */
static void case_proc_readdir(void)
{
    char want[16];
    int seen = 0;
    snprintf(want, sizeof want, "%d", getpid());
    DIR *dir = opendir("/proc");
    T_EXPECT(dir, "opendir /proc: %s", t_errname(errno));
    for (struct dirent *e; (e = readdir(dir));)
        seen |= strcmp(e->d_name, want) == 0;
    closedir(dir);
    T_EXPECT(seen, "%s not listed in /proc", want);
    char task[64];
    snprintf(task, sizeof task, "/proc/self/task/%d/comm", getpid());
    T_EXPECT(access(task, R_OK) == 0, "%s: %s", task, t_errname(errno));
}

/* MS_RDONLY: every change is EROFS, reads work, devices still open for
 * writing; remount rw gives the changes back, and remount size= checks
 * what the files hold. */
static void case_readonly_remount(void)
{
    const char *d = scratch("ro");
    char a[160], b[160], buf[8];
    struct statfs sf;
    mount_tmpfs(d, "size=64k");
    snprintf(a, sizeof a, "%s/a", d);
    snprintf(b, sizeof b, "%s/b", d);
    put_file(a, "text");
    T_EXPECT(mount("none", d, "tmpfs", MS_REMOUNT | MS_RDONLY, 0) == 0, "remount ro: %s",
             t_errname(errno));
    T_EXPECT(statfs(d, &sf) == 0 && (sf.f_flags & ST_RDONLY), "statfs: not ST_RDONLY");
    expect_errno(open(b, O_WRONLY | O_CREAT, 0644), EROFS, "create on ro");
    expect_errno(open(a, O_WRONLY), EROFS, "open for writing on ro");
    expect_errno(open(a, O_RDONLY | O_TRUNC), EROFS, "O_TRUNC on ro");
    expect_errno(unlink(a), EROFS, "unlink on ro");
    expect_errno(mkdir(b, 0755), EROFS, "mkdir on ro");
    expect_errno(rename(a, b), EROFS, "rename on ro");
    expect_errno(chmod(a, 0600), EROFS, "chmod on ro");
    expect_errno(truncate(a, 0), EROFS, "truncate on ro");
    int fd = open(a, O_RDONLY);
    T_EXPECT(fd >= 0 && read(fd, buf, sizeof buf) == 4, "read on ro: %s", t_errname(errno));
    close(fd);
    T_EXPECT(mount("none", d, "tmpfs", MS_REMOUNT, "size=1k") == 0, "remount rw: %s",
             t_errname(errno));
    T_EXPECT(truncate(a, 2) == 0, "truncate once rw: %s", t_errname(errno));
    struct stat st;
    T_EXPECT(stat(a, &st) == 0 && st.st_size == 2, "truncate(2) left %lld bytes",
             (long long)st.st_size);
    expect_errno(truncate(d, 0), EISDIR, "truncate of a directory");
    expect_errno(mount("none", a, "tmpfs", MS_REMOUNT, 0), EINVAL, "remount of no mount");
    T_EXPECT(unlink(a) == 0, "unlink once rw: %s", t_errname(errno));
    T_EXPECT(umount(d) == 0, "umount: %s", t_errname(errno));
    unscratch(d);
}

/* nodev: device nodes do not open (EACCES); noexec: programs do not run
 * (EACCES) nor map executable (EPERM). */
static void case_nodev_noexec(void)
{
    const char *d = scratch("nx");
    char node[160], prog[160];
    mount_tmpfs(d, 0);
    T_EXPECT(mount("none", d, "tmpfs", MS_REMOUNT | MS_NODEV | MS_NOEXEC, 0) == 0,
             "remount nodev,noexec: %s", t_errname(errno));
    snprintf(node, sizeof node, "%s/null", d);
    T_EXPECT(mknod(node, S_IFCHR | 0666, makedev(1, 3)) == 0, "mknod: %s", t_errname(errno));
    expect_errno(open(node, O_WRONLY), EACCES, "open of a device on nodev");
    snprintf(prog, sizeof prog, "%s/prog", d);
    put_file(prog, "#!/bin/sh\nexit 0\n");
    T_EXPECT(chmod(prog, 0755) == 0, "chmod");
    char *argv[] = {prog, 0};
    execv(prog, argv);
    T_EXPECT(errno == EACCES, "exec on noexec: %s", t_errname(errno));
    int fd = open(prog, O_RDONLY);
    void *p = mmap(0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    T_EXPECT(p == MAP_FAILED && errno == EPERM, "PROT_EXEC mapping on noexec: %s",
             p == MAP_FAILED ? t_errname(errno) : "mapped");
    close(fd);
    T_EXPECT(unlink(node) == 0 && unlink(prog) == 0, "unlink");
    T_EXPECT(umount(d) == 0, "umount: %s", t_errname(errno));
    unscratch(d);
}

/* A directory renamed into another keeps ".." right (its new parent), and
 * a directory cannot go below itself. */
static void case_rename_dir_parent(void)
{
    const char *d = scratch("rdir");
    char a[160], b[160], bsub[200], up[220];
    struct stat st_b, st_up;
    snprintf(a, sizeof a, "%s/a", d);
    snprintf(b, sizeof b, "%s/b", d);
    T_EXPECT(mkdir(a, 0755) == 0 && mkdir(b, 0755) == 0, "mkdir: %s", t_errname(errno));
    snprintf(bsub, sizeof bsub, "%s/a", b);
    T_EXPECT(rename(a, bsub) == 0, "rename: %s", t_errname(errno));
    snprintf(up, sizeof up, "%s/..", bsub);
    T_EXPECT(stat(b, &st_b) == 0 && stat(up, &st_up) == 0 && st_b.st_ino == st_up.st_ino,
             "\"..\" of the moved directory is not its new parent");
    snprintf(up, sizeof up, "%s/a/b", b);
    expect_errno(rename(b, up), EINVAL, "rename of a directory below itself");
    T_EXPECT(rmdir(bsub) == 0 && rmdir(b) == 0, "rmdir: %s", t_errname(errno));
    unscratch(d);
}

static void expect_link(const char *path, const char *want, int prefix)
{
    char buf[256];
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    T_EXPECT(n > 0 && (prefix ? strncmp(buf, want, strlen(want)) == 0 : strcmp(buf, want) == 0),
             "%s -> \"%s\", expected %s\"%s\"", path, buf, prefix ? "a start of " : "", want);
}

/* /proc/<pid>/fd/N, cwd and root lead to the object itself (open through
 * them reaches the same file), and read as its path, or pipe:[ino]. */
static void case_proc_fd_links(void)
{
    const char *d = scratch("fdl");
    char file[160], link[64], buf[16];
    int pfd[2];
    snprintf(file, sizeof file, "%s/data", d);
    put_file(file, "contents");
    int fd = open(file, O_RDONLY);
    T_EXPECT(fd >= 0 && pipe(pfd) == 0, "open, pipe: %s", t_errname(errno));
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    expect_link(link, file, 0);
    int fd2 = open(link, O_RDONLY);
    T_EXPECT(fd2 >= 0 && read(fd2, buf, 8) == 8 && memcmp(buf, "contents", 8) == 0,
             "open through %s: %s", link, t_errname(errno));
    close(fd2);
    snprintf(link, sizeof link, "/proc/self/fd/%d", pfd[0]);
    expect_link(link, "pipe:[", 1);
    int rfd = open(link, O_RDONLY); /* the same pipe, opened again (as a FIFO is) */
    T_EXPECT(rfd >= 0 && write(pfd[1], "pp", 2) == 2 && read(rfd, buf, 2) == 2 &&
                 memcmp(buf, "pp", 2) == 0,
             "reading a pipe reopened through %s: %s", link, t_errname(errno));
    close(pfd[1]);
    T_EXPECT(read(rfd, buf, 1) == 0, "no end of file once the only writer closed");
    close(rfd);
    T_EXPECT(chdir(d) == 0, "chdir");
    expect_link("/proc/self/cwd", d, 0);
    expect_link("/proc/self/root", "/", 0);
    expect_link("/dev/stdin", "/proc/self/fd/0", 0);
    struct stat a, b;
    T_EXPECT(stat("/proc/self/cwd/data", &a) == 0 && stat(file, &b) == 0 && a.st_ino == b.st_ino,
             "/proc/self/cwd/data is not the file");
    snprintf(link, sizeof link, "/proc/self/fd/%d", 999);
    expect_errno(open(link, O_RDONLY), ENOENT, "a descriptor that is not open");
    T_EXPECT(chdir("/") == 0 && unlink(file) == 0, "cleanup");
    close(fd);
    unscratch(d);
}

/* The whole text of a /proc file (at most 16 KiB). */
static const char *slurp(const char *path)
{
    static char buf[16384];
    int fd = open(path, O_RDONLY);
    ssize_t n, k = 0;
    T_EXPECT(fd >= 0, "open %s: %s", path, t_errname(errno));
    while ((n = read(fd, buf + k, sizeof buf - 1 - (size_t)k)) > 0)
        k += n;
    close(fd);
    buf[k] = 0;
    return buf;
}

/* /proc/self/maps names the program's own file on an executable line and
 * the stack; /proc/self/limits shows RLIMIT_NOFILE as getrlimit does;
 * /proc/filesystems lists tmpfs. */
static void case_proc_maps_limits(void)
{
    char exe[256], want[64];
    struct rlimit rl;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    const char *maps = slurp("/proc/self/maps");
    const char *line = strstr(maps, " r-xp ");
    T_EXPECT(n > 0 && line && strstr(line, exe), "no r-xp line of %s in maps", exe);
    T_EXPECT(strstr(maps, "[stack]"), "no [stack] in maps");
    T_EXPECT(strstr(slurp("/proc/filesystems"), "\ttmpfs\n"), "no tmpfs in /proc/filesystems");
    T_EXPECT(getrlimit(RLIMIT_NOFILE, &rl) == 0, "getrlimit");
    const char *lim = strstr(slurp("/proc/self/limits"), "Max open files");
    snprintf(want, sizeof want, "%llu", (unsigned long long)rl.rlim_cur);
    T_EXPECT(lim && strstr(lim, want) && strstr(lim, want) < strchr(lim, '\n'),
             "limits: no \"%s\" on the Max open files line", want);
}

/* Linux's struct statx, spelled out: musl 1.2.3's headers lack it. */
struct statx_ts {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};
struct statx_k {
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, spare0;
    uint64_t ino, size, blocks, attributes_mask;
    struct statx_ts atime, btime, ctime, mtime;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t mnt_id, spare[13];
};
#define STATX_BASIC 0x7ffu

/* statx(2) reports what stat does, and refuses unknown flags, both sync
 * types at once and the reserved mask bit. */
static void case_statx(void)
{
    struct statx_k sx;
    struct stat st;
    T_EXPECT(syscall(SYS_statx, AT_FDCWD, "/proc/self/exe", 0, STATX_BASIC, &sx) == 0, "statx: %s",
             t_errname(errno));
    T_EXPECT(stat("/proc/self/exe", &st) == 0, "stat");
    T_EXPECT((sx.mask & STATX_BASIC) == STATX_BASIC, "mask %x", sx.mask);
    T_EXPECT(sx.ino == st.st_ino && sx.size == (uint64_t)st.st_size && sx.mode == st.st_mode &&
                 sx.nlink == st.st_nlink && makedev(sx.dev_major, sx.dev_minor) == st.st_dev &&
                 sx.mtime.tv_sec == st.st_mtime,
             "statx and stat differ");
    expect_errno((int)syscall(SYS_statx, AT_FDCWD, "/", 0x6000, STATX_BASIC, &sx), EINVAL,
                 "both sync types");
    expect_errno((int)syscall(SYS_statx, AT_FDCWD, "/", 0x8, STATX_BASIC, &sx), EINVAL,
                 "an unknown flag");
    expect_errno((int)syscall(SYS_statx, AT_FDCWD, "/", 0, 0x80000000u, &sx), EINVAL,
                 "STATX__RESERVED");
    expect_errno((int)syscall(SYS_statx, AT_FDCWD, "/", 0, STATX_BASIC, (void *)8), EFAULT,
                 "a bad buffer");
    int fd = open("/", O_RDONLY);
    T_EXPECT(syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC, &sx) == 0 && S_ISDIR(sx.mode),
             "AT_EMPTY_PATH: %s", t_errname(errno));
    close(fd);
}

static const struct t_case cases[] = {
    {"tmpfs_mount_umount", case_tmpfs_mount_umount},
    {"umount_busy", case_umount_busy},
    {"rename_link_exdev", case_exdev},
    {"dotdot_crosses", case_dotdot_crosses},
    {"tmpfs_size_enospc", case_enospc},
    {"bad_mounts", case_bad_mounts},
    {"unprivileged", case_unprivileged},
    {"proc_and_devtmpfs", case_proc_and_devtmpfs},
    {"proc_reaped", case_proc_reaped},
    {"proc_readdir", case_proc_readdir},
    {"readonly_remount", case_readonly_remount},
    {"nodev_noexec", case_nodev_noexec},
    {"rename_dir_parent", case_rename_dir_parent},
    {"proc_fd_links", case_proc_fd_links},
    {"proc_maps_limits", case_proc_maps_limits},
    {"statx", case_statx},
};

int main(int argc, char **argv)
{
    if (getuid() != 0) {
        printf("mounts: must run as root\n");
        return 1;
    }
    return t_run_cases("mounts", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, T_CASE_GROUP,
                       argc, argv);
}
