/* procfs: more of /proc as Linux 6.1 shows it (issue 16): fdinfo/N (the
 * offset, the open flags with O_CLOEXEC, ENOENT once the descriptor is
 * closed), environ (of this process and of a child exec'd with a known
 * environment), statm, the same under task/<tid>, and /proc/sys's
 * read-only files (uname's names, limits, boot_id fixed and uuid new at
 * each read). Passes on the host's Linux too; run as root there or not.
 *
 * usage: procfs [CASE...]   (procfs --child FD: the exec'd child's part) */
#define _GNU_SOURCE
#include <dirent.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tcase.h"

#define ALARM_S 20

extern char **environ;

/* The whole of a /proc file into buf (NUL added): its length; the case
 * fails when it cannot be read. */
static size_t slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    T_EXPECT(fd >= 0, "open %s: %s", path, t_errname(errno));
    size_t len = 0;
    ssize_t n;
    while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
        len += (size_t)n;
    T_EXPECT(n >= 0, "read %s: %s", path, t_errname(errno));
    close(fd);
    buf[len] = 0;
    return len;
}

/* The number after "key:\t" in text (base 8 or 10), or -1. */
static long field(const char *text, const char *key, int base)
{
    const char *p = strstr(text, key);
    return p ? strtol(p + strlen(key), NULL, base) : -1;
}

static void fdinfo_of(int fd, char *buf, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    slurp(path, buf, size);
}

