/* Inside kernel/tty: what the pty code asks of the devpts instance. */
#ifndef UNIPLEX_TTY_DEVPTS_H
#define UNIPLEX_TTY_DEVPTS_H

#include <stdint.h>

struct vnode;
struct file_ops;

#define PTY_MAX 256 /* pairs at a time (Linux's kernel.pty.max is 4096) */

/* A new slave node for a pair: the lowest free number in *index and its
 * vnode /dev/pts/N (mode and owner after the mount's options and the
 * caller's ids; fops ops, priv priv), referenced for the caller. 0,
 * -ENODEV (devpts is not mounted), -ENOSPC (PTY_MAX pairs), -ENOMEM. */
int devpts_new(const struct file_ops *ops, void *priv, int *index, struct vnode **out);
/* The node's name goes (the master closed): it is no longer found. */
void devpts_unname(int index);
/* The number is free again; the caller drops its reference on the node. */
void devpts_free(int index);

#endif
