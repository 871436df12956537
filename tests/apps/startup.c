/* startup: what a static Linux program finds when it starts.
 *
 * Run as `startup a "b c"` with FOO=bar (and UNIPLEX=1 inside the kernel).
 * Checks argv/envp, the auxiliary vector against the program's own ELF
 * headers (read back from the file), the raw initial stack layout, TLS set
 * up by musl from the PT_TLS header, errno, a 1 MiB stack array and stack
 * alignment. Also prints `random: <hex>` (the AT_RANDOM bytes), which the
 * runner compares across two boots. */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "t.h"

/* From <asm/prctl.h>, which musl-gcc does not put on the include path. */
#define ARCH_GET_FS 0x1003

extern char _start[];
extern char **environ;

/* Compares argv with the expected `startup a "b c"`. */
static void check_args(int argc, char **argv)
{
    CHECK("argc", argc == 3, "expected 3, got %d", argc);
    CHECK("argv0", argc > 0 && argv[0] && argv[0][0] != '\0', "expected a non-empty argv[0]");
    CHECK("argv1", argc > 1 && strcmp(argv[1], "a") == 0, "expected \"a\", got \"%s\"",
          argc > 1 ? argv[1] : "(missing)");
    CHECK("argv2", argc > 2 && strcmp(argv[2], "b c") == 0, "expected \"b c\", got \"%s\"",
          argc > 2 ? argv[2] : "(missing)");
    CHECK("argv_null", argv[argc] == NULL, "expected argv[argc] == NULL, got %p",
          (void *)argv[argc]);
}

static void check_env(char **envp)
{
    int found = 0;

    for (char **e = envp; *e; e++)
        if (strcmp(*e, "FOO=bar") == 0)
            found++;
    CHECK("envp_foo", found == 1, "expected FOO=bar once in envp, seen %d times", found);
    CHECK("environ", environ == envp, "expected environ == main's envp (%p), got %p", (void *)envp,
          (void *)environ);
    const char *foo = getenv("FOO");
    CHECK("getenv_foo", foo && strcmp(foo, "bar") == 0, "expected \"bar\", got %s",
          foo ? foo : "NULL");
}

/* The kernel's part of the initial stack: argc at the initial rsp, argv
 * right above it, envp after argv's NULL, then auxv after envp's NULL. musl
 * hands main the very pointers into that stack, so it can be walked here. */
static void check_raw_stack(int argc, char **argv, char **envp)
{
    long *sp = (long *)argv - 1;

    CHECK("stack_argc", *sp == argc, "expected argc %d at argv[-1], got %ld", argc, *sp);
    CHECK("stack_align_entry", ((uintptr_t)sp & 15) == 0,
          "expected the initial rsp (%p) 16-byte aligned", (void *)sp);
    CHECK("stack_envp", envp == argv + argc + 1, "expected envp == argv + argc + 1 (%p), got %p",
          (void *)(argv + argc + 1), (void *)envp);

    char **e = envp;
    while (*e)
        e++;
    Elf64_auxv_t *av = (Elf64_auxv_t *)(e + 1);
    int n = 0, mismatch = 0, found_null = 0;
    for (; n < 64; n++) {
        if (av[n].a_type == AT_NULL) {
            found_null = 1;
            break;
        }
        /* getauxval returns the first entry of a type, so compare only
         * types whose first occurrence this is. */
        int first = 1;
        for (int j = 0; j < n; j++)
            if (av[j].a_type == av[n].a_type)
                first = 0;
        if (first && getauxval(av[n].a_type) != av[n].a_un.a_val)
            mismatch++;
    }
    CHECK("stack_auxv_end", found_null, "expected AT_NULL within 64 auxv entries");
    CHECK("stack_auxv_getauxval", mismatch == 0,
          "expected getauxval to agree with the raw auxv, %d entries differ", mismatch);
    /* Linux puts the strings above the vectors, at the top of the stack. */
    CHECK("stack_strings_above", (char *)argv[0] > (char *)(av + n),
          "expected argv[0] (%p) above the auxv end (%p)", (void *)argv[0], (void *)(av + n));
}

/* Reads the program's ELF header and program headers back from its file:
 * the in-memory copy that AT_PHDR points at must be byte-for-byte the same. */
