/* AF_UNIX (unix(7)): stream, datagram and seqpacket sockets on one
 * machine. Each socket has a receive queue of messages (a stream's are
 * read as bytes across them; datagrams and seqpackets one at a time);
 * senders append to the receiver's queue and wait while it holds their
 * SO_SNDBUF's worth (and, for datagrams to a socket not connected back,
 * Linux's net.unix.max_dgram_qlen messages). A message carries its
 * sender's credentials and may carry open files (SCM_RIGHTS), referenced
 * while in flight. Names: a path (a S_IFSOCK node made by bind), an
 * abstract name (sun_path[0] == 0), or none; bound sockets are on one list.
 *
 * Connections: connect to a listening socket makes the server side at
 * once (a socket with no file yet) and queues it for accept; the
 * connector is connected from then on, as on Linux. Stream and seqpacket
 * peers point at each other until one is released; a datagram socket's
 * peer (connect) is a reference, since the peer does not know of it. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/net/socket.h"
#include "kernel/net/unix.h"
#include "kernel/panic.h"
#include "kernel/proc/proc.h"

static struct unix_sock *bound; /* every socket with a name */
static unsigned autobind_next = 1;

/* --- sockets --------------------------------------------------------------- */

void us_unref(struct unix_sock *us)
{
    KASSERT(us->refs > 0);
    if (--us->refs == 0)
        kfree(us);
}

void msg_free(struct unix_msg *m)
{
    for (int i = 0; i < m->nfds; i++)
        if (m->fds[i]) {
            unix_inflight(m->fds[i], -1);
            file_unref(m->fds[i]);
        }
    kfree(m->fds);
    kfree(m);
}

void us_kick(struct unix_sock *us, int events)
{
    waitq_wake_all(&us->rq);
    waitq_wake_all(&us->wq);
    waitq_wake_all(&us->accq);
    if (us->so)
        sock_notify(us->so, events);
}

static void us_unbind(struct unix_sock *us)
{
    struct unix_sock **pp = &bound;
    if (!us->addrlen)
        return;
    while (*pp && *pp != us)
        pp = &(*pp)->bound_next;
    if (*pp)
        *pp = us->bound_next;
    if (us->path_vn)
        vn_unref(us->path_vn);
    us->path_vn = 0;
}

/* A connection's peer let go: everything we send is -EPIPE, reads end. */
static void us_peer_gone(struct unix_sock *us, int reset)
{
    us->peer = 0;
    us->shut = UNIX_SHUT_RCV | UNIX_SHUT_SND;
    if (reset && us->so)
        us->so->error = ECONNRESET;
    us_kick(us, POLLIN | POLLOUT | POLLHUP | POLLRDHUP | POLLERR);
}

static void us_release(struct socket *so)
{
    struct unix_sock *us = us_of(so);
    us->dead = 1;
    us->so = 0;
    while (us->acc_head) { /* connections nobody accepted */
        struct unix_sock *e = us->acc_head;
        us->acc_head = e->acc_next;
        sock_destroy(e->sock);
    }
    if (us->peer && so->type != SOCK_DGRAM)
        us_peer_gone(us->peer, us->q_head != 0);
    else if (us->peer)
        us_unref(us->peer);
    us->peer = 0;
    while (us->q_head) {
        struct unix_msg *m = us->q_head;
        us->q_head = m->next;
        msg_free(m);
    }
    us_unbind(us);
    us_kick(us, POLLIN | POLLOUT | POLLHUP);
    unix_gc_del(us);
    us_unref(us);
    unix_gc();
}

static const struct sock_ops unix_ops;

static struct unix_sock *us_new(struct socket *so)
{
    struct unix_sock *us = kzalloc(sizeof(*us));
    if (!us)
        return 0;
    us->refs = 1;
    us->so = us->sock = so;
    waitq_init(&us->rq);
    waitq_init(&us->wq);
    waitq_init(&us->accq);
    us->q_tail = &us->q_head;
    us->acc_tail = &us->acc_head;
    so->priv = us;
    so->ops = &unix_ops;
    unix_gc_add(us);
    return us;
}

