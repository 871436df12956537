/* The socket system calls that move data: sendto, recvfrom, sendmsg,
 * recvmsg, sendmmsg, recvmmsg. The program's msghdr, its iovec array,
 * addresses and control messages are copied in (and out) here, once, as
 * Linux's ___sys_sendmsg/___sys_recvmsg do; families see a struct
 * sock_msg (kernel/net/socket.h).
 *
 * Flags: Linux ignores send and receive flags it does not know (no
 * -EINVAL), and so does this layer; families refuse those they cannot do
 * (MSG_OOB on AF_UNIX: -EOPNOTSUPP). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/sys_socket.h"
#include "kernel/sys/syscall.h"

/* Linux x86-64 struct msghdr and struct mmsghdr. */
struct umsghdr {
    uint64_t name;
    uint32_t namelen, pad0;
    uint64_t iov, iovlen, control, controllen;
    int32_t flags, pad1;
};
_Static_assert(sizeof(struct umsghdr) == 56, "Linux x86-64 struct msghdr");
struct ummsghdr {
    struct umsghdr hdr;
    uint32_t len, pad;
};
_Static_assert(sizeof(struct ummsghdr) == 64, "Linux x86-64 struct mmsghdr");

/* A call's kernel copies: the message, its segments, address and control. */
struct msgbuf {
    struct sock_msg m;
    struct sock_iov one, *iov; /* iov: kmalloc'ed for more than one */
    struct sockaddr_storage addr;
    void *ctl;
};

static void msgbuf_free(struct msgbuf *b)
{
    if (b->iov != &b->one)
        kfree(b->iov);
    kfree(b->ctl);
}

/* Linux's import_iovec: each segment's length non-negative (-EINVAL) and
 * within the program's memory (-EFAULT); the total cut to RW_MAX by
 * cutting the segments. */
static int iov_check(struct sock_iov *v, int n, size_t *total)
{
    size_t sum = 0;
    for (int i = 0; i < n; i++) {
        if ((int64_t)v[i].len < 0)
            return -EINVAL;
        if (v[i].len > RW_MAX - sum)
            v[i].len = RW_MAX - sum;
        if (v[i].len && !user_range_ok((void *)v[i].base, v[i].len))
            return -EFAULT;
        sum += v[i].len;
    }
    *total = sum;
    return 0;
}

static int iov_import(struct msgbuf *b, uint64_t uiov, uint64_t n)
{
    if (n > SOCK_IOV_MAX)
        return -EMSGSIZE;
    b->iov = &b->one;
    if (n > 1 && !(b->iov = kmalloc(n * sizeof(struct sock_iov))))
        return -ENOMEM;
    if (n && copy_from_user(b->iov, (const void *)uiov, n * sizeof(struct sock_iov)))
        return -EFAULT;
    b->m.iov = b->iov;
    b->m.iovcnt = (int)n;
    return iov_check(b->iov, (int)n, &b->m.left);
}

/* One user segment (send/recv, sendto/recvfrom). */
static int iov_single(struct msgbuf *b, uint64_t ubuf, uint64_t len)
{
    b->one.base = ubuf;
    b->one.len = len;
    b->iov = &b->one;
    b->m.iov = &b->one;
    b->m.iovcnt = 1;
    return iov_check(&b->one, 1, &b->m.left);
}

/* The control messages of a sendmsg into a kernel copy. */
static int ctl_import(struct msgbuf *b, uint64_t uctl, uint64_t len)
{
    if (len == 0)
        return 0;
    if (len > SOCK_CTL_MAX) /* Linux: past INT_MAX or net.core.optmem_max */
        return -ENOBUFS;
    if (!(b->ctl = kmalloc(len)))
        return -ENOMEM;
    if (copy_from_user(b->ctl, (const void *)uctl, len))
        return -EFAULT;
    b->m.control = b->ctl;
    b->m.controllen = len;
    return 0;
}

/* A recvmsg's control buffer: kernel room for what the family hands out. */
static int ctl_room(struct msgbuf *b, uint64_t len)
{
    len = len < SOCK_CTL_MAX ? len : SOCK_CTL_MAX;
    if (len && !(b->ctl = kzalloc(len)))
        return -ENOMEM;
    b->m.control = b->ctl;
    b->m.controllen = len;
    return 0;
}

/* Linux's copy_msghdr_from_user: the header read, the name length cut to
 * the storage (0 without a name), the segments imported. */
