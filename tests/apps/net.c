/* net: TCP and UDP sockets over 127.0.0.1 (issue 17), as Linux has them.
 *
 *   TCP: an echo of 64 MiB with a checksum, 64 concurrent connections,
 *   nonblocking connect and accept under epoll, ECONNREFUSED (blocking
 *   and through SO_ERROR), SO_REUSEADDR rebinding a port in TIME_WAIT,
 *   EADDRINUSE from bind, EPIPE and SIGPIPE, the error order after a reset
 *   (ECONNRESET, then 0, then EPIPE), shutdown half-close, MSG_PEEK,
 *   MSG_WAITALL, FIONREAD, SO_RCVTIMEO, getsockname/getpeername,
 *   TCP_NODELAY, SO_TYPE/SO_ACCEPTCONN, forked children blocking in accept
 *   on one socket (pre-fork), a socket inherited across exec
 *   UDP: datagram boundaries with several queued before the first read,
 *   zero-length datagrams, a connected socket dropping other senders,
 *   recv(MSG_TRUNC)'s real length, FIONREAD of the first datagram
 *   errors: EFAULT for bad pointers, EAFNOSUPPORT, EINVAL,
 *   EPROTONOSUPPORT and ESOCKTNOSUPPORT from socket()
 *   the loopback interface: "lo" by if_nametoindex, SIOCGIFCONF,
 *   SIOCGIFADDR, SIOCGIFFLAGS, SIOCGIFNETMASK (what busybox ifconfig asks)
 *
 * Each case runs in its own child under alarm() and reports why it failed
 * through a pipe. Every port is the kernel's choice (bind to port 0), so
 * cases never clash. Passes on Linux too. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tcase.h"

#define ALARM_S 60
/* An address no program has mapped (volatile: opaque to the compiler). */
static void *volatile BAD = (void *)8;
#define ECHO_BYTES (64 << 20)
#define MANY       64
#define PREFORK    4

#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(t_die, what, call, want)
#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(t_die, what, call, want)
#define EXPECT_OK(what, call)        T_EXPECT((call) == 0, "%s: %s", what, t_errname(errno))

/* ---- helpers ---- */

static struct sockaddr_in lo_addr(int port)
{
    return (struct sockaddr_in){.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
}

static int port_of(int fd)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    EXPECT_OK("getsockname", getsockname(fd, (struct sockaddr *)&sin, &len));
    return ntohs(sin.sin_port);
}

static int sock(int type)
{
    int fd = socket(AF_INET, type, 0);
    T_EXPECT(fd >= 0, "socket(AF_INET, %#x): %s", type, t_errname(errno));
    return fd;
}

/* A socket of type bound to 127.0.0.1:port (0: the kernel picks). */
static int bound(int type, int port)
{
    int fd = sock(type);
    struct sockaddr_in sin = lo_addr(port);
    EXPECT_OK("bind", bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
    return fd;
}

/* A listening TCP socket on 127.0.0.1, its port in *port. */
static int listener(int *port)
{
    int fd = bound(SOCK_STREAM, 0);
    EXPECT_OK("listen", listen(fd, 128));
    *port = port_of(fd);
    return fd;
}

static int connect_to(int type, int port)
{
    int fd = sock(type);
    struct sockaddr_in sin = lo_addr(port);
    EXPECT_OK("connect", connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
    return fd;
}

/* A connected TCP pair: *a the connecting end, *b the accepted one. */
static void tcp_pair(int *a, int *b)
{
    int port, l = listener(&port);
    *a = connect_to(SOCK_STREAM, port);
    *b = accept(l, NULL, NULL);
    T_EXPECT(*b >= 0, "accept: %s", t_errname(errno));
    close(l);
}

static void write_all(int fd, const void *buf, size_t n)
{
    for (size_t done = 0; done < n;) {
        ssize_t r = write(fd, (const char *)buf + done, n - done);
        T_EXPECT(r > 0, "write: %zd/%s", r, t_errname(errno));
        done += (size_t)r;
    }
}

static void read_exact(int fd, void *buf, size_t n)
{
    for (size_t done = 0; done < n;) {
        ssize_t r = read(fd, (char *)buf + done, n - done);
        T_EXPECT(r > 0, "read %zu of %zu: %zd/%s", done, n, r, t_errname(errno));
        done += (size_t)r;
    }
}

static pid_t fork_or_die(void)
{
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork: %s", t_errname(errno));
    return pid;
}

static void reap_ok(pid_t pid, const char *what)
{
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: child %s",
             what, p_status_str(st));
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Wait until fd has events (poll), at most 5 s. */
static void wait_for(int fd, short events)
{
    struct pollfd p = {.fd = fd, .events = events};
    T_EXPECT(poll(&p, 1, 5000) == 1, "poll(%#x): not ready", events);
}

/* ---- TCP data ---- */

/* The echo's bytes: a xorshift stream, the same in writer and reader. */
static void fill(uint64_t *state, unsigned char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        buf[i] = (unsigned char)*state;
    }
}

static uint64_t fnv(uint64_t h, const unsigned char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ buf[i]) * 0x100000001b3ULL;
    return h;
}

/* The echo server: everything read goes back, until EOF. */
static void echo_serve(int l)
{
    static char buf[65536];
    int c = accept(l, NULL, NULL);
    T_EXPECT(c >= 0, "accept: %s", t_errname(errno));
    ssize_t n;
    while ((n = read(c, buf, sizeof(buf))) > 0)
        write_all(c, buf, (size_t)n);
    T_EXPECT(n == 0, "server read: %s", t_errname(errno));
    _exit(0);
}

/* The client's writer: 64 MiB of the stream, then SHUT_WR. */
static void echo_write(int fd)
{
    static unsigned char buf[65536];
    uint64_t state = 88172645463325252ULL;
    for (size_t done = 0; done < ECHO_BYTES; done += sizeof(buf)) {
        fill(&state, buf, sizeof(buf));
        write_all(fd, buf, sizeof(buf));
    }
    EXPECT_OK("shutdown", shutdown(fd, SHUT_WR));
    _exit(0);
}

