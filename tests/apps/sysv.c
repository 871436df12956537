/* sysv: System V IPC (issue 13): shared memory, semaphores and message
 * queues between processes.
 *
 *   shm: attach, write and IPC_STAT; sharing with a forked child (not
 *   copy-on-write) and with a process that found the segment by key after
 *   exec (which detached the inherited attach); IPC_RMID deferred until
 *   the last detach; shmdt's rules; SHM_RDONLY, SHM_RND, SHM_REMAP and
 *   given addresses; shmget's errors; IPC_SET, IPC_INFO, SHM_INFO,
 *   SHM_STAT; /proc/sysvipc/shm and the /proc/sys/kernel limits
 *   sem: values and the semctl commands, all-or-nothing operations, a
 *   sleeper woken by another process (GETNCNT, GETZCNT), SEM_UNDO at exit,
 *   IPC_NOWAIT, timeouts, EINTR, EIDRM, the errnos, IPC_INFO
 *   msg: types (0, > 0, < 0, MSG_EXCEPT), E2BIG and MSG_NOERROR, blocking
 *   receivers and senders, IPC_NOWAIT, EINTR, EIDRM, the errnos, IPC_INFO
 *
 * Every object is made with IPC_PRIVATE or a key of this process's pid,
 * and removed by the case, so the host's own objects are left alone. Each
 * case runs in its own child under alarm() and reports why it failed
 * through a pipe. Passes on Linux too. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tcase.h"

#define ALARM_S 10
#define PAGE    4096
/* An address no program has mapped (volatile: opaque to the compiler). */
static void *volatile BAD = (void *)8;

#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(t_die, what, call, want)
#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(t_die, what, call, want)

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
    struct seminfo *__buf;
};

/* ---- helpers ---- */

/* A key of this process's own (the host may hold others). */
static key_t own_key(int n)
{
    return (key_t)(0x5e000000 | (getpid() << 4) | n);
}

static int shm_new(size_t size)
{
    int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
    T_EXPECT(id >= 0, "shmget(IPC_PRIVATE, %zu): %s", size, t_errname(errno));
    return id;
}

static void *shm_attach(int id, const void *at, int flags)
{
    void *p = shmat(id, at, flags);
    T_EXPECT(p != (void *)-1, "shmat(%d): %s", id, t_errname(errno));
    return p;
}

static struct shmid_ds shm_stat(int id)
{
    struct shmid_ds ds;
    T_EXPECT(shmctl(id, IPC_STAT, &ds) == 0, "shmctl(IPC_STAT): %s", t_errname(errno));
    return ds;
}

static void shm_rm(int id)
{
    T_EXPECT(shmctl(id, IPC_RMID, NULL) == 0, "shmctl(IPC_RMID): %s", t_errname(errno));
}

static int sem_new(int n)
{
    int id = semget(IPC_PRIVATE, n, IPC_CREAT | 0600);
    T_EXPECT(id >= 0, "semget(IPC_PRIVATE, %d): %s", n, t_errname(errno));
    return id;
}

static int sem_val(int id, int num)
{
    return semctl(id, num, GETVAL);
}

static void sem_set(int id, int num, int val)
{
    union semun a = {.val = val};
    T_EXPECT(semctl(id, num, SETVAL, a) == 0, "SETVAL: %s", t_errname(errno));
}

static void sem_rm(int id)
{
    T_EXPECT(semctl(id, 0, IPC_RMID) == 0, "semctl(IPC_RMID): %s", t_errname(errno));
}

static int msg_new(void)
{
    int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    T_EXPECT(id >= 0, "msgget: %s", t_errname(errno));
    return id;
}

static void msg_rm(int id)
{
    T_EXPECT(msgctl(id, IPC_RMID, NULL) == 0, "msgctl(IPC_RMID): %s", t_errname(errno));
}

struct tmsg {
    long type;
    char text[64];
};

static void msg_put(int id, long type, const char *text)
{
    struct tmsg m = {.type = type};
    size_t n = strlen(text);
    memcpy(m.text, text, n);
    T_EXPECT(msgsnd(id, &m, n, 0) == 0, "msgsnd(type %ld): %s", type, t_errname(errno));
}

/* Receive and check one message: its type and text. */
static void msg_expect(int id, long want_type, const char *text, long msgtyp, int flags)
{
    struct tmsg m;
    memset(&m, 0, sizeof(m));
    ssize_t n = msgrcv(id, &m, sizeof(m.text), msgtyp, flags);
    T_EXPECT(n == (ssize_t)strlen(text) && m.type == want_type && memcmp(m.text, text, n) == 0,
             "msgrcv(msgtyp %ld): %zd/%s type %ld '%.*s', expected type %ld '%s'", msgtyp, n,
             t_errname(errno), m.type, (int)(n > 0 ? n : 0), m.text, want_type, text);
}

static pid_t fork_or_die(void)
{
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork: %s", t_errname(errno));
    return pid;
}

/* Reap pid, which must have exited 0 (it says why otherwise). */
static void reap_ok(pid_t pid)
{
    int st;
    T_EXPECT(p_wait(pid, &st, 0) == pid, "waitpid: %s", t_errname(errno));
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %s", p_status_str(st));
}

/* Wait (up to 5 s) until pid sleeps. */
static void await_sleep(pid_t pid)
{
    for (int i = 0; i < 5000; i++) {
        if (t_proc_state(pid) == 'S')
            return;
        p_sleep_ms(1);
    }
    t_die("child %d never slept", (int)pid);
}

/* Wait (up to 5 s) until semctl(id, num, cmd) reports n. */
static void await_count(int id, int num, int cmd, int n)
{
    for (int i = 0; i < 5000; i++) {
        if (semctl(id, num, cmd) == n)
            return;
        p_sleep_ms(1);
    }
    t_die("semctl(%d) never reached %d (now %d)", cmd, n, semctl(id, num, cmd));
}

/* Whether touching p (for writing when write) faults. */
static sigjmp_buf fault_jmp;
static void on_fault(int sig)
{
    (void)sig;
    siglongjmp(fault_jmp, 1);
}