static void case_fdinfo_flags_pos(void)
{
    char buf[512];
    int fd = open("/tmp/procfs-fdinfo", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    T_EXPECT(fd >= 0, "open: %s", t_errname(errno));
    unlink("/tmp/procfs-fdinfo");
    T_EXPECT(write(fd, "0123456789", 10) == 10, "write");
    T_EXPECT(lseek(fd, 3, SEEK_SET) == 3, "lseek");
    fdinfo_of(fd, buf, sizeof buf);
    long flags = field(buf, "flags:\t", 8);
    T_EXPECT(field(buf, "pos:\t", 10) == 3, "pos after lseek 3: %s", buf);
    T_EXPECT(flags >= 0 && (flags & O_ACCMODE) == O_RDWR, "not O_RDWR: %s", buf);
    T_EXPECT(flags & O_CLOEXEC, "no O_CLOEXEC: %s", buf);
    T_EXPECT(!(flags & (O_CREAT | O_TRUNC)), "open-time flags kept: %s", buf);
    T_EXPECT(strstr(buf, "mnt_id:\t"), "no mnt_id: %s", buf);
    struct stat st;
    T_EXPECT(fstat(fd, &st) == 0 && field(buf, "ino:\t", 10) == (long)st.st_ino, "ino: %s", buf);
    T_EXPECT(fcntl(fd, F_SETFD, 0) == 0, "F_SETFD");
    T_EXPECT(fcntl(fd, F_SETFL, O_APPEND) == 0, "F_SETFL");
    fdinfo_of(fd, buf, sizeof buf);
    flags = field(buf, "flags:\t", 8);
    T_EXPECT(!(flags & O_CLOEXEC) && (flags & O_APPEND), "after F_SETFD 0, O_APPEND: %s", buf);
    close(fd);
}

/* A pipe's ends: no O_LARGEFILE (pipe2 does not set it), O_NONBLOCK. */
static void case_fdinfo_pipe(void)
{
    char buf[512];
    int p[2];
    T_EXPECT(pipe2(p, O_NONBLOCK) == 0, "pipe2: %s", t_errname(errno));
    fdinfo_of(p[1], buf, sizeof buf);
    T_EXPECT(field(buf, "flags:\t", 8) == (O_WRONLY | O_NONBLOCK), "write end: %s", buf);
    T_EXPECT(strstr(buf, "flags:\t04001\n"), "Linux prints 04001: %s", buf);
    fdinfo_of(p[0], buf, sizeof buf);
    T_EXPECT(field(buf, "flags:\t", 8) == (O_RDONLY | O_NONBLOCK), "read end: %s", buf);
}

/* fdinfo/N exists while N does: listed, then ENOENT to open and read. */
static void case_fdinfo_closed(void)
{
    char path[64], buf[256];
    int fd = open("/", O_RDONLY | O_DIRECTORY);
    T_EXPECT(fd >= 0, "open /: %s", t_errname(errno));
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    int info = open(path, O_RDONLY);
    T_EXPECT(info >= 0, "open %s: %s", path, t_errname(errno));
    DIR *d = opendir("/proc/self/fdinfo");
    T_EXPECT(d, "opendir fdinfo: %s", t_errname(errno));
    int seen = 0;
    for (struct dirent *e; (e = readdir(d));)
        seen |= atoi(e->d_name) == fd && e->d_name[0] != '.';
    closedir(d);
    T_EXPECT(seen, "fd %d not listed in fdinfo/", fd);
    close(fd);
    T_EXPECT_ERR_BY(t_die, "open fdinfo of a closed fd", open(path, O_RDONLY), ENOENT);
    T_EXPECT_ERR_BY(t_die, "read fdinfo of a closed fd", read(info, buf, sizeof buf), ENOENT);
    close(info);
}

/* environ: this process's initial environment, NUL-separated. */
static void case_environ_self(void)
{
    static char buf[65536], want[65536];
    size_t n = 0;
    for (char **e = environ; *e && n + strlen(*e) + 1 < sizeof want; e++) {
        memcpy(want + n, *e, strlen(*e) + 1);
        n += strlen(*e) + 1;
    }
    size_t len = slurp("/proc/self/environ", buf, sizeof buf);
    T_EXPECT(len == n && memcmp(buf, want, n) == 0, "environ: %zu bytes, expected %zu", len, n);
    struct stat st;
    T_EXPECT(stat("/proc/self/environ", &st) == 0 && (st.st_mode & 0777) == 0400,
             "mode %o, expected 0400", st.st_mode & 0777);
}

/* A child exec'd with a known environment: its environ is that one. */
static void case_environ_exec(void)
{
    static const char want[] = "ALPHA=1\0BETA=two words\0EMPTY=\0";
    int p[2];
    T_EXPECT(pipe(p) == 0, "pipe");
    pid_t pid = fork();
    if (pid == 0) {
        char fdarg[16];
        snprintf(fdarg, sizeof fdarg, "%d", p[1]);
        char *argv[] = {"procfs", "--child", fdarg, NULL};
        char *envp[] = {"ALPHA=1", "BETA=two words", "EMPTY=", NULL};
        execve("/proc/self/exe", argv, envp);
        _exit(127);
    }
    close(p[1]);
    char c, path[64], buf[256];
    T_EXPECT(read(p[0], &c, 1) == 1, "the child did not start");
    snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
    size_t len = slurp(path, buf, sizeof buf);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    T_EXPECT(len == sizeof want - 1 && memcmp(buf, want, len) == 0, "%zu bytes: %.*s", len,
             (int)len, buf);
}

/* statm: seven numbers; size and resident grow with a touched mapping. */
static void case_statm(void)
{
    char buf[256];
    unsigned long v[7], w[7];
    slurp("/proc/self/statm", buf, sizeof buf);
    T_EXPECT(sscanf(buf, "%lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                    &v[6]) == 7,
             "not 7 numbers: %s", buf);
    T_EXPECT(v[0] >= v[1] && v[1] > 0 && v[3] > 0 && v[4] == 0 && v[5] > 0 && v[6] == 0,
             "size resident shared text lib data dt: %s", buf);
    const size_t len = 1 << 20;
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(m != MAP_FAILED, "mmap");
    memset(m, 1, len);
    slurp("/proc/self/statm", buf, sizeof buf);
    T_EXPECT(sscanf(buf, "%lu %lu %*u %*u %*u %lu", &w[0], &w[1], &w[5]) == 3, "%s", buf);
    T_EXPECT(w[0] >= v[0] + 256 && w[1] >= v[1] + 256 && w[5] >= v[5] + 256,
             "after 1 MiB touched: %s (before %lu %lu)", buf, v[0], v[1]);
    char status[2048];
    slurp("/proc/self/status", status, sizeof status);
    T_EXPECT(field(status, "VmSize:\t", 10) == (long)w[0] * 4, "VmSize %ld kB, statm %lu pages",
             field(status, "VmSize:\t", 10), w[0]);
}

/* task/<tid>/ has statm, environ and fdinfo too. */
static void case_task_entries(void)
{
    char path[96], buf[4096];
    int tid = getpid();
    snprintf(path, sizeof path, "/proc/self/task/%d/statm", tid);
    T_EXPECT(slurp(path, buf, sizeof buf) > 0, "empty %s", path);
    snprintf(path, sizeof path, "/proc/self/task/%d/environ", tid);
    slurp(path, buf, sizeof buf);
    snprintf(path, sizeof path, "/proc/self/task/%d/fdinfo/1", tid);
    slurp(path, buf, sizeof buf);
    T_EXPECT(strstr(buf, "flags:\t"), "%s: %s", path, buf);
}

/* A /proc/sys file's text without its newline (which must be there). */
static char *sysval(const char *name, char *buf, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "/proc/sys/%s", name);
    size_t n = slurp(path, buf, size);
    T_EXPECT(n > 1 && buf[n - 1] == '\n', "%s: no line: '%s'", path, buf);
    buf[n - 1] = 0;
    return buf;
}

static long sysnum(const char *name)
{
    char buf[64], *end;
    long v = strtol(sysval(name, buf, sizeof buf), &end, 10);
    T_EXPECT(*end == 0 && v >= 0, "%s: '%s' is no number", name, buf);
    return v;
}

static void case_sys_kernel(void)
{
    char buf[256];
    struct utsname u;
    T_EXPECT(uname(&u) == 0, "uname");
    T_EXPECT(!strcmp(sysval("kernel/ostype", buf, sizeof buf), "Linux"), "ostype %s", buf);
    T_EXPECT(!strcmp(sysval("kernel/osrelease", buf, sizeof buf), u.release), "osrelease %s", buf);
    T_EXPECT(!strcmp(sysval("kernel/version", buf, sizeof buf), u.version), "version %s", buf);
    T_EXPECT(!strcmp(sysval("kernel/hostname", buf, sizeof buf), u.nodename), "hostname %s", buf);
    T_EXPECT(!strcmp(sysval("kernel/domainname", buf, sizeof buf), u.domainname),
             "domainname %s (uname: %s)", buf, u.domainname);
    long pid_max = sysnum("kernel/pid_max");
    T_EXPECT(pid_max >= 301 && pid_max > getpid(), "pid_max %ld", pid_max);
    T_EXPECT(sysnum("kernel/ngroups_max") == 65536, "ngroups_max");
    T_EXPECT(sysnum("kernel/threads-max") >= 20, "threads-max");
    if (getenv("UNIPLEX"))
        T_EXPECT(pid_max == 32768, "pid_max %ld, expected 32768", pid_max);
}

static void case_sys_fs_vm(void)
{
    T_EXPECT(sysnum("fs/file-max") >= 8192, "file-max below Linux's NR_FILE");
    T_EXPECT(sysnum("fs/nr_open") >= 1024, "nr_open");
    T_EXPECT(sysnum("vm/overcommit_memory") <= 2, "overcommit_memory");
    T_EXPECT(sysnum("vm/max_map_count") > 0, "max_map_count");
    if (getenv("UNIPLEX")) {
        T_EXPECT(sysnum("fs/nr_open") == 1048576, "nr_open");
        T_EXPECT(sysnum("vm/overcommit_memory") == 0, "overcommit_memory");
        T_EXPECT(sysnum("vm/max_map_count") == 65530, "max_map_count");
    }
    const char *dirs[] = {"kernel", "fs", "vm"};
    for (unsigned i = 0; i < 3; i++) {
        char path[64];
        struct stat st;
        snprintf(path, sizeof path, "/proc/sys/%s", dirs[i]);
        T_EXPECT(stat(path, &st) == 0 && S_ISDIR(st.st_mode), "%s: not a directory", path);
    }
}

/* A version 4 UUID as Linux prints it. */
static int is_uuid(const char *s)
{
    for (int i = 0; i < 36; i++)
        if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-'
                                                      : !strchr("0123456789abcdef", s[i]) || !s[i])
            return 0;
    return s[36] == 0 && s[14] == '4' && strchr("89ab", s[19]);
}

