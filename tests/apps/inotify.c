/* inotify: inotify(7) (issue 16): inotify_init1's flags, add_watch and
 * rm_watch, and the events the file system reports:
 *
 *   IN_CREATE/IN_DELETE (IN_ISDIR for directories) with the name padded
 *   to 16 bytes, IN_OPEN, IN_MODIFY, IN_ACCESS, IN_CLOSE_WRITE and
 *   IN_CLOSE_NOWRITE on a file and, with its name, on its directory's
 *   watch; IN_ATTRIB from chmod, chown, utimensat and link; identical
 *   consecutive events merged; a rename's IN_MOVED_FROM/IN_MOVED_TO with
 *   one cookie and IN_MOVE_SELF; IN_DELETE_SELF and IN_IGNORED when a
 *   watched file goes (after its last close); IN_ONESHOT, IN_MASK_ADD,
 *   IN_MASK_CREATE, the same wd for the same file; rm_watch's IN_IGNORED;
 *   IN_UNMOUNT; the queue limit's IN_Q_OVERFLOW; O_NONBLOCK's EAGAIN and a
 *   blocking read woken by another process; poll and epoll readiness;
 *   FIONREAD; a buffer too small (EINVAL); the errnos of bad descriptors,
 *   watch descriptors, masks, paths and pointers.
 *
 * Each case runs in its own child under alarm() and reports why it failed
 * through a pipe. Passes on Linux too. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tcase.h"

#define ALARM_S 20
/* An address no program has mapped (volatile: opaque to the compiler's
 * bounds checks). */
static void *volatile BAD = (void *)8;

#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(t_die, what, call, want)
#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(t_die, what, call, want)

/* ---- helpers ---- */

/* The case's directory: named by main before the case runs, made by the
 * case (mkcase), removed with all in it by main after it (rm_tree). */
static char dir[64];

static void mkcase(void)
{
    T_EXPECT(mkdir(dir, 0755) == 0, "mkdir %s: %s", dir, t_errname(errno));
}

static void rm_tree(const char *p)
{
    DIR *d = opendir(p);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char sub[512];
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", p, e->d_name);
        if (e->d_type == DT_DIR)
            rm_tree(sub);
        else
            unlink(sub);
    }
    if (d)
        closedir(d);
    rmdir(p);
}

static const char *path(const char *name)
{
    static char buf[4][128];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
    return buf[i];
}

static int in_new(int flags)
{
    int fd = inotify_init1(flags);
    T_EXPECT(fd >= 0, "inotify_init1: %s", t_errname(errno));
    return fd;
}

static int watch(int fd, const char *p, uint32_t mask)
{
    int wd = inotify_add_watch(fd, p, mask);
    T_EXPECT(wd >= 0, "inotify_add_watch %s %#x: %s", p, mask, t_errname(errno));
    return wd;
}

static void touch(const char *p)
{
    int fd = open(p, O_CREAT | O_WRONLY, 0644);
    T_EXPECT(fd >= 0, "create %s: %s", p, t_errname(errno));
    close(fd);
}

/* The events read: up to 64, each header and name. */
struct ev {
    int wd;
    uint32_t mask, cookie, len;
    char name[64];
};
static struct ev evs[64];
static char raw[8192];

/* Read what is queued (fd nonblocking or with events): the count. */
static int drain(int fd)
{
    int n = 0;
    ssize_t r = read(fd, raw, sizeof(raw));
    if (r < 0 && errno == EAGAIN)
        return 0;
    T_EXPECT(r > 0, "read: %zd/%s", r, t_errname(errno));
    for (ssize_t off = 0; off < r && n < 64; n++) {
        struct inotify_event *e = (struct inotify_event *)(raw + off);
        evs[n].wd = e->wd;
        evs[n].mask = e->mask;
        evs[n].cookie = e->cookie;
        evs[n].len = e->len;
        snprintf(evs[n].name, sizeof(evs[n].name), "%s", e->len ? e->name : "");
        off += (ssize_t)(sizeof(*e) + e->len);
    }
    return n;
}

