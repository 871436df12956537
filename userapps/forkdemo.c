/* forkdemo: the seed thesis's first experiment. One fork, timed; parent and
 * child each say which they are, and the child proves that its memory is
 * its own copy (it changes a global the parent then still sees unchanged).
 * The thesis measured 882 us for this fork in rumprun (Linux: 118 us). */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int shared_looking = 1; /* each process has its own copy after fork */

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: forkdemo\nForks once and times it; parent and child report, and the\n"
               "child's change to a global stays its own (copy-on-write).\n");
        return 0;
    }
    double t0 = now_us();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        shared_looking = 42;
        printf("child:  I am the child, pid %d; my global is now %d\n", getpid(), shared_looking);
        return 0;
    }
    double t1 = now_us();
    int st;
    waitpid(pid, &st, 0);
    printf("parent: I am the parent of %d; fork took %.0f us (the thesis: 882 us in rumprun, "
           "118 us on Linux)\n",
           pid, t1 - t0);
    printf("parent: my global is still %d: the child's memory was its own\n", shared_looking);
    return shared_looking == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
