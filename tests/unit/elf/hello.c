/* A tiny program built several ways (static, static-PIE, dynamic) as sample
 * input for tests/unit/test_elfcheck.c. The thread-local gives it a PT_TLS. */
#include <stdio.h>

static __thread int counter = 41;

int main(void)
{
    counter++;
    printf("hello %d\n", counter);
    return 0;
}