/* Event i is (wd, mask, name). */
static void expect_ev(int i, int wd, uint32_t mask, const char *name)
{
    T_EXPECT(evs[i].wd == wd && evs[i].mask == mask && strcmp(evs[i].name, name) == 0,
             "event %d: wd %d mask %#x name '%s', expected wd %d mask %#x name '%s'", i, evs[i].wd,
             evs[i].mask, evs[i].name, wd, mask, name);
}

static void expect_count(int n, int want)
{
    if (n == want)
        return;
    char buf[200] = "";
    for (int i = 0, k = 0; i < n && k < 180; i++)
        k += snprintf(buf + k, sizeof(buf) - (size_t)k, " %d:%#x:%s", evs[i].wd, evs[i].mask,
                      evs[i].name);
    t_die("%d events, expected %d:%s", n, want, buf);
}

/* ---- cases ---- */

static void case_create_delete(void)
{
    mkcase();
    int fd = in_new(IN_NONBLOCK);
    int wd = watch(fd, dir, IN_CREATE | IN_DELETE);
    touch(path("f"));
    T_EXPECT(mkdir(path("d"), 0755) == 0, "mkdir");
    T_EXPECT(symlink("f", path("l")) == 0, "symlink");
    T_EXPECT(unlink(path("f")) == 0, "unlink");
    T_EXPECT(unlink(path("l")) == 0, "unlink l");
    T_EXPECT(rmdir(path("d")) == 0, "rmdir");
    int n = drain(fd);
    expect_count(n, 6);
    expect_ev(0, wd, IN_CREATE, "f");
    expect_ev(1, wd, IN_CREATE | IN_ISDIR, "d");
    expect_ev(2, wd, IN_CREATE, "l");
    expect_ev(3, wd, IN_DELETE, "f");
    expect_ev(4, wd, IN_DELETE, "l");
    expect_ev(5, wd, IN_DELETE | IN_ISDIR, "d");
}

static void case_file_io(void)
{
    mkcase();
    touch(path("f"));
    int fd = in_new(IN_NONBLOCK);
    int wd = watch(fd, path("f"), IN_ALL_EVENTS);
    char c = 'x';
    int f = open(path("f"), O_RDWR);
    T_EXPECT(write(f, &c, 1) == 1, "write");
    T_EXPECT(pread(f, &c, 1, 0) == 1, "pread");
    T_EXPECT(pread(f, &c, 1, 1) == 0, "pread at the end");
    close(f);
    f = open(path("f"), O_RDONLY);
    close(f);
    f = open(path("f"), O_PATH);
    close(f);
    int n = drain(fd);
    expect_count(n, 6);
    expect_ev(0, wd, IN_OPEN, "");
    expect_ev(1, wd, IN_MODIFY, "");
    expect_ev(2, wd, IN_ACCESS, "");
    expect_ev(3, wd, IN_CLOSE_WRITE, "");
    expect_ev(4, wd, IN_OPEN, "");
    expect_ev(5, wd, IN_CLOSE_NOWRITE, "");
    T_EXPECT(evs[1].cookie == 0 && evs[1].len == 0, "cookie %u len %u", evs[1].cookie, evs[1].len);
    f = open(path("f"), O_WRONLY | O_TRUNC);
    close(f);
    n = drain(fd); /* the open first, then the truncation, as Linux */
    expect_count(n, 3);
    expect_ev(0, wd, IN_OPEN, "");
    expect_ev(1, wd, IN_MODIFY, "");
    expect_ev(2, wd, IN_CLOSE_WRITE, "");
    /* a file the open makes is not truncated: no IN_MODIFY */
    int wdir = watch(fd, dir, IN_CREATE | IN_OPEN | IN_MODIFY | IN_CLOSE_WRITE);
    f = creat(path("new"), 0644);
    close(f);
    n = drain(fd);
    expect_count(n, 3);
    expect_ev(0, wdir, IN_CREATE, "new");
    expect_ev(1, wdir, IN_OPEN, "new");
    expect_ev(2, wdir, IN_CLOSE_WRITE, "new");
}

