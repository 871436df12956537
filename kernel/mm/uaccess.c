#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/mm/uaccess.h"

int copy_from_user(void *dst, const void *usrc, size_t n)
{
    if (!user_range_ok(usrc, n))
        return -EFAULT;
    return arch_copy_user(dst, usrc, n) ? -EFAULT : 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
    if (!user_range_ok(udst, n))
        return -EFAULT;
    return arch_copy_user(udst, src, n) ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, const char *usrc, size_t n)
{
    uint64_t a = (uint64_t)(uintptr_t)usrc;
    if (n == 0 || a < USER_MIN || a >= USER_MAX)
        return -EFAULT;
    /* Clip to the window: a string running off its end is a fault. */
    size_t room = USER_MAX - a < n ? USER_MAX - a : n;
    long r = arch_strncpy_user(dst, usrc, (long)room);
    if (r < 0)
        return r;
    if ((size_t)r == room)
        return room < n ? -EFAULT : -ENAMETOOLONG;
    return r;
}
