/* Copies between the kernel and program memory (the lower half). Every
 * pointer from a program is range-checked (at or above USER_MIN, below
 * USER_MAX, no wrap-around) and copied with fault fixup, so a bad pointer is
 * -EFAULT, never a kernel crash. Faults on mapped-but-absent pages are
 * resolved (demand zero, copy-on-write) as for program code. */
#ifndef UNIPLEX_UACCESS_H
#define UNIPLEX_UACCESS_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/mm/page.h"

#define USER_MIN ((uint64_t)PAGE_SIZE) /* page 0 is never mapped */
#define USER_MAX 0x0000800000000000ull

/* 0 or -EFAULT (then part of dst may have been written). */
int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);
/* Copy a NUL-terminated string of at most n - 1 bytes: its length, or
 * -ENAMETOOLONG if no NUL within n bytes, or -EFAULT. */
long strncpy_from_user(char *dst, const char *usrc, size_t n);
/* 1 when [p, p + n) lies inside the user window. Inline: every system
 * call that takes a buffer asks. */
static inline int user_range_ok(const void *p, size_t n)
{
    uint64_t a = (uint64_t)(uintptr_t)p;
    return a >= USER_MIN && a <= USER_MAX && n <= USER_MAX - a;
}
/* 1 when a is a program address (below USER_MAX, so canonical): the only
 * kind the kernel may hand back to a program as a place to run, a stack or
 * a TLS base. Everything runs at ring 0, so the CPU would not stop the
 * program at a kernel address: the kernel checks every such value a
 * program gives it (handlers and restorers, clone's stack, TLS bases). */
static inline int user_addr_ok(uint64_t a)
{
    return a < USER_MAX;
}

#endif
