/* mqueue: POSIX message queues (mq_overview(7)): mq_open, mq_unlink,
 * mq_timedsend, mq_timedreceive, mq_notify, mq_getsetattr.
 *
 *   names and the namespace, O_CREAT/O_EXCL/access modes, EMFILE, mode and umask,
 *   the attributes and their limits (unprivileged ones after setuid: the
 *   /proc/sys/fs/mqueue limits, RLIMIT_MSGQUEUE's EMFILE, queues_max's
 *   ENOSPC), EACCES by mode and the sticky EPERM of mq_unlink, priority
 *   order, EMSGSIZE, blocking senders and receivers, absolute timeouts,
 *   O_NONBLOCK and mq_getsetattr, EINTR and SA_RESTART, descriptors
 *   (close-on-exec, dup, fork), poll/select/epoll readiness, read's
 *   status line, mq_notify by signal (siginfo checked) and its rules,
 *   SIGEV_THREAD's netlink cookie and the libc's SIGEV_THREAD,
 *   unlink while open, EFAULT and EBADF for each call, and the libc's own
 *   mq_* functions with a leading slash.
 *
 * The calls go through syscall() so that both libcs are tested on the
 * kernel's own terms; the last case goes through the libc. Queue names
 * carry this process's pid, and every case unlinks what it made. Each
 * case runs in its own child under alarm() and reports why it failed
 * through a pipe. Passes on Linux too (as root: the unprivileged cases
 * setuid to nobody in a child). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tcase.h"

#define ALARM_S       20
#define NOBODY        65534
#define NOBODY2       65533
#define MQ_PRIO_LIMIT 32768
/* An address no program has mapped (volatile: opaque to the compiler). */
static void *volatile BAD = (void *)8;

#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(t_die, what, call, want)
#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(t_die, what, call, want)

/* ---- the system calls ---- */

static int mqo(const char *name, int flags, mode_t mode, const struct mq_attr *a)
{
    return (int)syscall(SYS_mq_open, name, flags, mode, a);
}

static int mqu(const char *name)
{
    return (int)syscall(SYS_mq_unlink, name);
}

static long mqs(int q, const void *buf, size_t n, unsigned prio, const struct timespec *ts)
{
    return syscall(SYS_mq_timedsend, q, buf, n, prio, ts);
}

static long mqr(int q, void *buf, size_t n, unsigned *prio, const struct timespec *ts)
{
    return syscall(SYS_mq_timedreceive, q, buf, n, prio, ts);
}

static int mqn(int q, const struct sigevent *sev)
{
    return (int)syscall(SYS_mq_notify, q, sev);
}

static int mqa(int q, const struct mq_attr *new, struct mq_attr *old)
{
    return (int)syscall(SYS_mq_getsetattr, q, new, old);
}

/* ---- helpers ---- */

static char names[4][64];

/* Queue name n of this case (its pid keeps it apart from the host's). */
static const char *qname(int n)
{
    if (!names[n][0])
        snprintf(names[n], sizeof(names[n]), "uplx-mq-%d-%d", (int)getpid(), n);
    return names[n];
}

/* A new queue n (maxmsg, msgsize; 0: the defaults) opened with flags. */
static int qnew(int n, int flags, long maxmsg, long msgsize)
{
    struct mq_attr a = {.mq_maxmsg = maxmsg, .mq_msgsize = msgsize};
    int q = mqo(qname(n), O_CREAT | O_EXCL | flags, 0600, maxmsg ? &a : NULL);
    T_EXPECT(q >= 0, "mq_open(%s, create): %s", qname(n), t_errname(errno));
    return q;
}

static struct mq_attr attr_of(int q)
{
    struct mq_attr a;
    T_EXPECT(mqa(q, NULL, &a) == 0, "mq_getsetattr: %s", t_errname(errno));
    return a;
}

static void send1(int q, const char *text, unsigned prio)
{
    T_EXPECT(mqs(q, text, strlen(text), prio, NULL) == 0, "mq_timedsend(%s): %s", text,
             t_errname(errno));
}

/* Receive one message and check its text and priority. */
static void expect_msg(int q, const char *text, unsigned prio)
{
    char buf[256];
    unsigned p = ~0u;
    long n = mqr(q, buf, sizeof(buf), &p, NULL);
    T_EXPECT(n >= 0, "mq_timedreceive: %s", t_errname(errno));
    T_EXPECT((size_t)n == strlen(text) && !memcmp(buf, text, (size_t)n) && p == prio,
             "got '%.*s' prio %u, expected '%s' prio %u", (int)n, buf, p, text, prio);
}

/* An absolute CLOCK_REALTIME time ms from now. */
static struct timespec in_ms(long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += ms % 1000 * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    return ts;
}

static double now_ms(void)
{
    return p_now_us() / 1000;
}

/* fn in a child; join() checks that it exited 0. */
static pid_t spawn(void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork: %s", t_errname(errno));
    if (pid == 0) {
        fn();
        _exit(0);
    }
    return pid;
}

static void join(pid_t pid)
{
    int st;
    T_EXPECT(p_wait(pid, &st, 0) == pid, "waitpid: %s", t_errname(errno));
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %s", p_status_str(st));
}

static void become(uid_t uid)
{
    T_EXPECT(setgid(uid) == 0 && setuid(uid) == 0, "setuid(%d): %s", (int)uid, t_errname(errno));
}

static volatile sig_atomic_t got_sig;
static void on_sig(int sig)
{
    got_sig = sig;
}

static void catch_sig(int sig, int flags)
{
    struct sigaction sa = {.sa_handler = on_sig, .sa_flags = flags};
    sigaction(sig, &sa, NULL);
}

/* Wait until pid sleeps (blocked in a call). */
static void wait_asleep(pid_t pid)
{
    for (int i = 0; i < 500 && t_proc_state(pid) != 'S'; i++)
        p_sleep_ms(10);
    T_EXPECT(t_proc_state(pid) == 'S', "child %d never slept", (int)pid);
    p_sleep_ms(20);
}

/* The status line a read of q gives. */
static void status_of(int q, char *buf, size_t n)
{
    T_EXPECT(lseek(q, 0, SEEK_SET) == 0, "lseek: %s", t_errname(errno));
    ssize_t r = read(q, buf, n - 1);
    T_EXPECT(r > 0, "read: %s", t_errname(errno));
    buf[r] = 0;
}

static int notify_pid(int q)
{
    char buf[128];
    status_of(q, buf, sizeof(buf));
    char *p = strstr(buf, "NOTIFY_PID:");
    T_EXPECT(p, "no NOTIFY_PID in '%s'", buf);
    return atoi(p + 11);
}

