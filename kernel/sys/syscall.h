/* The Linux system-call interface: the table of handlers, dispatch from
 * the arch's entry (the frame holds the number, arguments and result:
 * arch_frame_* in kernel/arch.h), errno values as Linux has them. */
#ifndef UNIPLEX_SYSCALL_H
#define UNIPLEX_SYSCALL_H

#define SYSCALL_MAX 512

#ifndef __ASSEMBLER__
#include <stdint.h>

struct arch_frame;

typedef int64_t (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* Install the handler for Linux system call nr (from each subsystem's
 * init). Panics on a duplicate or a number out of range. */
void syscall_register(unsigned nr, syscall_fn fn);
/* Install a leaf handler: one the arch's entry calls straight from the
 * registers, with interrupts disabled and no frame saved (l->frame is not
 * updated), and after which no signal is looked for. Only for calls that
 * read or change a little of the caller's own state: the handler must not
 * block, sleep, yield, touch user memory (which may fault), send or
 * unblock a signal, or fork. The number must not have been registered. */
void syscall_register_leaf(unsigned nr, syscall_fn fn);
/* The leaf handlers by number, read by the arch's entry stub (0: none). */
extern syscall_fn syscall_leaf[SYSCALL_MAX];
/* Point the CPU's syscall instruction at the entry stub. */
void syscall_init(void);
/* Called from the arch's entry stub with the program's frame f: run the
 * handler (or -ENOSYS), store the result in f, deliver signals. */
void syscall_dispatch(struct arch_frame *f);
/* The same for a thread whose calls seccomp checks (and for a number past
 * the table): the filters first (seccomp_syscall), then, unless they
 * answered, syscall_dispatch. */
void syscall_dispatch_checked(struct arch_frame *f);
/* Name of Linux system call nr, or NULL (table generated from the kernel
 * UAPI header at build time). */
const char *syscall_name(unsigned nr);
#endif

#endif
