/* unix: the BSD socket layer and AF_UNIX (issue 17, items 5 and 6).
 *
 *   stream, datagram and seqpacket socketpairs (bytes, boundaries,
 *   zero-length datagrams, MSG_TRUNC, MSG_PEEK, MSG_WAITALL, FIONREAD),
 *   fstat S_IFSOCK and /proc/self/fd's socket:[INO], binding to a path (a
 *   socket node; EADDRINUSE, ENOENT, ECONNREFUSED), abstract names and
 *   autobind, listen/accept/connect and the names each side sees,
 *   SCM_RIGHTS passing a pipe end to another process, SCM_CREDENTIALS,
 *   SO_PEERCRED, nonblocking accept under epoll, several children blocking
 *   in accept, shutdown half-close, EPIPE and SIGPIPE (MSG_NOSIGNAL), a
 *   writer blocked on a full buffer, SO_RCVTIMEO, the generic options,
 *   sendmmsg/recvmmsg, and bad arguments (EFAULT, EAFNOSUPPORT,
 *   ENOTSOCK, EBADF, EINVAL...).
 *
 * Each case runs in its own child under alarm() and reports why it failed
 * through a pipe. Passes on Linux too. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tcase.h"

#define ALARM_S 10
static void *volatile BAD = (void *)8;

#define EXPECT(cond, ...)            T_EXPECT(cond, __VA_ARGS__)
#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(t_die, what, call, want)
#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(t_die, what, call, want)
#define OK(what, call)                                                                             \
    do {                                                                                           \
        if ((long)(call) < 0)                                                                      \
            t_die("%s: %s", what, t_errname(errno));                                               \
    } while (0)

/* ---- helpers ---- */

static void pair(int type, int sv[2])
{
    OK("socketpair", socketpair(AF_UNIX, type, 0, sv));
}

static socklen_t path_addr(struct sockaddr_un *a, const char *path)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    strcpy(a->sun_path, path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

/* An abstract name: sun_path[0] 0, then name (no NUL counted). */
static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    memcpy(a->sun_path + 1, name, strlen(name));
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

/* A listening stream socket bound to path (removed first). */
static int listener(const char *path, int type, int flags)
{
    struct sockaddr_un a;
    socklen_t len = path_addr(&a, path);
    unlink(path);
    int s = socket(AF_UNIX, type | flags, 0);
    OK("socket", s);
    OK("bind", bind(s, (struct sockaddr *)&a, len));
    OK("listen", listen(s, 8));
    return s;
}

static int connect_to(const char *path, int type)
{
    struct sockaddr_un a;
    socklen_t len = path_addr(&a, path);
    int c = socket(AF_UNIX, type, 0);
    OK("socket", c);
    OK("connect", connect(c, (struct sockaddr *)&a, len));
    return c;
}

static void read_all(int fd, void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, (char *)buf + done, n - done);
        EXPECT(r > 0, "read: %zd/%s after %zu of %zu", r, t_errname(errno), done, n);
        done += (size_t)r;
    }
}

/* ---- cases ---- */