/* ---- opening ---- */

static void case_open_basic(void)
{
    int q = qnew(0, O_RDWR, 4, 16);
    struct mq_attr a = attr_of(q);
    T_EXPECT(a.mq_flags == 0 && a.mq_maxmsg == 4 && a.mq_msgsize == 16 && a.mq_curmsgs == 0,
             "attr %ld %ld %ld %ld", a.mq_flags, a.mq_maxmsg, a.mq_msgsize, a.mq_curmsgs);
    EXPECT_RET("F_GETFD (always close-on-exec)", fcntl(q, F_GETFD), FD_CLOEXEC);
    EXPECT_RET("F_GETFL", fcntl(q, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDWR);
    struct stat st;
    T_EXPECT(fstat(q, &st) == 0, "fstat: %s", t_errname(errno));
    T_EXPECT(st.st_mode == (S_IFREG | 0600) && st.st_uid == getuid() && st.st_size == 80,
             "fstat: mode %o uid %d size %ld", st.st_mode, (int)st.st_uid, (long)st.st_size);
    int q2 = mqo(qname(0), O_RDONLY, 0, NULL);
    T_EXPECT(q2 >= 0 && q2 != q, "reopen: %s", t_errname(errno));
    send1(q, "hello", 1);
    EXPECT_RET("curmsgs via the other descriptor", attr_of(q2).mq_curmsgs, 1);
    expect_msg(q2, "hello", 1);
    EXPECT_RET("mq_unlink", mqu(qname(0)), 0);
    close(q);
    close(q2);
}

static void case_open_defaults(void)
{
    int q = mqo(qname(0), O_CREAT | O_RDWR, 0600, NULL);
    T_EXPECT(q >= 0, "mq_open: %s", t_errname(errno));
    struct mq_attr a = attr_of(q);
    T_EXPECT(a.mq_maxmsg == 10 && a.mq_msgsize == 8192, "defaults %ld %ld", a.mq_maxmsg,
             a.mq_msgsize);
    /* O_CREAT on an existing queue opens it; its attributes stay */
    struct mq_attr b = {.mq_maxmsg = 2, .mq_msgsize = 2};
    int q2 = mqo(qname(0), O_CREAT | O_WRONLY, 0600, &b);
    T_EXPECT(q2 >= 0, "mq_open(O_CREAT, existing): %s", t_errname(errno));
    EXPECT_RET("maxmsg kept", attr_of(q2).mq_maxmsg, 10);
    mqu(qname(0));
}

static void case_open_errors(void)
{
    /* no descriptor left: EMFILE, and no queue made */
    struct rlimit rl, few;
    getrlimit(RLIMIT_NOFILE, &rl);
    int top = dup(0);
    T_EXPECT(top >= 0, "dup: %s", t_errname(errno));
    few = (struct rlimit){(rlim_t)top, rl.rlim_max};
    T_EXPECT(setrlimit(RLIMIT_NOFILE, &few) == 0, "setrlimit: %s", t_errname(errno));
    close(top);
    int fds[64], n = 0;
    while (n < 64 && (fds[n] = dup(0)) >= 0)
        n++;
    EXPECT_ERR("no descriptor", mqo(qname(0), O_CREAT | O_RDWR, 0600, NULL), EMFILE);
    while (n > 0)
        close(fds[--n]);
    setrlimit(RLIMIT_NOFILE, &rl);
    EXPECT_ERR("no queue was made", mqo(qname(0), O_RDWR, 0, NULL), ENOENT);
    EXPECT_ERR("no O_CREAT", mqo(qname(0), O_RDWR, 0, NULL), ENOENT);
    qnew(0, O_RDWR, 2, 8);
    EXPECT_ERR("O_CREAT|O_EXCL", mqo(qname(0), O_CREAT | O_EXCL | O_RDWR, 0600, NULL), EEXIST);
    EXPECT_ERR("O_WRONLY|O_RDWR existing", mqo(qname(0), O_WRONLY | O_RDWR, 0, NULL), EINVAL);
    /* made with both access bits: neither direction (Linux's FMODE bits) */
    int q = mqo(qname(1), O_CREAT | O_WRONLY | O_RDWR, 0600, NULL);
    T_EXPECT(q >= 0, "create O_WRONLY|O_RDWR: %s", t_errname(errno));
    EXPECT_ERR("send on accmode 3", mqs(q, "x", 1, 0, NULL), EBADF);
    EXPECT_ERR("receive on accmode 3", mqr(q, (char[8192]){0}, 8192, NULL, NULL), EBADF);
    mqu(qname(0));
    mqu(qname(1));
}

static void case_open_names(void)
{
    char name[400];
    EXPECT_ERR("empty name", mqo("", O_CREAT | O_RDWR, 0600, NULL), ENOENT);
    EXPECT_ERR("a '/' inside", mqo("a/b", O_CREAT | O_RDWR, 0600, NULL), EACCES);
    EXPECT_ERR("a leading '/' (the libc strips it)", mqo("/a", O_CREAT | O_RDWR, 0600, NULL),
               EACCES);
    EXPECT_ERR("\".\"", mqo(".", O_CREAT | O_RDWR, 0600, NULL), EACCES);
    EXPECT_ERR("\"..\"", mqo("..", O_CREAT | O_RDWR, 0600, NULL), EACCES);
    memset(name, 'm', sizeof(name));
    name[256] = 0;
    EXPECT_ERR("256 bytes", mqo(name, O_CREAT | O_RDWR, 0600, NULL), ENAMETOOLONG);
    name[255] = 0;
    EXPECT_ERR("255 bytes, absent", mqo(name, O_RDWR, 0600, NULL), ENOENT);
    EXPECT_ERR("unlink 256 bytes", mqu(memset(name, 'm', 256)), ENAMETOOLONG);
    EXPECT_ERR("unlink empty", mqu(""), ENOENT);
    EXPECT_ERR("unlink a '/'", mqu("a/b"), EACCES);
    EXPECT_ERR("unlink absent", mqu(qname(0)), ENOENT);
    /* one flat namespace: a name is the same queue from anywhere */
    int q = qnew(0, O_RDWR, 2, 8);
    T_EXPECT(chdir("/") == 0, "chdir: %s", t_errname(errno));
    int q2 = mqo(qname(0), O_RDWR, 0, NULL);
    T_EXPECT(q2 >= 0, "reopen after chdir: %s", t_errname(errno));
    send1(q2, "x", 0);
    EXPECT_RET("the same queue", attr_of(q).mq_curmsgs, 1);
    EXPECT_RET("mq_unlink", mqu(qname(0)), 0);
    EXPECT_ERR("unlink twice", mqu(qname(0)), ENOENT);
}

static void attr_child(void)
{
    become(NOBODY);
    struct mq_attr a = {.mq_maxmsg = 11, .mq_msgsize = 8};
    EXPECT_ERR("maxmsg above msg_max", mqo(qname(0), O_CREAT | O_RDWR, 0600, &a), EINVAL);
    a = (struct mq_attr){.mq_maxmsg = 1, .mq_msgsize = 8193};
    EXPECT_ERR("msgsize above msgsize_max", mqo(qname(0), O_CREAT | O_RDWR, 0600, &a), EINVAL);
    a = (struct mq_attr){.mq_maxmsg = 10, .mq_msgsize = 8192};
    int q = mqo(qname(0), O_CREAT | O_RDWR, 0600, &a);
    T_EXPECT(q >= 0, "at the limits: %s", t_errname(errno));
    mqu(qname(0));
}

static void case_open_attr(void)
{
    struct mq_attr a = {.mq_maxmsg = 0, .mq_msgsize = 8};
    EXPECT_ERR("maxmsg 0", mqo(qname(0), O_CREAT | O_RDWR, 0600, &a), EINVAL);
    a = (struct mq_attr){.mq_maxmsg = 1, .mq_msgsize = 0};
    EXPECT_ERR("msgsize 0", mqo(qname(0), O_CREAT | O_RDWR, 0600, &a), EINVAL);
    a = (struct mq_attr){.mq_maxmsg = -1, .mq_msgsize = 8};
    EXPECT_ERR("maxmsg -1", mqo(qname(0), O_CREAT | O_RDWR, 0600, &a), EINVAL);
    a = (struct mq_attr){.mq_maxmsg = 1, .mq_msgsize = 1L << 40};
    EXPECT_ERR("msgsize 2^40", mqo(qname(0), O_CREAT | O_RDWR, 0600, &a), EINVAL);
    EXPECT_ERR("no queue was made", mqo(qname(0), O_RDWR, 0, NULL), ENOENT);
    /* the attributes are read whenever given, even without O_CREAT */
    EXPECT_ERR("bad attr pointer", mqo(qname(0), O_RDWR, 0600, BAD), EFAULT);
    join(spawn(attr_child));
}

/* RLIMIT_MSGQUEUE: each queue charges its creator maxmsg * (msgsize +
 * 48 + 48) bytes, as Linux 6 counts (a msg_msg and a priority tree node
 * per message). */
static void rlimit_child(void)
{
    struct rlimit rl = {1000, 1000};
    T_EXPECT(setrlimit(RLIMIT_MSGQUEUE, &rl) == 0, "setrlimit: %s", t_errname(errno));
    become(NOBODY);
    struct mq_attr a = {.mq_maxmsg = 1, .mq_msgsize = 905};
    EXPECT_ERR("1001 bytes", mqo(qname(0), O_CREAT | O_RDWR, 0600, &a), EMFILE);
    a.mq_msgsize = 904;
    int q = mqo(qname(0), O_CREAT | O_RDWR, 0600, &a);
    T_EXPECT(q >= 0, "1000 bytes: %s", t_errname(errno));
    a.mq_msgsize = 1;
    EXPECT_ERR("a second queue", mqo(qname(1), O_CREAT | O_RDWR, 0600, &a), EMFILE);
    /* an unlinked queue stays charged while open, and is given back on close */
    mqu(qname(0));
    EXPECT_ERR("unlinked but open", mqo(qname(1), O_CREAT | O_RDWR, 0600, &a), EMFILE);
    close(q);
    q = mqo(qname(1), O_CREAT | O_RDWR, 0600, &a);
    T_EXPECT(q >= 0, "after close: %s", t_errname(errno));
    mqu(qname(1));
}

static void case_open_rlimit(void)
{
    join(spawn(rlimit_child));
}

/* queues_max (256) for a caller without CAP_SYS_RESOURCE: ENOSPC. */
static void enospc_child(void)
{
    become(NOBODY); /* 256 queues of 97 bytes each fit RLIMIT_MSGQUEUE */
    struct mq_attr a = {.mq_maxmsg = 1, .mq_msgsize = 1};
    char name[64];
    int n, q = 0;
    for (n = 0; n < 300; n++) {
        snprintf(name, sizeof(name), "uplx-mqn-%d-%d", (int)getpid(), n);
        if ((q = mqo(name, O_CREAT | O_RDWR, 0600, &a)) < 0)
            break;
        close(q);
    }
    int e = errno;
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "uplx-mqn-%d-%d", (int)getpid(), i);
        mqu(name);
    }
    T_EXPECT(q < 0 && e == ENOSPC && n > 200 && n <= 256, "after %d queues: %d/%s", n, q,
             t_errname(e));
}

