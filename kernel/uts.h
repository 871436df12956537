/* The system's names, as uname(2) gives them and /proc shows them
 * (/proc/version, /proc/sys/kernel/{ostype,osrelease,version,hostname,
 * domainname}). "Linux": the kernel speaks the Linux ABI and programs
 * (glibc, busybox) decide on it; the release names Uniplex for anyone who
 * looks. There is no sethostname(2): the names are fixed. */
#ifndef UNIPLEX_UTS_H
#define UNIPLEX_UTS_H

#define UTS_SYSNAME    "Linux"
#define UTS_NODENAME   "uniplex"
#define UTS_RELEASE    "6.1.0-uniplex"
#define UTS_VERSION    "#1 Uniplex 0.1 library OS"
#define UTS_MACHINE    "x86_64"
#define UTS_DOMAINNAME "(none)"

#endif
