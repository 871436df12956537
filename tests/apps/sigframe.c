/* sigframe: what a handler finds in its signal frame and what rt_sigreturn
 * takes back from it, as on Linux x86-64: siginfo for kill, sigqueue and
 * tgkill (every byte past the fields the code selects zero), the
 * ucontext's mask and stack, SA_NODEFER, real-time and standard signals
 * taken lowest first with each instance in order, and a frame whose FPU
 * image the CPU would refuse (a bad XSAVE header, an area not even 16-byte
 * aligned, reserved MXCSR bits) ending the program with SIGSEGV, and one
 * without an FPU image giving the program the initial FPU state.
 *
 * Run as `sigframe` (no arguments: every case; or the names of some).
 * Each case runs in a child of its own under an alarm (tcase.h). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include "tcase.h"

#define ALARM_S 20

static volatile int hits;
static unsigned char last_info[128];
static sigset_t in_handler_mask, frame_mask;
static int fpregs_aligned;
static uintptr_t frame_rsp, fpregs_at, uc_at;

static void on_info(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)sig;
    memcpy(last_info, si, sizeof(last_info));
    sigprocmask(SIG_BLOCK, NULL, &in_handler_mask);
    frame_mask = uc->uc_sigmask;
    frame_rsp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
    fpregs_at = (uintptr_t)uc->uc_mcontext.fpregs;
    fpregs_aligned = fpregs_at % 64 == 0;
    uc_at = (uintptr_t)uc;
    hits++;
}

static void catch (int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    T_EXPECT(sigaction(sig, &sa, NULL) == 0, "sigaction(%d): %s", sig, t_errname(errno));
}

/* The bytes of the last siginfo from offset `from` on are all zero. */
static int zero_from(size_t from)
{
    for (size_t i = from; i < sizeof(last_info); i++)
        if (last_info[i])
            return 0;
    return 1;
}

/* si_signo, si_errno, si_code, si_pid and si_uid of the last siginfo. */
static void expect_head(int sig, int code)
{
    siginfo_t si;
    memcpy(&si, last_info, sizeof(si));
    T_EXPECT(hits == 1, "the handler ran %d times", hits);
    T_EXPECT(si.si_signo == sig && si.si_errno == 0 && si.si_code == code,
             "si_signo %d si_errno %d si_code %d, expected %d 0 %d", si.si_signo, si.si_errno,
             si.si_code, sig, code);
    T_EXPECT(si.si_pid == getpid() && si.si_uid == getuid(), "si_pid %d si_uid %d, expected %d %d",
             (int)si.si_pid, (int)si.si_uid, (int)getpid(), (int)getuid());
}

/* kill: SI_USER, the sender's pid and uid, nothing after them. */
static void case_kill_siginfo(void)
{
    catch (SIGUSR1, on_info, 0);
    T_EXPECT(kill(getpid(), SIGUSR1) == 0, "kill: %s", t_errname(errno));
    expect_head(SIGUSR1, SI_USER);
    T_EXPECT(zero_from(24), "bytes after si_uid are not zero");
}

/* sigqueue: SI_QUEUE and the whole 8-byte si_value, nothing after it. */
static void case_sigqueue_siginfo(void)
{
    void *ptr = (void *)(uintptr_t)0x1234567890abcdefull;
    catch (SIGUSR1, on_info, 0);
    T_EXPECT(sigqueue(getpid(), SIGUSR1, (union sigval){.sival_ptr = ptr}) == 0, "sigqueue: %s",
             t_errname(errno));
    expect_head(SIGUSR1, SI_QUEUE);
    siginfo_t si;
    memcpy(&si, last_info, sizeof(si));
    T_EXPECT(si.si_value.sival_ptr == ptr, "si_value %p, expected %p", si.si_value.sival_ptr, ptr);
    T_EXPECT(zero_from(32), "bytes after si_value are not zero");
}

