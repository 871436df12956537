/* files: file-system calls on /tmp and the device files, with their errors.
 *
 * Run as `files` (UNIPLEX=1 inside the kernel enables the console-is-a-tty
 * and cwd-is-/ cases). Works in a fresh directory /tmp/files-XXXXXX that is
 * removed at the end. Error cases that pass bad pointers use raw syscall()
 * so that the kernel, not libc, is what sees them. `files --tcsetsf` is
 * the one case that needs typed input (see tcsetsf_mode). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "t.h"

#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif

#define KERNEL_PTR   ((void *)0xffff800000001000UL)
#define NONCANON_PTR ((void *)0x0000800000000000UL)

static char workdir[32] = "/tmp/files-XXXXXX";

/* workdir/name in one of four rotating buffers, so a call can take two. */
static const char *P(const char *name)
{
    static char buf[4][PATH_MAX];
    static int i;

    i = (i + 1) & 3;
    snprintf(buf[i], sizeof buf[i], "%s/%s", workdir, name);
    return buf[i];
}

/* Creates (or truncates) workdir/name holding data; 0 on success. */
static int put(const char *name, const char *data)
{
    int fd = open(P(name), O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0)
        return -1;
    ssize_t len = (ssize_t)strlen(data);
    int r = write(fd, data, (size_t)len) == len ? 0 : -1;
    close(fd);
    return r;
}

/* Reads up to n-1 bytes of path into buf as a string; the length or -1. */
static ssize_t get(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t r = read(fd, buf, n - 1);
    buf[r < 0 ? 0 : r] = '\0';
    close(fd);
    return r;
}

static int same_inode(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_ino == sb.st_ino &&
           sa.st_dev == sb.st_dev;
}

static off_t tell(int fd)
{
    return lseek(fd, 0, SEEK_CUR);
}

static void check_create(void)
{
    struct stat st;

    umask(0);
    int fd = open(P("a"), O_CREAT | O_EXCL | O_RDWR, 0640);
    CHECK_SYS("create_excl", fd);
    CHECK("create_mode",
          fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0640 &&
              st.st_size == 0,
          "expected a regular file, mode 0640, size 0, got mode %o size %lld", (unsigned)st.st_mode,
          (long long)st.st_size);
    CHECK_ERR("create_excl_exists", open(P("a"), O_CREAT | O_EXCL | O_RDWR, 0640), EEXIST);
    close(fd);
    umask(027);
    fd = open(P("um"), O_CREAT | O_WRONLY, 0666);
    CHECK("umask_applied", fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0640,
          "expected mode 0640 under umask 027, got %o", (unsigned)st.st_mode & 0777);
    close(fd);
    CHECK("umask_old", umask(0) == 027, "expected umask() to return the previous 027");
}