/* A directory's watch hears of its entries' events, with their names,
 * before the entry's own watch; the directory's own reads are IN_ISDIR. */
static void case_dir_children(void)
{
    mkcase();
    touch(path("f"));
    T_EXPECT(mkdir(path("d"), 0755) == 0, "mkdir");
    int fd = in_new(IN_NONBLOCK);
    int wdd = watch(fd, dir, IN_MODIFY | IN_OPEN | IN_CLOSE | IN_ATTRIB);
    int wdf = watch(fd, path("f"), IN_MODIFY);
    int f = open(path("f"), O_WRONLY);
    T_EXPECT(write(f, "a", 1) == 1, "write");
    close(f);
    T_EXPECT(chmod(path("d"), 0700) == 0, "chmod");
    f = open(dir, O_RDONLY | O_DIRECTORY);
    close(f);
    int n = drain(fd);
    expect_count(n, 7);
    expect_ev(0, wdd, IN_OPEN, "f");
    expect_ev(1, wdd, IN_MODIFY, "f");
    expect_ev(2, wdf, IN_MODIFY, "");
    expect_ev(3, wdd, IN_CLOSE_WRITE, "f");
    expect_ev(4, wdd, IN_ATTRIB | IN_ISDIR, "d");
    expect_ev(5, wdd, IN_OPEN | IN_ISDIR, "");
    expect_ev(6, wdd, IN_CLOSE_NOWRITE | IN_ISDIR, "");
}

static void case_attrib_merged(void)
{
    mkcase();
    touch(path("f"));
    int fd = in_new(IN_NONBLOCK);
    int wd = watch(fd, path("f"), IN_ATTRIB | IN_MODIFY);
    T_EXPECT(chmod(path("f"), 0600) == 0, "chmod");
    T_EXPECT(chmod(path("f"), 0640) == 0, "chmod again");
    T_EXPECT(truncate(path("f"), 10) == 0, "truncate");
    T_EXPECT(chown(path("f"), 0, 0) == 0, "chown");
    T_EXPECT(utimensat(AT_FDCWD, path("f"), NULL, 0) == 0, "utimensat");
    T_EXPECT(link(path("f"), path("g")) == 0, "link");
    int n = drain(fd);
    expect_count(n, 3);
    expect_ev(0, wd, IN_ATTRIB, "");
    expect_ev(1, wd, IN_MODIFY, "");
    expect_ev(2, wd, IN_ATTRIB, "");
}

static void case_name_padding(void)
{
    mkcase();
    int fd = in_new(IN_NONBLOCK);
    watch(fd, dir, IN_CREATE);
    touch(path("abc"));
    touch(path("0123456789abcdef"));
    ssize_t r = read(fd, raw, sizeof(raw));
    T_EXPECT(r == 16 + 16 + 16 + 32, "read %zd bytes, expected 80", r);
    struct inotify_event *e = (struct inotify_event *)raw;
    T_EXPECT(e->len == 16, "len %u", e->len);
    for (int i = 3; i < 16; i++)
        T_EXPECT(e->name[i] == 0, "byte %d of the padding is %d", i, e->name[i]);
    e = (struct inotify_event *)(raw + 32);
    T_EXPECT(e->len == 32 && strcmp(e->name, "0123456789abcdef") == 0, "len %u name %s", e->len,
             e->name);
}

