/* jobctl: job control (issue 13, item 7) as Linux does it. Stop signals
 * stop a child (all its threads), SIGCONT resumes it; the parent sees each
 * stop once with WUNTRACED and each resume with WCONTINUED, waitid's
 * WSTOPPED/WCONTINUED with their siginfo, SIGCHLD with CLD_STOPPED /
 * CLD_CONTINUED unless SA_NOCLDSTOP; a SIGCONT handler runs; SIGKILL ends a
 * stopped child, other signals wait for the resume; pending stop signals
 * and SIGCONT cancel each other; a group that an exit leaves orphaned with
 * a stopped member gets SIGHUP then SIGCONT, and SIGTSTP in an orphaned
 * group is discarded. The terminal: a background group reading it gets
 * SIGTTIN (EIO when it ignores it), writing it with TOSTOP or setting its
 * foreground group gets SIGTTOU; TIOCSCTTY and TIOCSPGRP's errors. The
 * terminal is the console inside Uniplex (UNIPLEX=1) and a pseudo-terminal
 * on the host, so the suite passes on Linux too.
 *
 * usage: jobctl [CASE...] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "tcase.h"

#define ALARM_S 20

/* A child that waits for signals until it is killed. */
static pid_t spawn_pauser(int own_group)
{
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork: %s", t_errname(errno));
    if (pid == 0) {
        if (own_group)
            setpgid(0, 0);
        for (;;)
            pause();
    }
    if (own_group)
        setpgid(pid, pid); /* either may run first */
    return pid;
}

/* Wait (with options) for pid: its status; the case fails on an error. */
static int wait_for(pid_t pid, int options)
{
    int st = 0;
    pid_t r = p_wait(pid, &st, options);
    T_EXPECT(r == pid, "waitpid(%d, %#x): %d/%s", (int)pid, options, (int)r, t_errname(errno));
    return st;
}

/* Stop pid with sig and see the stop through WUNTRACED. */
static void stop_and_see(pid_t pid, int sig)
{
    T_EXPECT(kill(pid, sig) == 0, "kill %s: %s", p_signame(sig), t_errname(errno));
    int st = wait_for(pid, WUNTRACED);
    T_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == sig, "after %s: %s", p_signame(sig),
             p_status_str(st));
}

/* Nothing to report for pid with these options (WNOHANG added). */
static void nothing_for(pid_t pid, int options, const char *what)
{
    int st = 0;
    pid_t r = waitpid(pid, &st, options | WNOHANG);
    T_EXPECT(r == 0, "%s: waitpid gave %d/%s, status %s", what, (int)r, t_errname(errno),
             p_status_str(st));
}

static void kill_and_reap(pid_t pid, int sig)
{
    kill(pid, sig);
    int st = wait_for(pid, 0);
    T_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == sig, "killed by %s: %s", p_signame(sig),
             p_status_str(st));
}

static void case_stop_wuntraced(void)
{
    pid_t pid = spawn_pauser(0);
    stop_and_see(pid, SIGSTOP);
    nothing_for(pid, WUNTRACED, "a stop is reported once");
    int state = t_proc_state(pid);
    T_EXPECT(state == 'T', "/proc stat state '%c', expected T", state ? state : '?');
    nothing_for(pid, 0, "a plain wait ignores a stop");
    T_EXPECT(kill(pid, SIGCONT) == 0, "SIGCONT: %s", t_errname(errno));
    int st = wait_for(pid, WCONTINUED);
    T_EXPECT(WIFCONTINUED(st), "after SIGCONT: %s", p_status_str(st));
    nothing_for(pid, WCONTINUED | WUNTRACED, "a resume is reported once");
    p_sleep_ms(20);
    state = t_proc_state(pid);
    T_EXPECT(state == 'S', "/proc stat state '%c' after SIGCONT, expected S", state ? state : '?');
    kill_and_reap(pid, SIGKILL);
}

