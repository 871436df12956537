/* Shared by the socket system calls (sys_socket.c, sys_sockmsg.c,
 * sys_sockopt.c): finding the socket behind a descriptor and moving
 * addresses between the program and the kernel as Linux does. */
#ifndef UNIPLEX_SYS_SOCKET_H
#define UNIPLEX_SYS_SOCKET_H

#include <stdint.h>
#include "kernel/net/socket.h"

/* The socket open at fd, its file referenced (the caller file_unrefs
 * *f): 0, -EBADF, -ENOTSOCK. */
int sock_fd(int64_t fd, struct file **f, struct socket **so);
/* Linux's move_addr_to_kernel: len bytes at uaddr into *k: 0, -EINVAL
 * (len < 0 or > SOCK_ADDR_MAX), -EFAULT. The rest of *k is zeros. */
int sock_addr_in(uint64_t uaddr, int64_t len, struct sockaddr_storage *k);
/* Linux's move_addr_to_user: klen bytes of *k to uaddr, cut to the int at
 * ulenp, whose value becomes klen: 0, -EINVAL (a negative length),
 * -EFAULT. */
int sock_addr_out(const struct sockaddr_storage *k, int klen, uint64_t uaddr, uint64_t ulenp);
/* Refuse an operation the family has not (Linux's sock_no_*). */
#define SOCK_OP(so, op, ...) ((so)->ops->op ? (so)->ops->op(__VA_ARGS__) : -EOPNOTSUPP)

void sys_sockmsg_register(void);
void sys_sockopt_register(void);

#endif