static void case_open_enospc(void)
{
    join(spawn(enospc_child));
}

/* ---- permissions ---- */

static void perm_other(void)
{
    become(NOBODY2);
    EXPECT_ERR("0640: write by others", mqo(qname(0), O_WRONLY, 0, NULL), EACCES);
    EXPECT_ERR("0640: read by others", mqo(qname(0), O_RDONLY, 0, NULL), EACCES);
    int q = mqo(qname(1), O_RDONLY, 0, NULL);
    T_EXPECT(q >= 0, "0604: read by others: %s", t_errname(errno));
    EXPECT_ERR("0604: rdwr by others", mqo(qname(1), O_RDWR, 0, NULL), EACCES);
    EXPECT_ERR("unlink by another user (sticky)", mqu(qname(1)), EPERM);
}

static void perm_owner(void)
{
    become(NOBODY);
    umask(022);
    int q = mqo(qname(0), O_CREAT | O_RDWR, 0666 & ~026, NULL);
    T_EXPECT(q >= 0, "create: %s", t_errname(errno));
    struct stat st;
    fstat(q, &st);
    T_EXPECT((st.st_mode & 07777) == 0640 && st.st_uid == NOBODY && st.st_gid == NOBODY,
             "mode %o uid %d gid %d", st.st_mode & 07777, (int)st.st_uid, (int)st.st_gid);
    umask(077);
    q = mqo(qname(2), O_CREAT | O_RDWR, 0666, NULL);
    fstat(q, &st);
    T_EXPECT((st.st_mode & 07777) == 0600, "umask 077: mode %o", st.st_mode & 07777);
    mqu(qname(2));
    umask(0);
    q = mqo(qname(1), O_CREAT | O_RDWR, 0604, NULL);
    T_EXPECT(q >= 0, "create 0604: %s", t_errname(errno));
}

