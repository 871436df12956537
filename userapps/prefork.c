/* prefork: a pre-forked worker pool (the Apache/nginx master-worker
 * pattern). The master forks N workers, each with a job pipe and a result
 * pipe; it hands out jobs (sum the numbers 1..n), collects the results and
 * checks them. One job tells its worker to crash (a NULL store): the master
 * sees it die of SIGSEGV, starts a replacement and gives the job again. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 4
#define JOBS    40
#define CRASH   (-1L) /* the job that makes a worker crash */

struct worker {
    pid_t pid;
    int job, result; /* the master's ends */
};

static void worker_loop(int job, int result)
{
    long n;
    while (read(job, &n, sizeof(n)) == sizeof(n)) {
        if (n == CRASH)
            *(volatile int *)(long)n *= 0; /* crash on purpose */
        long sum = n * (n + 1) / 2;
        write(result, &sum, sizeof(sum));
    }
    _exit(0);
}

static struct worker pool[WORKERS];

/* Start pool[i]. The new worker closes the master's ends of the other
 * workers' pipes: a copy kept open would keep them from seeing EOF. */
static int start(int i)
{
    struct worker *w = &pool[i];
    int jp[2], rp[2];
    if (pipe(jp) || pipe(rp))
        return -1;
    w->pid = fork();
    if (w->pid == 0) {
        for (int k = 0; k < WORKERS; k++)
            if (k != i && pool[k].pid > 0) {
                close(pool[k].job);
                close(pool[k].result);
            }
        close(jp[1]);
        close(rp[0]);
        worker_loop(jp[0], rp[1]);
    }
    close(jp[0]);
    close(rp[1]);
    w->job = jp[1];
    w->result = rp[0];
    return w->pid > 0 ? 0 : -1;
}

/* Give job n to w and wait for its answer; a dead worker is replaced and
 * the job given again. Returns the sum. */
static long run_job(int i, long n, int *restarts)
{
    struct worker *w = &pool[i];
    long sum;
    write(w->job, &n, sizeof(n));
    if (read(w->result, &sum, sizeof(sum)) == sizeof(sum))
        return sum;
    int st;
    waitpid(w->pid, &st, 0);
    printf("prefork: worker %d died (%s %d): restarting it\n", w->pid,
           WIFSIGNALED(st) ? "signal" : "exit", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    close(w->job);
    close(w->result);
    (*restarts)++;
    if (start(i))
        return -1;
    return run_job(i, n == CRASH ? 100 : n, restarts);
}

int main(int argc, char **argv)
{
    int restarts = 0, wrong = 0;
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: prefork\nA master and %d pre-forked workers share %d jobs over pipes; one "
               "job crashes\nits worker, which the master replaces.\n",
               WORKERS, JOBS);
        return 0;
    }
    signal(SIGPIPE, SIG_IGN); /* a dead worker's pipe gives EPIPE, not death */
    for (int i = 0; i < WORKERS; i++)
        if (start(i))
            return 1;
    for (long j = 1; j <= JOBS; j++) {
        long n = j == JOBS / 2 ? CRASH : j * 1000;
        long want = n == CRASH ? 5050 : n * (n + 1) / 2;
        wrong += run_job((int)(j % WORKERS), n, &restarts) != want;
    }
    for (int i = 0; i < WORKERS; i++) {
        close(pool[i].job);
        waitpid(pool[i].pid, NULL, 0);
        close(pool[i].result);
    }
    printf("prefork: %d jobs on %d workers, %d wrong, %d worker restarted\n", JOBS, WORKERS, wrong,
           restarts);
    return wrong == 0 && restarts == 1 ? 0 : 1;
}