/* tgkill: SI_TKILL, the sender's pid and uid, nothing after them. */
static void case_tgkill_siginfo(void)
{
    catch (SIGUSR2, on_info, 0);
    T_EXPECT(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2) == 0, "tgkill: %s", t_errname(errno));
    expect_head(SIGUSR2, SI_TKILL);
    T_EXPECT(zero_from(24), "bytes after si_uid are not zero");
}

/* The ucontext: uc_sigmask is the mask the program had (SIGUSR2 blocked,
 * SIGUSR1 not), the handler runs with SIGUSR1 blocked too, the
 * interrupted RSP above the frame and the FPU image 64-byte aligned above
 * the ucontext. */
static void case_ucontext(void)
{
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    catch (SIGUSR1, on_info, 0);
    T_EXPECT(kill(getpid(), SIGUSR1) == 0, "kill: %s", t_errname(errno));
    T_EXPECT(hits == 1, "the handler ran %d times", hits);
    T_EXPECT(sigismember(&frame_mask, SIGUSR2) && !sigismember(&frame_mask, SIGUSR1),
             "uc_sigmask: SIGUSR2 %d SIGUSR1 %d", sigismember(&frame_mask, SIGUSR2),
             sigismember(&frame_mask, SIGUSR1));
    T_EXPECT(sigismember(&in_handler_mask, SIGUSR1) && sigismember(&in_handler_mask, SIGUSR2),
             "in the handler: SIGUSR1 blocked %d, SIGUSR2 %d",
             sigismember(&in_handler_mask, SIGUSR1), sigismember(&in_handler_mask, SIGUSR2));
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    T_EXPECT(!sigismember(&now, SIGUSR1) && sigismember(&now, SIGUSR2),
             "after the handler: SIGUSR1 blocked %d, SIGUSR2 %d", sigismember(&now, SIGUSR1),
             sigismember(&now, SIGUSR2));
    T_EXPECT(fpregs_aligned && fpregs_at > uc_at && frame_rsp > fpregs_at,
             "ucontext at %#lx, fpregs at %#lx, interrupted rsp %#lx", (unsigned long)uc_at,
             (unsigned long)fpregs_at, (unsigned long)frame_rsp);
}

static volatile int depth, max_depth, resend;

static void on_nested(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    if (resend) {
        resend = 0;
        kill(getpid(), sig); /* SA_NODEFER: runs now, inside this one */
    }
    depth--;
}

/* SA_NODEFER: the signal is not blocked in its own handler, so a second
 * one sent there runs nested at once; without it, after the first. */
static void case_nodefer(void)
{
    catch (SIGUSR1, on_nested, SA_NODEFER);
    resend = 1;
    kill(getpid(), SIGUSR1);
    T_EXPECT(max_depth == 2, "with SA_NODEFER: depth %d, expected 2", max_depth);
    max_depth = 0;
    catch (SIGUSR1, on_nested, 0);
    resend = 1;
    kill(getpid(), SIGUSR1);
    T_EXPECT(max_depth == 1, "without SA_NODEFER: depth %d, expected 1", max_depth);
}

static int order_sig[8], order_val[8];
static volatile int order_n;

static void on_order(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (order_n < 8) {
        order_sig[order_n] = sig;
        order_val[order_n++] = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
    }
}

/* Pending signals are taken lowest number first (SIGUSR1 before the
 * real-time ones), each real-time instance in the order it was queued;
 * every handler blocks all four, so they run one after another. */
static void case_rt_order(void)
{
    int rt1 = SIGRTMIN + 1, rt3 = SIGRTMIN + 3;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, rt1);
    sigaddset(&set, rt3);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_order;
    sa.sa_flags = SA_SIGINFO;
    sa.sa_mask = set;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(rt1, &sa, NULL);
    sigaction(rt3, &sa, NULL);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigqueue(getpid(), rt3, (union sigval){.sival_int = 1});
    sigqueue(getpid(), rt1, (union sigval){.sival_int = 2});
    sigqueue(getpid(), rt3, (union sigval){.sival_int = 3});
    kill(getpid(), SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    static const int want_val[4] = {-1, 2, 1, 3};
    int want_sig[4] = {SIGUSR1, rt1, rt3, rt3};
    T_EXPECT(order_n == 4, "%d deliveries, expected 4", order_n);
    for (int i = 0; i < 4; i++)
        T_EXPECT(order_sig[i] == want_sig[i] && order_val[i] == want_val[i],
                 "delivery %d: signal %d value %d, expected %d %d", i, order_sig[i], order_val[i],
                 want_sig[i], want_val[i]);
}