static int msg_import(struct msgbuf *b, const struct umsghdr *h, int send)
{
    memset(b, 0, sizeof(*b));
    b->iov = &b->one;
    int namelen = h->name ? (int)h->namelen : 0;
    if (namelen < 0)
        return -EINVAL;
    namelen = namelen < SOCK_ADDR_MAX ? namelen : SOCK_ADDR_MAX;
    int err = iov_import(b, h->iov, h->iovlen);
    if (err)
        return err;
    b->m.name = &b->addr;
    if (send && namelen) {
        if (copy_from_user(&b->addr, (const void *)h->name, (size_t)namelen))
            return -EFAULT;
        b->m.namelen = namelen;
    }
    return send ? ctl_import(b, h->control, h->controllen) : ctl_room(b, h->controllen);
}

/* A send through the family; SIGPIPE for -EPIPE unless MSG_NOSIGNAL. */
static long do_send(struct file *f, struct socket *so, struct sock_msg *m, int flags)
{
    if (f->flags & O_NONBLOCK)
        flags |= MSG_DONTWAIT;
    long r = SOCK_OP(so, sendmsg, so, m, flags);
    if (r == -EPIPE && !(flags & MSG_NOSIGNAL))
        sig_send_self(SIGPIPE);
    return r;
}

static long do_recv(struct file *f, struct socket *so, struct sock_msg *m, int flags)
{
    if (f->flags & O_NONBLOCK)
        flags |= MSG_DONTWAIT;
    return SOCK_OP(so, recvmsg, so, m, flags);
}

static int64_t sys_sendto(uint64_t fd, uint64_t ubuf, uint64_t len, uint64_t flags, uint64_t uaddr,
                          uint64_t alen)
{
    struct file *f;
    struct socket *so;
    struct msgbuf b;
    memset(&b, 0, sizeof(b));
    int64_t err = sock_fd((int64_t)fd, &f, &so);
    if (err)
        return err;
    if ((err = iov_single(&b, ubuf, len)))
        goto out;
    b.m.name = &b.addr;
    if (uaddr && (err = sock_addr_in(uaddr, (int64_t)alen, &b.addr)))
        goto out;
    b.m.namelen = uaddr ? (int)alen : 0;
    err = do_send(f, so, &b.m, (int)flags);
out:
    file_unref(f);
    return err;
}

static int64_t sys_recvfrom(uint64_t fd, uint64_t ubuf, uint64_t len, uint64_t flags,
                            uint64_t uaddr, uint64_t ulenp)
{
    struct file *f;
    struct socket *so;
    struct msgbuf b;
    memset(&b, 0, sizeof(b));
    int64_t err = sock_fd((int64_t)fd, &f, &so);
    if (err)
        return err;
    if ((err = iov_single(&b, ubuf, len)))
        goto out;
    b.m.name = &b.addr;
    err = do_recv(f, so, &b.m, (int)flags);
    if (err >= 0 && uaddr) {
        int e = sock_addr_out(&b.addr, b.m.namelen, uaddr, ulenp);
        err = e ? e : err;
    }
out:
    file_unref(f);
    return err;
}

/* What a recvmsg hands back: the source address, the control bytes, the
 * flags. */
static int recv_export(const struct msgbuf *b, const struct umsghdr *h, uint64_t uh)
{
    struct umsghdr *u = (struct umsghdr *)uh;
    int err = 0;
    if (h->name)
        err = sock_addr_out(&b->addr, b->m.namelen, h->name, (uint64_t)&u->namelen);
    if (!err && b->m.ctl_used && copy_to_user((void *)h->control, b->ctl, b->m.ctl_used))
        err = -EFAULT;
    uint64_t used = b->m.ctl_used;
    if (!err && copy_to_user(&u->controllen, &used, sizeof(used)))
        err = -EFAULT;
    if (!err && copy_to_user(&u->flags, &b->m.flags, sizeof(int)))
        err = -EFAULT;
    return err;
}

/* One sendmsg (send) or recvmsg of the header at uh: bytes moved or
 * -errno; a receive hands back its address, control bytes and flags. */
static long msg_one(struct file *f, struct socket *so, uint64_t uh, int flags, int send)
{
    struct umsghdr h;
    struct msgbuf b;
    memset(&b, 0, sizeof(b));
    if (copy_from_user(&h, (const void *)uh, sizeof(h)))
        return -EFAULT;
    long r = msg_import(&b, &h, send);
    if (!r)
        r = send ? do_send(f, so, &b.m, flags) : do_recv(f, so, &b.m, flags);
    if (!send && r >= 0) {
        int err = recv_export(&b, &h, uh);
        r = err ? err : r;
    }
    msgbuf_free(&b);
    return r;
}

static long send_one(struct file *f, struct socket *so, uint64_t uh, int flags)
{
    return msg_one(f, so, uh, flags, 1);
}

static long recv_one(struct file *f, struct socket *so, uint64_t uh, int flags)
{
    return msg_one(f, so, uh, flags, 0);
}

