/* In-kernel tests of the network driver (drivers/netdev_test.c). */
#ifndef UNIPLEX_NETDEV_TEST_H
#define UNIPLEX_NETDEV_TEST_H

/* selftest=net (one virtio-net device, MAC 52:54:00:12:34:56, on QEMU
 * user networking) and selftest=nonet (none): 1 if a case failed. */
int net_selftest(void);
int nonet_selftest(void);

#endif