static void case_rename_cookie(void)
{
    mkcase();
    T_EXPECT(mkdir(path("a"), 0755) == 0 && mkdir(path("b"), 0755) == 0, "mkdir");
    touch(path("a/x"));
    touch(path("b/y"));
    int fd = in_new(IN_NONBLOCK);
    int wa = watch(fd, path("a"), IN_MOVE);
    int wb = watch(fd, path("b"), IN_MOVE | IN_MOVE_SELF);
    int wx = watch(fd, path("a/x"), IN_MOVE_SELF);
    int wy = watch(fd, path("b/y"), IN_ATTRIB | IN_DELETE_SELF);
    T_EXPECT(rename(path("a/x"), path("b/y")) == 0, "rename: %s", t_errname(errno));
    T_EXPECT(rename(path("b"), path("a/c")) == 0, "rename dir: %s", t_errname(errno));
    int n = drain(fd);
    expect_count(n, 8);
    expect_ev(0, wa, IN_MOVED_FROM, "x");
    expect_ev(1, wb, IN_MOVED_TO, "y");
    expect_ev(2, wy, IN_ATTRIB, "");
    expect_ev(3, wx, IN_MOVE_SELF, "");
    expect_ev(4, wy, IN_DELETE_SELF, "");
    expect_ev(5, wy, IN_IGNORED, "");
    expect_ev(6, wa, IN_MOVED_TO | IN_ISDIR, "c");
    T_EXPECT(evs[0].cookie != 0 && evs[0].cookie == evs[1].cookie, "cookies %u %u", evs[0].cookie,
             evs[1].cookie);
    T_EXPECT(evs[6].cookie != 0 && evs[6].cookie != evs[0].cookie, "cookie %u", evs[6].cookie);
    expect_ev(7, wb, IN_MOVE_SELF, ""); /* no IN_ISDIR, as Linux */
}

static void case_oneshot(void)
{
    mkcase();
    touch(path("f"));
    int fd = in_new(IN_NONBLOCK);
    int wd = watch(fd, path("f"), IN_ATTRIB | IN_ONESHOT);
    T_EXPECT(chmod(path("f"), 0600) == 0, "chmod");
    T_EXPECT(chmod(path("f"), 0640) == 0, "chmod");
    int n = drain(fd);
    expect_count(n, 2);
    expect_ev(0, wd, IN_ATTRIB, "");
    expect_ev(1, wd, IN_IGNORED, "");
    EXPECT_ERR("rm_watch of a oneshot watch that fired", inotify_rm_watch(fd, wd), EINVAL);
}

static void case_mask_add_create(void)
{
    mkcase();
    touch(path("f"));
    T_EXPECT(link(path("f"), path("g")) == 0, "link");
    int fd = in_new(IN_NONBLOCK);
    int wd = watch(fd, path("f"), IN_ATTRIB);
    EXPECT_RET("the same file by another name", inotify_add_watch(fd, path("g"), IN_MODIFY), wd);
    EXPECT_RET("IN_MASK_ADD", inotify_add_watch(fd, path("f"), IN_ATTRIB | IN_MASK_ADD), wd);
    EXPECT_ERR("IN_MASK_CREATE on a watched file",
               inotify_add_watch(fd, path("f"), IN_ATTRIB | IN_MASK_CREATE), EEXIST);
    EXPECT_ERR("IN_MASK_ADD | IN_MASK_CREATE",
               inotify_add_watch(fd, path("f"), IN_ATTRIB | IN_MASK_ADD | IN_MASK_CREATE), EINVAL);
    T_EXPECT(chmod(path("f"), 0600) == 0, "chmod");
    T_EXPECT(truncate(path("f"), 1) == 0, "truncate");
    int n = drain(fd);
    expect_count(n, 2);
    expect_ev(0, wd, IN_ATTRIB, "");
    expect_ev(1, wd, IN_MODIFY, "");
    /* without IN_MASK_ADD the mask is replaced */
    EXPECT_RET("replace", inotify_add_watch(fd, path("f"), IN_ATTRIB), wd);
    T_EXPECT(truncate(path("f"), 2) == 0, "truncate");
    expect_count(drain(fd), 0);
    int wd2 = watch(fd, dir, IN_CREATE | IN_MASK_CREATE);
    T_EXPECT(wd2 != wd, "a second watch has wd %d too", wd2);
}