static void stream_pair(void)
{
    int sv[2];
    char buf[64];
    struct stat st;
    pair(SOCK_STREAM, sv);
    EXPECT_RET("write", write(sv[0], "hello", 5), 5);
    EXPECT_RET("read", read(sv[1], buf, sizeof(buf)), 5);
    EXPECT(!memcmp(buf, "hello", 5), "bytes differ");
    EXPECT_RET("send back", send(sv[1], "abc", 3, 0), 3);
    EXPECT_RET("recv", recv(sv[0], buf, sizeof(buf), 0), 3);
    OK("fstat", fstat(sv[0], &st));
    EXPECT(S_ISSOCK(st.st_mode), "mode %o", st.st_mode);
    char path[64], link[64], want[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", sv[0]);
    ssize_t n = readlink(path, link, sizeof(link) - 1);
    EXPECT(n > 0, "readlink: %s", t_errname(errno));
    link[n] = 0;
    snprintf(want, sizeof(want), "socket:[%llu]", (unsigned long long)st.st_ino);
    EXPECT(!strcmp(link, want), "link %s, want %s", link, want);
    int one = 1, avail = 0;
    EXPECT_RET("write nothing", write(sv[0], "", 0), 0);
    EXPECT_RET("read nothing", read(sv[1], buf, 0), 0);
    EXPECT_RET("write 2", write(sv[0], "xy", 2), 2);
    OK("FIONREAD", ioctl(sv[1], FIONREAD, &avail));
    EXPECT(avail == 2, "FIONREAD %d", avail);
    OK("FIONBIO", ioctl(sv[1], FIONBIO, &one));
    EXPECT_RET("read 2", read(sv[1], buf, sizeof(buf)), 2);
    EXPECT_ERR("read empty nonblocking", read(sv[1], buf, sizeof(buf)), EAGAIN);
    close(sv[0]);
    EXPECT_RET("read after peer close", read(sv[1], buf, sizeof(buf)), 0);
}

static void dgram_boundaries(void)
{
    int sv[2];
    char buf[64];
    pair(SOCK_DGRAM, sv);
    EXPECT_RET("send 1", send(sv[0], "one", 3, 0), 3);
    EXPECT_RET("send 0", send(sv[0], "", 0, 0), 0);
    EXPECT_RET("send 2", send(sv[0], "three", 5, 0), 5);
    EXPECT_RET("send 3", send(sv[0], "longer message", 14, 0), 14);
    EXPECT_RET("recv 1", recv(sv[1], buf, sizeof(buf), 0), 3);
    EXPECT_RET("recv empty", recv(sv[1], buf, sizeof(buf), 0), 0);
    int avail = 0;
    OK("FIONREAD", ioctl(sv[1], FIONREAD, &avail));
    EXPECT(avail == 5, "FIONREAD %d, want the next datagram's 5", avail);
    EXPECT_RET("peek", recv(sv[1], buf, 2, MSG_PEEK), 2);
    EXPECT_RET("recv 2", recv(sv[1], buf, sizeof(buf), 0), 5);
    EXPECT(!memcmp(buf, "three", 5), "boundary lost");
    EXPECT_RET("MSG_TRUNC length", recv(sv[1], buf, 4, MSG_TRUNC), 14);
    EXPECT_ERR("empty", recv(sv[1], buf, 4, MSG_DONTWAIT), EAGAIN);
}

static void seqpacket(void)
{
    int sv[2];
    char buf[64];
    pair(SOCK_SEQPACKET, sv);
    EXPECT_RET("send a", send(sv[0], "abcdef", 6, 0), 6);
    EXPECT_RET("send b", send(sv[0], "gh", 2, 0), 2);
    struct iovec iov = {buf, 4};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    EXPECT_RET("recvmsg cut", recvmsg(sv[1], &m, 0), 4);
    EXPECT(m.msg_flags & MSG_TRUNC, "no MSG_TRUNC: flags %x", m.msg_flags);
    EXPECT_RET("next record", recv(sv[1], buf, sizeof(buf), 0), 2);
    EXPECT(!memcmp(buf, "gh", 2), "record lost");
    close(sv[0]);
    EXPECT_RET("EOF", recv(sv[1], buf, sizeof(buf), 0), 0);
    EXPECT_ERR("send to closed", send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
}

static void path_bind(void)
{
    const char *p = "/tmp/unix-suite.sock";
    struct sockaddr_un a, got;
    struct stat st;
    socklen_t len = path_addr(&a, p), gl = sizeof(got);
    unlink(p);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_ERR("connect missing", connect(s, (struct sockaddr *)&a, len), ENOENT);
    OK("bind", bind(s, (struct sockaddr *)&a, len));
    OK("stat", stat(p, &st));
    EXPECT(S_ISSOCK(st.st_mode), "node mode %o", st.st_mode);
    EXPECT_ERR("bind twice, same path", bind(s, (struct sockaddr *)&a, len), EADDRINUSE);
    struct sockaddr_un other;
    socklen_t ol = path_addr(&other, "/tmp/unix-suite.other");
    unlink("/tmp/unix-suite.other");
    EXPECT_ERR("bind twice", bind(s, (struct sockaddr *)&other, ol), EINVAL);
    EXPECT_ERR("no node made", access("/tmp/unix-suite.other", F_OK), ENOENT);
    int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_ERR("name in use", bind(s2, (struct sockaddr *)&a, len), EADDRINUSE);
    EXPECT_ERR("not listening", connect(s2, (struct sockaddr *)&a, len), ECONNREFUSED);
    OK("getsockname", getsockname(s, (struct sockaddr *)&got, &gl));
    EXPECT(gl == len && !strcmp(got.sun_path, p), "name %s len %u", got.sun_path, gl);
    EXPECT_ERR("open a socket node", open(p, O_RDWR), ENXIO);
    OK("listen", listen(s, 4));
    OK("connect", connect(s2, (struct sockaddr *)&a, len));
    gl = sizeof(got);
    OK("getpeername", getpeername(s2, (struct sockaddr *)&got, &gl));
    EXPECT(gl == len && !strcmp(got.sun_path, p), "peer %s len %u", got.sun_path, gl);
    gl = sizeof(got);
    int c = accept(s, (struct sockaddr *)&got, &gl);
    OK("accept", c);
    EXPECT(gl == offsetof(struct sockaddr_un, sun_path), "unbound peer len %u", gl);
    EXPECT_RET("data", write(s2, "z", 1), 1);
    char ch;
    EXPECT_RET("accepted reads", read(c, &ch, 1), 1);
    close(s);
    int f = open("/tmp/unix-suite.file", O_CREAT | O_RDWR, 0600);
    close(f);
    int s3 = socket(AF_UNIX, SOCK_STREAM, 0);
    len = path_addr(&a, "/tmp/unix-suite.file");
    EXPECT_ERR("regular file", connect(s3, (struct sockaddr *)&a, len), ECONNREFUSED);
    len = path_addr(&a, p);
    EXPECT_ERR("closed listener", connect(s3, (struct sockaddr *)&a, len), ECONNREFUSED);
    unlink("/tmp/unix-suite.file");
    unlink(p);
    /* A path given without its NUL: Linux adds one and counts it. */
    int s4 = socket(AF_UNIX, SOCK_DGRAM, 0);
    memset(&a, 'x', sizeof(a));
    len = path_addr(&a, "/tmp/unix-suite.nonul") - 1;
    a.sun_path[len - offsetof(struct sockaddr_un, sun_path)] = 'x';
    OK("bind without NUL", bind(s4, (struct sockaddr *)&a, len));
    gl = sizeof(got);
    OK("getsockname", getsockname(s4, (struct sockaddr *)&got, &gl));
    EXPECT(gl == len + 1 && !strcmp(got.sun_path, "/tmp/unix-suite.nonul"), "len %u name %.20s", gl,
           got.sun_path);
    unlink("/tmp/unix-suite.nonul");
}

static void abstract_names(void)
{
    struct sockaddr_un a, got;
    socklen_t len = abstract_addr(&a, "uniplex-unix-suite"), gl = sizeof(got);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    OK("bind", bind(s, (struct sockaddr *)&a, len));
    int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_ERR("in use", bind(s2, (struct sockaddr *)&a, len), EADDRINUSE);
    OK("getsockname", getsockname(s, (struct sockaddr *)&got, &gl));
    EXPECT(gl == len && !memcmp(&got, &a, len), "len %u want %u", gl, len);
    OK("listen", listen(s, 1));
    OK("connect", connect(s2, (struct sockaddr *)&a, len));
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un fam = {.sun_family = AF_UNIX};
    OK("autobind", bind(d, (struct sockaddr *)&fam, sizeof(sa_family_t)));
    gl = sizeof(got);
    OK("getsockname auto", getsockname(d, (struct sockaddr *)&got, &gl));
    EXPECT(gl == offsetof(struct sockaddr_un, sun_path) + 6 && got.sun_path[0] == 0,
           "autobind len %u", gl);
    close(s);
    int s3 = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_ERR("gone", connect(s3, (struct sockaddr *)&a, len), ECONNREFUSED);
}

static void dgram_named(void)
{
    struct sockaddr_un a, from;
    socklen_t len = abstract_addr(&a, "uniplex-dgram-suite"), fl = sizeof(from);
    int r = socket(AF_UNIX, SOCK_DGRAM, 0), s = socket(AF_UNIX, SOCK_DGRAM, 0);
    char buf[16];
    OK("bind", bind(r, (struct sockaddr *)&a, len));
    EXPECT_ERR("send unconnected", send(s, "x", 1, 0), ENOTCONN);
    EXPECT_RET("sendto", sendto(s, "hi", 2, 0, (struct sockaddr *)&a, len), 2);
    EXPECT_RET("recvfrom", recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 2);
    EXPECT(fl == 0, "unbound sender's address length %u", fl);
    struct sockaddr_un b;
    socklen_t bl = abstract_addr(&b, "uniplex-dgram-sender");
    OK("bind sender", bind(s, (struct sockaddr *)&b, bl));
    OK("connect", connect(s, (struct sockaddr *)&a, len));
    EXPECT_RET("send", send(s, "yo", 2, 0), 2);
    fl = sizeof(from);
    EXPECT_RET("recvfrom 2", recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 2);
    EXPECT(fl == bl && !memcmp(&from, &b, bl), "sender's address len %u", fl);
    int third = socket(AF_UNIX, SOCK_DGRAM, 0);
    OK("receiver connects to the sender", connect(r, (struct sockaddr *)&b, bl));
    EXPECT_ERR("a socket connected elsewhere", sendto(third, "x", 1, 0, (struct sockaddr *)&a, len),
               EPERM);
    EXPECT_RET("send again", send(s, "yo", 2, 0), 2);
    EXPECT_RET("read(2) of a datagram", read(r, buf, sizeof(buf)), 2);
    close(r);
    EXPECT_ERR("receiver gone", send(s, "x", 1, 0), ECONNREFUSED);
    EXPECT_ERR("then not connected", send(s, "x", 1, 0), ENOTCONN);
    OK("the name is free again", bind(socket(AF_UNIX, SOCK_DGRAM, 0), (struct sockaddr *)&a, len));
    int st = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_ERR("abstract of another type", connect(st, (struct sockaddr *)&a, len), ECONNREFUSED);
    struct sockaddr_un pa;
    socklen_t pl = path_addr(&pa, "/tmp/unix-suite.dgram");
    unlink(pa.sun_path);
    OK("bind path", bind(socket(AF_UNIX, SOCK_DGRAM, 0), (struct sockaddr *)&pa, pl));
    EXPECT_ERR("path of another type", connect(st, (struct sockaddr *)&pa, pl), EPROTOTYPE);
    unlink(pa.sun_path);
}

/* The child gets a pipe's write end over the socket and writes to it. */
static void scm_rights(void)
{
    int sv[2], p[2];
    char buf[32];
    pair(SOCK_STREAM, sv);
    OK("pipe", pipe(p));
    pid_t pid = fork();
    if (pid == 0) {
        char c, ctl[CMSG_SPACE(sizeof(int))];
        struct iovec iov = {&c, 1};
        struct msghdr m = {
            .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
        close(p[0]);
        close(p[1]);
        if (recvmsg(sv[1], &m, MSG_CMSG_CLOEXEC) != 1)
            t_die("child recvmsg: %s", t_errname(errno));
        struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
        if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int)))
            t_die("no SCM_RIGHTS");
        int fd;
        memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
        if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC))
            t_die("MSG_CMSG_CLOEXEC not honoured");
        if (write(fd, "via fd", 6) != 6)
            t_die("write to passed fd: %s", t_errname(errno));
        _exit(0);
    }
    char ctl[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec iov = {"!", 1};
    struct msghdr m = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &p[1], sizeof(int));
    EXPECT_RET("sendmsg", sendmsg(sv[0], &m, 0), 1);
    close(p[1]); /* the child's copy is the only writer left */
    read_all(p[0], buf, 6);
    EXPECT(!memcmp(buf, "via fd", 6), "pipe bytes differ");
    int st;
    waitpid(pid, &st, 0);
    EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %x", st);
    EXPECT_RET("EOF once the child is gone", read(p[0], buf, sizeof(buf)), 0);
}