static int faults(volatile char *p, int write)
{
    struct sigaction sa = {.sa_handler = on_fault}, old;
    sigaction(SIGSEGV, &sa, &old);
    int faulted = 1;
    if (sigsetjmp(fault_jmp, 1) == 0) {
        if (write)
            *p = 1;
        else
            (void)*p;
        faulted = 0;
    }
    sigaction(SIGSEGV, &old, NULL);
    return faulted;
}

static void on_usr1(int sig)
{
    (void)sig;
}

/* SIGUSR1 with a handler that returns (no SA_RESTART: SysV IPC calls are
 * never restarted after a handler anyway). */
static void catch_usr1(void)
{
    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGUSR1, &sa, NULL);
}

/* The text of a /proc file (NUL-terminated) in buf: its length, or -1. */
static ssize_t read_text(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t r = p_read_full(fd, buf, n - 1);
    close(fd);
    buf[r > 0 ? r : 0] = 0;
    return r;
}

static void expect_text(const char *path, const char *want)
{
    char buf[256];
    T_EXPECT(read_text(path, buf, sizeof(buf)) >= 0, "%s: %s", path, t_errname(errno));
    T_EXPECT(strcmp(buf, want) == 0, "%s: '%s', expected '%s'", path, buf, want);
}

/* ---- shared memory ---- */

static void case_shm_basic(void)
{
    int id = shm_new(10000);
    struct shmid_ds ds = shm_stat(id);
    T_EXPECT(ds.shm_segsz == 10000 && ds.shm_nattch == 0 && ds.shm_cpid == getpid() &&
                 (ds.shm_perm.mode & 0777) == 0600 && ds.shm_perm.uid == geteuid() &&
                 ds.shm_perm.cuid == geteuid() && ds.shm_perm.__key == IPC_PRIVATE,
             "new segment: size %zu nattch %lu cpid %d mode %o", ds.shm_segsz,
             (unsigned long)ds.shm_nattch, (int)ds.shm_cpid, ds.shm_perm.mode);
    unsigned char *p = shm_attach(id, NULL, 0);
    T_EXPECT(((uintptr_t)p & (PAGE - 1)) == 0, "attach at %p: not page-aligned", (void *)p);
    for (int i = 0; i < 3 * PAGE; i++)
        T_EXPECT(p[i] == 0, "new segment byte %d is %d", i, p[i]);
    memset(p, 0xab, 10000);
    ds = shm_stat(id);
    T_EXPECT(ds.shm_nattch == 1 && ds.shm_lpid == getpid() && ds.shm_atime != 0,
             "attached: nattch %lu lpid %d", (unsigned long)ds.shm_nattch, (int)ds.shm_lpid);
    unsigned char *q = shm_attach(id, NULL, SHM_RDONLY);
    T_EXPECT(q != p && q[9999] == 0xab, "second attach does not see the first's bytes");
    T_EXPECT(shm_stat(id).shm_nattch == 2, "two attaches: nattch %lu",
             (unsigned long)shm_stat(id).shm_nattch);
    EXPECT_RET("shmdt", shmdt(q), 0);
    EXPECT_RET("shmdt", shmdt(p), 0);
    ds = shm_stat(id);
    T_EXPECT(ds.shm_nattch == 0 && ds.shm_dtime != 0, "detached: nattch %lu",
             (unsigned long)ds.shm_nattch);
    p = shm_attach(id, NULL, 0);
    T_EXPECT(p[0] == 0xab && p[9999] == 0xab, "bytes lost after the last detach");
    shm_rm(id);
    T_EXPECT(p[5000] == 0xab, "bytes lost at IPC_RMID while attached");
    EXPECT_RET("shmdt", shmdt(p), 0);
    EXPECT_ERR("IPC_STAT after removal", shmctl(id, IPC_STAT, &ds), EINVAL);
}

/* Fork shares an attach (the same pages, not copies) and counts it. */
static void case_shm_fork(void)
{
    int id = shm_new(2 * PAGE);
    volatile int *p = shm_attach(id, NULL, 0);
    p[0] = 1;
    pid_t pid = fork_or_die();
    if (pid == 0) {
        T_EXPECT(shm_stat(id).shm_nattch == 2, "child: nattch %lu, expected 2",
                 (unsigned long)shm_stat(id).shm_nattch);
        T_EXPECT(p[0] == 1, "child: inherited attach reads %d", p[0]);
        p[0] = 2;
        p[PAGE / sizeof(int)] = 3; /* a page neither side had touched */
        while (p[1] != 4)
            p_sleep_ms(1);
        _exit(0);
    }
    while (p[0] != 2)
        p_sleep_ms(1);
    T_EXPECT(p[PAGE / sizeof(int)] == 3, "parent: the child's write to a fresh page is not seen");
    p[1] = 4;
    reap_ok(pid);
    T_EXPECT(shm_stat(id).shm_nattch == 1, "after the child's exit: nattch %lu",
             (unsigned long)shm_stat(id).shm_nattch);
    shm_rm(id);
}

/* Exec detaches: a child execs this program, which finds the segment by
 * key, sees one attach (the parent's), attaches and writes. */
static void case_shm_exec_key(void)
{
    key_t key = own_key(1);
    int id = shmget(key, PAGE, IPC_CREAT | IPC_EXCL | 0600);
    T_EXPECT(id >= 0, "shmget(key): %s", t_errname(errno));
    volatile char *p = shm_attach(id, NULL, 0);
    pid_t pid = fork_or_die();
    if (pid == 0) {
        char arg[32];
        snprintf(arg, sizeof(arg), "%d", (int)key);
        execl(p_self_path("sysv"), "sysv", "--shm-child", arg, (char *)NULL);
        t_die("exec: %s", t_errname(errno));
    }
    reap_ok(pid);
    T_EXPECT(strcmp((const char *)p, "from the exec'd child") == 0,
             "the child's words are not in the segment: '%.24s'", (const char *)p);
    struct shmid_ds ds = shm_stat(id);
    T_EXPECT(ds.shm_nattch == 1 && ds.shm_lpid == pid, "after: nattch %lu lpid %d (child %d)",
             (unsigned long)ds.shm_nattch, (int)ds.shm_lpid, (int)pid);
    shm_rm(id);
    EXPECT_ERR("shmget(key) after IPC_RMID", shmget(key, PAGE, 0600), ENOENT);
}

