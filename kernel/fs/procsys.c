/* The text of /proc/sys's files (proc(5), Linux's sysctls): read-only
 * here (the limits are fixed; the host and domain names change through
 * sethostname(2) and setdomainname(2), not by writing these files).
 * Each is its value and a newline, as Linux prints it. */
#include <stdint.h>
#include "errno.h"
#include "stdio.h"
#include "string.h"
#include "kernel/fs/procgen.h"
#include "kernel/fs/vfs.h"
#include "kernel/sys/aio.h"
#include "kernel/mm/page.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/vmregion.h"
#include "kernel/proc/proc.h"
#include "kernel/random.h"
#include "kernel/sched/sched.h"
#include "kernel/uts.h"

#define NR_FILE        8192       /* Linux's least fs.file-max */
#define FUTEX_TID_MASK 0x3fffffff /* Linux's most kernel.threads-max */

static int put_str(const char *s, char *buf, size_t n)
{
    return snprintf(buf, n, "%s\n", s);
}

static int put_num(uint64_t v, char *buf, size_t n)
{
    return snprintf(buf, n, "%llu\n", (unsigned long long)v);
}

/* --- kernel/ ---------------------------------------------------------------------- */

int gen_sys_ostype(int id, char *buf, size_t n)
{
    (void)id;
    return put_str(UTS_SYSNAME, buf, n);
}

int gen_sys_osrelease(int id, char *buf, size_t n)
{
    (void)id;
    return put_str(UTS_RELEASE, buf, n);
}

int gen_sys_version(int id, char *buf, size_t n)
{
    (void)id;
    return put_str(UTS_VERSION, buf, n);
}

int gen_sys_pid_max(int id, char *buf, size_t n)
{
    (void)id;
    return put_num(PID_MAX, buf, n);
}

int gen_sys_ngroups_max(int id, char *buf, size_t n)
{
    (void)id;
    return put_num(NGROUPS_MAX, buf, n);
}

/* Linux's default (set_max_threads): the threads whose stacks would take
 * an eighth of memory, at least 20. */
int gen_sys_threads_max(int id, char *buf, size_t n)
{
    struct pmem_stats st;
    (void)id;
    pmem_stats(&st);
    uint64_t t = st.total_pages * PAGE_SIZE / (THREAD_STACK_SIZE * 8ull);
    return put_num(t < 20 ? 20 : t > FUTEX_TID_MASK ? FUTEX_TID_MASK : t, buf, n);
}

/* A random (version 4) UUID from 16 random bytes, as Linux's
 * generate_random_uuid. */
static int put_uuid(uint8_t u[16], char *buf, size_t n)
{
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    return snprintf(buf, n,
                    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n", u[0],
                    u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
                    u[13], u[14], u[15]);
}

/* random/boot_id: drawn at its first read, the same until power-off. */
int gen_sys_boot_id(int id, char *buf, size_t n)
{
    static uint8_t boot_id[16];
    static int drawn;
    (void)id;
    if (!drawn) {
        random_bytes(boot_id, sizeof(boot_id));
        drawn = 1;
    }
    return put_uuid(boot_id, buf, n);
}

/* random/uuid: a new one at each read. */
int gen_sys_uuid(int id, char *buf, size_t n)
{
    uint8_t u[16];
    (void)id;
    random_bytes(u, sizeof(u));
    return put_uuid(u, buf, n);
}

/* --- fs/ and vm/ ----------------------------------------------------------------------- */

/* AIO's limit on the events all contexts ask for, and what they ask for
 * now (kernel/sys/sys_aio.c). The limit is fixed here (Linux lets root
 * raise it). */
int gen_sys_aio_max_nr(int id, char *buf, size_t n)
{
    (void)id;
    return put_num(AIO_MAX_NR, buf, n);
}

int gen_sys_aio_nr(int id, char *buf, size_t n)
{
    (void)id;
    return put_num(aio_nr_now(), buf, n);
}

/* Linux's default (files_maxfiles_init): a file per 10 KiB of memory, at
 * least NR_FILE. */
