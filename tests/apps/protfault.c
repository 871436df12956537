/* protfault: a write to a page made read-only must fault.
 *
 * Expected: prints `about to write`, then the write faults and nothing more
 * is printed. Without signal delivery the kernel kills the program and, as
 * pid 1, powers off with status 128+11 (SIGSEGV); on host Linux the shell
 * reports 139. Exit 1 with a FAIL line means the write went through. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    /* volatile: the write after mprotect must really be issued. */
    volatile char *p =
        mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        printf("FAIL protfault: mmap failed\n");
        return 2;
    }
    p[0] = 1;
    if (mprotect((void *)p, (size_t)page, PROT_READ) != 0 || p[0] != 1) {
        printf("FAIL protfault: mprotect PROT_READ failed\n");
        return 2;
    }
    printf("about to write\n");
    fflush(stdout);
    p[0] = 2;
    printf("FAIL protfault: write succeeded\n");
    fflush(stdout);
    return 1;
}