/* Files that do not fit the receiver's control buffer are closed: MSG_CTRUNC. */
static void scm_ctrunc(void)
{
    int sv[2], p[3];
    pair(SOCK_DGRAM, sv);
    OK("pipe", pipe(p));
    p[2] = p[1];
    char ctl[CMSG_SPACE(3 * sizeof(int))] = {0};
    struct iovec iov = {"!", 1};
    struct msghdr m = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(3 * sizeof(int));
    memcpy(CMSG_DATA(cm), p, 3 * sizeof(int));
    EXPECT_RET("sendmsg", sendmsg(sv[0], &m, 0), 1);
    close(p[0]);
    close(p[1]);
    char c, small[CMSG_SPACE(sizeof(int))];
    struct iovec riov = {&c, 1};
    struct msghdr r = {
        .msg_iov = &riov, .msg_iovlen = 1, .msg_control = small, .msg_controllen = sizeof(small)};
    EXPECT_RET("recvmsg", recvmsg(sv[1], &r, 0), 1);
    EXPECT(r.msg_flags & MSG_CTRUNC, "no MSG_CTRUNC: %x", r.msg_flags);
    cm = CMSG_FIRSTHDR(&r);
    EXPECT(cm && cm->cmsg_type == SCM_RIGHTS && cm->cmsg_len == CMSG_LEN(2 * sizeof(int)),
           "two fds expected");
    int fd[2];
    memcpy(fd, CMSG_DATA(cm), sizeof(fd));
    close(fd[1]); /* the last write end: the third (dropped) was closed by the kernel */
    EXPECT_RET("read end sees EOF", read(fd[0], &c, 1), 0);
    cm = CMSG_FIRSTHDR(&m);
    int bad[3] = {-1, -1, -1};
    memcpy(CMSG_DATA(cm), bad, sizeof(bad));
    EXPECT_ERR("bad fd in SCM_RIGHTS", sendmsg(sv[0], &m, 0), EBADF);
}

