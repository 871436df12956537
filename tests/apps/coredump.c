/* coredump: core files (core(5); issue 13, item 6).
 *
 * A child killed by a signal whose default action is "core" leaves an ELF
 * core file in its cwd and WCOREDUMP in its wait status: the header, the
 * notes (NT_PRSTATUS per thread, NT_PRPSINFO, NT_SIGINFO, NT_AUXV,
 * NT_FILE, NT_PRFPREG) and its memory are checked with the libc's own
 * struct elf_prstatus and struct elf_prpsinfo. No core, and no core bit,
 * for RLIMIT_CORE 0 or below a page, prctl(PR_SET_DUMPABLE, 0), a signal
 * that only terminates, a directory that cannot take the file; a core cut
 * at RLIMIT_CORE. Inside Uniplex only (they change the machine's
 * /proc/sys/kernel/core_pattern, or depend on this kernel's choice): the
 * pattern's specifiers and core_uses_pid, and a full file system (no core
 * bit: Linux would set it).
 *
 * `coredump --export [threads]` is not a suite: a child crashes in
 * crash_in_known_function (with "threads", from one of its four threads),
 * and its core file is printed as "core-b64 OFFSET BASE64" lines (its
 * all-zero pieces left out) and a "core-size N" line, for tests/run.sh to
 * rebuild and read with the host's gdb. */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <fenv.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/procfs.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tcase.h"

#define MAGIC       0x0c0ffee15bad5eedull
#define SECRET      0x5eed1234abcdl
#define FAULT_ADDR  8ul /* the address the crashing store writes */
#define PATTERN     "/proc/sys/kernel/core_pattern"
#define USES_PID    "/proc/sys/kernel/core_uses_pid"
#define ALARM_S     30
#define EXPORT_LINE 768 /* bytes of core per export line (1024 in base64) */

/* --- the crashing children ---------------------------------------------------------- */

static volatile int *volatile fault_ptr = (volatile int *)FAULT_ADDR;

/* What gdb looks for in the exported core: this frame, and secret. */
__attribute__((noinline)) void crash_in_known_function(long value)
{
    volatile long secret = value;
    *fault_ptr = (int)secret;
}

/* The soft limit (the hard one is left as it is: unlimited, as the case
 * runner keeps it). */
static void set_core_limit(rlim_t lim)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_CORE, &r) != 0)
        _exit(90);
    r.rlim_cur = lim;
    if (setrlimit(RLIMIT_CORE, &r) != 0)
        _exit(90);
}

/* A child with RLIMIT_CORE lim that runs fn; its pid. */
static pid_t spawn(rlim_t lim, void (*fn)(void))
{
    pid_t pid = fork();
    if (pid < 0)
        t_die("fork: %s", t_errname(errno));
    if (pid == 0) {
        set_core_limit(lim);
        fn();
        _exit(91);
    }
    return pid;
}

static int reap(pid_t pid)
{
    int st = 0;
    if (p_wait(pid, &st, 0) != pid)
        t_die("waitpid %d: %s", (int)pid, t_errname(errno));
    return st;
}

/* The child dies of sig with (core 1) or without (core 0) the core bit. */
static void expect_death(int st, int sig, int core)
{
    T_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == sig, "child: %s, expected signal %d",
             p_status_str(st), sig);
    T_EXPECT(!!WCOREDUMP(st) == core, "child: %s, core bit %s", p_status_str(st),
             core ? "clear" : "set");
}

static void segv(void)
{
    crash_in_known_function(SECRET);
}

/* --- the case's directory and the core file ------------------------------------------- */

static char dir[32];

/* A fresh directory under /tmp as cwd. */
static void enter_dir(void)
{
    strcpy(dir, "/tmp/coreXXXXXX");
    T_EXPECT(mkdtemp(dir) != NULL, "mkdtemp: %s", t_errname(errno));
    T_EXPECT(chdir(dir) == 0, "chdir %s: %s", dir, t_errname(errno));
}

/* Remove name (if there) and the directory. */
static void leave_dir(const char *name)
{
    if (name)
        unlink(name);
    T_EXPECT(chdir("/") == 0 && rmdir(dir) == 0, "rmdir %s: %s", dir, t_errname(errno));
}

static void expect_no_file(const char *name)
{
    struct stat st;
    T_EXPECT(lstat(name, &st) != 0 && errno == ENOENT, "%s exists (or: %s)", name,
             t_errname(errno));
}

struct core {
    int fd;
    unsigned char *b; /* the first n bytes: the headers and the notes */
    size_t n, size;   /* size: the file's */
    const Elf64_Ehdr *eh;
    const Elf64_Phdr *ph;
};