static void perm_cleanup(void)
{
    become(NOBODY);
    EXPECT_RET("owner's write", mqo(qname(0), O_WRONLY, 0, NULL) >= 0, 1);
    EXPECT_RET("the owner unlinks", mqu(qname(0)), 0);
    EXPECT_RET("the owner unlinks", mqu(qname(1)), 0);
}

static void case_permissions(void)
{
    qname(0), qname(1), qname(2); /* the same names in the children */
    join(spawn(perm_owner));
    join(spawn(perm_other));
    join(spawn(perm_cleanup));
}

/* ---- messages ---- */

static void case_priority_order(void)
{
    int q = qnew(0, O_RDWR, 8, 16);
    send1(q, "one", 1);
    send1(q, "five-a", 5);
    send1(q, "zero", 0);
    send1(q, "three", 3);
    send1(q, "five-b", 5);
    send1(q, "top", MQ_PRIO_LIMIT - 1);
    send1(q, "", 3); /* an empty message */
    expect_msg(q, "top", MQ_PRIO_LIMIT - 1);
    expect_msg(q, "five-a", 5);
    expect_msg(q, "five-b", 5);
    expect_msg(q, "three", 3);
    expect_msg(q, "", 3);
    expect_msg(q, "one", 1);
    expect_msg(q, "zero", 0);
    char buf[16];
    EXPECT_RET("a NULL priority pointer", (send1(q, "x", 2), mqr(q, buf, 16, NULL, NULL)), 1);
    EXPECT_ERR("priority 32768", mqs(q, "x", 1, MQ_PRIO_LIMIT, NULL), EINVAL);
    EXPECT_ERR("priority ~0", mqs(q, "x", 1, ~0u, NULL), EINVAL);
    EXPECT_ERR("priority checked before the fd", mqs(-1, "x", 1, MQ_PRIO_LIMIT, NULL), EINVAL);
    mqu(qname(0));
}

static void case_msgsize(void)
{
    int q = qnew(0, O_RDWR, 2, 16);
    char buf[64] = "0123456789abcdefX";
    EXPECT_RET("16 bytes", mqs(q, buf, 16, 0, NULL), 0);
    EXPECT_ERR("17 bytes", mqs(q, buf, 17, 0, NULL), EMSGSIZE);
    EXPECT_ERR("a buffer below mq_msgsize", mqr(q, buf, 15, NULL, NULL), EMSGSIZE);
    EXPECT_RET("still queued", attr_of(q).mq_curmsgs, 1);
    EXPECT_RET("a buffer of mq_msgsize", mqr(q, buf, 16, NULL, NULL), 16);
    mqu(qname(0));
}

static void case_ebadf(void)
{
    int q = qnew(0, O_WRONLY, 2, 8), r = mqo(qname(0), O_RDONLY, 0, NULL);
    char buf[8];
    struct sigevent sev = {.sigev_notify = SIGEV_NONE};
    EXPECT_ERR("receive on O_WRONLY", mqr(q, buf, 8, NULL, NULL), EBADF);
    EXPECT_ERR("send on O_RDONLY", mqs(r, "x", 1, 0, NULL), EBADF);
    int p[2];
    T_EXPECT(pipe(p) == 0, "pipe");
    EXPECT_ERR("send on a pipe", mqs(p[1], "x", 1, 0, NULL), EBADF);
    EXPECT_ERR("receive on a pipe", mqr(p[0], buf, 8, NULL, NULL), EBADF);
    EXPECT_ERR("notify on a pipe", mqn(p[0], &sev), EBADF);
    EXPECT_ERR("getsetattr on a pipe", mqa(p[0], NULL, (struct mq_attr[1]){0}), EBADF);
    close(p[0]);
    EXPECT_ERR("send on a closed fd", mqs(p[0], "x", 1, 0, NULL), EBADF);
    EXPECT_ERR("receive on fd -1", mqr(-1, buf, 8, NULL, NULL), EBADF);
    EXPECT_ERR("notify on fd -1", mqn(-1, NULL), EBADF);
    EXPECT_ERR("getsetattr on fd -1", mqa(-1, NULL, NULL), EBADF);
    /* read and write on the descriptor itself */
    EXPECT_ERR("write(2)", write(q, "x", 1), EINVAL);
    EXPECT_ERR("read(2) on O_WRONLY", read(q, buf, 8), EBADF);
    mqu(qname(0));
}

static void case_nonblock(void)
{
    int q = qnew(0, O_RDWR | O_NONBLOCK, 2, 8), q2 = mqo(qname(0), O_RDWR, 0, NULL);
    char buf[8];
    EXPECT_RET("mq_flags", attr_of(q).mq_flags, O_NONBLOCK);
    EXPECT_RET("the other open's mq_flags", attr_of(q2).mq_flags, 0);
    EXPECT_ERR("receive from empty", mqr(q, buf, 8, NULL, NULL), EAGAIN);
    send1(q, "a", 0);
    send1(q, "b", 0);
    EXPECT_ERR("send to full", mqs(q, "c", 1, 0, NULL), EAGAIN);
    struct mq_attr set = {.mq_flags = 0, .mq_maxmsg = 99, .mq_msgsize = 99}, old;
    EXPECT_RET("clear O_NONBLOCK", mqa(q, &set, &old), 0);
    T_EXPECT(old.mq_flags == O_NONBLOCK && old.mq_curmsgs == 2 && old.mq_maxmsg == 2,
             "old: flags %ld curmsgs %ld maxmsg %ld", old.mq_flags, old.mq_curmsgs, old.mq_maxmsg);
    struct mq_attr now = attr_of(q);
    T_EXPECT(now.mq_flags == 0 && now.mq_maxmsg == 2 && now.mq_msgsize == 8,
             "only O_NONBLOCK changes: %ld %ld %ld", now.mq_flags, now.mq_maxmsg, now.mq_msgsize);
    EXPECT_RET("F_GETFL follows", fcntl(q, F_GETFL) & O_NONBLOCK, 0);
    set.mq_flags = O_NONBLOCK;
    EXPECT_RET("set O_NONBLOCK on the other", mqa(q2, &set, NULL), 0);
    EXPECT_ERR("now it does not wait", mqs(q2, "c", 1, 0, NULL), EAGAIN);
    set.mq_flags = O_NONBLOCK | O_APPEND;
    EXPECT_ERR("another flag", mqa(q2, &set, NULL), EINVAL);
    EXPECT_ERR("flags checked before the fd", mqa(-1, &set, NULL), EINVAL);
    EXPECT_RET("fcntl(F_SETFL) works too", fcntl(q2, F_SETFL, 0), 0);
    EXPECT_RET("after F_SETFL", attr_of(q2).mq_flags, 0);
    EXPECT_RET("neither pointer", mqa(q, NULL, NULL), 0);
    mqu(qname(0));
}