/* Each of the four stop signals stops a child in a group that is not
 * orphaned (its parent is in another group of the session). */
static void case_stop_signals(void)
{
    static const int sigs[] = {SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU};
    pid_t pid = spawn_pauser(1);
    for (unsigned i = 0; i < 4; i++) {
        stop_and_see(pid, sigs[i]);
        T_EXPECT(kill(pid, SIGCONT) == 0, "SIGCONT");
        int st = wait_for(pid, WCONTINUED);
        T_EXPECT(WIFCONTINUED(st), "after SIGCONT: %s", p_status_str(st));
    }
    kill_and_reap(pid, SIGTERM);
}

/* waitid: WSTOPPED and WCONTINUED alone (no WEXITED), their siginfo,
 * WNOWAIT leaving the report, and EINVAL with none of the three. */
static void expect_waitid(pid_t pid, int options, int code, int status)
{
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    int r = waitid(P_PID, (id_t)pid, &si, options);
    T_EXPECT(r == 0, "waitid(%#x): %s", options, t_errname(errno));
    T_EXPECT(
        si.si_signo == SIGCHLD && si.si_code == code && si.si_pid == pid && si.si_status == status,
        "waitid(%#x): signo %d code %d pid %d status %d, expected %d %d %d %d", options,
        si.si_signo, si.si_code, (int)si.si_pid, si.si_status, SIGCHLD, code, (int)pid, status);
}

static void case_waitid_stopped_continued(void)
{
    pid_t pid = spawn_pauser(1);
    T_EXPECT(kill(pid, SIGTSTP) == 0, "kill");
    expect_waitid(pid, WSTOPPED | WNOWAIT, CLD_STOPPED, SIGTSTP);
    expect_waitid(pid, WSTOPPED | WNOHANG, CLD_STOPPED, SIGTSTP); /* WNOWAIT left it */
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    T_EXPECT(waitid(P_PID, (id_t)pid, &si, WSTOPPED | WNOHANG) == 0 && si.si_pid == 0,
             "second WSTOPPED: pid %d", (int)si.si_pid);
    T_EXPECT(waitid(P_PID, (id_t)pid, &si, WNOHANG) == -1 && errno == EINVAL,
             "no WEXITED/WSTOPPED/WCONTINUED: %s", t_errname(errno));
    T_EXPECT(kill(pid, SIGCONT) == 0, "SIGCONT");
    expect_waitid(pid, WCONTINUED, CLD_CONTINUED, SIGCONT);
    /* An exit is not reported to WSTOPPED | WCONTINUED alone, and a
     * zombie is no child to wait for then (Linux's wait_consider_task). */
    kill(pid, SIGKILL);
    p_sleep_ms(50);
    memset(&si, 0, sizeof(si));
    errno = 0;
    int r = waitid(P_PID, (id_t)pid, &si, WSTOPPED | WCONTINUED | WNOHANG);
    T_EXPECT(r == -1 && errno == ECHILD, "WSTOPPED|WCONTINUED on a zombie: %d/%s, pid %d code %d",
             r, t_errname(errno), (int)si.si_pid, si.si_code);
    expect_waitid(pid, WEXITED, CLD_KILLED, SIGKILL);
}

/* The SIGCHLD that arrives within ms (SIGCHLD blocked): its siginfo, or
 * si_signo 0 when none does. */
static siginfo_t next_sigchld(int ms)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    if (sigtimedwait(&set, &si, &ts) < 0)
        si.si_signo = 0;
    return si;
}

static void expect_sigchld(int code, pid_t pid, int status)
{
    siginfo_t si = next_sigchld(5000);
    T_EXPECT(si.si_signo == SIGCHLD && si.si_code == code && si.si_pid == pid &&
                 si.si_status == status,
             "SIGCHLD: signo %d code %d pid %d status %d, expected code %d pid %d status %d",
             si.si_signo, si.si_code, (int)si.si_pid, si.si_status, code, (int)pid, status);
}