static void send_fds(int s, const int *fds, int n)
{
    char ctl[CMSG_SPACE(4 * sizeof(int))] = {0};
    struct iovec iov = {"g", 1};
    struct msghdr m = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = ctl,
                       .msg_controllen = CMSG_SPACE((size_t)n * sizeof(int))};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
    memcpy(CMSG_DATA(cm), fds, (size_t)n * sizeof(int));
    EXPECT_RET("sendmsg fds", sendmsg(s, &m, 0), 1);
}

/* Two sockets in flight in each other's queues, closed: only the
 * collector frees them, and the pipe end in flight with them. */
static void scm_cycle(void)
{
    int sv[2], p[2], t[2];
    char c;
    pair(SOCK_STREAM, sv);
    OK("pipe", pipe(p));
    send_fds(sv[0], (int[]){sv[0], p[1]}, 2); /* into sv[1]'s queue */
    send_fds(sv[1], (int[]){sv[1]}, 1);       /* into sv[0]'s queue */
    close(sv[0]);
    close(sv[1]);
    close(p[1]);
    pair(SOCK_STREAM, t); /* a release runs the collector */
    close(t[0]);
    close(t[1]);
    EXPECT_RET("the pipe end in flight was closed", read(p[0], &c, 1), 0);
}

static void scm_credentials(void)
{
    int sv[2], on = 1;
    pair(SOCK_DGRAM, sv);
    OK("SO_PASSCRED", setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)));
    EXPECT_RET("send", send(sv[0], "c", 1, 0), 1);
    char c, ctl[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov = {&c, 1};
    struct msghdr m = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
    EXPECT_RET("recvmsg", recvmsg(sv[1], &m, 0), 1);
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    EXPECT(cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS,
           "no SCM_CREDENTIALS");
    struct ucred u;
    memcpy(&u, CMSG_DATA(cm), sizeof(u));
    EXPECT(u.pid == getpid() && u.uid == getuid() && u.gid == getgid(), "cred %d %u %u", u.pid,
           u.uid, u.gid);
    struct ucred bad = {getpid() + 100000, getuid(), getgid()};
    if (getuid() != 0) {
        memcpy(CMSG_DATA(cm), &bad, sizeof(bad));
        EXPECT_ERR("a pid not ours", sendmsg(sv[0], &m, 0), EPERM);
    }
}

static void peercred(void)
{
    int sv[2];
    struct ucred u;
    socklen_t l = sizeof(u);
    pair(SOCK_STREAM, sv);
    OK("SO_PEERCRED", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &u, &l));
    EXPECT(l == sizeof(u) && u.pid == getpid() && u.uid == geteuid(), "pair cred %d %u", u.pid,
           u.uid);
    int s = listener("/tmp/unix-suite.cred", SOCK_STREAM, 0);
    pid_t pid = fork();
    if (pid == 0) {
        int c = connect_to("/tmp/unix-suite.cred", SOCK_STREAM);
        struct ucred v;
        socklen_t vl = sizeof(v);
        OK("client SO_PEERCRED", getsockopt(c, SOL_SOCKET, SO_PEERCRED, &v, &vl));
        EXPECT(v.pid == getppid(), "client's peer pid %d want %d", v.pid, getppid());
        char ch;
        read(c, &ch, 1);
        _exit(0);
    }
    int c = accept(s, NULL, NULL);
    OK("accept", c);
    l = sizeof(u);
    OK("server SO_PEERCRED", getsockopt(c, SOL_SOCKET, SO_PEERCRED, &u, &l));
    EXPECT(u.pid == pid, "server's peer pid %d want %d", u.pid, pid);
    close(c);
    int st;
    waitpid(pid, &st, 0);
    EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %x", st);
    unlink("/tmp/unix-suite.cred");
}

