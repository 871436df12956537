/* The TCP byte stream: received data kept as lwIP delivered it (pbufs
 * freed as they are read, the window opened by what was read) and sends
 * copied into lwIP's send buffer through a kernel bounce buffer (lwIP
 * copies with plain memcpy, which must never touch program memory). */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/net/inet.h"
#include "kernel/net/inet_tcp.h"
#include "kernel/net/net.h"
#include "lwip/tcp.h"

#define TIOCOUTQ  0x5411
#define CHUNK_MAX 0xffff /* tcp_write and tcp_recved count in 16 bits */

void tsock_rx_append(struct tsock *ts, struct pbuf *p)
{
    struct pbuf *last = p;
    /* The pbufs are linked one after another without lwIP's chain totals
     * (a u16 that a long queue would overflow); each is freed alone. */
    ts->rx_len += p->tot_len;
    while (last->next)
        last = last->next;
    if (ts->rx_tail)
        ts->rx_tail->next = p;
    else
        ts->rx_head = p;
    ts->rx_tail = last;
}

/* Drop n bytes from the front of the queue and open the window by them. */
static void rx_consume(struct tsock *ts, size_t n)
{
    size_t left = n;
    while (left || (ts->rx_head && ts->rx_off == ts->rx_head->len)) {
        struct pbuf *p = ts->rx_head;
        size_t take = p->len - ts->rx_off;
        take = take < left ? take : left;
        ts->rx_off = (uint16_t)(ts->rx_off + take);
        left -= take;
        if (ts->rx_off < p->len)
            break;
        ts->rx_head = p->next;
        if (!ts->rx_head)
            ts->rx_tail = NULL;
        p->next = NULL;
        pbuf_free(p);
        ts->rx_off = 0;
    }
    ts->rx_len -= n;
    for (size_t w = n; w && ts->pcb; w -= w > CHUNK_MAX ? CHUNK_MAX : w)
        tcp_recved(ts->pcb, (u16_t)(w > CHUNK_MAX ? CHUNK_MAX : w));
}

void tsock_rx_drop(struct tsock *ts)
{
    while (ts->rx_head) {
        struct pbuf *p = ts->rx_head;
        ts->rx_head = p->next;
        p->next = NULL;
        pbuf_free(p);
    }
    ts->rx_tail = NULL;
    ts->rx_len = 0;
    ts->rx_off = 0;
}

/* Copy what is queued (up to m->left) to the program: the count or
 * -EFAULT. MSG_PEEK leaves it queued; MSG_TRUNC drops it uncopied. */
static long rx_copy(struct tsock *ts, struct sock_msg *m, int flags)
{
    size_t want = ts->rx_len < m->left ? ts->rx_len : m->left, done = 0;
    size_t off = ts->rx_off;
    if (flags & MSG_TRUNC) {
        m->left -= want;
        done = want;
    }
    for (struct pbuf *p = ts->rx_head; p && done < want; p = p->next, off = 0) {
        size_t take = p->len - off < want - done ? p->len - off : want - done;
        long r = sock_msg_copy_out(m, (const uint8_t *)p->payload + off, take);
        if (r < 0 && done == 0)
            return r;
        done += r > 0 ? (size_t)r : 0;
        if (r < (long)take)
            break;
    }
    if (!(flags & MSG_PEEK))
        rx_consume(ts, done);
    return (long)done;
}

/* A pending reset, reported once (ECONNRESET before end of file and EPIPE,
 * as Linux orders them); 0 when none. */
static int take_reset(struct tsock *ts)
{
    int e = ts->reset;
    ts->reset = 0;
    if (e)
        ts->so->error = 0;
    return -e;
}

long tsock_recvmsg(struct socket *so, struct sock_msg *m, int flags)
{
    struct tsock *ts = so->priv;
    uint64_t deadline = sock_deadline(so, 0);
    long done = 0;
    if (flags & MSG_OOB)
        return -EINVAL;
    if (ts->state == TS_LISTEN || (ts->state == TS_IDLE && !ts->rx_len))
        return -ENOTCONN;
    for (;;) {
        if (ts->rx_len && m->left) {
            long r = rx_copy(ts, m, flags);
            if (r < 0)
                return done ? done : r;
            done += r;
            if (!(flags & MSG_WAITALL) || (flags & MSG_PEEK) || !m->left)
                break;
            continue;
        }
        if (done && !(flags & MSG_WAITALL))
            break;
        if (ts->reset && !done)
            return take_reset(ts);
        if (!m->left || ts->rx_fin || ts->dead || ts->shut_rd || ts->state == TS_IDLE)
            break;
        if (flags & MSG_DONTWAIT)
            return done ? done : -EAGAIN;
        int r = sock_wait(&ts->wq, deadline);
        if (r < 0)
            return done ? done : r;
    }
    net_flush(); /* the window update, over loopback */
    return done;
}

