/* Sockets as objects behind descriptors: the family registry, the socket
 * struct and its vnode and file, blocking with SO_RCVTIMEO/SO_SNDTIMEO,
 * and the kernel-side message helpers families use (socket.h). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/net/socket.h"
#include "kernel/net/inet.h"
#include "kernel/net/net.h"
#include "kernel/net/netlink.h"
#include "kernel/panic.h"

static const struct sock_family *families[AF_MAX];
static uint64_t nsockets;

void sock_family_register(const struct sock_family *fam)
{
    KASSERT(fam->family > 0 && fam->family < AF_MAX && !families[fam->family]);
    families[fam->family] = fam;
}

void socket_init(void)
{
    unix_init();
    inet_init();
    netlink_init();
}

uint64_t sock_count(void)
{
    return nsockets;
}

static struct socket *sock_new(int family, int type, int protocol)
{
    struct socket *so = kzalloc(sizeof(*so));
    if (!so)
        return 0;
    so->family = family;
    so->type = type;
    so->protocol = protocol;
    so->rcvbuf = so->sndbuf = SOCK_BUF_DEFAULT;
    so->rcvlowat = 1;
    pollq_init(&so->pq);
    nsockets++;
    return so;
}

static void sock_free(struct socket *so)
{
    nsockets--;
    kfree(so);
}

int sock_create(int family, int type, int protocol, struct socket **out)
{
    const struct sock_family *fam = family >= 0 && family < AF_MAX ? families[family] : 0;
    if (!fam)
        return -EAFNOSUPPORT;
    struct socket *so = sock_new(family, type, protocol);
    if (!so)
        return -ENOMEM;
    int err = fam->create(so, type, protocol);
    if (err) {
        sock_free(so);
        return err;
    }
    *out = so;
    return 0;
}

int sock_alloc(const struct socket *parent, struct socket **out)
{
    struct socket *so = sock_new(parent->family, parent->type, parent->protocol);
    if (!so)
        return -ENOMEM;
    so->ops = parent->ops;
    *out = so;
    return 0;
}

void sock_destroy(struct socket *so)
{
    if (so->priv && so->ops->release)
        so->ops->release(so);
    sock_free(so);
}

/* --- the file ------------------------------------------------------------ */

static long sock_rw(struct file *f, void *ubuf, size_t n, int write)
{
    struct socket *so = f->vn->priv;
    struct sock_iov iov = {(uint64_t)ubuf, n};
    struct sockaddr_storage name; /* a source nobody asked for */
    struct sock_msg m = {.name = &name, .iov = &iov, .iovcnt = 1, .left = n};
    int flags = f->flags & O_NONBLOCK ? MSG_DONTWAIT : 0;
    long (*op)(struct socket *, struct sock_msg *, int) =
        write ? so->ops->sendmsg : so->ops->recvmsg;
    return op ? op(so, &m, flags) : -EINVAL;
}

static long sock_read(struct file *f, void *ubuf, size_t n)
{
    return sock_rw(f, ubuf, n, 0);
}

/* -EPIPE's SIGPIPE is write(2)'s, as for pipes. */
static long sock_write(struct file *f, const void *ubuf, size_t n)
{
    return sock_rw(f, (void *)ubuf, n, 1);
}

/* The interface ioctls (SIOCGIF*, SIOCSIF*) work on a socket of any
 * family, as Linux's sock_ioctl hands them to the devices first. */
static long sock_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    struct socket *so = f->vn->priv;
    if ((cmd & ~0xffUL) == NET_IFIOCTL_BASE)
        return net_ifioctl(cmd, arg);
    return so->ops->ioctl ? so->ops->ioctl(so, cmd, arg) : -ENOTTY;
}

static int sock_poll(struct file *f, struct poll_table *pt)
{
    struct socket *so = f->vn->priv;
    poll_wait(f, &so->pq, pt);
    return so->ops->poll ? so->ops->poll(so, f, pt) : 0;
}

/* Linux: a socket cannot be opened again through /proc/<pid>/fd. */
static int sock_open(struct file *f)
{
    (void)f;
    return -ENXIO;
}

static void sock_close(struct file *f)
{
    struct socket *so = f->vn->priv;
    if (so->priv && so->ops->release)
        so->ops->release(so);
    so->priv = 0;
    pollq_notify(&so->pq, POLLIN | POLLOUT | POLLHUP | POLLERR);
}

static void sock_vn_release(struct vnode *vn)
{
    sock_free(vn->priv);
}

static const struct file_ops sock_fops = {
    .read = sock_read,
    .write = sock_write,
    .ioctl = sock_ioctl,
    .poll = sock_poll,
    .open = sock_open,
    .close = sock_close,
    .release = sock_vn_release,
};

int sock_file(struct socket *so, uint32_t flags, struct file **out)
{
    struct vnode *vn = vn_alloc(S_IFSOCK | 0777); /* Linux's sockfs inodes */
    if (!vn)
        return -ENOMEM;
    int err = file_open_vnode(vn, O_RDWR | flags, out);
    if (!err) { /* from here the vnode owns so (sock_vn_release) */
        vn->fops = &sock_fops;
        vn->priv = so;
        so->vn = vn;
        so->file = *out;
    }
    vn_unref(vn); /* the file holds it, if it was made */
    return err;
}