static void epoll_accept(void)
{
    const char *p = "/tmp/unix-suite.epoll";
    int s = listener(p, SOCK_STREAM, SOCK_NONBLOCK);
    EXPECT_ERR("nothing to accept", accept(s, NULL, NULL), EAGAIN);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = s}, out;
    OK("epoll_ctl", epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
    EXPECT_RET("not ready", epoll_wait(ep, &out, 1, 0), 0);
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        int c = connect_to(p, SOCK_STREAM);
        write(c, "e", 1);
        _exit(0);
    }
    EXPECT_RET("ready", epoll_wait(ep, &out, 1, 5000), 1);
    int c = accept4(s, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    OK("accept4", c);
    EXPECT(fcntl(c, F_GETFL) & O_NONBLOCK, "SOCK_NONBLOCK not set");
    EXPECT(fcntl(c, F_GETFD) & FD_CLOEXEC, "SOCK_CLOEXEC not set");
    struct pollfd pfd = {c, POLLIN, 0};
    EXPECT_RET("poll data", poll(&pfd, 1, 5000), 1);
    char ch;
    EXPECT_RET("read", read(c, &ch, 1), 1);
    waitpid(pid, NULL, 0);
    unlink(p);
}

/* Beyond the backlog (Linux lets backlog + 1 wait) a nonblocking connect is
 * EAGAIN; an accept makes room again. */
static void backlog(void)
{
    const char *p = "/tmp/unix-suite.backlog";
    struct sockaddr_un a;
    socklen_t len = path_addr(&a, p);
    unlink(p);
    int s = socket(AF_UNIX, SOCK_STREAM, 0), c[3];
    OK("bind", bind(s, (struct sockaddr *)&a, len));
    OK("listen", listen(s, 1));
    for (int i = 0; i < 3; i++)
        c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    OK("connect 1", connect(c[0], (struct sockaddr *)&a, len));
    OK("connect 2", connect(c[1], (struct sockaddr *)&a, len));
    EXPECT_ERR("connect 3", connect(c[2], (struct sockaddr *)&a, len), EAGAIN);
    int n = accept(s, NULL, NULL);
    OK("accept", n);
    OK("connect 3 again", connect(c[2], (struct sockaddr *)&a, len));
    unlink(p);
}

/* Three children block in accept on one socket; three connections wake one each. */
static void multi_accept(void)
{
    const char *p = "/tmp/unix-suite.multi";
    int s = listener(p, SOCK_STREAM, 0);
    pid_t kids[3];
    for (int i = 0; i < 3; i++)
        if ((kids[i] = fork()) == 0) {
            int c = accept(s, NULL, NULL);
            if (c < 0)
                t_die("child accept: %s", t_errname(errno));
            char ch = 'a' + (char)i;
            write(c, &ch, 1);
            _exit(0);
        }
    usleep(50000);
    int seen = 0;
    for (int i = 0; i < 3; i++) {
        int c = connect_to(p, SOCK_STREAM);
        char ch;
        EXPECT_RET("read", read(c, &ch, 1), 1);
        seen |= 1 << (ch - 'a');
        close(c);
    }
    EXPECT(seen == 7, "children answered %x", seen);
    for (int i = 0; i < 3; i++) {
        int st;
        waitpid(kids[i], &st, 0);
        EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d: %x", i, st);
    }
    unlink(p);
}

static void half_close(void)
{
    int sv[2];
    char buf[8];
    pair(SOCK_STREAM, sv);
    EXPECT_RET("write", write(sv[0], "ab", 2), 2);
    OK("shutdown WR", shutdown(sv[0], SHUT_WR));
    EXPECT_ERR("write after SHUT_WR", send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    EXPECT_RET("data before EOF", read(sv[1], buf, sizeof(buf)), 2);
    EXPECT_RET("EOF", read(sv[1], buf, sizeof(buf)), 0);
    struct pollfd pfd = {sv[1], POLLIN | POLLRDHUP, 0};
    EXPECT_RET("poll", poll(&pfd, 1, 0), 1);
    EXPECT(pfd.revents & POLLRDHUP, "revents %x", pfd.revents);
    EXPECT_RET("other way still open", write(sv[1], "cd", 2), 2);
    EXPECT_RET("read other way", read(sv[0], buf, sizeof(buf)), 2);
    EXPECT_ERR("bad how", shutdown(sv[0], 7), EINVAL);
    int u = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_RET("unconnected: Linux says nothing", shutdown(u, SHUT_RD), 0);
}

static volatile sig_atomic_t got_pipe;
static void on_pipe(int sig)
{
    (void)sig;
    got_pipe++;
}

static void sigpipe(void)
{
    int sv[2];
    signal(SIGPIPE, on_pipe);
    pair(SOCK_STREAM, sv);
    close(sv[1]);
    EXPECT_ERR("write", write(sv[0], "x", 1), EPIPE);
    EXPECT(got_pipe == 1, "SIGPIPE count %d after write", (int)got_pipe);
    EXPECT_ERR("send", send(sv[0], "x", 1, 0), EPIPE);
    EXPECT(got_pipe == 2, "SIGPIPE count %d after send", (int)got_pipe);
    EXPECT_ERR("MSG_NOSIGNAL", send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    EXPECT(got_pipe == 2, "SIGPIPE despite MSG_NOSIGNAL");
}

static void peek_waitall(void)
{
    int sv[2];
    char buf[16];
    pair(SOCK_STREAM, sv);
    EXPECT_RET("write", write(sv[0], "abcd", 4), 4);
    EXPECT_RET("write", write(sv[0], "efgh", 4), 4);
    EXPECT_RET("peek", recv(sv[1], buf, 6, MSG_PEEK), 6);
    EXPECT(!memcmp(buf, "abcdef", 6), "peek across writes");
    EXPECT_RET("read", read(sv[1], buf, 3), 3);
    EXPECT(!memcmp(buf, "abc", 3), "peek consumed");
    EXPECT_RET("rest", read(sv[1], buf, sizeof(buf)), 5);
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 4; i++) {
            usleep(20000);
            write(sv[0], "xy", 2);
        }
        _exit(0);
    }
    EXPECT_RET("MSG_WAITALL", recv(sv[1], buf, 8, MSG_WAITALL), 8);
    waitpid(pid, NULL, 0);
}