static int unix_create(struct socket *so, int type, int protocol)
{
    if (protocol && protocol != AF_UNIX)
        return -EPROTONOSUPPORT;
    if (type == SOCK_RAW) /* Linux: a raw AF_UNIX socket is a datagram one */
        so->type = type = SOCK_DGRAM;
    if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
        return -ESOCKTNOSUPPORT;
    return us_new(so) ? 0 : -ENOMEM;
}

void cred_now(struct ucred *c, int effective)
{
    struct proc *p = proc_current();
    c->pid = p->pid;
    c->uid = p->cred.uid[effective];
    c->gid = p->cred.gid[effective];
}

/* --- names ----------------------------------------------------------------- */

/* Linux's unix_validate_addr and unix_mkname: the address's true length
 * (a path's is cut after its NUL), or -EINVAL. */
static int addr_check(const struct sockaddr_storage *a, int len)
{
    if (len < UNIX_PATH_OFF || len > UNIX_ADDR_MAX || a->ss_family != AF_UNIX)
        return -EINVAL;
    if (len == UNIX_PATH_OFF || a->ss_data[0] == 0)
        return len;
    size_t n = strnlen((const char *)a->ss_data, (size_t)len - UNIX_PATH_OFF);
    return (int)n + UNIX_PATH_OFF + 1;
}

/* The socket bound to an abstract name, of type (-1: any; Linux keeps
 * the types apart when looking one up to connect or send to). */
static struct unix_sock *find_abstract(const char *addr, int len, int type)
{
    for (struct unix_sock *u = bound; u; u = u->bound_next)
        if (!u->path_vn && u->addrlen == len && !memcmp(u->addr, addr, (size_t)len) &&
            (type < 0 || u->sock->type == type))
            return u;
    return 0;
}

static struct unix_sock *find_vnode(const struct vnode *vn)
{
    for (struct unix_sock *u = bound; u; u = u->bound_next)
        if (u->path_vn == vn)
            return u;
    return 0;
}

static void name_set(struct unix_sock *us, const char *addr, int len, struct vnode *vn)
{
    memcpy(us->addr, addr, (size_t)len);
    us->addrlen = len;
    us->path_vn = vn;
    us->bound_next = bound;
    bound = us;
}

/* Make the socket node of a path: 0 and *out (referenced), or -errno
 * (-EADDRINUSE when the name exists). */
static int path_make(const char *path, struct vnode **out)
{
    struct vnode *dir, *vn;
    char name[NAME_MAX + 1];
    size_t len;
    int err = vfs_walk_parent(proc_current()->cwd, path, &dir, name, &len);
    if (err)
        return err;
    if (len == 0 || (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))) ||
        dir_lookup(dir, name, len))
        return -EADDRINUSE;
    if ((err = mnt_may_write(dir)))
        return err;
    uint32_t mode = S_IFSOCK | (0777 & ~proc_current()->umask);
    if (!(vn = vn_alloc_in(dir, mode)))
        return -ENOMEM;
    vn->fops = devfs_ops(S_IFSOCK, 0);
    if ((err = dir_link(dir, name, len, vn))) {
        vn_unref(vn);
        return err;
    }
    *out = vn; /* our reference; the name holds another */
    return 0;
}

static int autobind(struct unix_sock *us)
{
    char a[UNIX_PATH_OFF + 6] = {AF_UNIX, 0, 0};
    for (unsigned tries = 0; tries < 0x100000; tries++) {
        unsigned v = autobind_next++ & 0xfffff;
        for (int i = 0; i < 5; i++)
            a[UNIX_PATH_OFF + 1 + i] = "0123456789abcdef"[(v >> (16 - 4 * i)) & 0xf];
        if (!find_abstract(a, (int)sizeof(a), -1)) {
            name_set(us, a, (int)sizeof(a), 0);
            return 0;
        }
    }
    return -ENOSPC;
}

/* Linux's unix_bind_bsd makes the node before it looks at the socket: a
 * path that exists is -EADDRINUSE even for a bound socket, which is
 * -EINVAL otherwise (and keeps no new node). */
static int bind_path(struct unix_sock *us, const struct sockaddr_storage *addr, int n)
{
    char path[UNIX_ADDR_MAX];
    struct vnode *vn;
    memcpy(path, addr->ss_data, (size_t)n - UNIX_PATH_OFF);
    if (us->addrlen)
        return vfs_walk(proc_current()->cwd, path, 0, &vn) == 0 ? -EADDRINUSE : -EINVAL;
    int err = path_make(path, &vn);
    if (!err)
        name_set(us, (const char *)addr, n, vn);
    return err;
}

