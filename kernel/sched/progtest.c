#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/mm/page.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/sched/progtest.h"

#define CODE_VA   0x0000000040000000ull
#define STACK_VA  0x0000000050000000ull
#define STACK_LEN (64 * 1024ull)
#define SLOTS     8

extern const char testprog_start[], testprog_end[], testprog_data[];

static struct vmspace *vs;

uint64_t progtest_va(const char *sym)
{
    return CODE_VA + (uint64_t)(sym - testprog_start);
}

volatile uint64_t *progtest_data(unsigned n)
{
    return (volatile uint64_t *)(uintptr_t)(progtest_va(testprog_data) + 8 * n);
}

static uint64_t stack_top(int slot)
{
    return STACK_VA + (uint64_t)(slot + 1) * STACK_LEN;
}

const char *progtest_setup(void)
{
    uint64_t len = (uint64_t)(testprog_end - testprog_start);
    if (vmspace_create(&vs))
        return "vmspace_create";
    if (vmspace_map_anon(vs, CODE_VA, PAGE_SIZE, VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC,
                         VM_ANON) ||
        vmspace_map_anon(vs, STACK_VA, SLOTS * STACK_LEN, VM_PROT_READ | VM_PROT_WRITE, VM_STACK))
        return "map";
    thread_set_vmspace(vs);
    if (len > PAGE_SIZE || copy_to_user((void *)CODE_VA, testprog_start, len))
        return "copy the test programs";
    return 0;
}

void progtest_teardown(void)
{
    thread_set_vmspace(0);
    vmspace_destroy(vs);
    vs = 0;
}

static void program_thread(void *arg)
{
    struct progtest_job *j = arg;
    thread_set_vmspace(vs);
    j->result = arch_run_program(j->entry, j->arg, j->arg2, j->stack_top);
    thread_set_vmspace(0);
}

int progtest_start(struct progtest_job *j, const char *entry, uint64_t arg, uint64_t arg2, int slot,
                   struct thread **t)
{
    j->entry = progtest_va(entry);
    j->arg = arg;
    j->arg2 = arg2;
    j->stack_top = stack_top(slot);
    j->result = -1;
    return thread_create("program", program_thread, j, 1, t);
}

int64_t progtest_run(const char *entry, uint64_t arg, uint64_t arg2)
{
    return arch_run_program(progtest_va(entry), arg, arg2, stack_top(SLOTS - 1));
}