/* ---- waiting ---- */

static void case_timeout(void)
{
    int q = qnew(0, O_RDWR, 1, 8);
    char buf[8];
    struct timespec ts = in_ms(150);
    double t0 = now_ms();
    EXPECT_ERR("receive from empty", mqr(q, buf, 8, NULL, &ts), ETIMEDOUT);
    double waited = now_ms() - t0;
    T_EXPECT(waited >= 140 && waited < 5000, "waited %.0f ms for 150", waited);
    ts = (struct timespec){0, 0};
    EXPECT_ERR("a time long past", mqr(q, buf, 8, NULL, &ts), ETIMEDOUT);
    send1(q, "a", 0);
    ts = in_ms(100);
    EXPECT_ERR("send to full", mqs(q, "b", 1, 0, &ts), ETIMEDOUT);
    EXPECT_RET("a timeout that is not needed", (ts = in_ms(0), mqr(q, buf, 8, NULL, &ts)), 1);
    /* Linux checks the timespec before anything else (prepare_timeout) */
    ts = (struct timespec){0, 1000000000};
    EXPECT_ERR("tv_nsec 1e9, would wait", mqr(q, buf, 8, NULL, &ts), EINVAL);
    EXPECT_ERR("tv_nsec 1e9, would not wait", mqs(q, "b", 1, 0, &ts), EINVAL);
    ts = (struct timespec){-1, 0};
    EXPECT_ERR("tv_sec -1", mqs(q, "b", 1, 0, &ts), EINVAL);
    ts = (struct timespec){0, -1};
    EXPECT_ERR("tv_nsec -1", mqs(q, "b", 1, 0, &ts), EINVAL);
    EXPECT_ERR("timeout checked before the fd", mqs(-1, "b", 1, 0, &ts), EINVAL);
    EXPECT_ERR("a bad timeout pointer", mqr(q, buf, 8, NULL, BAD), EFAULT);
    mqu(qname(0));
}

/* The children below act once their parent sleeps in the call under test. */
static int wq;
static void late_sender(void)
{
    wait_asleep(getppid());
    send1(wq, "late", 7);
}

static void late_receiver(void)
{
    wait_asleep(getppid());
    expect_msg(wq, "first", 0);
}

static void case_blocking(void)
{
    wq = qnew(0, O_RDWR, 1, 8);
    pid_t pid = spawn(late_sender);
    expect_msg(wq, "late", 7);
    join(pid);
    /* a sender waiting on a full queue: its message goes in when a
     * receiver makes room, behind nothing it should not be behind */
    send1(wq, "first", 0);
    pid = spawn(late_receiver);
    struct timespec ts = in_ms(5000);
    EXPECT_RET("the blocked send", mqs(wq, "second", 6, 0, &ts), 0);
    join(pid);
    EXPECT_RET("the second is queued", attr_of(wq).mq_curmsgs, 1);
    expect_msg(wq, "second", 0);
    mqu(qname(0));
}

static void late_kill(void)
{
    wait_asleep(getppid());
    kill(getppid(), SIGUSR1);
}

/* The message comes only after the signal: the call was restarted. */
static void late_kill_send(void)
{
    late_kill();
    p_sleep_ms(150);
    wait_asleep(getppid());
    send1(wq, "after", 2);
}

static void case_eintr(void)
{
    wq = qnew(0, O_RDWR, 1, 8);
    char buf[8];
    catch_sig(SIGUSR1, 0);
    pid_t pid = spawn(late_kill);
    EXPECT_ERR("receive, a handler without SA_RESTART", mqr(wq, buf, 8, NULL, NULL), EINTR);
    join(pid);
    send1(wq, "full", 0);
    pid = spawn(late_kill);
    struct timespec ts = in_ms(5000);
    EXPECT_ERR("timed send, no SA_RESTART", mqs(wq, "x", 1, 0, &ts), EINTR);
    join(pid);
    expect_msg(wq, "full", 0);
    /* SA_RESTART restarts them (signal(7) lists the mq calls) */
    catch_sig(SIGUSR1, SA_RESTART);
    got_sig = 0;
    pid = spawn(late_kill_send);
    ts = in_ms(5000);
    long n = mqr(wq, buf, 8, NULL, &ts);
    T_EXPECT(n == 5 && got_sig == SIGUSR1, "with SA_RESTART: %ld/%s, handler %d", n,
             t_errname(errno), (int)got_sig);
    join(pid);
    mqu(qname(0));
}

/* ---- descriptors ---- */

/* The child talks back on a second queue (on one it could take its own). */
static int wq2;
static void fork_child(void)
{
    send1(wq, "from-child", 4);
    expect_msg(wq2, "from-parent", 3);
}

static void case_fork_dup(void)
{
    wq = qnew(0, O_RDWR, 4, 16);
    wq2 = qnew(1, O_RDWR, 4, 16);
    pid_t pid = spawn(fork_child);
    expect_msg(wq, "from-child", 4);
    send1(wq2, "from-parent", 3);
    join(pid);
    mqu(qname(1));
    int d = dup(wq);
    T_EXPECT(d >= 0, "dup: %s", t_errname(errno));
    EXPECT_RET("dup keeps no FD_CLOEXEC", fcntl(d, F_GETFD), 0);
    EXPECT_RET("unlink", mqu(qname(0)), 0);
    close(wq);
    send1(d, "via-dup", 1);
    expect_msg(d, "via-dup", 1);
    close(d);
}

static void case_unlink_open(void)
{
    int q = qnew(0, O_RDWR, 4, 16);
    send1(q, "kept", 2);
    EXPECT_RET("mq_unlink", mqu(qname(0)), 0);
    EXPECT_ERR("the name is gone", mqo(qname(0), O_RDWR, 0, NULL), ENOENT);
    int q2 = qnew(0, O_RDWR, 4, 16);
    EXPECT_RET("a new queue under the name", attr_of(q2).mq_curmsgs, 0);
    EXPECT_RET("the old one still has its message", attr_of(q).mq_curmsgs, 1);
    expect_msg(q, "kept", 2);
    send1(q, "again", 1);
    expect_msg(q, "again", 1);
    close(q);
    mqu(qname(0));
    close(q2);
}

static void poll_sender(void)
{
    p_sleep_ms(150);
    send1(wq, "p", 0);
}

static int poll_bits(int q)
{
    struct pollfd p = {.fd = q, .events = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM};
    T_EXPECT(poll(&p, 1, 0) >= 0, "poll: %s", t_errname(errno));
    return p.revents;
}

