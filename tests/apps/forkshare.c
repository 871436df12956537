/* forkshare: copy-on-write after fork where whole page tables are shared
 * (Uniplex shares each 2 MiB page table between parent and child until
 * one of them changes it). Every case checks isolation: what one process
 * writes, maps, unmaps or protects after fork, no other one sees.
 * Regions are several MiB, so they span whole page tables and their edges. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tproc.h"

#define MIB     (1024 * 1024)
#define LEN     (6 * MIB) /* three page tables and a bit of two more */
#define PAGE    4096
#define NPAGES  (LEN / PAGE)
#define PATTERN 0x5a

static unsigned char *region(void)
{
    unsigned char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    memset(p, PATTERN, LEN);
    return p;
}

/* 0 if every page's first byte is v, else 1 + the first page that is not. */
static long differs(const unsigned char *p, unsigned char v)
{
    for (long i = 0; i < NPAGES; i++)
        if (p[i * PAGE] != v)
            return i + 1;
    return 0;
}

static void fill(unsigned char *p, unsigned char v)
{
    for (long i = 0; i < NPAGES; i++)
        p[i * PAGE] = v;
}

/* The child writes every page; the parent still reads its own bytes, and
 * then writes its own, which the (exited) child's copy did not affect. */
static void child_writes(void)
{
    unsigned char *p = region();
    if (!p) {
        t_fail("child-writes", "mmap: %s", strerror(errno));
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        fill(p, 1);
        _exit(differs(p, 1) ? 1 : 0);
    }
    check_exit("child-writes", pid, 0);
    CHECK("child-writes-parent-intact", !differs(p, PATTERN), "page %ld changed",
          differs(p, PATTERN) - 1);
    fill(p, 2);
    CHECK("parent-writes-after", !differs(p, 2), "page %ld", differs(p, 2) - 1);
    munmap(p, LEN);
}

/* The parent writes while the child sleeps, then the child checks it saw
 * nothing; a pipe orders the two. */
static void parent_writes(void)
{
    unsigned char *p = region();
    int go[2];
    char c = 0;
    if (!p || pipe(go) != 0) {
        t_fail("parent-writes", "setup: %s", strerror(errno));
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(go[1]);
        if (read(go[0], &c, 1) != 1)
            _exit(2);
        _exit(differs(p, PATTERN) ? 1 : 0);
    }
    close(go[0]);
    fill(p, 3);
    if (write(go[1], &c, 1) != 1)
        t_fail("parent-writes", "pipe write: %s", strerror(errno));
    close(go[1]);
    check_exit("parent-writes-child-intact", pid, 0);
    munmap(p, LEN);
}

/* Three generations share the same tables; each writes its own value and
 * checks it reads it back, and the others' values never show. */
static void generations(void)
{
    unsigned char *p = region();
    if (!p) {
        t_fail("generations", "mmap: %s", strerror(errno));
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        pid_t g = fork();
        if (g == 0) {
            fill(p, 7);
            _exit(differs(p, 7) ? 1 : 0);
        }
        int st;
        if (g < 0 || p_wait(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st))
            _exit(3);
        if (differs(p, PATTERN))
            _exit(4);
        fill(p, 6);
        _exit(differs(p, 6) ? 5 : 0);
    }
    check_exit("generations", pid, 0);
    CHECK("generations-parent-intact", !differs(p, PATTERN), "page %ld", differs(p, PATTERN) - 1);
    munmap(p, LEN);
}

/* A page read-only at fork, made writable again in the child and written:
 * the parent's page must not change (it must have been copy-on-write). */
static void mprotect_then_write(void)
{
    unsigned char *p = region();
    if (!p || mprotect(p, LEN, PROT_READ) != 0) {
        t_fail("mprotect-rw-in-child", "setup: %s", strerror(errno));
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        if (mprotect(p, LEN, PROT_READ | PROT_WRITE) != 0)
            _exit(2);
        fill(p, 9);
        _exit(differs(p, 9) ? 1 : 0);
    }
    check_exit("mprotect-rw-in-child", pid, 0);
    CHECK("mprotect-rw-parent-intact", !differs(p, PATTERN), "page %ld", differs(p, PATTERN) - 1);
    munmap(p, LEN);
}

