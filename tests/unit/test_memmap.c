/* Host tests for kernel/memmap.c: fixed cases for sorting, dropping,
 * overlap resolution, merging, clamping and truncation, then a seeded random
 * comparison against a brute-force model of "the strictest type wins". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/memmap.h"
#include "tests/unit/test_rng.h"

unsigned k_memmap_sanitize(struct mem_range *r, unsigned n, unsigned max, struct memmap_stats *st);
uint64_t k_memmap_usable(const struct mem_range *r, unsigned n);
const char *k_memmap_type_name(uint32_t type);

#define R(b, l, t) ((struct mem_range){(b), (l), (t)})

static void expect_map(const struct mem_range *got, unsigned ngot, const struct mem_range *want,
                       unsigned nwant)
{
    assert_int_equal(ngot, nwant);
    for (unsigned i = 0; i < nwant; i++) {
        if (got[i].base != want[i].base || got[i].len != want[i].len || got[i].type != want[i].type)
            fail_msg("entry %u: got %#llx+%#llx type %u, want %#llx+%#llx type %u", i,
                     (unsigned long long)got[i].base, (unsigned long long)got[i].len, got[i].type,
                     (unsigned long long)want[i].base, (unsigned long long)want[i].len,
                     want[i].type);
    }
}

#define EXPECT(got, n, ...)                                                                        \
    do {                                                                                           \
        const struct mem_range want_[] = {__VA_ARGS__};                                            \
        expect_map(got, n, want_, sizeof(want_) / sizeof(want_[0]));                               \
    } while (0)

static void expect_stats(const struct memmap_stats *st, unsigned zero, unsigned ovl, unsigned trunc)
{
    assert_int_equal(st->zero_length, zero);
    assert_int_equal(st->overlaps, ovl);
    assert_int_equal(st->truncated, trunc);
}

static void test_clean_map_unchanged(void **state)
{
    (void)state;
    struct mem_range r[8] = {R(0, 0x9fc00, 1), R(0x9fc00, 0x400, 2), R(0x100000, 0x7ff00000, 1),
                             R(0x80000000, 0x1000, 3), R(0x80001000, 0x1000, 4)};
    struct memmap_stats st;

    unsigned n = k_memmap_sanitize(r, 5, 8, &st);
    EXPECT(r, n, R(0, 0x9fc00, 1), R(0x9fc00, 0x400, 2), R(0x100000, 0x7ff00000, 1),
           R(0x80000000, 0x1000, 3), R(0x80001000, 0x1000, 4));
    expect_stats(&st, 0, 0, 0);
    assert_true(k_memmap_usable(r, n) == 0x9fc00 + 0x7ff00000);
}

static void test_unsorted_sorted(void **state)
{
    (void)state;
    struct mem_range r[4] = {R(0x300000, 0x1000, 1), R(0x1000, 0x1000, 2), R(0x200000, 0x10, 5)};
    struct memmap_stats st;

    unsigned n = k_memmap_sanitize(r, 3, 4, &st);
    EXPECT(r, n, R(0x1000, 0x1000, 2), R(0x200000, 0x10, 5), R(0x300000, 0x1000, 1));
    expect_stats(&st, 0, 0, 0);
}

static void test_zero_length_dropped(void **state)
{
    (void)state;
    /* A zero-length reserved entry inside a usable one must not split it. */
    struct mem_range r[4] = {R(0x5000, 0, 1), R(0, 0x10000, 1), R(0x8000, 0, 2), R(0, 0, 5)};
    struct memmap_stats st;

    unsigned n = k_memmap_sanitize(r, 4, 4, &st);
    EXPECT(r, n, R(0, 0x10000, 1));
    expect_stats(&st, 3, 0, 0);
}