static void case_rm_watch(void)
{
    mkcase();
    int fd = in_new(IN_NONBLOCK);
    int wd = watch(fd, dir, IN_CREATE);
    EXPECT_RET("rm_watch", inotify_rm_watch(fd, wd), 0);
    touch(path("f"));
    int n = drain(fd);
    expect_count(n, 1);
    expect_ev(0, wd, IN_IGNORED, "");
    EXPECT_ERR("rm_watch again", inotify_rm_watch(fd, wd), EINVAL);
    EXPECT_ERR("rm_watch of wd 12345", inotify_rm_watch(fd, 12345), EINVAL);
    EXPECT_ERR("rm_watch of wd -1", inotify_rm_watch(fd, -1), EINVAL);
    int wd2 = watch(fd, dir, IN_CREATE);
    T_EXPECT(wd2 != wd, "wd %d used again at once", wd2);
}

/* A watched file's deletion waits for its last close; a directory's is at
 * rmdir. */
static void case_delete_self(void)
{
    mkcase();
    touch(path("f"));
    T_EXPECT(mkdir(path("d"), 0755) == 0, "mkdir");
    int fd = in_new(IN_NONBLOCK);
    int wf = watch(fd, path("f"), IN_DELETE_SELF | IN_ATTRIB);
    int wd = watch(fd, path("d"), IN_DELETE_SELF);
    int f = open(path("f"), O_RDONLY);
    T_EXPECT(unlink(path("f")) == 0, "unlink");
    int n = drain(fd);
    expect_count(n, 1);
    expect_ev(0, wf, IN_ATTRIB, "");
    close(f);
    T_EXPECT(rmdir(path("d")) == 0, "rmdir");
    n = drain(fd);
    expect_count(n, 4);
    expect_ev(0, wf, IN_DELETE_SELF, "");
    expect_ev(1, wf, IN_IGNORED, "");
    expect_ev(2, wd, IN_DELETE_SELF, ""); /* no IN_ISDIR: Linux's fsnotify_inoderemove */
    expect_ev(3, wd, IN_IGNORED, "");
    EXPECT_ERR("rm_watch of a deleted file's watch", inotify_rm_watch(fd, wf), EINVAL);
}

/* A link count's change is IN_ATTRIB to the file's own watch only, before
 * the directory's IN_CREATE or IN_DELETE; a deletion's IN_DELETE_SELF and
 * IN_IGNORED come before the directory's IN_DELETE. */
static void case_link_unlink_order(void)
{
    mkcase();
    touch(path("f"));
    int fd = in_new(IN_NONBLOCK);
    int wd = watch(fd, dir, IN_ALL_EVENTS);
    int wf = watch(fd, path("f"), IN_ALL_EVENTS);
    T_EXPECT(link(path("f"), path("g")) == 0, "link");
    T_EXPECT(unlink(path("g")) == 0, "unlink g");
    T_EXPECT(unlink(path("f")) == 0, "unlink f");
    int n = drain(fd);
    expect_count(n, 8);
    expect_ev(0, wf, IN_ATTRIB, "");
    expect_ev(1, wd, IN_CREATE, "g");
    expect_ev(2, wf, IN_ATTRIB, "");
    expect_ev(3, wd, IN_DELETE, "g");
    expect_ev(4, wf, IN_ATTRIB, ""); /* not merged: an event came between */
    expect_ev(5, wf, IN_DELETE_SELF, "");
    expect_ev(6, wf, IN_IGNORED, "");
    expect_ev(7, wd, IN_DELETE, "f");
}

static void case_unmount(void)
{
    mkcase();
    T_EXPECT(mount("none", dir, "tmpfs", 0, NULL) == 0, "mount: %s", t_errname(errno));
    touch(path("f"));
    int fd = in_new(IN_NONBLOCK);
    int wf = watch(fd, path("f"), IN_ATTRIB);
    int wr = watch(fd, dir, IN_CREATE);
    T_EXPECT(umount(dir) == 0, "umount with watches: %s", t_errname(errno));
    int n = drain(fd);
    expect_count(n, 4);
    /* the order of the watches is the kernel's */
    int first = evs[0].wd, second = first == wf ? wr : wf;
    T_EXPECT(first == wf || first == wr, "wd %d", first);
    expect_ev(0, first, IN_UNMOUNT | (first == wr ? IN_ISDIR : 0), "");
    expect_ev(1, first, IN_IGNORED, "");
    expect_ev(2, second, IN_UNMOUNT | (second == wr ? IN_ISDIR : 0), "");
    expect_ev(3, second, IN_IGNORED, "");
}

