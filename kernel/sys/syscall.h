/* The Linux system-call interface: the table of handlers, dispatch from
 * the arch's entry (the frame holds the number, arguments and result:
 * arch_frame_* in kernel/arch.h), errno values as Linux has them. */
#ifndef UNIPLEX_SYSCALL_H
#define UNIPLEX_SYSCALL_H

#include <stdint.h>

struct arch_frame;

typedef int64_t (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

#define SYSCALL_MAX 512

/* Install the handler for Linux system call nr (from each subsystem's
 * init). Panics on a duplicate or a number out of range. */
void syscall_register(unsigned nr, syscall_fn fn);
/* Point the CPU's syscall instruction at the entry stub. */
void syscall_init(void);
/* Called from the arch's entry stub with the program's frame f: run the
 * handler (or -ENOSYS), store the result in f, deliver signals. */
void syscall_dispatch(struct arch_frame *f);
/* Name of Linux system call nr, or NULL (table generated from the kernel
 * UAPI header at build time). */
const char *syscall_name(unsigned nr);

#endif