static void case_tcp_echo(void)
{
    static unsigned char buf[65536], want[65536];
    int port, l = listener(&port);
    pid_t server = fork_or_die();
    if (server == 0)
        echo_serve(l);
    int fd = connect_to(SOCK_STREAM, port);
    pid_t writer = fork_or_die();
    if (writer == 0)
        echo_write(fd);
    uint64_t state = 88172645463325252ULL, got = 14695981039346656037ULL, sum = got;
    size_t total = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        got = fnv(got, buf, (size_t)n);
        fill(&state, want, (size_t)n);
        sum = fnv(sum, want, (size_t)n);
        total += (size_t)n;
    }
    T_EXPECT(n == 0 && total == ECHO_BYTES, "read %zu bytes, then %s", total, t_errname(errno));
    T_EXPECT(got == sum, "checksum %llx, expected %llx", (unsigned long long)got,
             (unsigned long long)sum);
    reap_ok(writer, "writer");
    reap_ok(server, "server");
}

/* The server of many-connections: accept MANY, read each one's number,
 * answer number + 1000 on each. */
static void many_serve(int l)
{
    int fds[MANY];
    for (int i = 0; i < MANY; i++) {
        fds[i] = accept(l, NULL, NULL);
        T_EXPECT(fds[i] >= 0, "accept %d: %s", i, t_errname(errno));
    }
    for (int i = 0; i < MANY; i++) {
        int v;
        read_exact(fds[i], &v, sizeof(v));
        v += 1000;
        write_all(fds[i], &v, sizeof(v));
    }
    _exit(0);
}

static void case_many_connections(void)
{
    int port, l = listener(&port), fds[MANY];
    pid_t server = fork_or_die();
    if (server == 0)
        many_serve(l);
    for (int i = 0; i < MANY; i++) {
        fds[i] = connect_to(SOCK_STREAM, port);
        write_all(fds[i], &i, sizeof(i));
    }
    for (int i = 0; i < MANY; i++) {
        int v;
        read_exact(fds[i], &v, sizeof(v));
        T_EXPECT(v == i + 1000, "connection %d answered %d", i, v);
    }
    reap_ok(server, "server");
}

static void case_half_close(void)
{
    int a, b;
    char c;
    tcp_pair(&a, &b);
    EXPECT_OK("shutdown", shutdown(a, SHUT_WR));
    EXPECT_RET("read at EOF", read(b, &c, 1), 0);
    EXPECT_ERR("write after SHUT_WR", send(a, "x", 1, MSG_NOSIGNAL), EPIPE);
    EXPECT_RET("peer write", write(b, "y", 1), 1);
    EXPECT_RET("read the peer's byte", read(a, &c, 1), 1);
    T_EXPECT(c == 'y', "read '%c'", c);
    EXPECT_OK("shutdown SHUT_RD", shutdown(a, SHUT_RD));
    EXPECT_RET("read after SHUT_RD", read(a, &c, 1), 0);
}

