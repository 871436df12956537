/* Host tests for kernel/fs/cpio.c: newc archives built in memory by a small
 * writer below, then exact fields, data and padding, malformed headers,
 * truncation at every length and random single-byte mutations (each parsed
 * from an exactly sized heap copy, so ASan or valgrind sees any overread). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/fs/cpio.h"
#include "tests/unit/test_rng.h"

int k_cpio_next(const uint8_t *base, size_t len, size_t *off, struct cpio_entry *e);

#define EINVAL_ 22 /* libc/include/errno.h: Linux's value */

/* An archive being written. */
struct ar {
    uint8_t buf[1 << 16];
    size_t len;
};

/* The 13 header fields, in order. */
enum {
    INO,
    MODE,
    UID,
    GID,
    NLINK,
    MTIME,
    FILESIZE,
    DEVMAJ,
    DEVMIN,
    RDEVMAJ,
    RDEVMIN,
    NAMESIZE,
    CHECK
};

static void put_pad(struct ar *a)
{
    while (a->len % 4)
        a->buf[a->len++] = 0;
}

static void put_bytes(struct ar *a, const void *p, size_t n)
{
    assert_true(a->len + n <= sizeof(a->buf));
    if (n)
        memcpy(a->buf + a->len, p, n);
    a->len += n;
}

/* A header with these fields, the name bytes (namebytes of them, which may
 * disagree with f[NAMESIZE]), padding, the data and padding. Returns the
 * header's offset. */
static size_t put_raw(struct ar *a, const uint32_t f[13], const char *name, size_t namebytes,
                      const void *data, size_t size)
{
    size_t start = a->len;
    char hdr[6 + 13 * 8 + 1];
    int n = snprintf(hdr, sizeof(hdr), "070701");
    for (int i = 0; i < 13; i++)
        n += snprintf(hdr + n, sizeof(hdr) - n, "%08X", f[i]);
    assert_int_equal(n, 110);
    put_bytes(a, hdr, 110);
    put_bytes(a, name, namebytes);
    put_pad(a);
    put_bytes(a, data, size);
    put_pad(a);
    return start;
}

static size_t put_entry(struct ar *a, const char *name, uint32_t mode, const void *data,
                        size_t size)
{
    static uint32_t ino = 100;
    size_t nlen = strlen(name) + 1;
    uint32_t f[13] = {ino++,      mode,           1000, 1001, (mode & 0170000) == 0040000 ? 2 : 1,
                      1700000000, (uint32_t)size, 0,    0,    0,
                      0,          (uint32_t)nlen, 0};
    return put_raw(a, f, name, nlen, data, size);
}

static void put_trailer(struct ar *a)
{
    put_entry(a, "TRAILER!!!", 0, NULL, 0);
}

/* Iterates a copy of buf[0, len) on the heap, checking every entry lies in
 * it; returns the final result (0 or negative) and the entry count. */
static int walk(const uint8_t *buf, size_t len, unsigned *count)
{
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, buf, len);
    size_t off = 0, prev = 0;
    struct cpio_entry e;
    int r;
    *count = 0;
    while ((r = k_cpio_next(copy, len, &off, &e)) == 1) {
        (*count)++;
        assert_true(off > prev && off <= len + 3);
        prev = off;
        const uint8_t *nm = (const uint8_t *)e.name;
        assert_true(nm >= copy + 110 && nm + e.name_len < copy + len);
        assert_int_equal(nm[e.name_len], 0);
        assert_null(memchr(nm, 0, e.name_len));
        assert_ptr_equal(e.data, copy + e.data_offset);
        assert_true(e.data_offset % 4 == 0 && e.data_offset <= len &&
                    e.size <= len - e.data_offset);
        assert_true(e.data_offset >= (size_t)(nm - copy) + e.name_len + 1);
    }
    free(copy);
    assert_true(r == 0 || r == -EINVAL_);
    return r;
}

static void test_empty_archive(void **state)
{
    (void)state;
    static struct ar a;
    a.len = 0;
    put_trailer(&a);
    assert_int_equal(a.len, 124);
    size_t off = 0;
    struct cpio_entry e;
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 0);
    assert_int_equal(off, 0);
    /* The trailer stays put: asking again still says "end". */
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 0);
    /* Without its padding (121 bytes) it is still a trailer. */
    assert_int_equal(k_cpio_next(a.buf, 121, &off, &e), 0);
    /* GNU cpio pads archives to 512 bytes with zeros after the trailer. */
    static uint8_t big[512];
    memcpy(big, a.buf, a.len);
    assert_int_equal(k_cpio_next(big, sizeof(big), &off, &e), 0);
}

