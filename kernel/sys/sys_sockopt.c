/* getsockopt and setsockopt: the SOL_SOCKET options every socket has are
 * answered here as Linux's sk_getsockopt/sk_setsockopt answer them; the
 * rest go to the family (kernel/net/socket.h), which refuses what it does
 * not know. An unknown SOL_SOCKET option is -ENOPROTOOPT, logged once. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/printk.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/sys_socket.h"
#include "kernel/sys/syscall.h"

#define NSEC_PER_USEC 1000ull
#define INT_MAX       0x7fffffff

/* SO_RCVTIMEO and SO_SNDTIMEO (struct timeval and its _NEW twin: the same
 * two 64-bit words on x86-64); SO_LINGER. */
struct sock_timeval {
    int64_t sec, usec;
};
struct sock_linger {
    int32_t onoff, linger;
};

static int opt_flag(int name)
{
    switch (name) {
    case SO_REUSEADDR:
        return SOCK_OPT_REUSEADDR;
    case SO_REUSEPORT:
        return SOCK_OPT_REUSEPORT;
    case SO_KEEPALIVE:
        return SOCK_OPT_KEEPALIVE;
    case SO_PASSCRED:
        return SOCK_OPT_PASSCRED;
    case SO_BROADCAST:
        return SOCK_OPT_BROADCAST;
    default:
        return 0;
    }
}

/* Options only read: setting one is -ENOPROTOOPT as on Linux, nothing
 * missing. */
static int opt_readonly(int name)
{
    return name == SO_TYPE || name == SO_DOMAIN || name == SO_PROTOCOL || name == SO_ERROR ||
           name == SO_ACCEPTCONN || name == SO_PEERCRED || name == SO_SNDLOWAT;
}

/* Say once per option that a program asked for one nobody answers. */
static void opt_refused(const char *call, int level, int name)
{
    static uint8_t seen[128];
    if (level != SOL_SOCKET || name < 0 || name >= 128 || seen[name] || opt_readonly(name))
        return;
    seen[name] = 1;
    printk("socket: %s SOL_SOCKET option %d refused (ENOPROTOOPT)\n", call, name);
}

static uint64_t *opt_timeo(struct socket *so, int name)
{
    if (name == SO_RCVTIMEO_OLD || name == SO_RCVTIMEO_NEW)
        return &so->rcvtimeo;
    if (name == SO_SNDTIMEO_OLD || name == SO_SNDTIMEO_NEW)
        return &so->sndtimeo;
    return 0;
}

/* Linux's sock_set_timeout: usec within a second (-EDOM), a negative time
 * expires at once, zero is none. */
static int set_timeo(uint64_t *t, const void *val, int len)
{
    struct sock_timeval tv;
    if (len < (int)sizeof(tv))
        return -EINVAL;
    memcpy(&tv, val, sizeof(tv));
    if (tv.usec < 0 || tv.usec >= 1000000)
        return -EDOM;
    if (tv.sec < 0)
        *t = 1;
    else
        *t = clock_add(clock_ns_of((uint64_t)tv.sec, 0), (uint64_t)tv.usec * NSEC_PER_USEC);
    return 0;
}

/* SO_RCVBUF/SO_SNDBUF: doubled within Linux's bounds (FORCE: root, no cap). */
static void set_buf(int *buf, int v, int min, int force)
{
    if (!force && v > SOCK_BUF_MAX)
        v = SOCK_BUF_MAX;
    v = v > INT_MAX / 2 ? INT_MAX / 2 : v < 0 ? 0 : v;
    *buf = v * 2 < min ? min : v * 2;
}

/* The generic SOL_SOCKET options to set: 0, -errno, or 1 when not one. */
static int set_generic(struct socket *so, int name, const void *val, int len)
{
    int v;
    if (len < (int)sizeof(int))
        return -EINVAL;
    memcpy(&v, val, sizeof(v));
    if (opt_timeo(so, name))
        return set_timeo(opt_timeo(so, name), val, len);
    if (opt_flag(name)) {
        so->opts = v ? so->opts | opt_flag(name) : so->opts & ~(uint32_t)opt_flag(name);
        return 0;
    }
    switch (name) {
    case SO_RCVBUF:
    case SO_RCVBUFFORCE:
        if (name == SO_RCVBUFFORCE && !cred_capable(CAP_NET_ADMIN))
            return -EPERM;
        set_buf(&so->rcvbuf, v, SOCK_RCVBUF_MIN, name == SO_RCVBUFFORCE);
        return 0;
    case SO_SNDBUF:
    case SO_SNDBUFFORCE:
        if (name == SO_SNDBUFFORCE && !cred_capable(CAP_NET_ADMIN))
            return -EPERM;
        set_buf(&so->sndbuf, v, SOCK_SNDBUF_MIN, name == SO_SNDBUFFORCE);
        return 0;
    case SO_RCVLOWAT:
        so->rcvlowat = v < 0 ? INT_MAX : v ? v : 1;
        return 0;
    case SO_LINGER:
        if (len < (int)sizeof(struct sock_linger))
            return -EINVAL;
        struct sock_linger l;
        memcpy(&l, val, sizeof(l));
        so->linger_on = l.onoff != 0;
        so->linger_s = l.linger;
        return 0;
    default:
        return 1;
    }
}

