/* tproc.h: what the process suites (fork, pipe) share on top of the
 * reporting kit (t.h) and the process helpers (proc.h). */
#ifndef TESTS_APPS_TPROC_H
#define TESTS_APPS_TPROC_H

#include "proc.h"
#include "t.h"

/* Reap pid (from fork): 1 and *st, or 0 after a FAIL line for name when
 * the fork or the wait failed. */
static inline int reap_child(const char *name, pid_t pid, int *st)
{
    if (pid < 0) {
        t_fail(name, "fork failed: %s", t_errname(errno));
        return 0;
    }
    pid_t r = p_wait(pid, st, 0);
    if (r != pid)
        t_fail(name, "waitpid(%d) returned %d/%s", (int)pid, (int)r, t_errname(errno));
    return r == pid;
}

/* Wait for pid and check that it exited with `want`: one ok/FAIL line. */
static inline void check_exit(const char *name, pid_t pid, int want)
{
    int st = 0;
    if (reap_child(name, pid, &st))
        CHECK(name, WIFEXITED(st) && WEXITSTATUS(st) == want, "expected exit %d, got %s", want,
              p_status_str(st));
}

/* Wait for pid and check that signal `sig` killed it. */
static inline void check_killed(const char *name, pid_t pid, int sig)
{
    int st = 0;
    if (reap_child(name, pid, &st))
        CHECK(name, WIFSIGNALED(st) && WTERMSIG(st) == sig, "expected killed by %d (%s), got %s",
              sig, p_signame(sig), p_status_str(st));
}

#endif