static void case_peek(void)
{
    int a, b;
    char buf[16] = {0};
    tcp_pair(&a, &b);
    write_all(a, "hello", 5);
    wait_for(b, POLLIN);
    EXPECT_RET("MSG_PEEK", recv(b, buf, sizeof(buf), MSG_PEEK), 5);
    T_EXPECT(memcmp(buf, "hello", 5) == 0, "peeked '%s'", buf);
    memset(buf, 0, sizeof(buf));
    EXPECT_RET("recv", recv(b, buf, sizeof(buf), 0), 5);
    T_EXPECT(memcmp(buf, "hello", 5) == 0, "read '%s'", buf);
    EXPECT_ERR("then empty", recv(b, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
}

/* Write to fd without blocking until the connection takes no more: the
 * bytes taken. */
static size_t fill_until_full(int fd)
{
    static char buf[16384];
    size_t total = 0;
    for (;;) {
        ssize_t r = send(fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (r < 0) {
            T_EXPECT(errno == EAGAIN, "send: %s", t_errname(errno));
            return total;
        }
        total += (size_t)r;
        T_EXPECT(total < 64u << 20, "send never filled the connection");
    }
}

static size_t drain(int fd)
{
    static char buf[16384];
    size_t total = 0;
    ssize_t r;
    while ((r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
        total += (size_t)r;
    T_EXPECT(r < 0 && errno == EAGAIN, "recv: %zd/%s", r, t_errname(errno));
    return total;
}

/* Both directions full, so both receive windows are shut, and both ends
 * probe them: neither the ACKs that close the second window nor the
 * probes may set the two ends acknowledging each other's ACKs for ever
 * (lwIP 2.1 did: on loopback that held the CPU, and the whole machine
 * hung). Then reading opens them again and everything written arrives. */
static void case_both_windows_shut(void)
{
    int a, b;
    tcp_pair(&a, &b);
    size_t ab = fill_until_full(a), ba = fill_until_full(b);
    sleep(3); /* lwIP's persist timer (1.5 s) fills each window exactly */
    size_t got_b = 0, got_a = 0;
    for (int round = 0; round < 1000 && (got_b < ab || got_a < ba); round++) {
        got_b += drain(b);
        got_a += drain(a);
        usleep(1000);
    }
    T_EXPECT(got_b == ab && got_a == ba, "a->b %zu of %zu, b->a %zu of %zu", got_b, ab, got_a, ba);
}

static void case_waitall(void)
{
    int a, b;
    static char buf[3000];
    tcp_pair(&a, &b);
    pid_t pid = fork_or_die();
    if (pid == 0) {
        for (int i = 0; i < 3; i++) {
            usleep(20000);
            write_all(a, buf, 1000);
        }
        _exit(0);
    }
    EXPECT_RET("recv MSG_WAITALL", recv(b, buf, sizeof(buf), MSG_WAITALL), 3000);
    reap_ok(pid, "writer");
}

static void case_fionread(void)
{
    int a, b, n = -1;
    tcp_pair(&a, &b);
    EXPECT_OK("FIONREAD empty", ioctl(b, FIONREAD, &n));
    T_EXPECT(n == 0, "FIONREAD %d on an empty socket", n);
    write_all(a, "0123456789", 10);
    write_all(a, "abc", 3);
    wait_for(b, POLLIN);
    for (int tries = 0; tries < 100 && n != 13; tries++) { /* both segments in */
        EXPECT_OK("FIONREAD", ioctl(b, FIONREAD, &n));
        if (n != 13)
            usleep(10000);
    }
    T_EXPECT(n == 13, "FIONREAD %d, expected 13", n);
}

static void case_rcvtimeo(void)
{
    int a, b;
    char c;
    struct timeval tv = {0, 100000}, got;
    socklen_t len = sizeof(got);
    tcp_pair(&a, &b);
    EXPECT_OK("SO_RCVTIMEO", setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    EXPECT_OK("get SO_RCVTIMEO", getsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &got, &len));
    T_EXPECT(got.tv_sec == 0 && got.tv_usec >= 90000 && got.tv_usec <= 110000,
             "SO_RCVTIMEO read back %ld.%06ld", (long)got.tv_sec, (long)got.tv_usec);
    long long t0 = now_ms();
    EXPECT_ERR("recv past the timeout", recv(b, &c, 1, 0), EAGAIN);
    long long ms = now_ms() - t0;
    T_EXPECT(ms >= 90 && ms < 2000, "timed out after %lld ms", ms);
}

static void case_names(void)
{
    int a, b;
    struct sockaddr_in s1, p1, s2, p2;
    socklen_t l1 = sizeof(s1), l2 = sizeof(p1), l3 = sizeof(s2), l4 = sizeof(p2);
    tcp_pair(&a, &b);
    EXPECT_OK("getsockname a", getsockname(a, (struct sockaddr *)&s1, &l1));
    EXPECT_OK("getpeername a", getpeername(a, (struct sockaddr *)&p1, &l2));
    EXPECT_OK("getsockname b", getsockname(b, (struct sockaddr *)&s2, &l3));
    EXPECT_OK("getpeername b", getpeername(b, (struct sockaddr *)&p2, &l4));
    T_EXPECT(l1 == sizeof(s1) && l2 == sizeof(p1), "lengths %u %u", l1, l2);
    T_EXPECT(s1.sin_family == AF_INET && s1.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
             "a's name family %d addr %x", s1.sin_family, ntohl(s1.sin_addr.s_addr));
    T_EXPECT(s1.sin_port == p2.sin_port && s2.sin_port == p1.sin_port && s1.sin_port != 0,
             "ports: a %d/%d, b %d/%d", ntohs(s1.sin_port), ntohs(p1.sin_port), ntohs(s2.sin_port),
             ntohs(p2.sin_port));
    int u = sock(SOCK_STREAM);
    EXPECT_ERR("getpeername unconnected", getpeername(u, (struct sockaddr *)&p1, &l2), ENOTCONN);
    EXPECT_OK("getsockname unbound", getsockname(u, (struct sockaddr *)&s1, &l1));
    T_EXPECT(s1.sin_port == 0 && s1.sin_addr.s_addr == 0, "unbound name %x:%d",
             ntohl(s1.sin_addr.s_addr), ntohs(s1.sin_port));
}

static int getopt_int(int fd, int level, int name)
{
    int v = -1;
    socklen_t len = sizeof(v);
    EXPECT_OK("getsockopt", getsockopt(fd, level, name, &v, &len));
    T_EXPECT(len == sizeof(v), "getsockopt length %u", len);
    return v;
}

static void case_sockopts(void)
{
    int one = 1, fd = sock(SOCK_STREAM), u = sock(SOCK_DGRAM), port;
    T_EXPECT(getopt_int(fd, IPPROTO_TCP, TCP_NODELAY) == 0, "TCP_NODELAY on by default");
    EXPECT_OK("set TCP_NODELAY", setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
    T_EXPECT(getopt_int(fd, IPPROTO_TCP, TCP_NODELAY) != 0, "TCP_NODELAY not set");
    T_EXPECT(getopt_int(fd, SOL_SOCKET, SO_TYPE) == SOCK_STREAM, "SO_TYPE of TCP");
    T_EXPECT(getopt_int(u, SOL_SOCKET, SO_TYPE) == SOCK_DGRAM, "SO_TYPE of UDP");
    T_EXPECT(getopt_int(fd, SOL_SOCKET, SO_ACCEPTCONN) == 0, "SO_ACCEPTCONN before listen");
    int l = listener(&port);
    T_EXPECT(getopt_int(l, SOL_SOCKET, SO_ACCEPTCONN) == 1, "SO_ACCEPTCONN after listen");
    T_EXPECT(getopt_int(fd, SOL_SOCKET, SO_ERROR) == 0, "SO_ERROR of a new socket");
    EXPECT_OK("SO_REUSEADDR", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
    T_EXPECT(getopt_int(fd, SOL_SOCKET, SO_REUSEADDR) == 1, "SO_REUSEADDR not read back");
}

/* ---- TCP connection set-up and errors ---- */

static void case_nonblock_connect(void)
{
    int port, l = listener(&port), ep = epoll_create1(0);
    EXPECT_OK("O_NONBLOCK", fcntl(l, F_SETFL, O_NONBLOCK));
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = l}, out;
    EXPECT_OK("epoll_ctl", epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev));
    EXPECT_ERR("accept4 before any", accept4(l, NULL, NULL, SOCK_NONBLOCK), EAGAIN);
    int c = sock(SOCK_STREAM | SOCK_NONBLOCK);
    struct sockaddr_in sin = lo_addr(port);
    int r = connect(c, (struct sockaddr *)&sin, sizeof(sin));
    T_EXPECT(r == 0 || errno == EINPROGRESS, "connect: %s", t_errname(errno));
    EXPECT_RET("listener readable", epoll_wait(ep, &out, 1, 5000), 1);
    T_EXPECT(out.data.fd == l && (out.events & EPOLLIN), "epoll gave %#x", out.events);
    int a = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    T_EXPECT(a >= 0, "accept4: %s", t_errname(errno));
    T_EXPECT(fcntl(a, F_GETFL) & O_NONBLOCK, "accepted socket not O_NONBLOCK");
    T_EXPECT(fcntl(a, F_GETFD) & FD_CLOEXEC, "accepted socket not FD_CLOEXEC");
    ev = (struct epoll_event){.events = EPOLLOUT, .data.fd = c};
    EXPECT_OK("epoll_ctl client", epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev));
    EXPECT_RET("client writable", epoll_wait(ep, &out, 1, 5000), 1);
    T_EXPECT(out.data.fd == c && out.events == EPOLLOUT, "epoll gave %#x", out.events);
    T_EXPECT(getopt_int(c, SOL_SOCKET, SO_ERROR) == 0, "SO_ERROR after connecting");
    EXPECT_ERR("accept4 again", accept4(l, NULL, NULL, 0), EAGAIN);
    if (r != 0) /* Linux: the next connect reports the result once, then EISCONN */
        EXPECT_RET("connect after EINPROGRESS", connect(c, (struct sockaddr *)&sin, sizeof(sin)),
                   0);
    EXPECT_ERR("connect again", connect(c, (struct sockaddr *)&sin, sizeof(sin)), EISCONN);
}

/* A port nothing listens on: bound, then closed. */
static int closed_port(void)
{
    int fd = bound(SOCK_STREAM, 0), port = port_of(fd);
    close(fd);
    return port;
}

static void case_refused(void)
{
    struct sockaddr_in sin = lo_addr(closed_port());
    int fd = sock(SOCK_STREAM);
    EXPECT_ERR("connect", connect(fd, (struct sockaddr *)&sin, sizeof(sin)), ECONNREFUSED);
    fd = sock(SOCK_STREAM | SOCK_NONBLOCK);
    int r = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
    T_EXPECT(r == -1 && (errno == EINPROGRESS || errno == ECONNREFUSED),
             "nonblocking connect: %d/%s", r, t_errname(errno));
    if (errno == EINPROGRESS) {
        wait_for(fd, POLLOUT);
        int e = getopt_int(fd, SOL_SOCKET, SO_ERROR);
        T_EXPECT(e == ECONNREFUSED, "SO_ERROR %s", t_errname(e));
        T_EXPECT(getopt_int(fd, SOL_SOCKET, SO_ERROR) == 0, "SO_ERROR not cleared");
    }
}

/* Leave port in TIME_WAIT: the server's side closes first. */
static int time_wait_port(void)
{
    int a, b, one = 1;
    int port, l = listener(&port);
    EXPECT_OK("SO_REUSEADDR", setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
    a = connect_to(SOCK_STREAM, port);
    b = accept(l, NULL, NULL);
    T_EXPECT(b >= 0, "accept: %s", t_errname(errno));
    close(l);
    close(b); /* active close: b's end goes to TIME_WAIT */
    char c;
    EXPECT_RET("client sees EOF", read(a, &c, 1), 0);
    close(a);
    usleep(20000);
    return port;
}

static void case_reuseaddr(void)
{
    int one = 1, port = time_wait_port();
    struct sockaddr_in sin = lo_addr(port);
    int fd = sock(SOCK_STREAM);
    EXPECT_ERR("bind without SO_REUSEADDR", bind(fd, (struct sockaddr *)&sin, sizeof(sin)),
               EADDRINUSE);
    close(fd);
    fd = sock(SOCK_STREAM);
    EXPECT_OK("SO_REUSEADDR", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
    EXPECT_OK("bind with SO_REUSEADDR", bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
    EXPECT_OK("listen", listen(fd, 4));
    int c = connect_to(SOCK_STREAM, port);
    int a = accept(fd, NULL, NULL);
    T_EXPECT(a >= 0, "accept on the reused port: %s", t_errname(errno));
    close(c);
}

static void case_addrinuse(void)
{
    int a = bound(SOCK_STREAM, 0), port = port_of(a);
    struct sockaddr_in sin = lo_addr(port);
    int b = sock(SOCK_STREAM);
    EXPECT_ERR("bind over a bound socket", bind(b, (struct sockaddr *)&sin, sizeof(sin)),
               EADDRINUSE);
    EXPECT_OK("listen", listen(a, 4));
    EXPECT_ERR("bind over a listener", bind(b, (struct sockaddr *)&sin, sizeof(sin)), EADDRINUSE);
    int u1 = bound(SOCK_DGRAM, 0), u2 = sock(SOCK_DGRAM);
    sin = lo_addr(port_of(u1));
    EXPECT_ERR("UDP bind", bind(u2, (struct sockaddr *)&sin, sizeof(sin)), EADDRINUSE);
    EXPECT_ERR("bind twice", bind(a, (struct sockaddr *)&sin, sizeof(sin)), EINVAL);
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
    (void)sig;
    sigpipes++;
}

/* A pair whose b end reset the connection (SO_LINGER 0 close); a has seen
 * the reset arrive. */
static int reset_pair(void)
{
    int a, b;
    struct linger lg = {1, 0};
    tcp_pair(&a, &b);
    EXPECT_OK("SO_LINGER", setsockopt(b, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
    close(b);
    wait_for(a, POLLIN);
    return a;
}

static void case_sigpipe(void)
{
    int a, b;
    char c;
    signal(SIGPIPE, on_sigpipe);
    tcp_pair(&a, &b);
    EXPECT_OK("shutdown", shutdown(a, SHUT_WR));
    EXPECT_ERR("send MSG_NOSIGNAL", send(a, "x", 1, MSG_NOSIGNAL), EPIPE);
    T_EXPECT(sigpipes == 0, "SIGPIPE despite MSG_NOSIGNAL");
    EXPECT_ERR("write", write(a, "x", 1), EPIPE);
    T_EXPECT(sigpipes == 1, "%d SIGPIPEs after write, expected 1", (int)sigpipes);
    a = reset_pair();
    EXPECT_ERR("read after reset", read(a, &c, 1), ECONNRESET);
    EXPECT_ERR("write after reset", write(a, "x", 1), EPIPE);
    T_EXPECT(sigpipes == 2, "%d SIGPIPEs after the reset, expected 2", (int)sigpipes);
    signal(SIGPIPE, SIG_DFL);
    a = reset_pair();
    pid_t pid = fork_or_die();
    if (pid == 0) {
        (void)!read(a, &c, 1);
        (void)!write(a, "x", 1);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    T_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "writer %s", p_status_str(st));
}

static void case_reset_order(void)
{
    int a = reset_pair();
    char c;
    struct pollfd p = {.fd = a, .events = POLLIN | POLLOUT};
    EXPECT_RET("poll", poll(&p, 1, 0), 1);
    T_EXPECT((p.revents & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP), "revents %#x", p.revents);
    EXPECT_ERR("first read", read(a, &c, 1), ECONNRESET);
    EXPECT_RET("second read", read(a, &c, 1), 0);
    EXPECT_ERR("then send", send(a, "x", 1, MSG_NOSIGNAL), EPIPE);
    T_EXPECT(getopt_int(a, SOL_SOCKET, SO_ERROR) == 0, "SO_ERROR left set");
    a = reset_pair();
    EXPECT_ERR("send first", send(a, "x", 1, MSG_NOSIGNAL), ECONNRESET);
    EXPECT_RET("then read", read(a, &c, 1), 0);
    EXPECT_ERR("then send", send(a, "x", 1, MSG_NOSIGNAL), EPIPE);
}

/* One of the pre-forked acceptors: accept one client, tell it our pid. */
static void prefork_accept(int l)
{
    int c = accept(l, NULL, NULL);
    T_EXPECT(c >= 0, "accept in child: %s", t_errname(errno));
    pid_t me = getpid();
    write_all(c, &me, sizeof(me));
    _exit(0);
}

static void case_prefork_accept(void)
{
    int port, l = listener(&port);
    pid_t kids[PREFORK], got[PREFORK];
    for (int i = 0; i < PREFORK; i++) {
        kids[i] = fork_or_die();
        if (kids[i] == 0)
            prefork_accept(l);
    }
    for (int tries = 0; tries < 100; tries++) {
        int asleep = 0;
        for (int i = 0; i < PREFORK; i++)
            asleep += t_proc_state(kids[i]) == 'S';
        if (asleep == PREFORK)
            break;
        usleep(10000);
    }
    for (int i = 0; i < PREFORK; i++) {
        int c = connect_to(SOCK_STREAM, port);
        read_exact(c, &got[i], sizeof(got[i]));
        for (int j = 0; j < i; j++)
            T_EXPECT(got[j] != got[i], "pid %d accepted twice", (int)got[i]);
        close(c);
    }
    for (int i = 0; i < PREFORK; i++)
        reap_ok(kids[i], "acceptor");
}

/* The re-executed side of exec-inherit: argv[2] is a connected socket. */
static int exec_child(const char *fd_text)
{
    int fd = atoi(fd_text);
    int type = 0;
    socklen_t len = sizeof(type);
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM)
        return 1;
    return write(fd, "exec-ok", 7) == 7 ? 0 : 1;
}

static void case_exec_inherit(void)
{
    int a, b;
    char fd_text[16], buf[8] = {0};
    tcp_pair(&a, &b);
    snprintf(fd_text, sizeof(fd_text), "%d", b);
    pid_t pid = fork_or_die();
    if (pid == 0) {
        execl("/proc/self/exe", "net", "--exec-child", fd_text, (char *)NULL);
        t_die("exec /proc/self/exe: %s", t_errname(errno));
    }
    close(b);
    read_exact(a, buf, 7);
    T_EXPECT(strcmp(buf, "exec-ok") == 0, "read '%s'", buf);
    reap_ok(pid, "exec'd child");
}

/* ---- UDP ---- */

/* Two UDP sockets on 127.0.0.1: *a and *b, b's address in *to. */
static void udp_pair(int *a, int *b, struct sockaddr_in *to)
{
    *a = bound(SOCK_DGRAM, 0);
    *b = bound(SOCK_DGRAM, 0);
    *to = lo_addr(port_of(*b));
}

static void send_to(int fd, const void *buf, size_t n, const struct sockaddr_in *to)
{
    EXPECT_RET("sendto", sendto(fd, buf, n, 0, (const struct sockaddr *)to, sizeof(*to)), (long)n);
}

static void case_udp_boundaries(void)
{
    static char buf[4096], big[1000];
    int a, b;
    struct sockaddr_in to, from;
    socklen_t len = sizeof(from);
    udp_pair(&a, &b, &to);
    memset(big, 'z', sizeof(big));
    send_to(a, "1", 1, &to);
    send_to(a, "twenty-two bytes here!", 22, &to);
    send_to(a, big, sizeof(big), &to);
    usleep(20000);
    EXPECT_RET("first", recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len), 1);
    T_EXPECT(buf[0] == '1' && from.sin_port == htons((uint16_t)port_of(a)) && len == sizeof(from),
             "first datagram '%c' from port %d", buf[0], ntohs(from.sin_port));
    EXPECT_RET("second", recv(b, buf, sizeof(buf), 0), 22);
    T_EXPECT(memcmp(buf, "twenty-two bytes here!", 22) == 0, "second datagram wrong");
    EXPECT_RET("third", recv(b, buf, sizeof(buf), 0), 1000);
    T_EXPECT(memcmp(buf, big, sizeof(big)) == 0, "third datagram wrong");
    EXPECT_ERR("then none", recv(b, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
}

static void case_udp_zero_length(void)
{
    int a, b, n = -1;
    char buf[8];
    struct sockaddr_in to, from;
    socklen_t len = sizeof(from);
    udp_pair(&a, &b, &to);
    send_to(a, "", 0, &to);
    send_to(a, "x", 1, &to);
    wait_for(b, POLLIN);
    EXPECT_OK("FIONREAD", ioctl(b, FIONREAD, &n));
    T_EXPECT(n == 0, "FIONREAD %d for a zero-length datagram", n);
    EXPECT_RET("empty", recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len), 0);
    T_EXPECT(from.sin_port == htons((uint16_t)port_of(a)), "from port %d", ntohs(from.sin_port));
    EXPECT_RET("then the next", recv(b, buf, sizeof(buf), 0), 1);
}

static void case_udp_connected(void)
{
    int a, b, c = bound(SOCK_DGRAM, 0);
    char buf[8];
    struct sockaddr_in to, peer;
    udp_pair(&a, &b, &to);
    peer = lo_addr(port_of(a));
    EXPECT_OK("connect", connect(b, (struct sockaddr *)&peer, sizeof(peer)));
    send_to(c, "C", 1, &to); /* from a stranger: dropped */
    send_to(a, "A", 1, &to);
    EXPECT_RET("recv", recv(b, buf, sizeof(buf), 0), 1);
    T_EXPECT(buf[0] == 'A', "received '%c' from the wrong sender", buf[0]);
    EXPECT_ERR("nothing else", recv(b, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    EXPECT_RET("send on connected", send(b, "B", 1, 0), 1);
    EXPECT_RET("peer gets it", recv(a, buf, sizeof(buf), 0), 1);
    int u = sock(SOCK_DGRAM);
    EXPECT_ERR("send unconnected", send(u, "x", 1, 0), EDESTADDRREQ);
}

static void case_udp_trunc(void)
{
    int a, b, n = -1;
    char buf[10], big[100] = {0};
    struct sockaddr_in to;
    udp_pair(&a, &b, &to);
    send_to(a, big, 10, &to);
    send_to(a, big, 100, &to);
    send_to(a, big, 100, &to);
    wait_for(b, POLLIN);
    EXPECT_OK("FIONREAD", ioctl(b, FIONREAD, &n));
    T_EXPECT(n == 10, "FIONREAD %d, expected the first datagram's 10", n);
    EXPECT_RET("exact", recv(b, buf, sizeof(buf), 0), 10);
    EXPECT_RET("MSG_TRUNC", recv(b, buf, sizeof(buf), MSG_TRUNC), 100);
    struct iovec iov = {buf, sizeof(buf)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    EXPECT_RET("recvmsg", recvmsg(b, &mh, 0), 10);
    T_EXPECT(mh.msg_flags & MSG_TRUNC, "recvmsg flags %#x without MSG_TRUNC", mh.msg_flags);
}

/* ---- errors ---- */

static void case_bad_pointers(void)
{
    int a, b, one = 1;
    socklen_t len = sizeof(struct sockaddr_in);
    struct sockaddr_in sin = lo_addr(0);
    int fd = sock(SOCK_STREAM);
    EXPECT_ERR("bind", bind(fd, BAD, sizeof(sin)), EFAULT);
    EXPECT_ERR("connect", connect(fd, BAD, sizeof(sin)), EFAULT);
    EXPECT_ERR("bind short", bind(fd, (struct sockaddr *)&sin, 4), EINVAL);
    EXPECT_ERR("getsockname addr", getsockname(fd, BAD, &len), EFAULT);
    EXPECT_ERR("getsockname len", getsockname(fd, (struct sockaddr *)&sin, BAD), EFAULT);
    EXPECT_ERR("setsockopt", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, BAD, sizeof(one)), EFAULT);
    EXPECT_ERR("setsockopt short", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, 1), EINVAL);
    EXPECT_ERR("getsockopt len", getsockopt(fd, SOL_SOCKET, SO_TYPE, &one, BAD), EFAULT);
    tcp_pair(&a, &b);
    EXPECT_ERR("send", send(a, BAD, 10, MSG_NOSIGNAL), EFAULT);
    write_all(a, "x", 1);
    wait_for(b, POLLIN);
    EXPECT_ERR("recv", recv(b, BAD, 10, 0), EFAULT);
    int u = bound(SOCK_DGRAM, 0);
    EXPECT_ERR("sendto addr", sendto(u, "x", 1, 0, BAD, sizeof(sin)), EFAULT);
    EXPECT_ERR("ioctl FIONREAD", ioctl(b, FIONREAD, BAD), EFAULT);
}

static void case_bad_socket(void)
{
    EXPECT_ERR("family 12345", socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
    EXPECT_ERR("type 1234", socket(AF_INET, 1234, 0), EINVAL);
    EXPECT_ERR("unknown type flag", socket(AF_INET, SOCK_STREAM | 0x4000, 0), EINVAL);
    EXPECT_ERR("TCP over UDP", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
    EXPECT_ERR("UDP over TCP", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
    EXPECT_ERR("seqpacket", socket(AF_INET, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT);
    int fd = sock(SOCK_STREAM);
    struct sockaddr_in sin = lo_addr(0);
    sin.sin_family = AF_INET6;
    EXPECT_ERR("bind AF_INET6 address", bind(fd, (struct sockaddr *)&sin, sizeof(sin)),
               EAFNOSUPPORT);
    EXPECT_ERR("listen on UDP", listen(sock(SOCK_DGRAM), 1), EOPNOTSUPP);
    EXPECT_ERR("accept on unlistened", accept(fd, NULL, NULL), EINVAL);
    EXPECT_ERR("not a socket", bind(0, (struct sockaddr *)&sin, sizeof(sin)), ENOTSOCK);
}

/* ---- the loopback interface ---- */

static struct ifreq ifreq_lo(void)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    return ifr;
}

/* SIOCGIFCONF lists "lo" as 127.0.0.1. */
static void ifconf_has_lo(int fd)
{
    struct ifreq reqs[16];
    struct ifconf ifc = {.ifc_len = sizeof(reqs), .ifc_req = reqs};
    EXPECT_OK("SIOCGIFCONF", ioctl(fd, SIOCGIFCONF, &ifc));
    for (size_t i = 0; i < ifc.ifc_len / sizeof(reqs[0]); i++) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&reqs[i].ifr_addr;
        if (strcmp(reqs[i].ifr_name, "lo") == 0)
            T_EXPECT(sin->sin_family == AF_INET && sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK),
                     "lo has %x", ntohl(sin->sin_addr.s_addr));
        if (strcmp(reqs[i].ifr_name, "lo") == 0)
            return;
    }
    t_die("SIOCGIFCONF: no \"lo\" in %d entries", (int)(ifc.ifc_len / sizeof(reqs[0])));
}

static void case_loopback_if(void)
{
    int fd = sock(SOCK_DGRAM);
    unsigned idx = if_nametoindex("lo");
    char name[IF_NAMESIZE] = "";
    T_EXPECT(idx > 0, "if_nametoindex(\"lo\"): %s", t_errname(errno));
    T_EXPECT(if_indextoname(idx, name) && strcmp(name, "lo") == 0, "index %u is '%s'", idx, name);
    T_EXPECT(if_nametoindex("lo0") == 0, "an interface named lo0");
    ifconf_has_lo(fd);
    struct ifreq ifr = ifreq_lo();
    EXPECT_OK("SIOCGIFADDR", ioctl(fd, SIOCGIFADDR, &ifr));
    struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
    T_EXPECT(sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK), "lo's address %x",
             ntohl(sin->sin_addr.s_addr));
    ifr = ifreq_lo();
    EXPECT_OK("SIOCGIFNETMASK", ioctl(fd, SIOCGIFNETMASK, &ifr));
    T_EXPECT(sin->sin_addr.s_addr == htonl(0xff000000), "lo's mask %x",
             ntohl(sin->sin_addr.s_addr));
    ifr = ifreq_lo();
    EXPECT_OK("SIOCGIFFLAGS", ioctl(fd, SIOCGIFFLAGS, &ifr));
    T_EXPECT((ifr.ifr_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING)) ==
                 (IFF_UP | IFF_LOOPBACK | IFF_RUNNING),
             "lo's flags %#x", ifr.ifr_flags);
    ifr = ifreq_lo();
    strcpy(ifr.ifr_name, "nosuch0");
    EXPECT_ERR("unknown interface", ioctl(fd, SIOCGIFADDR, &ifr), ENODEV);
}

/* A listener on 127.0.0.1:port with SO_REUSEPORT (port 0: the kernel's
 * choice, in *port), nonblocking so that its queue can be counted. */
static int reuseport_listener(int *port)
{
    int one = 1, fd = sock(SOCK_STREAM | SOCK_NONBLOCK);
    struct sockaddr_in sin = lo_addr(*port);
    EXPECT_OK("SO_REUSEPORT", setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)));
    EXPECT_OK("bind", bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
    EXPECT_OK("listen", listen(fd, 64));
    *port = port_of(fd);
    return fd;
}

static int accept_all(int l)
{
    int n = 0;
    for (int fd; (fd = accept(l, NULL, NULL)) >= 0; n++)
        close(fd);
    T_EXPECT(errno == EAGAIN, "accept: %s", t_errname(errno));
    return n;
}

/* Connections to a port two SO_REUSEPORT listeners share reach both; once
 * one closes, the other gets them all; a socket without the option cannot
 * join. */
static void case_reuseport(void)
{
    int port = 0, a = reuseport_listener(&port), b = reuseport_listener(&port);
    int c[32], plain = sock(SOCK_STREAM);
    struct sockaddr_in sin = lo_addr(port);
    EXPECT_ERR("bind without SO_REUSEPORT", bind(plain, (struct sockaddr *)&sin, sizeof(sin)),
               EADDRINUSE);
    for (int i = 0; i < 32; i++)
        c[i] = connect_to(SOCK_STREAM, port);
    usleep(100000);
    int na = accept_all(a), nb = accept_all(b);
    T_EXPECT(na > 0 && nb > 0 && na + nb == 32, "accepted %d and %d of 32", na, nb);
    close(a);
    for (int i = 0; i < 4; i++)
        close(connect_to(SOCK_STREAM, port));
    usleep(100000);
    nb = accept_all(b);
    T_EXPECT(nb == 4, "after the first closed, the second accepted %d of 4", nb);
    for (int i = 0; i < 32; i++)
        close(c[i]);
}

/* A raw ICMP socket (root): an echo request to 127.0.0.1 comes back as an
 * echo reply, IP header first, as ping reads it. */
static void case_raw_icmp(void)
{
    unsigned char req[16] = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'u', 'n', 'i', 'p', 'l', 'e', 'x', 0};
    unsigned sum = 0;
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    T_EXPECT(fd >= 0, "socket(SOCK_RAW, IPPROTO_ICMP): %s", t_errname(errno));
    for (int i = 0; i < 16; i += 2)
        sum += (unsigned)(req[i] << 8 | req[i + 1]);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = ~(sum + (sum >> 16)) & 0xffff;
    req[2] = (unsigned char)(sum >> 8);
    req[3] = (unsigned char)sum;
    struct sockaddr_in to = lo_addr(0);
    T_EXPECT(sendto(fd, req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)) == 16,
             "sendto: %s", t_errname(errno));
    for (int tries = 0; tries < 4; tries++) {
        unsigned char buf[128];
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        T_EXPECT(n >= 20 + 16, "recv: %zd/%s", n, t_errname(errno));
        int hl = (buf[0] & 15) * 4;
        T_EXPECT((buf[0] >> 4) == 4 && buf[9] == IPPROTO_ICMP, "not an IPv4 ICMP packet");
        if (buf[hl] == 0) { /* the reply (Linux hands the request over too) */
            T_EXPECT(!memcmp(buf + hl + 4, req + 4, 12), "the reply's id, sequence and data");
            close(fd);
            return;
        }
    }
    T_EXPECT(0, "no echo reply in 4 packets");
}

/* Connections beyond the backlog wait unanswered (the listener queues
 * backlog + 1), and accept with no descriptor left is EMFILE with the
 * connection still queued: nothing breaks. */
static void case_backlog_flood(void)
{
    int port, l = listener(&port), c[20];
    EXPECT_OK("listen 1", listen(l, 1));
    EXPECT_OK("O_NONBLOCK", fcntl(l, F_SETFL, O_NONBLOCK));
    for (int i = 0; i < 20; i++) {
        struct sockaddr_in sin = lo_addr(port);
        c[i] = sock(SOCK_STREAM | SOCK_NONBLOCK);
        int r = connect(c[i], (struct sockaddr *)&sin, sizeof(sin));
        T_EXPECT(r == 0 || errno == EINPROGRESS, "connect %d: %s", i, t_errname(errno));
    }
    usleep(200000);
    struct rlimit old, lim;
    EXPECT_OK("getrlimit", getrlimit(RLIMIT_NOFILE, &old));
    lim = old;
    lim.rlim_cur = (rlim_t)c[19] + 1; /* every descriptor up to the last in use */
    EXPECT_OK("setrlimit", setrlimit(RLIMIT_NOFILE, &lim));
    EXPECT_ERR("accept without a descriptor", accept(l, NULL, NULL), EMFILE);
    EXPECT_OK("setrlimit back", setrlimit(RLIMIT_NOFILE, &old));
    int n = 0;
    for (int fd; (fd = accept(l, NULL, NULL)) >= 0; n++)
        close(fd);
    T_EXPECT(errno == EAGAIN && n >= 1 && n <= 2, "accepted %d (backlog 1): %s", n,
             t_errname(errno));
    for (int i = 0; i < 20; i++)
        close(c[i]);
    close(l);
}

/* sendfile from a file to a TCP socket (what web servers do), splice from
 * a pipe into it and from it into a pipe: the bytes arrive whole. */
static void case_sendfile_splice(void)
{
    size_t total = 1 << 20;
    char path[] = "/tmp/net-sendfile-XXXXXX", *data = malloc(total), *got = malloc(total);
    int a, b, p[2], fd = mkstemp(path);
    T_EXPECT(fd >= 0 && data && got, "mkstemp: %s", t_errname(errno));
    unlink(path);
    for (size_t i = 0; i < total; i++)
        data[i] = (char)(i * 7 + (i >> 10));
    write_all(fd, data, total);
    tcp_pair(&a, &b);
    pid_t pid = fork_or_die();
    if (pid == 0) {
        off_t off = 0;
        for (size_t sent = 0; sent < total;) {
            ssize_t n = sendfile(a, fd, &off, total - sent);
            T_EXPECT(n > 0, "sendfile: %zd/%s", n, t_errname(errno));
            sent += (size_t)n;
        }
        _exit(0);
    }
    read_exact(b, got, total);
    T_EXPECT(!memcmp(got, data, total), "sendfile's bytes differ");
    reap_ok(pid, "sender");
    EXPECT_OK("pipe", pipe(p));
    write_all(p[1], "spliced", 7);
    T_EXPECT(splice(p[0], NULL, a, NULL, 7, 0) == 7, "splice pipe to socket: %s", t_errname(errno));
    T_EXPECT(splice(b, NULL, p[1], NULL, 64, 0) == 7, "splice socket to pipe: %s",
             t_errname(errno));
    memset(got, 0, 8);
    read_exact(p[0], got, 7);
    T_EXPECT(!memcmp(got, "spliced", 7), "splice's bytes: %.7s", got);
}

/* /proc/net/tcp lists a listening socket (state 0A) with its port and the
 * inode fstat gives it, as netstat reads it. */
static void case_proc_net_tcp(void)
{
    int port, l = listener(&port), found = 0;
    struct stat st;
    char line[256];
    EXPECT_OK("fstat", fstat(l, &st));
    FILE *f = fopen("/proc/net/tcp", "r");
    T_EXPECT(f != NULL, "/proc/net/tcp: %s", t_errname(errno));
    while (fgets(line, sizeof(line), f)) {
        unsigned la, lp, ra, rp, state;
        unsigned long long ino;
        if (sscanf(line, " %*d: %x:%x %x:%x %x %*x:%*x %*x:%*x %*x %*u %*u %llu", &la, &lp, &ra,
                   &rp, &state, &ino) == 6 &&
            lp == (unsigned)port && state == 0x0A && la == htonl(INADDR_LOOPBACK))
            found = ino == (unsigned long long)st.st_ino ? 1 : -1;
    }
    fclose(f);
    T_EXPECT(found == 1, "port %d %s in /proc/net/tcp", port,
             found ? "listed with another inode" : "not listed as listening");
}

/* Linux's small rules: a connect to 0.0.0.0 reaches the loopback, a
 * datagram to 255.255.255.255 wants SO_BROADCAST (EACCES), and a port
 * below 1024 wants privilege (EACCES after setuid). */
static void case_addr_rules(void)
{
    int port, l = listener(&port), c = sock(SOCK_STREAM), u = sock(SOCK_DGRAM);
    struct sockaddr_in any = lo_addr(port), bcast = lo_addr(9), low = lo_addr(80);
    any.sin_addr.s_addr = htonl(INADDR_ANY);
    EXPECT_OK("connect to 0.0.0.0", connect(c, (struct sockaddr *)&any, sizeof(any)));
    bcast.sin_addr.s_addr = htonl(INADDR_BROADCAST);
    EXPECT_ERR("sendto 255.255.255.255",
               sendto(u, "x", 1, 0, (struct sockaddr *)&bcast, sizeof(bcast)), EACCES);
    pid_t pid = fork_or_die();
    if (pid == 0) {
        EXPECT_OK("setuid", setuid(65534));
        int s = sock(SOCK_STREAM);
        EXPECT_ERR("bind port 80 unprivileged", bind(s, (struct sockaddr *)&low, sizeof(low)),
                   EACCES);
        _exit(0);
    }
    reap_ok(pid, "unprivileged child");
    int a = accept(l, NULL, NULL);
    T_EXPECT(a >= 0, "accept of the connection to 0.0.0.0: %s", t_errname(errno));
}

static const struct t_case cases[] = {
    {"tcp-echo-64MiB", case_tcp_echo},
    {"tcp-many-connections", case_many_connections},
    {"tcp-half-close", case_half_close},
    {"tcp-msg-peek", case_peek},
    {"tcp-both-windows-shut", case_both_windows_shut},
    {"tcp-msg-waitall", case_waitall},
    {"tcp-fionread", case_fionread},
    {"so-rcvtimeo", case_rcvtimeo},
    {"names", case_names},
    {"sockopts", case_sockopts},
    {"nonblock-connect-epoll", case_nonblock_connect},
    {"econnrefused", case_refused},
    {"so-reuseaddr-time-wait", case_reuseaddr},
    {"eaddrinuse-from-bind", case_addrinuse},
    {"sigpipe-epipe", case_sigpipe},
    {"reset-error-order", case_reset_order},
    {"prefork-accept", case_prefork_accept},
    {"exec-inherit", case_exec_inherit},
    {"udp-boundaries", case_udp_boundaries},
    {"udp-zero-length", case_udp_zero_length},
    {"udp-connected-filter", case_udp_connected},
    {"udp-msg-trunc", case_udp_trunc},
    {"bad-pointers", case_bad_pointers},
    {"bad-socket-args", case_bad_socket},
    {"loopback-lo", case_loopback_if},
    {"so-reuseport", case_reuseport},
    {"raw-icmp-echo", case_raw_icmp},
    {"backlog-flood", case_backlog_flood},
    {"sendfile-splice", case_sendfile_splice},
    {"proc-net-tcp", case_proc_net_tcp},
    {"addr-rules", case_addr_rules},
};

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--exec-child") == 0)
        return exec_child(argv[2]);
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char why[300];
        int st = 0;
        if (!t_case_named(argc, argv, cases[i].name))
            continue;
        if (t_case_run(cases[i].name, cases[i].fn, ALARM_S, T_CASE_GROUP, why, sizeof(why), &st) &&
            t_case_passed(cases[i].name, why, st))
            t_ok(cases[i].name);
    }
    while (p_wait(-1, NULL, 0) > 0) /* orphans: init's to reap inside Uniplex */
        ;
    return t_done("net");
}