static int64_t sys_setsockopt(uint64_t fd, uint64_t level, uint64_t name, uint64_t uval,
                              uint64_t ulen, uint64_t a5)
{
    ARG(a5);
    struct file *f;
    struct socket *so;
    uint8_t val[SOCK_OPT_MAX];
    int len = (int)ulen, lv = (int)level, nm = (int)name;
    int64_t err = sock_fd((int64_t)fd, &f, &so);
    if (err)
        return err;
    err = -EINVAL;
    if (len < 0)
        goto out;
    len = len < SOCK_OPT_MAX ? len : SOCK_OPT_MAX;
    err = -EFAULT;
    if (copy_from_user(val, (const void *)uval, (size_t)len))
        goto out;
    err = lv == SOL_SOCKET ? set_generic(so, nm, val, len) : 1;
    if (err == 0 && so->ops->changed)
        so->ops->changed(so, nm);
    if (err == 1)
        err = so->ops->setsockopt ? so->ops->setsockopt(so, lv, nm, val, len)
              : lv == SOL_SOCKET  ? -ENOPROTOOPT
                                  : -EOPNOTSUPP;
    if (err == -ENOPROTOOPT)
        opt_refused("setsockopt", lv, nm);
out:
    file_unref(f);
    return err;
}

/* The generic int-valued SOL_SOCKET options: 0 and *v, or 1 when not one. */
static int get_int(struct socket *so, int name, int *v)
{
    if (opt_flag(name))
        *v = (so->opts & (uint32_t)opt_flag(name)) != 0;
    else if (name == SO_TYPE)
        *v = so->type;
    else if (name == SO_DOMAIN)
        *v = so->family;
    else if (name == SO_PROTOCOL)
        *v = so->protocol;
    else if (name == SO_ACCEPTCONN)
        *v = so->acceptconn;
    else if (name == SO_ERROR) {
        *v = so->error; /* read and cleared */
        so->error = 0;
    } else if (name == SO_RCVBUF)
        *v = so->rcvbuf;
    else if (name == SO_SNDBUF)
        *v = so->sndbuf;
    else if (name == SO_RCVLOWAT)
        *v = so->rcvlowat;
    else if (name == SO_SNDLOWAT)
        *v = 1; /* Linux's, fixed */
    else
        return 1;
    return 0;
}

/* The generic SOL_SOCKET options to read into val (room for
 * SOCK_OPT_MAX): 0 with *len, or 1 when not one. */
static int get_generic(struct socket *so, int name, void *val, int *len)
{
    int v;
    uint64_t *t = opt_timeo(so, name);
    if (t) {
        struct sock_timeval tv = {(int64_t)(*t / NSEC_PER_SEC),
                                  (int64_t)(*t % NSEC_PER_SEC / NSEC_PER_USEC)};
        memcpy(val, &tv, sizeof(tv));
        *len = sizeof(tv);
        return 0;
    }
    if (name == SO_LINGER) {
        struct sock_linger l = {so->linger_on, so->linger_s};
        memcpy(val, &l, sizeof(l));
        *len = sizeof(l);
        return 0;
    }
    if (get_int(so, name, &v))
        return 1;
    memcpy(val, &v, sizeof(v));
    *len = sizeof(v);
    return 0;
}

static int64_t sys_getsockopt(uint64_t fd, uint64_t level, uint64_t name, uint64_t uval,
                              uint64_t ulenp, uint64_t a5)
{
    ARG(a5);
    struct file *f;
    struct socket *so;
    uint8_t val[SOCK_OPT_MAX];
    int ulen, len = SOCK_OPT_MAX, lv = (int)level, nm = (int)name;
    int64_t err = sock_fd((int64_t)fd, &f, &so);
    if (err)
        return err;
    err = -EFAULT;
    if (copy_from_user(&ulen, (const void *)ulenp, sizeof(ulen)))
        goto out;
    err = -EINVAL;
    if (ulen < 0)
        goto out;
    err = lv == SOL_SOCKET ? get_generic(so, nm, val, &len) : 1;
    if (err == 1)
        err = so->ops->getsockopt ? so->ops->getsockopt(so, lv, nm, val, &len)
              : lv == SOL_SOCKET  ? -ENOPROTOOPT
                                  : -EOPNOTSUPP;
    if (err == -ENOPROTOOPT)
        opt_refused("getsockopt", lv, nm);
    if (err)
        goto out;
    len = len < ulen ? len : ulen; /* Linux cuts the value to the room given */
    err = -EFAULT;
    if (!copy_to_user((void *)uval, val, (size_t)len) &&
        !copy_to_user((void *)ulenp, &len, sizeof(len)))
        err = 0;
out:
    file_unref(f);
    return err;
}

void sys_sockopt_register(void)
{
    syscall_register(SYS_setsockopt, sys_setsockopt);
    syscall_register(SYS_getsockopt, sys_getsockopt);
}