/* A writer on a full buffer blocks until the reader drains it. */
static void full_buffer(void)
{
    int sv[2];
    static char big[65536];
    pair(SOCK_STREAM, sv);
    int fl = fcntl(sv[0], F_GETFL);
    OK("O_NONBLOCK", fcntl(sv[0], F_SETFL, fl | O_NONBLOCK));
    long total = 0, r;
    while ((r = write(sv[0], big, sizeof(big))) > 0)
        total += r;
    EXPECT(r == -1 && errno == EAGAIN, "full: %ld/%s", r, t_errname(errno));
    struct pollfd pfd = {sv[0], POLLOUT, 0};
    EXPECT_RET("not writable", poll(&pfd, 1, 0), 0);
    OK("blocking again", fcntl(sv[0], F_SETFL, fl));
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        static char sink[65536];
        long got = 0;
        while (got < total + 10) {
            ssize_t n = read(sv[1], sink, sizeof(sink));
            if (n <= 0)
                t_die("drain: %s", t_errname(errno));
            got += n;
        }
        _exit(0);
    }
    EXPECT_RET("blocked write completes", write(sv[0], big, 10), 10);
    int st;
    waitpid(pid, &st, 0);
    EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %x", st);
}

/* A datagram sender connected to a socket that is not connected back is
 * held at the receiver's queue limit; poll wakes it when a reader makes room. */
static void dgram_pollout(void)
{
    struct sockaddr_un a;
    socklen_t len = abstract_addr(&a, "uniplex-dgram-pollout");
    int r = socket(AF_UNIX, SOCK_DGRAM, 0), s = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    char buf[8];
    OK("bind", bind(r, (struct sockaddr *)&a, len));
    OK("connect", connect(s, (struct sockaddr *)&a, len));
    int n = 0;
    while (send(s, "d", 1, 0) == 1)
        n++;
    EXPECT(errno == EAGAIN && n >= 1, "sent %d then %s", n, t_errname(errno));
    struct pollfd pfd = {s, POLLOUT, 0};
    EXPECT_RET("not writable", poll(&pfd, 1, 0), 0);
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        for (int i = 0; i < n; i++)
            if (recv(r, buf, sizeof(buf), 0) != 1)
                t_die("child recv: %s", t_errname(errno));
        _exit(0);
    }
    EXPECT_RET("woken writable", poll(&pfd, 1, 5000), 1);
    EXPECT(pfd.revents & POLLOUT, "revents %x", pfd.revents);
    waitpid(pid, NULL, 0);
}

/* 8 MiB through a stream pair in odd-sized pieces, the bytes checked. */
static void stream_bulk(void)
{
    int sv[2];
    enum { TOTAL = 8 << 20 };
    pair(SOCK_STREAM, sv);
    pid_t pid = fork();
    if (pid == 0) {
        static unsigned char out[70000];
        unsigned x = 1;
        close(sv[1]);
        for (long sent = 0; sent < TOTAL;) {
            size_t n = 1 + (x = x * 1103515245 + 12345) % sizeof(out);
            n = n < (size_t)(TOTAL - sent) ? n : (size_t)(TOTAL - sent);
            for (size_t i = 0; i < n; i++)
                out[i] = (unsigned char)(sent + (long)i);
            ssize_t w = write(sv[0], out, n);
            if (w <= 0)
                t_die("write: %s", t_errname(errno));
            sent += w;
        }
        _exit(0);
    }
    close(sv[0]);
    static unsigned char in[50000];
    long got = 0;
    ssize_t r;
    while ((r = read(sv[1], in, sizeof(in))) > 0) {
        for (ssize_t i = 0; i < r; i++)
            if (in[i] != (unsigned char)(got + i))
                t_die("byte %ld differs", got + (long)i);
        got += r;
    }
    EXPECT(r == 0 && got == TOTAL, "got %ld of %d (%s)", got, TOTAL, t_errname(errno));
    int st;
    waitpid(pid, &st, 0);
    EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %x", st);
}

