/* shmap: file mappings through the page cache (issue 16, item 2).
 *
 * MAP_SHARED file mappings are the file: what one process writes through
 * its mapping another reads through its own and through read(2), and
 * write(2) shows through every mapping; fork keeps them shared.
 * MAP_PRIVATE mappings copy a page when it is written, and only then (what
 * Linux guarantees: a written private page no longer follows the file).
 * shm_open's files in /dev/shm, msync's flags and errors, SIGBUS past the
 * end of the file (also after ftruncate shrinks a mapped file), the file
 * intact after munmap, a program file mapped shared and privately written
 * without changing it, its last partial page zero past the end, and exec
 * of a program after its file was written (inside Uniplex the suite's own
 * /bin/shmap, an initrd file whose first page is then copied on write).
 *
 * Each case runs in its own child under alarm(); the child says why it
 * failed through a pipe. Also passes on Linux (there the program written
 * and run is a copy: a running program's file cannot be written). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcase.h"

#define PAGE        4096l
#define ALARM_S     20
#define EXEC_STATUS 42 /* what the suite exits with when run as --exec-child */

/* A new file of size bytes (zeros) in /tmp, open O_RDWR; *path gets its name. */
static int tmp_file(const char *tag, off_t size, char *path, size_t n)
{
    snprintf(path, n, "/tmp/shmap-%s-%d", tag, (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    T_EXPECT(fd >= 0, "open %s: %s", path, strerror(errno));
    T_EXPECT(ftruncate(fd, size) == 0, "ftruncate: %s", strerror(errno));
    return fd;
}

static unsigned char *map(int fd, long len, int prot, int flags, off_t off)
{
    unsigned char *p = mmap(NULL, (size_t)len, prot, flags, fd, off);
    T_EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
    return p;
}

static void pread_all(int fd, void *buf, size_t n, off_t off)
{
    T_EXPECT(pread(fd, buf, n, off) == (ssize_t)n, "pread %zu at %lld: %s", n, (long long)off,
             strerror(errno));
}

static void pwrite_all(int fd, const void *buf, size_t n, off_t off)
{
    T_EXPECT(pwrite(fd, buf, n, off) == (ssize_t)n, "pwrite %zu at %lld: %s", n, (long long)off,
             strerror(errno));
}

/* The bytes at off in the file are s. */
static void expect_file(int fd, off_t off, const char *s, const char *when)
{
    char buf[64] = "";
    size_t n = strlen(s);
    pread_all(fd, buf, n, off);
    T_EXPECT(memcmp(buf, s, n) == 0, "%s: file at %lld holds \"%.*s\", not \"%s\"", when,
             (long long)off, (int)n, buf, s);
}

static void expect_mem(const unsigned char *p, const char *s, const char *when)
{
    T_EXPECT(memcmp(p, s, strlen(s)) == 0, "%s: mapping holds \"%.*s\", not \"%s\"", when,
             (int)strlen(s), (const char *)p, s);
}

static pid_t fork_ok(void)
{
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork: %s", strerror(errno));
    return pid;
}

/* Wait for pid; it must exit with status want. */
static void wait_exit(pid_t pid, int want)
{
    int st;
    T_EXPECT(p_wait(pid, &st, 0) == pid, "wait: %s", strerror(errno));
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == want, "child %s, expected exit %d",
             p_status_str(st), want);
}

static void token_send(int fd)
{
    T_EXPECT(write(fd, "t", 1) == 1, "pipe write: %s", strerror(errno));
}

static void token_wait(int fd)
{
    char c;
    T_EXPECT(read(fd, &c, 1) == 1, "pipe read: %s", strerror(errno));
}

/* --- SIGBUS ------------------------------------------------------------------ */

static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_code;
static void *volatile bus_addr;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    bus_code = si->si_code;
    bus_addr = si->si_addr;
    siglongjmp(bus_jmp, 1);
}

/* Whether touching *p (a read, or a write when write is set) raises
 * SIGBUS, which must then say BUS_ADRERR at p. */
