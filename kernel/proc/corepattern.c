/* The core file's name (core(5)): /proc/sys/kernel/core_pattern, a
 * template of at most 127 bytes ("core" at boot), and core_uses_pid.
 *
 * Specifiers: %% a '%'; %p and %P the pid; %i and %I the dumping
 * thread's tid; %u and %g the real uid and gid; %s the signal; %t the
 * time (seconds since the Epoch); %h the host name; %e the dumping
 * thread's name (comm); %E the program's path, with '/' as '!'; %c RLIMIT_CORE's soft
 * limit; %d the dumpable value (1). An unknown specifier, or a '%' at
 * the end, is dropped, as Linux drops it. '/' in %e and %h becomes '!'.
 * With core_uses_pid set and no %p, ".<pid>" is appended.
 *
 * A pattern starting with '|' (pipe the core to a helper program) is not
 * supported: writing one is -EINVAL and the pattern stays as it was. */
#include <stdint.h>
#include "errno.h"
#include "stdio.h"
#include "string.h"
#include "kernel/fs/procgen.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/coredump.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/uts.h"

#define PATTERN_MAX 128 /* bytes with the NUL: Linux's CORENAME_MAX_SIZE */

static char pattern[PATTERN_MAX] = "core";
static int uses_pid;

/* --- the name ----------------------------------------------------------------------- */

struct cname {
    char *buf;
    size_t n, len;
    int over;
};

/* Append s; esc: '/' as '!' (a name, not a path). */
static void cn_put(struct cname *c, const char *s, int esc)
{
    for (; *s; s++) {
        if (c->len + 1 >= c->n) {
            c->over = 1;
            return;
        }
        c->buf[c->len++] = esc && *s == '/' ? '!' : *s;
    }
}

static void cn_num(struct cname *c, uint64_t v)
{
    char num[24];
    snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
    cn_put(c, num, 0);
}

/* One specifier (the letter after '%'): 1 when it was %p. */
static int cn_spec(struct cname *c, const struct proc *p, int sig, char s)
{
    switch (s) {
    case '%':
        cn_put(c, "%", 0);
        break;
    case 'p':
    case 'P':
        cn_num(c, (uint64_t)p->pid);
        return 1;
    case 'i':
    case 'I':
        cn_num(c, (uint64_t)lwp_current()->tid);
        break;
    case 'u':
        cn_num(c, p->cred.uid[0]);
        break;
    case 'g':
        cn_num(c, p->cred.gid[0]);
        break;
    case 's':
        cn_num(c, (uint64_t)sig);
        break;
    case 't':
        cn_num(c, clock_realtime_ns() / 1000000000);
        break;
    case 'h':
        cn_put(c, uts_nodename(), 1);
        break;
    case 'e':
        cn_put(c, lwp_current()->name, 1); /* the dumping thread's comm, as Linux's */
        break;
    case 'E':
        cn_put(c, p->exe ? p->exe : "", 1);
        break;
    case 'c':
        cn_num(c, p->rlim[RLIMIT_CORE].cur);
        break;
    case 'd':
        cn_num(c, 1);
        break;
    default:
        break;
    }
    return 0;
}

int core_name(const struct proc *p, int sig, char *buf, size_t n)
{
    struct cname c = {buf, n, 0, 0};
    int has_pid = 0;
    char one[2] = {0, 0};
    for (const char *s = pattern; *s; s++) {
        if (*s != '%') {
            one[0] = *s;
            cn_put(&c, one, 0);
        } else if (s[1]) {
            has_pid |= cn_spec(&c, p, sig, *++s);
        }
    }
    if (uses_pid && !has_pid) {
        cn_put(&c, ".", 0);
        cn_num(&c, (uint64_t)p->pid);
    }
    buf[c.len] = 0;
    return c.over ? -ENAMETOOLONG : 0;
}

/* --- /proc/sys/kernel/core_pattern and core_uses_pid -------------------------------- */

static long pattern_read(struct file *f, void *ubuf, size_t n)
{
    char text[PATTERN_MAX + 1];
    int len = snprintf(text, sizeof(text), "%s\n", pattern);
    return sysctl_text_read(f, ubuf, n, text, (size_t)len);
}

static long pattern_write(struct file *f, const void *ubuf, size_t n)
{
    char buf[PATTERN_MAX];
    int err = sysctl_text_write(ubuf, n, buf, sizeof(buf));
    if (err)
        return err;
    if (buf[0] == '|')
        return -EINVAL; /* a pipe to a helper program: not supported */
    memcpy(pattern, buf, sizeof(pattern));
    f->off += n;
    return (long)n;
}

static long uses_pid_read(struct file *f, void *ubuf, size_t n)
{
    char text[16];
    int len = snprintf(text, sizeof(text), "%d\n", uses_pid);
    return sysctl_text_read(f, ubuf, n, text, (size_t)len);
}

/* An integer, as Linux's proc_dointvec takes it (blanks around): any
 * value, nonzero meaning on; anything else is -EINVAL. */
static long uses_pid_write(struct file *f, const void *ubuf, size_t n)
{
    char buf[24], *end;
    int err = sysctl_text_write(ubuf, n, buf, sizeof(buf));
    if (err)
        return err;
    const char *s = buf;
    while (*s == ' ' || *s == '\t')
        s++;
    long v = strtol(s, &end, 10);
    if (end == s)
        return -EINVAL;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end)
        return -EINVAL;
    uses_pid = (int)v;
    f->off += n;
    return (long)n;
}

const struct file_ops core_pattern_ops = {
    .read = pattern_read, .write = pattern_write, .seekable = VN_SEEK_OFFSET};
const struct file_ops core_uses_pid_ops = {
    .read = uses_pid_read, .write = uses_pid_write, .seekable = VN_SEEK_OFFSET};