static void noop(int sig)
{
    (void)sig;
}

static void sigchld_setup(int flags)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct sigaction sa = {.sa_handler = noop, .sa_flags = flags};
    sigaction(SIGCHLD, &sa, NULL);
}

static void case_sigchld_codes(void)
{
    sigchld_setup(0);
    pid_t pid = spawn_pauser(1);
    stop_and_see(pid, SIGTSTP);
    expect_sigchld(CLD_STOPPED, pid, SIGTSTP);
    T_EXPECT(kill(pid, SIGCONT) == 0, "SIGCONT");
    expect_sigchld(CLD_CONTINUED, pid, SIGCONT);
    kill_and_reap(pid, SIGKILL);
    expect_sigchld(CLD_KILLED, pid, SIGKILL);
}

static void case_sa_nocldstop(void)
{
    sigchld_setup(SA_NOCLDSTOP);
    pid_t pid = spawn_pauser(1);
    stop_and_see(pid, SIGSTOP);
    T_EXPECT(kill(pid, SIGCONT) == 0, "SIGCONT");
    int st = wait_for(pid, WCONTINUED);
    T_EXPECT(WIFCONTINUED(st), "after SIGCONT: %s", p_status_str(st));
    siginfo_t si = next_sigchld(300);
    T_EXPECT(si.si_signo == 0, "SIGCHLD code %d despite SA_NOCLDSTOP", si.si_code);
    kill_and_reap(pid, SIGKILL);
    expect_sigchld(CLD_KILLED, pid, SIGKILL);
}

/* The child's SIGCONT handler writes to a pipe: it runs after a stop, and
 * also for a child that was not stopped. */
static int cont_fd = -1;

static void on_cont(int sig)
{
    (void)sig;
    if (write(cont_fd, "c", 1) != 1)
        _exit(3);
}

/* One byte from fd within ms, or 0. */
static char byte_within(int fd, int ms)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    char c = 0;
    if (poll(&pfd, 1, ms) == 1 && read(fd, &c, 1) != 1)
        c = 0;
    return c;
}

static void case_sigcont_handler(void)
{
    int fd[2];
    T_EXPECT(pipe(fd) == 0, "pipe");
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork");
    if (pid == 0) {
        cont_fd = fd[1];
        struct sigaction sa = {.sa_handler = on_cont};
        sigaction(SIGCONT, &sa, NULL);
        if (write(fd[1], "r", 1) != 1)
            _exit(3);
        for (;;)
            pause();
    }
    T_EXPECT(byte_within(fd[0], 5000) == 'r', "the child never got ready");
    T_EXPECT(kill(pid, SIGCONT) == 0, "SIGCONT");
    T_EXPECT(byte_within(fd[0], 5000) == 'c', "no handler for SIGCONT to a running child");
    stop_and_see(pid, SIGSTOP);
    T_EXPECT(byte_within(fd[0], 200) == 0, "the stopped child ran its handler");
    T_EXPECT(kill(pid, SIGCONT) == 0, "SIGCONT");
    T_EXPECT(byte_within(fd[0], 5000) == 'c', "no handler for SIGCONT after the stop");
    kill_and_reap(pid, SIGKILL);
}

/* SIGKILL ends a stopped child; SIGTERM waits until it is resumed. */
static void case_kill_stopped(void)
{
    pid_t pid = spawn_pauser(0);
    stop_and_see(pid, SIGSTOP);
    kill_and_reap(pid, SIGKILL);
    pid = spawn_pauser(0);
    stop_and_see(pid, SIGSTOP);
    T_EXPECT(kill(pid, SIGTERM) == 0, "SIGTERM");
    p_sleep_ms(100);
    nothing_for(pid, 0, "SIGTERM ended a stopped child");
    int state = t_proc_state(pid);
    T_EXPECT(state == 'T', "state '%c' with SIGTERM pending, expected T", state ? state : '?');
    T_EXPECT(kill(pid, SIGCONT) == 0, "SIGCONT");
    int st = wait_for(pid, 0);
    T_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "after SIGCONT: %s", p_status_str(st));
}