static int bus_at(volatile unsigned char *p, int write)
{
    struct sigaction sa = {.sa_sigaction = on_bus, .sa_flags = SA_SIGINFO | SA_NODEFER};
    sigaction(SIGBUS, &sa, NULL);
    bus_code = 0;
    bus_addr = NULL;
    if (sigsetjmp(bus_jmp, 1) == 0) {
        if (write)
            *p = 1;
        else
            (void)*p;
        return 0;
    }
    T_EXPECT(bus_code == BUS_ADRERR && bus_addr == (void *)p,
             "SIGBUS code %d at %p, expected BUS_ADRERR at %p", (int)bus_code, bus_addr, (void *)p);
    return 1;
}

/* --- cases --------------------------------------------------------------------- */

/* Writes through a shared mapping are the file's: read(2) sees them, the
 * size stays. */
static void case_shared_write_read(void)
{
    char path[64];
    int fd = tmp_file("rw", 2 * PAGE, path, sizeof(path));
    unsigned char *p = map(fd, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
    memcpy(p, "hello", 5);
    memcpy(p + PAGE + 10, "second page", 11);
    expect_file(fd, 0, "hello", "read after a store");
    expect_file(fd, PAGE + 10, "second page", "read after a store");
    struct stat st;
    T_EXPECT(fstat(fd, &st) == 0 && st.st_size == 2 * PAGE, "size %lld after stores",
             (long long)st.st_size);
    unlink(path);
}

/* write(2) shows through an existing mapping, also past the old end once
 * the file has grown there. */
static void case_write_seen(void)
{
    char path[64];
    int fd = tmp_file("ws", PAGE, path, sizeof(path));
    unsigned char *p = map(fd, 2 * PAGE, PROT_READ, MAP_SHARED, 0);
    T_EXPECT(p[100] == 0, "new file not zero");
    pwrite_all(fd, "world", 5, 100);
    expect_mem(p + 100, "world", "after pwrite");
    T_EXPECT(bus_at(p + PAGE, 0), "page past the end did not SIGBUS");
    pwrite_all(fd, "grown", 5, PAGE + 7);
    expect_mem(p + PAGE + 7, "grown", "after pwrite past the old end");
    T_EXPECT(p[PAGE] == 0, "the gap before the write is not zero");
    unlink(path);
}

/* Two processes, each with its own mapping of the file, see each other's
 * stores, and read(2) sees both. */
static void case_two_processes(void)
{
    char path[64];
    int fd = tmp_file("two", PAGE, path, sizeof(path));
    int to_parent[2], to_child[2];
    T_EXPECT(pipe(to_parent) == 0 && pipe(to_child) == 0, "pipe: %s", strerror(errno));
    pid_t pid = fork_ok();
    if (pid == 0) {
        int cfd = open(path, O_RDWR);
        T_EXPECT(cfd >= 0, "child open: %s", strerror(errno));
        unsigned char *c = map(cfd, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
        memcpy(c, "from child", 10);
        token_send(to_parent[1]);
        token_wait(to_child[0]);
        expect_mem(c + 64, "from parent", "child's mapping");
        _exit(0);
    }
    unsigned char *p = map(fd, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
    token_wait(to_parent[0]);
    expect_mem(p, "from child", "parent's mapping");
    expect_file(fd, 0, "from child", "read");
    memcpy(p + 64, "from parent", 11);
    token_send(to_child[1]);
    wait_exit(pid, 0);
    expect_file(fd, 64, "from parent", "read");
    unlink(path);
}

/* A shared mapping made before fork stays shared in both (not
 * copy-on-write). */
static void case_fork_shares(void)
{
    char path[64];
    int fd = tmp_file("fork", PAGE, path, sizeof(path));
    unsigned char *p = map(fd, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
    p[0] = 'p';
    pid_t pid = fork_ok();
    if (pid == 0) {
        T_EXPECT(p[0] == 'p', "child sees %d", p[0]);
        p[1] = 'c';
        _exit(0);
    }
    wait_exit(pid, 0);
    T_EXPECT(p[1] == 'c', "the child's store did not reach the parent");
    p[2] = 'P';
    pid = fork_ok();
    if (pid == 0)
        _exit(p[2] == 'P' ? 0 : 3);
    wait_exit(pid, 0);
    expect_file(fd, 0, "pcP", "read");
    unlink(path);
}

/* A private mapping's page, once written, is its own: the file and shared
 * mappings do not see the store, and it no longer sees the file's
 * changes. */
static void case_private_cow(void)
{
    char path[64];
    int fd = tmp_file("priv", PAGE, path, sizeof(path));
    pwrite_all(fd, "AAAA", 4, 0);
    unsigned char *s = map(fd, PAGE, PROT_READ, MAP_SHARED, 0);
    unsigned char *q = map(fd, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
    expect_mem(q, "AAAA", "private mapping");
    q[0] = 'B';
    expect_file(fd, 0, "AAAA", "read after a private store");
    expect_mem(s, "AAAA", "shared mapping after a private store");
    pwrite_all(fd, "CC", 2, 0);
    expect_mem(q, "BAAA", "written private page after pwrite");
    expect_mem(s, "CCAA", "shared mapping after pwrite");
    unlink(path);
}

/* shm_open: a file in /dev/shm (a directory anyone may add to, sticky)
 * sized by ftruncate and mapped shared by parent and child. */
static void case_shm_open(void)
{
    struct stat st;
    T_EXPECT(stat("/dev/shm", &st) == 0, "stat /dev/shm: %s", strerror(errno));
    T_EXPECT(S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 01777, "/dev/shm mode %o",
             (unsigned)st.st_mode);
    char name[32];
    snprintf(name, sizeof(name), "/shmap-%d", (int)getpid());
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    T_EXPECT(fd >= 0, "shm_open: %s", strerror(errno));
    T_EXPECT(ftruncate(fd, 3 * PAGE) == 0, "ftruncate: %s", strerror(errno));
    unsigned char *p = map(fd, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
    pid_t pid = fork_ok();
    if (pid == 0) {
        int cfd = shm_open(name, O_RDWR, 0);
        T_EXPECT(cfd >= 0, "child shm_open: %s", strerror(errno));
        unsigned char *c = map(cfd, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
        memcpy(c + 2 * PAGE, "via shm", 7);
        memcpy(p + PAGE, "inherited", 9);
        _exit(0);
    }
    wait_exit(pid, 0);
    expect_mem(p + 2 * PAGE, "via shm", "parent's mapping");
    expect_mem(p + PAGE, "inherited", "parent's mapping");
    T_EXPECT(shm_unlink(name) == 0, "shm_unlink: %s", strerror(errno));
    T_EXPECT(shm_open(name, O_RDWR, 0) == -1 && errno == ENOENT, "shm_open after unlink: %s",
             strerror(errno));
    expect_mem(p + 2 * PAGE, "via shm", "mapping after shm_unlink");
}

static void expect_msync(void *p, size_t len, int flags, int err)
{
    errno = 0;
    int r = msync(p, len, flags);
    T_EXPECT(err ? r == -1 && errno == err : r == 0, "msync(%p, %zu, %#x): %d/%s, expected %s", p,
             len, flags, r, strerror(errno), err ? strerror(err) : "success");
}

/* msync's flags and errors, as Linux checks them. */
static void case_msync(void)
{
    char path[64];
    int fd = tmp_file("msync", 3 * PAGE, path, sizeof(path));
    unsigned char *p = map(fd, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
    p[0] = 's';
    expect_msync(p, 3 * PAGE, MS_SYNC, 0);
    expect_msync(p, 3 * PAGE, MS_ASYNC, 0);
    expect_msync(p, 3 * PAGE, MS_INVALIDATE, 0);
    expect_msync(p, PAGE, MS_ASYNC | MS_INVALIDATE, 0);
    expect_msync(p, PAGE, MS_SYNC | MS_INVALIDATE, 0);
    expect_msync(p, 100, MS_SYNC, 0); /* a partial page counts whole */
    expect_msync(p, 0, MS_SYNC, 0);
    expect_msync(p, (size_t)-1, MS_SYNC, 0); /* rounds up to 0, as Linux's */
    expect_msync(p, PAGE, 0, 0);
    expect_msync(p, PAGE, MS_ASYNC | MS_SYNC, EINVAL);
    expect_msync(p, PAGE, 8, EINVAL);
    expect_msync(p + 1, PAGE, MS_SYNC, EINVAL);
    expect_msync(p + 1, PAGE, MS_ASYNC | MS_SYNC, EINVAL);
    T_EXPECT(munmap(p + PAGE, PAGE) == 0, "munmap: %s", strerror(errno));
    expect_msync(p, 3 * PAGE, MS_SYNC, ENOMEM);
    expect_msync(p + PAGE, PAGE, MS_ASYNC, ENOMEM);
    expect_msync(p + 2 * PAGE, PAGE, MS_SYNC, 0);
    unsigned char *a = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(a != MAP_FAILED, "mmap: %s", strerror(errno));
    expect_msync(a, PAGE, MS_SYNC | MS_INVALIDATE, 0);
    expect_file(fd, 0, "s", "read after msync");
    unlink(path);
}

/* Past the end of the file: the rest of the last page reads as zeros and
 * takes stores; whole pages past it are SIGBUS, shared or private. */
static void case_sigbus_past_eof(void)
{
    char path[64];
    int fd = tmp_file("bus", PAGE + 100, path, sizeof(path));
    unsigned char *s = map(fd, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
    unsigned char *q = map(fd, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
    T_EXPECT(s[PAGE + 100] == 0 && s[2 * PAGE - 1] == 0, "past the end in the last page not zero");
    T_EXPECT(!bus_at(s + PAGE + 200, 1), "store in the last page past the end: SIGBUS");
    T_EXPECT(bus_at(s + 2 * PAGE, 0), "read a page past the end: no SIGBUS");
    T_EXPECT(bus_at(s + 3 * PAGE - 1, 1), "store a page past the end: no SIGBUS");
    T_EXPECT(bus_at(q + 2 * PAGE, 0), "private: read a page past the end: no SIGBUS");
    T_EXPECT(bus_at(q + 2 * PAGE, 1), "private: store a page past the end: no SIGBUS");
    struct stat st;
    T_EXPECT(fstat(fd, &st) == 0 && st.st_size == PAGE + 100, "size changed to %lld",
             (long long)st.st_size);
    unlink(path);
}

/* ftruncate shrinking a mapped file: the cut page's tail reads as zeros,
 * pages past the new end are SIGBUS in every mapping (private copies
 * too, as Linux), until the file grows again. */
static void case_truncate_mapped(void)
{
    char path[64];
    int fd = tmp_file("trunc", 3 * PAGE, path, sizeof(path));
    unsigned char *s = map(fd, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
    unsigned char *q = map(fd, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
    memset(s, 'x', 3 * PAGE);
    q[2 * PAGE] = 'q'; /* a private copy of the last page */
    T_EXPECT(q[PAGE] == 'x', "private mapping missed the file");
    T_EXPECT(ftruncate(fd, PAGE + 10) == 0, "ftruncate: %s", strerror(errno));
    T_EXPECT(s[PAGE + 9] == 'x' && s[PAGE + 10] == 0 && s[2 * PAGE - 1] == 0,
             "cut page: %d %d %d, expected x 0 0", s[PAGE + 9], s[PAGE + 10], s[2 * PAGE - 1]);
    T_EXPECT(bus_at(s + 2 * PAGE, 0), "shared: no SIGBUS past the new end");
    T_EXPECT(bus_at(q + 2 * PAGE, 0), "private copy: no SIGBUS past the new end");
    T_EXPECT(s[0] == 'x', "first page lost");
    T_EXPECT(ftruncate(fd, 3 * PAGE) == 0, "ftruncate back: %s", strerror(errno));
    T_EXPECT(s[2 * PAGE] == 0 && q[2 * PAGE] == 0 && s[PAGE + 10] == 0, "grown again: not zeros");
    unlink(path);
}

/* munmap and close leave the file as the mapping wrote it. */
static void case_munmap_intact(void)
{
    char path[64];
    int fd = tmp_file("unmap", 3 * PAGE, path, sizeof(path));
    unsigned char *p = map(fd, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
    for (long i = 0; i < 3 * PAGE; i++)
        p[i] = (unsigned char)(i * 7 + 1);
    T_EXPECT(munmap(p, 3 * PAGE) == 0, "munmap: %s", strerror(errno));
    close(fd);
    fd = open(path, O_RDONLY);
    T_EXPECT(fd >= 0, "open again: %s", strerror(errno));
    static unsigned char buf[3 * PAGE];
    pread_all(fd, buf, sizeof(buf), 0);
    for (long i = 0; i < 3 * PAGE; i++)
        T_EXPECT(buf[i] == (unsigned char)(i * 7 + 1), "byte %ld is %d after munmap", i, buf[i]);
    unlink(path);
}

/* The program's own file (inside Uniplex an initrd file, read in place):
 * a shared read-only mapping is its bytes, a private one takes stores
 * without changing the file, and a descriptor open only for reading gives
 * no writable shared mapping, not even by mprotect. */
static void case_program_file(void)
{
    int fd = open(p_self_path("shmap"), O_RDONLY);
    T_EXPECT(fd >= 0, "open self: %s", strerror(errno));
    static unsigned char head[2 * PAGE];
    pread_all(fd, head, sizeof(head), 0);
    unsigned char *s = map(fd, 2 * PAGE, PROT_READ, MAP_SHARED, 0);
    unsigned char *q = map(fd, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
    T_EXPECT(memcmp(s, head, sizeof(head)) == 0, "shared mapping differs from read");
    T_EXPECT(memcmp(q, head, sizeof(head)) == 0, "private mapping differs from read");
    memset(q, 0xee, PAGE + 8);
    static unsigned char again[2 * PAGE];
    pread_all(fd, again, sizeof(again), 0);
    T_EXPECT(memcmp(again, head, sizeof(head)) == 0, "private stores changed the file");
    T_EXPECT(memcmp(s, head, sizeof(head)) == 0, "private stores reached a shared mapping");
    errno = 0;
    T_EXPECT(mprotect(s, PAGE, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
             "mprotect writable on a read-only descriptor: %s, expected EACCES", strerror(errno));
    errno = 0;
    T_EXPECT(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
                 errno == EACCES,
             "writable shared mapping of a read-only descriptor: %s", strerror(errno));
    T_EXPECT(mprotect(q, PAGE, PROT_READ) == 0, "mprotect of the private mapping: %s",
             strerror(errno));
}

/* The program file's last page, mapped: its bytes, then zeros to the end
 * of the page (inside Uniplex the initrd's page holds the archive's next
 * header there). */
static void case_last_page(void)
{
    int fd = open(p_self_path("shmap"), O_RDONLY);
    struct stat st;
    T_EXPECT(fd >= 0 && fstat(fd, &st) == 0, "open self: %s", strerror(errno));
    off_t last = st.st_size / PAGE * PAGE;
    long tail = (long)(st.st_size - last);
    if (tail == 0)
        return; /* a whole number of pages: nothing to check */
    static unsigned char buf[PAGE];
    pread_all(fd, buf, (size_t)tail, last);
    unsigned char *s = map(fd, PAGE, PROT_READ, MAP_SHARED, last);
    T_EXPECT(memcmp(s, buf, (size_t)tail) == 0, "last page's bytes differ from read");
    for (long i = tail; i < PAGE; i++)
        T_EXPECT(s[i] == 0, "byte %ld past the end is %d", i, s[i]);
}

/* A copy of this program at path, executable. */
static void copy_self(const char *path)
{
    int in = open("/proc/self/exe", O_RDONLY);
    int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    T_EXPECT(in >= 0 && out >= 0, "copy self to %s: %s", path, strerror(errno));
    static char buf[16384];
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        T_EXPECT(write(out, buf, (size_t)n) == n, "write copy: %s", strerror(errno));
    T_EXPECT(n == 0, "read self: %s", strerror(errno));
    close(in);
    close(out);
}

static void run_exec_child(const char *path)
{
    pid_t pid = fork_ok();
    if (pid == 0) {
        execl(path, path, "--exec-child", (char *)NULL);
        t_die("exec %s: %s", path, strerror(errno));
    }
    wait_exit(pid, EXEC_STATUS);
}

/* A program whose file was written runs: inside Uniplex /bin/shmap, an
 * initrd file, whose first page the write copies (a shared mapping of it
 * sees the copy, the next page stays in place); on Linux a copy. A padding
 * byte of the ELF identification is written, which loaders ignore. */
static void case_exec_after_write(void)
{
    char path[4096];
    if (t_uniplex()) {
        snprintf(path, sizeof(path), "%s", p_self_path("shmap"));
    } else {
        snprintf(path, sizeof(path), "/tmp/shmap-exec-%d", (int)getpid());
        copy_self(path);
    }
    int fd = open(path, O_RDWR);
    T_EXPECT(fd >= 0, "open %s: %s", path, strerror(errno));
    static unsigned char before[2 * PAGE], after[2 * PAGE];
    pread_all(fd, before, sizeof(before), 0);
    unsigned char *s = map(fd, 2 * PAGE, PROT_READ, MAP_SHARED, 0);
    T_EXPECT(s[9] == before[9], "shared mapping differs");
    unsigned char pad = (unsigned char)(before[9] ^ 0x5a);
    pwrite_all(fd, &pad, 1, 9);
    T_EXPECT(s[9] == pad, "shared mapping missed the write (%#x, expected %#x)", s[9], pad);
    pread_all(fd, after, sizeof(after), 0);
    before[9] = pad;
    T_EXPECT(memcmp(before, after, sizeof(after)) == 0, "the write changed more than its byte");
    T_EXPECT(memcmp(s, after, sizeof(after)) == 0, "shared mapping differs from the file");
    munmap(s, 2 * PAGE); /* Linux: a writable shared mapping keeps the file from running */
    close(fd);
    run_exec_child(path);
    if (t_uniplex()) { /* the byte back, for the later cases and runs */
        fd = open(path, O_WRONLY);
        pad ^= 0x5a;
        T_EXPECT(fd >= 0, "open again: %s", strerror(errno));
        pwrite_all(fd, &pad, 1, 9);
    } else {
        unlink(path);
    }
}

/* A program written at run time (a new file, all its pages the cache's
 * own) runs, mapped from those pages. */
static void case_exec_written_file(void)
{
    char path[64];
    snprintf(path, sizeof(path), "/tmp/shmap-copy-%d", (int)getpid());
    copy_self(path);
    run_exec_child(path);
    unlink(path);
}

/* MAP_SHARED | MAP_ANONYMOUS is still memory shared with the children. */
static void case_shared_anon(void)
{
    unsigned char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(p != MAP_FAILED, "mmap: %s", strerror(errno));
    pid_t pid = fork_ok();
    if (pid == 0) {
        p[5] = 'k';
        _exit(0);
    }
    wait_exit(pid, 0);
    T_EXPECT(p[5] == 'k', "the child's store did not reach the parent");
}

static const struct {
    const char *name;
    void (*fn)(void);
} cases[] = {
    {"shared-write-read", case_shared_write_read},
    {"write-seen-through-mapping", case_write_seen},
    {"two-processes", case_two_processes},
    {"fork-keeps-shared", case_fork_shares},
    {"private-cow", case_private_cow},
    {"shm-open", case_shm_open},
    {"msync", case_msync},
    {"sigbus-past-eof", case_sigbus_past_eof},
    {"truncate-mapped", case_truncate_mapped},
    {"munmap-file-intact", case_munmap_intact},
    {"program-file-shared-private", case_program_file},
    {"program-file-last-page", case_last_page},
    {"exec-after-write", case_exec_after_write},
    {"exec-written-file", case_exec_written_file},
    {"shared-anonymous", case_shared_anon},
};

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--exec-child") == 0)
        return EXEC_STATUS;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char why[300];
        int st = 0;
        if (!t_case_named(argc, argv, cases[i].name))
            continue;
        if (t_case_run(cases[i].name, cases[i].fn, ALARM_S, 0, why, sizeof(why), &st) &&
            t_case_passed(cases[i].name, why, st))
            t_ok(cases[i].name);
    }
    return t_done("shmap");
}
