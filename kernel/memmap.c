#include <stdint.h>
#include "string.h"
#include "kernel/memmap.h"

#define MEMMAP_WORK 256 /* boundary points: two per input entry */

static unsigned rank(uint32_t type)
{
    switch (type) {
    case MEM_USABLE:
        return 1;
    case MEM_ACPI:
        return 2;
    case MEM_NVS:
        return 4;
    case MEM_BAD:
        return 5;
    default:
        return 3; /* reserved and anything unknown */
    }
}

static uint32_t type_of_rank(unsigned rk)
{
    static const uint32_t types[] = {0, MEM_USABLE, MEM_ACPI, MEM_RESERVED, MEM_NVS, MEM_BAD};
    return types[rk];
}

static uint64_t range_end(const struct mem_range *r)
{
    uint64_t end = r->base + r->len;
    return end < r->base ? UINT64_MAX : end;
}

static void sort_u64(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        uint64_t x = v[i];
        unsigned j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Highest rank among the entries covering [lo, hi); 0 if none. */
static unsigned cover_rank(const struct mem_range *r, unsigned n, uint64_t lo, uint64_t hi)
{
    unsigned best = 0;
    for (unsigned i = 0; i < n; i++) {
        if (r[i].len == 0 || r[i].base > lo || range_end(&r[i]) < hi)
            continue;
        unsigned rk = rank(r[i].type);
        best = rk > best ? rk : best;
    }
    return best;
}

static unsigned count_overlaps(const struct mem_range *r, unsigned n)
{
    unsigned c = 0;
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = i + 1; j < n; j++)
            if (r[i].len && r[j].len && r[i].type != r[j].type && r[i].base < range_end(&r[j]) &&
                r[j].base < range_end(&r[i]))
                c++;
    return c;
}

unsigned memmap_sanitize(struct mem_range *r, unsigned n, unsigned max, struct memmap_stats *st)
{
    uint64_t pts[MEMMAP_WORK];
    struct mem_range out[MEMMAP_WORK];
    unsigned np = 0, no = 0;

    memset(st, 0, sizeof(*st));
    if (n > MEMMAP_WORK / 2) {
        st->truncated += n - MEMMAP_WORK / 2;
        n = MEMMAP_WORK / 2;
    }
    for (unsigned i = 0; i < n; i++) {
        if (r[i].len == 0) {
            st->zero_length++;
            continue;
        }
        if (r[i].base + r[i].len < r[i].base)
            st->truncated++;
        pts[np++] = r[i].base;
        pts[np++] = range_end(&r[i]);
    }
    st->overlaps = count_overlaps(r, n);
    sort_u64(pts, np);
    for (unsigned i = 0; i + 1 < np; i++) {
        if (pts[i] == pts[i + 1])
            continue;
        unsigned rk = cover_rank(r, n, pts[i], pts[i + 1]);
        if (rk == 0)
            continue;
        uint32_t type = type_of_rank(rk);
        if (no > 0 && out[no - 1].type == type && range_end(&out[no - 1]) == pts[i])
            out[no - 1].len += pts[i + 1] - pts[i];
        else
            out[no++] = (struct mem_range){pts[i], pts[i + 1] - pts[i], type};
    }
    if (no > max) {
        st->truncated += no - max;
        no = max;
    }
    memcpy(r, out, no * sizeof(*r));
    return no;
}

uint64_t memmap_usable(const struct mem_range *r, unsigned n)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < n; i++)
        if (r[i].type == MEM_USABLE)
            sum += r[i].len;
    return sum;
}

const char *memmap_type_name(uint32_t type)
{
    switch (type) {
    case MEM_USABLE:
        return "usable";
    case MEM_ACPI:
        return "ACPI data";
    case MEM_NVS:
        return "ACPI NVS";
    case MEM_BAD:
        return "bad";
    default:
        return "reserved";
    }
}