/* A stop and SIGCONT (no handler) during nanosleep: the sleep goes on to
 * its end and returns 0, never EINTR. */
static void case_sleep_through_stop(void)
{
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork");
    if (pid == 0) {
        double t0 = p_now_us();
        struct timespec ts = {0, 400 * 1000000L};
        int r = nanosleep(&ts, &ts);
        double ms = (p_now_us() - t0) / 1000;
        if (r != 0)
            t_die("nanosleep: %d/%s after %.0f ms", r, t_errname(errno), ms);
        if (ms < 390)
            t_die("nanosleep of 400 ms returned after %.0f ms", ms);
        _exit(0);
    }
    p_sleep_ms(100);
    stop_and_see(pid, SIGSTOP);
    p_sleep_ms(50);
    T_EXPECT(kill(pid, SIGCONT) == 0, "SIGCONT");
    int st = wait_for(pid, 0);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %s", p_status_str(st));
}

/* A child that blocks SIGTSTP and SIGCONT says, when told through a pipe,
 * which of the two are pending. */
static void pending_child(int in, int out)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTSTP);
    sigaddset(&set, SIGCONT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (char c; read(in, &c, 1) == 1;) {
        sigset_t pend;
        sigpending(&pend);
        char r = (char)('0' + (sigismember(&pend, SIGTSTP) ? 1 : 0) +
                        (sigismember(&pend, SIGCONT) ? 2 : 0));
        if (write(out, &r, 1) != 1)
            _exit(3);
    }
    _exit(0);
}

/* What the child reports pending: bit 0 SIGTSTP, bit 1 SIGCONT. */
static int ask_pending(int to, int from)
{
    T_EXPECT(write(to, "?", 1) == 1, "write");
    char c = byte_within(from, 5000);
    T_EXPECT(c >= '0' && c <= '3', "no answer from the child");
    return c - '0';
}

static void case_stop_cont_cancel(void)
{
    int down[2], up[2];
    T_EXPECT(pipe(down) == 0 && pipe(up) == 0, "pipe");
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork");
    if (pid == 0) {
        setpgid(0, 0);
        close(down[1]);
        close(up[0]);
        pending_child(down[0], up[1]);
    }
    setpgid(pid, pid);
    T_EXPECT(ask_pending(down[1], up[0]) == 0, "pending at the start");
    kill(pid, SIGTSTP);
    T_EXPECT(ask_pending(down[1], up[0]) == 1, "SIGTSTP not pending");
    kill(pid, SIGCONT);
    int p = ask_pending(down[1], up[0]);
    T_EXPECT(p == 2, "after SIGCONT: pending %d, expected SIGCONT alone (2)", p);
    kill(pid, SIGTSTP);
    p = ask_pending(down[1], up[0]);
    T_EXPECT(p == 1, "after SIGTSTP: pending %d, expected SIGTSTP alone (1)", p);
    close(down[1]);
    int st = wait_for(pid, 0);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %s", p_status_str(st));
}

/* A process of three threads that all count in shared memory stops as a
 * whole and goes on as a whole. */
static volatile unsigned long *counters;

static void *counting(void *arg)
{
    volatile unsigned long *c = &counters[(long)arg];
    for (;;)
        (*c)++;
    return NULL;
}

static void snapshot(unsigned long out[3])
{
    for (int i = 0; i < 3; i++)
        out[i] = counters[i];
}