#define CORE_HEAD (1 << 20) /* bytes read of a core: its headers and notes */

/* Open the core file name, check its ELF header, read its headers and
 * notes (memory is read where it is needed: a huge mapping makes a huge
 * file, of holes). */
static void core_load(const char *name, struct core *c)
{
    struct stat st;
    c->fd = open(name, O_RDONLY);
    T_EXPECT(c->fd >= 0 && fstat(c->fd, &st) == 0, "open %s: %s", name, t_errname(errno));
    T_EXPECT(S_ISREG(st.st_mode) && (st.st_mode & 0777) == (0600 & ~umask(022)),
             "%s: mode %o, expected a regular file 0600", name, st.st_mode);
    c->size = (size_t)st.st_size;
    c->n = c->size < CORE_HEAD ? c->size : CORE_HEAD;
    T_EXPECT(c->n >= sizeof(Elf64_Ehdr) && (c->b = malloc(c->n)) != NULL, "%s: %zu bytes", name,
             c->n);
    T_EXPECT(p_read_full(c->fd, c->b, c->n) == (ssize_t)c->n, "read %s", name);
    c->eh = (const Elf64_Ehdr *)c->b;
    T_EXPECT(memcmp(c->eh->e_ident, ELFMAG, SELFMAG) == 0 &&
                 c->eh->e_ident[EI_CLASS] == ELFCLASS64 && c->eh->e_type == ET_CORE &&
                 c->eh->e_machine == EM_X86_64 && c->eh->e_phentsize == sizeof(Elf64_Phdr),
             "%s: not an x86-64 ELF core file", name);
    T_EXPECT(c->eh->e_phnum >= 2 && c->eh->e_phoff + c->eh->e_phnum * sizeof(Elf64_Phdr) <= c->n,
             "%s: %u program headers", name, c->eh->e_phnum);
    c->ph = (const Elf64_Phdr *)(c->b + c->eh->e_phoff);
    T_EXPECT(c->ph[0].p_type == PT_NOTE && c->ph[0].p_offset + c->ph[0].p_filesz <= c->n,
             "%s: the first program header is not the notes", name);
    for (unsigned i = 1; i < c->eh->e_phnum; i++)
        T_EXPECT(c->ph[i].p_type == PT_LOAD && c->ph[i].p_filesz <= c->ph[i].p_memsz,
                 "%s: program header %u is not a PT_LOAD", name, i);
}

/* A core that was not cut: every PT_LOAD's bytes are in the file. */
static void core_whole(const struct core *c)
{
    for (unsigned i = 1; i < c->eh->e_phnum; i++)
        T_EXPECT(c->ph[i].p_offset + c->ph[i].p_filesz <= c->size,
                 "program header %u runs past the end of the file", i);
}

static void core_free(struct core *c)
{
    close(c->fd);
    free(c->b);
}

/* The index-th note of type (0 the first): its descriptor and *size, or NULL. */
static const void *core_note(const struct core *c, unsigned type, unsigned index, size_t *size)
{
    const unsigned char *p = c->b + c->ph[0].p_offset, *end = p + c->ph[0].p_filesz;
    while (p + sizeof(Elf64_Nhdr) <= end) {
        const Elf64_Nhdr *nh = (const Elf64_Nhdr *)p;
        const unsigned char *desc = p + sizeof(*nh) + ((nh->n_namesz + 3) & ~3u);
        if (desc + nh->n_descsz > end)
            t_die("a note runs past the notes");
        if (nh->n_type == type && nh->n_namesz == 5 && memcmp(p + sizeof(*nh), "CORE", 5) == 0 &&
            index-- == 0) {
            *size = nh->n_descsz;
            return desc;
        }
        p = desc + ((nh->n_descsz + 3) & ~3u);
    }
    return NULL;
}

/* The note's descriptor, which must be there and have size bytes. */
static const void *core_note_sized(const struct core *c, unsigned type, unsigned index, size_t size)
{
    size_t n = 0;
    const void *d = core_note(c, type, index, &n);
    T_EXPECT(d && n == size, "note type %#x #%u: %s (%zu bytes, expected %zu)", type, index,
             d ? "wrong size" : "missing", n, size);
    return d;
}

/* The PT_LOAD holding addr, or NULL. */
static const Elf64_Phdr *core_load_at(const struct core *c, uint64_t addr)
{
    for (unsigned i = 1; i < c->eh->e_phnum; i++)
        if (c->ph[i].p_type == PT_LOAD && addr - c->ph[i].p_vaddr < c->ph[i].p_memsz)
            return &c->ph[i];
    return NULL;
}

