/* httpd: a small pre-forking HTTP/1.1 static file server, the nginx
 * architecture written small (issue 17).
 *
 *   httpd [-p PORT] [-w WORKERS] [-d DIR] [-a ADDR]
 *
 * The master binds and listens, then forks WORKERS workers that share the
 * listening socket. Each worker runs one epoll loop over the (nonblocking)
 * listening socket and its clients: GET and HEAD of files under DIR, with
 * keep-alive and pipelined requests, sendfile (read/write where the kernel
 * has no sendfile for the pair), partial writes resumed on EPOLLOUT, and an
 * idle timeout. The master restarts a worker that dies and stops them all
 * on SIGTERM or SIGINT. Defaults: port 80, 2 workers, the current
 * directory, all addresses. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 64
#define MAX_FDS     4096        /* clients a worker holds at once (by fd number) */
#define REQ_MAX     8192        /* a request's line and headers */
#define OUT_MAX     1024        /* a response's status line and headers */
#define CHUNK       (64 * 1024) /* read/write fallback and sendfile step */
#define IDLE_MS     15000       /* a client silent this long is closed */
#define ACCEPTS     32          /* accepts per wake-up: leave some to other workers */

struct conn {
    int fd, file;    /* file: the one being sent, or -1 */
    int keep;        /* keep the connection after this response */
    int sending;     /* a response is under way (waiting for EPOLLOUT) */
    unsigned events; /* what the epoll set waits for on fd */
    size_t in_len;   /* bytes in in[] */
    size_t req_len;  /* of those, the request being answered */
    size_t out_len, out_off;
    off_t off, end;    /* the file's range still to send */
    long long seen_ms; /* last activity, for the idle timeout */
    char out[OUT_MAX];
    char in[REQ_MAX];
};

static struct {
    int listen_fd, epoll_fd, root_fd;
    int no_sendfile; /* sendfile said EINVAL/ENOSYS once: read/write from now on */
    struct conn *conns[MAX_FDS];
} w;

static volatile sig_atomic_t stopping;

/* ---- helpers ---- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static const char *mime_type(const char *path)
{
    static const char *const types[][2] = {
        {"html", "text/html"},      {"htm", "text/html"},         {"txt", "text/plain"},
        {"css", "text/css"},        {"js", "text/javascript"},    {"json", "application/json"},
        {"png", "image/png"},       {"jpg", "image/jpeg"},        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},       {"svg", "image/svg+xml"},     {"ico", "image/x-icon"},
        {"pdf", "application/pdf"}, {"wasm", "application/wasm"},
    };
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
            if (strcasecmp(dot + 1, types[i][0]) == 0)
                return types[i][1];
    return "application/octet-stream";
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode %XX escapes of the target's path (up to '?') into out, relative
 * to DIR (no leading '/'). 0, or an HTTP status: 400 for a bad escape or
 * NUL, 403 for a ".." segment, 414 when too long. */
static int path_decode(const char *target, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = target + 1; *p && *p != '?' && *p != '#'; p++) {
        int c = (unsigned char)*p;
        if (c == '%') {
            int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
            if (lo < 0 || (hi | lo) == 0)
                return 400;
            c = hi * 16 + lo;
            p += 2;
        }
        if (o + 1 >= size)
            return 414;
        out[o++] = (char)c;
    }
    out[o] = 0;
    for (char *s = out; s; s = strchr(s, '/') ? strchr(s, '/') + 1 : NULL)
        if (s[0] == '.' && s[1] == '.' && (s[2] == '/' || s[2] == 0))
            return 403;
    return 0;
}

/* ---- responses ---- */

static const char *status_text(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Internal Server Error";
    }
}

/* Put the status line and headers in c->out. */
static void head_build(struct conn *c, int status, long long length, const char *type)
{
    char date[64];
    time_t t = time(NULL);
    struct tm tm;
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&t, &tm));
    int n = snprintf(c->out, sizeof(c->out),
                     "HTTP/1.1 %d %s\r\nServer: uniplex-httpd\r\nDate: %s\r\n"
                     "Content-Type: %s\r\nContent-Length: %lld\r\n%sConnection: %s\r\n\r\n",
                     status, status_text(status), date, type, length,
                     status == 405 ? "Allow: GET, HEAD\r\n" : "", c->keep ? "keep-alive" : "close");
    c->out_len = (size_t)n < sizeof(c->out) ? (size_t)n : sizeof(c->out) - 1;
    c->out_off = 0;
}

