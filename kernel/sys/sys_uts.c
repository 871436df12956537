/* sethostname(2) and setdomainname(2): the names uname(2) and
 * /proc/sys/kernel/{hostname,domainname} give, changed by a privileged
 * caller (CAP_SYS_ADMIN); personality(2), the execution domain uname
 * and the address-space layout answer to. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"
#include "kernel/uts.h"

static char nodename[UTS_LEN + 1] = UTS_NODENAME;
static char domainname[UTS_LEN + 1] = UTS_DOMAINNAME;

const char *uts_nodename(void)
{
    return nodename;
}

const char *uts_domainname(void)
{
    return domainname;
}

void uts_set(int domain, const char *s)
{
    char *dst = domain ? domainname : nodename;
    size_t len = strnlen(s, UTS_LEN);
    memcpy(dst, s, len);
    dst[len] = 0;
}

/* Linux's order: privilege, length, then the copy (all or nothing). The
 * name may hold any bytes; it ends at len. */
static int set_name(char *dst, uint64_t uname, uint64_t len)
{
    char buf[UTS_LEN + 1];
    if (!cred_capable(CAP_SYS_ADMIN))
        return -EPERM;
    if ((int64_t)len < 0 || len > UTS_LEN)
        return -EINVAL;
    if (copy_from_user(buf, (const void *)uname, len))
        return -EFAULT;
    memcpy(dst, buf, len);
    dst[len] = 0;
    return 0;
}

static int64_t sys_sethostname(uint64_t uname, uint64_t len, uint64_t a2, uint64_t a3, uint64_t a4,
                               uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return set_name(nodename, uname, len);
}

static int64_t sys_setdomainname(uint64_t uname, uint64_t len, uint64_t a2, uint64_t a3,
                                 uint64_t a4, uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return set_name(domainname, uname, len);
}

#define PER_LINUX         0x0000
#define ADDR_NO_RANDOMIZE 0x0040000
#define PER_QUERY         0xffffffffu
/* The personalities taken: Linux's own, alone or with ADDR_NO_RANDOMIZE,
 * which holds as it is (mappings and the stack are never placed at
 * random here). Any other domain (PER_LINUX32: uname's i686, PER_SVR4...)
 * or flag (READ_IMPLIES_EXEC, ADDR_LIMIT_32BIT, UNAME26...) changes
 * what the kernel would have to do, which it does not: -EINVAL. */
#define PER_HONOURED (PER_LINUX | ADDR_NO_RANDOMIZE)

/* personality: the old value; 0xffffffff only asks. */
static int64_t sys_personality(uint64_t persona, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                               uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct proc *p = proc_current();
    uint32_t old = p->personality, want = (uint32_t)persona;
    if (want == PER_QUERY)
        return old;
    if (want & ~(uint32_t)PER_HONOURED)
        return -EINVAL;
    p->personality = want;
    return old;
}

void sys_uts_register(void)
{
    syscall_register(SYS_personality, sys_personality);
    syscall_register(SYS_sethostname, sys_sethostname);
    syscall_register(SYS_setdomainname, sys_setdomainname);
}
