/* For host unit tests of kernel code that may panic: the kernel's panic()
 * is k_panic() in the renamed host build. Include in exactly one file per
 * test program. EXPECT_PANIC(call, needle) asserts that call panics with a
 * message containing needle; any other panic fails the test. */
#ifndef UNIPLEX_TEST_PANIC_CAPTURE_H
#define UNIPLEX_TEST_PANIC_CAPTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf panic_env;
static volatile int panic_expected;
static char panic_msg[512];

__attribute__((noreturn)) void k_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
    va_end(ap);
    if (!panic_expected) {
        fail_msg("unexpected panic: %s", panic_msg);
        abort();
    }
    panic_expected = 0;
    longjmp(panic_env, 1);
}

/* Run call, which must panic with a message containing needle. */
#define EXPECT_PANIC(call, needle)                                                                 \
    do {                                                                                           \
        panic_msg[0] = '\0';                                                                       \
        panic_expected = 1;                                                                        \
        if (setjmp(panic_env) == 0) {                                                              \
            call;                                                                                  \
            panic_expected = 0;                                                                    \
            fail_msg("%s did not panic", #call);                                                   \
        }                                                                                          \
        if (!strstr(panic_msg, needle))                                                            \
            fail_msg("panic \"%s\" does not mention \"%s\"", panic_msg, needle);                   \
    } while (0)

#endif