/* The 8 bytes at addr in the core's memory. */
static uint64_t core_u64(const struct core *c, uint64_t addr)
{
    const Elf64_Phdr *ph = core_load_at(c, addr);
    uint64_t v;
    T_EXPECT(ph && addr + 8 - ph->p_vaddr <= ph->p_filesz, "address %#lx: not in the core's memory",
             (unsigned long)addr);
    T_EXPECT(pread(c->fd, &v, 8, (off_t)(ph->p_offset + (addr - ph->p_vaddr))) == 8, "pread: %s",
             t_errname(errno));
    return v;
}

static unsigned count_notes(const struct core *c, unsigned type)
{
    size_t n;
    unsigned k = 0;
    while (core_note(c, type, k, &n))
        k++;
    return k;
}

/* --- cases ---------------------------------------------------------------------------- */

static uint64_t *marked; /* an anonymous page the crashing child marks */

static void segv_marked(void)
{
    marked[0] = MAGIC;
    marked[100] = (uint64_t)getpid();
    fesetround(FE_UPWARD); /* MXCSR's rounding control, seen in NT_PRFPREG */
    segv();
}

static void check_prstatus(const struct core *c, pid_t pid)
{
    const struct elf_prstatus *ps = core_note_sized(c, NT_PRSTATUS, 0, sizeof(*ps));
    T_EXPECT(ps->pr_pid == pid && ps->pr_ppid == getpid() && ps->pr_cursig == SIGSEGV &&
                 ps->pr_info.si_signo == SIGSEGV,
             "NT_PRSTATUS: pid %d ppid %d cursig %d signo %d", ps->pr_pid, ps->pr_ppid,
             ps->pr_cursig, ps->pr_info.si_signo);
    uint64_t rip = ps->pr_reg[16], rsp = ps->pr_reg[19];
    uint64_t fn = (uint64_t)(uintptr_t)crash_in_known_function;
    T_EXPECT(rip >= fn && rip < fn + 64, "rip %#lx, not in crash_in_known_function (%#lx)",
             (unsigned long)rip, (unsigned long)fn);
    T_EXPECT(core_load_at(c, rsp) && (core_load_at(c, rsp)->p_flags & PF_W),
             "rsp %#lx not in memory", (unsigned long)rsp);
    T_EXPECT(ps->pr_fpvalid == 1, "pr_fpvalid %d", ps->pr_fpvalid);
    const unsigned char *fp = core_note_sized(c, NT_FPREGSET, 0, 512);
    uint32_t mxcsr;
    memcpy(&mxcsr, fp + 24, 4);
    T_EXPECT((mxcsr & 0x6000) == 0x4000, "NT_PRFPREG mxcsr %#x: not rounding up", mxcsr);
}

static void check_psinfo_siginfo(const struct core *c, pid_t pid)
{
    const struct elf_prpsinfo *pi = core_note_sized(c, NT_PRPSINFO, 0, sizeof(*pi));
    T_EXPECT(pi->pr_pid == pid && strcmp(pi->pr_fname, "coredump") == 0,
             "NT_PRPSINFO: pid %d fname %.16s", pi->pr_pid, pi->pr_fname);
    T_EXPECT(strstr(pi->pr_psargs, "coredump") != NULL, "NT_PRPSINFO: psargs %.80s", pi->pr_psargs);
    const siginfo_t *si = core_note_sized(c, NT_SIGINFO, 0, sizeof(siginfo_t));
    T_EXPECT(si->si_signo == SIGSEGV && si->si_code == SEGV_MAPERR &&
                 (uintptr_t)si->si_addr == FAULT_ADDR,
             "NT_SIGINFO: signo %d code %d addr %p", si->si_signo, si->si_code, si->si_addr);
}

static void check_auxv_files(const struct core *c)
{
    size_t n = 0;
    const uint64_t *av = core_note(c, NT_AUXV, 0, &n);
    int pagesz = 0, entry = 0;
    for (size_t i = 0; av && i + 1 < n / 8 && av[i]; i += 2) {
        pagesz |= av[i] == AT_PAGESZ && av[i + 1] == 4096;
        entry |= av[i] == AT_ENTRY && av[i + 1] == getauxval(AT_ENTRY);
    }
    T_EXPECT(pagesz && entry && av[n / 8 - 2] == AT_NULL,
             "NT_AUXV: no AT_PAGESZ, AT_ENTRY or AT_NULL");
    const uint64_t *nf = core_note(c, NT_FILE, 0, &n);
    T_EXPECT(nf && n >= 16 && nf[0] >= 1 && nf[1] == 4096 && 16 + 24 * nf[0] < n,
             "NT_FILE: missing or empty");
    const char *names = (const char *)(nf + 2 + 3 * nf[0]), *end = (const char *)nf + n;
    int self = 0;
    for (const char *s = names; s < end && *s; s += strlen(s) + 1)
        self |= strlen(s) >= 9 && strcmp(s + strlen(s) - 9, "/coredump") == 0;
    T_EXPECT(self, "NT_FILE: the program is not among the files");
}

