/* Hooks of ours that lwIP's sources call (LWIP_HOOK_FILENAME; the calls are
 * in the build's patch of tcp_in.c, kernel/net/lwip/tcp_in-zero-window.patch). */
#ifndef UNIPLEX_LWIP_HOOKS_H
#define UNIPLEX_LWIP_HOOKS_H

struct tcp_pcb;

/* Whether pcb may answer an unacceptable zero-length segment with an ACK
 * now: at most one such ACK every NET_OOW_ACK_MS per connection, as Linux
 * limits them (tcp_invalid_ratelimit, 500 ms). 1 records the answer. */
int net_tcp_oow_ack_ok(struct tcp_pcb *pcb);

#endif
