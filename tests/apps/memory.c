/* memory: the heap, anonymous mappings, protections and brk.
 *
 * Run as `memory [MAX_MIB]`: malloc sizes double from 1 KiB up to MAX_MIB
 * MiB (default 256; the runner gives the guest 512 MiB). Then many small
 * allocations, mmap/munmap/mprotect/madvise with Linux semantics and their
 * error cases, and brk through the raw system call (musl's brk() and
 * sbrk(n) refuse on purpose, to protect its own allocator). UNIPLEX=1
 * adds the cases of flags Linux has and Uniplex refuses. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

#define PAGE 4096UL
#define MIB  (1UL << 20)
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

/* A pattern that differs per word and per block, so a block aliasing an
 * earlier one, or a stale page, shows up as a mismatch. */
static uint64_t pattern(size_t i, uint64_t seed)
{
    return (i * 0x9e3779b97f4a7c15ULL) ^ seed;
}

static void fill(uint64_t *p, size_t words, uint64_t seed)
{
    for (size_t i = 0; i < words; i++)
        p[i] = pattern(i, seed);
}

/* Returns the index of the first bad word, or SIZE_MAX when all match. */
static size_t verify(const uint64_t *p, size_t words, uint64_t seed)
{
    for (size_t i = 0; i < words; i++)
        if (p[i] != pattern(i, seed))
            return i;
    return SIZE_MAX;
}

static int all_bytes(const void *p, size_t n, unsigned char v)
{
    const unsigned char *c = p;

    for (size_t i = 0; i < n; i++)
        if (c[i] != v)
            return 0;
    return 1;
}

static void check_malloc_doubling(size_t max)
{
    char name[48];

    for (size_t size = 1024; size <= max; size *= 2) {
        if (size >= (1 << 20))
            snprintf(name, sizeof name, "malloc_%zuM", size >> 20);
        else
            snprintf(name, sizeof name, "malloc_%zuK", size >> 10);
        uint64_t *p = malloc(size);
        if (!p) {
            t_fail(name, "expected a block, got NULL (%s)", t_errname(errno));
            continue;
        }
        fill(p, size / 8, size);
        size_t bad = verify(p, size / 8, size);
        CHECK(name, bad == SIZE_MAX, "word %zu of %zu reads back wrong", bad, size / 8);
        free(p);
    }
}

/* Many small blocks alive at once, freed in an interleaved order. */
static void check_small_allocs(void)
{
    enum { N = 20000 };
    static unsigned char *blk[N];
    int bad_align = 0, bad_data = 0, null = 0;

    for (int i = 0; i < N; i++) {
        size_t len = 1 + (size_t)(i * 37) % 500;
        blk[i] = malloc(len);
        if (!blk[i]) {
            null++;
            continue;
        }
        if ((uintptr_t)blk[i] & 15)
            bad_align++;
        memset(blk[i], i & 0xff, len);
    }
    for (int i = 0; i < N; i++)
        if (blk[i] && !all_bytes(blk[i], 1 + (size_t)(i * 37) % 500, i & 0xff))
            bad_data++;
    for (int start = 1; start >= 0; start--)
        for (int i = start; i < N; i += 2)
            free(blk[i]);
    CHECK("malloc_small_many", null == 0 && bad_align == 0 && bad_data == 0,
          "of %d blocks: %d NULL, %d not 16-byte aligned, %d overwritten", N, null, bad_align,
          bad_data);
    void *p = calloc(1000, 1000);
    CHECK("calloc_zero", p && all_bytes(p, 1000000, 0), "expected 1e6 zero bytes");
    free(p);
}