static void options(void)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0), v;
    socklen_t l = sizeof(v);
    OK("SO_TYPE", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &l));
    EXPECT(v == SOCK_STREAM && l == sizeof(int), "SO_TYPE %d", v);
    OK("SO_DOMAIN", getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &l));
    EXPECT(v == AF_UNIX, "SO_DOMAIN %d", v);
    OK("SO_PROTOCOL", getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &l));
    EXPECT(v == 0, "SO_PROTOCOL %d", v);
    OK("SO_ACCEPTCONN", getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &l));
    EXPECT(v == 0, "SO_ACCEPTCONN %d", v);
    OK("SO_ERROR", getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &l));
    EXPECT(v == 0, "SO_ERROR %d", v);
    v = 10000;
    OK("set SO_RCVBUF", setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
    OK("SO_RCVBUF", getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &l));
    EXPECT(v == 20000, "SO_RCVBUF %d, want doubled", v);
    v = 1;
    OK("SO_REUSEADDR", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
    v = 0;
    OK("get SO_REUSEADDR", getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, &l));
    EXPECT(v == 1, "SO_REUSEADDR %d", v);
    EXPECT_ERR("short value", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 2), EINVAL);
    EXPECT_ERR("unknown option", getsockopt(s, SOL_SOCKET, 9999, &v, &l), ENOPROTOOPT);
    EXPECT_ERR("set SO_TYPE", setsockopt(s, SOL_SOCKET, SO_TYPE, &v, sizeof(v)), ENOPROTOOPT);
    struct linger lg = {1, 5};
    OK("SO_LINGER", setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
    l = sizeof(lg);
    memset(&lg, 0, sizeof(lg));
    OK("get SO_LINGER", getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &l));
    EXPECT(lg.l_onoff == 1 && lg.l_linger == 5, "linger %d %d", lg.l_onoff, lg.l_linger);
    int ls = listener("/tmp/unix-suite.opts", SOCK_STREAM, 0);
    l = sizeof(v);
    OK("SO_ACCEPTCONN listening", getsockopt(ls, SOL_SOCKET, SO_ACCEPTCONN, &v, &l));
    EXPECT(v == 1, "SO_ACCEPTCONN %d", v);
    unlink("/tmp/unix-suite.opts");
}

static void rcvtimeo(void)
{
    int sv[2];
    char c;
    pair(SOCK_STREAM, sv);
    struct timeval tv = {0, 100000}, got;
    OK("SO_RCVTIMEO", setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    socklen_t l = sizeof(got);
    OK("get SO_RCVTIMEO", getsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &got, &l));
    EXPECT(got.tv_sec == 0 && got.tv_usec == 100000, "timeo %ld.%06ld", (long)got.tv_sec,
           (long)got.tv_usec);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    EXPECT_ERR("times out", read(sv[1], &c, 1), EAGAIN);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    EXPECT(ms >= 90 && ms < 3000, "waited %ld ms", ms);
    tv.tv_usec = 2000000;
    EXPECT_ERR("usec out of range", setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
               EDOM);
}

static void mmsg(void)
{
    int sv[2];
    char a[4] = "aa", b[4] = "bbb", ra[8], rb[8];
    pair(SOCK_DGRAM, sv);
    struct iovec ia = {a, 2}, ib = {b, 3}, ja = {ra, 8}, jb = {rb, 8};
    struct mmsghdr out[2] = {{.msg_hdr = {.msg_iov = &ia, .msg_iovlen = 1}},
                             {.msg_hdr = {.msg_iov = &ib, .msg_iovlen = 1}}};
    struct mmsghdr in[2] = {{.msg_hdr = {.msg_iov = &ja, .msg_iovlen = 1}},
                            {.msg_hdr = {.msg_iov = &jb, .msg_iovlen = 1}}};
    EXPECT_RET("sendmmsg", sendmmsg(sv[0], out, 2, 0), 2);
    EXPECT(out[0].msg_len == 2 && out[1].msg_len == 3, "sent %u %u", out[0].msg_len,
           out[1].msg_len);
    EXPECT_RET("recvmmsg", recvmmsg(sv[1], in, 2, MSG_WAITFORONE, NULL), 2);
    EXPECT(in[0].msg_len == 2 && in[1].msg_len == 3, "got %u %u", in[0].msg_len, in[1].msg_len);
    EXPECT(!memcmp(rb, "bbb", 3), "second datagram");
    struct timespec ts = {0, 50000000};
    EXPECT_RET("sendmmsg 1", sendmmsg(sv[0], out, 1, 0), 1);
    EXPECT_RET("recvmmsg timeout", recvmmsg(sv[1], in, 2, MSG_DONTWAIT, &ts), 1);
    EXPECT_ERR("recvmmsg empty", recvmmsg(sv[1], in, 2, MSG_DONTWAIT, &ts), EAGAIN);
    ts.tv_nsec = -1;
    EXPECT_ERR("recvmmsg bad timeout", recvmmsg(sv[1], in, 2, 0, &ts), EINVAL);
}

