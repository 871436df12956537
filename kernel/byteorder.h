/* Little-endian values read from byte strings at any alignment: firmware
 * and boot-loader tables (ACPI, multiboot) and file formats (PSF fonts).
 * Written byte by byte, so they mean the same on any host (the host tools
 * and unit tests include this too); the compiler makes each one load. */
#ifndef UNIPLEX_BYTEORDER_H
#define UNIPLEX_BYTEORDER_H

#include <stdint.h>

static inline uint16_t load_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static inline uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t)load_le32(p) | (uint64_t)load_le32(p + 4) << 32;
}

#endif