static void case_sys_random(void)
{
    char a[64], b[64];
    sysval("kernel/random/boot_id", a, sizeof a);
    sysval("kernel/random/boot_id", b, sizeof b);
    T_EXPECT(is_uuid(a) && !strcmp(a, b), "boot_id '%s' then '%s'", a, b);
    sysval("kernel/random/uuid", a, sizeof a);
    sysval("kernel/random/uuid", b, sizeof b);
    T_EXPECT(is_uuid(a) && is_uuid(b) && strcmp(a, b), "uuid '%s' then '%s'", a, b);
    DIR *d = opendir("/proc/sys/kernel/random");
    T_EXPECT(d, "opendir random: %s", t_errname(errno));
    int seen = 0;
    for (struct dirent *e; (e = readdir(d));)
        seen += !strcmp(e->d_name, "boot_id") + !strcmp(e->d_name, "uuid");
    closedir(d);
    T_EXPECT(seen == 2, "random/ lists %d of boot_id, uuid", seen);
}

/* The exec'd child of environ_exec: say it runs, then wait to be killed. */
static int child_main(const char *fdarg)
{
    int fd = atoi(fdarg);
    if (write(fd, "r", 1) != 1)
        return 1;
    for (;;)
        pause();
}

/* sethostname and setdomainname: uname and /proc/sys/kernel follow; a
 * name over 64 bytes is EINVAL, a bad pointer EFAULT, an unprivileged
 * caller EPERM. On the host the case runs in a UTS namespace of its own,
 * so the machine's names stay as they are. */