/* Write, read back and every lseek form, on workdir/a (left 4099 bytes). */
static void check_rw_seek(void)
{
    char buf[128];
    int fd = open(P("a"), O_RDWR);

    CHECK("write", write(fd, "hello world", 11) == 11, "expected 11 bytes written (%s)",
          t_errname(errno));
    CHECK("lseek_set0", lseek(fd, 0, SEEK_SET) == 0, "expected offset 0");
    ssize_t n = read(fd, buf, sizeof buf);
    CHECK("read_back", n == 11 && memcmp(buf, "hello world", 11) == 0,
          "expected \"hello world\", got %zd bytes", n);
    CHECK("read_eof", read(fd, buf, sizeof buf) == 0, "expected 0 at end of file");
    n = (lseek(fd, 6, SEEK_SET) == 6) ? read(fd, buf, 5) : -1;
    CHECK("lseek_set", n == 5 && memcmp(buf, "world", 5) == 0, "expected \"world\" at 6");
    CHECK("lseek_cur", lseek(fd, -5, SEEK_CUR) == 6, "expected 6");
    CHECK("lseek_end", lseek(fd, 0, SEEK_END) == 11 && lseek(fd, -5, SEEK_END) == 6,
          "expected 11 and 6");
    CHECK_ERR("lseek_negative", lseek(fd, -1, SEEK_SET), EINVAL);
    CHECK_ERR("lseek_whence", lseek(fd, 0, 99), EINVAL);

    /* Past the end: the gap reads back as zeros. */
    CHECK("lseek_past_end", lseek(fd, 100, SEEK_SET) == 100 && write(fd, "X", 1) == 1,
          "expected to write at 100");
    n = pread(fd, buf, 101, 0);
    int zeros = 1;
    for (int i = 11; i < 100; i++)
        zeros &= buf[i] == 0;
    CHECK("hole_zero", n == 101 && zeros && buf[100] == 'X',
          "expected 101 bytes, zeros in 11..99 and X, got %zd bytes", n);

    CHECK("pwrite", pwrite(fd, "abc", 3, 4096) == 3 && tell(fd) == 101,
          "expected 3 bytes and the offset still 101, got offset %lld", (long long)tell(fd));
    n = pread(fd, buf, 3, 4096);
    CHECK("pread", n == 3 && memcmp(buf, "abc", 3) == 0 && tell(fd) == 101,
          "expected \"abc\" and the offset unchanged");
    CHECK("pread_eof", pread(fd, buf, 3, 5000) == 0, "expected 0 past the end");
    CHECK_ERR("pread_negative", pread(fd, buf, 3, -1), EINVAL);
    struct stat st;
    CHECK("fstat_size", fstat(fd, &st) == 0 && st.st_size == 4099 && st.st_nlink == 1,
          "expected size 4099, 1 link, got %lld, %lu", (long long)st.st_size,
          (unsigned long)st.st_nlink);
    close(fd);
    CHECK("stat_size", stat(P("a"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 4099,
          "expected a regular file of 4099 bytes");
}

static void check_vectors(void)
{
    char x[4] = "", y[4] = "";
    struct iovec out[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
    struct iovec in[2] = {{x, 3}, {y, 3}};
    int fd = open(P("v"), O_CREAT | O_RDWR, 0600);

    CHECK("writev", writev(fd, out, 3) == 6, "expected 6 bytes");
    lseek(fd, 0, SEEK_SET);
    CHECK("readv", readv(fd, in, 2) == 6 && strcmp(x, "abc") == 0 && strcmp(y, "def") == 0,
          "expected \"abc\" \"def\", got \"%s\" \"%s\"", x, y);
    close(fd);
}

static void check_rename_unlink(void)
{
    struct stat st;

    CHECK_SYS("rename", rename(P("a"), P("b")));
    CHECK_ERR("rename_old_gone", stat(P("a"), &st), ENOENT);
    CHECK("rename_new", stat(P("b"), &st) == 0 && st.st_size == 4099, "expected b with 4099 bytes");
    put("c", "cc");
    CHECK("rename_replace",
          rename(P("c"), P("b")) == 0 && stat(P("b"), &st) == 0 && st.st_size == 2,
          "expected b replaced by the 2-byte c");
    CHECK_ERR("rename_missing", rename(P("c"), P("d")), ENOENT);
    CHECK_SYS("unlink", unlink(P("b")));
    CHECK_ERR("unlink_open_enoent", open(P("b"), O_RDONLY), ENOENT);
    CHECK_ERR("unlink_again", unlink(P("b")), ENOENT);
}

static void check_dirs(void)
{
    struct stat st;

    CHECK_SYS("mkdir", mkdir(P("d"), 0755));
    CHECK("mkdir_isdir", stat(P("d"), &st) == 0 && S_ISDIR(st.st_mode), "expected a directory");
    CHECK_ERR("mkdir_exists", mkdir(P("d"), 0755), EEXIST);
    CHECK_ERR("unlink_dir", unlink(P("d")), EISDIR);
    CHECK_ERR("rmdir_dot", rmdir(P("d/.")), EINVAL);
    put("d/f", "x");
    CHECK_ERR("rmdir_notempty", rmdir(P("d")), ENOTEMPTY);
    unlink(P("d/f"));
    CHECK_SYS("rmdir", rmdir(P("d")));
    CHECK_ERR("rmdir_gone", stat(P("d"), &st), ENOENT);
    put("f", "data");
    CHECK_ERR("rmdir_file", rmdir(P("f")), ENOTDIR);
    CHECK_ERR("open_dir_wronly", open(workdir, O_WRONLY), EISDIR);
    CHECK_ERR("open_dir_rdwr", open(workdir, O_RDWR), EISDIR);
    int fd = open(workdir, O_RDONLY);
    char c;
    CHECK_ERR("read_dir", read(fd, &c, 1), EISDIR);
    close(fd);
}

/* A directory's link count is Linux's: 2 and one per subdirectory (its
 * ".."), through mkdir, rename and rmdir; 0 once removed. */
static void check_dir_nlink(void)
{
    struct stat n, a, gone;

    mkdir(P("n"), 0755);
    mkdir(P("n/a"), 0755);
    mkdir(P("n/b"), 0755);
    put("n/f", "x");
    CHECK("dir_nlink_subdirs", stat(P("n"), &n) == 0 && n.st_nlink == 4,
          "n with 2 subdirectories: nlink %lu, expected 4", (unsigned long)n.st_nlink);
    rename(P("n/b"), P("n/a/b"));
    CHECK("dir_nlink_rename",
          stat(P("n"), &n) == 0 && n.st_nlink == 3 && stat(P("n/a"), &a) == 0 && a.st_nlink == 3,
          "after moving n/b to n/a/b: nlink %lu and %lu, expected 3 and 3",
          (unsigned long)n.st_nlink, (unsigned long)a.st_nlink);
    int fd = open(P("n/a/b"), O_RDONLY | O_DIRECTORY);
    rmdir(P("n/a/b"));
    CHECK("dir_nlink_rmdir",
          fstat(fd, &gone) == 0 && gone.st_nlink == 0 && stat(P("n/a"), &a) == 0 && a.st_nlink == 2,
          "removed n/a/b: nlink %lu (expected 0), n/a: %lu (expected 2)",
          (unsigned long)gone.st_nlink, (unsigned long)a.st_nlink);
    close(fd);
    unlink(P("n/f"));
    rmdir(P("n/a"));
    rmdir(P("n"));
}

/* A directory holding f1 f2 f3: each name is listed once, with . and .. */
static void check_readdir(void)
{
    const char *want[] = {".", "..", "f1", "f2", "f3"};
    int seen[5] = {0}, other = 0;

    mkdir(P("r"), 0755);
    put("r/f1", "1");
    put("r/f2", "22");
    put("r/f3", "333");
    DIR *d = opendir(P("r"));
    if (!d) {
        t_fail("readdir", "opendir failed: %s", t_errname(errno));
        return;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        int k = -1;
        for (int i = 0; i < 5; i++)
            if (strcmp(e->d_name, want[i]) == 0)
                k = i;
        if (k < 0)
            other++;
        else
            seen[k]++;
    }
    closedir(d);
    CHECK("readdir",
          other == 0 && seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 1 &&
              seen[4] == 1,
          "expected . .. f1 f2 f3 once each, got %d %d %d %d %d and %d others", seen[0], seen[1],
          seen[2], seen[3], seen[4], other);
    errno = 0;
    d = opendir(P("f"));
    CHECK("opendir_file", d == NULL && errno == ENOTDIR, "expected NULL/ENOTDIR, got %p/%s",
          (void *)d, t_errname(errno));
    if (d)
        closedir(d);
}

static void check_cwd(void)
{
    char saved[PATH_MAX], buf[PATH_MAX];

    if (t_uniplex())
        CHECK("cwd_root", getcwd(buf, sizeof buf) && strcmp(buf, "/") == 0,
              "expected \"/\" at start");
    else
        t_skip_host("cwd_root");
    if (!getcwd(saved, sizeof saved)) {
        t_fail("getcwd", "expected the cwd, got %s", t_errname(errno));
        return;
    }
    CHECK("chdir", chdir(workdir) == 0 && getcwd(buf, sizeof buf) && strcmp(buf, workdir) == 0,
          "expected cwd %s, got %s", workdir, buf);
    int fd = open("rel", O_CREAT | O_WRONLY, 0644);
    close(fd);
    CHECK("open_relative", fd >= 0 && access(P("rel"), F_OK) == 0,
          "expected rel created in the new cwd");
    CHECK("chdir_dotdot", chdir("..") == 0 && getcwd(buf, sizeof buf) && strcmp(buf, "/tmp") == 0,
          "expected /tmp, got %s", buf);
    CHECK("chdir_root_dotdot",
          chdir("/..") == 0 && getcwd(buf, sizeof buf) && strcmp(buf, "/") == 0,
          "expected /, got %s", buf);
    CHECK_ERR("getcwd_erange", syscall(SYS_getcwd, buf, 1), ERANGE);
    CHECK_ERR("chdir_file", chdir(P("f")), ENOTDIR);
    CHECK_ERR("chdir_missing", chdir(P("missing")), ENOENT);
    CHECK_SYS("chdir_back", chdir(saved));
}

static void check_symlinks(void)
{
    char buf[64];
    struct stat st;

    put("target", "target-data");
    CHECK_SYS("symlink", symlink("target", P("l")));
    ssize_t n = readlink(P("l"), buf, sizeof buf);
    CHECK("readlink", n == 6 && memcmp(buf, "target", 6) == 0, "expected \"target\" (6), got %zd",
          n);
    CHECK("readlink_short", readlink(P("l"), buf, 3) == 3 && memcmp(buf, "tar", 3) == 0,
          "expected the first 3 bytes");
    CHECK_ERR("readlink_not_link", readlink(P("target"), buf, sizeof buf), EINVAL);
    CHECK("lstat_link", lstat(P("l"), &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 6,
          "expected a symlink of size 6");
    CHECK("stat_follows", stat(P("l"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 11,
          "expected the 11-byte target");
    n = get(P("l"), buf, sizeof buf);
    CHECK("open_follows", n == 11 && strcmp(buf, "target-data") == 0,
          "expected \"target-data\", got \"%s\"", buf);
    symlink(P("target"), P("abs"));
    n = get(P("abs"), buf, sizeof buf);
    CHECK("symlink_absolute", n == 11, "expected the target through an absolute link");
    symlink("r", P("rl"));
    CHECK("symlink_dir_in_path", stat(P("rl/f2"), &st) == 0 && st.st_size == 2,
          "expected rl/f2 through the link to r");
    CHECK_ERR("symlink_exists", symlink("x", P("l")), EEXIST);
    symlink("nothing", P("dangling"));
    CHECK_ERR("symlink_dangling", open(P("dangling"), O_RDONLY), ENOENT);
    symlink("loop2", P("loop1"));
    symlink("loop1", P("loop2"));
    CHECK_ERR("symlink_loop_open", open(P("loop1"), O_RDONLY), ELOOP);
    CHECK_ERR("symlink_loop_stat", stat(P("loop1/x"), &st), ELOOP);
    CHECK_ERR("open_nofollow", open(P("l"), O_RDONLY | O_NOFOLLOW), ELOOP);
}

/* Component names are limited to 255 bytes, paths to 4095 plus the NUL. */
static void check_name_limits(void)
{
    char name[300], path[4200];
    struct stat st;

    memset(name, 'n', 255);
    name[255] = '\0';
    int fd = open(P(name), O_CREAT | O_WRONLY, 0644);
    CHECK("name_255", fd >= 0, "expected a 255-byte name to work, got %s", t_errname(errno));
    close(fd);
    unlink(P(name));
    strcpy(name + 255, "n");
    CHECK_ERR("name_256", open(P(name), O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
    CHECK_ERR("name_256_stat", stat(P(name), &st), ENAMETOOLONG);

    memset(path, '/', 4092);
    strcpy(path + 4092, "tmp");
    CHECK("path_4095", stat(path, &st) == 0 && S_ISDIR(st.st_mode),
          "expected a 4095-byte path to /tmp to work, got %s", t_errname(errno));
    memset(path, '/', 4093);
    strcpy(path + 4093, "tmp");
    CHECK_ERR("path_4096", stat(path, &st), ENAMETOOLONG);
    CHECK_ERR("path_4096_open", open(path, O_RDONLY), ENAMETOOLONG);
}

static void check_path_forms(void)
{
    char path[128];
    struct stat st;

    CHECK_ERR("enotdir_open", open(P("target/x"), O_RDONLY), ENOTDIR);
    CHECK_ERR("enotdir_creat", open(P("target/x"), O_CREAT | O_WRONLY, 0644), ENOTDIR);
    CHECK_ERR("enotdir_stat", stat(P("target/x"), &st), ENOTDIR);
    CHECK_ERR("enotdir_trailing_slash", stat(P("target/"), &st), ENOTDIR);
    CHECK_ERR("enotdir_o_directory", open(P("target"), O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK("path_dot", same_inode(P("r/./f1"), P("r/f1")), "expected r/./f1 == r/f1");
    CHECK("path_dotdot", same_inode(P("r/../target"), P("target")),
          "expected r/../target == target");
    snprintf(path, sizeof path, "//tmp///%s//target", workdir + 5);
    CHECK("path_slashes", same_inode(path, P("target")), "expected %s == target", path);
    CHECK("path_root_dotdot", same_inode("/..", "/"), "expected /.. == /");
    CHECK("path_root_dotdot_tmp", same_inode("/../tmp/.", "/tmp"), "expected /../tmp/. == /tmp");
    CHECK_ERR("enoent_file", open(P("missing"), O_RDONLY), ENOENT);
    CHECK_ERR("enoent_dir", open(P("nodir/x"), O_CREAT | O_WRONLY, 0644), ENOENT);
    CHECK_ERR("enoent_mkdir", mkdir(P("nodir/sub"), 0755), ENOENT);
    CHECK_ERR("enoent_empty", open("", O_RDONLY), ENOENT);
    CHECK("access", access(P("target"), R_OK | W_OK) == 0, "expected R_OK|W_OK (%s)",
          t_errname(errno));
    CHECK_ERR("access_missing", access(P("missing"), F_OK), ENOENT);
    CHECK("faccessat", faccessat(AT_FDCWD, P("target"), R_OK, 0) == 0, "expected R_OK (%s)",
          t_errname(errno));
}

/* The *at() calls resolve relative names from a directory descriptor. */
static void check_at_calls(void)
{
    char buf[16];
    struct stat st;
    int dfd = open(workdir, O_RDONLY | O_DIRECTORY);

    CHECK_SYS("open_o_directory", dfd);
    int fd = openat(dfd, "target", O_RDONLY);
    CHECK("openat", fd >= 0 && read(fd, buf, 6) == 6 && memcmp(buf, "target", 6) == 0,
          "expected to read the target through openat (%s)", t_errname(errno));
    CHECK_ERR("openat_file_dirfd", openat(fd, "x", O_RDONLY), ENOTDIR);
    close(fd);
    fd = openat(1000, P("target"), O_RDONLY);
    CHECK("openat_absolute", fd >= 0, "expected an absolute path to ignore dirfd 1000 (%s)",
          t_errname(errno));
    close(fd);
    CHECK("fstatat_nofollow",
          fstatat(dfd, "l", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode),
          "expected a symlink");
    CHECK("readlinkat", readlinkat(dfd, "l", buf, sizeof buf) == 6, "expected 6 bytes");
    CHECK("mkdirat", mkdirat(dfd, "m", 0700) == 0 && stat(P("m"), &st) == 0 && S_ISDIR(st.st_mode),
          "expected m created");
    CHECK("renameat", renameat(dfd, "m", dfd, "m2") == 0 && stat(P("m2"), &st) == 0,
          "expected m renamed to m2");
    CHECK("unlinkat_removedir", unlinkat(dfd, "m2", AT_REMOVEDIR) == 0 && stat(P("m2"), &st) == -1,
          "expected m2 removed");
    CHECK_ERR("unlinkat_dir_noflag", unlinkat(dfd, "r", 0), EISDIR);
    CHECK_SYS("faccessat2_eaccess", syscall(SYS_faccessat2, dfd, "target", R_OK, AT_EACCESS));
    CHECK_ERR("faccessat2_bad_flag_einval", syscall(SYS_faccessat2, dfd, "target", F_OK, 0x8000),
              EINVAL);
    close(dfd);
}

static void check_open_flags(void)
{
    char buf[32];
    struct stat st;

    put("ap", "12345");
    int fd = open(P("ap"), O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    CHECK("o_append",
          write(fd, "67", 2) == 2 && tell(fd) == 7 && get(P("ap"), buf, sizeof buf) == 7 &&
              strcmp(buf, "1234567") == 0,
          "expected \"1234567\", got \"%s\"", buf);
    close(fd);
    fd = open(P("ap"), O_RDWR | O_TRUNC);
    CHECK("o_trunc", fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "expected size 0, got %lld",
          (long long)st.st_size);
    close(fd);
    fd = open(P("ap"), O_RDONLY);
    CHECK_ERR("write_rdonly", write(fd, "x", 1), EBADF);
    close(fd);
    fd = open(P("ap"), O_WRONLY);
    CHECK_ERR("read_wronly", read(fd, buf, 1), EBADF);
    close(fd);
}

/* Linux's rules for open's flags (build_open_flags): O_PATH keeps only
 * O_DIRECTORY and O_NOFOLLOW, O_CREAT | O_DIRECTORY is refused (6.4 on),
 * O_EXCL without O_CREAT still follows links; the no-op flags open. */
static void check_open_rules(void)
{
    int fd;

    CHECK_ERR("o_path_no_create", open(P("pathcreat"), O_PATH | O_CREAT, 0644), ENOENT);
    CHECK("o_path_no_create_absent", access(P("pathcreat"), F_OK) == -1,
          "expected O_CREAT ignored under O_PATH");
    CHECK_ERR("o_path_directory_enotdir", open(P("target"), O_PATH | O_DIRECTORY), ENOTDIR);
    CHECK_ERR("o_creat_directory_einval", open(P("credir"), O_CREAT | O_DIRECTORY, 0755), EINVAL);
    CHECK("o_creat_directory_absent", access(P("credir"), F_OK) == -1, "expected nothing created");
    CHECK_ERR("o_nofollow_directory_enotdir", open(P("l"), O_RDONLY | O_NOFOLLOW | O_DIRECTORY),
              ENOTDIR);
    fd = open(P("l"), O_RDONLY | O_EXCL);
    CHECK("o_excl_alone_follows", fd >= 0, "expected the link followed (%s)", t_errname(errno));
    close(fd);
    fd =
        open(P("target"), O_RDWR | O_NOCTTY | O_LARGEFILE | O_SYNC | O_DSYNC | O_NOATIME | O_ASYNC);
    CHECK("o_noop_flags_open", fd >= 0 && write(fd, "t", 1) == 1, "expected the open to work (%s)",
          t_errname(errno));
    close(fd);
    if (t_uniplex()) { /* Linux's open ignores unknown bits; tmpfs >= 6.6 takes O_DIRECT */
        CHECK_ERR("o_unknown_flag_einval", open(P("target"), O_RDONLY | 0100000000), EINVAL);
        CHECK_ERR("o_direct_einval", open(P("target"), O_RDONLY | O_DIRECT), EINVAL);
    } else {
        t_skip_host("o_unknown_flag_einval");
        t_skip_host("o_direct_einval");
    }
}

/* A regular file is always ready, for every kind of reading and writing
 * poll can ask about (Linux's DEFAULT_POLLMASK). */
static void check_poll_file(void)
{
    int fd = open(P("target"), O_RDWR);
    struct pollfd pf = {fd, POLLRDNORM | POLLWRNORM, 0};
    int n = poll(&pf, 1, 0);

    CHECK("poll_file_rdnorm_wrnorm", n == 1 && pf.revents == (POLLRDNORM | POLLWRNORM),
          "expected 1 with POLLRDNORM|POLLWRNORM, got %d with %#x", n, pf.revents);
    close(fd);
}

/* O_TMPFILE: an unnamed file in a directory, gone with its last descriptor. */
static void check_tmpfile(void)
{
    char buf[8] = "";
    struct stat st;
    int fd = open(workdir, O_TMPFILE | O_RDWR, 0640);

    CHECK("o_tmpfile",
          fd >= 0 && write(fd, "hello", 5) == 5 && pread(fd, buf, 5, 0) == 5 &&
              memcmp(buf, "hello", 5) == 0,
          "expected a readable and writable file (%s)", t_errname(errno));
    CHECK("o_tmpfile_unnamed",
          fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 0 &&
              (st.st_mode & 07777) == 0640,
          "expected a regular file 0640 without links, got mode %o nlink %ld", st.st_mode,
          (long)st.st_nlink);
    close(fd);
    CHECK_ERR("o_tmpfile_rdonly_einval", open(workdir, O_TMPFILE | O_RDONLY, 0600), EINVAL);
    CHECK_ERR("o_tmpfile_notdir", open(P("target"), O_TMPFILE | O_RDWR, 0600), ENOTDIR);
}

/* Duplicates share one open file, hence one offset. */
static void check_dup(void)
{
    char c = 0;
    int fd = open(P("dup"), O_CREAT | O_RDWR, 0644);

    write(fd, "0123456789", 10);
    lseek(fd, 3, SEEK_SET);
    int d = dup(fd);
    CHECK("dup_offset", d >= 0 && tell(d) == 3, "expected offset 3 through dup");
    CHECK("dup_shared", read(d, &c, 1) == 1 && c == '3' && tell(fd) == 4,
          "expected '3' read and the original at 4");
    CHECK("dup2", dup2(fd, 50) == 50 && tell(50) == 4 && fcntl(50, F_GETFD) == 0,
          "expected fd 50 at offset 4 without FD_CLOEXEC");
    CHECK("dup2_same", dup2(fd, fd) == fd, "expected dup2(fd, fd) == fd");
    CHECK_ERR("dup3_same", dup3(fd, fd, 0), EINVAL);
    CHECK("dup3_cloexec",
          dup3(fd, 51, O_CLOEXEC) == 51 && fcntl(51, F_GETFD) == FD_CLOEXEC && tell(51) == 4,
          "expected fd 51 with FD_CLOEXEC at offset 4");
    int other = open("/dev/null", O_RDONLY);
    CHECK("dup2_replaces", dup2(fd, other) == other && tell(other) == 4,
          "expected the open fd %d to be replaced", other);
    CHECK_ERR("dup_ebadf", dup(1000), EBADF);
    close(other);
    close(51);
    close(50);
    close(d);
    close(fd);
}

static void check_fcntl(void)
{
    int fd = open(P("dup"), O_RDWR);

    CHECK("f_getfd", fcntl(fd, F_GETFD) == 0, "expected 0 on a new fd");
    CHECK("f_setfd", fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC,
          "expected FD_CLOEXEC after F_SETFD");
    int ce = open(P("dup"), O_RDONLY | O_CLOEXEC);
    CHECK("o_cloexec", fcntl(ce, F_GETFD) == FD_CLOEXEC, "expected FD_CLOEXEC");
    close(ce);
    int fl = fcntl(fd, F_GETFL);
    CHECK("f_getfl", fl >= 0 && (fl & O_ACCMODE) == O_RDWR && !(fl & O_APPEND),
          "expected O_RDWR without O_APPEND, got %#x", fl);
    int ap = open(P("dup"), O_WRONLY | O_APPEND);
    fl = fcntl(ap, F_GETFL);
    CHECK("f_getfl_append", fl >= 0 && (fl & O_ACCMODE) == O_WRONLY && (fl & O_APPEND),
          "expected O_WRONLY|O_APPEND, got %#x", fl);
    close(ap);
    fl = fcntl(fd, F_SETFL, O_APPEND) == 0 ? fcntl(fd, F_GETFL) : -1;
    CHECK("f_setfl", fl >= 0 && (fl & O_APPEND) && (fl & O_ACCMODE) == O_RDWR,
          "expected O_RDWR|O_APPEND after F_SETFL, got %#x", fl);
    int d = fcntl(fd, F_DUPFD, 20);
    CHECK("f_dupfd", d == 20 && fcntl(d, F_GETFD) == 0, "expected fd 20 without FD_CLOEXEC, got %d",
          d);
    int d2 = fcntl(fd, F_DUPFD_CLOEXEC, 20);
    CHECK("f_dupfd_cloexec", d2 == 21 && fcntl(d2, F_GETFD) == FD_CLOEXEC,
          "expected fd 21 with FD_CLOEXEC, got %d", d2);
    fl = fcntl(fd, F_SETFL, O_RDONLY | O_NONBLOCK) == 0 ? fcntl(fd, F_GETFL) : -1;
    CHECK("f_setfl_ignores_accmode", fl >= 0 && (fl & O_NONBLOCK) && (fl & O_ACCMODE) == O_RDWR,
          "expected O_RDWR|O_NONBLOCK, got %#x", fl);
    if (t_uniplex()) { /* Linux takes O_ASYNC (SIGIO) and, on tmpfs >= 6.6, O_DIRECT */
        CHECK_ERR("f_setfl_async_einval", fcntl(fd, F_SETFL, O_ASYNC), EINVAL);
        CHECK_ERR("f_setfl_direct_einval", fcntl(fd, F_SETFL, O_DIRECT), EINVAL);
    } else {
        t_skip_host("f_setfl_async_einval");
        t_skip_host("f_setfl_direct_einval");
    }
    CHECK_ERR("fcntl_ebadf", fcntl(1000, F_GETFD), EBADF);
    close(d2);
    close(d);
    close(fd);
}

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static void check_devices(void)
{
    unsigned char a[4096], b[32];
    int fd = open("/dev/null", O_RDWR);

    CHECK("dev_null_read", fd >= 0 && read(fd, a, sizeof a) == 0, "expected 0 bytes");
    CHECK("dev_null_write", write(fd, "hello", 5) == 5, "expected 5 bytes accepted");
    close(fd);
    memset(a, 0xff, sizeof a);
    fd = open("/dev/zero", O_RDONLY);
    CHECK("dev_zero",
          fd >= 0 && read(fd, a, sizeof a) == (ssize_t)sizeof a && all_zero(a, sizeof a),
          "expected 4096 zero bytes");
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    int got = fd >= 0 && read(fd, a, 32) == 32 && read(fd, b, 32) == 32;
    int same_byte = 1;
    for (int i = 1; i < 32; i++)
        same_byte &= a[i] == a[0];
    CHECK("dev_urandom", got && memcmp(a, b, 32) != 0 && !same_byte,
          "expected two different non-constant 32-byte reads");
    close(fd);
    memset(b, 0, sizeof b);
    CHECK("getrandom", getrandom(b, 16, 0) == 16 && !all_zero(b, 16),
          "expected 16 random bytes (%s)", t_errname(errno));
}

static volatile sig_atomic_t winched;

static void on_winch(int sig)
{
    (void)sig;
    winched++;
}

/* TIOCSWINSZ with a new size sends SIGWINCH to the foreground group (the
 * console's is init's); the same size again sends nothing. */
static void check_winsize(void)
{
    struct winsize ws, big;

    signal(SIGWINCH, on_winch);
    ioctl(1, TIOCGWINSZ, &ws);
    big = ws;
    big.ws_col = (unsigned short)(ws.ws_col + 1);
    winched = 0;
    int r = ioctl(1, TIOCSWINSZ, &big);
    CHECK("tiocswinsz_sigwinch", r == 0 && winched == 1, "expected one SIGWINCH, got %d (%s)",
          (int)winched, t_errname(errno));
    winched = 0;
    r = ioctl(1, TIOCSWINSZ, &big);
    CHECK("tiocswinsz_same_no_signal", r == 0 && winched == 0, "expected none, got %d",
          (int)winched);
    ioctl(1, TIOCSWINSZ, &ws);
    signal(SIGWINCH, SIG_DFL);
}

static void check_tty(void)
{
    struct termios t;
    int fd = open(P("target"), O_RDONLY);

    if (t_uniplex()) {
        CHECK("isatty_console", isatty(1) == 1, "expected stdout to be a tty (%s)",
              t_errname(errno));
        CHECK("tcgetattr_console", tcgetattr(1, &t) == 0, "expected TCGETS to work (%s)",
              t_errname(errno));
        check_winsize();
    } else {
        t_skip_host("isatty_console");
        t_skip_host("tcgetattr_console");
        t_skip_host("tiocswinsz_sigwinch");
        t_skip_host("tiocswinsz_same_no_signal");
    }
    CHECK_ERR("tcgets_file", ioctl(fd, TCGETS, &t), ENOTTY);
    errno = 0;
    int r = isatty(fd);
    CHECK("isatty_file", r == 0 && errno == ENOTTY, "expected 0/ENOTTY, got %d/%s", r,
          t_errname(errno));
    close(fd);
    fd = open("/dev/null", O_RDONLY);
    CHECK_ERR("tcgets_dev_null", ioctl(fd, TCGETS, &t), ENOTTY);
    close(fd);
}

/* --- creat, link, owners, timestamps, statfs, times, /dev/full ----------------------------- */

/* creat(2) is open(O_CREAT | O_WRONLY | O_TRUNC). */
static void check_creat(void)
{
    struct stat st;
    char c;

    umask(022);
    int fd = creat(P("cr"), 0666);
    CHECK("creat",
          fd >= 0 && write(fd, "hello", 5) == 5 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
              (st.st_mode & 0777) == 0644,
          "expected a writable regular file 0644 (%s)", t_errname(errno));
    CHECK("creat_wronly", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY,
          "expected O_WRONLY, got %#x", fcntl(fd, F_GETFL));
    CHECK_ERR("creat_read_ebadf", read(fd, &c, 1), EBADF);
    close(fd);
    fd = creat(P("cr"), 0600);
    CHECK("creat_truncates",
          fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0 && (st.st_mode & 0777) == 0644,
          "expected the file emptied, its mode kept, got size %lld mode %o", (long long)st.st_size,
          (unsigned)st.st_mode & 0777);
    close(fd);
    CHECK_ERR("creat_enoent", creat(P("nodir/x"), 0644), ENOENT);
    CHECK_ERR("creat_dir_eisdir", creat(workdir, 0644), EISDIR);
    CHECK_ERR("creat_efault", syscall(SYS_creat, KERNEL_PTR, 0644), EFAULT);
    umask(0);
}

static nlink_t links_of(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0 ? st.st_nlink : 0;
}

/* link and linkat: one file under two names, counted in st_nlink. */
static void check_link(void)
{
    char buf[16] = "";

    put("ln1", "data");
    CHECK("link", link(P("ln1"), P("ln2")) == 0 && same_inode(P("ln1"), P("ln2")),
          "expected ln2 to be ln1 (%s)", t_errname(errno));
    CHECK("link_nlink", links_of(P("ln1")) == 2 && links_of(P("ln2")) == 2,
          "expected 2 links on each name, got %lu and %lu", (unsigned long)links_of(P("ln1")),
          (unsigned long)links_of(P("ln2")));
    int fd = open(P("ln2"), O_WRONLY | O_APPEND);
    write(fd, "more", 4);
    close(fd);
    CHECK("link_shared_data", get(P("ln1"), buf, sizeof buf) == 8 && strcmp(buf, "datamore") == 0,
          "expected \"datamore\" through ln1, got \"%s\"", buf);
    CHECK("link_unlink_one",
          unlink(P("ln1")) == 0 && get(P("ln2"), buf, sizeof buf) == 8 && links_of(P("ln2")) == 1,
          "expected ln2 to keep the data with 1 link");
    CHECK_ERR("link_eexist", link(P("ln2"), P("target")), EEXIST);
    CHECK_ERR("link_dot_eexist", link(P("ln2"), P(".")), EEXIST);
    CHECK_ERR("link_dir_eperm", link(P("r"), P("rlink")), EPERM);
    CHECK_ERR("link_enoent", link(P("missing"), P("x")), ENOENT);
    CHECK_ERR("link_new_dir_enoent", link(P("ln2"), P("nodir/x")), ENOENT);
    CHECK_ERR("link_enotdir", link(P("ln2"), P("target/x")), ENOTDIR);
    CHECK_ERR("link_trailing_slash_enoent", link(P("ln2"), P("new/")), ENOENT);
    CHECK_ERR("link_proc_enoent", link(P("ln2"), "/proc/newname"), ENOENT);
    CHECK_ERR("link_from_proc_exdev", link("/proc/meminfo", P("pm")), EXDEV);
    CHECK("link_symlink_itself",
          link(P("l"), P("l2")) == 0 && same_inode(P("l2"), P("target")) && links_of(P("l")) == 2,
          "expected a second name for the symlink l");
    CHECK_ERR("link_efault_old", syscall(SYS_link, KERNEL_PTR, P("x")), EFAULT);
    CHECK_ERR("link_efault_new", syscall(SYS_link, P("ln2"), KERNEL_PTR), EFAULT);
}

static void check_linkat(void)
{
    char buf[16] = "";
    int dfd = open(workdir, O_RDONLY | O_DIRECTORY);

    CHECK("linkat_follow",
          linkat(dfd, "l", dfd, "l3", AT_SYMLINK_FOLLOW) == 0 && same_inode(P("l3"), P("target")) &&
              links_of(P("l3")) == 2,
          "expected l3 to be the target (%s)", t_errname(errno));
    int fd = open(P("ln2"), O_RDONLY);
    CHECK("linkat_empty_path",
          linkat(fd, "", dfd, "ep", AT_EMPTY_PATH) == 0 && same_inode(P("ep"), P("ln2")),
          "expected ep to name the file open at fd (%s)", t_errname(errno));
    unlink(P("ln2"));
    unlink(P("ep"));
    CHECK_ERR("linkat_unlinked_enoent", linkat(fd, "", dfd, "ep2", AT_EMPTY_PATH), ENOENT);
    close(fd);
    fd = open(workdir, O_TMPFILE | O_RDWR, 0600);
    write(fd, "tmp", 3);
    CHECK("linkat_tmpfile",
          linkat(fd, "", AT_FDCWD, P("named"), AT_EMPTY_PATH) == 0 &&
              get(P("named"), buf, sizeof buf) == 3 && links_of(P("named")) == 1,
          "expected the O_TMPFILE file named, with its data (%s)", t_errname(errno));
    close(fd);
    fd = open(workdir, O_TMPFILE | O_RDWR | O_EXCL, 0600);
    CHECK_ERR("linkat_tmpfile_excl_enoent", linkat(fd, "", dfd, "named2", AT_EMPTY_PATH), ENOENT);
    close(fd);
    CHECK_ERR("linkat_bad_flag_einval", linkat(dfd, "named", dfd, "n3", AT_SYMLINK_NOFOLLOW),
              EINVAL);
    CHECK_ERR("linkat_ebadf_old", linkat(1000, "named", dfd, "n3", 0), EBADF);
    CHECK_ERR("linkat_ebadf_new", linkat(dfd, "named", 1000, "n3", 0), EBADF);
    CHECK_ERR("linkat_empty_no_flag_enoent", linkat(dfd, "", dfd, "n3", 0), ENOENT);
    CHECK_ERR("linkat_efault",
              syscall(SYS_linkat, dfd, "named", dfd, KERNEL_PTR, AT_SYMLINK_FOLLOW), EFAULT);
    close(dfd);
}

static int owned(const char *path, int follow, uid_t uid, gid_t gid)
{
    struct stat st;
    int r = follow ? stat(path, &st) : lstat(path, &st);

    return r == 0 && st.st_uid == uid && st.st_gid == gid;
}

static mode_t mode_of(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

/* chown clears set-user-ID on non-directories, and set-group-ID when it is
 * group-executable, even for root and with both ids -1 (as Linux). */
static void check_chown_modes(void)
{
    struct stat a, b;

    chmod(P("own"), 06755);
    CHECK("chown_clears_setid",
          chown(P("own"), (uid_t)-1, (gid_t)-1) == 0 && mode_of(P("own")) == 0755,
          "expected 06755 to become 0755, got %o", (unsigned)mode_of(P("own")));
    chmod(P("own"), 02745);
    CHECK("chown_keeps_sgid_no_gx", chown(P("own"), 0, 0) == 0 && mode_of(P("own")) == 02745,
          "expected 02745 kept, got %o", (unsigned)mode_of(P("own")));
    mkdir(P("sd"), 06755);
    chmod(P("sd"), 06755);
    CHECK("chown_dir_keeps_setid", chown(P("sd"), 0, 0) == 0 && mode_of(P("sd")) == 06755,
          "expected a directory's 06755 kept, got %o", (unsigned)mode_of(P("sd")));
    stat(P("own"), &a);
    usleep(20000);
    CHECK("chown_updates_ctime",
          chown(P("own"), (uid_t)-1, (gid_t)-1) == 0 && stat(P("own"), &b) == 0 &&
              (b.st_ctim.tv_sec > a.st_ctim.tv_sec ||
               (b.st_ctim.tv_sec == a.st_ctim.tv_sec && b.st_ctim.tv_nsec > a.st_ctim.tv_nsec)),
          "expected a later ctime");
}

/* A set-group-ID directory gives its group to what is made in it, and its
 * bit to new directories. */
static void check_sgid_dir(void)
{
    struct stat st;

    mkdir(P("sg"), 0775);
    chown(P("sg"), (uid_t)-1, 77);
    chmod(P("sg"), 02775);
    put("sg/f", "x");
    CHECK("sgid_dir_file_group", owned(P("sg/f"), 1, geteuid(), 77), "expected sg/f in group 77");
    mkdir(P("sg/d"), 0755);
    CHECK("sgid_dir_subdir", stat(P("sg/d"), &st) == 0 && st.st_gid == 77 && (st.st_mode & S_ISGID),
          "expected sg/d in group 77 with S_ISGID, got gid %u mode %o", (unsigned)st.st_gid,
          (unsigned)st.st_mode);
}

static void check_owners(void)
{
    int dfd = open(workdir, O_RDONLY | O_DIRECTORY);

    put("own", "x");
    CHECK("new_file_owner", owned(P("own"), 1, geteuid(), getegid()),
          "expected the creator's uid and gid");
    CHECK("chown", chown(P("own"), 123, 456) == 0 && owned(P("own"), 1, 123, 456),
          "expected 123:456 (%s)", t_errname(errno));
    CHECK("chown_keep_uid", chown(P("own"), (uid_t)-1, 789) == 0 && owned(P("own"), 1, 123, 789),
          "expected 123:789");
    CHECK("chown_keep_gid", chown(P("own"), 5, (gid_t)-1) == 0 && owned(P("own"), 1, 5, 789),
          "expected 5:789");
    int fd = open(P("own"), O_RDONLY);
    CHECK("fchown", fchown(fd, 7, 8) == 0 && owned(P("own"), 1, 7, 8), "expected 7:8 (%s)",
          t_errname(errno));
    CHECK("fchownat_empty_path",
          fchownat(fd, "", 9, 10, AT_EMPTY_PATH) == 0 && owned(P("own"), 1, 9, 10),
          "expected 9:10 (%s)", t_errname(errno));
    close(fd);
    chown(P("target"), 0, 0);
    CHECK("lchown",
          lchown(P("l"), 11, 12) == 0 && owned(P("l"), 0, 11, 12) && owned(P("target"), 1, 0, 0),
          "expected the link 11:12 and the target untouched");
    CHECK("chown_follows",
          chown(P("l"), 13, 14) == 0 && owned(P("target"), 1, 13, 14) && owned(P("l"), 0, 11, 12),
          "expected the target 13:14 and the link untouched");
    CHECK("fchownat_nofollow",
          fchownat(dfd, "l", 15, 16, AT_SYMLINK_NOFOLLOW) == 0 && owned(P("l"), 0, 15, 16),
          "expected the link 15:16");
    check_chown_modes();
    check_sgid_dir();
    CHECK_ERR("chown_enoent", chown(P("missing"), 0, 0), ENOENT);
    CHECK_ERR("chown_efault", syscall(SYS_chown, KERNEL_PTR, 0, 0), EFAULT);
    CHECK_ERR("lchown_efault", syscall(SYS_lchown, NONCANON_PTR, 0, 0), EFAULT);
    CHECK_ERR("fchownat_efault", syscall(SYS_fchownat, dfd, KERNEL_PTR, 0, 0, 0), EFAULT);
    CHECK_ERR("fchown_ebadf", fchown(1000, 0, 0), EBADF);
    fd = open(P("own"), O_PATH); /* musl's fchown retries EBADF by name: the raw call */
    CHECK_ERR("fchown_o_path_ebadf", syscall(SYS_fchown, fd, 0, 0), EBADF);
    close(fd);
    CHECK_ERR("fchownat_ebadf", fchownat(1000, "own", 0, 0, 0), EBADF);
    CHECK_ERR("fchownat_bad_flag_einval", fchownat(dfd, "own", 0, 0, 0x8000), EINVAL);
    close(dfd);
}

/* path's (follow: stat, else lstat) access and modification times are
 * as, ans and ms, mns. */
static int times_are(const char *path, int follow, long as, long ans, long ms, long mns)
{
    struct stat st;
    int r = follow ? stat(path, &st) : lstat(path, &st);

    return r == 0 && st.st_atim.tv_sec == as && st.st_atim.tv_nsec == ans &&
           st.st_mtim.tv_sec == ms && st.st_mtim.tv_nsec == mns;
}

static int near_now(time_t t)
{
    time_t now = time(NULL);

    return t >= now - 2 && t <= now + 1;
}

/* Both of path's atime and mtime (and its ctime) are about now. */
static int times_now(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && near_now(st.st_atim.tv_sec) && near_now(st.st_mtim.tv_sec) &&
           near_now(st.st_ctim.tv_sec);
}

static void check_utimensat_errors(int dfd)
{
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}}, neg[2] = {{0, -1}, {0, 0}};
    struct timespec omit[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}}, ok[2] = {{1, 0}, {2, 0}};

    CHECK_ERR("utimensat_nsec_einval", utimensat(dfd, "tm", bad, 0), EINVAL);
    CHECK_ERR("utimensat_negative_nsec_einval", utimensat(dfd, "tm", neg, 0), EINVAL);
    CHECK_ERR("utimensat_bad_flag_einval", utimensat(dfd, "tm", ok, 0x8000), EINVAL);
    CHECK_ERR("utimensat_fd_flags_einval", syscall(SYS_utimensat, dfd, NULL, ok, 0x100), EINVAL);
    CHECK_SYS("utimensat_omit_both_no_lookup", utimensat(dfd, "missing", omit, 0x8000));
    CHECK_ERR("utimensat_enoent", utimensat(dfd, "missing", ok, 0), ENOENT);
    CHECK_ERR("utimensat_enoent_before_einval", utimensat(dfd, "missing", bad, 0), ENOENT);
    CHECK_ERR("utimensat_efault_times", syscall(SYS_utimensat, dfd, "tm", KERNEL_PTR, 0), EFAULT);
    CHECK_ERR("utimensat_efault_path", syscall(SYS_utimensat, dfd, KERNEL_PTR, ok, 0), EFAULT);
    CHECK_ERR("utimensat_cwd_null_path_efault", syscall(SYS_utimensat, AT_FDCWD, NULL, ok, 0),
              EFAULT);
    CHECK_ERR("utimensat_ebadf", syscall(SYS_utimensat, 1000, NULL, ok, 0), EBADF);
    CHECK_ERR("utimensat_ebadf_dirfd", utimensat(1000, "tm", ok, 0), EBADF);
    int fd = open(P("tm"), O_PATH);
    CHECK_ERR("utimensat_o_path_ebadf", syscall(SYS_utimensat, fd, NULL, ok, 0), EBADF);
    CHECK("utimensat_o_path_empty_path",
          utimensat(fd, "", ok, AT_EMPTY_PATH) == 0 && times_are(P("tm"), 1, 1, 0, 2, 0),
          "expected AT_EMPTY_PATH to work on an O_PATH descriptor (%s)", t_errname(errno));
    close(fd);
}

static void check_utimensat(void)
{
    struct timespec ts[2] = {{1000, 5}, {2000, 6}};
    struct stat st;
    int dfd = open(workdir, O_RDONLY | O_DIRECTORY);

    put("tm", "x");
    CHECK("utimensat",
          utimensat(dfd, "tm", ts, 0) == 0 && times_are(P("tm"), 1, 1000, 5, 2000, 6) &&
              stat(P("tm"), &st) == 0 && near_now(st.st_ctim.tv_sec),
          "expected atime 1000.5, mtime 2000.6, ctime now (%s)", t_errname(errno));
    ts[0].tv_nsec = UTIME_OMIT;
    ts[1] = (struct timespec){3000, 0};
    CHECK("utimensat_omit",
          utimensat(dfd, "tm", ts, 0) == 0 && times_are(P("tm"), 1, 1000, 5, 3000, 0),
          "expected atime kept, mtime 3000");
    ts[0].tv_nsec = UTIME_NOW;
    ts[1].tv_nsec = UTIME_OMIT;
    CHECK("utimensat_now",
          utimensat(dfd, "tm", ts, 0) == 0 && stat(P("tm"), &st) == 0 &&
              near_now(st.st_atim.tv_sec) && st.st_mtim.tv_sec == 3000,
          "expected atime now, mtime kept");
    ts[0] = (struct timespec){-1, 0};
    ts[1] = (struct timespec){4102444800, 7};
    CHECK("utimensat_wide_range",
          utimensat(dfd, "tm", ts, 0) == 0 && times_are(P("tm"), 1, -1, 0, 4102444800, 7),
          "expected 1969 and 2100 kept exactly");
    CHECK("utimensat_null_now", utimensat(dfd, "tm", NULL, 0) == 0 && times_now(P("tm")),
          "expected every time now");
    ts[0] = (struct timespec){10, 0};
    ts[1] = (struct timespec){20, 0};
    CHECK("utimensat_nofollow",
          utimensat(dfd, "l", ts, AT_SYMLINK_NOFOLLOW) == 0 && times_are(P("l"), 0, 10, 0, 20, 0) &&
              !times_are(P("target"), 1, 10, 0, 20, 0),
          "expected the link's times set, not the target's");
    int fd = open(P("tm"), O_RDONLY);
    CHECK("utimensat_fd_null_path",
          syscall(SYS_utimensat, fd, NULL, ts, 0) == 0 && times_are(P("tm"), 1, 10, 0, 20, 0),
          "expected the descriptor's file set (%s)", t_errname(errno));
    ts[1].tv_sec = 21;
    CHECK("futimens", futimens(fd, ts) == 0 && times_are(P("tm"), 1, 10, 0, 21, 0),
          "expected mtime 21 (%s)", t_errname(errno));
    close(fd);
    check_utimensat_errors(dfd);
    close(dfd);
}

static void check_utimes(void)
{
    struct timeval tv[2] = {{10, 500000}, {20, 250}};
    struct utimbuf ub = {30, 40};
    int dfd = open(workdir, O_RDONLY | O_DIRECTORY);

    CHECK("utimes", utimes(P("tm"), tv) == 0 && times_are(P("tm"), 1, 10, 500000000, 20, 250000),
          "expected 10.5 and 20.00025 (%s)", t_errname(errno));
    CHECK("utimes_null_now", utimes(P("tm"), NULL) == 0 && times_now(P("tm")),
          "expected every time now");
    tv[1].tv_usec = 1000000;
    CHECK_ERR("utimes_usec_einval", utimes(P("tm"), tv), EINVAL);
    tv[1].tv_usec = -1;
    CHECK_ERR("utimes_negative_usec_einval", utimes(P("tm"), tv), EINVAL);
    tv[1].tv_usec = 0;
    CHECK_ERR("utimes_enoent", utimes(P("missing"), tv), ENOENT);
    CHECK_ERR("utimes_efault", syscall(SYS_utimes, P("tm"), KERNEL_PTR), EFAULT);
    CHECK_ERR("utimes_efault_path", syscall(SYS_utimes, KERNEL_PTR, tv), EFAULT);
    CHECK("futimesat",
          syscall(SYS_futimesat, dfd, "tm", tv) == 0 && times_are(P("tm"), 1, 10, 500000000, 20, 0),
          "expected 10.5 and 20 (%s)", t_errname(errno));
    int fd = open(P("tm"), O_WRONLY);
    tv[0].tv_sec = 11;
    CHECK("futimesat_fd_null_path",
          syscall(SYS_futimesat, fd, NULL, tv) == 0 && times_are(P("tm"), 1, 11, 500000000, 20, 0),
          "expected the descriptor's file set (%s)", t_errname(errno));
    close(fd);
    CHECK_ERR("futimesat_ebadf", syscall(SYS_futimesat, 1000, "tm", tv), EBADF);
    CHECK_ERR("futimesat_ebadf_null_path", syscall(SYS_futimesat, 1000, NULL, tv), EBADF);
    CHECK_ERR("futimesat_efault", syscall(SYS_futimesat, dfd, "tm", KERNEL_PTR), EFAULT);
    CHECK("utime", utime(P("tm"), &ub) == 0 && times_are(P("tm"), 1, 30, 0, 40, 0),
          "expected 30 and 40 (%s)", t_errname(errno));
    CHECK("utime_null_now", utime(P("tm"), NULL) == 0 && times_now(P("tm")),
          "expected every time now");
    CHECK_ERR("utime_enoent", utime(P("missing"), &ub), ENOENT);
    CHECK_ERR("utime_efault", syscall(SYS_utime, P("tm"), KERNEL_PTR), EFAULT);
    CHECK_ERR("utime_efault_path", syscall(SYS_utime, KERNEL_PTR, &ub), EFAULT);
    close(dfd);
}

/* Writing sets mtime and ctime to now; reading leaves atime alone inside
 * Uniplex (every mount is noatime; the host's relatime would set it). */
static void check_time_updates(void)
{
    struct utimbuf ub = {30, 40};
    struct stat st;
    char c;

    utime(P("tm"), &ub);
    int fd = open(P("tm"), O_RDWR);
    CHECK("write_sets_mtime",
          write(fd, "y", 1) == 1 && fstat(fd, &st) == 0 && near_now(st.st_mtim.tv_sec) &&
              near_now(st.st_ctim.tv_sec) && st.st_atim.tv_sec == 30,
          "expected mtime and ctime now, atime 30");
    if (t_uniplex()) {
        utime(P("tm"), &ub);
        CHECK("read_keeps_atime",
              pread(fd, &c, 1, 0) == 1 && fstat(fd, &st) == 0 && st.st_atim.tv_sec == 30,
              "expected atime 30 (noatime), got %lld", (long long)st.st_atim.tv_sec);
    } else {
        t_skip_host("read_keeps_atime");
    }
    utime(P("tm"), &ub);
    CHECK("ftruncate_sets_mtime",
          ftruncate(fd, 0) == 0 && fstat(fd, &st) == 0 && near_now(st.st_mtim.tv_sec) &&
              near_now(st.st_ctim.tv_sec),
          "expected mtime and ctime now");
    close(fd);
}

#define TMPFS_MAGIC      0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define PIPEFS_MAGIC     0x50495045
#define ST_VALID_FLAG    0x0020
#define ST_NOATIME_FLAG  0x0400

/* MemTotal from /proc/meminfo, in KiB (0 if unreadable). */
static unsigned long mem_total_kib(void)
{
    char buf[512];
    unsigned long kib = 0;

    if (get("/proc/meminfo", buf, sizeof buf) > 0)
        sscanf(buf, "MemTotal: %lu kB", &kib);
    return kib;
}

/* Inside Uniplex /tmp is tmpfs, sized by the page allocator; its file
 * count drops by one per new file. (The host's /tmp may be any fs.) */
static void check_statfs_tmpfs(void)
{
    struct statfs a, b;

    if (!t_uniplex()) {
        t_skip_host("statfs_tmp_tmpfs");
        t_skip_host("statfs_tmp_ffree");
        return;
    }
    int r = statfs(workdir, &a);
    CHECK("statfs_tmp_tmpfs",
          r == 0 && a.f_type == TMPFS_MAGIC && a.f_blocks == mem_total_kib() / 4 && a.f_bfree > 0 &&
              a.f_bfree <= a.f_blocks && a.f_bavail == a.f_bfree && a.f_ffree > 0 &&
              a.f_ffree < a.f_files && (a.f_flags & ST_NOATIME_FLAG),
          "expected tmpfs with MemTotal's blocks, got type %#lx blocks %lu free %lu files %lu "
          "ffree %lu flags %#lx",
          (unsigned long)a.f_type, (unsigned long)a.f_blocks, (unsigned long)a.f_bfree,
          (unsigned long)a.f_files, (unsigned long)a.f_ffree, (unsigned long)a.f_flags);
    put("sf", "x");
    r = statfs(workdir, &b);
    CHECK("statfs_tmp_ffree", r == 0 && b.f_ffree == a.f_ffree - 1 && b.f_files == a.f_files,
          "expected one file fewer free, got %lu then %lu", (unsigned long)a.f_ffree,
          (unsigned long)b.f_ffree);
}

static void check_statfs(void)
{
    struct statfs sf, sp;
    int p[2] = {-1, -1};

    int r = statfs("/dev", &sf);
    CHECK("statfs_dev_tmpfs",
          r == 0 && sf.f_type == TMPFS_MAGIC && sf.f_bsize == 4096 && sf.f_frsize == 4096 &&
              sf.f_namelen == 255 && (sf.f_flags & ST_VALID_FLAG),
          "expected tmpfs, 4096-byte blocks, 255-byte names, ST_VALID, got type %#lx",
          (unsigned long)sf.f_type);
    r = statfs("/proc/self/stat", &sp);
    CHECK("statfs_proc",
          r == 0 && sp.f_type == PROC_SUPER_MAGIC && sp.f_blocks == 0 && sp.f_bfree == 0 &&
              sp.f_bsize == 4096 && sp.f_namelen == 255,
          "expected procfs with no blocks, got type %#lx blocks %lu", (unsigned long)sp.f_type,
          (unsigned long)sp.f_blocks);
    struct stat a, b;
    CHECK("proc_own_device",
          stat("/", &a) == 0 && stat("/proc/self/stat", &b) == 0 && a.st_dev != b.st_dev,
          "expected /proc on a device of its own");
    int fd = open("/dev/null", O_RDONLY);
    CHECK("fstatfs", fstatfs(fd, &sp) == 0 && sp.f_type == TMPFS_MAGIC,
          "expected /dev/null on tmpfs (%s)", t_errname(errno));
    close(fd);
    fd = open("/proc", O_PATH);
    CHECK("fstatfs_o_path", fstatfs(fd, &sp) == 0 && sp.f_type == PROC_SUPER_MAGIC,
          "expected an O_PATH descriptor to work (%s)", t_errname(errno));
    close(fd);
    pipe(p);
    CHECK("fstatfs_pipe", fstatfs(p[0], &sp) == 0 && sp.f_type == PIPEFS_MAGIC,
          "expected pipefs, got %#lx", (unsigned long)sp.f_type);
    close(p[0]);
    close(p[1]);
    check_statfs_tmpfs();
    CHECK_ERR("statfs_enoent", statfs(P("missing"), &sf), ENOENT);
    CHECK_ERR("statfs_enotdir", statfs(P("target/x"), &sf), ENOTDIR);
    CHECK_ERR("statfs_efault_path", syscall(SYS_statfs, KERNEL_PTR, &sf), EFAULT);
    CHECK_ERR("statfs_efault_buf", syscall(SYS_statfs, "/dev", KERNEL_PTR), EFAULT);
    CHECK_ERR("fstatfs_efault", syscall(SYS_fstatfs, 0, (void *)8), EFAULT);
    CHECK_ERR("fstatfs_ebadf", fstatfs(1000, &sf), EBADF);
}

/* CPU time in clock ticks (getrusage's, user plus system). */
static long rusage_ticks(int who)
{
    struct rusage ru;

    getrusage(who, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 100 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 10000;
}

static void spin_ticks(long n)
{
    long end = rusage_ticks(RUSAGE_SELF) + n;

    while (rusage_ticks(RUSAGE_SELF) < end)
        ;
}

/* times: the CPU time getrusage reports, in ticks of 1/100 s (USER_HZ). */
static void check_times(void)
{
    struct tms t;
    int st = 0;

    spin_ticks(20);
    long ru = rusage_ticks(RUSAGE_SELF);
    long r = (long)times(&t);
    CHECK("times_self",
          r != -1 && t.tms_utime + t.tms_stime >= ru - 1 && t.tms_utime + t.tms_stime <= ru + 2,
          "expected about %ld ticks, got %ld + %ld", ru, (long)t.tms_utime, (long)t.tms_stime);
    pid_t pid = fork();
    if (pid == 0) {
        spin_ticks(10);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    ru = rusage_ticks(RUSAGE_CHILDREN);
    times(&t);
    CHECK("times_children",
          ru >= 10 && t.tms_cutime + t.tms_cstime >= ru - 1 &&
              t.tms_cutime + t.tms_cstime <= ru + 2,
          "expected about %ld ticks, got %ld + %ld", ru, (long)t.tms_cutime, (long)t.tms_cstime);
    long t0 = syscall(SYS_times, NULL);
    usleep(200000);
    long t1 = syscall(SYS_times, NULL);
    CHECK("times_null_elapsed", t0 != -1 && t1 - t0 >= 19 && t1 - t0 <= 200,
          "expected about 20 ticks in 0.2 s, got %ld", t1 - t0);
    CHECK_ERR("times_efault", syscall(SYS_times, KERNEL_PTR), EFAULT);
}

/* /dev/full reads as zeros and refuses every write with ENOSPC. */
static void check_dev_full(void)
{
    unsigned char a[4096];
    struct stat st;
    int fd = open("/dev/full", O_RDWR);

    memset(a, 0xff, sizeof a);
    CHECK("dev_full_read",
          fd >= 0 && read(fd, a, sizeof a) == (ssize_t)sizeof a && all_zero(a, sizeof a),
          "expected 4096 zero bytes (%s)", t_errname(errno));
    CHECK_ERR("dev_full_write_enospc", write(fd, "x", 1), ENOSPC);
    CHECK_ERR("dev_full_write_empty_enospc", write(fd, "", 0), ENOSPC);
    CHECK_ERR("dev_full_read_efault", syscall(SYS_read, fd, KERNEL_PTR, 10), EFAULT);
    CHECK("dev_full_node",
          fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
              minor(st.st_rdev) == 7,
          "expected character device 1:7");
    close(fd);
}

static void check_efault(void)
{
    int fd = open(P("dup"), O_RDWR);
    char path[] = "/tmp";

    CHECK_ERR("read_efault_low", syscall(SYS_read, fd, (void *)8, 10), EFAULT);
    CHECK_ERR("read_efault_kernel", syscall(SYS_read, fd, KERNEL_PTR, 10), EFAULT);
    CHECK_ERR("read_efault_noncanonical", syscall(SYS_read, fd, NONCANON_PTR, 10), EFAULT);
    CHECK("read_efault_offset", tell(fd) == 0, "expected the offset still 0, got %lld",
          (long long)tell(fd));
    CHECK_ERR("write_efault_low", syscall(SYS_write, fd, (void *)8, 10), EFAULT);
    CHECK_ERR("write_efault_kernel", syscall(SYS_write, fd, KERNEL_PTR, 10), EFAULT);
    CHECK_ERR("open_efault_low", syscall(SYS_open, (void *)8, O_RDONLY), EFAULT);
    CHECK_ERR("open_efault_kernel", syscall(SYS_open, KERNEL_PTR, O_RDONLY), EFAULT);
    CHECK_ERR("fstat_efault", syscall(SYS_fstat, fd, (void *)8), EFAULT);
    CHECK_ERR("stat_efault", syscall(SYS_stat, path, KERNEL_PTR), EFAULT);
    close(fd);
}

static void check_ebadf(void)
{
    char c;
    struct stat st;

    CHECK_ERR("read_ebadf", read(1000, &c, 1), EBADF);
    CHECK_ERR("write_ebadf", write(1000, "x", 1), EBADF);
    CHECK_ERR("close_ebadf", close(1000), EBADF);
    CHECK_ERR("read_ebadf_negative", read(-1, &c, 1), EBADF);
    CHECK_ERR("fstat_ebadf", fstat(1000, &st), EBADF);
    CHECK_ERR("lseek_ebadf", lseek(1000, 0, SEEK_SET), EBADF);
    int fd = open("/dev/null", O_RDONLY);
    close(fd);
    CHECK_ERR("read_closed", read(fd, &c, 1), EBADF);
    CHECK_ERR("write_closed", write(fd, "x", 1), EBADF);
    CHECK_ERR("close_closed", close(fd), EBADF);
}

static int count_open_below(int limit)
{
    int n = 0;

    for (int fd = 0; fd < limit; fd++)
        if (fcntl(fd, F_GETFD) != -1)
            n++;
    return n;
}

/* One RLIMIT_FSIZE case, in a child (its exit status: 0 when it held):
 * 0 a write crossing the limit is cut short, the next fails with EFBIG;
 * 1 that write's SIGXFSZ kills by default; 2 ftruncate past the limit is
 * EFBIG too, up to it is fine. */
static int fsize_case(int which)
{
    struct rlimit rl = {10, 10};
    int fd = open(P("fsize"), O_CREAT | O_TRUNC | O_WRONLY, 0644);

    alarm(10);
    if (fd < 0 || setrlimit(RLIMIT_FSIZE, &rl) != 0)
        return 90;
    if (which != 1)
        signal(SIGXFSZ, SIG_IGN);
    if (which == 2)
        return ftruncate(fd, 11) == -1 && errno == EFBIG && ftruncate(fd, 10) == 0 ? 0 : 1;
    ssize_t a = write(fd, "0123456789abcdef", 16);
    errno = 0;
    ssize_t b = write(fd, "x", 1);
    return a == 10 && b == -1 && errno == EFBIG ? 0 : 1;
}

static int fsize_child(int which)
{
    int st = 0;
    pid_t pid = fork();

    if (pid == 0)
        _exit(fsize_case(which));
    return pid > 0 && waitpid(pid, &st, 0) == pid ? st : -1;
}

/* RLIMIT_FSIZE holds; RLIMIT_CPU takes a finite limit (compat's
 * rlimit_cpu_* cases check what it does; this one is far above what the
 * suite uses); the limits nothing counts against (data, address space)
 * can stay unlimited but not be set (inside Uniplex). */
static void check_rlimits(void)
{
    struct rlimit inf = {RLIM_INFINITY, RLIM_INFINITY}, ten = {10, 10}, got;
    struct rlimit day = {86400, 86400};
    int st = fsize_child(0);

    CHECK("rlimit_fsize_write", WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "expected a short write then EFBIG, status %#x", st);
    st = fsize_child(1);
    CHECK("rlimit_fsize_sigxfsz", WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ,
          "expected death by SIGXFSZ, status %#x", st);
    st = fsize_child(2);
    CHECK("rlimit_fsize_ftruncate", WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "expected EFBIG past the limit, status %#x", st);
    unlink(P("fsize"));
    CHECK_SYS("rlimit_cpu_unlimited", setrlimit(RLIMIT_CPU, &inf));
    CHECK("rlimit_cpu_finite_kept",
          setrlimit(RLIMIT_CPU, &day) == 0 && getrlimit(RLIMIT_CPU, &got) == 0 &&
              got.rlim_cur == 86400 && got.rlim_max == 86400 && setrlimit(RLIMIT_CPU, &inf) == 0,
          "%s", strerror(errno));
    if (t_uniplex()) {
        CHECK_ERR("rlimit_as_finite_einval", setrlimit(RLIMIT_AS, &ten), EINVAL);
        CHECK_ERR("rlimit_data_finite_einval", setrlimit(RLIMIT_DATA, &ten), EINVAL);
    } else {
        t_skip_host("rlimit_as_finite_einval");
        t_skip_host("rlimit_data_finite_einval");
    }
}

/* With the soft RLIMIT_NOFILE at 32, exactly the free slots below 32 open. */
static void check_emfile(void)
{
    enum { LIMIT = 32 };
    struct rlimit old, lim, now;
    int fds[LIMIT], n = 0, err = 0;

    if (getrlimit(RLIMIT_NOFILE, &old) != 0) {
        t_fail("emfile", "getrlimit failed: %s", t_errname(errno));
        return;
    }
    lim = old;
    lim.rlim_cur = LIMIT;
    CHECK_SYS("setrlimit_nofile", setrlimit(RLIMIT_NOFILE, &lim));
    int expect = LIMIT - count_open_below(LIMIT);
    for (;;) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd < 0) {
            err = errno;
            break;
        }
        if (n == LIMIT) {
            close(fd);
            break;
        }
        fds[n++] = fd;
    }
    CHECK("emfile", n == expect && err == EMFILE, "expected %d opens then EMFILE, got %d then %s",
          expect, n, t_errname(err));
    for (int i = 0; i < n; i++)
        close(fds[i]);
    CHECK_ERR("dup2_over_limit", dup2(1, LIMIT), EBADF);
    CHECK_ERR("f_dupfd_over_limit", fcntl(1, F_DUPFD, LIMIT), EINVAL);
    CHECK("setrlimit_restore",
          setrlimit(RLIMIT_NOFILE, &old) == 0 && getrlimit(RLIMIT_NOFILE, &now) == 0 &&
              now.rlim_cur == old.rlim_cur && now.rlim_max == old.rlim_max,
          "expected the limit restored");
}

static void check_enosys(void)
{
    CHECK_ERR("enosys_1000", syscall(1000), ENOSYS);
    CHECK_ERR("enosys_511", syscall(511), ENOSYS);
    CHECK_ERR("enosys_minus1", syscall(-1L), ENOSYS);
}

/* Removes path and everything below it (without following symlinks). */
static void rm_tree(const char *path)
{
    struct stat st;
    char sub[PATH_MAX];

    if (lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    DIR *d = opendir(path);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        rm_tree(sub);
    }
    if (d)
        closedir(d);
    rmdir(path);
}

/* files --tcsetsf (inside Uniplex, the runner typing a line on the
 * console): once typed input is waiting, tcsetattr(TCSAFLUSH), which is
 * TCSETSF, must discard it. */
static int tcsetsf_mode(void)
{
    struct termios t;
    struct pollfd pf = {0, POLLIN, 0};
    int typed = poll(&pf, 1, 30000) == 1;

    usleep(300000); /* the rest of the line */
    int set = tcgetattr(0, &t) == 0 && tcsetattr(0, TCSAFLUSH, &t) == 0;
    pf.revents = 0;
    int left = poll(&pf, 1, 0);
    CHECK("tcsetsf_flushes_input", typed && set && left == 0,
          "input seen %d, tcsetattr %d, still readable %d", typed, set, left);
    return t_done("tty");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--tcsetsf") == 0)
        return tcsetsf_mode();
    /* The lowest free descriptor now must be the lowest free one at the end. */
    int first_free = open("/dev/null", O_RDONLY);
    close(first_free);
    mode_t old_umask = umask(022);

    if (!mkdtemp(workdir)) {
        t_fail("mkdtemp", "could not create %s: %s", workdir, t_errname(errno));
        return t_done("files");
    }
    check_create();
    check_rw_seek();
    check_vectors();
    check_rename_unlink();
    check_dirs();
    check_dir_nlink();
    check_readdir();
    check_cwd();
    check_symlinks();
    check_name_limits();
    check_path_forms();
    check_at_calls();
    check_open_flags();
    check_open_rules();
    check_tmpfile();
    check_poll_file();
    check_dup();
    check_fcntl();
    check_creat();
    check_link();
    check_linkat();
    check_owners();
    check_utimensat();
    check_utimes();
    check_time_updates();
    check_statfs();
    check_times();
    check_devices();
    check_dev_full();
    check_tty();
    check_efault();
    check_ebadf();
    check_emfile();
    check_rlimits();
    check_enosys();
    rm_tree(workdir);
    CHECK("cleanup", access(workdir, F_OK) == -1, "expected %s removed", workdir);
    umask(old_umask);
    int fd = open("/dev/null", O_RDONLY);
    CHECK("fds_balanced", fd == first_free, "expected fd %d to be the lowest free, got %d",
          first_free, fd);
    close(fd);
    return t_done("files");
}