static int unix_bind(struct socket *so, const struct sockaddr_storage *addr, int len)
{
    struct unix_sock *us = us_of(so);
    int n = addr_check(addr, len);
    if (n < 0)
        return n;
    if (n > UNIX_PATH_OFF && addr->ss_data[0])
        return bind_path(us, addr, n);
    if (us->addrlen)
        return -EINVAL;
    if (n == UNIX_PATH_OFF)
        return autobind(us);
    if (find_abstract((const char *)addr, n, -1))
        return -EADDRINUSE;
    name_set(us, (const char *)addr, n, 0);
    return 0;
}

/* The bound socket an address names: 0 and *out, or -errno as Linux's
 * unix_find_other (-ENOENT for no such path, -ECONNREFUSED for a path
 * that is no live socket, -EPROTOTYPE for one of another type). */
static int find_other(struct socket *so, const struct sockaddr_storage *addr, int len,
                      struct unix_sock **out)
{
    int n = addr_check(addr, len);
    struct unix_sock *u;
    if (n < 0 || n == UNIX_PATH_OFF)
        return -EINVAL;
    if (addr->ss_data[0] == 0)
        u = find_abstract((const char *)addr, n, so->type);
    else {
        char path[UNIX_ADDR_MAX];
        struct vnode *vn;
        memcpy(path, addr->ss_data, (size_t)n - UNIX_PATH_OFF);
        int err = vfs_walk(proc_current()->cwd, path, WALK_FOLLOW, &vn);
        if (err)
            return err;
        u = S_ISSOCK(vn->mode) ? find_vnode(vn) : 0;
    }
    if (!u || u->dead)
        return -ECONNREFUSED;
    if (u->sock->type != so->type)
        return -EPROTOTYPE;
    *out = u;
    return 0;
}

static int unix_getname(struct socket *so, struct sockaddr_storage *addr, int *len, int peer)
{
    struct unix_sock *us = us_of(so), *u = peer ? us->peer : us;
    if (!u)
        return -ENOTCONN;
    if (!u->addrlen) {
        addr->ss_family = AF_UNIX;
        *len = UNIX_PATH_OFF;
        return 0;
    }
    memcpy(addr, u->addr, (size_t)u->addrlen);
    *len = u->addrlen;
    return 0;
}

/* --- connections ----------------------------------------------------------- */

static void pair(struct unix_sock *a, struct unix_sock *b)
{
    a->peer = b;
    b->peer = a;
    a->connected = b->connected = 1;
}

static int unix_socketpair(struct socket *a, struct socket *b)
{
    struct unix_sock *ua = us_of(a), *ub = us_of(b);
    pair(ua, ub);
    if (a->type == SOCK_DGRAM) /* each holds the other as a datagram peer */
        ua->refs++, ub->refs++;
    cred_now(&ua->peercred, 1);
    ub->peercred = ua->peercred;
    return 0;
}

static int unix_listen(struct socket *so, int backlog)
{
    struct unix_sock *us = us_of(so);
    if (so->type == SOCK_DGRAM)
        return -EOPNOTSUPP;
    if (us->connected || !us->addrlen)
        return -EINVAL;
    us->backlog = backlog;
    so->acceptconn = 1;
    cred_now(&us->peercred, 1); /* what connectors see as their peer's */
    us_kick(us, POLLOUT);       /* connectors waiting for room in a grown backlog */
    return 0;
}

/* Wait for room in listener l's backlog: 0 (l still listening and with
 * room), or -errno. l may go while we sleep: hold it. */
static int backlog_wait(struct socket *so, struct unix_sock *l, int nonblock)
{
    uint64_t deadline = sock_deadline(so, 1);
    int err = 0;
    l->refs++;
    while (!l->dead && l->nacc > l->backlog) {
        if (nonblock) {
            err = -EAGAIN;
            break;
        }
        if ((err = sock_wait(&l->accq, deadline)))
            break;
    }
    if (!err && l->dead)
        err = -ECONNREFUSED;
    us_unref(l);
    return err;
}

