/* virtio-net (virtio 1.0 5.1) over drivers/virtio.h: each device becomes a
 * struct netdev (drivers/netdev.h) named eth0, eth1... No offloads: one
 * frame per buffer, the 12-byte virtio-net header all zero on transmit and
 * stripped on receive. Link status from VIRTIO_NET_F_STATUS (else always
 * up). Counters: rx_dropped for malformed receive completions, tx_dropped
 * for frames refused with -ENOBUFS (queue full). */
#ifndef UNIPLEX_VIRTIO_NET_H
#define UNIPLEX_VIRTIO_NET_H

#include "drivers/pci.h"

/* The PCI table entry (drivers/pci.c): virtio-net, transitional and modern
 * ids; the modern transport is used either way. */
extern const struct pci_driver virtio_net_driver;

#endif
