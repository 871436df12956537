/* SO_REUSEPORT for TCP listeners. lwIP lets one pcb own a port, so the
 * sockets that share one (each with SO_REUSEPORT, as Linux asks) form a
 * group: the first, the leader, owns lwIP's pcb; the others listen without
 * one, and new connections go round the group's listeners in turn, each
 * into its own accept queue. When the leader closes, the next listening
 * member takes the pcb over; with none, the members bind for themselves. */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "kernel/net/inet.h"
#include "kernel/net/inet_tcp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

/* The socket whose pcb has ip:port bound or listening, when it allows
 * the port to be shared (SO_REUSEPORT); else NULL. */
static struct tsock *rp_owner(const ip_addr_t *ip, uint16_t port)
{
    struct tsock *ts = NULL;
    for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l && !ts; l = l->next)
        if (l->local_port == port && ip_addr_cmp(&l->local_ip, ip))
            ts = l->callback_arg;
    for (struct tcp_pcb *p = tcp_bound_pcbs; p && !ts; p = p->next)
        if (p->local_port == port && ip_addr_cmp(&p->local_ip, ip))
            ts = p->callback_arg;
    return ts && (ts->so->opts & SOCK_OPT_REUSEPORT) ? ts : NULL;
}

int rp_bind(struct tsock *ts, const ip_addr_t *ip, uint16_t port)
{
    struct tsock *owner;
    if (!port || !(ts->so->opts & SOCK_OPT_REUSEPORT) || !(owner = rp_owner(ip, port)))
        return 0;
    ts->rp_leader = owner;
    ts->laddr = *ip;
    ts->lport = port;
    ts->rp_next = owner->rp_next;
    owner->rp_next = ts;
    return 1;
}

struct tsock *rp_pick(struct tsock *leader)
{
    struct tsock *ts = leader->rp_turn ? leader->rp_turn : leader;
    /* Members that do not listen yet (bound only) are passed over. */
    for (int i = 0; i < 2 && ts->state != TS_LISTEN; i++)
        ts = ts->rp_next ? ts->rp_next : leader;
    leader->rp_turn = ts->rp_next;
    return ts->state == TS_LISTEN ? ts : leader;
}

/* The leader ts goes with no listening member to take its pcb: the pcb
 * closes and each member binds the port with its own (they were only
 * bound). */
static void rp_disband(struct tsock *ts)
{
    tcp_arg(ts->pcb, NULL);
    tcp_close(ts->pcb);
    ts->pcb = NULL;
    for (struct tsock *m = ts->rp_next, *next; m; m = next) {
        next = m->rp_next;
        m->rp_leader = NULL;
        m->rp_next = NULL;
        ip_set_option(m->pcb, SOF_REUSEADDR);
        if (tcp_bind(m->pcb, &m->laddr, m->lport) != ERR_OK)
            m->so->error = EADDRINUSE;
        m->lport = 0;
    }
    ts->rp_next = NULL;
}

/* ts closes: leave its group, or hand the pcb to the next listener. */
void rp_leave(struct tsock *ts)
{
    if (ts->rp_leader) {
        struct tsock **pp = &ts->rp_leader->rp_next;
        while (*pp && *pp != ts)
            pp = &(*pp)->rp_next;
        if (*pp)
            *pp = ts->rp_next;
        ts->rp_leader->rp_turn = NULL;
        return;
    }
    struct tsock *heir = ts->rp_next;
    while (heir && heir->state != TS_LISTEN)
        heir = heir->rp_next;
    if (!heir || !ts->pcb) {
        if (ts->pcb)
            rp_disband(ts);
        return;
    }
    for (struct tsock *m = ts->rp_next; m; m = m->rp_next)
        m->rp_leader = m == heir ? NULL : heir;
    /* The heir leads the others, in the order they joined. */
    struct tsock **tail = &heir->rp_next;
    for (struct tsock *m = ts->rp_next, *next; m; m = next) {
        next = m->rp_next;
        if (m != heir) {
            *tail = m;
            tail = &m->rp_next;
        }
    }
    *tail = NULL;
    heir->rp_turn = NULL;
    heir->pcb = ts->pcb;
    tcp_arg(heir->pcb, heir);
    ts->pcb = NULL;
    ts->rp_next = NULL;
}
