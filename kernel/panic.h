/* Panic and the crash path. Everything here writes straight to the consoles,
 * allocates nothing and formats numbers itself, so it works with a broken
 * heap, a broken formatter or a corrupt stack. */
#ifndef UNIPLEX_PANIC_H
#define UNIPLEX_PANIC_H

#include <stdint.h>

/* Exit status reported to the host (QEMU isa-debug-exit) after a panic or a
 * fatal exception. Documented in the README. */
#define PANIC_STATUS 125

/* Print "PANIC: message", a backtrace, and power off with PANIC_STATUS. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* Enter the crash path: interrupts off. A crash inside the crash path prints
 * one line and powers off; a crash inside that halts. */
void crash_begin(void);
/* Leave it: power off with PANIC_STATUS. */
__attribute__((noreturn)) void crash_end(void);

void crash_puts(const char *s);
void crash_hex(uint64_t v); /* 0x + 16 hex digits */
void crash_dec(uint64_t v);
void crash_symbol(uint64_t addr); /* "name+0xoff", or "?" outside the kernel text */

#ifdef KERNEL_DEBUG
#define KASSERT(e) ((e) ? (void)0 : panic("assertion failed: %s at %s:%d", #e, __FILE__, __LINE__))
#else
#define KASSERT(e) ((void)0)
#endif

#endif
