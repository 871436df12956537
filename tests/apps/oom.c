/* oom: when memory runs out on a page fault, the process holding the most
 * memory goes (SIGKILL), not the one that happened to fault, and never
 * init. Run as init in a 128 MiB machine (UNIPLEX=1): a child A touches
 * 80 MiB and sleeps; a child B then touches 60 MiB, which cannot fit
 * beside A: A must be killed and B must finish. On the host it only
 * checks that both children behave as plain programs (no memory pressure). */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tproc.h"

#define MIB (1024 * 1024)

/* Touch mib MiB, one write per page: 0, or 1 if the mapping failed. */
static int touch(long mib)
{
    unsigned char *p =
        mmap(NULL, mib * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 1;
    for (long o = 0; o < mib * MIB; o += 4096)
        p[o] = 1;
    return 0;
}

int main(void)
{
    int ready[2];
    char c;
    if (pipe(ready) != 0)
        return 100;
    pid_t a = fork();
    if (a == 0) {
        if (touch(80))
            _exit(2);
        if (write(ready[1], "a", 1) != 1)
            _exit(3);
        pause();
        _exit(4);
    }
    CHECK("big-child-ready", read(ready[0], &c, 1) == 1, "child A did not get its 80 MiB");
    pid_t b = fork();
    if (b == 0)
        _exit(touch(60) ? 2 : 0);
    check_exit("faulting-child-finishes", b, 0);
    if (t_uniplex()) {
        check_killed("biggest-child-killed", a, SIGKILL);
    } else {
        kill(a, SIGKILL);
        check_killed("biggest-child-killed", a, SIGKILL);
    }
    return t_done("oom");
}