static void case_stop_threads(void)
{
    counters = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(counters != MAP_FAILED, "mmap");
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork");
    if (pid == 0) {
        pthread_t t;
        for (long i = 1; i < 3; i++)
            if (pthread_create(&t, NULL, counting, (void *)i) != 0)
                _exit(3);
        counting((void *)0);
    }
    unsigned long a[3], b[3];
    for (int i = 0; i < 3; i++)
        for (int tries = 0; counters[i] == 0 && tries < 500; tries++)
            p_sleep_ms(10);
    T_EXPECT(counters[0] && counters[1] && counters[2], "the threads never counted");
    stop_and_see(pid, SIGSTOP);
    snapshot(a);
    p_sleep_ms(200);
    snapshot(b);
    for (int i = 0; i < 3; i++)
        T_EXPECT(a[i] == b[i], "thread %d counted while stopped (%lu -> %lu)", i, a[i], b[i]);
    T_EXPECT(kill(pid, SIGCONT) == 0, "SIGCONT");
    for (int i = 0; i < 3; i++)
        for (int tries = 0; counters[i] == b[i] && tries < 500; tries++)
            p_sleep_ms(10);
    for (int i = 0; i < 3; i++)
        T_EXPECT(counters[i] != b[i], "thread %d never went on after SIGCONT", i);
    kill_and_reap(pid, SIGKILL);
}

/* The orphan's handlers note SIGHUP and SIGCONT (their handlers may run
 * in either order: Linux stacks the second frame on the first). */
static volatile sig_atomic_t got_hup, got_cont;

static void on_hup_or_cont(int sig)
{
    if (sig == SIGHUP)
        got_hup = 1;
    else
        got_cont = 1;
}

/* A middle process leads a group of its own, makes a child there, stops
 * it and exits: the group is orphaned with a stopped member, which gets
 * SIGHUP then SIGCONT (it says so once it has had both). */
static void case_orphan_hup_cont(void)
{
    int fd[2], ready[2];
    T_EXPECT(pipe(fd) == 0 && pipe(ready) == 0, "pipe");
    pid_t mid = fork();
    T_EXPECT(mid >= 0, "fork");
    if (mid == 0) {
        setpgid(0, 0);
        pid_t c = fork();
        if (c == 0) {
            struct sigaction sa = {.sa_handler = on_hup_or_cont};
            sigaction(SIGHUP, &sa, NULL);
            sigaction(SIGCONT, &sa, NULL);
            if (write(ready[1], "r", 1) != 1)
                _exit(3);
            while (!got_hup || !got_cont)
                pause();
            _exit(write(fd[1], "b", 1) == 1 ? 0 : 3);
        }
        if (byte_within(ready[0], 5000) != 'r')
            _exit(5); /* stopped before its handlers were set, SIGHUP would kill it */
        kill(c, SIGSTOP);
        int st;
        _exit(p_wait(c, &st, WUNTRACED) == c && WIFSTOPPED(st) ? 0 : 4);
    }
    close(fd[1]);
    int st = wait_for(mid, 0);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "middle process: %s", p_status_str(st));
    T_EXPECT(byte_within(fd[0], 5000) == 'b', "the orphan never got both SIGHUP and SIGCONT");
}

/* SIGTSTP to a process whose group is orphaned is discarded: it writes
 * on after sending itself one. */
static void case_orphan_tstp_discarded(void)
{
    int fd[2];
    T_EXPECT(pipe(fd) == 0, "pipe");
    pid_t mid = fork();
    T_EXPECT(mid >= 0, "fork");
    if (mid == 0) {
        setpgid(0, 0);
        pid_t c = fork();
        if (c == 0) {
            while (getppid() == getpgrp()) /* until the middle one is gone */
                usleep(10000);
            kill(getpid(), SIGTSTP);
            _exit(write(fd[1], "a", 1) == 1 ? 0 : 3);
        }
        _exit(0);
    }
    close(fd[1]);
    wait_for(mid, 0);
    T_EXPECT(byte_within(fd[0], 5000) == 'a', "the orphan stopped on SIGTSTP");
}

/* --- the terminal ------------------------------------------------------ */

/* A terminal to be a controlling terminal: the console inside Uniplex, a
 * pseudo-terminal's slave on the host (its master kept open in *master). */