/* The exec'd side of case_shm_exec_key: its exit status says what failed. */
static int shm_child(const char *keytext)
{
    key_t key = (key_t)atoi(keytext);
    int id = shmget(key, 0, 0);
    if (id < 0)
        return 10;
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) != 0 || ds.shm_nattch != 1)
        return 11; /* exec dropped the inherited attach */
    char *p = shmat(id, NULL, 0);
    if (p == (void *)-1)
        return 12;
    strcpy(p, "from the exec'd child");
    if (shmctl(id, IPC_STAT, &ds) != 0 || ds.shm_nattch != 2)
        return 13;
    return 0; /* exit detaches */
}

/* IPC_RMID while attached: the key goes at once, the segment stays usable
 * (by id too) until the last detach, then the id is gone. */
static void case_shm_rmid_deferred(void)
{
    key_t key = own_key(2);
    int id = shmget(key, PAGE, IPC_CREAT | IPC_EXCL | 0600);
    T_EXPECT(id >= 0, "shmget(key): %s", t_errname(errno));
    volatile int *p = shm_attach(id, NULL, 0);
    p[0] = 7;
    pid_t pid = fork_or_die();
    if (pid == 0) {
        while (p[1] != 1)
            p_sleep_ms(1);
        T_EXPECT(p[0] == 8, "child: the parent's write after IPC_RMID is not seen");
        p[2] = 1;
        _exit(0);
    }
    shm_rm(id);
    struct shmid_ds ds = shm_stat(id);
    T_EXPECT((ds.shm_perm.mode & SHM_DEST) && ds.shm_perm.__key == IPC_PRIVATE &&
                 ds.shm_nattch == 2,
             "removed while attached: mode %o key %d nattch %lu", ds.shm_perm.mode,
             (int)ds.shm_perm.__key, (unsigned long)ds.shm_nattch);
    EXPECT_ERR("shmget(key) after IPC_RMID", shmget(key, PAGE, 0600), ENOENT);
    p[0] = 8;
    p[1] = 1;
    while (p[2] != 1)
        p_sleep_ms(1);
    reap_ok(pid);
    T_EXPECT(shm_stat(id).shm_nattch == 1, "nattch after the child's exit");
    EXPECT_RET("shmdt", shmdt((const void *)p), 0);
    EXPECT_ERR("IPC_STAT after the last detach", shmctl(id, IPC_STAT, &ds), EINVAL);
    EXPECT_ERR("shmat after the last detach", (long)shmat(id, NULL, 0), EINVAL);
}

/* shmdt: only the address an attach returned; the pages go. */
static void case_shm_shmdt(void)
{
    int id = shm_new(3 * PAGE);
    char *p = shm_attach(id, NULL, 0);
    p[0] = 1;
    EXPECT_ERR("shmdt misaligned", shmdt(p + 1), EINVAL);
    EXPECT_ERR("shmdt of the second page", shmdt(p + PAGE), EINVAL);
    char *anon = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(anon != MAP_FAILED, "mmap: %s", t_errname(errno));
    /* Above an anonymous mapping with nothing attached there: EINVAL
     * (Linux looks for an attach at or above the address). */
    if (anon > p)
        EXPECT_ERR("shmdt of anonymous memory", shmdt(anon), EINVAL);
    EXPECT_RET("shmdt", shmdt(p), 0);
    T_EXPECT(faults(p, 0) && faults(p + 2 * PAGE, 1), "detached pages are still mapped");
    EXPECT_ERR("shmdt again", shmdt(p), EINVAL);
    T_EXPECT(shm_stat(id).shm_nattch == 0, "nattch after shmdt");
    /* A partly unmapped attach: shmdt takes the rest. */
    p = shm_attach(id, NULL, 0);
    T_EXPECT(munmap(p + PAGE, PAGE) == 0, "munmap: %s", t_errname(errno));
    T_EXPECT(shm_stat(id).shm_nattch == 2, "an attach split in two counts twice (%lu)",
             (unsigned long)shm_stat(id).shm_nattch);
    EXPECT_RET("shmdt of a split attach", shmdt(p), 0);
    T_EXPECT(shm_stat(id).shm_nattch == 0 && faults(p + 2 * PAGE, 0),
             "shmdt left part of a split attach (nattch %lu)",
             (unsigned long)shm_stat(id).shm_nattch);
    munmap(anon, PAGE);
    shm_rm(id);
}