/* How a handler spoils the FPU image in its frame. */
enum spoil { XSAVE_HEADER, MISALIGNED, MXCSR_RESERVED };
static enum spoil spoil_how;

static void on_spoil(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    unsigned char *fp = (unsigned char *)uc->uc_mcontext.fpregs;
    uint64_t one = 1;
    uint32_t mxcsr = 0xffffffffu;
    (void)sig;
    (void)si;
    if (spoil_how == XSAVE_HEADER)
        memcpy(fp + 520, &one, 8); /* XCOMP_BV: must be 0 for XRSTOR's standard form */
    else if (spoil_how == MISALIGNED)
        uc->uc_mcontext.fpregs = (void *)(fp + 1); /* FXRSTOR and XRSTOR refuse it */
    else
        memcpy(fp + 24, &mxcsr, 4);
}

/* A child whose handler spoils its frame's FPU image as how says: killed
 * by SIGSEGV at rt_sigreturn, never back in the program. */
static void expect_refused(enum spoil how)
{
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork: %s", t_errname(errno));
    if (pid == 0) {
        spoil_how = how;
        struct sigaction sa = {0};
        sa.sa_sigaction = on_spoil;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGUSR1, &sa, NULL);
        raise(SIGUSR1);
        _exit(0);
    }
    int st = 0;
    T_EXPECT(waitpid(pid, &st, 0) == pid, "waitpid: %s", t_errname(errno));
    T_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status %#x, expected SIGSEGV", st);
}

/* 1 when the FPU image is XSAVE's (the OS enabled XSAVE: CPUID.1:ECX.27). */
static int xsave_in_use(void)
{
    unsigned a = 1, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return (c >> 27) & 1;
}

static void case_refuse_xsave_header(void)
{
    if (xsave_in_use())
        expect_refused(XSAVE_HEADER);
}

static void case_refuse_misaligned(void)
{
    expect_refused(MISALIGNED);
}

static void case_refuse_mxcsr(void)
{
    expect_refused(MXCSR_RESERVED);
}

static void on_drop_fpu(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)sig;
    (void)si;
    uc->uc_mcontext.fpregs = NULL;
}

/* A frame without an FPU image (fpregs NULL): rt_sigreturn gives the
 * program the initial FPU state (MXCSR 0x1f80, x87 control word 0x37f),
 * not the one it had, as Linux does. */
static void case_null_fpstate(void)
{
    struct sigaction sa = {0};
    unsigned mxcsr = 0x7f80;
    unsigned short fcw = 0x27f;
    sa.sa_sigaction = on_drop_fpu;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
    __asm__ volatile("fldcw %0" : : "m"(fcw));
    raise(SIGUSR1);
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(fcw));
    T_EXPECT(mxcsr == 0x1f80 && fcw == 0x37f, "MXCSR %#x, x87 control word %#x after it", mxcsr,
             fcw);
}

static const struct t_case cases[] = {
    {"kill_siginfo", case_kill_siginfo},
    {"sigqueue_siginfo", case_sigqueue_siginfo},
    {"tgkill_siginfo", case_tgkill_siginfo},
    {"ucontext", case_ucontext},
    {"nodefer", case_nodefer},
    {"rt_order", case_rt_order},
    {"refuse_xsave_header", case_refuse_xsave_header},
    {"refuse_misaligned_fpstate", case_refuse_misaligned},
    {"refuse_reserved_mxcsr", case_refuse_mxcsr},
    {"null_fpstate_resets", case_null_fpstate},
};

int main(int argc, char **argv)
{
    return t_run_cases("sigframe", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, 0, argc, argv);
}
