#ifndef UNIPLEX_SYS_TEST_H
#define UNIPLEX_SYS_TEST_H

/* System-call entry tests (selftest=sys): "ok NAME" / "FAIL NAME: why",
 * then "sys: N passed, M failed". Returns M. */
int sys_selftest(void);

#endif