static int term_open(int *master)
{
    *master = -1;
    if (t_uniplex())
        return open("/dev/console", O_RDWR | O_NOCTTY);
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0)
        return -1;
    *master = m;
    return open(ptsname(m), O_RDWR | O_NOCTTY);
}

/* In a new session led by the caller: the terminal as its controlling
 * terminal, the caller's group in the foreground; its descriptor. */
static int term_session(void)
{
    int master;
    T_EXPECT(setsid() > 0, "setsid: %s", t_errname(errno));
    int fd = term_open(&master);
    T_EXPECT(fd >= 0, "open the terminal: %s", t_errname(errno));
    T_EXPECT(ioctl(fd, TIOCSCTTY, 0) == 0, "TIOCSCTTY: %s", t_errname(errno));
    T_EXPECT(tcgetpgrp(fd) == getpgrp(), "foreground %d, expected %d", (int)tcgetpgrp(fd),
             (int)getpgrp());
    return fd;
}

/* Run fn(fd) in a background group of the session (a child leading its
 * own group): its wait status after WUNTRACED, and the child in *pid. */
static int in_background(int fd, void (*fn)(int), pid_t *pid)
{
    *pid = fork();
    T_EXPECT(*pid >= 0, "fork");
    if (*pid == 0) {
        setpgid(0, 0);
        signal(SIGTTOU, SIG_DFL);
        fn(fd);
        _exit(0);
    }
    setpgid(*pid, *pid);
    return wait_for(*pid, WUNTRACED);
}

static void bg_read(int fd)
{
    char c;
    ssize_t r = read(fd, &c, 1);
    _exit(r < 0 && errno == EIO ? 10 : 11);
}

static void bg_read_ignoring(int fd)
{
    signal(SIGTTIN, SIG_IGN);
    bg_read(fd);
}

static void bg_write(int fd)
{
    _exit(write(fd, "", 0) == 0 && write(fd, "\n", 1) == 1 ? 12 : 13);
}

static void bg_write_ignoring(int fd)
{
    signal(SIGTTOU, SIG_IGN);
    bg_write(fd);
}

static void bg_setpgrp(int fd)
{
    _exit(tcsetpgrp(fd, getpgrp()) == 0 ? 14 : 15);
}

/* tcsetpgrp from the background with SIGTTOU blocked succeeds; the
 * foreground goes back to the session leader's group. */
static void bg_setpgrp_blocked(int fd)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTTOU);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int ok = tcsetpgrp(fd, getpgrp()) == 0 && tcgetpgrp(fd) == getpgrp();
    ok = ok && tcsetpgrp(fd, getsid(0)) == 0;
    _exit(ok ? 16 : 17);
}

/* The background child either stopped with sig (then it is killed) or
 * exited with code. */
static void expect_bg(int fd, void (*fn)(int), int sig, int code, const char *what)
{
    pid_t pid;
    int st = in_background(fd, fn, &pid);
    if (sig) {
        T_EXPECT(WIFSTOPPED(st) && WSTOPSIG(st) == sig, "%s: %s, expected stopped by %s", what,
                 p_status_str(st), p_signame(sig));
        kill_and_reap(pid, SIGKILL);
    } else {
        T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == code, "%s: %s, expected exit %d", what,
                 p_status_str(st), code);
    }
}

/* Run fn in a child that will lead a session (a case's own process leads
 * its group, so it cannot); the case fails unless it exits 0. */
static void in_child(void (*fn)(void))
{
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork");
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int st = wait_for(pid, 0);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "session leader: %s", p_status_str(st));
}

