/* The system's names, as uname(2) gives them and /proc shows them
 * (/proc/version, /proc/sys/kernel/{ostype,osrelease,version,hostname,
 * domainname}). "Linux": the kernel speaks the Linux ABI and programs
 * (glibc, busybox) decide on it; the release names Uniplex for anyone who
 * looks. The host and domain names start as these and change with
 * sethostname(2) and setdomainname(2) (kernel/sys/sys_uts.c). */
#ifndef UNIPLEX_UTS_H
#define UNIPLEX_UTS_H

#define UTS_SYSNAME    "Linux"
#define UTS_NODENAME   "uniplex"
#define UTS_RELEASE    "6.1.0-uniplex"
#define UTS_VERSION    "#1 Uniplex 0.1 library OS"
#define UTS_MACHINE    "x86_64"
#define UTS_DOMAINNAME "(none)"
#define UTS_LEN        64 /* the longest name, without its NUL (Linux's __NEW_UTS_LEN) */

/* The host and domain names now (NUL-terminated, at most UTS_LEN). */
const char *uts_nodename(void);
const char *uts_domainname(void);
/* Set the host name (domain 0) or the domain name (1) to s (cut at
 * UTS_LEN). The caller has checked the privilege. */
void uts_set(int domain, const char *s);

#endif