static void test_overlap_reserved_wins(void **state)
{
    (void)state;
    /* usable [0x1000, 0x5000) and reserved [0x4000, 0x8000). */
    struct mem_range r[4] = {R(0x4000, 0x4000, 2), R(0x1000, 0x4000, 1)};
    struct memmap_stats st;

    unsigned n = k_memmap_sanitize(r, 2, 4, &st);
    EXPECT(r, n, R(0x1000, 0x3000, 1), R(0x4000, 0x4000, 2));
    expect_stats(&st, 0, 1, 0);
    assert_true(k_memmap_usable(r, n) == 0x3000);

    /* ACPI over the start of usable, NVS over ACPI, bad over all of it. */
    struct mem_range s[8] = {R(0, 0x10000, 1), R(0, 0x3000, 3), R(0x2000, 0x2000, 4),
                             R(0xf000, 0x2000, 5)};
    n = k_memmap_sanitize(s, 4, 8, &st);
    EXPECT(s, n, R(0, 0x2000, 3), R(0x2000, 0x2000, 4), R(0x4000, 0xb000, 1), R(0xf000, 0x2000, 5));
    expect_stats(&st, 0, 4, 0);
}

static void test_inside_splits_in_three(void **state)
{
    (void)state;
    struct mem_range r[4] = {R(0x100000, 0x100000, 1), R(0x180000, 0x1000, 2)};
    struct memmap_stats st;

    unsigned n = k_memmap_sanitize(r, 2, 4, &st);
    EXPECT(r, n, R(0x100000, 0x80000, 1), R(0x180000, 0x1000, 2), R(0x181000, 0x7f000, 1));
    expect_stats(&st, 0, 1, 0);

    /* The other way round: the weaker type inside the stricter one vanishes. */
    struct mem_range s[4] = {R(0x180000, 0x1000, 1), R(0x100000, 0x100000, 2)};
    n = k_memmap_sanitize(s, 2, 4, &st);
    EXPECT(s, n, R(0x100000, 0x100000, 2));
    expect_stats(&st, 0, 1, 0);
}

static void test_adjacent_merged(void **state)
{
    (void)state;
    /* Touching and overlapping entries of one type merge; a gap does not. */
    struct mem_range r[8] = {R(0x2000, 0x1000, 1), R(0, 0x1000, 1),      R(0x1000, 0x1000, 1),
                             R(0x2800, 0x2000, 1), R(0x5000, 0x1000, 2), R(0x6000, 0x1000, 2),
                             R(0x8000, 0x1000, 2)};
    struct memmap_stats st;

    unsigned n = k_memmap_sanitize(r, 7, 8, &st);
    EXPECT(r, n, R(0, 0x4800, 1), R(0x5000, 0x2000, 2), R(0x8000, 0x1000, 2));
    expect_stats(&st, 0, 0, 0);
}

static void test_unknown_types_reserved(void **state)
{
    (void)state;
    /* Types 7 and 0 rank as reserved: stronger than ACPI, weaker than NVS. */
    struct mem_range r[8] = {R(0, 0x4000, 7),      R(0x2000, 0x4000, 3), R(0x8000, 0x1000, 0),
                             R(0x9000, 0x1000, 2), R(0xa000, 0x2000, 0), R(0xb000, 0x1000, 4)};
    struct memmap_stats st;

    unsigned n = k_memmap_sanitize(r, 6, 8, &st);
    EXPECT(r, n, R(0, 0x4000, 2), R(0x4000, 0x2000, 3), R(0x8000, 0x3000, 2), R(0xb000, 0x1000, 4));
    expect_stats(&st, 0, 2, 0);
    assert_string_equal(k_memmap_type_name(7), "reserved");
    assert_string_equal(k_memmap_type_name(1), "usable");
    assert_string_equal(k_memmap_type_name(4), "ACPI NVS");
}

static void test_wrap_clamped(void **state)
{
    (void)state;
    struct mem_range r[4] = {R(0xffffffff00000000ull, 0x200000000ull, 1), R(0x1000, 0x1000, 1)};
    struct memmap_stats st;

    unsigned n = k_memmap_sanitize(r, 2, 4, &st);
    EXPECT(r, n, R(0x1000, 0x1000, 1), R(0xffffffff00000000ull, 0xffffffffull, 1));
    expect_stats(&st, 0, 0, 1);

    /* A wrapping reserved entry still wins over usable memory below 2^64. */
    struct mem_range s[4] = {R(UINT64_MAX - 0xfff, 0xfff, 1), R(UINT64_MAX - 0x7ff, UINT64_MAX, 2)};
    n = k_memmap_sanitize(s, 2, 4, &st);
    EXPECT(s, n, R(UINT64_MAX - 0xfff, 0x800, 1), R(UINT64_MAX - 0x7ff, 0x7ff, 2));
    expect_stats(&st, 0, 1, 1);
}