static int unix_connect_stream(struct socket *so, struct unix_sock *l, int nonblock)
{
    struct unix_sock *us = us_of(so), *ns;
    struct socket *nso;
    if (!l->sock->acceptconn)
        return -ECONNREFUSED;
    int err = backlog_wait(so, l, nonblock);
    if (err || (err = sock_alloc(l->sock, &nso)))
        return err;
    if (!(ns = us_new(nso))) {
        sock_destroy(nso);
        return -ENOMEM;
    }
    if (us->connected) { /* another thread connected us while we slept */
        sock_destroy(nso);
        return -EISCONN;
    }
    pair(us, ns);
    memcpy(ns->addr, l->addr, (size_t)l->addrlen); /* the accepted socket's name is l's */
    ns->addrlen = l->addrlen;
    us->peercred = l->peercred;
    cred_now(&ns->peercred, 1);
    *l->acc_tail = ns;
    l->acc_tail = &ns->acc_next;
    l->nacc++;
    us_kick(l, POLLIN | POLLRDNORM);
    return 0;
}

static int unix_connect(struct socket *so, const struct sockaddr_storage *addr, int len,
                        int nonblock)
{
    struct unix_sock *us = us_of(so), *other;
    if (so->type != SOCK_DGRAM && us->connected)
        return -EISCONN;
    if (len >= UNIX_PATH_OFF && addr->ss_family == AF_UNSPEC && so->type == SOCK_DGRAM) {
        if (us->peer) /* dissolve the association */
            us_unref(us->peer);
        us->peer = 0;
        return 0;
    }
    int err = find_other(so, addr, len, &other);
    if (err)
        return err;
    if (so->type != SOCK_DGRAM)
        return unix_connect_stream(so, other, nonblock);
    other->refs++;
    if (us->peer)
        us_unref(us->peer);
    us->peer = other;
    return 0;
}

static int unix_accept(struct socket *so, int nonblock, struct socket **out)
{
    struct unix_sock *us = us_of(so);
    uint64_t deadline = sock_deadline(so, 0);
    if (!so->acceptconn)
        return -EINVAL;
    while (!us->acc_head) {
        if (nonblock)
            return -EAGAIN;
        int err = sock_wait(&us->accq, deadline);
        if (err)
            return err;
        if (us->dead)
            return -EINVAL;
    }
    struct unix_sock *ns = us->acc_head;
    if (!(us->acc_head = ns->acc_next))
        us->acc_tail = &us->acc_head;
    ns->acc_next = 0;
    us->nacc--;
    us_kick(us, POLLOUT); /* connectors waiting for backlog room */
    *out = ns->sock;
    return 0;
}