static void case_segv_writes_core(void)
{
    marked = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(marked != MAP_FAILED, "mmap: %s", t_errname(errno));
    enter_dir();
    pid_t pid = spawn(RLIM_INFINITY, segv_marked);
    expect_death(reap(pid), SIGSEGV, 1);
    struct core c;
    core_load("core", &c);
    core_whole(&c);
    check_prstatus(&c, pid);
    check_psinfo_siginfo(&c, pid);
    check_auxv_files(&c);
    T_EXPECT(core_u64(&c, (uintptr_t)marked) == MAGIC &&
                 core_u64(&c, (uintptr_t)&marked[100]) == (uint64_t)pid,
             "the marked page does not hold what the child wrote");
    T_EXPECT(core_load_at(&c, (uintptr_t)&marked[100])->p_flags == (PF_R | PF_W),
             "the marked page's segment is not rw-");
    leave_dir("core");
}

/* Threads: the crashing one is the first NT_PRSTATUS, every other one
 * follows with its own registers; one of them maps and unmaps all the
 * time, which the dump must not see (they are stopped first). */
static volatile pid_t *tids; /* shared with the parent: the crasher's tid, then the sleepers' */

static void *sleeper(void *arg)
{
    tids[(long)arg] = (pid_t)syscall(SYS_gettid);
    for (;;)
        pause();
    return NULL;
}

static void *crasher(void *arg)
{
    (void)arg;
    while (!tids[2] || !tids[3])
        sched_yield();
    tids[1] = (pid_t)syscall(SYS_gettid);
    segv();
    return NULL;
}

/* Changes the address space all the time: the dump must not see it. */
static void *churner(void *arg)
{
    tids[(long)arg] = (pid_t)syscall(SYS_gettid);
    for (;;) {
        char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED) {
            p[4096] = 1;
            mprotect(p + 4096, 4096, PROT_READ);
            munmap(p, 3 * 4096);
        }
    }
    return NULL;
}

static void threads_crash(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, sleeper, (void *)2) != 0 ||
        pthread_create(&t, NULL, churner, (void *)3) != 0)
        _exit(92);
    if (pthread_create(&t, NULL, crasher, NULL) != 0)
        _exit(92);
    for (;;)
        pause();
}

static void case_threads_each_have_prstatus(void)
{
    tids = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(tids != MAP_FAILED, "mmap: %s", t_errname(errno));
    enter_dir();
    pid_t pid = spawn(RLIM_INFINITY, threads_crash);
    expect_death(reap(pid), SIGSEGV, 1);
    struct core c;
    core_load("core", &c);
    core_whole(&c);
    T_EXPECT(count_notes(&c, NT_PRSTATUS) == 4 && count_notes(&c, NT_FPREGSET) == 4,
             "%u NT_PRSTATUS and %u NT_PRFPREG notes, expected 4 each",
             count_notes(&c, NT_PRSTATUS), count_notes(&c, NT_FPREGSET));
    const struct elf_prstatus *ps = core_note_sized(&c, NT_PRSTATUS, 0, sizeof(*ps));
    T_EXPECT(ps->pr_pid == tids[1], "the first NT_PRSTATUS is tid %d, the crasher is %d",
             ps->pr_pid, tids[1]);
    int seen = 0;
    for (unsigned k = 1; k < 4; k++) {
        ps = core_note_sized(&c, NT_PRSTATUS, k, sizeof(*ps));
        seen |=
            (ps->pr_pid == pid) << 0 | (ps->pr_pid == tids[2]) << 1 | (ps->pr_pid == tids[3]) << 2;
        T_EXPECT(core_load_at(&c, ps->pr_reg[19]) != NULL, "tid %d: rsp %#lx not in memory",
                 ps->pr_pid, (unsigned long)ps->pr_reg[19]);
    }
    T_EXPECT(seen == 7, "the other threads' NT_PRSTATUS: main %d, sleepers %d and %d missing",
             !(seen & 1), !(seen & 2) ? tids[2] : 0, !(seen & 4) ? tids[3] : 0);
    leave_dir("core");
}