static void test_output_capped_at_max(void **state)
{
    (void)state;
    /* One usable range split by two reserved ones: 5 pieces, room for 3.
     * The entry after the array must not be written. */
    struct {
        struct mem_range r[3];
        struct mem_range guard;
    } buf = {{R(0, 0x10000, 1), R(0x2000, 0x1000, 2), R(0x8000, 0x1000, 2)}, R(0x1234, 0x5678, 9)};
    struct memmap_stats st;

    unsigned n = k_memmap_sanitize(buf.r, 3, 3, &st);
    EXPECT(buf.r, n, R(0, 0x2000, 1), R(0x2000, 0x1000, 2), R(0x3000, 0x5000, 1));
    expect_stats(&st, 0, 2, 2);
    assert_true(buf.guard.base == 0x1234 && buf.guard.len == 0x5678 && buf.guard.type == 9);
}

static void test_qemu_4g(void **state)
{
    (void)state;
    struct mem_range r[8] = {
        R(0x100000000ull, 0x40000000, 1), R(0xfffc0000, 0x40000, 2), R(0x100000, 0xbff00000, 1),
        R(0xf0000, 0x10000, 2),           R(0x9fc00, 0x400, 2),      R(0, 0x9fc00, 1),
    };
    struct memmap_stats st;

    unsigned n = k_memmap_sanitize(r, 6, 8, &st);
    EXPECT(r, n, R(0, 0x9fc00, 1), R(0x9fc00, 0x400, 2), R(0xf0000, 0x10000, 2),
           R(0x100000, 0xbff00000, 1), R(0xfffc0000, 0x40000, 2), R(0x100000000ull, 0x40000000, 1));
    expect_stats(&st, 0, 0, 0);
    assert_true(k_memmap_usable(r, n) == 0xfff9fc00ull);
}

/* Property test. */

static unsigned ref_rank(uint32_t type)
{
    static const unsigned ranks[] = {3, 1, 3, 2, 4, 5};
    return type < 6 ? ranks[type] : 3;
}

static uint64_t ref_end(const struct mem_range *r)
{
    return r->base + r->len < r->base ? UINT64_MAX : r->base + r->len;
}

/* Highest rank of the input entries covering address a; 0 if none. */
static unsigned model_rank(const struct mem_range *in, unsigned n, uint64_t a)
{
    unsigned best = 0;
    for (unsigned i = 0; i < n; i++)
        if (in[i].len && in[i].base <= a && a < ref_end(&in[i]) && ref_rank(in[i].type) > best)
            best = ref_rank(in[i].type);
    return best;
}

static unsigned out_rank(const struct mem_range *out, unsigned n, uint64_t a)
{
    for (unsigned i = 0; i < n; i++)
        if (out[i].base <= a && a - out[i].base < out[i].len)
            return ref_rank(out[i].type);
    return 0;
}

static const uint32_t types[] = {1, 1, 1, 2, 3, 4, 5, 0, 7, 0xdeadbeef};
#define NTYPES (sizeof(types) / sizeof(types[0]))
#define GRID   0x1000u
#define NGRID  64u

