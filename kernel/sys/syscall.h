/* The Linux x86-64 system-call interface: numbers, argument registers,
 * errno values as Linux has them. */
#ifndef UNIPLEX_SYSCALL_H
#define UNIPLEX_SYSCALL_H

#include <stdint.h>

/* Saved by the entry stub (arch/x86_64/syscall.S), low to high. */
struct syscall_frame {
    uint64_t r15, r14, r13, r12, rbx, rbp;
    uint64_t r9, r8, r10, rdx, rsi, rdi;
    uint64_t rax; /* the number on entry, the result on return */
    uint64_t rip, rflags, rsp;
};

_Static_assert(sizeof(struct syscall_frame) == 16 * 8, "layout fixed by syscall.S");

typedef int64_t (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

#define SYSCALL_MAX 512

/* Install the handler for Linux system call nr (from each subsystem's
 * init). Panics on a duplicate or a number out of range. */
void syscall_register(unsigned nr, syscall_fn fn);
/* Point the CPU's syscall instruction at the entry stub. */
void syscall_init(void);
/* Called from the stub: run the handler (or -ENOSYS) and store the result. */
void syscall_dispatch(struct syscall_frame *f);
/* Name of Linux system call nr, or NULL (table generated from the kernel
 * UAPI header at build time). */
const char *syscall_name(unsigned nr);

#endif