/* A huge untouched reservation but for one page, and a guard page (made
 * PROT_NONE after it was touched): the core takes no longer, holds the
 * one page, and (inside Uniplex) none of the guard page's bytes. */
#define HUGE_LEN (64ul << 30)

static struct {
    unsigned char *huge, *guard;
} *volatile where;

static void huge_segv(void)
{
    int anon = MAP_PRIVATE | MAP_ANONYMOUS;
    unsigned char *h = mmap(NULL, HUGE_LEN, PROT_READ | PROT_WRITE, anon | MAP_NORESERVE, -1, 0);
    unsigned char *g = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, anon, -1, 0);
    if (h == MAP_FAILED || g == MAP_FAILED)
        _exit(97);
    memcpy(h + HUGE_LEN / 2, &(uint64_t){MAGIC}, 8);
    memset(g + 4096, 0x5a, 4096);
    if (mprotect(g + 4096, 4096, PROT_NONE) != 0)
        _exit(98);
    where->huge = h;
    where->guard = g + 4096;
    segv();
}

static void case_huge_and_guard_mappings(void)
{
    where = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(where != MAP_FAILED, "mmap: %s", t_errname(errno));
    enter_dir();
    double t0 = p_now_us();
    expect_death(reap(spawn(RLIM_INFINITY, huge_segv)), SIGSEGV, 1);
    double ms = (p_now_us() - t0) / 1000;
    T_EXPECT(ms < 10000, "the dump took %.0f ms", ms);
    struct core c;
    core_load("core", &c);
    core_whole(&c);
    const Elf64_Phdr *h = core_load_at(&c, (uintptr_t)where->huge);
    T_EXPECT(h && h->p_memsz >= HUGE_LEN, "no PT_LOAD for the huge mapping");
    T_EXPECT(core_u64(&c, (uintptr_t)(where->huge + HUGE_LEN / 2)) == MAGIC,
             "the huge mapping's one page does not hold what the child wrote");
    const Elf64_Phdr *g = core_load_at(&c, (uintptr_t)where->guard);
    T_EXPECT(g && g->p_flags == 0, "the guard page's PT_LOAD: %s", g ? "flags not 0" : "missing");
    /* Uniplex leaves it out; Linux (FOLL_FORCE) writes what it holds. */
    T_EXPECT(g->p_filesz == 0 || !t_uniplex(), "the guard page's bytes are in the core");
    core_free(&c);
    leave_dir("core");
}

/* A handler at a kernel address: the delivery fails, SIGSEGV is forced
 * (Linux's force_sigsegv), and that dumps core like any other. */
static void bad_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = (void (*)(int))0xffff888000000000ul;
    if (sigaction(SIGUSR1, &sa, NULL) != 0)
        _exit(99);
    raise(SIGUSR1);
}

static void case_bad_handler_core(void)
{
    enter_dir();
    expect_death(reap(spawn(RLIM_INFINITY, bad_handler)), SIGSEGV, 1);
    struct core c;
    core_load("core", &c);
    core_free(&c);
    leave_dir("core");
}

static void do_abort(void)
{
    abort();
}

static void case_abort_is_cld_dumped(void)
{
    enter_dir();
    pid_t pid = spawn(RLIM_INFINITY, do_abort);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    T_EXPECT(waitid(P_PID, (id_t)pid, &si, WEXITED) == 0, "waitid: %s", t_errname(errno));
    T_EXPECT(si.si_code == CLD_DUMPED && si.si_status == SIGABRT,
             "waitid: si_code %d si_status %d, expected CLD_DUMPED and SIGABRT", si.si_code,
             si.si_status);
    struct core c;
    core_load("core", &c);
    const siginfo_t *ci = core_note_sized(&c, NT_SIGINFO, 0, sizeof(siginfo_t));
    T_EXPECT(ci->si_signo == SIGABRT && ci->si_code == SI_TKILL && ci->si_pid == pid,
             "NT_SIGINFO: signo %d code %d pid %d", ci->si_signo, ci->si_code, ci->si_pid);
    leave_dir("core");
}

static void wait_forever(void)
{
    for (;;)
        pause();
}

static void case_sigquit_from_kill(void)
{
    enter_dir();
    pid_t pid = spawn(RLIM_INFINITY, wait_forever);
    p_sleep_ms(100);
    T_EXPECT(kill(pid, SIGQUIT) == 0, "kill: %s", t_errname(errno));
    expect_death(reap(pid), SIGQUIT, 1);
    struct core c;
    core_load("core", &c);
    const siginfo_t *si = core_note_sized(&c, NT_SIGINFO, 0, sizeof(siginfo_t));
    T_EXPECT(si->si_signo == SIGQUIT && si->si_code == SI_USER && si->si_pid == getpid(),
             "NT_SIGINFO: signo %d code %d pid %d", si->si_signo, si->si_code, si->si_pid);
    const struct elf_prstatus *ps = core_note_sized(&c, NT_PRSTATUS, 0, sizeof(*ps));
    T_EXPECT(ps->pr_cursig == SIGQUIT, "pr_cursig %d", ps->pr_cursig);
    leave_dir("core");
}

