/* tproc.h: what the process suites (fork, pipe) share on top of the
 * reporting kit (t.h) and the process helpers (proc.h). */
#ifndef TESTS_APPS_TPROC_H
#define TESTS_APPS_TPROC_H

#include "proc.h"
#include "t.h"

/* Wait for pid and check that it exited with `want`: one ok/FAIL line. */
static inline void check_exit(const char *name, pid_t pid, int want)
{
    int st = 0;

    if (pid < 0) {
        t_fail(name, "fork failed: %s", t_errname(errno));
        return;
    }
    pid_t r = p_wait(pid, &st, 0);
    if (r != pid)
        t_fail(name, "waitpid(%d) returned %d/%s", (int)pid, (int)r, t_errname(errno));
    else
        CHECK(name, WIFEXITED(st) && WEXITSTATUS(st) == want, "expected exit %d, got %s", want,
              p_status_str(st));
}

#endif
