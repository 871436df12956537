/* Device memory (PCI BARs, ECAM) mapped uncached into the kernel half. */
#ifndef UNIPLEX_MM_DEVMAP_H
#define UNIPLEX_MM_DEVMAP_H

#include <stdint.h>

/* Map the physical range [pa, pa + len) uncached, read-write, no execute,
 * in every address space (the kernel half is shared): 0 and its kernel
 * address in *va, -EINVAL (len 0 or wrapping), or -ENOMEM (no table page,
 * or the device area is used up). Mappings stay for good: devices are
 * never removed. Boot only (after pmem_init). */
int devmap(uint64_t pa, uint64_t len, void **va);

#endif