static void case_sigterm_no_core(void)
{
    enter_dir();
    pid_t pid = spawn(RLIM_INFINITY, wait_forever);
    p_sleep_ms(50);
    kill(pid, SIGTERM);
    expect_death(reap(pid), SIGTERM, 0);
    expect_no_file("core");
    leave_dir(NULL);
}

static void case_rlimit_zero_no_core(void)
{
    enter_dir();
    expect_death(reap(spawn(0, segv)), SIGSEGV, 0);
    expect_no_file("core");
    leave_dir(NULL);
}

/* Below a page (Linux's min_coredump): no core either. */
static void case_rlimit_below_page_no_core(void)
{
    enter_dir();
    expect_death(reap(spawn(4095, segv)), SIGSEGV, 0);
    expect_no_file("core");
    leave_dir(NULL);
}

/* A limit cuts the file (Linux: the core bit stays set). */
static void case_rlimit_cuts_core(void)
{
    enter_dir();
    expect_death(reap(spawn(8192, segv)), SIGSEGV, 1);
    struct core c;
    core_load("core", &c);
    T_EXPECT(c.size <= 8192, "core of %zu bytes, over RLIMIT_CORE 8192", c.size);
    size_t n;
    T_EXPECT(core_note(&c, NT_PRSTATUS, 0, &n) != NULL, "no NT_PRSTATUS");
    leave_dir("core");
}

static void undumpable_segv(void)
{
    if (prctl(PR_GET_DUMPABLE) != 1 || prctl(PR_SET_DUMPABLE, 2) != -1 || errno != EINVAL ||
        prctl(PR_SET_DUMPABLE, 0) != 0 || prctl(PR_GET_DUMPABLE) != 0)
        _exit(93);
    segv();
}

static void case_not_dumpable_no_core(void)
{
    enter_dir();
    int st = reap(spawn(RLIM_INFINITY, undumpable_segv));
    T_EXPECT(!WIFEXITED(st), "prctl PR_GET_DUMPABLE / PR_SET_DUMPABLE misbehaved");
    expect_death(st, SIGSEGV, 0);
    expect_no_file("core");
    leave_dir(NULL);
}

/* fork keeps the setting. */
static void undumpable_parent(void)
{
    if (prctl(PR_SET_DUMPABLE, 0) != 0)
        _exit(93);
    pid_t pid = fork();
    if (pid == 0) {
        if (prctl(PR_GET_DUMPABLE) != 0)
            _exit(94);
        segv();
    }
    int st = 0;
    waitpid(pid, &st, 0);
    _exit(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && !WCOREDUMP(st) ? 0 : 95);
}

static void case_not_dumpable_inherited(void)
{
    enter_dir();
    int st = reap(spawn(RLIM_INFINITY, undumpable_parent));
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "forked child: %s", p_status_str(st));
    expect_no_file("core");
    leave_dir(NULL);
}

/* A cwd where no file can be made: no core bit. */
static void case_unwritable_dir_no_core(void)
{
    T_EXPECT(chdir("/proc") == 0, "chdir /proc: %s", t_errname(errno));
    expect_death(reap(spawn(RLIM_INFINITY, segv)), SIGSEGV, 0);
}

/* A directory named core in the way: no core bit, the directory stays. */
static void case_dir_in_the_way_no_core(void)
{
    struct stat st;
    enter_dir();
    T_EXPECT(mkdir("core", 0700) == 0, "mkdir: %s", t_errname(errno));
    expect_death(reap(spawn(RLIM_INFINITY, segv)), SIGSEGV, 0);
    T_EXPECT(stat("core", &st) == 0 && S_ISDIR(st.st_mode), "core is no longer a directory");
    rmdir("core");
    leave_dir(NULL);
}

/* --- inside Uniplex only --------------------------------------------------------------- */

static void write_sysctl(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    T_EXPECT(fd >= 0, "open %s: %s", path, t_errname(errno));
    T_EXPECT(write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write %s to %s: %s", text,
             path, t_errname(errno));
    close(fd);
}

