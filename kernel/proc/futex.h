/* TEMPORARY SHIM: replaced by the futex branch */
#ifndef UNIPLEX_FUTEX_H
#define UNIPLEX_FUTEX_H
#include <stdint.h>
struct vmspace;
struct lwp;
int futex_wake(struct vmspace *vm, uint64_t uaddr, int n);
void futex_robust_exit(struct lwp *l);
#endif