struct socket *sock_of(const struct file *f)
{
    return f->vn->fops == &sock_fops ? f->vn->priv : 0;
}

/* --- blocking -------------------------------------------------------------- */

uint64_t sock_deadline(const struct socket *so, int snd)
{
    uint64_t t = snd ? so->sndtimeo : so->rcvtimeo;
    return t ? clock_add(clock_ns(), t) : 0;
}

int sock_wait(struct waitq *q, uint64_t deadline)
{
    if (deadline && clock_ns() >= deadline)
        return -EAGAIN;
    int r = waitq_wait_intr(q, deadline);
    if (r < 0)
        return deadline ? -EINTR : -ERESTARTSYS;
    return r == 1 ? -EAGAIN : 0;
}

void sock_notify(struct socket *so, int events)
{
    pollq_notify(&so->pq, events);
}

/* --- messages -------------------------------------------------------------- */

/* Move up to n bytes between buf and m's segments (to_user: out). */
static long sock_msg_copy(struct sock_msg *m, void *buf, size_t n, int to_user)
{
    size_t done = 0;
    while (done < n && m->left && m->iovcnt) {
        struct sock_iov *v = m->iov;
        size_t k = v->len < n - done ? v->len : n - done;
        uint8_t *kb = (uint8_t *)buf + done;
        int err = 0;
        if (m->kernel)
            memcpy(to_user ? (void *)v->base : kb, to_user ? kb : (const void *)v->base, k);
        else
            err = to_user ? copy_to_user((void *)v->base, kb, k)
                          : copy_from_user(kb, (const void *)v->base, k);
        if (err)
            return done ? (long)done : -EFAULT;
        v->base += k;
        v->len -= k;
        m->left -= k;
        done += k;
        if (v->len == 0) {
            m->iov++;
            m->iovcnt--;
        }
    }
    return (long)done;
}

/* One message to or from a kernel buffer (sock_send_kernel and
 * sock_recv_kernel). */
static long sock_kernel_io(struct socket *so, void *buf, size_t n, int nonblock, int send)
{
    struct sock_iov iov = {(uint64_t)buf, n};
    struct sockaddr_storage name; /* a source nobody asked for */
    struct sock_msg m = {.name = &name, .iov = &iov, .iovcnt = 1, .left = n, .kernel = 1};
    long (*op)(struct socket *, struct sock_msg *, int) =
        send ? so->ops->sendmsg : so->ops->recvmsg;
    return op ? op(so, &m, nonblock ? MSG_DONTWAIT : 0) : -EINVAL;
}

long sock_send_kernel(struct socket *so, const void *buf, size_t n, int nonblock)
{
    return sock_kernel_io(so, (void *)buf, n, nonblock, 1);
}

long sock_recv_kernel(struct socket *so, void *buf, size_t n, int nonblock)
{
    return sock_kernel_io(so, buf, n, nonblock, 0);
}

long sock_msg_copy_in(struct sock_msg *m, void *buf, size_t n)
{
    return sock_msg_copy(m, buf, n, 0);
}

long sock_msg_copy_out(struct sock_msg *m, const void *buf, size_t n)
{
    return sock_msg_copy(m, (void *)buf, n, 1);
}

size_t sock_cmsg_room(const struct sock_msg *m)
{
    size_t at = CMSG_ALIGN(m->ctl_used);
    if (at + sizeof(struct cmsghdr) > m->controllen)
        return 0;
    return m->controllen - at - sizeof(struct cmsghdr);
}

int sock_cmsg_put(struct sock_msg *m, int level, int type, const void *data, size_t len)
{
    size_t at = CMSG_ALIGN(m->ctl_used);
    if (!m->control || at + CMSG_LEN(len) > m->controllen) {
        m->flags |= MSG_CTRUNC;
        return -EMSGSIZE;
    }
    struct cmsghdr h = {CMSG_LEN(len), level, type};
    memcpy((uint8_t *)m->control + at, &h, sizeof(h));
    memcpy((uint8_t *)m->control + at + sizeof(h), data, len);
    /* Linux counts the padding of a message but the last's (put_cmsg). */
    m->ctl_used = at + CMSG_SPACE(len) <= m->controllen ? at + CMSG_SPACE(len) : at + CMSG_LEN(len);
    return 0;
}

int sock_cmsg_next(const struct sock_msg *m, const struct cmsghdr **c)
{
    const uint8_t *base = m->control;
    size_t at = *c ? (size_t)((const uint8_t *)*c - base) + CMSG_ALIGN((*c)->cmsg_len) : 0;
    if (at + sizeof(struct cmsghdr) > m->controllen)
        return 0;
    const struct cmsghdr *n = (const struct cmsghdr *)(base + at);
    if (n->cmsg_len < sizeof(struct cmsghdr) || n->cmsg_len > m->controllen - at)
        return -EINVAL;
    *c = n;
    return 1;
}