static void case_overflow(void)
{
    mkcase();
    touch(path("f"));
    int fd = in_new(IN_NONBLOCK);
    int wd = watch(fd, path("f"), IN_ATTRIB | IN_MODIFY);
    int max = 16384;
    for (int i = 0; i < max / 2 + 2; i++) {
        T_EXPECT(chmod(path("f"), 0600) == 0, "chmod");
        T_EXPECT(truncate(path("f"), 0) == 0, "truncate");
    }
    int avail = 0;
    T_EXPECT(ioctl(fd, FIONREAD, &avail) == 0, "FIONREAD");
    EXPECT_RET("bytes queued", avail, (max + 1) * 16);
    int seen = 0;
    struct inotify_event last = {0};
    for (;;) {
        ssize_t r = read(fd, raw, sizeof(raw));
        if (r < 0 && errno == EAGAIN)
            break;
        T_EXPECT(r > 0, "read: %s", t_errname(errno));
        seen += (int)(r / 16);
        memcpy(&last, raw + r - 16, 16);
    }
    EXPECT_RET("events read", seen, max + 1);
    T_EXPECT(last.wd == -1 && last.mask == IN_Q_OVERFLOW, "last event wd %d mask %#x", last.wd,
             last.mask);
    (void)wd;
}

static void case_flags_nonblock(void)
{
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    T_EXPECT(fd >= 0, "init1: %s", t_errname(errno));
    T_EXPECT(fcntl(fd, F_GETFL) & O_NONBLOCK, "no O_NONBLOCK");
    T_EXPECT(fcntl(fd, F_GETFD) == FD_CLOEXEC, "no FD_CLOEXEC");
    char buf[64];
    EXPECT_ERR("read of an empty queue", read(fd, buf, sizeof(buf)), EAGAIN);
    EXPECT_ERR("init1(1)", inotify_init1(1), EINVAL);
    EXPECT_ERR("init1(O_RDWR)", inotify_init1(O_RDWR), EINVAL);
    int fd2 = inotify_init();
    T_EXPECT(fd2 >= 0 && !(fcntl(fd2, F_GETFL) & O_NONBLOCK) && fcntl(fd2, F_GETFD) == 0,
             "inotify_init: %d", fd2);
    T_EXPECT((fcntl(fd2, F_GETFL) & O_ACCMODE) == O_RDONLY, "not O_RDONLY");
    EXPECT_ERR("write", write(fd2, buf, 16), EBADF);
}

/* A blocking read sleeps until another process makes an event. */
/* Linux's max_user_instances (128 by default, the host's other programs
 * may hold some): EMFILE, and a close makes room again. */
static void case_instance_limit(void)
{
    int fds[200], n = 0;
    for (; n < 200; n++)
        if ((fds[n] = inotify_init()) < 0)
            break;
    T_EXPECT(n > 0 && n <= 128 && errno == EMFILE, "%d instances, then %s", n, t_errname(errno));
    close(fds[n - 1]);
    T_EXPECT((fds[n - 1] = inotify_init()) >= 0, "after a close: %s", t_errname(errno));
}

static void case_blocking_read(void)
{
    mkcase();
    int fd = in_new(0);
    int wd = watch(fd, dir, IN_CREATE);
    pid_t pid = fork();
    if (pid == 0) {
        usleep(100000);
        touch(path("late"));
        _exit(0);
    }
    int n = drain(fd);
    expect_count(n, 1);
    expect_ev(0, wd, IN_CREATE, "late");
    waitpid(pid, NULL, 0);
}

