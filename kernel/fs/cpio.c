#include <stddef.h>
#include <stdint.h>

#include "errno.h"
#include "kernel/fs/cpio.h"
#include "string.h"

/* Field indexes in the header, after the 6-byte magic. */
enum {
    F_INO,
    F_MODE,
    F_UID,
    F_GID,
    F_NLINK,
    F_MTIME,
    F_FILESIZE,
    F_DEVMAJOR,
    F_DEVMINOR,
    F_RDEVMAJOR,
    F_RDEVMINOR,
    F_NAMESIZE,
    F_CHECK,
    F_COUNT
};

static size_t align4(size_t x)
{
    return (x + 3) & ~(size_t)3;
}

/* Eight hex digits (either case) into *out; -EINVAL on anything else. */
static int parse_hex8(const uint8_t *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        uint8_t c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -EINVAL;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

/* Checks the magic and decodes all 13 fields of the header at hdr, which
 * the caller has checked holds CPIO_HDR_LEN bytes. */
static int parse_header(const uint8_t *hdr, uint32_t f[F_COUNT])
{
    if (memcmp(hdr, "070701", 6) != 0)
        return -EINVAL;
    for (int i = 0; i < F_COUNT; i++)
        if (parse_hex8(hdr + 6 + 8 * i, &f[i]) < 0)
            return -EINVAL;
    return 0;
}

/* 1 when [p, p + n) holds a NUL byte. Eight bytes a step: names padded
 * to page-align file data run to kilobytes, and this is on the boot path. */
static int has_nul(const char *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull)
            return 1;
    }
    for (; i < n; i++)
        if (p[i] == 0)
            return 1;
    return 0;
}

int cpio_next(const uint8_t *base, size_t len, size_t *off, struct cpio_entry *e)
{
    uint32_t f[F_COUNT];
    size_t pos = *off;

    if (pos > len || len - pos < CPIO_HDR_LEN)
        return -EINVAL;
    if (parse_header(base + pos, f) < 0)
        return -EINVAL;
    size_t namesize = f[F_NAMESIZE];
    size_t name_off = pos + CPIO_HDR_LEN;
    if (namesize == 0 || namesize > len - name_off)
        return -EINVAL;
    const char *name = (const char *)base + name_off;
    if (name[namesize - 1] != '\0' || has_nul(name, namesize - 1))
        return -EINVAL;
    if (namesize == sizeof("TRAILER!!!") && memcmp(name, "TRAILER!!!", namesize) == 0)
        return 0;

    size_t data_off = align4(name_off + namesize);
    size_t size = f[F_FILESIZE];
    if (data_off > len || size > len - data_off)
        return -EINVAL;
    e->name = name;
    e->name_len = namesize - 1;
    e->mode = f[F_MODE];
    e->uid = f[F_UID];
    e->gid = f[F_GID];
    e->nlink = f[F_NLINK];
    e->mtime = f[F_MTIME];
    e->data = base + data_off;
    e->size = size;
    e->data_offset = data_off;
    *off = align4(data_off + size);
    return 1;
}
