/* Preemption of program code (selftest=sched): test programs from
 * arch/x86_64/testprog.S run in a test address space on their own stacks
 * with interrupts enabled; the timer must preempt them, keep their red
 * zone intact and their FPU registers per thread. */
#include <stdint.h>
#include "string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/printk.h"
#include "kernel/sched/preempt_test.h"
#include "kernel/sched/sched.h"

#define CODE_VA   0x0000000040000000ull
#define STACK_VA  0x0000000050000000ull
#define STACK_LEN (64 * 1024ull)
#define MS        1000000ull

extern const char testprog_start[], testprog_end[], testprog_spin[], testprog_redzone[],
    testprog_fpu[], testprog_data[];

struct job {
    uint64_t entry, arg, arg2, stack_top;
    int64_t result;
};

static struct vmspace *vs;

static uint64_t prog_va(const char *sym)
{
    return CODE_VA + (uint64_t)(sym - testprog_start);
}

/* The blob's data words, as seen in the test address space. */
static volatile uint64_t *prog_data(unsigned word)
{
    return (volatile uint64_t *)(uintptr_t)(prog_va(testprog_data) + 8 * word);
}
#define SPIN_COUNT (*prog_data(0))
#define RZ_COUNT   (*prog_data(1))
#define FPU_COUNT  (*prog_data(2))
#define STOP       (*prog_data(3))

static void program_thread(void *arg)
{
    struct job *j = arg;
    thread_set_vmspace(vs);
    j->result = arch_run_program2(j->entry, j->arg, j->arg2, j->stack_top);
    thread_set_vmspace(0);
}

static const char *setup(void)
{
    uint64_t len = (uint64_t)(testprog_end - testprog_start);
    if (vmspace_create(&vs))
        return "vmspace_create";
    if (vmspace_map_anon(vs, CODE_VA, 4096, VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC, VM_ANON) ||
        vmspace_map_anon(vs, STACK_VA, 8 * STACK_LEN, VM_PROT_READ | VM_PROT_WRITE, VM_STACK))
        return "map";
    thread_set_vmspace(vs);
    if (len > 4096 || copy_to_user((void *)CODE_VA, testprog_start, len))
        return "copy the test programs";
    return 0;
}

static int start(struct job *j, const char *entry, uint64_t arg, int slot, struct thread **t)
{
    j->entry = prog_va(entry);
    j->arg = arg;
    j->arg2 = arch_has_avx();
    j->stack_top = STACK_VA + (uint64_t)(slot + 1) * STACK_LEN;
    j->result = -1;
    return thread_create("program", program_thread, j, 1, t);
}

/* A spinning program is preempted; this thread runs, sees progress, stops it. */
static const char *t_preempt(void)
{
    struct job j;
    struct thread *t;
    uint64_t p0 = sched_preemptions();
    STOP = 0;
    SPIN_COUNT = 0;
    if (start(&j, testprog_spin, 0, 0, &t))
        return "thread_create";
    sched_sleep_ns(20 * MS); /* only a preemption lets this thread run again */
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
    struct job j[4];
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
        sched_sleep_ns(50 * MS);
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

void preempt_selftest(void (*result)(const char *, const char *))
{
    const char *why = setup();
    if (why) {
        result("sched/preempt-program", why);
        return;
    }
    result("sched/preempt-program", t_preempt());
    result("sched/redzone-fpu-preempted", t_redzone_fpu());
    thread_set_vmspace(0);
    vmspace_destroy(vs);
}