static void expect_entry(const struct cpio_entry *e, const uint8_t *base, const char *name,
                         uint32_t mode, uint32_t nlink, const void *data, size_t size,
                         size_t data_offset)
{
    assert_int_equal(e->name_len, strlen(name));
    assert_memory_equal(e->name, name, e->name_len + 1);
    assert_int_equal(e->mode, mode);
    assert_int_equal(e->uid, 1000);
    assert_int_equal(e->gid, 1001);
    assert_int_equal(e->nlink, nlink);
    assert_int_equal(e->mtime, 1700000000);
    assert_int_equal(e->size, size);
    assert_int_equal(e->data_offset, data_offset);
    assert_ptr_equal(e->data, base + data_offset);
    if (size)
        assert_memory_equal(e->data, data, size);
}

static void test_several_entries(void **state)
{
    (void)state;
    static struct ar a;
    char longname[256];
    memset(longname, 'n', 255);
    longname[0] = 'L';
    longname[255] = 0;
    static const char hello[] = "Hello, world!\n"; /* 14 bytes: 2 of padding */
    static const char target[] = "../hello.txt";   /* 12 bytes: none */
    static const char one[] = "x";

    a.len = 0;
    put_entry(&a, "hello.txt", 0100644, hello, 14);
    put_entry(&a, "dir", 0040755, NULL, 0);
    put_entry(&a, "dir/link", 0120777, target, 12);
    put_entry(&a, "empty", 0100600, NULL, 0);
    put_entry(&a, longname, 0100755, one, 1);
    put_trailer(&a);

    /* Offsets worked out by hand:
     *   hello.txt: header 0, name 110+10 = 120 (aligned), data 120+14 = 134 -> 136
     *   dir:       header 136, name 246+4 = 250 -> data 252, next 252
     *   dir/link:  header 252, name 362+9 = 371 -> data 372, +12 = 384
     *   empty:     header 384, name 494+6 = 500 -> data 500, next 500
     *   long:      header 500, name 610+256 = 866 -> data 868, +1 = 869 -> 872
     *   trailer:   header 872, name 982+11 = 993 -> 996 = end */
    assert_int_equal(a.len, 996);
    struct cpio_entry e;
    size_t off = 0;
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 1);
    expect_entry(&e, a.buf, "hello.txt", 0100644, 1, hello, 14, 120);
    assert_int_equal(off, 136);
    /* Padding after the data is zero and not part of the file. */
    assert_int_equal(a.buf[134], 0);
    assert_int_equal(a.buf[135], 0);
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 1);
    expect_entry(&e, a.buf, "dir", 0040755, 2, NULL, 0, 252);
    assert_int_equal(off, 252);
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 1);
    expect_entry(&e, a.buf, "dir/link", 0120777, 1, target, 12, 372);
    assert_int_equal(off, 384);
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 1);
    expect_entry(&e, a.buf, "empty", 0100600, 1, NULL, 0, 500);
    assert_int_equal(off, 500);
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 1);
    expect_entry(&e, a.buf, longname, 0100755, 1, one, 1, 868);
    assert_int_equal(e.name_len, 255);
    assert_int_equal(off, 872);
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 0);
    assert_int_equal(off, 872);

    unsigned n;
    assert_int_equal(walk(a.buf, a.len, &n), 0);
    assert_int_equal(n, 5);
}

static void test_page_aligned_data(void **state)
{
    (void)state;
    static struct ar a;
    static uint8_t filler[4096 - 120 - 120], page[4096];
    memset(filler, 0xaa, sizeof(filler));
    for (size_t i = 0; i < sizeof(page); i++)
        page[i] = (uint8_t)(i * 7);
    a.len = 0;
    put_entry(&a, "filler.b", 0100644, filler, sizeof(filler)); /* data at 120 */
    size_t h = put_entry(&a, "page.b", 0100644, page, sizeof(page));
    put_trailer(&a);
    assert_int_equal(h, 120 + sizeof(filler));

    struct cpio_entry e;
    size_t off = 0;
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 1);
    assert_int_equal(e.data_offset, 120);
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 1);
    assert_int_equal(e.data_offset, 4096);
    assert_ptr_equal(e.data, a.buf + 4096);
    assert_memory_equal(e.data, page, sizeof(page));
    assert_int_equal(off, 8192);
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 0);
}