static void read_sysctl(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    T_EXPECT(fd >= 0, "open %s: %s", path, t_errname(errno));
    ssize_t k = p_read_full(fd, buf, n - 1);
    buf[k > 0 ? k : 0] = 0;
    close(fd);
}

/* The pattern's specifiers, core_uses_pid, an absolute path; a pipe is
 * refused; the defaults come back. */
static void case_core_pattern(void)
{
    char buf[160], name[64];
    read_sysctl(PATTERN, buf, sizeof(buf));
    T_EXPECT(strcmp(buf, "core\n") == 0, "core_pattern reads \"%s\"", buf);
    read_sysctl(USES_PID, buf, sizeof(buf));
    T_EXPECT(strcmp(buf, "0\n") == 0, "core_uses_pid reads \"%s\"", buf);
    int fd = open(PATTERN, O_WRONLY);
    T_EXPECT(fd >= 0, "open: %s", t_errname(errno));
    T_EXPECT_ERR_BY(t_die, "write |/bin/cat", write(fd, "|/bin/cat\n", 10), EINVAL);
    T_EXPECT_ERR_BY(t_die, "write from a bad address", write(fd, (void *)8, 4), EFAULT);
    close(fd);
    fd = open(USES_PID, O_WRONLY);
    T_EXPECT_ERR_BY(t_die, "core_uses_pid x", write(fd, "x\n", 2), EINVAL);
    close(fd);
    enter_dir();
    write_sysctl(PATTERN, "core.%p.%e.%s.%%.%Q\n");
    read_sysctl(PATTERN, buf, sizeof(buf));
    T_EXPECT(strcmp(buf, "core.%p.%e.%s.%%.%Q\n") == 0, "core_pattern reads \"%s\"", buf);
    pid_t pid = spawn(RLIM_INFINITY, segv);
    expect_death(reap(pid), SIGSEGV, 1);
    snprintf(name, sizeof(name), "core.%d.coredump.11.%%.", (int)pid);
    struct core c;
    core_load(name, &c);
    core_free(&c); /* the next child would dump it too */
    unlink(name);
    write_sysctl(PATTERN, "core");
    write_sysctl(USES_PID, "1\n");
    pid = spawn(RLIM_INFINITY, segv);
    expect_death(reap(pid), SIGSEGV, 1);
    write_sysctl(USES_PID, "0");
    snprintf(name, sizeof(name), "core.%d", (int)pid);
    core_load(name, &c);
    core_free(&c);
    unlink(name);
    /* %t: the time of the dump, in seconds. */
    write_sysctl(PATTERN, "core.%t");
    time_t t0 = time(NULL);
    expect_death(reap(spawn(RLIM_INFINITY, segv)), SIGSEGV, 1);
    time_t t1 = time(NULL);
    write_sysctl(PATTERN, "core");
    int found = 0;
    for (time_t t = t0; t <= t1 && !found; t++) {
        snprintf(name, sizeof(name), "core.%lld", (long long)t);
        found = unlink(name) == 0;
    }
    T_EXPECT(found, "no core.%%t between core.%lld and core.%lld", (long long)t0, (long long)t1);
    /* A path: the directory it names, whatever the cwd. */
    char pat[64], path[64];
    snprintf(pat, sizeof(pat), "%s/abs.%%p", dir);
    write_sysctl(PATTERN, pat);
    T_EXPECT(chdir("/") == 0, "chdir /: %s", t_errname(errno));
    pid = spawn(RLIM_INFINITY, segv);
    expect_death(reap(pid), SIGSEGV, 1);
    write_sysctl(PATTERN, "core");
    snprintf(path, sizeof(path), "%s/abs.%d", dir, (int)pid);
    core_load(path, &c);
    core_free(&c);
    T_EXPECT(chdir(dir) == 0, "chdir: %s", t_errname(errno));
    snprintf(name, sizeof(name), "abs.%d", (int)pid);
    leave_dir(name);
}

/* A file system too small for the core: the write fails, no core bit. */
static void big_segv(void)
{
    size_t n = 4 << 20;
    unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        _exit(96);
    memset(p, 0xa5, n);
    segv();
}

static void case_full_fs_no_core(void)
{
    enter_dir();
    T_EXPECT(mount("none", dir, "tmpfs", 0, "size=256k") == 0, "mount: %s", t_errname(errno));
    T_EXPECT(chdir(dir) == 0, "chdir: %s", t_errname(errno));
    expect_death(reap(spawn(RLIM_INFINITY, big_segv)), SIGSEGV, 0);
    unlink("core");
    T_EXPECT(chdir("/") == 0 && umount(dir) == 0, "umount: %s", t_errname(errno));
    leave_dir(NULL);
}

