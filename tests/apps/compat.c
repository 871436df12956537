/* compat: the base calls issue 13 added — capget/capset, personality,
 * mlock and its family, mincore, syslog and /dev/kmsg, prctl's options,
 * pipe sizes, SEEK_DATA/SEEK_HOLE, the CPU-time clocks and RLIMIT_CPU —
 * with their error cases, and the image's /etc files. Run as root (pid 1 in
 * Uniplex, root on the host); each case runs in a child of its own. Cases that would change the
 * host (clearing its kernel log, a personality it honours) run only inside Uniplex (UNIPLEX=1).
 *
 * usage: compat [CASE...] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <pwd.h>
#include <sys/fsuid.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "tcase.h"

#define ALARM_S 20
#define PG      4096

/* <linux/capability.h>, which musl's headers lack. */
#define _LINUX_CAPABILITY_VERSION_1 0x19980330
#define _LINUX_CAPABILITY_VERSION_2 0x20071026
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
#define CAP_SETUID                  7
#define CAP_IPC_LOCK                14
#define CAP_SYS_ADMIN               21
#define CAP_SYS_RESOURCE            24
#define CAP_SYSLOG                  34
struct __user_cap_header_struct {
    unsigned version;
    int pid;
};
struct __user_cap_data_struct {
    unsigned effective, permitted, inheritable;
};
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif

#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(t_die, what, call, want)
#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(t_die, what, call, want)

static long capget_(void *h, void *d)
{
    return syscall(SYS_capget, h, d);
}

static long capset_(void *h, const void *d)
{
    return syscall(SYS_capset, h, d);
}

/* A "Name:\tVALUE" field of /proc/self/status as text (empty if none). */
static void status_field(const char *name, char *out, size_t n)
{
    char buf[4096], key[64];
    int fd = open("/proc/self/status", O_RDONLY);
    ssize_t k = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    close(fd);
    buf[k > 0 ? k : 0] = 0;
    snprintf(key, sizeof key, "\n%s:", name);
    char *p = strstr(buf, key);
    out[0] = 0;
    if (!p)
        return;
    p += strlen(key);
    while (*p == ' ' || *p == '\t')
        p++;
    size_t i = 0;
    while (p[i] && p[i] != '\n' && i + 1 < n) {
        out[i] = p[i];
        i++;
    }
    out[i] = 0;
}

static unsigned long long status_hex(const char *name)
{
    char v[64];
    status_field(name, v, sizeof v);
    T_EXPECT(v[0], "no %s in /proc/self/status", name);
    return strtoull(v, 0, 16);
}

/* VmLck in kB. */
static long vm_locked(void)
{
    char v[64];
    status_field("VmLck", v, sizeof v);
    T_EXPECT(v[0], "no VmLck in /proc/self/status");
    return atol(v);
}

/* The sets capget (v3) gives for pid. */
static void caps_of(pid_t pid, unsigned long long *eff, unsigned long long *prm,
                    unsigned long long *inh)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, pid};
    struct __user_cap_data_struct d[2];
    T_EXPECT(capget_(&h, d) == 0, "capget: %s", t_errname(errno));
    *eff = (unsigned long long)d[1].effective << 32 | d[0].effective;
    *prm = (unsigned long long)d[1].permitted << 32 | d[0].permitted;
    *inh = (unsigned long long)d[1].inheritable << 32 | d[0].inheritable;
}

/* Root holds its whole bounding set (in Uniplex every capability), as
 * capget and /proc/self/status both say. */
static void case_cap_root(void)
{
    unsigned long long eff, prm, inh, bnd = status_hex("CapBnd");
    caps_of(0, &eff, &prm, &inh);
    T_EXPECT(eff == bnd && prm == bnd && inh == 0, "eff %llx prm %llx inh %llx, bounding %llx", eff,
             prm, inh, bnd);
    T_EXPECT(status_hex("CapEff") == eff && status_hex("CapPrm") == prm, "status disagrees");
    if (t_uniplex())
        T_EXPECT(eff == 0x1ffffffffffull, "not the full set: %llx", eff);
    caps_of(getpid(), &eff, &prm, &inh);
    T_EXPECT(eff == bnd, "capget by own pid: %llx", eff);
}

/* v1 passes one word per set, v2 and v3 two; an unknown version is
 * EINVAL with v3 written back (and 0 when no data pointer is given). */
static void case_cap_versions(void)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_1, 0};
    struct __user_cap_data_struct d[2];
    memset(d, 0x5a, sizeof d);
    EXPECT_RET("capget v1", capget_(&h, d), 0);
    T_EXPECT(d[1].effective == 0x5a5a5a5a, "v1 wrote a second word");
    h.version = _LINUX_CAPABILITY_VERSION_2;
    EXPECT_RET("capget v2", capget_(&h, d), 0);
    T_EXPECT(d[1].effective != 0x5a5a5a5a, "v2 left the second word");
    h.version = 0x12345678;
    EXPECT_ERR("capget bad version", capget_(&h, d), EINVAL);
    T_EXPECT(h.version == _LINUX_CAPABILITY_VERSION_3, "version written back: %#x", h.version);
    h.version = 1;
    EXPECT_RET("capget bad version, no data", capget_(&h, NULL), 0);
    T_EXPECT(h.version == _LINUX_CAPABILITY_VERSION_3, "version not written back: %#x", h.version);
    h.version = 2;
    EXPECT_ERR("capset bad version", capset_(&h, d), EINVAL);
    T_EXPECT(h.version == _LINUX_CAPABILITY_VERSION_3, "capset: version %#x", h.version);
}

static void case_cap_errors(void)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    EXPECT_ERR("capget bad header", capget_((void *)8, d), EFAULT);
    EXPECT_ERR("capget bad data", capget_(&h, (void *)8), EFAULT);
    EXPECT_ERR("capset bad header", capset_((void *)8, d), EFAULT);
    EXPECT_ERR("capset bad data", capset_(&h, (void *)8), EFAULT);
    h.pid = -1;
    EXPECT_ERR("capget pid -1", capget_(&h, d), EINVAL);
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    p_wait(c, NULL, 0);
    h.pid = c;
    EXPECT_ERR("capget of a reaped pid", capget_(&h, d), ESRCH);
    h.pid = getppid();
    EXPECT_RET("capget of the parent", capget_(&h, d), 0);
    EXPECT_ERR("capset of another process", capset_(&h, d), EPERM);
}

/* Dropping CAP_SYS_ADMIN takes umount away (EPERM for a directory that
 * is no mount point, instead of EINVAL); it cannot be raised again, and the effective set must stay
 * within the permitted one. */
static void case_cap_drop(void)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    mkdir("/tmp/compat-dir", 0700);
    EXPECT_ERR("umount2 as root", umount2("/tmp/compat-dir", 0), EINVAL);
    EXPECT_RET("capget", capget_(&h, d), 0);
    d[0].effective &= ~(1u << CAP_SYS_ADMIN);
    d[0].permitted &= ~(1u << CAP_SYS_ADMIN);
    EXPECT_RET("capset drop", capset_(&h, d), 0);
    T_EXPECT(!(status_hex("CapEff") >> CAP_SYS_ADMIN & 1), "status still has CAP_SYS_ADMIN");
    EXPECT_ERR("umount2 without CAP_SYS_ADMIN", umount2("/tmp/compat-dir", 0), EPERM);
    rmdir("/tmp/compat-dir");
    d[0].effective |= 1u << CAP_SYS_ADMIN;
    EXPECT_ERR("capset raise effective beyond permitted", capset_(&h, d), EPERM);
    d[0].permitted |= 1u << CAP_SYS_ADMIN;
    EXPECT_ERR("capset raise permitted", capset_(&h, d), EPERM);
    d[0].effective = d[0].permitted = 0;
    d[1].effective = d[1].permitted = 0;
    EXPECT_RET("capset drop all", capset_(&h, d), 0);
    EXPECT_ERR("setuid without CAP_SETUID", setuid(5), EPERM);
}

/* Leaving uid 0 takes the capabilities as Linux takes them: an effective
 * uid other than 0 empties the effective set, which coming back restores;
 * all uids non-zero drop the permitted set too. */
static void case_cap_setuid(void)
{
    unsigned long long eff, prm, inh, full;
    caps_of(0, &full, &prm, &inh);
    EXPECT_RET("seteuid(1000)", seteuid(1000), 0);
    caps_of(0, &eff, &prm, &inh);
    T_EXPECT(eff == 0 && prm == full, "euid 1000: eff %llx prm %llx", eff, prm);
    EXPECT_RET("seteuid(0)", seteuid(0), 0);
    caps_of(0, &eff, &prm, &inh);
    T_EXPECT(eff == full, "euid 0 again: eff %llx", eff);
    EXPECT_RET("setuid(1000)", setuid(1000), 0);
    caps_of(0, &eff, &prm, &inh);
    T_EXPECT(eff == 0 && prm == 0, "uid 1000: eff %llx prm %llx", eff, prm);
    T_EXPECT(status_hex("CapPrm") == 0, "status CapPrm not 0");
    EXPECT_ERR("setuid(0) back", setuid(0), EPERM);
}

/* PER_LINUX with ADDR_NO_RANDOMIZE is taken and inherited; 0xffffffff
 * asks; what the kernel does not honour (PER_LINUX32, READ_IMPLIES_EXEC)
 * is EINVAL in Uniplex (Linux takes them). */
static void case_personality(void)
{
    EXPECT_RET("query", personality(0xffffffff), PER_LINUX);
    EXPECT_RET("set ADDR_NO_RANDOMIZE", personality(PER_LINUX | ADDR_NO_RANDOMIZE), PER_LINUX);
    EXPECT_RET("query again", personality(0xffffffff), ADDR_NO_RANDOMIZE);
    pid_t c = fork();
    if (c == 0)
        _exit(personality(0xffffffff) == ADDR_NO_RANDOMIZE ? 0 : 1);
    int st = 0;
    p_wait(c, &st, 0);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "not inherited: %s", p_status_str(st));
    if (t_uniplex()) {
        EXPECT_ERR("PER_LINUX32", personality(PER_LINUX32), EINVAL);
        EXPECT_ERR("READ_IMPLIES_EXEC", personality(READ_IMPLIES_EXEC), EINVAL);
        EXPECT_RET("unchanged", personality(0xffffffff), ADDR_NO_RANDOMIZE);
    }
    EXPECT_RET("back to PER_LINUX", personality(PER_LINUX), ADDR_NO_RANDOMIZE);
}