static void test_missing_trailer(void **state)
{
    (void)state;
    static struct ar a;
    a.len = 0;
    put_entry(&a, "a", 0100644, "abc", 3);
    put_entry(&a, "b", 0100644, "defg", 4);
    size_t off = 0;
    struct cpio_entry e;
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 1);
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 1);
    assert_int_equal(off, a.len);
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), -EINVAL_);

    /* The last file's data ends the buffer without its padding: the entry
     * is fine, the missing trailer is not. */
    a.len = 0;
    put_entry(&a, "a", 0100644, "abc", 3);
    off = 0;
    assert_int_equal(k_cpio_next(a.buf, a.len - 1, &off, &e), 1);
    assert_int_equal(off, a.len);
    assert_int_equal(k_cpio_next(a.buf, a.len - 1, &off, &e), -EINVAL_);

    /* Zeros after the last entry instead of a trailer. */
    unsigned n;
    memset(a.buf + a.len, 0, 512);
    assert_int_equal(walk(a.buf, a.len + 512, &n), -EINVAL_);
    assert_int_equal(n, 1);

    /* An offset past the end. */
    off = a.len + 100;
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), -EINVAL_);
    off = SIZE_MAX;
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), -EINVAL_);
}

static void test_truncation(void **state)
{
    (void)state;
    static struct ar a;
    static uint8_t big[5000];
    memset(big, 'z', sizeof(big));
    a.len = 0;
    put_entry(&a, "etc", 0040755, NULL, 0);
    put_entry(&a, "etc/passwd", 0100644, "root:x:0:0::/:/bin/sh\n", 22);
    put_entry(&a, "bin/sh", 0120777, "busybox", 7);
    put_entry(&a, "big", 0100644, big, sizeof(big));
    put_entry(&a, "e", 0100644, NULL, 0);
    put_trailer(&a);

    unsigned full, n;
    assert_int_equal(walk(a.buf, a.len, &full), 0);
    assert_int_equal(full, 5);
    /* The trailer's own padding (3 bytes) is the only part that may go. */
    size_t trailer_name_end = a.len - 3;
    for (size_t len = 0; len < a.len; len++) {
        int r = walk(a.buf, len, &n);
        if (len >= trailer_name_end) {
            assert_int_equal(r, 0);
            assert_int_equal(n, full);
        } else {
            assert_int_equal(r, -EINVAL_);
            assert_true(n <= full);
        }
    }
}

static void test_bad_magic(void **state)
{
    (void)state;
    static const char *const magics[] = {"070707", "070702", "070700",
                                         "170701", "07070 ", "\0\0\0\0\0\0"};
    static struct ar a;
    for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
        a.len = 0;
        put_entry(&a, "f", 0100644, "data", 4);
        put_trailer(&a);
        memcpy(a.buf, magics[i], 6);
        size_t off = 0;
        struct cpio_entry e;
        assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), -EINVAL_);
        assert_int_equal(off, 0);
    }
}

static void test_hex_digits(void **state)
{
    (void)state;
    static struct ar a;
    static const char bad[] = {'g', 'G', ' ', 'x', '-', '+', '/', ':', '@', '`', '\0', (char)0xff};
    for (int field = 0; field < 13; field++) {
        for (int pos = 0; pos < 8; pos += 7) {
            for (size_t b = 0; b < sizeof(bad); b++) {
                a.len = 0;
                put_entry(&a, "f", 0100644, "data", 4);
                put_trailer(&a);
                a.buf[6 + 8 * field + pos] = (uint8_t)bad[b];
                size_t off = 0;
                struct cpio_entry e;
                assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), -EINVAL_);
            }
        }
    }
    /* Lower case hex is accepted as well as upper case. */
    a.len = 0;
    uint32_t f[13] = {1, 0100755, 0xabcdef, 0xABCDEF, 1, 0xfedcba98, 2, 0, 0, 0, 0, 2, 0};
    put_raw(&a, f, "f", 2, "hi", 2);
    for (size_t i = 6; i < 110; i++)
        if (a.buf[i] >= 'A' && a.buf[i] <= 'F' && (i - 6) / 8 != GID)
            a.buf[i] = (uint8_t)(a.buf[i] - 'A' + 'a');
    put_trailer(&a);
    size_t off = 0;
    struct cpio_entry e;
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 1);
    assert_int_equal(e.mode, 0100755);
    assert_int_equal(e.uid, 0xabcdef);
    assert_int_equal(e.gid, 0xabcdef);
    assert_int_equal(e.mtime, 0xfedcba98u);
    assert_int_equal(k_cpio_next(a.buf, a.len, &off, &e), 0);
}

static int parse_raw(const uint32_t f[13], const char *name, size_t namebytes, const void *data,
                     size_t size, int with_trailer)
{
    static struct ar a;
    a.len = 0;
    put_raw(&a, f, name, namebytes, data, size);
    if (with_trailer)
        put_trailer(&a);
    size_t off = 0;
    struct cpio_entry e;
    return k_cpio_next(a.buf, a.len, &off, &e);
}