/* An error response with a one-line body (none for HEAD). */
static void respond_error(struct conn *c, int status, int head_only)
{
    char body[64];
    int n = snprintf(body, sizeof(body), "%d %s\n", status, status_text(status));
    if (status == 400 || status == 414 || status == 431 || status == 505)
        c->keep = 0; /* the request's framing cannot be trusted */
    head_build(c, status, n, "text/plain");
    if (!head_only && c->out_len + (size_t)n < sizeof(c->out)) {
        memcpy(c->out + c->out_len, body, (size_t)n);
        c->out_len += (size_t)n;
    }
}

/* Open path under DIR, a directory's index.html (appended to path, which
 * has room for it): a regular file's fd and its size, or -1 with the HTTP
 * status in *status. */
static int file_open(char *path, size_t size, off_t *length, int *status)
{
    struct stat st;
    int fd = openat(w.root_fd, path[0] ? path : ".", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        size_t len = strlen(path);
        snprintf(path + len, size - len, "%sindex.html", len && path[len - 1] != '/' ? "/" : "");
        fd = openat(w.root_fd, path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0 && fstat(fd, &st) != 0) {
            close(fd);
            fd = -1;
        }
    }
    if (fd >= 0 && !S_ISREG(st.st_mode)) {
        close(fd);
        *status = 403;
        return -1;
    }
    if (fd < 0)
        *status = errno == EACCES ? 403 : 404;
    else
        *length = st.st_size;
    return fd;
}

/* Answer GET/HEAD of target: the file's headers, and the file to send. */
static void respond_file(struct conn *c, const char *target, int head_only)
{
    char path[1024 + sizeof("/index.html")];
    int status = path_decode(target, path, 1024);
    off_t size = 0;
    int fd = status ? -1 : file_open(path, sizeof(path), &size, &status);
    if (fd < 0) {
        respond_error(c, status, head_only);
        return;
    }
    head_build(c, 200, size, mime_type(path));
    if (head_only) {
        close(fd);
        return;
    }
    c->file = fd;
    c->off = 0;
    c->end = size;
}

/* ---- requests ---- */

/* Whether the header block (after the request line) has header name with
 * a value containing token, case-insensitively. */
static int header_has(const char *headers, const char *name, const char *token)
{
    size_t len = strlen(name);
    for (const char *l = headers, *eol; *l; l = eol + 2) {
        eol = strstr(l, "\r\n");
        if (!eol)
            return 0;
        if (strncasecmp(l, name, len) != 0 || l[len] != ':')
            continue;
        const char *v = strcasestr(l + len + 1, token);
        if (token[0] == 0 || (v && v < eol))
            return 1;
    }
    return 0;
}

/* Answer the request whose head is c->in[0..head_len) (NUL-terminated at
 * its blank line): fills c->out and maybe c->file. */
static void request_answer(struct conn *c, char *head)
{
    char *eol = strstr(head, "\r\n");
    char *headers = eol ? eol + 2 : head + strlen(head);
    if (eol)
        *eol = 0;
    char *method = head, *target = strchr(head, ' ');
    char *version = target ? strchr(target + 1, ' ') : NULL;
    c->keep = 0;
    if (!version || strchr(version + 1, ' ') || method == target || target[1] != '/') {
        respond_error(c, 400, 0);
        return;
    }
    *target++ = 0;
    *version++ = 0;
    if (strncmp(version, "HTTP/1.", 7) != 0 || (version[7] != '0' && version[7] != '1') ||
        version[8]) {
        respond_error(c, strncmp(version, "HTTP/", 5) == 0 ? 505 : 400, 0);
        return;
    }
    if (version[7] == '1')
        c->keep = !header_has(headers, "Connection", "close");
    else
        c->keep = header_has(headers, "Connection", "keep-alive");
    if (header_has(headers, "Content-Length", "") || header_has(headers, "Transfer-Encoding", ""))
        c->keep = 0; /* a body we do not read: close after the answer */
    int head_only = strcmp(method, "HEAD") == 0;
    if (!head_only && strcmp(method, "GET") != 0)
        respond_error(c, 405, 0);
    else
        respond_file(c, target, head_only);
}