static void case_sethostname(void)
{
    char buf[128];
    struct utsname u;
    if (unshare(CLONE_NEWUTS) != 0)
        T_EXPECT(errno == ENOSYS || errno == EINVAL || errno == EPERM, "unshare: %s",
                 t_errname(errno));
    T_EXPECT(sethostname("box-1", 5) == 0 && setdomainname("dom.example", 11) == 0,
             "sethostname: %s", t_errname(errno));
    T_EXPECT(uname(&u) == 0 && strcmp(u.nodename, "box-1") == 0 &&
                 strcmp(u.domainname, "dom.example") == 0,
             "uname: %s %s", u.nodename, u.domainname);
    int fd = open("/proc/sys/kernel/hostname", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    buf[n > 0 ? n : 0] = 0;
    close(fd);
    T_EXPECT(strcmp(buf, "box-1\n") == 0, "/proc/sys/kernel/hostname: \"%s\"", buf);
    memset(buf, 'x', 65);
    T_EXPECT(sethostname(buf, 65) == -1 && errno == EINVAL, "65 bytes: %s", t_errname(errno));
    const char *volatile bad = (const char *)8; /* hidden from the compiler's checks */
    T_EXPECT(sethostname(bad, 4) == -1 && errno == EFAULT, "bad pointer: %s", t_errname(errno));
    T_EXPECT(sethostname(buf, 64) == 0 && uname(&u) == 0 && strlen(u.nodename) == 64,
             "64 bytes: %s", t_errname(errno));
    T_EXPECT(sethostname("uniplex", 7) == 0, "back: %s", t_errname(errno));
    T_EXPECT(setuid(1000) == 0, "setuid");
    T_EXPECT(sethostname("nope", 4) == -1 && errno == EPERM, "unprivileged: %s", t_errname(errno));
}

/* Write s to the file at path: 0, or -1 with errno. */
static int write_file(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, s, strlen(s));
    int e = errno;
    close(fd);
    errno = e;
    return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* /proc/sys/kernel/hostname and domainname are written as sethostname and
 * setdomainname set them (the newline dropped); not by an unprivileged
 * process (EACCES, at the open on Linux, by the mode). */
static void case_sys_hostname_write(void)
{
    struct utsname u;
    if (unshare(CLONE_NEWUTS) != 0)
        T_EXPECT(errno == ENOSYS || errno == EINVAL || errno == EPERM, "unshare: %s",
                 t_errname(errno));
    T_EXPECT(write_file("/proc/sys/kernel/hostname", "viaproc\n") == 0 &&
                 write_file("/proc/sys/kernel/domainname", "dom.proc\n") == 0,
             "write: %s", t_errname(errno));
    T_EXPECT(uname(&u) == 0 && strcmp(u.nodename, "viaproc") == 0 &&
                 strcmp(u.domainname, "dom.proc") == 0,
             "uname: %s %s", u.nodename, u.domainname);
    T_EXPECT(sethostname("uniplex", 7) == 0 && setdomainname("(none)", 6) == 0, "back: %s",
             t_errname(errno));
    T_EXPECT(setuid(1000) == 0, "setuid");
    T_EXPECT(write_file("/proc/sys/kernel/hostname", "nope\n") == -1 && errno == EACCES,
             "unprivileged: %s", t_errname(errno));
    T_EXPECT(uname(&u) == 0 && strcmp(u.nodename, "uniplex") == 0, "changed: %s", u.nodename);
}

static const struct t_case cases[] = {
    {"fdinfo_flags_pos", case_fdinfo_flags_pos},
    {"fdinfo_pipe", case_fdinfo_pipe},
    {"fdinfo_closed", case_fdinfo_closed},
    {"environ_self", case_environ_self},
    {"environ_exec", case_environ_exec},
    {"statm", case_statm},
    {"task_entries", case_task_entries},
    {"sys_kernel", case_sys_kernel},
    {"sys_fs_vm", case_sys_fs_vm},
    {"sys_random", case_sys_random},
    {"sethostname", case_sethostname},
    {"sys_hostname_write", case_sys_hostname_write},
};

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--child"))
        return child_main(argv[2]);
    return t_run_cases("procfs", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, T_CASE_GROUP,
                       argc, argv);
}