static void case_poll(void)
{
    wq = qnew(0, O_RDWR, 2, 8);
    EXPECT_RET("empty", poll_bits(wq), POLLOUT | POLLWRNORM);
    send1(wq, "a", 0);
    EXPECT_RET("one message", poll_bits(wq), POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
    send1(wq, "b", 0);
    EXPECT_RET("full", poll_bits(wq), POLLIN | POLLRDNORM);
    int ro = mqo(qname(0), O_RDONLY, 0, NULL);
    EXPECT_RET("full, read-only fd", poll_bits(ro), POLLIN | POLLRDNORM);
    expect_msg(wq, "a", 0);
    expect_msg(wq, "b", 0);
    /* a poll that waits for the message */
    pid_t pid = spawn(poll_sender);
    struct pollfd p = {.fd = wq, .events = POLLIN};
    EXPECT_RET("poll waits", poll(&p, 1, 5000), 1);
    EXPECT_RET("POLLIN", p.revents, POLLIN);
    join(pid);
    expect_msg(wq, "p", 0);
    /* select */
    pid = spawn(poll_sender);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(wq, &r);
    struct timeval tv = {5, 0};
    EXPECT_RET("select waits", select(wq + 1, &r, NULL, NULL, &tv), 1);
    join(pid);
    expect_msg(wq, "p", 0);
    /* epoll */
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7}, out;
    T_EXPECT(epoll_ctl(ep, EPOLL_CTL_ADD, wq, &ev) == 0, "epoll_ctl: %s", t_errname(errno));
    EXPECT_RET("epoll: nothing yet", epoll_wait(ep, &out, 1, 0), 0);
    pid = spawn(poll_sender);
    EXPECT_RET("epoll waits", epoll_wait(ep, &out, 1, 5000), 1);
    T_EXPECT(out.events == EPOLLIN && out.data.u32 == 7, "epoll: %x %u", out.events, out.data.u32);
    join(pid);
    mqu(qname(0));
}

static void case_read_status(void)
{
    int q = qnew(0, O_RDWR, 4, 16);
    char buf[128];
    status_of(q, buf, sizeof(buf));
    const char *empty = "QSIZE:0          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n";
    T_EXPECT(!strcmp(buf, empty), "'%s'", buf);
    send1(q, "12345", 0);
    send1(q, "abc", 9);
    struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2};
    EXPECT_RET("mq_notify", mqn(q, &sev), 0);
    char want[128];
    snprintf(want, sizeof(want), "QSIZE:%-10d NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n", 8, 0,
             SIGUSR2, (int)getpid());
    status_of(q, buf, sizeof(buf));
    T_EXPECT(!strcmp(buf, want), "'%s', expected '%s'", buf, want);
    /* a read goes on from the offset */
    EXPECT_RET("lseek", lseek(q, 60, SEEK_SET), 60);
    EXPECT_RET("read at the end", read(q, buf, sizeof(buf)), 0);
    mqu(qname(0));
}

static void case_proc_sys(void)
{
    static const struct {
        const char *file;
        const char *want;
    } files[] = {{"msg_max", "10\n"},
                 {"msgsize_max", "8192\n"},
                 {"queues_max", "256\n"},
                 {"msg_default", "10\n"},
                 {"msgsize_default", "8192\n"}};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[96], buf[32];
        snprintf(path, sizeof(path), "/proc/sys/fs/mqueue/%s", files[i].file);
        int fd = open(path, O_RDONLY);
        T_EXPECT(fd >= 0, "%s: %s", path, t_errname(errno));
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        buf[n > 0 ? n : 0] = 0;
        T_EXPECT(!strcmp(buf, files[i].want), "%s: '%s'", path, buf);
        close(fd);
    }
    struct rlimit rl;
    T_EXPECT(getrlimit(RLIMIT_MSGQUEUE, &rl) == 0 && rl.rlim_cur == 819200, "RLIMIT_MSGQUEUE %llu",
             (unsigned long long)rl.rlim_cur);
}

/* ---- mq_notify ---- */

static void notify_sender(void)
{
    become(NOBODY); /* the descriptor still sends: access is checked at open */
    send1(wq, "n", 0);
}

static void case_notify_signal(void)
{
    wq = qnew(0, O_RDWR, 4, 8);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct sigevent sev = {
        .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2, .sigev_value.sival_int = 4242};
    EXPECT_RET("mq_notify", mqn(wq, &sev), 0);
    EXPECT_RET("registered", notify_pid(wq), getpid());
    pid_t pid = spawn(notify_sender);
    join(pid);
    siginfo_t si;
    struct timespec ts = {5, 0};
    EXPECT_RET("the signal", sigtimedwait(&set, &si, &ts), SIGUSR2);
    T_EXPECT(si.si_code == SI_MESGQ && si.si_pid == pid && si.si_uid == NOBODY &&
                 si.si_value.sival_int == 4242,
             "siginfo: code %d pid %d (sender %d) uid %d value %d", si.si_code, (int)si.si_pid,
             (int)pid, (int)si.si_uid, si.si_value.sival_int);
    EXPECT_RET("removed after firing", notify_pid(wq), 0);
    /* a message to a queue that is not empty notifies nobody */
    EXPECT_RET("register again", mqn(wq, &sev), 0);
    send1(wq, "second", 0);
    ts = (struct timespec){0, 50000000};
    EXPECT_ERR("not empty: no signal", sigtimedwait(&set, &si, &ts), EAGAIN);
    EXPECT_RET("still registered", notify_pid(wq), getpid());
    /* empty it: the next one notifies, by a signal 0 nobody (Linux allows it) */
    expect_msg(wq, "n", 0);
    expect_msg(wq, "second", 0);
    EXPECT_RET("unregister", mqn(wq, NULL), 0);
    sev.sigev_signo = 0;
    EXPECT_RET("signal 0", mqn(wq, &sev), 0);
    send1(wq, "z", 0);
    EXPECT_RET("signal 0: fired and removed", notify_pid(wq), 0);
    mqu(qname(0));
}

static void blocked_receiver(void)
{
    expect_msg(wq, "handed", 0);
}

static void other_registers(void)
{
    struct sigevent sev = {.sigev_notify = SIGEV_NONE};
    EXPECT_ERR("another process", mqn(wq, &sev), EBUSY);
    EXPECT_RET("NULL from another process: nothing", mqn(wq, NULL), 0);
}

