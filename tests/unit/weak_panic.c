/* Default k_panic for host unit tests: the kernel sources in klib.o call
 * panic(), renamed k_panic. A test that expects panics defines its own
 * (tests/unit/panic_capture.h), which overrides this weak one. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((weak, noreturn)) void k_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "unexpected kernel panic: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}
