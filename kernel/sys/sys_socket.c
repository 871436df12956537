/* The socket system calls that make, name and connect sockets: socket,
 * socketpair, bind, listen, accept, accept4, connect, shutdown,
 * getsockname, getpeername (the socket layer: kernel/net/socket.h).
 * Arguments are checked in Linux's order; int arguments are the low 32
 * bits of their register, as on Linux. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/sys_socket.h"
#include "kernel/sys/syscall.h"

#define SOCK_FLAGS (SOCK_NONBLOCK | SOCK_CLOEXEC)

int sock_fd(int64_t fd, struct file **f, struct socket **so)
{
    struct file *file = fd_get(proc_current(), (int)fd);
    if (!file)
        return -EBADF;
    if (!(*so = sock_of(file)))
        return -ENOTSOCK;
    file_ref(file);
    *f = file;
    return 0;
}

int sock_addr_in(uint64_t uaddr, int64_t len, struct sockaddr_storage *k)
{
    if ((int)len < 0 || (int)len > SOCK_ADDR_MAX)
        return -EINVAL;
    memset(k, 0, sizeof(*k)); /* families may read past len: zeros (a path's NUL) */
    if ((int)len == 0)
        return 0;
    return copy_from_user(k, (const void *)uaddr, (size_t)(int)len) ? -EFAULT : 0;
}

int sock_addr_out(const struct sockaddr_storage *k, int klen, uint64_t uaddr, uint64_t ulenp)
{
    int ulen;
    if (copy_from_user(&ulen, (const void *)ulenp, sizeof(ulen)))
        return -EFAULT;
    if (ulen < 0)
        return -EINVAL;
    int n = ulen < klen ? ulen : klen;
    if (n > 0 && copy_to_user((void *)uaddr, k, (size_t)n))
        return -EFAULT;
    return copy_to_user((void *)ulenp, &klen, sizeof(klen)) ? -EFAULT : 0;
}

/* A new socket's file at a descriptor of the caller: the fd, or -errno
 * with the socket ended. */
static int64_t sock_install(struct socket *so, uint32_t flags)
{
    struct file *f;
    int err = sock_file(so, flags & O_NONBLOCK, &f);
    if (err) {
        sock_destroy(so);
        return err;
    }
    int fd = fd_install(proc_current(), f, 0, (flags & O_CLOEXEC) != 0);
    if (fd < 0)
        file_unref(f);
    return fd;
}

/* socket(2)'s checks of the type word, Linux's order: 0, -EINVAL. */
static int sock_type_check(uint32_t type)
{
    if (type & ~(uint32_t)(SOCK_TYPE_MASK | SOCK_FLAGS))
        return -EINVAL;
    return (type & SOCK_TYPE_MASK) >= SOCK_MAX ? -EINVAL : 0;
}

static int64_t sys_socket(uint64_t family, uint64_t type, uint64_t proto, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct socket *so;
    int err = sock_type_check((uint32_t)type);
    if (err)
        return err;
    if ((int)family < 0 || (int)family >= AF_MAX)
        return -EAFNOSUPPORT;
    err = sock_create((int)family, (int)(type & SOCK_TYPE_MASK), (int)proto, &so);
    return err ? err : sock_install(so, (uint32_t)type & SOCK_FLAGS);
}

/* Both ends of a socketpair as descriptors, stored in the program's
 * int[2] at usv: 0 or -errno (the sockets then ended). */
static int64_t pair_install(struct socket *a, struct socket *b, uint32_t flags, uint64_t usv)
{
    struct file *fa = 0, *fb = 0;
    struct proc *p = proc_current();
    int cloexec = (flags & O_CLOEXEC) != 0, sv[2] = {-1, -1};
    int64_t err = sock_file(a, flags & O_NONBLOCK, &fa);
    if (err) {
        sock_destroy(a);
        sock_destroy(b);
        return err;
    }
    if ((err = sock_file(b, flags & O_NONBLOCK, &fb))) {
        sock_destroy(b);
        goto out;
    }
    if ((err = sv[0] = fd_install(p, fa, 0, cloexec)) < 0)
        goto out;
    fa = 0;
    if ((err = sv[1] = fd_install(p, fb, 0, cloexec)) < 0)
        goto out;
    fb = 0;
    err = copy_to_user((void *)usv, sv, sizeof(sv)) ? -EFAULT : 0;
out:
    if (err && sv[0] >= 0)
        fd_close(p, sv[0]);
    if (err && sv[1] >= 0)
        fd_close(p, sv[1]);
    if (fa)
        file_unref(fa);
    if (fb)
        file_unref(fb);
    return err;
}

static int64_t sys_socketpair(uint64_t family, uint64_t type, uint64_t proto, uint64_t usv,
                              uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct socket *a, *b;
    int err = sock_type_check((uint32_t)type);
    if (err)
        return err;
    int t = (int)(type & SOCK_TYPE_MASK);
    if ((err = sock_create((int)family, t, (int)proto, &a)))
        return err;
    if ((err = sock_create((int)family, t, (int)proto, &b))) {
        sock_destroy(a);
        return err;
    }
    err = SOCK_OP(a, socketpair, a, b);
    if (err) {
        sock_destroy(a);
        sock_destroy(b);
        return err;
    }
    return pair_install(a, b, (uint32_t)type & SOCK_FLAGS, usv);
}