static void case_poll_epoll_fionread(void)
{
    mkcase();
    int fd = in_new(IN_NONBLOCK);
    watch(fd, dir, IN_CREATE);
    struct pollfd p = {fd, POLLIN, 0};
    EXPECT_RET("poll before an event", poll(&p, 1, 0), 0);
    int ep = epoll_create1(0);
    struct epoll_event ee = {.events = EPOLLIN, .data.u64 = 7}, out;
    T_EXPECT(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ee) == 0, "epoll_ctl: %s", t_errname(errno));
    EXPECT_RET("epoll_wait before an event", epoll_wait(ep, &out, 1, 0), 0);
    int avail = -1;
    T_EXPECT(ioctl(fd, FIONREAD, &avail) == 0 && avail == 0, "FIONREAD empty: %d", avail);
    touch(path("abc"));
    EXPECT_RET("poll after an event", poll(&p, 1, 1000), 1);
    T_EXPECT(p.revents == POLLIN, "revents %#x", p.revents);
    EXPECT_RET("epoll_wait after an event", epoll_wait(ep, &out, 1, 1000), 1);
    T_EXPECT(out.events == EPOLLIN && out.data.u64 == 7, "epoll event %#x", out.events);
    T_EXPECT(ioctl(fd, FIONREAD, &avail) == 0 && avail == 32, "FIONREAD: %d", avail);
    EXPECT_ERR("FIONREAD to a bad pointer", ioctl(fd, FIONREAD, BAD), EFAULT);
    expect_count(drain(fd), 1);
    EXPECT_RET("poll after the read", poll(&p, 1, 0), 0);
}

static void case_small_buffer(void)
{
    mkcase();
    int fd = in_new(IN_NONBLOCK);
    watch(fd, dir, IN_CREATE | IN_ATTRIB);
    touch(path("abc"));
    EXPECT_ERR("read of 0 bytes", read(fd, raw, 0), EINVAL);
    EXPECT_ERR("read of 16 bytes for a 32-byte event", read(fd, raw, 16), EINVAL);
    EXPECT_ERR("read of 31 bytes", read(fd, raw, 31), EINVAL);
    T_EXPECT(chmod(dir, 0700) == 0, "chmod");
    EXPECT_RET("read of 40 bytes: the first event", read(fd, raw, 40), 32);
    EXPECT_RET("read of 16: the second", read(fd, raw, 16), 16);
    touch(path("def"));
    /* Linux takes the event off the queue before the copy fails (a page
     * of the program's that is gone: any kernel's copy reaches it) */
    char *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(gone != MAP_FAILED && munmap(gone, 4096) == 0, "mmap");
    EXPECT_ERR("read to a page unmapped", read(fd, gone, 64), EFAULT);
    EXPECT_ERR("the event is gone", read(fd, raw, 64), EAGAIN);
}