/* Bytes tcp_write takes now, at most want: what the send buffer has room
 * for, and none when lwIP's segment queue is nearly full. */
static size_t send_room(struct tsock *ts, size_t want)
{
    struct tcp_pcb *pcb = ts->pcb;
    size_t room = tcp_sndbuf(pcb);
    room = room < want ? room : want;
    if (tcp_sndqueuelen(pcb) + room / pcb->mss + 2 >= TCP_SND_QUEUELEN)
        return 0;
    return room;
}

/* Wait for a connection in progress to finish (a send on it). */
static int send_wait_connected(struct socket *so, struct tsock *ts, int nonblock)
{
    uint64_t deadline = sock_deadline(so, 1);
    while (ts->state == TS_CONNECTING) {
        if (nonblock)
            return -EAGAIN;
        int r = sock_wait(&ts->wq, deadline);
        if (r < 0)
            return r;
    }
    return ts->state == TS_CONNECTED ? 0 : -EPIPE;
}

/* Move one chunk from the program into lwIP's send queue: bytes taken,
 * 0 when there is no room, or -errno. */
static long send_chunk(struct tsock *ts, struct sock_msg *m, void *kbuf, int more)
{
    size_t room = send_room(ts, m->left < CHUNK_MAX ? m->left : CHUNK_MAX);
    if (!room)
        return 0;
    long got = sock_msg_copy_in(m, kbuf, room);
    if (got <= 0)
        return got ? got : -EFAULT;
    err_t err = tcp_write(ts->pcb, kbuf, (u16_t)got,
                          TCP_WRITE_FLAG_COPY | (more ? TCP_WRITE_FLAG_MORE : 0));
    if (err != ERR_OK)
        return inet_errno(err); /* send_room leaves room: not expected */
    return got;
}

/* The send loop of tsock_sendmsg: bytes sent, or -errno before any. */
static long send_loop(struct socket *so, struct tsock *ts, struct sock_msg *m, int flags,
                      void *kbuf)
{
    uint64_t deadline = sock_deadline(so, 1);
    long total = 0;
    while (m->left) {
        if (!ts->pcb || ts->dead || ts->shut_wr)
            return total ? total : ts->reset ? take_reset(ts) : -EPIPE;
        long r = send_chunk(ts, m, kbuf, flags & MSG_MORE);
        if (r < 0)
            return total ? total : r;
        total += r;
        if (r)
            continue;
        tcp_output(ts->pcb);
        net_flush();
        if (ts->pcb && !ts->dead && send_room(ts, 1))
            continue;
        if (flags & MSG_DONTWAIT)
            return total ? total : -EAGAIN;
        int w = sock_wait(&ts->wq, deadline);
        if (w < 0)
            return total ? total : w;
    }
    return total;
}

long tsock_sendmsg(struct socket *so, struct sock_msg *m, int flags)
{
    struct tsock *ts = so->priv;
    if (ts->reset)
        return take_reset(ts);
    if (ts->dead || ts->shut_wr)
        return -EPIPE;
    int err = send_wait_connected(so, ts, flags & MSG_DONTWAIT);
    if (err)
        return err;
    if (!m->left)
        return 0;
    void *kbuf = kmalloc(m->left < CHUNK_MAX ? m->left : CHUNK_MAX);
    if (!kbuf)
        return -ENOMEM;
    long r = send_loop(so, ts, m, flags, kbuf);
    kfree(kbuf);
    if (ts->pcb)
        tcp_output(ts->pcb);
    net_flush();
    return r;
}

long tsock_ioctl(struct socket *so, unsigned long cmd, uint64_t arg)
{
    struct tsock *ts = so->priv;
    int v;
    if (cmd == FIONREAD) {
        if (ts->state == TS_LISTEN)
            return -EINVAL;
        v = (int)ts->rx_len;
    } else if (cmd == TIOCOUTQ) {
        if (ts->state == TS_LISTEN)
            return -EINVAL;
        v = ts->pcb ? (int)(TCP_SND_BUF - ts->pcb->snd_buf) : 0;
    } else {
        return -ENOTTY;
    }
    return copy_to_user((void *)arg, &v, sizeof v) ? -EFAULT : 0;
}
