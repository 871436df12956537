/* Preemption of program code (selftest=sched): test programs from
 * arch/x86_64/testprog.S run in a test address space on their own stacks
 * with interrupts enabled; the timer must preempt them, keep their red
 * zone intact and their FPU registers per thread. */
#include <stdint.h>
#include "string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/sched/preempt_test.h"
#include "kernel/sched/progtest.h"
#include "kernel/sched/sched.h"

#define SPIN_COUNT (*progtest_data(0))
#define RZ_COUNT   (*progtest_data(1))
#define FPU_COUNT  (*progtest_data(2))
#define STOP       (*progtest_data(3))

extern const char testprog_spin[], testprog_redzone[], testprog_fpu[];

static int start(struct progtest_job *j, const char *entry, uint64_t arg, int slot,
                 struct thread **t)
{
    return progtest_start(j, entry, arg, arch_has_avx(), slot, t);
}

/* A spinning program is preempted; this thread runs, sees progress, stops it. */
static const char *t_preempt(void)
{
    struct progtest_job j;
    struct thread *t;
    uint64_t p0 = sched_preemptions();
    STOP = 0;
    SPIN_COUNT = 0;
    if (start(&j, testprog_spin, 0, 0, &t))
        return "thread_create";
    sched_sleep_ns(20 * NSEC_PER_MSEC); /* only a preemption lets this thread run again */
    uint64_t seen = SPIN_COUNT;
    STOP = 1;
    thread_join(t);
    if (seen == 0 || sched_preemptions() == p0)
        return "the spinning program was not preempted";
    return j.result >= (int64_t)seen ? 0 : "the program did not continue after preemption";
}

/* 2,000 preemptions of a red-zone checker, two FPU users and a spinner. */
static const char *t_redzone_fpu(void)
{
    struct progtest_job j[4];
    struct thread *t[4];
    uint64_t old = sched_set_quantum(100000), p0 = sched_preemptions();
    STOP = 0;
    RZ_COUNT = FPU_COUNT = SPIN_COUNT = 0;
    if (start(&j[0], testprog_redzone, 0, 1, &t[0]) ||
        start(&j[1], testprog_fpu, 0x1234567890abcdefull, 2, &t[1]) ||
        start(&j[2], testprog_fpu, 0x0fedcba987654321ull, 3, &t[2]) ||
        start(&j[3], testprog_spin, 0, 4, &t[3]))
        return "thread_create";
    /* Run until 2,000 preemptions (a count, not a rate: robust on a busy
     * host), giving up after 5 s. */
    for (int i = 0; i < 100 && sched_preemptions() - p0 < 2000; i++)
        sched_sleep_ns(50 * NSEC_PER_MSEC);
    STOP = 1;
    for (int i = 0; i < 4; i++)
        thread_join(t[i]);
    sched_set_quantum(old);
    uint64_t n = sched_preemptions() - p0;
    printk("sched: %llu preemptions of program code during the red-zone/FPU run (AVX %s)\n",
           (unsigned long long)n, arch_has_avx() ? "checked" : "not available");
    if (j[0].result != 0)
        return "the red zone below a preempted program's stack changed";
    if (j[1].result != 0 || j[2].result != 0)
        return "SSE arithmetic or the AVX upper half of a preempted program went wrong";
    return n >= 2000 ? 0 : "fewer than 2,000 preemptions in 5 s";
}

void preempt_selftest(void)
{
    const char *why = progtest_setup();
    if (why) {
        ktest_result("sched/preempt-program", why);
        return;
    }
    ktest_result("sched/preempt-program", t_preempt());
    ktest_result("sched/redzone-fpu-preempted", t_redzone_fpu());
    progtest_teardown();
}