/* Find a complete request in c->in and answer it: 1 when a response is
 * ready, 0 when more bytes are needed. */
static int request_take(struct conn *c)
{
    char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
    if (!end) {
        if (c->in_len < sizeof(c->in) - 1)
            return 0;
        c->req_len = c->in_len;
        respond_error(c, memmem(c->in, c->in_len, "\r\n", 2) ? 431 : 414, 0);
        return 1;
    }
    c->req_len = (size_t)(end - c->in) + 4;
    end[2] = 0; /* keep the last header's CRLF for header_has */
    request_answer(c, c->in);
    return 1;
}

/* ---- connections ---- */

static void conn_close(struct conn *c)
{
    if (c->file >= 0)
        close(c->file);
    close(c->fd); /* also leaves the epoll set */
    w.conns[c->fd] = NULL;
    free(c);
}

/* Wait for events on c (EPOLLIN or EPOLLOUT): a system call only when
 * that changes. */
static void conn_events(struct conn *c, unsigned events)
{
    struct epoll_event ev = {.events = events, .data.fd = c->fd};
    if (c->events != events && epoll_ctl(w.epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
        c->events = events;
}

/* Send part of the file: sendfile, or pread+send once sendfile has said
 * it cannot. Bytes sent, or -1 with errno. */
static ssize_t file_send(struct conn *c)
{
    size_t want = c->end - c->off < CHUNK * 16 ? (size_t)(c->end - c->off) : CHUNK * 16;
    if (!w.no_sendfile) {
        ssize_t n = sendfile(c->fd, c->file, &c->off, want);
        if (n >= 0 || (errno != EINVAL && errno != ENOSYS))
            return n;
        w.no_sendfile = 1;
    }
    static char buf[CHUNK];
    ssize_t got = pread(c->file, buf, want < CHUNK ? want : CHUNK, c->off);
    if (got <= 0)
        return got;
    ssize_t n = send(c->fd, buf, (size_t)got, MSG_NOSIGNAL);
    if (n > 0)
        c->off += n;
    return n;
}

/* Write what is pending: 1 when the response is all out, 0 when the
 * socket is full, -1 on an error (the client is gone). */
static int conn_flush(struct conn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EAGAIN ? 0 : -1;
        c->out_off += (size_t)n;
    }
    while (c->file >= 0 && c->off < c->end) {
        ssize_t n = file_send(c);
        if (n < 0 && errno == EAGAIN)
            return 0;
        if (n == 0 || (n < 0 && errno != EINTR))
            return -1; /* an error, or the file shrank under us */
    }
    return 1;
}

/* Answer the requests buffered in c, while the socket takes the answers.
 * Closes c when done with it. */
static void conn_serve(struct conn *c)
{
    for (;;) {
        if (!c->sending && !request_take(c))
            return;
        c->sending = 1;
        int r = conn_flush(c);
        if (r == 0) {
            conn_events(c, EPOLLOUT);
            return;
        }
        if (r < 0 || !c->keep) {
            conn_close(c);
            return;
        }
        if (c->file >= 0)
            close(c->file);
        c->file = -1;
        c->sending = 0;
        c->in_len -= c->req_len;
        memmove(c->in, c->in + c->req_len, c->in_len);
        conn_events(c, EPOLLIN);
    }
}

static void conn_readable(struct conn *c)
{
    ssize_t n = read(c->fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        conn_close(c);
        return;
    }
    c->in_len += (size_t)n;
    conn_serve(c);
}

static void conn_event(struct conn *c, unsigned events)
{
    c->seen_ms = now_ms();
    if (c->sending && (events & EPOLLOUT))
        conn_serve(c);
    else if (!c->sending && (events & EPOLLIN))
        conn_readable(c);
    else if (events & (EPOLLERR | EPOLLHUP))
        conn_close(c);
}

/* ---- the worker ---- */

static void accept_some(void)
{
    for (int i = 0; i < ACCEPTS; i++) {
        int fd = accept4(w.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return; /* EAGAIN: another worker took it, or nothing left */
        /* Headers and file go out in separate calls: without TCP_NODELAY the
         * file's first segment waits for the client's delayed ACK (40 ms). */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        struct conn *c = fd < MAX_FDS ? malloc(sizeof(*c)) : NULL;
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        if (!c || epoll_ctl(w.epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            free(c);
            close(fd);
            continue;
        }
        *c = (struct conn){.fd = fd, .file = -1, .events = EPOLLIN, .seen_ms = now_ms()};
        w.conns[fd] = c;
    }
}

static void idle_sweep(void)
{
    long long now = now_ms();
    for (int fd = 0; fd < MAX_FDS; fd++)
        if (w.conns[fd] && now - w.conns[fd]->seen_ms > IDLE_MS)
            conn_close(w.conns[fd]);
}

static void worker_run(void)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = w.listen_fd}, evs[64];
    w.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (w.epoll_fd < 0 || epoll_ctl(w.epoll_fd, EPOLL_CTL_ADD, w.listen_fd, &ev) != 0) {
        perror("httpd: worker epoll");
        _exit(1);
    }
    long long last_sweep = now_ms();
    for (;;) {
        int n = epoll_wait(w.epoll_fd, evs, 64, 1000);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == w.listen_fd)
                accept_some();
            else if (w.conns[fd])
                conn_event(w.conns[fd], evs[i].events);
        }
        if (now_ms() - last_sweep >= 1000) {
            idle_sweep();
            last_sweep = now_ms();
        }
    }
}