static int read_file_phdrs(const char *path, Elf64_Ehdr *eh, Elf64_Phdr *ph, int max)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int r = -1;
    if (pread(fd, eh, sizeof *eh, 0) == (ssize_t)sizeof *eh && eh->e_phnum <= max &&
        eh->e_phentsize == sizeof *ph) {
        ssize_t len = (ssize_t)(eh->e_phnum * sizeof *ph);
        if (pread(fd, ph, (size_t)len, (off_t)eh->e_phoff) == len)
            r = 0;
    }
    close(fd);
    return r;
}

static void check_phdrs(void)
{
    const Elf64_Phdr *mem = (const Elf64_Phdr *)getauxval(AT_PHDR);
    unsigned long phnum = getauxval(AT_PHNUM);
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    Elf64_Ehdr eh;
    Elf64_Phdr file[32];

    CHECK("auxv_phent", getauxval(AT_PHENT) == sizeof(Elf64_Phdr), "expected %zu, got %lu",
          sizeof(Elf64_Phdr), getauxval(AT_PHENT));
    if (!mem || !execfn || read_file_phdrs(execfn, &eh, file, 32) != 0) {
        t_fail("auxv_phdr", "could not compare: AT_PHDR %p, AT_EXECFN %s, errno %s",
               (const void *)mem, execfn ? execfn : "NULL", t_errname(errno));
        return;
    }
    CHECK("auxv_phnum", phnum == eh.e_phnum, "expected e_phnum %u, got %lu", (unsigned)eh.e_phnum,
          phnum);
    CHECK("auxv_phdr_first", phnum > 0 && mem[0].p_type == file[0].p_type,
          "expected phdr[0].p_type %u, got %u", file[0].p_type, phnum ? mem[0].p_type : 0);
    CHECK("auxv_phdr", phnum == eh.e_phnum && memcmp(mem, file, phnum * sizeof *mem) == 0,
          "expected the headers at AT_PHDR (%p) to equal the file's", (const void *)mem);

    /* _start must lie inside an executable PT_LOAD (non-PIE: no bias). */
    int load = 0, in_text = 0;
    uintptr_t s = (uintptr_t)_start;
    for (unsigned long i = 0; i < phnum; i++) {
        if (mem[i].p_type != PT_LOAD)
            continue;
        load++;
        if ((mem[i].p_flags & PF_X) && s >= mem[i].p_vaddr && s < mem[i].p_vaddr + mem[i].p_memsz)
            in_text = 1;
    }
    CHECK("phdr_load", load > 0, "expected a PT_LOAD among %lu headers", phnum);
    CHECK("phdr_start_in_text", in_text, "expected _start (%p) in an executable PT_LOAD",
          (void *)_start);
    CHECK("auxv_entry",
          getauxval(AT_ENTRY) == (unsigned long)_start && eh.e_entry == (unsigned long)_start,
          "expected AT_ENTRY == e_entry == _start %p, got %#lx / %#lx", (void *)_start,
          getauxval(AT_ENTRY), (unsigned long)eh.e_entry);
}

static void check_random(void)
{
    const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
    char hex[33];
    int nonzero = 0;

    if (!r) {
        t_fail("auxv_random", "expected a pointer, got NULL");
        return;
    }
    for (int i = 0; i < 16; i++) {
        nonzero |= r[i];
        snprintf(hex + 2 * i, 3, "%02x", r[i]);
    }
    printf("random: %s\n", hex);
    fflush(stdout);
    CHECK("auxv_random", nonzero, "expected 16 bytes not all zero");
}

static void check_auxv_values(char **argv)
{
    const char *fn = (const char *)getauxval(AT_EXECFN);
    const char *plat = (const char *)getauxval(AT_PLATFORM);

    CHECK("auxv_pagesz", getauxval(AT_PAGESZ) == 4096, "expected 4096, got %lu",
          getauxval(AT_PAGESZ));
    CHECK("auxv_execfn", fn && fn[0] != '\0', "expected a non-empty string, got %s",
          fn ? "\"\"" : "NULL");
    if (t_uniplex())
        CHECK("auxv_execfn_argv0", fn && strcmp(fn, argv[0]) == 0, "expected \"%s\", got \"%s\"",
              argv[0], fn ? fn : "NULL");
    else
        t_skip_host("auxv_execfn_argv0");
    CHECK("auxv_platform", plat && strcmp(plat, "x86_64") == 0, "expected \"x86_64\", got %s",
          plat ? plat : "NULL");
    CHECK("auxv_clktck", getauxval(AT_CLKTCK) == 100, "expected 100, got %lu",
          getauxval(AT_CLKTCK));
    CHECK("auxv_uid", getauxval(AT_UID) == getuid(), "expected %u, got %lu", (unsigned)getuid(),
          getauxval(AT_UID));
    CHECK("auxv_euid", getauxval(AT_EUID) == geteuid(), "expected %u, got %lu", (unsigned)geteuid(),
          getauxval(AT_EUID));
    CHECK("auxv_gid", getauxval(AT_GID) == getgid(), "expected %u, got %lu", (unsigned)getgid(),
          getauxval(AT_GID));
    CHECK("auxv_egid", getauxval(AT_EGID) == getegid(), "expected %u, got %lu", (unsigned)getegid(),
          getauxval(AT_EGID));
    errno = 0;
    unsigned long secure = getauxval(AT_SECURE);
    CHECK("auxv_secure", secure == 0 && errno == 0, "expected present and 0, got %lu (%s)", secure,
          t_errname(errno));
    /* A static program has no interpreter, so no interpreter base. */
    CHECK("auxv_base", getauxval(AT_BASE) == 0, "expected 0, got %#lx", getauxval(AT_BASE));
}

