/* Frame-pointer backtrace (the kernel is built -fno-omit-frame-pointer):
 * [rbp] holds the caller's rbp, [rbp + 8] the return address. */
#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/arch/x86_64/backtrace.h"
#include "kernel/arch/x86_64/kstack.h"
#include "kernel/ksyms.h"
#include "kernel/panic.h"

/* A return address may sit just past a call to a noreturn function, i.e. at
 * the start of the next symbol: name it by the call instruction (addr - 1). */
static void print_frame(int n, uint64_t addr)
{
    uint64_t lookup = n > 0 ? addr - 1 : addr;

    crash_puts("  #");
    crash_dec(n);
    crash_puts(" ");
    crash_hex(addr);
    crash_puts(" ");
    crash_symbol(lookup);
    crash_puts("\n");
}

void backtrace_print(uint64_t rip, uint64_t rbp, uint64_t rsp)
{
    uint64_t off;
    int n = 0;

    crash_puts("backtrace:\n");
    print_frame(n++, rip);
    /* Stopped on a function's first instruction: its frame does not exist
     * yet, rbp is still the caller's, and the return address is at [rsp]. */
    if (ksyms_lookup(rip, &off) && off == 0 && (rsp & 7) == 0 && kstack_contains(rsp))
        print_frame(n++, *(const uint64_t *)(uintptr_t)rsp);
    while (n < BACKTRACE_MAX && rbp != 0) {
        /* Only follow frames that lie on a known stack and move upwards, so
         * a corrupt chain can neither fault nor loop. */
        if ((rbp & 7) != 0 || !kstack_contains(rbp) || !kstack_contains(rbp + 15))
            break;
        const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
        if (frame[1] == 0)
            break;
        print_frame(n++, frame[1]);
        if (frame[0] <= rbp)
            break;
        rbp = frame[0];
    }
}

void arch_backtrace_here(void)
{
    uint64_t rbp;
    __asm__ volatile("movq %%rbp, %0" : "=r"(rbp));
    const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
    backtrace_print(frame[1], frame[0], 0);
}
