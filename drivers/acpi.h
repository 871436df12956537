/* Minimal ACPI: find the RSDP and the FADT, and learn how to enter S5
 * (soft-off) so the machine can power itself off without QEMU's help. */
#ifndef UNIPLEX_ACPI_H
#define UNIPLEX_ACPI_H

#include <stdint.h>
#include "kernel/bootinfo.h"

/* Locate the tables (RSDP from the loader, else the BIOS areas) and cache
 * the S5 sleep values. Prints what it found or why it gave up. */
void acpi_init(const struct bootinfo *bi);

/* The ACPI table with signature sig (checksum verified), or NULL. Tables
 * stay mapped and are never freed (firmware memory). */
const uint8_t *acpi_table(const char *sig);

/* Enter S5. Returns only on failure: -ENODEV when acpi_init found no way.
 * Crash-path safe: uses only values cached by acpi_init. */
int acpi_poweroff(void);

#endif
