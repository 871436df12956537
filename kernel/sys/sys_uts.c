/* sethostname(2) and setdomainname(2): the names uname(2) and
 * /proc/sys/kernel/{hostname,domainname} give, changed by a privileged
 * caller (Linux's CAP_SYS_ADMIN: euid 0 here). */
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

/* Linux's order: privilege, length, then the copy (all or nothing). The
 * name may hold any bytes; it ends at len. */
static int set_name(char *dst, uint64_t uname, uint64_t len)
{
    char buf[UTS_LEN + 1];
    if (!cred_privileged())
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

void sys_uts_register(void)
{
    syscall_register(SYS_sethostname, sys_sethostname);
    syscall_register(SYS_setdomainname, sys_setdomainname);
}