int gen_sys_file_max(int id, char *buf, size_t n)
{
    struct pmem_stats st;
    (void)id;
    pmem_stats(&st);
    uint64_t f = st.total_pages * (PAGE_SIZE / 1024) / 10;
    return put_num(f < NR_FILE ? NR_FILE : f, buf, n);
}

int gen_sys_nr_open(int id, char *buf, size_t n)
{
    (void)id;
    return put_num(NR_OPEN, buf, n);
}

/* The largest pipe F_SETPIPE_SZ makes without CAP_SYS_RESOURCE (a new
 * pipe holds PIPE_SIZE bytes). */
int gen_sys_pipe_max_size(int id, char *buf, size_t n)
{
    (void)id;
    return put_num(PIPE_MAX_SIZE, buf, n);
}

/* 0: no per-user limit on pipe buffers, as Linux reads a 0 here. */
int gen_sys_pipe_user_pages(int id, char *buf, size_t n)
{
    (void)id;
    return put_num(0, buf, n);
}

/* 0: not tainted (no proprietary or forced modules, no oops so far: a
 * kernel fault panics). */
int gen_sys_tainted(int id, char *buf, size_t n)
{
    (void)id;
    return put_num(0, buf, n);
}

/* 0: Linux's heuristic overcommit, the default. */
int gen_sys_overcommit_memory(int id, char *buf, size_t n)
{
    (void)id;
    return put_num(0, buf, n);
}

int gen_sys_max_map_count(int id, char *buf, size_t n)
{
    (void)id;
    return put_num(VM_MAP_MAX, buf, n); /* the kernel's limit (kernel/mm/vmregion.h) */
}

/* --- writable files -------------------------------------------------------- */

long sysctl_text_read(struct file *f, void *ubuf, size_t n, const char *text, size_t len)
{
    if (f->off >= len)
        return 0;
    size_t k = len - f->off < n ? len - f->off : n;
    if (copy_to_user(ubuf, text + f->off, k))
        return -EFAULT;
    f->off += k;
    return (long)k;
}

int sysctl_text_write(const void *ubuf, size_t n, char *buf, size_t size)
{
    if (!cred_capable(CAP_SYS_ADMIN))
        return -EACCES;
    size_t k = n < size - 1 ? n : size - 1;
    if (copy_from_user(buf, ubuf, k))
        return -EFAULT;
    buf[k] = 0;
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = 0;
    return 0;
}

/* kernel.hostname and kernel.domainname: what sethostname(2) and
 * setdomainname(2) change (a longer name is cut at UTS_LEN, as Linux's
 * proc_dostring cuts it at the table's size). */
static long name_read(struct file *f, void *ubuf, size_t n, const char *name)
{
    char text[UTS_LEN + 2];
    int len = snprintf(text, sizeof(text), "%s\n", name);
    return sysctl_text_read(f, ubuf, n, text, (size_t)len);
}

static long name_write(struct file *f, const void *ubuf, size_t n, int domain)
{
    char buf[UTS_LEN + 1];
    int err = sysctl_text_write(ubuf, n, buf, sizeof(buf));
    if (err)
        return err;
    uts_set(domain, buf);
    f->off += n;
    return (long)n;
}

static long hostname_read(struct file *f, void *ubuf, size_t n)
{
    return name_read(f, ubuf, n, uts_nodename());
}

static long hostname_write(struct file *f, const void *ubuf, size_t n)
{
    return name_write(f, ubuf, n, 0);
}

static long domainname_read(struct file *f, void *ubuf, size_t n)
{
    return name_read(f, ubuf, n, uts_domainname());
}

static long domainname_write(struct file *f, const void *ubuf, size_t n)
{
    return name_write(f, ubuf, n, 1);
}

const struct file_ops sysctl_hostname_ops = {
    .read = hostname_read, .write = hostname_write, .seekable = VN_SEEK_OFFSET};
const struct file_ops sysctl_domainname_ops = {
    .read = domainname_read, .write = domainname_write, .seekable = VN_SEEK_OFFSET};
