/* Reader for cpio "newc" archives (the initramfs format): magic "070701",
 * 13 fields of 8 hex digits, the NUL-terminated name, then the file data,
 * each padded to 4 bytes from the archive start; "TRAILER!!!" ends the
 * archive. Pure; unit-tested. */
#ifndef UNIPLEX_FS_CPIO_H
#define UNIPLEX_FS_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define CPIO_HDR_LEN 110

struct cpio_entry {
    const char *name; /* points into the archive; NUL-terminated (checked) */
    size_t name_len;  /* without the NUL */
    uint32_t mode;    /* st_mode: type (S_IFREG, S_IFDIR, S_IFLNK, ...) and permissions */
    uint32_t uid, gid, nlink;
    uint64_t mtime;
    const uint8_t *data; /* file data or symlink target, inside the archive */
    size_t size;
    size_t data_offset; /* offset of data from the archive start */
};

/* Iterate: *off starts at 0. Returns 1 and fills *e for each entry (and
 * advances *off), 0 at the trailer (leaving *off on it), or -EINVAL for a
 * malformed archive: bad magic, a non-hex digit, namesize 0, a name not
 * NUL-terminated exactly at namesize-1 (or with a NUL inside it), sizes
 * running past the end. Never reads outside [base, base+len). */
int cpio_next(const uint8_t *base, size_t len, size_t *off, struct cpio_entry *e);

#endif