static void case_errors(void)
{
    mkcase();
    touch(path("f"));
    int fd = in_new(0), pfd[2];
    T_EXPECT(pipe(pfd) == 0, "pipe");
    EXPECT_ERR("add_watch on fd -1", inotify_add_watch(-1, dir, IN_ALL_EVENTS), EBADF);
    EXPECT_ERR("add_watch on fd 999", inotify_add_watch(999, dir, IN_ALL_EVENTS), EBADF);
    EXPECT_ERR("add_watch on a pipe", inotify_add_watch(pfd[0], dir, IN_ALL_EVENTS), EINVAL);
    EXPECT_ERR("add_watch with mask 0", inotify_add_watch(fd, dir, 0), EINVAL);
    EXPECT_ERR("mask 0 on a pipe", inotify_add_watch(pfd[0], dir, 0), EINVAL);
    EXPECT_ERR("mask 0 on fd -1", inotify_add_watch(-1, dir, 0), EINVAL);
    EXPECT_ERR("an unknown bit on fd -1", inotify_add_watch(-1, dir, IN_CREATE | 0x100000), EINVAL);
    EXPECT_ERR("an unknown bit", inotify_add_watch(fd, dir, IN_CREATE | 0x100000), EINVAL);
    EXPECT_ERR("IN_MASK_ADD | IN_MASK_CREATE on fd -1",
               inotify_add_watch(-1, dir, IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE), EBADF);
    T_EXPECT(inotify_add_watch(fd, path("f"), IN_ONESHOT) >= 0, "a mask of flags alone: %s",
             t_errname(errno));
    T_EXPECT(inotify_add_watch(fd, path("f"), IN_IGNORED | IN_UNMOUNT | IN_ISDIR) >= 0,
             "IN_IGNORED | IN_UNMOUNT | IN_ISDIR: %s", t_errname(errno));
    EXPECT_ERR("a missing path", inotify_add_watch(fd, path("nope"), IN_ALL_EVENTS), ENOENT);
    EXPECT_ERR("an empty path", inotify_add_watch(fd, "", IN_ALL_EVENTS), ENOENT);
    EXPECT_ERR("a bad path pointer", inotify_add_watch(fd, BAD, IN_ALL_EVENTS), EFAULT);
    EXPECT_ERR("IN_ONLYDIR on a file", inotify_add_watch(fd, path("f"), IN_ATTRIB | IN_ONLYDIR),
               ENOTDIR);
    T_EXPECT(inotify_add_watch(fd, dir, IN_ATTRIB | IN_ONLYDIR) >= 0, "IN_ONLYDIR on a dir");
    T_EXPECT(symlink("f", path("l")) == 0, "symlink");
    int wl = inotify_add_watch(fd, path("l"), IN_ATTRIB | IN_DONT_FOLLOW);
    int wf = inotify_add_watch(fd, path("l"), IN_ATTRIB | IN_EXCL_UNLINK);
    T_EXPECT(wl >= 0 && wf >= 0 && wl != wf, "IN_DONT_FOLLOW: wds %d %d", wl, wf);
    EXPECT_RET("the followed link is the file", inotify_add_watch(fd, path("f"), IN_ATTRIB), wf);
    EXPECT_ERR("rm_watch on fd -1", inotify_rm_watch(-1, 1), EBADF);
    EXPECT_ERR("rm_watch on a pipe", inotify_rm_watch(pfd[0], 1), EINVAL);
}

static const struct {
    const char *name;
    void (*fn)(void);
} cases[] = {
    {"create-delete", case_create_delete},
    {"file-io", case_file_io},
    {"dir-children", case_dir_children},
    {"attrib-merged", case_attrib_merged},
    {"name-padding", case_name_padding},
    {"rename-cookie", case_rename_cookie},
    {"oneshot", case_oneshot},
    {"mask-add-create", case_mask_add_create},
    {"rm-watch", case_rm_watch},
    {"delete-self", case_delete_self},
    {"link-unlink-order", case_link_unlink_order},
    {"unmount", case_unmount},
    {"overflow", case_overflow},
    {"flags-nonblock", case_flags_nonblock},
    {"instance-limit", case_instance_limit},
    {"blocking-read", case_blocking_read},
    {"poll-epoll-fionread", case_poll_epoll_fionread},
    {"small-buffer", case_small_buffer},
    {"errors", case_errors},
};

int main(int argc, char **argv)
{
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char why[300];
        int st;
        if (!t_case_named(argc, argv, cases[i].name))
            continue;
        snprintf(dir, sizeof(dir), "/tmp/inotify-%s", cases[i].name);
        rm_tree(dir);
        if (t_case_run(cases[i].name, cases[i].fn, ALARM_S, T_CASE_GROUP, why, sizeof(why), &st) &&
            t_case_passed(cases[i].name, why, st))
            t_ok(cases[i].name);
        rm_tree(dir);
    }
    while (p_wait(-1, NULL, 0) > 0) /* orphans: init's to reap inside Uniplex */
        ;
    return t_done("inotify");
}