/* A free, page-aligned range of n pages. */
static char *free_range(size_t n)
{
    char *p = mmap(NULL, n * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(p != MAP_FAILED, "mmap: %s", t_errname(errno));
    munmap(p, n * PAGE);
    return p;
}

static void case_shm_at_flags(void)
{
    int id = shm_new(2 * PAGE);
    char *w = shm_attach(id, NULL, 0);
    w[0] = 'x';
    char *r = shm_attach(id, NULL, SHM_RDONLY);
    T_EXPECT(r[0] == 'x' && !faults(r, 0) && faults(r + PAGE, 1),
             "SHM_RDONLY: readable but not writable");
    EXPECT_ERR("mprotect(PROT_WRITE) of SHM_RDONLY", mprotect(r, PAGE, PROT_READ | PROT_WRITE),
               EACCES);
    EXPECT_RET("shmdt", shmdt(r), 0);
    char *at = free_range(4);
    EXPECT_RET("shmat at a free address", (long)shmat(id, at, 0), (long)at);
    T_EXPECT(at[0] == 'x', "the attach at a given address does not see the segment");
    EXPECT_ERR("shmat over an attach", (long)shmat(id, at + PAGE, 0), EINVAL);
    EXPECT_RET("shmat over it with SHM_REMAP", (long)shmat(id, at + PAGE, SHM_REMAP),
               (long)(at + PAGE));
    T_EXPECT(at[PAGE] == 'x', "SHM_REMAP did not replace the mapping");
    EXPECT_RET("shmdt", shmdt(at), 0);
    EXPECT_RET("shmdt", shmdt(at + PAGE), 0);
    EXPECT_ERR("shmat misaligned", (long)shmat(id, at + 10, 0), EINVAL);
    EXPECT_RET("shmat with SHM_RND", (long)shmat(id, at + 10, SHM_RND), (long)at);
    EXPECT_RET("shmdt", shmdt(at), 0);
    EXPECT_ERR("SHM_REMAP without an address", (long)shmat(id, NULL, SHM_REMAP), EINVAL);
    EXPECT_ERR("SHM_RND|SHM_REMAP rounding to 0", (long)shmat(id, (void *)10, SHM_RND | SHM_REMAP),
               EINVAL);
    EXPECT_ERR("shmat bad id", (long)shmat(-1, NULL, 0), EINVAL);
    EXPECT_ERR("shmat unused id", (long)shmat(id + 1000000, NULL, 0), EINVAL);
    EXPECT_RET("shmdt", shmdt(w), 0);
    shm_rm(id);
}

static void case_shm_get_errors(void)
{
    key_t key = own_key(3);
    EXPECT_ERR("size 0", shmget(IPC_PRIVATE, 0, 0600), EINVAL);
    EXPECT_ERR("size past SHMMAX", shmget(IPC_PRIVATE, (size_t)-1, 0600), EINVAL);
    EXPECT_ERR("more than memory", shmget(IPC_PRIVATE, (size_t)1 << 46, 0600), ENOMEM);
    EXPECT_ERR("missing key", shmget(key, PAGE, 0600), ENOENT);
    int id = shmget(key, 2 * PAGE, IPC_CREAT | 0640);
    T_EXPECT(id >= 0, "shmget(IPC_CREAT): %s", t_errname(errno));
    EXPECT_RET("existing key", shmget(key, PAGE, 0), id);
    EXPECT_RET("existing key, IPC_CREAT", shmget(key, 0, IPC_CREAT | 0600), id);
    EXPECT_ERR("IPC_CREAT|IPC_EXCL", shmget(key, PAGE, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    EXPECT_ERR("larger than the segment", shmget(key, 3 * PAGE, 0600), EINVAL);
    int id2 = shm_new(PAGE);
    T_EXPECT(id2 != id, "two segments with one id");
    shm_rm(id2);
    shm_rm(id);
    EXPECT_ERR("IPC_RMID twice", shmctl(id, IPC_RMID, NULL), EINVAL);
}

static void case_shm_ctl(void)
{
    int id = shm_new(5000);
    struct shmid_ds ds = shm_stat(id);
    ds.shm_perm.mode = 0644;
    ds.shm_perm.uid = 1234;
    EXPECT_RET("IPC_SET", shmctl(id, IPC_SET, &ds), 0);
    ds = shm_stat(id);
    T_EXPECT((ds.shm_perm.mode & 0777) == 0644 && ds.shm_perm.uid == 1234 &&
                 ds.shm_perm.cuid == geteuid(),
             "IPC_SET: mode %o uid %u cuid %u", ds.shm_perm.mode, ds.shm_perm.uid,
             ds.shm_perm.cuid);
    struct shminfo si;
    int max = shmctl(0, IPC_INFO, (struct shmid_ds *)&si);
    T_EXPECT(max >= id % 32768, "IPC_INFO: highest index %d below ours %d", max, id % 32768);
    T_EXPECT(si.shmmni == 4096 && si.shmmin == 1 && si.shmmax >= 0x7fffffff,
             "IPC_INFO: shmmni %lu shmmin %lu shmmax %lu", si.shmmni, si.shmmin, si.shmmax);
    struct shm_info info;
    T_EXPECT(shmctl(0, SHM_INFO, (struct shmid_ds *)&info) >= id % 32768 && info.used_ids >= 1,
             "SHM_INFO: used_ids %d", info.used_ids);
    EXPECT_RET("SHM_STAT by index", shmctl(id % 32768, SHM_STAT, &ds), id);
    T_EXPECT(ds.shm_segsz == 5000, "SHM_STAT: size %zu", ds.shm_segsz);
    EXPECT_ERR("IPC_STAT to a bad address", syscall(SYS_shmctl, id, IPC_STAT, BAD), EFAULT);
    EXPECT_ERR("IPC_SET from a bad address", syscall(SYS_shmctl, id, IPC_SET, BAD), EFAULT);
    EXPECT_ERR("IPC_INFO to a bad address", syscall(SYS_shmctl, 0, IPC_INFO, BAD), EFAULT);
    EXPECT_ERR("IPC_STAT of id -1", shmctl(-1, IPC_STAT, &ds), EINVAL);
    EXPECT_ERR("unknown command", shmctl(id, 999, &ds), EINVAL);
    shm_rm(id);
    EXPECT_ERR("IPC_STAT of a removed id", shmctl(id, IPC_STAT, &ds), EINVAL);
}

static void case_shm_proc(void)
{
    int id = shm_new(12345);
    char *p = shm_attach(id, NULL, 0);
    p[0] = 1;
    char buf[8192], want[128];
    T_EXPECT(read_text("/proc/sysvipc/shm", buf, sizeof(buf)) > 0, "/proc/sysvipc/shm: %s",
             t_errname(errno));
    T_EXPECT(strncmp(buf, "       key      shmid perms                  size  cpid  lpid nattch",
                     66) == 0,
             "/proc/sysvipc/shm header: %.80s", buf);
    snprintf(want, sizeof(want), "%10d %10d  %4o %21d %5d %5d  %5d ", 0, id, 0600, 12345,
             (int)getpid(), (int)getpid(), 1);
    T_EXPECT(strstr(buf, want), "no line '%s' in /proc/sysvipc/shm", want);
    expect_text("/proc/sys/kernel/shmmni", "4096\n");
    expect_text("/proc/sys/kernel/shmmax", "18446744073692774399\n");
    expect_text("/proc/sys/kernel/shmall", "18446744073692774399\n");
    shmdt(p);
    shm_rm(id);
}

/* ---- semaphores ---- */

static void case_sem_basic(void)
{
    int id = sem_new(3);
    struct semid_ds ds;
    union semun a = {.buf = &ds};
    EXPECT_RET("IPC_STAT", semctl(id, 0, IPC_STAT, a), 0);
    T_EXPECT(ds.sem_nsems == 3 && (ds.sem_perm.mode & 0777) == 0600 && ds.sem_otime == 0,
             "IPC_STAT: nsems %lu mode %o otime %ld", (unsigned long)ds.sem_nsems, ds.sem_perm.mode,
             (long)ds.sem_otime);
    T_EXPECT(sem_val(id, 0) == 0 && sem_val(id, 2) == 0, "new values are not 0");
    sem_set(id, 1, 5);
    EXPECT_RET("GETVAL", sem_val(id, 1), 5);
    EXPECT_RET("GETPID after SETVAL", semctl(id, 1, GETPID), getpid());
    unsigned short all[3] = {1, 2, 3}, got[3] = {0};
    a.array = all;
    EXPECT_RET("SETALL", semctl(id, 0, SETALL, a), 0);
    a.array = got;
    EXPECT_RET("GETALL", semctl(id, 0, GETALL, a), 0);
    T_EXPECT(got[0] == 1 && got[1] == 2 && got[2] == 3, "GETALL: %d %d %d", got[0], got[1], got[2]);
    struct sembuf ops[2] = {{0, -1, 0}, {2, 4, 0}};
    EXPECT_RET("semop", semop(id, ops, 2), 0);
    T_EXPECT(sem_val(id, 0) == 0 && sem_val(id, 2) == 7, "after semop: %d %d", sem_val(id, 0),
             sem_val(id, 2));
    /* All or nothing: the second cannot go, so the first is taken back. */
    struct sembuf two[2] = {{2, -1, 0}, {0, -1, IPC_NOWAIT}};
    EXPECT_ERR("semop that cannot go", semop(id, two, 2), EAGAIN);
    EXPECT_RET("value after a failed semop", sem_val(id, 2), 7);
    /* The same semaphore twice in one call, in order. */
    struct sembuf same[2] = {{1, 3, 0}, {1, -5, 0}};
    EXPECT_RET("semop on one semaphore twice", semop(id, same, 2), 0);
    EXPECT_RET("its value", sem_val(id, 1), 0);
    struct sembuf zero = {1, 0, 0};
    EXPECT_RET("wait-for-zero at zero", semop(id, &zero, 1), 0);
    a.buf = &ds;
    semctl(id, 0, IPC_STAT, a);
    T_EXPECT(ds.sem_otime != 0, "sem_otime not set by semop");
    sem_rm(id);
    EXPECT_ERR("GETVAL after IPC_RMID", sem_val(id, 0), EINVAL);
}

/* A sleeper in another process, counted by GETNCNT/GETZCNT, woken by a
 * change. */
static void case_sem_wakeup(void)
{
    int id = sem_new(2);
    sem_set(id, 1, 1);
    pid_t dec = fork_or_die();
    if (dec == 0) {
        struct sembuf op = {0, -2, 0};
        EXPECT_RET("blocking semop", semop(id, &op, 1), 0);
        _exit(0);
    }
    pid_t zero = fork_or_die();
    if (zero == 0) {
        struct sembuf op = {1, 0, 0};
        EXPECT_RET("blocking wait-for-zero", semop(id, &op, 1), 0);
        _exit(0);
    }
    await_count(id, 0, GETNCNT, 1);
    await_count(id, 1, GETZCNT, 1);
    EXPECT_RET("GETZCNT of semaphore 0", semctl(id, 0, GETZCNT), 0);
    struct sembuf one = {0, 1, 0};
    EXPECT_RET("semop +1", semop(id, &one, 1), 0);
    p_sleep_ms(20);
    EXPECT_RET("still waiting for 2", semctl(id, 0, GETNCNT), 1);
    EXPECT_RET("semop +1", semop(id, &one, 1), 0);
    reap_ok(dec);
    T_EXPECT(sem_val(id, 0) == 0 && semctl(id, 0, GETPID) == dec,
             "after the wakeup: value %d pid %d (child %d)", sem_val(id, 0), semctl(id, 0, GETPID),
             (int)dec);
    struct sembuf down = {1, -1, 0};
    EXPECT_RET("semop to zero", semop(id, &down, 1), 0);
    reap_ok(zero);
    EXPECT_RET("GETNCNT after", semctl(id, 0, GETNCNT), 0);
    sem_rm(id);
}

/* SEM_UNDO: a process's adjustments are undone when it exits. */
static void case_sem_undo(void)
{
    int id = sem_new(2);
    sem_set(id, 0, 5);
    pid_t pid = fork_or_die();
    if (pid == 0) {
        struct sembuf ops[2] = {{0, -2, SEM_UNDO}, {1, 3, SEM_UNDO}};
        EXPECT_RET("semop with SEM_UNDO", semop(id, ops, 2), 0);
        struct sembuf more = {0, -1, SEM_UNDO};
        EXPECT_RET("semop with SEM_UNDO again", semop(id, &more, 1), 0);
        struct sembuf plain = {1, 1, 0};
        EXPECT_RET("semop without it", semop(id, &plain, 1), 0);
        T_EXPECT(sem_val(id, 0) == 2 && sem_val(id, 1) == 4, "child: values %d %d", sem_val(id, 0),
                 sem_val(id, 1));
        _exit(0);
    }
    reap_ok(pid);
    T_EXPECT(sem_val(id, 0) == 5 && sem_val(id, 1) == 1,
             "after the exit: values %d %d, expected 5 1", sem_val(id, 0), sem_val(id, 1));
    EXPECT_RET("GETPID after the undo", semctl(id, 0, GETPID), pid);
    /* An undo that would go below 0 stops at 0. */
    pid = fork_or_die();
    if (pid == 0) {
        struct sembuf up = {0, 2, SEM_UNDO};
        EXPECT_RET("semop +2 with SEM_UNDO", semop(id, &up, 1), 0);
        struct sembuf down = {0, -7, 0};
        EXPECT_RET("semop -7", semop(id, &down, 1), 0);
        _exit(0);
    }
    reap_ok(pid);
    EXPECT_RET("undo clamped at 0", sem_val(id, 0), 0);
    /* SETVAL forgets the adjustments. */
    pid = fork_or_die();
    if (pid == 0) {
        struct sembuf up = {1, 2, SEM_UNDO};
        EXPECT_RET("semop +2 with SEM_UNDO", semop(id, &up, 1), 0);
        sem_set(id, 1, 10);
        _exit(0);
    }
    reap_ok(pid);
    EXPECT_RET("SETVAL dropped the undo", sem_val(id, 1), 10);
    sem_rm(id);
}

static void case_sem_nowait_timeout(void)
{
    int id = sem_new(1);
    struct sembuf op = {0, -1, IPC_NOWAIT};
    EXPECT_ERR("IPC_NOWAIT", semop(id, &op, 1), EAGAIN);
    struct sembuf z = {0, 0, IPC_NOWAIT};
    sem_set(id, 0, 1);
    EXPECT_ERR("IPC_NOWAIT wait-for-zero", semop(id, &z, 1), EAGAIN);
    sem_set(id, 0, 0);
    op.sem_flg = 0;
    struct timespec ts = {0, 100 * 1000000};
    double t0 = p_now_us();
    EXPECT_ERR("semtimedop timeout", semtimedop(id, &op, 1, &ts), EAGAIN);
    double took = (p_now_us() - t0) / 1000;
    T_EXPECT(took >= 95 && took < 3000, "semtimedop of 100 ms took %.1f ms", took);
    struct timespec zero = {0, 0};
    EXPECT_ERR("semtimedop with a zero timeout", semtimedop(id, &op, 1, &zero), EAGAIN);
    struct sembuf up = {0, 1, 0};
    EXPECT_RET("semtimedop that can go", semtimedop(id, &up, 1, &ts), 0);
    EXPECT_RET("value", sem_val(id, 0), 1);
    sem_rm(id);
}

/* Semaphore 1 tells the parent the child saw EINTR. */
static void case_sem_eintr_eidrm(void)
{
    int id = sem_new(2);
    pid_t pid = fork_or_die();
    if (pid == 0) {
        catch_usr1();
        struct sembuf op = {0, -1, 0}, said = {1, 1, 0};
        EXPECT_ERR("semop interrupted", semop(id, &op, 1), EINTR);
        EXPECT_RET("semop", semop(id, &said, 1), 0);
        EXPECT_ERR("semop as the set goes", semop(id, &op, 1), EIDRM);
        _exit(0);
    }
    await_count(id, 0, GETNCNT, 1);
    kill(pid, SIGUSR1);
    await_count(id, 1, GETVAL, 1);
    await_count(id, 0, GETNCNT, 1);
    sem_rm(id);
    reap_ok(pid);
}

static void case_sem_errors(void)
{
    int id = sem_new(2);
    struct sembuf op = {0, 1, 0}, big[501];
    memset(big, 0, sizeof(big));
    EXPECT_ERR("nsops 0", semop(id, &op, 0), EINVAL);
    EXPECT_ERR("nsops past SEMOPM", semop(id, big, 501), E2BIG);
    EXPECT_ERR("bad sops", semop(id, BAD, 1), EFAULT);
    struct sembuf far = {2, 1, 0};
    EXPECT_ERR("sem_num past the set", semop(id, &far, 1), EFBIG);
    EXPECT_ERR("bad id", semop(-1, &op, 1), EINVAL);
    EXPECT_ERR("unused id", semop(id + 1000000, &op, 1), EINVAL);
    struct sembuf over = {0, 32767, 0};
    EXPECT_RET("semop to SEMVMX", semop(id, &over, 1), 0);
    EXPECT_ERR("semop past SEMVMX", semop(id, &op, 1), ERANGE);
    EXPECT_ERR("bad timeout", syscall(SYS_semtimedop, id, &op, 1, BAD), EFAULT);
    struct timespec badts = {0, 1000000000};
    EXPECT_ERR("timeout nsec too large", semtimedop(id, &op, 1, &badts), EINVAL);
    union semun a = {.val = 40000};
    EXPECT_ERR("SETVAL past SEMVMX", semctl(id, 0, SETVAL, a), ERANGE);
    a.val = -1;
    EXPECT_ERR("SETVAL negative", semctl(id, 0, SETVAL, a), ERANGE);
    EXPECT_ERR("GETVAL semnum past the set", semctl(id, 2, GETVAL), EINVAL);
    EXPECT_ERR("GETVAL semnum -1", semctl(id, -1, GETVAL), EINVAL);
    EXPECT_ERR("GETALL to a bad address", syscall(SYS_semctl, id, 0, GETALL, BAD), EFAULT);
    EXPECT_ERR("SETALL from a bad address", syscall(SYS_semctl, id, 0, SETALL, BAD), EFAULT);
    EXPECT_ERR("IPC_STAT to a bad address", syscall(SYS_semctl, id, 0, IPC_STAT, BAD), EFAULT);
    EXPECT_ERR("unknown command", semctl(id, 0, 999), EINVAL);
    EXPECT_ERR("semctl id -1", semctl(-1, 0, GETVAL), EINVAL);
    EXPECT_ERR("semget nsems past SEMMSL", semget(IPC_PRIVATE, 32001, 0600), EINVAL);
    EXPECT_ERR("semget nsems 0", semget(IPC_PRIVATE, 0, 0600), EINVAL);
    EXPECT_ERR("semget nsems -1", semget(IPC_PRIVATE, -1, 0600), EINVAL);
    key_t key = own_key(4);
    EXPECT_ERR("semget missing key", semget(key, 1, 0600), ENOENT);
    int kid = semget(key, 2, IPC_CREAT | 0600);
    T_EXPECT(kid >= 0, "semget(key): %s", t_errname(errno));
    EXPECT_RET("semget existing", semget(key, 1, 0), kid);
    EXPECT_ERR("semget more than it has", semget(key, 3, 0), EINVAL);
    EXPECT_ERR("semget IPC_EXCL", semget(key, 1, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    sem_rm(kid);
    sem_rm(id);
}

static void case_sem_info(void)
{
    int id = sem_new(4);
    struct seminfo si;
    union semun a = {.__buf = &si};
    int max = semctl(0, 0, IPC_INFO, a);
    T_EXPECT(max >= id % 32768, "IPC_INFO: %d", max);
    T_EXPECT(si.semmsl == 32000 && si.semmni == 32000 && si.semopm == 500 && si.semvmx == 32767 &&
                 si.semmns == 1024000000,
             "IPC_INFO: semmsl %d semmni %d semopm %d semvmx %d", si.semmsl, si.semmni, si.semopm,
             si.semvmx);
    semctl(0, 0, SEM_INFO, a);
    T_EXPECT(si.semusz >= 1 && si.semaem >= 4, "SEM_INFO: sets %d semaphores %d", si.semusz,
             si.semaem);
    struct semid_ds ds;
    a.buf = &ds;
    EXPECT_RET("SEM_STAT by index", semctl(id % 32768, 0, SEM_STAT, a), id);
    T_EXPECT(ds.sem_nsems == 4, "SEM_STAT: nsems %lu", (unsigned long)ds.sem_nsems);
    ds.sem_perm.mode = 0640;
    EXPECT_RET("IPC_SET", semctl(id, 0, IPC_SET, a), 0);
    semctl(id, 0, IPC_STAT, a);
    T_EXPECT((ds.sem_perm.mode & 0777) == 0640, "IPC_SET: mode %o", ds.sem_perm.mode);
    expect_text("/proc/sys/kernel/sem", "32000\t1024000000\t500\t32000\n");
    char buf[8192], want[128];
    read_text("/proc/sysvipc/sem", buf, sizeof(buf));
    snprintf(want, sizeof(want), "%10d %10d  %4o %10d ", 0, id, 0640, 4);
    T_EXPECT(strstr(buf, want), "no line '%s' in /proc/sysvipc/sem", want);
    sem_rm(id);
}

/* ---- message queues ---- */

static void case_msg_types(void)
{
    int id = msg_new();
    msg_put(id, 3, "three");
    msg_put(id, 1, "one");
    msg_put(id, 2, "two");
    msg_put(id, 1, "one again");
    struct msqid_ds ds;
    EXPECT_RET("IPC_STAT", msgctl(id, IPC_STAT, &ds), 0);
    T_EXPECT(ds.msg_qnum == 4 && ds.__msg_cbytes == 20 && ds.msg_lspid == getpid() &&
                 ds.msg_qbytes == 16384 && ds.msg_lrpid == 0,
             "IPC_STAT: qnum %lu cbytes %lu qbytes %lu", (unsigned long)ds.msg_qnum,
             (unsigned long)ds.__msg_cbytes, (unsigned long)ds.msg_qbytes);
    msg_expect(id, 2, "two", 2, 0);
    msg_expect(id, 1, "one", -2, 0);
    msg_expect(id, 3, "three", 1, MSG_EXCEPT);
    msg_expect(id, 1, "one again", 0, 0);
    EXPECT_ERR("empty queue with IPC_NOWAIT", msgrcv(id, &ds, 8, 0, IPC_NOWAIT), ENOMSG);
    msg_put(id, 5, "five");
    EXPECT_ERR("no message of type 4", msgrcv(id, &ds, 8, 4, IPC_NOWAIT), ENOMSG);
    EXPECT_ERR("none of type <= 4", msgrcv(id, &ds, 8, -4, IPC_NOWAIT), ENOMSG);
    EXPECT_ERR("none but type 5", msgrcv(id, &ds, 8, 5, IPC_NOWAIT | MSG_EXCEPT), ENOMSG);
    msg_expect(id, 5, "five", -5, 0);
    EXPECT_RET("IPC_STAT", msgctl(id, IPC_STAT, &ds), 0);
    T_EXPECT(ds.msg_qnum == 0 && ds.msg_lrpid == getpid() && ds.msg_rtime != 0,
             "IPC_STAT after: qnum %lu lrpid %d", (unsigned long)ds.msg_qnum, (int)ds.msg_lrpid);
    msg_rm(id);
}

static void case_msg_sizes(void)
{
    int id = msg_new();
    msg_put(id, 1, "a long message");
    struct tmsg m;
    EXPECT_ERR("buffer too small", msgrcv(id, &m, 4, 0, 0), E2BIG);
    struct msqid_ds ds;
    EXPECT_RET("IPC_STAT", msgctl(id, IPC_STAT, &ds), 0);
    T_EXPECT(ds.msg_qnum == 1, "the message did not stay after E2BIG");
    EXPECT_RET("MSG_NOERROR truncates", msgrcv(id, &m, 4, 0, MSG_NOERROR), 4);
    T_EXPECT(m.type == 1 && memcmp(m.text, "a lo", 4) == 0, "truncated message: %.4s", m.text);
    EXPECT_ERR("gone after MSG_NOERROR", msgrcv(id, &m, 64, 0, IPC_NOWAIT), ENOMSG);
    static char big[8200];
    *(long *)big = 1;
    EXPECT_RET("MSGMAX bytes", msgsnd(id, big, 8192, 0), 0);
    EXPECT_ERR("past MSGMAX", msgsnd(id, big, 8193, 0), EINVAL);
    EXPECT_RET("a zero-length message", msgsnd(id, big, 0, 0), 0);
    EXPECT_RET("receive MSGMAX", msgrcv(id, big, 8192, 0, 0), 8192);
    EXPECT_RET("receive zero bytes", msgrcv(id, big, 0, 0, 0), 0);
    msg_rm(id);
}

/* A receiver waiting in another process, a sender waiting for room. */
static void case_msg_blocking(void)
{
    int id = msg_new();
    pid_t pid = fork_or_die();
    if (pid == 0) {
        msg_expect(id, 7, "wake up", 7, 0);
        _exit(0);
    }
    await_sleep(pid);
    msg_put(id, 6, "not this one");
    msg_put(id, 7, "wake up");
    reap_ok(pid);
    msg_expect(id, 6, "not this one", 0, 0);
    /* A queue of 10 bytes: the second 8-byte message waits for room. */
    struct msqid_ds ds;
    msgctl(id, IPC_STAT, &ds);
    ds.msg_qbytes = 10;
    EXPECT_RET("IPC_SET msg_qbytes", msgctl(id, IPC_SET, &ds), 0);
    msg_put(id, 1, "12345678");
    EXPECT_ERR("full queue with IPC_NOWAIT", msgsnd(id, &(struct tmsg){1, "x"}, 8, IPC_NOWAIT),
               EAGAIN);
    pid = fork_or_die();
    if (pid == 0) {
        msg_put(id, 2, "abcdefgh");
        _exit(0);
    }
    await_sleep(pid);
    msg_expect(id, 1, "12345678", 0, 0);
    reap_ok(pid);
    msg_expect(id, 2, "abcdefgh", 0, 0);
    msg_rm(id);
}

static void case_msg_eintr_eidrm(void)
{
    int id = msg_new();
    pid_t pid = fork_or_die();
    if (pid == 0) {
        catch_usr1();
        struct tmsg m;
        EXPECT_ERR("msgrcv interrupted", msgrcv(id, &m, 64, 0, 0), EINTR);
        kill(getppid(), SIGUSR1);
        EXPECT_ERR("msgrcv as the queue goes", msgrcv(id, &m, 64, 0, 0), EIDRM);
        _exit(0);
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    await_sleep(pid);
    kill(pid, SIGUSR1);
    int sig;
    sigwait(&set, &sig);
    await_sleep(pid);
    msg_rm(id);
    reap_ok(pid);
}

static void case_msg_errors(void)
{
    int id = msg_new();
    struct tmsg m = {0, "x"};
    EXPECT_ERR("mtype 0", msgsnd(id, &m, 1, 0), EINVAL);
    m.type = 1;
    EXPECT_ERR("bad message address", msgsnd(id, BAD, 1, 0), EFAULT);
    EXPECT_ERR("bad id", msgsnd(-1, &m, 1, 0), EINVAL);
    EXPECT_ERR("unused id", msgsnd(id + 1000000, &m, 1, 0), EINVAL);
    EXPECT_ERR("negative size", syscall(SYS_msgsnd, id, &m, -1L, 0), EINVAL);
    EXPECT_ERR("msgrcv negative size", syscall(SYS_msgrcv, id, &m, -1L, 0, 0), EINVAL);
    EXPECT_ERR("msgrcv bad id", msgrcv(-1, &m, 8, 0, 0), EINVAL);
    msg_put(id, 1, "y");
    EXPECT_ERR("msgrcv to a bad address", msgrcv(id, BAD, 8, 0, 0), EFAULT);
    EXPECT_ERR("msgctl IPC_STAT to a bad address", syscall(SYS_msgctl, id, IPC_STAT, BAD), EFAULT);
    EXPECT_ERR("msgctl IPC_SET from a bad address", syscall(SYS_msgctl, id, IPC_SET, BAD), EFAULT);
    EXPECT_ERR("msgctl unknown command", msgctl(id, 999, NULL), EINVAL);
    key_t key = own_key(5);
    EXPECT_ERR("msgget missing key", msgget(key, 0600), ENOENT);
    int kid = msgget(key, IPC_CREAT | 0600);
    T_EXPECT(kid >= 0, "msgget(key): %s", t_errname(errno));
    EXPECT_RET("msgget existing", msgget(key, 0), kid);
    EXPECT_ERR("msgget IPC_EXCL", msgget(key, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    msg_rm(kid);
    msg_rm(id);
    EXPECT_ERR("msgsnd after IPC_RMID", msgsnd(id, &m, 1, 0), EINVAL);
}

static void case_msg_info(void)
{
    int id = msg_new();
    msg_put(id, 1, "abc");
    struct msginfo mi;
    int max = msgctl(0, IPC_INFO, (struct msqid_ds *)&mi);
    T_EXPECT(max >= id % 32768, "IPC_INFO: %d", max);
    T_EXPECT(mi.msgmax == 8192 && mi.msgmnb == 16384 && mi.msgmni == 32000 && mi.msgssz == 16,
             "IPC_INFO: msgmax %d msgmnb %d msgmni %d", mi.msgmax, mi.msgmnb, mi.msgmni);
    msgctl(0, MSG_INFO, (struct msqid_ds *)&mi);
    T_EXPECT(mi.msgpool >= 1 && mi.msgmap >= 1 && mi.msgtql >= 3,
             "MSG_INFO: queues %d messages %d bytes %d", mi.msgpool, mi.msgmap, mi.msgtql);
    struct msqid_ds ds;
    EXPECT_RET("MSG_STAT by index", msgctl(id % 32768, MSG_STAT, &ds), id);
    T_EXPECT(ds.msg_qnum == 1, "MSG_STAT: qnum %lu", (unsigned long)ds.msg_qnum);
    expect_text("/proc/sys/kernel/msgmax", "8192\n");
    expect_text("/proc/sys/kernel/msgmnb", "16384\n");
    expect_text("/proc/sys/kernel/msgmni", "32000\n");
    char buf[8192], want[128];
    read_text("/proc/sysvipc/msg", buf, sizeof(buf));
    snprintf(want, sizeof(want), "%10d %10d  %4o  %10d %10d %5d ", 0, id, 0600, 3, 1,
             (int)getpid());
    T_EXPECT(strstr(buf, want), "no line '%s' in /proc/sysvipc/msg", want);
    msg_rm(id);
}

static const struct t_case cases[] = {
    {"shm-basic", case_shm_basic},
    {"shm-fork-shared", case_shm_fork},
    {"shm-exec-and-key", case_shm_exec_key},
    {"shm-rmid-deferred", case_shm_rmid_deferred},
    {"shm-shmdt", case_shm_shmdt},
    {"shm-shmat-flags", case_shm_at_flags},
    {"shm-shmget-errors", case_shm_get_errors},
    {"shm-shmctl", case_shm_ctl},
    {"shm-proc", case_shm_proc},
    {"sem-basic", case_sem_basic},
    {"sem-wakeup", case_sem_wakeup},
    {"sem-undo", case_sem_undo},
    {"sem-nowait-timeout", case_sem_nowait_timeout},
    {"sem-eintr-eidrm", case_sem_eintr_eidrm},
    {"sem-errors", case_sem_errors},
    {"sem-info", case_sem_info},
    {"msg-types", case_msg_types},
    {"msg-sizes", case_msg_sizes},
    {"msg-blocking", case_msg_blocking},
    {"msg-eintr-eidrm", case_msg_eintr_eidrm},
    {"msg-errors", case_msg_errors},
    {"msg-info", case_msg_info},
};

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--shm-child") == 0)
        return shm_child(argv[2]);
    int r = t_run_cases("sysv", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, T_CASE_GROUP,
                        argc, argv);
    while (p_wait(-1, NULL, 0) > 0) /* orphans: init's to reap inside Uniplex */
        ;
    return r;
}