static void test_bad_names(void **state)
{
    (void)state;
    uint32_t f[13] = {1, 0100644, 0, 0, 1, 0, 4, 0, 0, 0, 0, 0, 0};
    /* The reference: a good entry parses. */
    f[NAMESIZE] = 4;
    assert_int_equal(parse_raw(f, "abc", 4, "data", 4, 1), 1);
    /* namesize 0. */
    f[NAMESIZE] = 0;
    assert_int_equal(parse_raw(f, "", 0, "data", 4, 1), -EINVAL_);
    /* namesize 3 for "abc": byte namesize-1 is 'c', not NUL. */
    f[NAMESIZE] = 3;
    assert_int_equal(parse_raw(f, "abc", 3, "data", 4, 1), -EINVAL_);
    /* The NUL is one byte later than namesize says. */
    assert_int_equal(parse_raw(f, "abc", 4, "data", 4, 1), -EINVAL_);
    /* A NUL inside the name: the name would disagree with name_len. */
    f[NAMESIZE] = 4;
    assert_int_equal(parse_raw(f, "a\0c", 4, "data", 4, 1), -EINVAL_);
    /* The empty name (namesize 1) is well-formed. */
    f[NAMESIZE] = 1;
    assert_int_equal(parse_raw(f, "", 1, "data", 4, 1), 1);
    /* A name running past the end of the archive. */
    f[NAMESIZE] = 0x1000;
    assert_int_equal(parse_raw(f, "abc", 4, "data", 4, 1), -EINVAL_);
    f[NAMESIZE] = 0xFFFFFFFF;
    assert_int_equal(parse_raw(f, "abc", 4, "data", 4, 1), -EINVAL_);
    /* "TRAILER!!!" needs its exact namesize to end the archive. */
    f[NAMESIZE] = 11;
    f[FILESIZE] = 0;
    assert_int_equal(parse_raw(f, "TRAILER!!!", 11, NULL, 0, 0), 0);
    f[NAMESIZE] = 10;
    assert_int_equal(parse_raw(f, "TRAILER!!", 10, NULL, 0, 0), 1);
}

static void test_bad_sizes(void **state)
{
    (void)state;
    uint32_t f[13] = {1, 0100644, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, 0};
    static const uint32_t sizes[] = {0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0x10000, 0x20F};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        f[FILESIZE] = sizes[i];
        assert_int_equal(parse_raw(f, "f", 2, "data", 4, 1), -EINVAL_);
    }
    /* Just fits: the data and the trailer after it are 4 + 124 bytes. */
    f[FILESIZE] = 4 + 124;
    assert_int_equal(parse_raw(f, "f", 2, "data", 4, 1), 1);
    f[FILESIZE] = 4 + 125;
    assert_int_equal(parse_raw(f, "f", 2, "data", 4, 1), -EINVAL_);
}

/* xorshift64*: a fixed seed makes failures reproducible. */

static void test_fuzz_mutations(void **state)
{
    (void)state;
    static struct ar a;
    rng_state = 0x9E3779B97F4A7C15ull;
    static const char hexish[] = "0123456789abcdefABCDEF07!\0\xff";
    a.len = 0;
    put_entry(&a, ".", 0040755, NULL, 0);
    put_entry(&a, "init", 0100755, "\177ELF....", 8);
    put_entry(&a, "lib", 0120777, "usr/lib", 7);
    put_entry(&a, "x", 0100644, "0123456789", 10);
    put_trailer(&a);

    unsigned n, ok = 0;
    assert_int_equal(walk(a.buf, a.len, &n), 0);
    static uint8_t m[sizeof(a.buf)];
    for (int i = 0; i < 100000; i++) {
        memcpy(m, a.buf, a.len);
        size_t pos = rng() % a.len;
        uint64_t r = rng();
        /* Half the time a random byte, otherwise one a header could hold. */
        m[pos] = (r & 1) ? (uint8_t)(r >> 8) : (uint8_t)hexish[(r >> 8) % (sizeof(hexish) - 1)];
        size_t len = (r >> 32) % 8 == 0 ? rng() % (a.len + 1) : a.len;
        ok += walk(m, len, &n) == 0;
    }
    /* Both outcomes happen. */
    assert_true(ok > 0 && ok < 100000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_archive),     cmocka_unit_test(test_several_entries),
        cmocka_unit_test(test_page_aligned_data), cmocka_unit_test(test_missing_trailer),
        cmocka_unit_test(test_truncation),        cmocka_unit_test(test_bad_magic),
        cmocka_unit_test(test_hex_digits),        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_bad_sizes),         cmocka_unit_test(test_fuzz_mutations),
    };
    return cmocka_run_group_tests_name("kernel/fs/cpio", tests, NULL, NULL);
}