static void tty_background(void)
{
    int fd = term_session();
    expect_bg(fd, bg_read, SIGTTIN, 0, "background read");
    expect_bg(fd, bg_read_ignoring, 0, 10, "background read ignoring SIGTTIN");
    expect_bg(fd, bg_write, 0, 12, "background write without TOSTOP");
    struct termios tio;
    T_EXPECT(tcgetattr(fd, &tio) == 0, "tcgetattr: %s", t_errname(errno));
    struct termios saved = tio;
    tio.c_lflag |= TOSTOP;
    T_EXPECT(tcsetattr(fd, TCSANOW, &tio) == 0, "tcsetattr: %s", t_errname(errno));
    expect_bg(fd, bg_write, SIGTTOU, 0, "background write with TOSTOP");
    expect_bg(fd, bg_write_ignoring, 0, 12, "background write with TOSTOP ignoring SIGTTOU");
    tcsetattr(fd, TCSANOW, &saved);
    expect_bg(fd, bg_setpgrp, SIGTTOU, 0, "tcsetpgrp from the background");
    expect_bg(fd, bg_setpgrp_blocked, 0, 16, "tcsetpgrp from the background, SIGTTOU blocked");
    T_EXPECT(tcgetpgrp(fd) == getpgrp(), "foreground %d at the end", (int)tcgetpgrp(fd));
}

static void case_tty_background(void)
{
    in_child(tty_background);
}

/* TIOCSPGRP's and TIOCSCTTY's errors, as Linux gives them. */
static void tty_errors(void)
{
    int master, fd = term_open(&master);
    T_EXPECT(fd >= 0, "open the terminal: %s", t_errname(errno));
    /* Not (yet) the caller's controlling terminal. */
    T_EXPECT(tcsetpgrp(fd, getpgrp()) == -1 && errno == ENOTTY, "tcsetpgrp without it: %s",
             t_errname(errno));
    T_EXPECT(tcgetpgrp(fd) == -1 && errno == ENOTTY, "tcgetpgrp without it: %s", t_errname(errno));
    T_EXPECT(ioctl(fd, TIOCSCTTY, 0) == -1 && errno == EPERM, "TIOCSCTTY not a leader: %s",
             t_errname(errno));
    close(fd);
    if (master >= 0)
        close(master);
    pid_t outside = getpgrp();
    fd = term_session();
    T_EXPECT(ioctl(fd, TIOCSCTTY, 0) == 0, "TIOCSCTTY again: %s", t_errname(errno));
    int bad = -1;
    T_EXPECT(ioctl(fd, TIOCSPGRP, &bad) == -1 && errno == EINVAL, "pgrp -1: %s", t_errname(errno));
    T_EXPECT(ioctl(fd, TIOCSPGRP, (void *)8) == -1 && errno == EFAULT, "bad pointer: %s",
             t_errname(errno));
    T_EXPECT(tcsetpgrp(fd, outside) == -1 && errno == EPERM, "another session's group: %s",
             t_errname(errno));
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    wait_for(gone, 0);
    T_EXPECT(tcsetpgrp(fd, gone) == -1 && errno == ESRCH, "no such group: %s", t_errname(errno));
}

static void case_tty_errors(void)
{
    in_child(tty_errors);
}

static const struct t_case cases[] = {
    {"stop_wuntraced", case_stop_wuntraced},
    {"stop_signals", case_stop_signals},
    {"waitid_stopped_continued", case_waitid_stopped_continued},
    {"sigchld_codes", case_sigchld_codes},
    {"sa_nocldstop", case_sa_nocldstop},
    {"sigcont_handler", case_sigcont_handler},
    {"kill_stopped", case_kill_stopped},
    {"sleep_through_stop", case_sleep_through_stop},
    {"stop_cont_cancel", case_stop_cont_cancel},
    {"stop_threads", case_stop_threads},
    {"orphan_hup_cont", case_orphan_hup_cont},
    {"orphan_tstp_discarded", case_orphan_tstp_discarded},
    {"tty_background", case_tty_background},
    {"tty_errors", case_tty_errors},
};

int main(int argc, char **argv)
{
    return t_run_cases("jobctl", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, T_CASE_GROUP,
                       argc, argv);
}