static int unix_shutdown(struct socket *so, int how)
{
    struct unix_sock *us = us_of(so);
    int mode = how + 1; /* SHUT_RD 1 (UNIX_SHUT_RCV), SHUT_WR 2, SHUT_RDWR 3 */
    us->shut |= mode;   /* Linux: even unconnected */
    us_kick(us, POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    struct unix_sock *p = us->peer;
    if (p && so->type != SOCK_DGRAM) {
        p->shut |=
            (mode & UNIX_SHUT_RCV ? UNIX_SHUT_SND : 0) | (mode & UNIX_SHUT_SND ? UNIX_SHUT_RCV : 0);
        us_kick(p, POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    }
    return 0;
}

/* --- poll and ioctl ---------------------------------------------------------- */

/* What poll calls writable, as Linux's unix_writable: at most a quarter
 * of the sender's SO_SNDBUF waiting in to's queue (and room for a
 * datagram). */
static int unix_writable(const struct unix_sock *to, const struct unix_sock *from)
{
    size_t limit = from->so ? (size_t)from->so->sndbuf : SOCK_BUF_DEFAULT;
    return to->qbytes * 4 <= limit && !queue_full(to, from, 1);
}

static int unix_poll(struct socket *so, struct file *f, struct poll_table *pt)
{
    (void)f, (void)pt; /* registered on so->pq by the generic layer */
    struct unix_sock *us = us_of(so);
    int ev = so->error ? POLLERR : 0;
    if (so->acceptconn)
        return ev | (us->acc_head ? POLLIN | POLLRDNORM : 0);
    if (us->shut == (UNIX_SHUT_RCV | UNIX_SHUT_SND))
        ev |= POLLHUP;
    if (us->shut & UNIX_SHUT_RCV)
        ev |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (us->q_head)
        ev |= POLLIN | POLLRDNORM;
    if (so->type != SOCK_DGRAM && !us->connected)
        ev |= POLLHUP;
    if (!us->peer || unix_writable(us->peer, us))
        ev |= POLLOUT | POLLWRNORM;
    return ev;
}

static long unix_ioctl(struct socket *so, unsigned long cmd, uint64_t arg)
{
    struct unix_sock *us = us_of(so);
    int n = 0;
    if (cmd != FIONREAD)
        return -ENOTTY;
    if (so->acceptconn)
        return -EINVAL;
    for (struct unix_msg *m = us->q_head; m; m = m->next) {
        n += (int)(m->len - m->off);
        if (so->type != SOCK_STREAM)
            break; /* Linux: the next datagram's size */
    }
    return copy_to_user((void *)arg, &n, sizeof(n)) ? -EFAULT : 0;
}

/* --- sending --------------------------------------------------------------- */

/* 1 when a message of need bytes from `from` does not fit in to's queue
 * now: the sender's SO_SNDBUF of bytes (at least one message always
 * goes), and for a datagram socket not connected back to the sender
 * Linux's max_dgram_qlen messages. */
int queue_full(const struct unix_sock *to, const struct unix_sock *from, size_t need)
{
    size_t limit = from->so ? (size_t)from->so->sndbuf : SOCK_BUF_DEFAULT;
    if (to->qbytes && to->qbytes + need > limit)
        return 1;
    return to->sock->type != SOCK_STREAM && to->peer != from && to->qlen >= UNIX_DGRAM_QLEN;
}

static struct unix_msg *msg_new(size_t len)
{
    struct unix_msg *m = kzalloc(sizeof(*m) + len);
    if (m)
        m->len = len;
    return m;
}

static void enqueue(struct unix_sock *to, struct unix_sock *from, struct unix_msg *m)
{
    if (from->addrlen)
        memcpy(m->addr, from->addr, (size_t)from->addrlen);
    m->addrlen = from->addrlen;
    *to->q_tail = m;
    to->q_tail = &m->next;
    to->qbytes += m->len;
    to->qlen++;
    us_kick(to, POLLIN | POLLRDNORM);
}

/* Wait until to's queue has room for need bytes from us: 0 or -errno.
 * to is held across the sleep. */
static int room_wait(struct unix_sock *us, struct unix_sock *to, size_t need, int flags,
                     uint64_t deadline)
{
    int err = 0;
    to->refs++;
    while (queue_full(to, us, need)) {
        if (flags & MSG_DONTWAIT) {
            err = -EAGAIN;
            break;
        }
        if ((err = sock_wait(&to->wq, deadline)))
            break;
        if (to->dead || (us->sock->type != SOCK_DGRAM && to != us->peer)) {
            err = us->sock->type == SOCK_DGRAM ? -ECONNREFUSED : -EPIPE;
            break;
        }
    }
    us_unref(to);
    return err;
}

/* A whole message (datagram, seqpacket) to `to`: its length or -errno. */
static long send_record(struct unix_sock *us, struct unix_sock *to, struct sock_msg *sm, int flags)
{
    size_t len = sm->left;
    uint64_t deadline = sock_deadline(us->sock, 1);
    if (len > (size_t)us->sock->sndbuf - 32)
        return -EMSGSIZE;
    struct unix_msg *m = msg_new(len);
    if (!m)
        return -ENOMEM;
    long r = scm_take(sm, m);
    if (!r && sock_msg_copy_in(sm, m->data, len) != (long)len)
        r = -EFAULT;
    if (!r)
        r = room_wait(us, to, len, flags, deadline);
    if (!r && to->dead)
        r = -ECONNREFUSED;
    if (r) {
        msg_free(m);
        return r;
    }
    enqueue(to, us, m);
    return (long)len;
}

static long send_dgram(struct socket *so, struct sock_msg *sm, int flags)
{
    struct unix_sock *us = us_of(so), *to = us->peer;
    if (sm->namelen) {
        int err = find_other(so, sm->name, sm->namelen, &to);
        if (err)
            return err;
    }
    if (!to)
        return -ENOTCONN;
    if (to->dead && to == us->peer) { /* Linux: refused once, then not connected */
        us->peer = 0;
        us_unref(to);
        return -ECONNREFUSED;
    }
    if (to->dead)
        return -ECONNREFUSED;
    if (to->peer && to->peer != us) /* Linux's unix_may_send: it hears only its peer */
        return -EPERM;
    if (us->shut & UNIX_SHUT_SND)
        return -EPIPE;
    return send_record(us, to, sm, flags);
}

/* One piece of a stream send into the peer's queue, once it has room: 0
 * and *chunk cut to what fit (at most the room there, as Linux writes
 * part of a nonblocking send), or -errno. The first piece takes the
 * control messages; every piece carries the sender's credentials. */
static int stream_piece(struct unix_sock *us, struct sock_msg *sm, size_t *chunk, int first,
                        int flags, uint64_t deadline)
{
    struct unix_sock *to = us->peer;
    struct unix_msg *m;
    if (!to || (us->shut & UNIX_SHUT_SND))
        return -EPIPE;
    int err = room_wait(us, to, 1, flags, deadline);
    if (err)
        return err;
    size_t limit = (size_t)us->sock->sndbuf, room = limit > to->qbytes ? limit - to->qbytes : 1;
    *chunk = *chunk < room ? *chunk : room;
    if (!(m = msg_new(*chunk)))
        return -ENOMEM;
    if (first)
        err = scm_take(sm, m);
    else
        cred_now(&m->cred, 0);
    if (!err && sock_msg_copy_in(sm, m->data, *chunk) != (long)*chunk)
        err = -EFAULT;
    if (err) {
        msg_free(m);
        return err;
    }
    enqueue(to, us, m);
    return 0;
}

/* Stream bytes, in pieces of at most half the send buffer: the count, or
 * -errno when nothing went. */
static long send_stream(struct socket *so, struct sock_msg *sm, int flags)
{
    struct unix_sock *us = us_of(so);
    uint64_t deadline = sock_deadline(so, 1);
    size_t done = 0, most = (size_t)so->sndbuf / 2;
    if (sm->namelen)
        return us->connected ? -EISCONN : -EOPNOTSUPP;
    if (!us->connected)
        return -ENOTCONN;
    if (!us->peer || (us->shut & UNIX_SHUT_SND))
        return -EPIPE;
    while (sm->left) { /* nothing at all for 0 bytes, as Linux (its files too) */
        size_t chunk = sm->left < most ? sm->left : most;
        int err = stream_piece(us, sm, &chunk, done == 0, flags, deadline);
        if (err)
            return done ? (long)done : err;
        done += chunk;
    }
    return (long)done;
}

static long unix_sendmsg(struct socket *so, struct sock_msg *sm, int flags)
{
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (so->type == SOCK_DGRAM)
        return send_dgram(so, sm, flags);
    if (so->type == SOCK_SEQPACKET) {
        struct unix_sock *us = us_of(so);
        if (!us->connected)
            return -ENOTCONN;
        if (!us->peer || (us->shut & UNIX_SHUT_SND))
            return -EPIPE;
        return send_record(us, us->peer, sm, flags);
    }
    return send_stream(so, sm, flags);
}

struct unix_sock *unix_of_file(const struct file *f)
{
    struct socket *so = sock_of(f);
    return so && so->ops == &unix_ops ? so->priv : 0;
}

static const struct sock_family unix_family = {AF_UNIX, unix_create};

void unix_init(void)
{
    sock_family_register(&unix_family);
}

static const struct sock_ops unix_ops = {
    .bind = unix_bind,
    .listen = unix_listen,
    .accept = unix_accept,
    .connect = unix_connect,
    .socketpair = unix_socketpair,
    .shutdown = unix_shutdown,
    .getname = unix_getname,
    .sendmsg = unix_sendmsg,
    .recvmsg = unix_recvmsg,
    .getsockopt = unix_getsockopt,
    .poll = unix_poll,
    .ioctl = unix_ioctl,
    .release = us_release,
};