/* ---- the master ---- */

static void on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

static void on_child(int sig)
{
    (void)sig; /* only to wake sigsuspend */
}

static pid_t worker_start(const sigset_t *old_mask)
{
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGCHLD, SIG_DFL);
        signal(SIGPIPE, SIG_IGN); /* sendfile to a reset client: EPIPE, not death */
        sigprocmask(SIG_SETMASK, old_mask, NULL);
        worker_run();
    }
    if (pid < 0)
        perror("httpd: fork");
    return pid;
}

/* Reap dead workers and start their replacements (not while stopping). */
static void workers_reap(pid_t *pids, int n, const sigset_t *old_mask)
{
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
        for (int i = 0; i < n; i++) {
            if (pids[i] != pid)
                continue;
            pids[i] = 0;
            if (stopping)
                break;
            fprintf(stderr, "httpd: worker %d (pid %d) %s %d; restarting it\n", i, (int)pid,
                    WIFSIGNALED(st) ? "killed by signal" : "exited with status",
                    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
            pids[i] = worker_start(old_mask);
        }
}

static int master_run(int workers)
{
    pid_t pids[MAX_WORKERS] = {0};
    sigset_t block, old_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &old_mask);
    struct sigaction sa = {.sa_handler = on_stop};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_child;
    sigaction(SIGCHLD, &sa, NULL);
    for (int i = 0; i < workers; i++)
        pids[i] = worker_start(&old_mask);
    while (!stopping) {
        sigsuspend(&old_mask); /* signals arrive only here: no lost wake-up */
        workers_reap(pids, workers, &old_mask);
    }
    for (int i = 0; i < workers; i++)
        if (pids[i] > 0)
            kill(pids[i], SIGTERM);
    while (wait(NULL) > 0)
        ;
    fprintf(stderr, "httpd: stopped\n");
    return 0;
}

static int listen_on(const char *addr, int port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
        fprintf(stderr, "httpd: bad address %s\n", addr);
        return -1;
    }
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, SOMAXCONN) != 0 ||
        fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
        perror("httpd: listen");
        return -1;
    }
    return fd;
}

static void usage(void)
{
    fprintf(stderr, "usage: httpd [-p PORT] [-w WORKERS] [-d DIR] [-a ADDR]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int port = 80, workers = 2, opt;
    const char *dir = ".", *addr = "0.0.0.0";
    while ((opt = getopt(argc, argv, "p:w:d:a:h")) != -1) {
        switch (opt) {
        case 'p':
            port = atoi(optarg);
            break;
        case 'w':
            workers = atoi(optarg);
            break;
        case 'd':
            dir = optarg;
            break;
        case 'a':
            addr = optarg;
            break;
        default:
            usage();
        }
    }
    if (optind != argc || port <= 0 || port > 65535 || workers < 1 || workers > MAX_WORKERS)
        usage();
    w.root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (w.root_fd < 0) {
        perror(dir);
        return 1;
    }
    w.listen_fd = listen_on(addr, port);
    if (w.listen_fd < 0)
        return 1;
    fprintf(stderr, "httpd: serving %s on %s:%d with %d workers\n", dir, addr, port, workers);
    return master_run(workers);
}