static void check_random_map(unsigned iter, int wide)
{
    struct mem_range in[20], out[64];
    unsigned n = (unsigned)(rng() % 21), zero = 0, wrapped = 0, ovl = 0;
    struct memmap_stats st;

    for (unsigned i = 0; i < n; i++) {
        if (wide) {
            in[i].base = rng() >> (rng() % 64);
            in[i].len = rng() % 4 == 0 ? 0 : rng() >> (rng() % 64);
        } else {
            in[i].base = (rng() % NGRID) * GRID;
            in[i].len = (rng() % (NGRID + 1 - in[i].base / GRID)) * GRID;
        }
        in[i].type = types[rng() % NTYPES];
        zero += in[i].len == 0;
        wrapped += in[i].base + in[i].len < in[i].base;
    }
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = i + 1; j < n; j++)
            ovl += in[i].len && in[j].len && in[i].type != in[j].type &&
                   in[i].base < ref_end(&in[j]) && in[j].base < ref_end(&in[i]);
    memcpy(out, in, n * sizeof(in[0]));
    unsigned no = k_memmap_sanitize(out, n, 64, &st);

    if (no > 2 * n || st.zero_length != zero || st.truncated != wrapped || st.overlaps != ovl)
        fail_msg("iteration %u: %u entries in, %u out, stats %u/%u/%u, want %u/%u/%u", iter, n, no,
                 st.zero_length, st.overlaps, st.truncated, zero, ovl, wrapped);
    uint64_t usable = 0;
    for (unsigned i = 0; i < no; i++) {
        if (out[i].len == 0 || ref_end(&out[i]) != out[i].base + out[i].len)
            fail_msg("iteration %u: entry %u empty or wrapping", iter, i);
        if (out[i].type < 1 || out[i].type > 5)
            fail_msg("iteration %u: entry %u has type %u", iter, i, out[i].type);
        if (i + 1 < no && out[i].base + out[i].len > out[i + 1].base)
            fail_msg("iteration %u: entries %u and %u unsorted or overlapping", iter, i, i + 1);
        if (i + 1 < no && out[i].base + out[i].len == out[i + 1].base &&
            out[i].type == out[i + 1].type)
            fail_msg("iteration %u: entries %u and %u not merged", iter, i, i + 1);
        if (out[i].type == MEM_USABLE)
            usable += out[i].len;
    }
    assert_true(k_memmap_usable(out, no) == usable);

    if (!wide) {
        /* Exhaustive: every grid cell, and the usable total from the model. */
        uint64_t want_usable = 0;
        for (uint64_t a = 0; a < NGRID * GRID; a += GRID) {
            unsigned want = model_rank(in, n, a);
            want_usable += want == 1 ? GRID : 0;
            if (out_rank(out, no, a) != want || out_rank(out, no, a + GRID - 1) != want)
                fail_msg("iteration %u: address %#llx has rank %u, want %u", iter,
                         (unsigned long long)a, out_rank(out, no, a), want);
        }
        assert_true(usable == want_usable);
        return;
    }
    /* Random probes plus every input boundary and the byte before it. */
    for (unsigned i = 0; i < 4 * n + 16; i++) {
        uint64_t a;
        if (i < 4 * n)
            a = (i & 2 ? ref_end(&in[i / 4]) : in[i / 4].base) - (i & 1);
        else
            a = rng() >> (rng() % 64);
        if (out_rank(out, no, a) != model_rank(in, n, a))
            fail_msg("iteration %u: address %#llx has rank %u, want %u", iter,
                     (unsigned long long)a, out_rank(out, no, a), model_rank(in, n, a));
    }
}

static void test_random_property(void **state)
{
    (void)state;
    rng_state = 0x756e69706c6578ull;
    for (unsigned iter = 0; iter < 10000; iter++)
        check_random_map(iter, iter % 4 == 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_map_unchanged),    cmocka_unit_test(test_unsorted_sorted),
        cmocka_unit_test(test_zero_length_dropped),    cmocka_unit_test(test_overlap_reserved_wins),
        cmocka_unit_test(test_inside_splits_in_three), cmocka_unit_test(test_adjacent_merged),
        cmocka_unit_test(test_unknown_types_reserved), cmocka_unit_test(test_wrap_clamped),
        cmocka_unit_test(test_output_capped_at_max),   cmocka_unit_test(test_qemu_4g),
        cmocka_unit_test(test_random_property),
    };

    return cmocka_run_group_tests_name("kernel/memmap", tests, NULL, NULL);
}
