/* In-kernel tests of the virtio-console control path (drivers/vcons_test.c). */
#ifndef UNIPLEX_VCONS_TEST_H
#define UNIPLEX_VCONS_TEST_H

/* selftest=vcons (one virtio-serial device with ports 1 "uniplex.t" and
 * 2 unnamed): 1 if a case failed. */
int vcons_selftest(void);

#endif