/* --- running the cases --------------------------------------------------------------- */

/* Run fn in a child under alarm, as t_case_run does but with RLIMIT_CORE
 * left alone (t_case_run makes it 0, hard limit too, which the children
 * here could not raise again outside Uniplex): ok, or FAIL with why. */
static void run_case(const char *name, void (*fn)(void))
{
    int fd[2], st = 0;
    char said[512], why[300];
    if (pipe(fd) != 0) {
        t_fail(name, "pipe: %s", t_errname(errno));
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        t_report_fd = fd[1];
        alarm(ALARM_S);
        fn();
        _exit(0);
    }
    close(fd[1]);
    int reaped = reap_child(name, pid, &st);
    ssize_t n = pid > 0 ? p_read_full(fd[0], said, sizeof(said) - 1) : 0;
    said[n > 0 ? n : 0] = 0;
    close(fd[0]);
    t_case_lines(said, why, sizeof(why));
    if (reaped && t_case_passed(name, why, st))
        t_ok(name);
}

/* --- export ----------------------------------------------------------------------------- */

static void b64(const unsigned char *in, size_t n, char *out)
{
    static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) |
                     (i + 2 < n ? in[i + 2] : 0);
        out[o++] = set[v >> 18 & 63];
        out[o++] = set[v >> 12 & 63];
        out[o++] = i + 1 < n ? set[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? set[v & 63] : '=';
    }
    out[o] = 0;
}

static int export_core(int threads)
{
    static char line[EXPORT_LINE * 4 / 3 + 8];
    set_core_limit(RLIM_INFINITY);
    if (mkdir("/tmp/export", 0700) != 0 || chdir("/tmp/export") != 0)
        return 2;
    tids = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (tids == MAP_FAILED)
        return 2;
    pid_t pid = fork();
    if (pid == 0) {
        if (threads)
            threads_crash();
        segv();
    }
    int st = 0;
    waitpid(pid, &st, 0);
    printf("export: pid %d %s\n", (int)pid, p_status_str(st));
    int fd = open("core", O_RDONLY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0)
        return 3;
    unsigned char buf[EXPORT_LINE];
    size_t off = 0;
    ssize_t k;
    while ((k = p_read_full(fd, buf, sizeof(buf))) > 0) {
        size_t z = 0;
        while (z < (size_t)k && buf[z] == 0)
            z++;
        if (z < (size_t)k) {
            b64(buf, (size_t)k, line);
            printf("core-b64 %zu %s\n", off, line);
        }
        off += (size_t)k;
    }
    printf("core-size %zu\n", off);
    fflush(stdout);
    close(fd);
    unlink("core");
    chdir("/");
    rmdir("/tmp/export");
    return off == (size_t)sb.st_size ? 0 : 4;
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"segv_writes_core", case_segv_writes_core},
        {"threads_each_have_prstatus", case_threads_each_have_prstatus},
        {"huge_and_guard_mappings", case_huge_and_guard_mappings},
        {"abort_is_cld_dumped", case_abort_is_cld_dumped},
        {"bad_handler_core", case_bad_handler_core},
        {"sigquit_from_kill", case_sigquit_from_kill},
        {"sigterm_no_core", case_sigterm_no_core},
        {"rlimit_zero_no_core", case_rlimit_zero_no_core},
        {"rlimit_below_page_no_core", case_rlimit_below_page_no_core},
        {"rlimit_cuts_core", case_rlimit_cuts_core},
        {"not_dumpable_no_core", case_not_dumpable_no_core},
        {"not_dumpable_inherited", case_not_dumpable_inherited},
        {"unwritable_dir_no_core", case_unwritable_dir_no_core},
        {"dir_in_the_way_no_core", case_dir_in_the_way_no_core},
    };
    static const struct t_case uniplex_cases[] = {
        {"core_pattern", case_core_pattern},
        {"full_fs_no_core", case_full_fs_no_core},
    };
    if (argc >= 2 && strcmp(argv[1], "--export") == 0)
        return export_core(argc == 3 && strcmp(argv[2], "threads") == 0);
    umask(022);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (t_case_named(argc, argv, cases[i].name))
            run_case(cases[i].name, cases[i].fn);
    for (size_t i = 0; i < sizeof(uniplex_cases) / sizeof(uniplex_cases[0]); i++) {
        if (!t_case_named(argc, argv, uniplex_cases[i].name))
            continue;
        if (!t_uniplex())
            t_skip_host(uniplex_cases[i].name);
        else
            run_case(uniplex_cases[i].name, uniplex_cases[i].fn);
    }
    return t_done("coredump");
}