/* sendmsg and recvmsg: one message through one (send_one or recv_one). */
static int64_t msg_call(uint64_t fd, uint64_t uh, uint64_t flags,
                        long (*one)(struct file *, struct socket *, uint64_t, int))
{
    struct file *f;
    struct socket *so;
    int64_t err = sock_fd((int64_t)fd, &f, &so);
    if (err)
        return err;
    err = one(f, so, uh, (int)flags);
    file_unref(f);
    return err;
}

static int64_t sys_sendmsg(uint64_t fd, uint64_t uh, uint64_t flags, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return msg_call(fd, uh, flags, send_one);
}

static int64_t sys_recvmsg(uint64_t fd, uint64_t uh, uint64_t flags, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return msg_call(fd, uh, flags, recv_one);
}

/* Store a message's length in its mmsghdr: 0 or -EFAULT. */
static int mmsg_len(uint64_t uvec, unsigned i, long n)
{
    uint32_t len = (uint32_t)n;
    return copy_to_user(&((struct ummsghdr *)uvec)[i].len, &len, sizeof(len)) ? -EFAULT : 0;
}

static int64_t sys_sendmmsg(uint64_t fd, uint64_t uvec, uint64_t vlen, uint64_t flags, uint64_t a4,
                            uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct file *f;
    struct socket *so;
    unsigned n = (uint32_t)vlen < SOCK_IOV_MAX ? (uint32_t)vlen : SOCK_IOV_MAX, i = 0;
    int64_t err = sock_fd((int64_t)fd, &f, &so);
    if (err)
        return err;
    for (; i < n; i++) {
        long r = send_one(f, so, uvec + i * sizeof(struct ummsghdr), (int)flags);
        if (r >= 0)
            r = mmsg_len(uvec, i, r);
        if (r < 0) {
            err = r;
            break;
        }
    }
    file_unref(f);
    return i ? (int64_t)i : err; /* Linux: the count once any went */
}

/* Linux's do_recvmmsg: messages until vlen, an error, or (checked after
 * each) the timeout; MSG_WAITFORONE makes the later ones nonblocking. An
 * error after some messages is kept in SO_ERROR (but -EAGAIN) and the
 * count returned. */
static int64_t mmsg_recv(struct file *f, struct socket *so, uint64_t uvec, unsigned n, int flags,
                         uint64_t deadline)
{
    unsigned i = 0;
    long r = 0;
    for (; i < n; i++) {
        r = recv_one(f, so, uvec + i * sizeof(struct ummsghdr), flags);
        if (r >= 0)
            r = mmsg_len(uvec, i, r);
        if (r < 0)
            break;
        if (flags & MSG_WAITFORONE)
            flags |= MSG_DONTWAIT;
        if (deadline && clock_ns() >= deadline) {
            i++;
            break;
        }
    }
    if (i && r < 0 && r != -EAGAIN)
        so->error = (int)-r;
    return i ? (int64_t)i : r;
}

/* Linux writes the time left back into recvmmsg's timeout once some
 * messages came: 0 or -EFAULT. */
static int mmsg_time_left(uint64_t uts, uint64_t deadline)
{
    uint64_t now = clock_ns(), left = deadline > now ? deadline - now : 0;
    int64_t ts[2] = {(int64_t)(left / NSEC_PER_SEC), (int64_t)(left % NSEC_PER_SEC)};
    return copy_to_user((void *)uts, ts, sizeof(ts)) ? -EFAULT : 0;
}

static int64_t sys_recvmmsg(uint64_t fd, uint64_t uvec, uint64_t vlen, uint64_t flags, uint64_t uts,
                            uint64_t a5)
{
    ARG(a5);
    struct file *f;
    struct socket *so;
    uint64_t deadline;
    unsigned n = (uint32_t)vlen < SOCK_IOV_MAX ? (uint32_t)vlen : SOCK_IOV_MAX;
    int64_t err = user_timeout(uts, &deadline);
    if (err || (err = sock_fd((int64_t)fd, &f, &so)))
        return err;
    err = mmsg_recv(f, so, uvec, n, (int)flags, deadline);
    file_unref(f);
    if (err > 0 && uts && mmsg_time_left(uts, deadline))
        err = -EFAULT;
    return err;
}

void sys_sockmsg_register(void)
{
    syscall_register(SYS_sendto, sys_sendto);
    syscall_register(SYS_recvfrom, sys_recvfrom);
    syscall_register(SYS_sendmsg, sys_sendmsg);
    syscall_register(SYS_recvmsg, sys_recvmsg);
    syscall_register(SYS_sendmmsg, sys_sendmmsg);
    syscall_register(SYS_recvmmsg, sys_recvmmsg);
}