/* mlock counts in VmLck (the whole pages of the range, an unaligned
 * start rounded down), munlock takes it back; unmapped ranges are ENOMEM,
 * unknown mlock2 flags EINVAL; a forked child inherits no lock. */
static void case_mlock(void)
{
    long base = vm_locked();
    char *m = mmap(0, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(m != MAP_FAILED, "mmap: %s", t_errname(errno));
    EXPECT_RET("mlock 2 pages", mlock(m + 100, 2 * PG - 100), 0);
    T_EXPECT(vm_locked() == base + 8, "VmLck %ld kB, expected %ld", vm_locked(), base + 8);
    EXPECT_RET("mlock2 onfault", syscall(SYS_mlock2, m + 3 * PG, PG, MLOCK_ONFAULT), 0);
    T_EXPECT(vm_locked() == base + 12, "VmLck %ld kB after mlock2", vm_locked());
    pid_t c = fork();
    if (c == 0)
        _exit(vm_locked() == 0 ? 0 : 1);
    int st = 0;
    p_wait(c, &st, 0);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child has locks: %s", p_status_str(st));
    EXPECT_RET("munlock", munlock(m, 4 * PG), 0);
    T_EXPECT(vm_locked() == base, "VmLck %ld kB after munlock", vm_locked());
    EXPECT_ERR("mlock2 bad flags", syscall(SYS_mlock2, m, PG, 2), EINVAL);
    EXPECT_RET("munmap", munmap(m + PG, PG), 0);
    EXPECT_ERR("mlock across a hole", mlock(m, 3 * PG), ENOMEM);
    EXPECT_ERR("munlock across a hole", munlock(m, 3 * PG), ENOMEM);
    EXPECT_ERR("mlock beyond the program", mlock((void *)0xffff900000000000ull, PG), ENOMEM);
    EXPECT_RET("mlock of nothing", mlock(m, 0), 0);
    T_EXPECT(vm_locked() == base, "VmLck %ld kB after the failures", vm_locked());
}

/* mlockall: MCL_CURRENT locks what is mapped, MCL_FUTURE what comes;
 * munlockall undoes both. No flag, MCL_ONFAULT alone or an unknown bit
 * is EINVAL. */
static void case_mlockall(void)
{
    EXPECT_ERR("mlockall(0)", mlockall(0), EINVAL);
    EXPECT_ERR("mlockall(MCL_ONFAULT)", mlockall(MCL_ONFAULT), EINVAL);
    EXPECT_ERR("mlockall(8)", mlockall(8), EINVAL);
    EXPECT_RET("mlockall(MCL_CURRENT | MCL_FUTURE)", mlockall(MCL_CURRENT | MCL_FUTURE), 0);
    long before = vm_locked();
    T_EXPECT(before > 0, "VmLck 0 after mlockall");
    void *m = mmap(0, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(m != MAP_FAILED, "mmap: %s", t_errname(errno));
    T_EXPECT(vm_locked() == before + 64, "new mapping not locked: %ld -> %ld kB", before,
             vm_locked());
    unsigned char vec[16];
    EXPECT_RET("mincore", mincore(m, 16 * PG, vec), 0);
    for (int i = 0; i < 16; i++)
        T_EXPECT(vec[i] & 1, "page %d of a locked mapping not in memory", i);
    EXPECT_RET("munlockall", munlockall(), 0);
    T_EXPECT(vm_locked() == 0, "VmLck %ld kB after munlockall", vm_locked());
    void *m2 = mmap(0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(m2 != MAP_FAILED && vm_locked() == 0, "MCL_FUTURE outlived munlockall");
}

/* Root locks past RLIMIT_MEMLOCK (CAP_IPC_LOCK); without the capability
 * the limit holds (ENOMEM) and a limit of 0 forbids locking (EPERM). */
static void case_mlock_limit(void)
{
    struct rlimit rl = {PG, PG};
    char *m = mmap(0, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(m != MAP_FAILED, "mmap: %s", t_errname(errno));
    T_EXPECT(setrlimit(RLIMIT_MEMLOCK, &rl) == 0, "setrlimit: %s", t_errname(errno));
    EXPECT_RET("root past the limit", mlock(m, 4 * PG), 0);
    EXPECT_RET("munlock", munlock(m, 4 * PG), 0);
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    EXPECT_RET("capget", capget_(&h, d), 0);
    d[0].effective &= ~(1u << CAP_IPC_LOCK);
    EXPECT_RET("capset", capset_(&h, d), 0);
    EXPECT_RET("within the limit", mlock(m, PG), 0);
    EXPECT_ERR("past the limit", mlock(m + PG, PG), ENOMEM);
    EXPECT_RET("again the locked page", mlock(m, PG), 0);
    EXPECT_ERR("MAP_LOCKED past the limit",
               (long)mmap(0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0),
               EAGAIN);
    rl.rlim_cur = rl.rlim_max = 0;
    T_EXPECT(setrlimit(RLIMIT_MEMLOCK, &rl) == 0, "setrlimit 0: %s", t_errname(errno));
    EXPECT_ERR("limit 0", mlock(m + PG, PG), EPERM);
}

/* MAP_LOCKED makes a locked mapping, filled at once. */
static void case_map_locked(void)
{
    long base = vm_locked();
    unsigned char vec[4];
    void *m =
        mmap(0, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
    T_EXPECT(m != MAP_FAILED, "mmap: %s", t_errname(errno));
    T_EXPECT(vm_locked() == base + 16, "VmLck %ld kB", vm_locked());
    EXPECT_RET("mincore", mincore(m, 4 * PG, vec), 0);
    T_EXPECT(vec[0] && vec[3], "MAP_LOCKED pages not filled");
}

/* mincore reports the pages present: those touched of an anonymous
 * mapping, every page of a file's (its page cache). */
static void case_mincore(void)
{
    unsigned char vec[8];
    char *m = mmap(0, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(m != MAP_FAILED, "mmap: %s", t_errname(errno));
    m[0] = 1;
    m[2 * PG] = 1;
    memset(vec, 0x7f, sizeof vec);
    EXPECT_RET("mincore", mincore(m, 4 * PG - 1, vec), 0);
    T_EXPECT(vec[0] == 1 && vec[1] == 0 && vec[2] == 1 && vec[3] == 0 && vec[4] == 0x7f,
             "vec %d %d %d %d %d", vec[0], vec[1], vec[2], vec[3], vec[4]);
    int fd = open("/tmp/compat-mincore", O_RDWR | O_CREAT | O_TRUNC, 0600);
    T_EXPECT(fd >= 0 && write(fd, m, 2 * PG) == 2 * PG, "file: %s", t_errname(errno));
    char *f = mmap(0, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
    T_EXPECT(f != MAP_FAILED, "mmap file: %s", t_errname(errno));
    EXPECT_RET("mincore file", mincore(f, 2 * PG, vec), 0);
    T_EXPECT(vec[0] == 1 && vec[1] == 1, "file pages %d %d", vec[0], vec[1]);
    unlink("/tmp/compat-mincore");
}

static void case_mincore_errors(void)
{
    unsigned char vec[8];
    char *m = mmap(0, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(m != MAP_FAILED, "mmap: %s", t_errname(errno));
    EXPECT_ERR("misaligned", mincore(m + 1, PG, vec), EINVAL);
    EXPECT_ERR("bad vec", mincore(m, PG, (unsigned char *)8), EFAULT);
    EXPECT_ERR("kernel vec", mincore(m, PG, (unsigned char *)0xffffffff80000000ull), EFAULT);
    EXPECT_RET("munmap", munmap(m + 2 * PG, PG), 0);
    m[0] = 1;
    memset(vec, 0x7f, sizeof vec);
    EXPECT_ERR("across a hole", mincore(m, 4 * PG, vec), ENOMEM);
    EXPECT_ERR("unmapped", mincore(m + 2 * PG, PG, vec), ENOMEM);
    EXPECT_ERR("beyond the program", mincore((void *)0xffff900000000000ull, PG, vec), ENOMEM);
    EXPECT_RET("nothing", mincore(m, 0, vec), 0);
}

/* A klogctl read: each line "<PRI>[SECONDS.MICROS] TEXT". */
static void expect_syslog_lines(const char *buf, int n)
{
    for (int i = 0; i < n;) {
        int pri, k = 0;
        unsigned long s, us;
        T_EXPECT(sscanf(buf + i, "<%d>[%lu.%6lu]%n", &pri, &s, &us, &k) == 3 && k > 0,
                 "bad line at %d: %.40s", i, buf + i);
        const char *nl = memchr(buf + i, '\n', (size_t)(n - i));
        T_EXPECT(nl, "no newline at the end");
        i = (int)(nl - buf) + 1;
    }
}

/* What dmesg does: the buffer's size, then all of it. In Uniplex the boot
 * log is there ("syscalls: N Linux system calls implemented"). */
static void case_syslog_read_all(void)
{
    int size = klogctl(10, NULL, 0);
    T_EXPECT(size > 0, "SIZE_BUFFER: %d/%s", size, t_errname(errno));
    char *buf = malloc((size_t)size + 1);
    int n = klogctl(3, buf, size);
    T_EXPECT(n > 0, "READ_ALL: %d/%s", n, t_errname(errno));
    buf[n] = 0;
    expect_syslog_lines(buf, n);
    if (t_uniplex())
        T_EXPECT(strstr(buf, "] syscalls: ") && strstr(buf, " Linux system calls implemented\n"),
                 "no boot line in the log");
    int small = klogctl(3, buf, 64);
    T_EXPECT(small >= 0 && small <= 64, "READ_ALL of 64 bytes: %d", small);
}

static void case_syslog_errors(void)
{
    char buf[64];
    EXPECT_ERR("READ_ALL NULL", klogctl(3, NULL, 10), EINVAL);
    EXPECT_ERR("READ_ALL negative", klogctl(3, buf, -1), EINVAL);
    EXPECT_RET("READ_ALL 0 bytes", klogctl(3, buf, 0), 0);
    EXPECT_ERR("READ_ALL bad buffer", klogctl(3, (char *)8, 65536), EFAULT);
    EXPECT_ERR("unknown action", klogctl(99, buf, 10), EINVAL);
    EXPECT_ERR("CONSOLE_LEVEL 0", klogctl(8, NULL, 0), EINVAL);
    EXPECT_ERR("CONSOLE_LEVEL 9", klogctl(8, NULL, 9), EINVAL);
    EXPECT_ERR("READ bad buffer", klogctl(2, (char *)8, 100), EFAULT);
    int unread = klogctl(9, NULL, 0);
    T_EXPECT(unread >= 0, "SIZE_UNREAD: %s", t_errname(errno));
}

/* Inside Uniplex (the host's log is left alone): CLEAR empties what
 * READ_ALL gives; without CAP_SYSLOG only READ_ALL and SIZE_BUFFER are
 * allowed (kernel.dmesg_restrict 0). */
static void case_syslog_clear(void)
{
    char buf[4096];
    if (!t_uniplex())
        return;
    EXPECT_RET("CLEAR", klogctl(5, NULL, 0), 0);
    EXPECT_RET("READ_ALL after CLEAR", klogctl(3, buf, sizeof buf), 0);
    int fd = open("/dev/kmsg", O_WRONLY);
    T_EXPECT(fd >= 0 && write(fd, "<3>compat: after the clear\n", 27) == 27, "kmsg write");
    int n = klogctl(4, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    T_EXPECT(n > 0 && strncmp(buf, "<11>[", 5) == 0 && strstr(buf, "] compat: after the clear\n"),
             "READ_CLEAR gave %d: %s", n, buf);
    EXPECT_RET("READ_ALL after READ_CLEAR", klogctl(3, buf, sizeof buf), 0);
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    EXPECT_RET("capget", capget_(&h, d), 0);
    d[1].effective &= ~(1u << (CAP_SYSLOG - 32));
    EXPECT_RET("capset", capset_(&h, d), 0);
    EXPECT_ERR("CLEAR without CAP_SYSLOG", klogctl(5, NULL, 0), EPERM);
    EXPECT_ERR("SIZE_UNREAD without CAP_SYSLOG", klogctl(9, NULL, 0), EPERM);
    T_EXPECT(klogctl(10, NULL, 0) > 0, "SIZE_BUFFER refused");
    EXPECT_RET("READ_ALL without CAP_SYSLOG", klogctl(3, buf, sizeof buf), 0);
}

/* One /dev/kmsg record: "PRI,SEQ,USEC,FLAGS;TEXT\n". */
static void parse_record(const char *rec, unsigned *pri, unsigned long long *seq, const char **text)
{
    unsigned long long usec;
    char flag;
    int k = 0;
    T_EXPECT(sscanf(rec, "%u,%llu,%llu,%c;%n", pri, seq, &usec, &flag, &k) == 4 && k > 0,
             "bad record: %.60s", rec);
    *text = rec + k;
}

/* A record written is read back with its level and LOG_USER; reads give
 * one record each, need room for all of it (EINVAL, and the record is
 * passed) and say EAGAIN at the end with O_NONBLOCK; poll says when there
 * is one; bytes outside printable ASCII come escaped. */
static void case_kmsg_rw(void)
{
    char rec[2048], msg[64];
    unsigned pri;
    unsigned long long seq, seq2;
    const char *text;
    int r = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    int w = open("/dev/kmsg", O_WRONLY);
    T_EXPECT(r >= 0 && w >= 0, "open: %s", t_errname(errno));
    ssize_t n = read(r, rec, sizeof rec - 1);
    T_EXPECT(n > 0 && rec[n - 1] == '\n', "first record: %zd/%s", n, t_errname(errno));
    EXPECT_RET("SEEK_END", lseek(r, 0, SEEK_END), 0);
    EXPECT_ERR("read at the end", read(r, rec, sizeof rec), EAGAIN);
    struct pollfd pf = {r, POLLIN, 0};
    EXPECT_RET("poll at the end", poll(&pf, 1, 0), 0);
    int len = snprintf(msg, sizeof msg, "<5>compat kmsg %d\n", (int)getpid());
    EXPECT_RET("write", write(w, msg, (size_t)len), len);
    EXPECT_RET("poll", poll(&pf, 1, 0), 1);
    EXPECT_ERR("read too small (the record is passed)", read(r, rec, 10), EINVAL);
    while ((n = read(r, rec, sizeof rec - 1)) > 0) { /* the host's own records may come */
        rec[n] = 0;
        T_EXPECT(!strstr(rec, msg + 3), "the record came again: %s", rec);
    }
    T_EXPECT(errno == EAGAIN, "read after it: %s", t_errname(errno));
    EXPECT_RET("write again", write(w, msg, (size_t)len), len);
    n = read(r, rec, sizeof rec - 1);
    T_EXPECT(n > 0, "read 1: %s", t_errname(errno));
    rec[n] = 0;
    parse_record(rec, &pri, &seq, &text);
    T_EXPECT(pri == (1 << 3 | 5) && strncmp(text, msg + 3, (size_t)len - 3) == 0, "record %s", rec);
    len = snprintf(msg, sizeof msg, "compat tab\tend\n");
    EXPECT_RET("write plain", write(w, msg, (size_t)len), len);
    n = read(r, rec, sizeof rec - 1);
    T_EXPECT(n > 0, "read 2: %s", t_errname(errno));
    rec[n] = 0;
    parse_record(rec, &pri, &seq2, &text);
    T_EXPECT(pri == (1 << 3 | 4) && seq2 > seq && strcmp(text, "compat tab\\x09end\n") == 0,
             "record %s (seq %llu after %llu)", rec, seq2, seq);
}

static void case_kmsg_errors(void)
{
    static char big[2048];
    char rec[2048];
    int fd = open("/dev/kmsg", O_RDWR | O_NONBLOCK);
    T_EXPECT(fd >= 0, "open: %s", t_errname(errno));
    EXPECT_ERR("lseek offset 1", lseek(fd, 1, SEEK_SET), ESPIPE);
    EXPECT_ERR("lseek SEEK_CUR", lseek(fd, 0, SEEK_CUR), EINVAL);
    EXPECT_ERR("lseek whence 7", lseek(fd, 0, 7), EINVAL);
    EXPECT_RET("lseek SEEK_DATA", lseek(fd, 0, SEEK_DATA), 0);
    EXPECT_RET("lseek SEEK_SET", lseek(fd, 0, SEEK_SET), 0);
    EXPECT_ERR("read into a bad buffer", read(fd, (void *)8, sizeof rec), EFAULT);
    EXPECT_ERR("write a bad buffer", write(fd, (void *)8, 10), EFAULT);
    memset(big, 'x', sizeof big);
    EXPECT_ERR("write too long", write(fd, big, sizeof big), EINVAL);
    close(fd);
    EXPECT_ERR("read a closed fd", read(fd, rec, sizeof rec), EBADF);
}

/* Inside Uniplex: a call the kernel lacks is reported in the kernel log
 * (what the console shows only with -v or loglevel=). */
static void case_kmsg_notice(void)
{
    char rec[2048];
    if (!t_uniplex())
        return;
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    T_EXPECT(fd >= 0, "open: %s", t_errname(errno));
    EXPECT_RET("SEEK_END", lseek(fd, 0, SEEK_END), 0);
    EXPECT_ERR("an unimplemented call", syscall(SYS_vhangup), ENOSYS);
    ssize_t n = read(fd, rec, sizeof rec - 1);
    T_EXPECT(n > 0, "no record: %s", t_errname(errno));
    rec[n] = 0;
    T_EXPECT(strstr(rec, ";unimplemented syscall vhangup (153) from pid "), "record %s", rec);
}

/* The image's /etc: users and groups by name, the host name. */
static void case_etc_files(void)
{
    struct passwd *pw = getpwnam("root");
    T_EXPECT(pw && pw->pw_uid == 0 && pw->pw_gid == 0, "no root in /etc/passwd");
    pw = getpwnam("nobody");
    T_EXPECT(pw && pw->pw_uid == 65534, "no nobody in /etc/passwd");
    struct group *gr = getgrgid(0);
    T_EXPECT(gr && strcmp(gr->gr_name, "root") == 0, "no group 0 in /etc/group");
    char name[128] = "";
    int fd = open("/etc/hostname", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, name, sizeof name - 1) : -1;
    T_EXPECT(n > 1 && name[n - 1] == '\n', "/etc/hostname: %s", t_errname(errno));
    name[n - 1] = 0;
    struct utsname u;
    uname(&u);
    if (t_uniplex())
        T_EXPECT(strcmp(name, u.nodename) == 0, "/etc/hostname %s, uname %s", name, u.nodename);
}

/* /proc/self/status's signal sets follow sigprocmask and sigaction. */
static void case_status_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGRTMIN + 1);
    T_EXPECT(sigprocmask(SIG_BLOCK, &set, 0) == 0, "sigprocmask");
    signal(SIGUSR2, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    struct sigaction sa = {.sa_handler = (void (*)(int))case_status_signals};
    T_EXPECT(sigaction(SIGTERM, &sa, 0) == 0, "sigaction");
    unsigned long long blk = status_hex("SigBlk"), ign = status_hex("SigIgn"),
                       cgt = status_hex("SigCgt");
    unsigned long long bit_usr1 = 1ull << (SIGUSR1 - 1), bit_rt = 1ull << (SIGRTMIN + 1 - 1);
    T_EXPECT((blk & bit_usr1) && (blk & bit_rt), "SigBlk %016llx", blk);
    T_EXPECT((ign & (1ull << (SIGUSR2 - 1))) && (ign & (1ull << (SIGHUP - 1))), "SigIgn %016llx",
             ign);
    T_EXPECT((cgt & (1ull << (SIGTERM - 1))) && !(cgt & (1ull << (SIGUSR2 - 1))), "SigCgt %016llx",
             cgt);
    raise(SIGUSR1);
    T_EXPECT(status_hex("SigPnd") & bit_usr1 || status_hex("ShdPnd") & bit_usr1,
             "SIGUSR1 not pending");
    char q[32];
    status_field("SigQ", q, sizeof q);
    T_EXPECT(strchr(q, '/'), "SigQ %s", q);
}

/* comm: the process may rename itself (15 bytes kept, a newline too, the
 * whole count written); another process's is EINVAL; a bad buffer
 * EFAULT. */
static void case_comm_write(void)
{
    char buf[64] = "";
    int fd = open("/proc/self/comm", O_RDWR);
    T_EXPECT(fd >= 0, "open: %s", t_errname(errno));
    EXPECT_RET("write", write(fd, "compat-new\n", 11), 11);
    EXPECT_RET("lseek", lseek(fd, 0, SEEK_SET), 0);
    T_EXPECT(read(fd, buf, sizeof buf) == 12 && strcmp(buf, "compat-new\n\n") == 0, "comm [%s]",
             buf);
    EXPECT_RET("write long", write(fd, "0123456789abcdefghij", 20), 20);
    memset(buf, 0, sizeof buf);
    EXPECT_RET("pread", pread(fd, buf, sizeof buf, 0), 16);
    T_EXPECT(strcmp(buf, "0123456789abcde\n") == 0, "comm [%s]", buf);
    EXPECT_ERR("write a bad buffer", write(fd, (void *)8, 3), EFAULT);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/comm", (int)getppid());
    int other = open(path, O_WRONLY);
    T_EXPECT(other >= 0, "open %s: %s", path, t_errname(errno));
    EXPECT_ERR("write another's", write(other, "x", 1), EINVAL);
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)getpid());
    int task = open(path, O_RDWR);
    EXPECT_RET("write the thread's", write(task, "thr", 3), 3);
    memset(buf, 0, sizeof buf);
    EXPECT_RET("read the process's", pread(fd, buf, sizeof buf, 0), 4);
    T_EXPECT(strcmp(buf, "thr\n") == 0, "comm [%s]", buf);
}

/* The /proc/sys files issue 13 names read as numbers; in Uniplex each is
 * what the kernel does (pipe-max-size is Linux's 1 MiB, nothing taints). */
static void case_proc_sys(void)
{
    static const char *const files[] = {
        "/proc/sys/kernel/pid_max",   "/proc/sys/kernel/tainted",
        "/proc/sys/fs/pipe-max-size", "/proc/sys/fs/pipe-user-pages-soft",
        "/proc/sys/fs/file-max",      "/proc/sys/fs/nr_open",
        "/proc/sys/vm/max_map_count", "/proc/sys/vm/overcommit_memory",
    };
    long v[8];
    for (int i = 0; i < 8; i++) {
        char buf[64] = "", *end;
        int fd = open(files[i], O_RDONLY);
        T_EXPECT(fd >= 0 && read(fd, buf, sizeof buf - 1) > 1, "%s: %s", files[i],
                 t_errname(errno));
        close(fd);
        v[i] = strtol(buf, &end, 10);
        T_EXPECT(end != buf && *end == '\n', "%s: %s", files[i], buf);
    }
    int p[2];
    T_EXPECT(pipe(p) == 0, "pipe");
    if (t_uniplex())
        T_EXPECT(v[1] == 0 && v[2] == 1048576 && fcntl(p[0], F_GETPIPE_SZ) == 65536 &&
                     v[6] == 65530,
                 "tainted %ld, pipe-max-size %ld, max_map_count %ld", v[1], v[2], v[6]);
}

static sigjmp_buf fault_jb;
static void on_fault(int sig)
{
    siglongjmp(fault_jb, sig);
}

/* The signal a read of *p raises (0: none). */
static int read_faults(const volatile char *p)
{
    int sig = sigsetjmp(fault_jb, 1);
    if (sig == 0)
        (void)*p;
    return sig;
}

/* mprotect(PROT_NONE) takes access away from pages already present
 * (private and shared anonymous memory, a shared file mapping) at once;
 * PROT_READ gives them back with their data, in a forked child too. */
static void case_prot_none_present(void)
{
    signal(SIGSEGV, on_fault);
    int fd = open("/tmp/compat-pn", O_RDWR | O_CREAT | O_TRUNC, 0600);
    T_EXPECT(fd >= 0 && ftruncate(fd, PG) == 0, "file: %s", t_errname(errno));
    char *m[3] = {
        mmap(0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
        mmap(0, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
        mmap(0, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
    };
    unlink("/tmp/compat-pn");
    for (int i = 0; i < 3; i++) {
        T_EXPECT(m[i] != MAP_FAILED, "mmap %d: %s", i, t_errname(errno));
        m[i][0] = (char)('a' + i);
        T_EXPECT(mprotect(m[i], PG, PROT_NONE) == 0, "mprotect %d", i);
        T_EXPECT(read_faults(m[i]) == SIGSEGV, "mapping %d still readable", i);
    }
    char *fresh = mmap(0, PG, PROT_NONE, MAP_SHARED, fd, 0);
    T_EXPECT(fresh != MAP_FAILED && read_faults(fresh) == SIGSEGV,
             "a PROT_NONE shared file mapping reads");
    pid_t c = fork();
    if (c == 0) {
        for (int i = 0; i < 3; i++)
            if (mprotect(m[i], PG, PROT_READ) != 0 || m[i][0] != 'a' + i)
                _exit(10 + i);
        _exit(0);
    }
    int st = 0;
    p_wait(c, &st, 0);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %s", p_status_str(st));
    for (int i = 0; i < 3; i++) {
        T_EXPECT(mprotect(m[i], PG, PROT_READ) == 0, "mprotect back %d", i);
        T_EXPECT(read_faults(m[i]) == 0 && m[i][0] == 'a' + i, "mapping %d lost its data", i);
    }
}

/* Wait up to 5 s for getppid() to become want: 1 when it did. */
static int ppid_becomes(pid_t want)
{
    for (int i = 0; i < 500 && getppid() != want; i++)
        usleep(10000);
    return getppid() == want;
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig)
{
    (void)sig;
    got_usr1 = 1;
}

/* The parent-death signal: read back, invalid signals EINVAL, a bad
 * pointer EFAULT, cleared in a fork's child; sent when the parent exits,
 * after which the orphan belongs to the subreaper that waits for it. */
static void case_prctl_pdeathsig(void)
{
    int v = -1, fds[2];
    EXPECT_RET("PR_GET_PDEATHSIG", prctl(PR_GET_PDEATHSIG, &v), 0);
    T_EXPECT(v == 0, "initial pdeathsig %d", v);
    EXPECT_ERR("PR_SET_PDEATHSIG 65", prctl(PR_SET_PDEATHSIG, 65), EINVAL);
    EXPECT_ERR("PR_SET_PDEATHSIG -1", prctl(PR_SET_PDEATHSIG, -1L), EINVAL);
    EXPECT_ERR("PR_GET_PDEATHSIG bad pointer", prctl(PR_GET_PDEATHSIG, (int *)8), EFAULT);
    EXPECT_RET("PR_SET_PDEATHSIG SIGUSR1", prctl(PR_SET_PDEATHSIG, SIGUSR1), 0);
    EXPECT_RET("PR_GET_PDEATHSIG again", prctl(PR_GET_PDEATHSIG, &v), 0);
    T_EXPECT(v == SIGUSR1, "pdeathsig %d, not SIGUSR1", v);
    pid_t c = fork();
    if (c == 0)
        _exit(prctl(PR_GET_PDEATHSIG, &v) == 0 && v == 0 ? 0 : 1);
    int st;
    T_EXPECT(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
             "fork's child kept the pdeathsig: %s", p_status_str(st));
    pid_t me = getpid(), grandchild = -1;
    EXPECT_RET("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    T_EXPECT(pipe(fds) == 0, "pipe");
    pid_t mid = fork();
    if (mid == 0) {
        pid_t g = fork();
        if (g == 0) {
            sigset_t block, none;
            sigemptyset(&block);
            sigemptyset(&none);
            sigaddset(&block, SIGUSR1);
            sigprocmask(SIG_BLOCK, &block, 0);
            signal(SIGUSR1, on_usr1);
            prctl(PR_SET_PDEATHSIG, SIGUSR1);
            close(fds[0]);
            write(fds[1], "r", 1); /* armed: the parent may go */
            while (!got_usr1)
                sigsuspend(&none);
            _exit(getppid() == me ? 0 : 3);
        }
        char b;
        read(fds[0], &b, 1);
        _exit(0);
    }
    close(fds[1]);
    T_EXPECT(waitpid(mid, &st, 0) == mid && WIFEXITED(st), "middle: %s", p_status_str(st));
    grandchild = waitpid(-1, &st, 0);
    T_EXPECT(grandchild > 0, "subreaper's wait: %s", t_errname(errno));
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "orphan: %s (3: ppid not the subreaper)",
             p_status_str(st));
}

/* The parent-death signal of the calling thread, or -1. */
static int pdeathsig(void)
{
    int v = -1;
    return prctl(PR_GET_PDEATHSIG, &v) == 0 ? v : -1;
}

/* A change of an effective or file-system id clears the parent-death
 * signal (Linux's commit_creds); a call that changes nothing keeps it. */
static void case_prctl_pdeathsig_creds(void)
{
    EXPECT_RET("PR_SET_PDEATHSIG", prctl(PR_SET_PDEATHSIG, SIGUSR1), 0);
    EXPECT_RET("setresuid(-1, -1, -1)", setresuid(-1, -1, -1), 0);
    EXPECT_RET("setgid(0)", setgid(0), 0);
    T_EXPECT(pdeathsig() == SIGUSR1, "cleared by no change: %d", pdeathsig());
    setfsuid(5);
    T_EXPECT(pdeathsig() == 0, "kept across setfsuid(5): %d", pdeathsig());
    EXPECT_RET("PR_SET_PDEATHSIG again", prctl(PR_SET_PDEATHSIG, SIGUSR2), 0);
    EXPECT_RET("setegid(7)", setegid(7), 0);
    T_EXPECT(pdeathsig() == 0, "kept across setegid(7): %d", pdeathsig());
    EXPECT_RET("PR_SET_PDEATHSIG a third time", prctl(PR_SET_PDEATHSIG, SIGUSR2), 0);
    EXPECT_RET("seteuid(1000)", seteuid(1000), 0);
    T_EXPECT(pdeathsig() == 0, "kept across seteuid(1000): %d", pdeathsig());
}

/* The thread that forked a child: it waits until the child is armed,
 * then ends (pthread_exit), leaving the process alive. */
static void *forking_thread(void *arg)
{
    int *fds = arg;
    pid_t c = fork();
    if (c == 0) {
        sigset_t block, none;
        sigemptyset(&block);
        sigemptyset(&none);
        sigaddset(&block, SIGUSR1);
        sigprocmask(SIG_BLOCK, &block, 0);
        signal(SIGUSR1, on_usr1);
        prctl(PR_SET_PDEATHSIG, SIGUSR1);
        pid_t pp = getppid();
        write(fds[1], "r", 1);
        while (!got_usr1)
            sigsuspend(&none);
        _exit(getppid() == pp ? 0 : 3); /* still the same process's child */
    }
    char b;
    read(fds[0], &b, 1);
    return (void *)(long)c;
}

/* As on Linux, the parent-death signal follows the thread that forked:
 * it comes when that thread ends, though its process lives on. */
static void case_prctl_pdeathsig_thread(void)
{
    int fds[2], st;
    pthread_t t;
    void *ret;
    T_EXPECT(pipe(fds) == 0, "pipe");
    T_EXPECT(pthread_create(&t, 0, forking_thread, fds) == 0, "pthread_create");
    T_EXPECT(pthread_join(t, &ret) == 0, "pthread_join");
    pid_t c = (pid_t)(long)ret;
    T_EXPECT(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
             "child: %s (3: reparented away)", p_status_str(st));
}

/* A subreaper: read back (any non-zero sets it), EFAULT for a bad
 * pointer, not inherited by fork; orphans go to the nearest living one,
 * and on to the next when it exits. */
static void case_prctl_subreaper(void)
{
    int v = -1, go[2], done[2];
    EXPECT_RET("PR_GET_CHILD_SUBREAPER", prctl(PR_GET_CHILD_SUBREAPER, &v), 0);
    T_EXPECT(v == 0, "initial %d", v);
    EXPECT_ERR("PR_GET_CHILD_SUBREAPER bad pointer", prctl(PR_GET_CHILD_SUBREAPER, (int *)8),
               EFAULT);
    EXPECT_RET("PR_SET_CHILD_SUBREAPER 7", prctl(PR_SET_CHILD_SUBREAPER, 7), 0);
    EXPECT_RET("PR_GET_CHILD_SUBREAPER", prctl(PR_GET_CHILD_SUBREAPER, &v), 0);
    T_EXPECT(v == 1, "subreaper %d after setting it", v);
    pid_t me = getpid();
    T_EXPECT(pipe(go) == 0 && pipe(done) == 0, "pipe");
    pid_t mid = fork();
    if (mid == 0) { /* a subreaper below me, with an orphan-to-be below it */
        close(go[1]);
        if (prctl(PR_GET_CHILD_SUBREAPER, &v) || v != 0)
            _exit(2);
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        pid_t midpid = getpid();
        if (fork() == 0) {
            if (fork() == 0) {
                int ok = ppid_becomes(midpid);
                write(done[1], ok ? "1" : "0", 1);
                char b;
                read(go[0], &b, 1); /* mid is gone once go reads end of file */
                ok = ppid_becomes(me);
                write(done[1], ok ? "1" : "0", 1);
                _exit(0);
            }
            _exit(0);
        }
        wait(0);
        char b;
        read(done[0], &b, 1);
        _exit(b == '1' ? 0 : 4);
    }
    close(go[0]);
    int st;
    T_EXPECT(waitpid(mid, &st, 0) == mid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
             "middle subreaper: %s (2: inherited, 4: orphan not its)", p_status_str(st));
    close(go[1]);
    char b = 0;
    T_EXPECT(read(done[0], &b, 1) == 1 && b == '1', "orphan did not come to me after the middle");
    pid_t g = wait(&st);
    T_EXPECT(g > 0 && WIFEXITED(st), "wait for the orphan: %s", t_errname(errno));
}

/* Timer slack: Linux's 50 us at first, set and read back, inherited by
 * fork, where 0 puts back the value the thread started with. */
static void case_prctl_timerslack(void)
{
    EXPECT_RET("PR_GET_TIMERSLACK", prctl(PR_GET_TIMERSLACK), 50000);
    EXPECT_RET("PR_SET_TIMERSLACK", prctl(PR_SET_TIMERSLACK, 123456), 0);
    EXPECT_RET("PR_GET_TIMERSLACK after set", prctl(PR_GET_TIMERSLACK), 123456);
    pid_t c = fork();
    if (c == 0) {
        int ok = prctl(PR_GET_TIMERSLACK) == 123456;
        ok = ok && prctl(PR_SET_TIMERSLACK, 7) == 0 && prctl(PR_GET_TIMERSLACK) == 7;
        ok = ok && prctl(PR_SET_TIMERSLACK, 0) == 0 && prctl(PR_GET_TIMERSLACK) == 123456;
        _exit(ok ? 0 : 1);
    }
    int st;
    T_EXPECT(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child's slack: %s",
             p_status_str(st));
    EXPECT_RET("PR_SET_TIMERSLACK 0", prctl(PR_SET_TIMERSLACK, 0), 0);
    EXPECT_RET("PR_GET_TIMERSLACK default", prctl(PR_GET_TIMERSLACK), 50000);
}

/* What "compat --after-exec" exits with: which prctl settings and
 * capabilities the exec kept. */
#define AX_NNP       1
#define AX_PDEATHSIG 2
#define AX_SLACK     4
#define AX_SYSADMIN  8
static int after_exec(void)
{
    int sig = 0;
    unsigned long long eff, prm, inh;
    prctl(PR_GET_PDEATHSIG, &sig);
    caps_of(0, &eff, &prm, &inh);
    return (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? AX_NNP : 0) |
           (sig == SIGUSR2 ? AX_PDEATHSIG : 0) |
           (prctl(PR_GET_TIMERSLACK) == 123456 ? AX_SLACK : 0) |
           (prm >> CAP_SYS_ADMIN & 1 ? AX_SYSADMIN : 0);
}

/* Drop CAP_SYS_ADMIN, set the prctl state (no_new_privs if nnp), exec
 * "compat --after-exec" in a child: its exit status. */
static int exec_report(int nnp)
{
    pid_t c = fork();
    if (c == 0) {
        struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct d[2];
        capget_(&h, d);
        d[0].effective &= ~(1u << CAP_SYS_ADMIN);
        d[0].permitted &= ~(1u << CAP_SYS_ADMIN);
        if (capset_(&h, d) || prctl(PR_SET_PDEATHSIG, SIGUSR2) ||
            prctl(PR_SET_TIMERSLACK, 123456) || (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)))
            _exit(100);
        execl("/proc/self/exe", "compat", "--after-exec", (char *)0);
        _exit(101);
    }
    int st;
    T_EXPECT(waitpid(c, &st, 0) == c && WIFEXITED(st), "exec child: %s", p_status_str(st));
    return WEXITSTATUS(st);
}

/* no_new_privs: arguments checked as Linux (EINVAL), one-way, inherited
 * by fork; exec keeps it and the other prctl state, and with it a root
 * exec does not win back a capability it dropped. Without it, it does,
 * and then loses its parent-death signal (Linux's commit_creds). */
static void case_prctl_no_new_privs(void)
{
    EXPECT_RET("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
    EXPECT_ERR("PR_SET_NO_NEW_PRIVS 2", prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0), EINVAL);
    EXPECT_ERR("PR_SET_NO_NEW_PRIVS 0", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0), EINVAL);
    EXPECT_ERR("PR_SET_NO_NEW_PRIVS extra", prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0), EINVAL);
    EXPECT_ERR("PR_GET_NO_NEW_PRIVS arg", prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0), EINVAL);
    EXPECT_RET("PR_GET_NO_NEW_PRIVS still", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
    int r = exec_report(0);
    T_EXPECT(r == (AX_SLACK | AX_SYSADMIN), "exec without nnp reported %d", r);
    r = exec_report(1);
    T_EXPECT(r == (AX_NNP | AX_PDEATHSIG | AX_SLACK), "exec with nnp reported %d", r);
    EXPECT_RET("PR_SET_NO_NEW_PRIVS", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
    EXPECT_RET("PR_GET_NO_NEW_PRIVS set", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
    pid_t c = fork();
    if (c == 0)
        _exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 1);
    int st;
    T_EXPECT(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
             "fork's child lost it: %s", p_status_str(st));
}

/* fs.pipe-max-size as a number. */
static long pipe_max_size(void)
{
    char buf[32] = "";
    int fd = open("/proc/sys/fs/pipe-max-size", O_RDONLY);
    T_EXPECT(fd >= 0 && read(fd, buf, sizeof buf - 1) > 0, "pipe-max-size: %s", t_errname(errno));
    close(fd);
    return atol(buf);
}

/* F_SETPIPE_SZ rounds up to a power-of-two number of pages (0 to one
 * page), keeps the data, and the pipe then holds exactly that much: a
 * writer fills it without blocking and no further. EBUSY below the data
 * held, EINVAL above 2 GiB, EBADF for what is not a pipe. */
static void case_pipe_size(void)
{
    int p[2], fd = open("/proc/self/exe", O_RDONLY);
    long max = pipe_max_size();
    T_EXPECT(pipe2(p, O_NONBLOCK) == 0 && fd >= 0, "pipe2: %s", t_errname(errno));
    EXPECT_RET("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ), 65536);
    EXPECT_RET("F_SETPIPE_SZ 0", fcntl(p[1], F_SETPIPE_SZ, 0), PG);
    EXPECT_RET("F_GETPIPE_SZ after 0", fcntl(p[0], F_GETPIPE_SZ), PG);
    EXPECT_RET("F_SETPIPE_SZ 5000", fcntl(p[0], F_SETPIPE_SZ, 5000), 2 * PG);
    EXPECT_RET("F_SETPIPE_SZ 3 pages + 1", fcntl(p[0], F_SETPIPE_SZ, 3 * PG + 1), 4 * PG);
    EXPECT_RET("write before the resize", write(p[1], "hello", 5), 5);
    EXPECT_RET("F_SETPIPE_SZ max", fcntl(p[0], F_SETPIPE_SZ, max), max);
    char *buf = malloc(max + 5), *back = malloc(max + 5);
    T_EXPECT(buf && back, "malloc");
    for (long i = 0; i < max; i++)
        buf[i] = (char)(i * 7);
    EXPECT_RET("fill the rest", write(p[1], buf, max - 5), max - 5);
    EXPECT_ERR("write to a full pipe", write(p[1], "x", 1), EAGAIN);
    EXPECT_ERR("shrink below the data", fcntl(p[0], F_SETPIPE_SZ, PG), EBUSY);
    EXPECT_RET("read it all", read(p[0], back, max + 5), max);
    T_EXPECT(memcmp(back, "hello", 5) == 0 && memcmp(back + 5, buf, max - 5) == 0,
             "data changed by the resizes");
    EXPECT_RET("shrink when empty", fcntl(p[0], F_SETPIPE_SZ, PG), PG);
    EXPECT_RET("one page fits", write(p[1], buf, 2 * PG), PG);
    EXPECT_ERR("above 2 GiB", fcntl(p[0], F_SETPIPE_SZ, (1u << 31) + 1), EINVAL);
    EXPECT_ERR("F_GETPIPE_SZ of a file", fcntl(fd, F_GETPIPE_SZ), EBADF);
    EXPECT_ERR("F_SETPIPE_SZ of a file", fcntl(fd, F_SETPIPE_SZ, PG), EBADF);
    EXPECT_ERR("F_GETPIPE_SZ of -1", fcntl(-1, F_GETPIPE_SZ), EBADF);
    free(buf);
    free(back);
}

/* Past fs.pipe-max-size takes CAP_SYS_RESOURCE (EPERM without, in
 * Uniplex root has it); shrinking back under it never does. */
static void case_pipe_size_limit(void)
{
    int p[2];
    long max = pipe_max_size();
    T_EXPECT(pipe(p) == 0, "pipe");
    if (status_hex("CapEff") >> CAP_SYS_RESOURCE & 1) {
        EXPECT_RET("above the max with the capability", fcntl(p[0], F_SETPIPE_SZ, 2 * max),
                   2 * max);
        EXPECT_RET("back down", fcntl(p[0], F_SETPIPE_SZ, PG), PG);
    } else {
        T_EXPECT(!t_uniplex(), "root without CAP_SYS_RESOURCE in Uniplex");
    }
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    EXPECT_RET("capget", capget_(&h, d), 0);
    d[0].effective &= ~(1u << CAP_SYS_RESOURCE);
    EXPECT_RET("capset", capset_(&h, d), 0);
    EXPECT_ERR("above the max without it", fcntl(p[0], F_SETPIPE_SZ, max + 1), EPERM);
    EXPECT_RET("up to the max without it", fcntl(p[0], F_SETPIPE_SZ, max), max);
}

/* n bytes of c (at most 8 pages). */
static const char *buf_of(char c, size_t n)
{
    static char b[8 * PG];
    memset(b, c, n);
    return b;
}

/* A file on tmpfs (/dev/shm on the host, whose /tmp may keep holes by
 * another block size). */
static const char *tmpfs_file(void)
{
    return t_uniplex() ? "/tmp/compat-sparse" : "/dev/shm/compat-sparse";
}

#define SEEK_TO(what, whence, off, want)                                                           \
    do {                                                                                           \
        EXPECT_RET(what, lseek(fd, off, whence), want);                                            \
        EXPECT_RET(what " moved the offset", lseek(fd, 0, SEEK_CUR), want);                        \
    } while (0)

/* SEEK_DATA and SEEK_HOLE find the pages written and those never written
 * (the end of file counts as a hole), from the offset given on; at or past
 * the end, and for data when only holes follow, ENXIO. */
static void case_seek_data_hole(void)
{
    const char *path = tmpfs_file();
    off_t size = 6 * PG + 100, far = (off_t)1 << 39;
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    T_EXPECT(fd >= 0, "open %s: %s", path, t_errname(errno));
    unlink(path);
    EXPECT_ERR("SEEK_DATA in an empty file", lseek(fd, 0, SEEK_DATA), ENXIO);
    EXPECT_ERR("SEEK_HOLE in an empty file", lseek(fd, 0, SEEK_HOLE), ENXIO);
    EXPECT_RET("write page 0", pwrite(fd, "A", 1, 0), 1);
    EXPECT_RET("write page 3", pwrite(fd, "B", 1, 3 * PG + 10), 1);
    EXPECT_RET("ftruncate", ftruncate(fd, size), 0);
    SEEK_TO("SEEK_DATA 0", SEEK_DATA, 0, 0);
    SEEK_TO("SEEK_HOLE 0", SEEK_HOLE, 0, PG);
    SEEK_TO("SEEK_DATA in the first hole", SEEK_DATA, PG + 5, 3 * PG);
    SEEK_TO("SEEK_DATA inside data", SEEK_DATA, 3 * PG + 20, 3 * PG + 20);
    SEEK_TO("SEEK_HOLE after page 3", SEEK_HOLE, 3 * PG + 20, 4 * PG);
    SEEK_TO("SEEK_HOLE inside a hole", SEEK_HOLE, 5 * PG + 1, 5 * PG + 1);
    SEEK_TO("SEEK_HOLE at the last byte", SEEK_HOLE, size - 1, size - 1);
    EXPECT_ERR("SEEK_DATA with only holes after", lseek(fd, 4 * PG, SEEK_DATA), ENXIO);
    EXPECT_ERR("SEEK_DATA at EOF", lseek(fd, size, SEEK_DATA), ENXIO);
    EXPECT_ERR("SEEK_HOLE past EOF", lseek(fd, size + 1, SEEK_HOLE), ENXIO);
    EXPECT_ERR("SEEK_DATA before 0", lseek(fd, -1, SEEK_DATA), ENXIO);
    EXPECT_RET("offset kept by the failures", lseek(fd, 0, SEEK_CUR), size - 1);
    EXPECT_RET("fill pages 1-6", pwrite(fd, buf_of('c', 6 * PG), 6 * PG, PG), 6 * PG);
    SEEK_TO("SEEK_HOLE of a full file: its end", SEEK_HOLE, 0, 7 * PG);
    EXPECT_RET("a vast hole", ftruncate(fd, 2 * far), 0);
    EXPECT_RET("write past it", pwrite(fd, "Z", 1, far), 1);
    SEEK_TO("SEEK_DATA across it", SEEK_DATA, 7 * PG, far);
    SEEK_TO("SEEK_HOLE after it", SEEK_HOLE, far, far + PG);
    close(fd);
    struct stat st;
    fd = open("/proc/self/exe", O_RDONLY); /* the image's bytes, read in place in Uniplex */
    T_EXPECT(fd >= 0 && fstat(fd, &st) == 0, "exe: %s", t_errname(errno));
    SEEK_TO("SEEK_DATA in the program", SEEK_DATA, 0, 0);
    SEEK_TO("SEEK_HOLE in the program: its end", SEEK_HOLE, 0, st.st_size);
}

/* SEEK_DATA/SEEK_HOLE on what is no regular file: EINVAL for a
 * tmpfs directory, ESPIPE for a pipe, EBADF for no descriptor, and an unknown
 * whence EINVAL. */
static void case_seek_data_errors(void)
{
    int p[2], d = open(t_uniplex() ? "/tmp" : "/dev/shm", O_RDONLY | O_DIRECTORY),
              fd = open(tmpfs_file(), O_RDWR | O_CREAT, 0600);
    T_EXPECT(pipe(p) == 0 && d >= 0 && fd >= 0, "setup: %s", t_errname(errno));
    unlink(tmpfs_file());
    EXPECT_ERR("SEEK_DATA on a directory", lseek(d, 0, SEEK_DATA), EINVAL);
    EXPECT_ERR("SEEK_HOLE on a pipe", lseek(p[0], 0, SEEK_HOLE), ESPIPE);
    EXPECT_ERR("SEEK_DATA on -1", lseek(-1, 0, SEEK_DATA), EBADF);
    EXPECT_ERR("whence 5", lseek(fd, 0, 5), EINVAL);
}

/* CPU-time clocks: the ids clock_getcpuclockid(3) and
 * pthread_getcpuclockid(3) make (Linux's encoding: the pid complemented
 * above three bits, bit 2 for a thread, the low two PROF 0 / VIRT 1 /
 * SCHED 2). */
#define CPUCLOCK_PROF             0
#define CPUCLOCK_VIRT             1
#define CPUCLOCK_SCHED            2
#define CPUCLOCK_PERTHREAD        4
#define MAKE_PROC_CLOCK(pid, how) ((clockid_t)((~(unsigned)(pid) << 3) | (how)))
#define MAKE_THR_CLOCK(tid, how)  (MAKE_PROC_CLOCK(tid, how) | CPUCLOCK_PERTHREAD)
#define MS                        1000000LL

static long long clock_of(clockid_t id)
{
    struct timespec ts;
    if (syscall(SYS_clock_gettime, id, &ts) != 0)
        t_die("clock_gettime(%d): %s", (int)id, strerror(errno));
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Spin in program code until id has advanced by ns (or 10 s of wall time
 * went by), looking at the clocks between stretches of arithmetic. */
static void burn(clockid_t id, long long ns)
{
    long long until = clock_of(id) + ns, wall = clock_of(CLOCK_MONOTONIC) + 10000 * MS;
    volatile unsigned sink = 0;
    while (clock_of(id) < until) {
        for (unsigned i = 0; i < 100000; i++)
            sink += i;
        T_EXPECT(clock_of(CLOCK_MONOTONIC) < wall, "clock %d did not advance %lld ns in 10 s",
                 (int)id, ns);
    }
}

/* Both clocks advance while the process computes, and hardly at all while
 * it sleeps; PROF (user and system time, tick-sampled on Linux) is about
 * SCHED, VIRT (user time) most of it for a loop in program code. */
static void case_cpuclock_busy_sleep(void)
{
    long long p0 = clock_of(CLOCK_PROCESS_CPUTIME_ID), t0 = clock_of(CLOCK_THREAD_CPUTIME_ID);
    long long w0 = clock_of(CLOCK_MONOTONIC);
    burn(CLOCK_PROCESS_CPUTIME_ID, 200 * MS);
    long long p1 = clock_of(CLOCK_PROCESS_CPUTIME_ID), t1 = clock_of(CLOCK_THREAD_CPUTIME_ID);
    long long w1 = clock_of(CLOCK_MONOTONIC);
    T_EXPECT(p1 - p0 >= 200 * MS && t1 - t0 >= 190 * MS && p1 - p0 <= w1 - w0 + MS,
             "busy: process +%lld, thread +%lld, wall +%lld ns", p1 - p0, t1 - t0, w1 - w0);
    usleep(300 * 1000);
    long long p2 = clock_of(CLOCK_PROCESS_CPUTIME_ID), t2 = clock_of(CLOCK_THREAD_CPUTIME_ID);
    T_EXPECT(p2 - p1 < 30 * MS && t2 - t1 < 30 * MS, "asleep 300 ms: process +%lld, thread +%lld",
             p2 - p1, t2 - t1);
    /* Read in this order, each figure is at least the one before. */
    long long virt = clock_of(MAKE_PROC_CLOCK(0, CPUCLOCK_VIRT));
    long long prof = clock_of(MAKE_PROC_CLOCK(0, CPUCLOCK_PROF));
    long long sched = clock_of(MAKE_PROC_CLOCK(0, CPUCLOCK_SCHED));
    T_EXPECT(sched >= p2 && prof >= p2 - 20 * MS && virt <= prof && virt >= 100 * MS,
             "sched %lld, prof %lld, virt %lld, was %lld", sched, prof, virt, p2);
}

static void *burner(void *arg)
{
    clockid_t id;
    if (pthread_getcpuclockid(pthread_self(), &id) != 0)
        t_die("pthread_getcpuclockid failed");
    long long t0 = clock_of(CLOCK_THREAD_CPUTIME_ID);
    burn(CLOCK_THREAD_CPUTIME_ID, 150 * MS);
    long long by_id = clock_of(id), mine = clock_of(CLOCK_THREAD_CPUTIME_ID);
    T_EXPECT(mine - t0 >= 150 * MS && by_id <= mine && by_id >= mine - 20 * MS,
             "thread: +%lld ns, by its id %lld vs %lld", mine - t0, by_id, mine);
    *(long long *)arg = mine;
    return 0;
}

/* Two threads each burn 150 ms of their own: each thread clock counts its
 * thread only, the process clock counts both; the main thread's clock
 * hardly moves while it waits for them. */
static void case_cpuclock_threads(void)
{
    pthread_t th[2];
    long long spent[2] = {0, 0};
    long long p0 = clock_of(CLOCK_PROCESS_CPUTIME_ID), m0 = clock_of(CLOCK_THREAD_CPUTIME_ID);
    for (int i = 0; i < 2; i++)
        T_EXPECT(pthread_create(&th[i], 0, burner, &spent[i]) == 0, "pthread_create");
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], 0);
    long long p1 = clock_of(CLOCK_PROCESS_CPUTIME_ID), m1 = clock_of(CLOCK_THREAD_CPUTIME_ID);
    T_EXPECT(p1 - p0 >= spent[0] + spent[1] && m1 - m0 < 60 * MS,
             "process +%lld for threads %lld + %lld; main +%lld", p1 - p0, spent[0], spent[1],
             m1 - m0);
}

/* clock_getcpuclockid of the caller and of a child (which burns 100 ms
 * and waits); the child's clock is not the caller's. */
static void case_cpuclock_getcpuclockid(void)
{
    clockid_t self, child_id;
    T_EXPECT(clock_getcpuclockid(0, &self) == 0 && self == MAKE_PROC_CLOCK(0, CPUCLOCK_SCHED),
             "clock_getcpuclockid(0): %d", (int)self);
    T_EXPECT(clock_getcpuclockid(getpid(), &self) == 0 &&
                 self == MAKE_PROC_CLOCK(getpid(), CPUCLOCK_SCHED),
             "clock_getcpuclockid(self): %d", (int)self);
    int go[2], done[2];
    T_EXPECT(pipe(go) == 0 && pipe(done) == 0, "pipe");
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(go[1]);
        burn(CLOCK_PROCESS_CPUTIME_ID, 100 * MS);
        if (write(done[1], "x", 1) != 1 || read(go[0], &c, 1) < 0)
            _exit(1);
        _exit(0);
    }
    char c;
    close(go[0]);
    T_EXPECT(pid > 0 && read(done[0], &c, 1) == 1, "fork or child");
    long long mine0 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
    T_EXPECT(clock_getcpuclockid(pid, &child_id) == 0 &&
                 child_id == MAKE_PROC_CLOCK(pid, CPUCLOCK_SCHED),
             "clock_getcpuclockid(child)");
    long long theirs = clock_of(child_id);
    T_EXPECT(theirs >= 100 * MS && clock_of(CLOCK_PROCESS_CPUTIME_ID) - mine0 < 50 * MS,
             "child's clock %lld ns", theirs);
    /* A thread clock names a thread of the caller's process only. */
    errno = 0;
    struct timespec ts;
    T_EXPECT(syscall(SYS_clock_gettime, MAKE_THR_CLOCK(pid, CPUCLOCK_SCHED), &ts) == -1 &&
                 errno == EINVAL,
             "another process's thread clock: errno %d", errno);
    T_EXPECT(syscall(SYS_clock_gettime, MAKE_THR_CLOCK(syscall(SYS_gettid), CPUCLOCK_SCHED), &ts) ==
                 0,
             "own thread by tid: %s", strerror(errno));
    close(go[1]);
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %s",
             p_status_str(st));
}

/* The errors: a pid that does not exist (the clock: EINVAL, which glibc's
 * clock_getcpuclockid turns into ESRCH and musl's passes on), a kind that
 * does not exist, a bad pointer; the resolutions (SCHED 1 ns, PROF and
 * VIRT a tick); sleeping on a thread's CPU clock (CLOCK_THREAD_CPUTIME_ID
 * has no sleep: EOPNOTSUPP, which the libraries turn into EINVAL; the
 * caller's own thread named by a dynamic id: EINVAL). */
static void case_cpuclock_errors(void)
{
    struct timespec ts = {0, 0};
    clockid_t id;
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    waitpid(gone, 0, 0);
    int r = clock_getcpuclockid(gone, &id);
    T_EXPECT(r == ESRCH || r == EINVAL, "clock_getcpuclockid(gone): %d", r);
    errno = 0;
    T_EXPECT(syscall(SYS_clock_gettime, MAKE_PROC_CLOCK(gone, CPUCLOCK_SCHED), &ts) == -1 &&
                 errno == EINVAL,
             "gone pid's clock: errno %d", errno);
    errno = 0;
    T_EXPECT(syscall(SYS_clock_getres, MAKE_THR_CLOCK(0, 3), &ts) == -1 && errno == EINVAL,
             "kind 3: errno %d", errno);
    errno = 0;
    T_EXPECT(syscall(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, (void *)8) == -1 &&
                 errno == EFAULT,
             "bad pointer: errno %d", errno);
    errno = 0;
    T_EXPECT(syscall(SYS_clock_getres, CLOCK_THREAD_CPUTIME_ID, (void *)8) == -1 && errno == EFAULT,
             "getres bad pointer: errno %d", errno);
    T_EXPECT(syscall(SYS_clock_getres, CLOCK_PROCESS_CPUTIME_ID, &ts) == 0 && ts.tv_sec == 0 &&
                 ts.tv_nsec == 1,
             "getres process: %ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
    T_EXPECT(syscall(SYS_clock_getres, CLOCK_THREAD_CPUTIME_ID, &ts) == 0 && ts.tv_sec == 0 &&
                 ts.tv_nsec == 1,
             "getres thread: %ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
    T_EXPECT(syscall(SYS_clock_getres, CLOCK_PROCESS_CPUTIME_ID, 0) == 0, "getres NULL");
    T_EXPECT(syscall(SYS_clock_getres, MAKE_PROC_CLOCK(0, CPUCLOCK_VIRT), &ts) == 0 &&
                 ts.tv_sec == 0 && ts.tv_nsec > 1 && ts.tv_nsec <= 10 * MS,
             "getres virt: %ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
    T_EXPECT(syscall(SYS_clock_getres, MAKE_THR_CLOCK(0, CPUCLOCK_PROF), &ts) == 0 &&
                 ts.tv_sec == 0 && ts.tv_nsec > 1 && ts.tv_nsec <= 10 * MS,
             "getres prof: %ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
    ts = (struct timespec){0, 1000};
    errno = 0;
    T_EXPECT(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &ts, 0) == -1 &&
                 errno == EOPNOTSUPP,
             "nanosleep on the thread clock: errno %d", errno);
    errno = 0;
    T_EXPECT(syscall(SYS_clock_nanosleep, MAKE_THR_CLOCK(0, CPUCLOCK_SCHED), 0, &ts, 0) == -1 &&
                 errno == EINVAL,
             "nanosleep on the own thread's dynamic clock: errno %d", errno);
    T_EXPECT(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &ts, 0) == EINVAL,
             "libc's clock_nanosleep on the thread clock");
}

static volatile int spin_stop;
static void *spinner(void *arg)
{
    (void)arg;
    long long wall = clock_of(CLOCK_MONOTONIC) + 10000 * MS;
    while (!spin_stop && clock_of(CLOCK_MONOTONIC) < wall)
        ;
    return 0;
}

static void on_alarm_nop(int sig)
{
    (void)sig;
}

/* clock_nanosleep on a process's CPU clock: until the process (its other
 * threads) or another process has used the time; a time already reached
 * returns at once; a signal ends a relative sleep with EINTR and the CPU
 * time left. */
static void case_cpuclock_nanosleep(void)
{
    struct timespec ts = {0, 0}, rem = {0, 0};
    T_EXPECT(syscall(SYS_clock_nanosleep, CLOCK_PROCESS_CPUTIME_ID, TIMER_ABSTIME, &ts, 0) == 0,
             "absolute 0: %s", strerror(errno));
    pthread_t th;
    T_EXPECT(pthread_create(&th, 0, spinner, 0) == 0, "pthread_create");
    long long p0 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
    ts = (struct timespec){0, 100 * MS};
    long r = syscall(SYS_clock_nanosleep, CLOCK_PROCESS_CPUTIME_ID, 0, &ts, 0);
    long long p1 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
    spin_stop = 1;
    pthread_join(th, 0);
    T_EXPECT(r == 0 && p1 - p0 >= 100 * MS, "relative 100 ms: %ld, process +%lld ns", r, p1 - p0);

    pid_t pid = fork();
    if (pid == 0) {
        burn(CLOCK_PROCESS_CPUTIME_ID, 8000 * MS);
        _exit(0);
    }
    clockid_t cid;
    T_EXPECT(pid > 0 && clock_getcpuclockid(pid, &cid) == 0, "child's clock id");
    long long until = clock_of(cid) + 50 * MS;
    ts = (struct timespec){until / 1000000000LL, until % 1000000000LL};
    r = syscall(SYS_clock_nanosleep, cid, TIMER_ABSTIME, &ts, 0);
    long long reached = clock_of(cid);
    kill(pid, SIGKILL);
    waitpid(pid, 0, 0);
    T_EXPECT(r == 0 && reached >= until, "child's clock: %ld, %lld of %lld ns", r, reached, until);

    struct sigaction sa = {.sa_handler = on_alarm_nop};
    sigaction(SIGALRM, &sa, 0);
    struct itimerval it = {{0, 0}, {0, 50000}};
    setitimer(ITIMER_REAL, &it, 0);
    ts = (struct timespec){1, 0};
    errno = 0;
    r = syscall(SYS_clock_nanosleep, CLOCK_PROCESS_CPUTIME_ID, 0, &ts, &rem);
    T_EXPECT(r == -1 && errno == EINTR && rem.tv_sec * 1000000000LL + rem.tv_nsec > 900 * MS &&
                 rem.tv_sec * 1000000000LL + rem.tv_nsec <= 1000 * MS,
             "interrupted: %ld errno %d, left %ld.%09ld", r, errno, (long)rem.tv_sec, rem.tv_nsec);
}

/* Burn CPU in a child with RLIMIT_CPU {soft, hard} (and no core file),
 * SIGXCPU as given; its wait status. */
static int cpu_limited_child(rlim_t soft, rlim_t hard, void (*xcpu)(int))
{
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit core = {0, 0}, cpu = {soft, hard};
        signal(SIGXCPU, xcpu);
        if (setrlimit(RLIMIT_CORE, &core) || setrlimit(RLIMIT_CPU, &cpu))
            _exit(3);
        burn(CLOCK_PROCESS_CPUTIME_ID, 8000 * MS);
        _exit(4);
    }
    int st = 0;
    T_EXPECT(pid > 0 && waitpid(pid, &st, 0) == pid, "fork or waitpid: %s", strerror(errno));
    return st;
}

static volatile int xcpu_count;
static volatile long long xcpu_at[2];
static void on_xcpu(int sig)
{
    (void)sig;
    if (xcpu_count < 2)
        xcpu_at[xcpu_count] = clock_of(CLOCK_PROCESS_CPUTIME_ID);
    xcpu_count++;
}

/* The soft limit: SIGXCPU once the process's CPU time reaches it, again
 * a CPU second later (the soft limit goes up by one each time); a limit
 * set below the time already used applies at once. */
static void case_rlimit_cpu_xcpu(void)
{
    signal(SIGXCPU, on_xcpu);
    struct rlimit r = {1, 10}, now;
    T_EXPECT(setrlimit(RLIMIT_CPU, &r) == 0, "setrlimit: %s", strerror(errno));
    long long wall = clock_of(CLOCK_MONOTONIC) + 15000 * MS;
    while (xcpu_count < 2)
        T_EXPECT(clock_of(CLOCK_MONOTONIC) < wall, "%d SIGXCPU in 15 s", xcpu_count);
    /* Linux checks its tick-sampled figure, which may run a tick or so
     * ahead of or behind the scheduler's exact one. */
    T_EXPECT(xcpu_at[0] >= 900 * MS && xcpu_at[0] < 1300 * MS && xcpu_at[1] >= 1900 * MS &&
                 xcpu_at[1] < 2300 * MS,
             "SIGXCPU at %lld and %lld ns of CPU time", xcpu_at[0], xcpu_at[1]);
    T_EXPECT(getrlimit(RLIMIT_CPU, &now) == 0 && now.rlim_cur == 3 && now.rlim_max == 10,
             "limit now %llu/%llu", (unsigned long long)now.rlim_cur,
             (unsigned long long)now.rlim_max);
    r.rlim_cur = 1;
    T_EXPECT(setrlimit(RLIMIT_CPU, &r) == 0, "setrlimit again");
    usleep(100 * 1000); /* a sleep is not CPU time, but the next tick of it checks */
    burn(CLOCK_PROCESS_CPUTIME_ID, 50 * MS);
    T_EXPECT(xcpu_count >= 3, "a limit already passed: %d SIGXCPU", xcpu_count);
}

/* The hard limit: SIGKILL, even with SIGXCPU ignored; SIGXCPU's default
 * action ends the process (a core-dump signal, no core with RLIMIT_CORE
 * 0); a limit is inherited across fork. */
static void case_rlimit_cpu_kill(void)
{
    int st = cpu_limited_child(1, 2, SIG_IGN);
    T_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "hard limit: %s", p_status_str(st));
    st = cpu_limited_child(1, RLIM_INFINITY, SIG_DFL);
    T_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU && !WCOREDUMP(st), "soft limit: %s",
             p_status_str(st));
    struct rlimit r = {1, 1};
    T_EXPECT(setrlimit(RLIMIT_CPU, &r) == 0, "setrlimit");
    pid_t pid = fork();
    if (pid == 0) {
        burn(CLOCK_PROCESS_CPUTIME_ID, 8000 * MS);
        _exit(4);
    }
    T_EXPECT(pid > 0 && waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
             "inherited: %s", p_status_str(st));
}

/* uint64_t regs_syscall(uint64_t nr, uint64_t r[16]): r[0..11] loaded
 * into rbx rbp rdi rsi rdx r8 r9 r10 r12 r13 r14 r15, system call nr made
 * (no arguments it reads), the twelve stored back; r[12] and r[13] get
 * rcx and r11 after the call, r[14] RFLAGS just before, r[15] the address
 * after the syscall instruction. Returns rax. */
__asm__(".text\n"
        ".globl regs_syscall\n"
        "regs_syscall:\n"
        "push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
        "push %rsi\n"
        "mov %rdi, %rax\n"
        "pushfq\n pop %rcx\n mov %rcx, 112(%rsi)\n"
        "mov 0(%rsi), %rbx\n mov 8(%rsi), %rbp\n mov 16(%rsi), %rdi\n"
        "mov 32(%rsi), %rdx\n mov 40(%rsi), %r8\n mov 48(%rsi), %r9\n"
        "mov 56(%rsi), %r10\n mov 64(%rsi), %r12\n mov 72(%rsi), %r13\n"
        "mov 80(%rsi), %r14\n mov 88(%rsi), %r15\n mov 24(%rsi), %rsi\n"
        "syscall\n"
        "1:\n"
        "push %rsi\n mov 8(%rsp), %rsi\n"
        "mov %rbx, 0(%rsi)\n mov %rbp, 8(%rsi)\n mov %rdi, 16(%rsi)\n"
        "pop %rdi\n mov %rdi, 24(%rsi)\n mov %rdx, 32(%rsi)\n mov %r8, 40(%rsi)\n"
        "mov %r9, 48(%rsi)\n mov %r10, 56(%rsi)\n mov %r12, 64(%rsi)\n"
        "mov %r13, 72(%rsi)\n mov %r14, 80(%rsi)\n mov %r15, 88(%rsi)\n"
        "mov %rcx, 96(%rsi)\n mov %r11, 104(%rsi)\n lea 1b(%rip), %rcx\n mov %rcx, 120(%rsi)\n"
        "pop %rsi\n pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
        "ret\n");
uint64_t regs_syscall(uint64_t nr, uint64_t r[16]);

/* What one call leaves in the registers: rax the result, rcx the return
 * address, r11 RFLAGS, the rest as they were. */
static void regs_check(const char *call, uint64_t nr, uint64_t want)
{
    static const char *names[12] = {"rbx", "rbp", "rdi", "rsi", "rdx", "r8",
                                    "r9",  "r10", "r12", "r13", "r14", "r15"};
    uint64_t r[16];
    for (int i = 0; i < 12; i++)
        r[i] = 0x0123456789abcdefull ^ ((uint64_t)(i + 1) << 56) ^ (uint64_t)i;
    uint64_t rax = regs_syscall(nr, r);
    T_EXPECT(rax == want, "%s: rax %#llx, want %#llx", call, (unsigned long long)rax,
             (unsigned long long)want);
    for (int i = 0; i < 12; i++)
        T_EXPECT(r[i] == (0x0123456789abcdefull ^ ((uint64_t)(i + 1) << 56) ^ (uint64_t)i),
                 "%s: %s changed to %#llx", call, names[i], (unsigned long long)r[i]);
    T_EXPECT(r[12] == r[15], "%s: rcx %#llx, not the return address %#llx", call,
             (unsigned long long)r[12], (unsigned long long)r[15]);
    T_EXPECT(r[13] == r[14], "%s: r11 %#llx, not RFLAGS %#llx", call, (unsigned long long)r[13],
             (unsigned long long)r[14]);
}

/* The Linux system-call ABI on the registers, for the short path of the
 * calls that only read the caller's ids and for the full one. */
static void case_syscall_regs(void)
{
    regs_check("getppid", SYS_getppid, (uint64_t)getppid());
    regs_check("getpid", SYS_getpid, (uint64_t)getpid());
    regs_check("getuid", SYS_getuid, (uint64_t)getuid());
    regs_check("sched_yield", SYS_sched_yield, 0);
    regs_check("getcwd", SYS_getcwd, (uint64_t)-EFAULT); /* rdi, a bad buffer; rsi its size */
}

static const struct t_case cases[] = {
    {"cap_root", case_cap_root},
    {"cap_versions", case_cap_versions},
    {"cap_errors", case_cap_errors},
    {"cap_drop", case_cap_drop},
    {"cap_setuid", case_cap_setuid},
    {"personality", case_personality},
    {"mlock", case_mlock},
    {"mlockall", case_mlockall},
    {"mlock_limit", case_mlock_limit},
    {"map_locked", case_map_locked},
    {"mincore", case_mincore},
    {"mincore_errors", case_mincore_errors},
    {"syslog_read_all", case_syslog_read_all},
    {"syslog_errors", case_syslog_errors},
    {"syslog_clear", case_syslog_clear},
    {"kmsg_rw", case_kmsg_rw},
    {"kmsg_errors", case_kmsg_errors},
    {"kmsg_notice", case_kmsg_notice},
    {"etc_files", case_etc_files},
    {"status_signals", case_status_signals},
    {"comm_write", case_comm_write},
    {"proc_sys", case_proc_sys},
    {"prot_none_present", case_prot_none_present},
    {"prctl_pdeathsig", case_prctl_pdeathsig},
    {"prctl_pdeathsig_thread", case_prctl_pdeathsig_thread},
    {"prctl_pdeathsig_creds", case_prctl_pdeathsig_creds},
    {"prctl_subreaper", case_prctl_subreaper},
    {"prctl_timerslack", case_prctl_timerslack},
    {"prctl_no_new_privs", case_prctl_no_new_privs},
    {"pipe_size", case_pipe_size},
    {"pipe_size_limit", case_pipe_size_limit},
    {"seek_data_hole", case_seek_data_hole},
    {"seek_data_errors", case_seek_data_errors},
    {"cpuclock_busy_sleep", case_cpuclock_busy_sleep},
    {"cpuclock_threads", case_cpuclock_threads},
    {"cpuclock_getcpuclockid", case_cpuclock_getcpuclockid},
    {"cpuclock_errors", case_cpuclock_errors},
    {"cpuclock_nanosleep", case_cpuclock_nanosleep},
    {"rlimit_cpu_xcpu", case_rlimit_cpu_xcpu},
    {"rlimit_cpu_kill", case_rlimit_cpu_kill},
    {"syscall_regs", case_syscall_regs},
};

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--after-exec"))
        return after_exec();
    if (getuid() != 0) {
        printf("compat: must run as root\n");
        return 1;
    }
    return t_run_cases("compat", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, 0, argc, argv);
}