static unsigned char *map_anon(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void check_mmap_basic(void)
{
    size_t len = 16 * PAGE;
    unsigned char *p = map_anon(len);

    if (!p) {
        t_fail("mmap_anon", "expected a mapping, got MAP_FAILED/%s", t_errname(errno));
        return;
    }
    CHECK("mmap_anon_aligned", ((uintptr_t)p & (PAGE - 1)) == 0, "expected page alignment, got %p",
          (void *)p);
    CHECK("mmap_anon_zero", all_bytes(p, len, 0), "expected 16 zeroed pages");
    memset(p, 0x5a, len);
    CHECK("mmap_anon_write", all_bytes(p, len, 0x5a), "expected the written bytes back");
    CHECK_SYS("munmap", munmap(p, len));
}

/* MAP_FIXED over the middle of a mapping replaces just those pages. */
static void check_map_fixed(void)
{
    unsigned char *p = map_anon(4 * PAGE);

    if (!p) {
        t_fail("mmap_fixed", "setup mmap failed: %s", t_errname(errno));
        return;
    }
    memset(p, 0xaa, 4 * PAGE);
    void *q = mmap(p + PAGE, 2 * PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK("mmap_fixed_addr", q == p + PAGE, "expected %p, got %p", (void *)(p + PAGE), q);
    CHECK("mmap_fixed_zero", q == p + PAGE && all_bytes(p + PAGE, 2 * PAGE, 0),
          "expected the replaced pages to read zero");
    CHECK("mmap_fixed_neighbours", all_bytes(p, PAGE, 0xaa) && all_bytes(p + 3 * PAGE, PAGE, 0xaa),
          "expected the first and last page to keep 0xaa");
    CHECK_ERR(
        "mmap_fixed_unaligned",
        syscall(SYS_mmap, p + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
        EINVAL);
    munmap(p, 4 * PAGE);
}

/* Unmapping the middle page leaves a hole: mprotect on it reports ENOMEM
 * (the way to probe for a mapping without taking a fault). */
static void check_partial_munmap(void)
{
    unsigned char *p = map_anon(3 * PAGE);

    if (!p) {
        t_fail("munmap_partial", "setup mmap failed: %s", t_errname(errno));
        return;
    }
    memset(p, 0x11, 3 * PAGE);
    CHECK_SYS("munmap_partial", munmap(p + PAGE, PAGE));
    CHECK_ERR("munmap_partial_hole", syscall(SYS_mprotect, p + PAGE, PAGE, PROT_READ), ENOMEM);
    CHECK("munmap_partial_rest", all_bytes(p, PAGE, 0x11) && all_bytes(p + 2 * PAGE, PAGE, 0x11),
          "expected the outer pages intact");
    CHECK_SYS("munmap_over_hole", munmap(p, 3 * PAGE));
    CHECK_ERR("munmap_gone", syscall(SYS_mprotect, p, PAGE, PROT_READ), ENOMEM);
}

static void check_mprotect(void)
{
    unsigned char *p = map_anon(2 * PAGE);

    if (!p) {
        t_fail("mprotect", "setup mmap failed: %s", t_errname(errno));
        return;
    }
    memset(p, 0x33, 2 * PAGE);
    CHECK_SYS("mprotect_read", mprotect(p, 2 * PAGE, PROT_READ));
    CHECK("mprotect_read_keeps", all_bytes(p, 2 * PAGE, 0x33), "expected 0x33 after PROT_READ");
    CHECK_SYS("mprotect_rw", mprotect(p, 2 * PAGE, PROT_READ | PROT_WRITE));
    memset(p, 0x44, 2 * PAGE);
    CHECK("mprotect_rw_write", all_bytes(p, 2 * PAGE, 0x44), "expected 0x44 written back");
    /* Raw: musl's mprotect() rounds the range out to pages itself. */
    CHECK_ERR("mprotect_unaligned", syscall(SYS_mprotect, p + 1, PAGE, PROT_READ), EINVAL);
    munmap(p, 2 * PAGE);

    /* PROT_NONE reserved space becomes usable after mprotect. */
    p = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int ok = p != MAP_FAILED && mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0;
    if (ok) {
        p[100] = 9;
        ok = p[100] == 9 && p[0] == 0;
    }
    CHECK("mprotect_from_none", ok, "expected PROT_NONE -> RW to work (%s)", t_errname(errno));
    if (p != MAP_FAILED)
        munmap(p, PAGE);
}

/* Raw system calls, so the kernel's checks are tested rather than libc's. */
static void check_mmap_errors(void)
{
    CHECK_ERR("mmap_len0",
              syscall(SYS_mmap, NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_ERR("mmap_no_type",
              syscall(SYS_mmap, NULL, PAGE, PROT_READ | PROT_WRITE, MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_ERR("mmap_unaligned_offset",
              syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1), EINVAL);
    unsigned char *p = map_anon(PAGE);
    CHECK_ERR("munmap_unaligned", syscall(SYS_munmap, p + 1, PAGE), EINVAL);
    CHECK_ERR("munmap_len0", syscall(SYS_munmap, p, 0), EINVAL);
    munmap(p, PAGE);
    /* p is unmapped now (nothing else runs that could reuse it). */
    CHECK_ERR("mprotect_unmapped", syscall(SYS_mprotect, p, PAGE, PROT_READ), ENOMEM);
}

/* For private anonymous memory MADV_DONTNEED drops the pages: they read
 * back as zero, the neighbours keep their data. */
static void check_madvise(void)
{
    unsigned char *p = map_anon(4 * PAGE);

    if (!p) {
        t_fail("madvise_dontneed", "setup mmap failed: %s", t_errname(errno));
        return;
    }
    memset(p, 0x77, 4 * PAGE);
    CHECK_SYS("madvise_dontneed", madvise(p + PAGE, 2 * PAGE, MADV_DONTNEED));
    CHECK("madvise_dontneed_zero", all_bytes(p + PAGE, 2 * PAGE, 0),
          "expected the advised pages to read zero");
    CHECK("madvise_dontneed_rest", all_bytes(p, PAGE, 0x77) && all_bytes(p + 3 * PAGE, PAGE, 0x77),
          "expected the other pages to keep 0x77");
    munmap(p, 4 * PAGE);
}

/* Resident memory in KiB (VmRSS in /proc/self/status), or -1. */
static long rss_kib(void)
{
    char line[128];
    long kib = -1;
    FILE *f = fopen("/proc/self/status", "r");

    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib;
}

/* How much more is resident after an untouched mmap of 8 MiB with extra
 * flags: its growth in KiB, or -1 when the mmap failed. */
static long rss_growth(int extra)
{
    long before = rss_kib();
    void *p =
        mmap(NULL, 8 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);
    long after = rss_kib();

    if (p == MAP_FAILED)
        return -1;
    munmap(p, 8 * MIB);
    return after - before;
}

/* MAP_POPULATE and MAP_LOCKED fault the pages in at once; MAP_NONBLOCK
 * undoes MAP_POPULATE (Linux 2.6.23 on); MAP_32BIT stays below 2 GiB. */
static void check_mmap_populate(void)
{
    long lazy = rss_growth(0), pop = rss_growth(MAP_POPULATE);
    long nonblock = rss_growth(MAP_POPULATE | MAP_NONBLOCK), locked = rss_growth(MAP_LOCKED);

    CHECK("mmap_lazy", lazy >= 0 && lazy < 1024, "expected < 1 MiB resident, got %ld KiB", lazy);
    CHECK("mmap_populate", pop >= 8000, "expected 8 MiB resident at once, got %ld KiB", pop);
    CHECK("mmap_populate_nonblock", nonblock >= 0 && nonblock < 1024,
          "expected < 1 MiB resident, got %ld KiB", nonblock);
    CHECK("mmap_locked_populates", locked >= 8000, "expected 8 MiB resident at once, got %ld KiB",
          locked);
    unsigned char *p =
        mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    CHECK("mmap_32bit", p != MAP_FAILED && (uintptr_t)p + PAGE <= 0x80000000UL,
          "expected a page below 2 GiB, got %p", (void *)p);
    if (p != MAP_FAILED)
        munmap(p, PAGE);
}

/* In a child: the byte at *p after the child wrote v there. */
static int child_writes(volatile unsigned char *p, unsigned char v)
{
    int st = 0;
    pid_t pid = fork();

    if (pid == 0) {
        *p = v;
        _exit(0);
    }
    return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? *p : -1;
}

/* /dev/zero: MAP_SHARED is memory shared with the children, MAP_PRIVATE
 * is not. */
static void check_mmap_dev_zero(void)
{
    int fd = open("/dev/zero", O_RDWR);
    unsigned char *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    unsigned char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

    CHECK("mmap_dev_zero_shared", s != MAP_FAILED && child_writes(s, 42) == 42,
          "expected the child's 42 in the parent");
    CHECK("mmap_dev_zero_private", p != MAP_FAILED && child_writes(p, 42) == 0,
          "expected the parent's page still zero");
    munmap(s, PAGE);
    munmap(p, PAGE);
    CHECK_ERR("mmap_shared_validate_anon",
              syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0),
              EINVAL);
    CHECK_ERR("mmap_shared_validate_unknown",
              syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0),
              EOPNOTSUPP);
    close(fd);
}

/* Flags Linux has and Uniplex refuses rather than ignore. */
static void check_mmap_refused(void)
{
    static const struct {
        const char *name;
        int flag;
    } refused[] = {{"mmap_growsdown_einval", MAP_GROWSDOWN},
                   {"mmap_hugetlb_einval", MAP_HUGETLB},
                   {"mmap_sync_private_einval", MAP_SYNC},
                   {"mmap_unknown_flag_einval", 0x200}};

    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        if (!t_uniplex()) {
            t_skip_host(refused[i].name);
            continue;
        }
        CHECK_ERR(refused[i].name,
                  syscall(SYS_mmap, NULL, PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | refused[i].flag, -1, 0),
                  EINVAL);
    }
}

/* A MAP_FIXED mapping the file's open mode forbids fails before the old
 * mapping goes (checked in a child: reading a lost page would kill it). */
static void check_mmap_fixed_refused(void)
{
    int fd = open("/tmp/memory-file", O_CREAT | O_TRUNC | O_RDWR, 0644);
    int ro = open("/tmp/memory-file", O_RDONLY), pfd = open("/tmp/memory-file", O_PATH), st = 0;
    unsigned char *p = map_anon(PAGE);

    if (fd < 0 || ro < 0 || !p || ftruncate(fd, PAGE) != 0) {
        t_fail("mmap_fixed_eacces", "setup failed: %s", t_errname(errno));
        return;
    }
    memset(p, 0x5a, PAGE);
    CHECK_ERR("mmap_fixed_eacces",
              mmap(p, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, ro, 0), EACCES);
    pid_t pid = fork();
    if (pid == 0)
        _exit(all_bytes(p, PAGE, 0x5a) ? 0 : 1);
    CHECK("mmap_fixed_eacces_keeps_old",
          pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "expected the old page kept, the child ended with status %#x", st);
    CHECK_ERR("mmap_o_path_ebadf", mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, pfd, 0), EBADF);
    munmap(p, PAGE);
    close(pfd);
    close(ro);
    close(fd);
    unlink("/tmp/memory-file");
}

/* Shared memory keeps its contents through MADV_DONTNEED (Linux refills it
 * from the shared object); MADV_FREE is for private anonymous memory. */
static void check_madvise_shared(void)
{
    unsigned char *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    unsigned char *p = map_anon(PAGE);

    if (s == MAP_FAILED || !p) {
        t_fail("madvise_shared", "setup mmap failed: %s", t_errname(errno));
        return;
    }
    memset(s, 9, PAGE);
    CHECK("madvise_dontneed_shared_keeps",
          madvise(s, PAGE, MADV_DONTNEED) == 0 && all_bytes(s, PAGE, 9),
          "expected the shared page to keep its 9s");
    CHECK_ERR("madvise_free_shared_einval", madvise(s, PAGE, MADV_FREE), EINVAL);
    memset(p, 1, PAGE);
    CHECK_SYS("madvise_free_private", madvise(p, PAGE, MADV_FREE));
    munmap(s, PAGE);
    munmap(p, PAGE);
}

/* mremap: shrink in place, grow in place when the room after the mapping
 * is free, move (keeping the contents) when it is not, and Linux's errors. */
static void check_mremap(void)
{
    char *p = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        t_fail("mremap_setup", "mmap failed: %s", strerror(errno));
        return;
    }
    munmap(p + 4 * PAGE, 4 * PAGE); /* room to grow into */
    memset(p, 0x42, 4 * PAGE);
    char *q = mremap(p, 4 * PAGE, 2 * PAGE, 0);
    CHECK("mremap_shrink", q == p && all_bytes(p, 2 * PAGE, 0x42), "expected %p, got %p", (void *)p,
          (void *)q);
    q = mremap(p, 2 * PAGE, 6 * PAGE, 0);
    CHECK("mremap_grow_in_place",
          q == p && all_bytes(p, 2 * PAGE, 0x42) && all_bytes(p + 2 * PAGE, 4 * PAGE, 0),
          "expected %p with the old bytes and zeros after, got %p", (void *)p, (void *)q);
    char *block =
        mmap(p + 6 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK_ERR("mremap_no_room", mremap(p, 6 * PAGE, 8 * PAGE, 0), ENOMEM);
    q = mremap(p, 6 * PAGE, 64 * PAGE, MREMAP_MAYMOVE);
    CHECK("mremap_move",
          q != MAP_FAILED && q != p && all_bytes(q, 2 * PAGE, 0x42) &&
              all_bytes(q + 2 * PAGE, 62 * PAGE, 0),
          "expected a moved mapping with the contents, got %p (%s)", (void *)q, strerror(errno));
    if (q != MAP_FAILED) {
        q[64 * PAGE - 1] = 1; /* the whole new size is usable */
        munmap(q, 64 * PAGE);
    }
    munmap(block, PAGE);
    CHECK_ERR("mremap_unaligned", mremap(p + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE), EINVAL);
    CHECK_ERR("mremap_zero_size", mremap(p, PAGE, 0, MREMAP_MAYMOVE), EINVAL);
    CHECK_ERR("mremap_bad_flags", mremap(p, PAGE, PAGE, 0x80), EINVAL);
    CHECK_ERR("mremap_unmapped", mremap(p, PAGE, 2 * PAGE, MREMAP_MAYMOVE), EFAULT);
}

static uintptr_t raw_brk(uintptr_t addr)
{
    return (uintptr_t)syscall(SYS_brk, addr);
}

/* The raw brk returns the new break, or the old one when it refuses. The
 * break is put back at the end so musl's allocator finds it where it was. */
static void check_brk(void)
{
    uintptr_t cur = raw_brk(0);
    uintptr_t grow = 1 << 20;

    CHECK("brk_query", cur != 0 && raw_brk(0) == cur, "expected a stable break, got %#lx",
          (unsigned long)cur);
    uintptr_t r = raw_brk(cur + grow);
    CHECK("brk_grow", r == cur + grow, "expected %#lx, got %#lx", (unsigned long)(cur + grow),
          (unsigned long)r);
    if (r != cur + grow)
        return;
    memset((void *)cur, 0x66, grow);
    CHECK("brk_use", all_bytes((void *)cur, grow, 0x66), "expected the grown break to hold data");

    /* Whole pages given back and taken again come back zeroed. */
    uintptr_t base = (cur + PAGE - 1) & ~(PAGE - 1);
    r = raw_brk(cur);
    CHECK("brk_shrink", r == cur, "expected %#lx, got %#lx", (unsigned long)cur, (unsigned long)r);
    r = raw_brk(cur + grow);
    CHECK("brk_regrow_zero", r == cur + grow && all_bytes((void *)base, cur + grow - base, 0),
          "expected re-grown pages to read zero (brk %#lx)", (unsigned long)r);

    r = raw_brk(0xffff800000000000UL);
    CHECK("brk_kernel_half", r == cur + grow, "expected the unchanged break %#lx, got %#lx",
          (unsigned long)(cur + grow), (unsigned long)r);
    r = raw_brk(4096);
    CHECK("brk_below_start", r == cur + grow, "expected the unchanged break %#lx, got %#lx",
          (unsigned long)(cur + grow), (unsigned long)r);
    r = raw_brk(cur);
    CHECK("brk_restore", r == cur, "expected %#lx, got %#lx", (unsigned long)cur, (unsigned long)r);
    CHECK("sbrk0", sbrk(0) == (void *)cur, "expected %#lx, got %p", (unsigned long)cur, sbrk(0));
}

int main(int argc, char **argv)
{
    size_t max_mib = 256;

    if (argc > 1) {
        char *end;
        unsigned long v = strtoul(argv[1], &end, 10);
        if (*end != '\0' || v == 0) {
            fprintf(stderr, "usage: memory [MAX_MIB]\n");
            return 100;
        }
        max_mib = v;
    }
    check_malloc_doubling(max_mib << 20);
    check_small_allocs();
    check_mmap_basic();
    check_map_fixed();
    check_partial_munmap();
    check_mprotect();
    check_mmap_errors();
    check_madvise();
    check_madvise_shared();
    check_mmap_populate();
    check_mmap_dev_zero();
    check_mmap_refused();
    check_mmap_fixed_refused();
    check_mremap();
    check_brk();
    return t_done("memory");
}