static void bad_args(void)
{
    int sv[2], v;
    socklen_t l = sizeof(v);
    EXPECT_ERR("unknown family", socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
    EXPECT_ERR("family AF_MAX", socket(46, SOCK_STREAM, 0), EAFNOSUPPORT);
    EXPECT_ERR("bad type flag", socket(AF_UNIX, SOCK_STREAM | 0x100, 0), EINVAL);
    EXPECT_ERR("bad type", socket(AF_UNIX, 11, 0), EINVAL);
    EXPECT_ERR("unsupported type", socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
    EXPECT_ERR("bad protocol", socket(AF_UNIX, SOCK_STREAM, 7), EPROTONOSUPPORT);
    EXPECT_ERR("socketpair bad sv", socketpair(AF_UNIX, SOCK_STREAM, 0, BAD), EFAULT);
    pair(SOCK_STREAM, sv);
    int f = open("/dev/null", O_RDWR);
    EXPECT_ERR("ENOTSOCK", listen(f, 1), ENOTSOCK);
    EXPECT_ERR("ENOTSOCK getsockopt", getsockopt(f, SOL_SOCKET, SO_TYPE, &v, &l), ENOTSOCK);
    EXPECT_ERR("EBADF", listen(999, 1), EBADF);
    EXPECT_ERR("EBADF send", send(-1, "x", 1, 0), EBADF);
    EXPECT_ERR("bind bad addr", bind(sv[0], BAD, sizeof(struct sockaddr_un)), EFAULT);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    EXPECT_ERR("bind long addr", bind(sv[0], (struct sockaddr *)&a, 200), EINVAL);
    EXPECT_ERR("bind short addr", bind(sv[0], (struct sockaddr *)&a, 1), EINVAL);
    a.sun_family = AF_INET;
    EXPECT_ERR("bind wrong family", bind(sv[0], (struct sockaddr *)&a, sizeof(a)), EINVAL);
    EXPECT_ERR("send bad buf", send(sv[0], BAD, 10, 0), EFAULT);
    /* The raw calls: musl's wrappers copy the msghdr themselves. */
    EXPECT_ERR("recvmsg bad msghdr", syscall(SYS_recvmsg, sv[1], BAD, 0), EFAULT);
    EXPECT_ERR("sendmsg bad msghdr", syscall(SYS_sendmsg, sv[0], BAD, 0), EFAULT);
    struct iovec iov = {BAD, 4};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    EXPECT_ERR("sendmsg bad iov base", syscall(SYS_sendmsg, sv[0], &m, 0), EFAULT);
    m.msg_iov = BAD;
    EXPECT_ERR("sendmsg bad iov array", syscall(SYS_sendmsg, sv[0], &m, 0), EFAULT);
    m.msg_iovlen = 1025;
    EXPECT_ERR("too many iovecs", syscall(SYS_sendmsg, sv[0], &m, 0), EMSGSIZE);
    EXPECT_ERR("getsockopt bad val", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, BAD, &l), EFAULT);
    EXPECT_ERR("getsockopt bad len", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, BAD), EFAULT);
    l = (socklen_t)-1;
    EXPECT_ERR("getsockopt negative len", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &l), EINVAL);
    EXPECT_ERR("setsockopt bad val", setsockopt(sv[0], SOL_SOCKET, SO_KEEPALIVE, BAD, 4), EFAULT);
    EXPECT_ERR("getsockname bad", getsockname(sv[0], BAD, BAD), EFAULT);
    EXPECT_ERR("accept4 bad flags", accept4(sv[0], NULL, NULL, 0x1), EINVAL);
    EXPECT_ERR("accept unlistened", accept(sv[0], NULL, NULL), EINVAL);
    EXPECT_ERR("listen dgram", listen(socket(AF_UNIX, SOCK_DGRAM, 0), 1), EOPNOTSUPP);
    int d[2];
    pair(SOCK_DGRAM, d);
    EXPECT_ERR("MSG_OOB", send(d[0], "x", 1, MSG_OOB), EOPNOTSUPP);
    socklen_t al = abstract_addr(&a, "uniplex-isconn");
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    OK("bind", bind(ls, (struct sockaddr *)&a, al));
    OK("listen", listen(ls, 1));
    EXPECT_ERR("connected again", connect(sv[0], (struct sockaddr *)&a, al), EISCONN);
    int u = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_ERR("getpeername unconnected", getpeername(u, (struct sockaddr *)&a, &l), ENOTCONN);
    EXPECT_ERR("send unconnected", send(u, "x", 1, 0), ENOTCONN);
}

/* Sockets outlive exec: a descriptor without FD_CLOEXEC reaches the new program. */
static void fork_inherit(void)
{
    int sv[2];
    char buf[4];
    pair(SOCK_SEQPACKET, sv);
    pid_t pid = fork();
    if (pid == 0) {
        char arg[16];
        snprintf(arg, sizeof(arg), "echo x >&%d", sv[1]);
        execl("/bin/sh", "sh", "-c", arg, (char *)NULL);
        write(sv[1], "x\n", 2); /* no shell: the fork alone */
        _exit(0);
    }
    EXPECT_RET("from the child", recv(sv[0], buf, sizeof(buf), 0), 2);
    EXPECT(buf[0] == 'x', "got %c", buf[0]);
    waitpid(pid, NULL, 0);
}

static const struct t_case cases[] = {
    {"stream_pair", stream_pair},
    {"dgram_boundaries", dgram_boundaries},
    {"seqpacket", seqpacket},
    {"path_bind", path_bind},
    {"abstract_names", abstract_names},
    {"dgram_named", dgram_named},
    {"scm_rights", scm_rights},
    {"scm_ctrunc", scm_ctrunc},
    {"scm_cycle", scm_cycle},
    {"scm_credentials", scm_credentials},
    {"peercred", peercred},
    {"epoll_accept", epoll_accept},
    {"backlog", backlog},
    {"multi_accept", multi_accept},
    {"half_close", half_close},
    {"sigpipe", sigpipe},
    {"peek_waitall", peek_waitall},
    {"full_buffer", full_buffer},
    {"dgram_pollout", dgram_pollout},
    {"stream_bulk", stream_bulk},
    {"options", options},
    {"rcvtimeo", rcvtimeo},
    {"mmsg", mmsg},
    {"bad_args", bad_args},
    {"fork_inherit", fork_inherit},
};

int main(int argc, char **argv)
{
    int r = t_run_cases("unix", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, T_CASE_GROUP,
                        argc, argv);
    while (p_wait(-1, NULL, 0) > 0) /* orphans: init's to reap inside Uniplex */
        ;
    return r;
}