static void case_notify_rules(void)
{
    wq = qnew(0, O_RDWR, 4, 8);
    struct sigevent sev = {.sigev_notify = SIGEV_NONE};
    EXPECT_RET("SIGEV_NONE", mqn(wq, &sev), 0);
    EXPECT_ERR("twice", mqn(wq, &sev), EBUSY);
    join(spawn(other_registers));
    EXPECT_RET("still ours", notify_pid(wq), getpid());
    char buf[128];
    status_of(wq, buf, sizeof(buf));
    T_EXPECT(strstr(buf, "NOTIFY:1 "), "SIGEV_NONE in '%s'", buf);
    /* a receiver waiting takes the message: no notification */
    pid_t pid = spawn(blocked_receiver);
    wait_asleep(pid);
    send1(wq, "handed", 0);
    join(pid);
    EXPECT_RET("a receiver waited: still registered", notify_pid(wq), getpid());
    send1(wq, "q", 0);
    EXPECT_RET("SIGEV_NONE fired and went", notify_pid(wq), 0);
    expect_msg(wq, "q", 0);
    /* any close by the owner drops the registration (Linux's flush) */
    EXPECT_RET("register", mqn(wq, &sev), 0);
    int d = dup(wq);
    close(d);
    EXPECT_RET("a close dropped it", notify_pid(wq), 0);
    EXPECT_RET("register", mqn(wq, &sev), 0);
    EXPECT_RET("NULL unregisters", mqn(wq, NULL), 0);
    EXPECT_RET("unregistered", notify_pid(wq), 0);
    EXPECT_RET("NULL when none", mqn(wq, NULL), 0);
    /* the sigevent's checks come first */
    sev = (struct sigevent){.sigev_notify = 7};
    EXPECT_ERR("sigev_notify 7", mqn(wq, &sev), EINVAL);
    EXPECT_ERR("sigev_notify 7, bad fd", mqn(-1, &sev), EINVAL);
    sev = (struct sigevent){.sigev_notify = SIGEV_SIGNAL, .sigev_signo = 65};
    EXPECT_ERR("signal 65", mqn(wq, &sev), EINVAL);
    sev.sigev_signo = -1;
    EXPECT_ERR("signal -1", mqn(wq, &sev), EINVAL);
    EXPECT_ERR("a bad sigevent pointer", mqn(wq, BAD), EFAULT);
    mqu(qname(0));
}

/* The registration goes with its process: another may then register. */
static void register_and_exit(void)
{
    struct sigevent sev = {.sigev_notify = SIGEV_NONE};
    EXPECT_RET("the child registers", mqn(wq, &sev), 0);
}

static void case_notify_exit(void)
{
    wq = qnew(0, O_RDWR, 4, 8);
    join(spawn(register_and_exit));
    EXPECT_RET("gone with its process", notify_pid(wq), 0);
    struct sigevent sev = {.sigev_notify = SIGEV_NONE};
    EXPECT_RET("ours now", mqn(wq, &sev), 0);
    mqu(qname(0));
}

/* A process sharing its descriptor table (clone(CLONE_FILES)) closes
 * nothing when it exits: its registration stays (EBUSY) and, when it
 * fires, signals nobody. */
static void case_notify_shared_table(void)
{
    wq = qnew(0, O_RDWR, 4, 8);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    fflush(stdout);
    long pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
    T_EXPECT(pid >= 0, "clone(CLONE_FILES): %s", t_errname(errno));
    if (pid == 0) {
        struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2};
        _exit(mqn(wq, &sev) == 0 ? 0 : 1);
    }
    join((pid_t)pid);
    EXPECT_RET("still registered", notify_pid(wq), pid);
    struct sigevent sev = {.sigev_notify = SIGEV_NONE};
    EXPECT_ERR("EBUSY", mqn(wq, &sev), EBUSY);
    send1(wq, "m", 0);
    EXPECT_RET("fired", notify_pid(wq), 0);
    siginfo_t si;
    struct timespec ts = {0, 50000000};
    EXPECT_ERR("not to us", sigtimedwait(&set, &si, &ts), EAGAIN);
    EXPECT_RET("ours now", mqn(wq, &sev), 0);
    mqu(qname(0));
}

/* SIGEV_THREAD's kernel side, as the libcs use it: a 32-byte cookie posted
 * to a netlink socket, its last byte 1 (NOTIFY_WOKENUP) when the
 * notification fires and 2 (NOTIFY_REMOVED) when the registration goes
 * otherwise. */
static void expect_cookie(int s, const unsigned char *cookie, int code)
{
    unsigned char got[64];
    EXPECT_RET("the cookie", recv(s, got, sizeof(got), 0), 32);
    T_EXPECT(!memcmp(got, cookie, 31) && got[31] == code, "cookie %02x %02x .. %02x, code %d",
             got[0], got[1], got[31], code);
}

