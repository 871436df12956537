/* Memory protection keys: pkey_alloc(2), pkey_free(2), pkey_mprotect(2).
 *
 * The kernel does not enable the CPU's protection keys (PKU: CR4.PKE stays
 * clear, so PKRU does not exist for programs), and answers as x86 Linux
 * does on a machine without them, where no key is ever usable:
 * - pkey_alloc checks its arguments (-EINVAL), then fails. Linux's first
 *   try in an address space finds key 0 free, marks it allocated, is
 *   refused by arch_set_user_pkey_access (-EINVAL) and cannot free it
 *   again (mm_pkey_free finds it unallocated), so every later try finds
 *   no key (-ENOSPC, the man page's answer). That is kept per address
 *   space (vmspace.pkey_spent): fork copies it, exec starts afresh.
 * - pkey_free finds every key unallocated (-EINVAL, key 0 too).
 * - pkey_mprotect with key -1 is mprotect, with any other key -EINVAL
 *   once mprotect's own checks pass (mm_protect, sys_mm.c). */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/vmspace.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

/* pkey_alloc's access rights on x86 (Linux's PKEY_ACCESS_MASK). */
#define PKEY_DISABLE_ACCESS 0x1
#define PKEY_DISABLE_WRITE  0x2
#define PKEY_ACCESS_MASK    (PKEY_DISABLE_ACCESS | PKEY_DISABLE_WRITE)

static int64_t sys_pkey_alloc(uint64_t flags, uint64_t rights, uint64_t a2, uint64_t a3,
                              uint64_t a4, uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    if (flags || (rights & ~(uint64_t)PKEY_ACCESS_MASK))
        return -EINVAL;
    struct vmspace *vs = proc_current()->vm;
    if (vs->pkey_spent)
        return -ENOSPC;
    vs->pkey_spent = 1;
    return -EINVAL;
}

static int64_t sys_pkey_free(uint64_t pkey, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(pkey), ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return -EINVAL;
}

/* The key is a C int: only its low 32 bits count. */
static int64_t sys_pkey_mprotect(uint64_t addr, uint64_t len, uint64_t prot, uint64_t pkey,
                                 uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    return mm_protect(addr, len, prot, (int)pkey);
}

void sys_pkey_register(void)
{
    syscall_register(SYS_pkey_alloc, sys_pkey_alloc);
    syscall_register(SYS_pkey_free, sys_pkey_free);
    syscall_register(SYS_pkey_mprotect, sys_pkey_mprotect);
}