/* The child unmaps, discards and moves parts of the shared range; the
 * parent keeps all of it. */
static void child_unmaps(void)
{
    unsigned char *p = region();
    if (!p) {
        t_fail("child-unmaps", "mmap: %s", strerror(errno));
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        if (munmap(p + MIB, MIB) != 0)
            _exit(2);
        if (madvise(p + 3 * MIB, MIB, MADV_DONTNEED) != 0 || p[3 * MIB] != 0)
            _exit(3);
        void *q = mremap(p + 4 * MIB, MIB, 2 * MIB, MREMAP_MAYMOVE);
        if (q == MAP_FAILED || ((unsigned char *)q)[0] != PATTERN)
            _exit(4);
        _exit(0);
    }
    check_exit("child-unmaps", pid, 0);
    CHECK("child-unmaps-parent-intact", !differs(p, PATTERN), "page %ld", differs(p, PATTERN) - 1);
    munmap(p, LEN);
}

/* The parent exits first: the child keeps using tables it shared with it. */
static void parent_exits_first(void)
{
    int done[2];
    char c;
    if (pipe(done) != 0) {
        t_fail("orphan-keeps-tables", "pipe: %s", strerror(errno));
        return;
    }
    pid_t mid = fork();
    if (mid == 0) {
        unsigned char *p = region();
        if (!p)
            _exit(2);
        pid_t g = fork();
        if (g == 0) {
            p_sleep_ms(50); /* the parent is gone by now */
            long bad = differs(p, PATTERN);
            fill(p, 4);
            c = bad || differs(p, 4) ? 'n' : 'y';
            _exit(write(done[1], &c, 1) == 1 ? 0 : 1);
        }
        fill(p, 5); /* unshares, then exits */
        _exit(g < 0 ? 3 : 0);
    }
    close(done[1]);
    check_exit("orphan-parent", mid, 0);
    CHECK("orphan-keeps-tables", read(done[0], &c, 1) == 1 && c == 'y', "grandchild said %c", c);
    close(done[0]);
    int st;
    if (t_uniplex()) /* the orphan is ours (pid 1) to reap */
        p_wait(-1, &st, 0);
}

/* Shared anonymous memory next to private memory in the same 2 MiB: the
 * shared part stays shared, the private part private. */
static void shared_next_to_private(void)
{
    unsigned char *s =
        mmap(NULL, 2 * MIB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    unsigned char *p = region();
    if (s == MAP_FAILED || !p) {
        t_fail("shared-and-private", "mmap: %s", strerror(errno));
        return;
    }
    s[0] = 1;
    pid_t pid = fork();
    if (pid == 0) {
        s[0] = 2;
        s[MIB] = 3;
        fill(p, 8);
        _exit(0);
    }
    check_exit("shared-and-private", pid, 0);
    CHECK("shared-stays-shared", s[0] == 2 && s[MIB] == 3, "s[0] %d, s[1M] %d", s[0], s[MIB]);
    CHECK("private-stays-private", !differs(p, PATTERN), "page %ld", differs(p, PATTERN) - 1);
    munmap(s, 2 * MIB);
    munmap(p, LEN);
}

/* 40 forks of a process with the region, children exiting at once: the
 * table references must come back (the leak report checks the pages). */
static void many_forks(void)
{
    unsigned char *p = region();
    int ok = 1;
    if (!p) {
        t_fail("many-forks", "mmap: %s", strerror(errno));
        return;
    }
    for (int i = 0; i < 40 && ok; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(p[(i % NPAGES) * PAGE] == PATTERN ? 0 : 1);
        int st;
        ok = pid > 0 && p_wait(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
        p[(i % NPAGES) * PAGE] = PATTERN; /* a write between forks */
    }
    CHECK("many-forks", ok, "a child failed");
    munmap(p, LEN);
}

int main(void)
{
    child_writes();
    parent_writes();
    generations();
    mprotect_then_write();
    child_unmaps();
    parent_exits_first();
    shared_next_to_private();
    many_forks();
    return t_done("forkshare");
}