static __thread int tls_init = 42;
static __thread long tls_zero;
static __thread char tls_str[16] = "tls";
static __thread _Alignas(64) char tls_aligned[64];

static void check_tls(void)
{
    CHECK("tls_init", tls_init == 42, "expected 42, got %d", tls_init);
    CHECK("tls_zero", tls_zero == 0, "expected 0, got %ld", tls_zero);
    CHECK("tls_str", strcmp(tls_str, "tls") == 0, "expected \"tls\", got \"%.16s\"", tls_str);
    CHECK("tls_align", ((uintptr_t)tls_aligned & 63) == 0, "expected 64-byte alignment, got %p",
          (void *)tls_aligned);
    tls_init = 7;
    tls_zero = -1;
    strcpy(tls_str, "written");
    /* Read back through a compiler barrier so the values come from memory. */
    __asm__ volatile("" ::: "memory");
    CHECK("tls_write", tls_init == 7 && tls_zero == -1 && strcmp(tls_str, "written") == 0,
          "expected 7/-1/\"written\", got %d/%ld/\"%.16s\"", tls_init, tls_zero, tls_str);

    /* musl's thread pointer is its thread descriptor, whose first word
     * points at itself: %fs must have been set through arch_prctl. */
    unsigned long fs = 0;
    long r = syscall(SYS_arch_prctl, ARCH_GET_FS, &fs);
    CHECK("tls_fs_base",
          r == 0 && fs == (unsigned long)pthread_self() && *(unsigned long *)fs == fs,
          "expected ARCH_GET_FS == pthread_self() %p, got r=%ld fs=%#lx", (void *)pthread_self(), r,
          fs);
}

static void check_errno(void)
{
    errno = 0;
    int r = close(-1);
    CHECK("errno_ebadf", r == -1 && errno == EBADF, "expected -1/EBADF, got %d/%s", r,
          t_errname(errno));
    errno = 0;
    r = access("/nonexistent-startup-test", F_OK);
    CHECK("errno_enoent", r == -1 && errno == ENOENT, "expected -1/ENOENT, got %d/%s", r,
          t_errname(errno));
}

/* A 1 MiB array on the stack: growing the stack downwards page by page
 * first (as a function's prologue would), then filling and verifying it. */
static __attribute__((noinline)) int use_big_stack(void)
{
    volatile unsigned char big[1 << 20];
    size_t n = sizeof big;

    for (size_t i = n; i >= 4096; i -= 4096)
        big[i - 1] = 1;
    for (size_t i = 0; i < n; i++)
        big[i] = (unsigned char)(i * 7 + 3);
    for (size_t i = 0; i < n; i++)
        if (big[i] != (unsigned char)(i * 7 + 3))
            return -1;
    return 0;
}

int main(int argc, char **argv, char **envp)
{
    /* The frame address is 16-byte aligned only if main was called with
     * an aligned stack (it holds the saved rbp just below the return address). */
    uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
    CHECK("stack_align_main", (frame & 15) == 0, "expected 16-byte alignment, got %#lx",
          (unsigned long)frame);
    check_args(argc, argv);
    check_env(envp);
    check_raw_stack(argc, argv, envp);
    check_random();
    check_auxv_values(argv);
    check_phdrs();
    check_tls();
    check_errno();
    CHECK("stack_1mib", use_big_stack() == 0, "expected the 1 MiB stack array to verify");
    return t_done("startup");
}