static void case_notify_thread_kernel(void)
{
    wq = qnew(0, O_RDWR, 4, 8);
    int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0);
    T_EXPECT(s >= 0, "netlink socket: %s", t_errname(errno));
    struct timeval tv = {5, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    unsigned char cookie[32];
    for (int i = 0; i < 32; i++)
        cookie[i] = (unsigned char)(0x40 + i);
    struct sigevent sev = {
        .sigev_notify = SIGEV_THREAD, .sigev_signo = s, .sigev_value.sival_ptr = cookie};
    EXPECT_RET("register", mqn(wq, &sev), 0);
    char buf[128];
    status_of(wq, buf, sizeof(buf));
    T_EXPECT(strstr(buf, "NOTIFY:2     SIGNO:0 "), "status '%s'", buf);
    send1(wq, "t", 0);
    expect_cookie(s, cookie, 1);
    EXPECT_RET("removed after firing", notify_pid(wq), 0);
    expect_msg(wq, "t", 0);
    EXPECT_RET("register", mqn(wq, &sev), 0);
    EXPECT_ERR("twice (no cookie for it)", mqn(wq, &sev), EBUSY);
    EXPECT_RET("unregister", mqn(wq, NULL), 0);
    expect_cookie(s, cookie, 2);
    EXPECT_ERR("one cookie only", recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    EXPECT_RET("register", mqn(wq, &sev), 0);
    close(dup(wq));
    expect_cookie(s, cookie, 2);
    /* the socket's checks, before the queue's descriptor */
    sev.sigev_signo = -1;
    EXPECT_ERR("sigev_signo -1", mqn(wq, &sev), EBADF);
    int p[2], u[2];
    T_EXPECT(pipe(p) == 0 && socketpair(AF_UNIX, SOCK_DGRAM, 0, u) == 0, "pipe, socketpair");
    sev.sigev_signo = p[0];
    EXPECT_ERR("a pipe", mqn(wq, &sev), ENOTSOCK);
    sev.sigev_signo = u[0];
    EXPECT_ERR("an AF_UNIX socket", mqn(wq, &sev), EINVAL);
    sev.sigev_signo = s;
    sev.sigev_value.sival_ptr = BAD;
    EXPECT_ERR("a bad cookie pointer", mqn(wq, &sev), EFAULT);
    EXPECT_ERR("a bad cookie pointer, bad fd", mqn(-1, &sev), EFAULT);
    sev.sigev_value.sival_ptr = cookie;
    EXPECT_ERR("a good socket, bad fd", mqn(-1, &sev), EBADF);
    EXPECT_ERR("nothing was posted", recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    mqu(qname(0));
}

/* The libc's SIGEV_THREAD on top of it: the function runs in a new thread. */
static int thread_pipe[2];
static void notified(union sigval v)
{
    char c = (char)v.sival_int;
    if (write(thread_pipe[1], &c, 1) != 1)
        _exit(3);
}

static void case_notify_thread_libc(void)
{
    T_EXPECT(pipe(thread_pipe) == 0, "pipe");
    wq = qnew(0, O_RDWR, 4, 8);
    struct sigevent sev = {.sigev_notify = SIGEV_THREAD,
                           .sigev_notify_function = notified,
                           .sigev_value.sival_int = 'K'};
    EXPECT_RET("mq_notify(SIGEV_THREAD)", mq_notify(wq, &sev), 0);
    send1(wq, "x", 0);
    struct pollfd pf = {.fd = thread_pipe[0], .events = POLLIN};
    EXPECT_RET("the function ran", poll(&pf, 1, 5000), 1);
    char c = 0;
    EXPECT_RET("read", read(thread_pipe[0], &c, 1), 1);
    T_EXPECT(c == 'K', "sival_int %d", c);
    mqu(qname(0));
}

/* ---- bad pointers ---- */

static void case_efault(void)
{
    int q = qnew(0, O_RDWR, 4, 8);
    char buf[8];
    unsigned prio;
    EXPECT_ERR("mq_open name", mqo(BAD, O_CREAT | O_RDWR, 0600, NULL), EFAULT);
    EXPECT_ERR("mq_unlink name", mqu(BAD), EFAULT);
    EXPECT_ERR("send buffer", mqs(q, BAD, 4, 0, NULL), EFAULT);
    EXPECT_RET("nothing queued", attr_of(q).mq_curmsgs, 0);
    send1(q, "lost", 0);
    EXPECT_ERR("receive buffer", mqr(q, BAD, 8, NULL, NULL), EFAULT);
    EXPECT_RET("the message is lost", attr_of(q).mq_curmsgs, 0);
    send1(q, "lost", 0);
    EXPECT_ERR("priority pointer", mqr(q, buf, 8, BAD, NULL), EFAULT);
    EXPECT_RET("lost too", attr_of(q).mq_curmsgs, 0);
    EXPECT_ERR("send timeout", mqs(q, "x", 1, 0, BAD), EFAULT);
    struct mq_attr nb = {.mq_flags = O_NONBLOCK};
    EXPECT_ERR("getsetattr new", mqa(q, BAD, NULL), EFAULT);
    EXPECT_ERR("getsetattr old", mqa(q, &nb, BAD), EFAULT);
    EXPECT_RET("the new flags were set", attr_of(q).mq_flags, O_NONBLOCK);
    EXPECT_ERR("receive now", mqr(q, buf, 8, &prio, NULL), EAGAIN);
    mqu(qname(0));
}

/* ---- the libc's functions (a leading slash) ---- */

static void case_libc(void)
{
    char name[80];
    snprintf(name, sizeof(name), "/%s", qname(0));
    struct mq_attr a = {.mq_maxmsg = 3, .mq_msgsize = 32};
    mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &a);
    T_EXPECT(q != (mqd_t)-1, "mq_open(%s): %s", name, t_errname(errno));
    int raw = mqo(qname(0), O_RDONLY, 0, NULL);
    T_EXPECT(raw >= 0, "the kernel's name has no slash: %s", t_errname(errno));
    EXPECT_RET("mq_send", mq_send(q, "libc", 4, 6), 0);
    char buf[32];
    unsigned prio = 0;
    EXPECT_RET("mq_receive", mq_receive(raw, buf, sizeof(buf), &prio), 4);
    EXPECT_RET("its priority", prio, 6);
    struct mq_attr got;
    EXPECT_RET("mq_getattr", mq_getattr(q, &got), 0);
    EXPECT_RET("mq_msgsize", got.mq_msgsize, 32);
    struct mq_attr nb = {.mq_flags = O_NONBLOCK};
    EXPECT_RET("mq_setattr", mq_setattr(q, &nb, NULL), 0);
    EXPECT_ERR("mq_receive, O_NONBLOCK", mq_receive(q, buf, sizeof(buf), NULL), EAGAIN);
    struct sigevent sev = {.sigev_notify = SIGEV_NONE};
    EXPECT_RET("mq_notify", mq_notify(q, &sev), 0);
    EXPECT_RET("mq_notify(NULL)", mq_notify(q, NULL), 0);
    EXPECT_RET("mq_close", mq_close(q), 0);
    EXPECT_RET("mq_unlink", mq_unlink(name), 0);
    EXPECT_ERR("mq_unlink again", mq_unlink(name), ENOENT);
}

static const struct t_case cases[] = {
    {"open-basic", case_open_basic},
    {"open-defaults", case_open_defaults},
    {"open-errors", case_open_errors},
    {"open-names", case_open_names},
    {"open-attr", case_open_attr},
    {"open-rlimit-emfile", case_open_rlimit},
    {"open-queues-max-enospc", case_open_enospc},
    {"permissions", case_permissions},
    {"priority-order", case_priority_order},
    {"msgsize", case_msgsize},
    {"ebadf", case_ebadf},
    {"nonblock-getsetattr", case_nonblock},
    {"timeout", case_timeout},
    {"blocking", case_blocking},
    {"eintr-restart", case_eintr},
    {"fork-dup", case_fork_dup},
    {"unlink-while-open", case_unlink_open},
    {"poll-select-epoll", case_poll},
    {"read-status", case_read_status},
    {"proc-sys", case_proc_sys},
    {"notify-signal", case_notify_signal},
    {"notify-rules", case_notify_rules},
    {"notify-exit", case_notify_exit},
    {"notify-shared-table", case_notify_shared_table},
    {"notify-thread-kernel", case_notify_thread_kernel},
    {"notify-thread-libc", case_notify_thread_libc},
    {"efault", case_efault},
    {"libc", case_libc},
};

int main(int argc, char **argv)
{
    int r = t_run_cases("mqueue", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, T_CASE_GROUP,
                        argc, argv);
    while (p_wait(-1, NULL, 0) > 0) /* orphans: init's to reap inside Uniplex */
        ;
    return r;
}