/* bind and connect: the address copied in, then the family's call. */
static int64_t addr_call(uint64_t fd, uint64_t uaddr, uint64_t len, int connect)
{
    struct file *f;
    struct socket *so;
    struct sockaddr_storage addr;
    int err = sock_fd((int64_t)fd, &f, &so);
    if (err)
        return err;
    if (!(err = sock_addr_in(uaddr, (int64_t)len, &addr)))
        err = connect ? SOCK_OP(so, connect, so, &addr, (int)len, (f->flags & O_NONBLOCK) != 0)
                      : SOCK_OP(so, bind, so, &addr, (int)len);
    file_unref(f);
    return err;
}

static int64_t sys_bind(uint64_t fd, uint64_t uaddr, uint64_t len, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return addr_call(fd, uaddr, len, 0);
}

static int64_t sys_listen(uint64_t fd, uint64_t backlog, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct file *f;
    struct socket *so;
    int err = sock_fd((int64_t)fd, &f, &so);
    if (err)
        return err;
    uint32_t b = (uint32_t)backlog; /* unsigned, as Linux compares it */
    err = SOCK_OP(so, listen, so, b > SOMAXCONN ? SOMAXCONN : (int)b);
    file_unref(f);
    return err;
}

/* The accepted socket's peer address to the program: Linux asks the new
 * socket after the accept, and a failure loses the connection. */
static int accept_name(struct socket *ns, uint64_t uaddr, uint64_t ulenp)
{
    struct sockaddr_storage addr;
    int len = 0;
    if (!uaddr)
        return 0;
    int err = SOCK_OP(ns, getname, ns, &addr, &len, 1);
    return err ? err : sock_addr_out(&addr, len, uaddr, ulenp);
}

static int64_t sys_accept4(uint64_t fd, uint64_t uaddr, uint64_t ulenp, uint64_t flags, uint64_t a4,
                           uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct file *f;
    struct socket *so, *ns = 0;
    if ((uint32_t)flags & ~(uint32_t)SOCK_FLAGS)
        return -EINVAL;
    int64_t err = sock_fd((int64_t)fd, &f, &so);
    if (err)
        return err;
    err = SOCK_OP(so, accept, so, (f->flags & O_NONBLOCK) != 0, &ns);
    file_unref(f);
    if (err)
        return err;
    if ((err = accept_name(ns, uaddr, ulenp))) {
        sock_destroy(ns);
        return err;
    }
    return sock_install(ns, (uint32_t)flags);
}

static int64_t sys_accept(uint64_t fd, uint64_t uaddr, uint64_t ulenp, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return sys_accept4(fd, uaddr, ulenp, 0, 0, 0);
}

static int64_t sys_connect(uint64_t fd, uint64_t uaddr, uint64_t len, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return addr_call(fd, uaddr, len, 1);
}

static int64_t sys_shutdown(uint64_t fd, uint64_t how, uint64_t a2, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct file *f;
    struct socket *so;
    int err = sock_fd((int64_t)fd, &f, &so);
    if (err)
        return err;
    err = (uint32_t)how > SHUT_RDWR ? -EINVAL : SOCK_OP(so, shutdown, so, (int)how);
    file_unref(f);
    return err;
}

static int64_t getname(uint64_t fd, uint64_t uaddr, uint64_t ulenp, int peer)
{
    struct file *f;
    struct socket *so;
    struct sockaddr_storage addr;
    int len = 0;
    int err = sock_fd((int64_t)fd, &f, &so);
    if (err)
        return err;
    err = SOCK_OP(so, getname, so, &addr, &len, peer);
    if (!err)
        err = sock_addr_out(&addr, len, uaddr, ulenp);
    file_unref(f);
    return err;
}

static int64_t sys_getsockname(uint64_t fd, uint64_t uaddr, uint64_t ulenp, uint64_t a3,
                               uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return getname(fd, uaddr, ulenp, 0);
}

static int64_t sys_getpeername(uint64_t fd, uint64_t uaddr, uint64_t ulenp, uint64_t a3,
                               uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return getname(fd, uaddr, ulenp, 1);
}

void sys_socket_register(void)
{
    socket_init();
    syscall_register(SYS_socket, sys_socket);
    syscall_register(SYS_socketpair, sys_socketpair);
    syscall_register(SYS_bind, sys_bind);
    syscall_register(SYS_listen, sys_listen);
    syscall_register(SYS_accept, sys_accept);
    syscall_register(SYS_accept4, sys_accept4);
    syscall_register(SYS_connect, sys_connect);
    syscall_register(SYS_shutdown, sys_shutdown);
    syscall_register(SYS_getsockname, sys_getsockname);
    syscall_register(SYS_getpeername, sys_getpeername);
    sys_sockmsg_register();
    sys_sockopt_register();
}
