/* The kernel log's ring: records laid end to end in a byte ring at
 * ever-growing logical positions (a position's byte is ring[pos %
 * KLOG_SIZE]), so a record may wrap around the end. Each is a header and
 * its text, padded to 8 bytes. */
#include <stdint.h>
#include "errno.h"
#include "stdio.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/klog.h"
#include "kernel/sched/sched.h"

struct rec_hdr {
    uint64_t seq, usec;
    uint16_t len;
    uint8_t level, facility;
    uint32_t size; /* header, text and padding */
};
_Static_assert(sizeof(struct rec_hdr) == 24, "record header");

static uint8_t ring[KLOG_SIZE];
static uint64_t head, tail;          /* logical positions: oldest record, next write */
static uint64_t first_seq, next_seq; /* records held: [first_seq, next_seq) */
static uint64_t clear_seq;           /* syslog CLEAR's mark */
static uint64_t hint_seq, hint_pos;  /* a record's position, to start lookups from */
static struct waitq readers;
static struct pollq pollers;

static void ring_put(uint64_t pos, const void *src, size_t n)
{
    size_t at = pos % KLOG_SIZE, k = n < KLOG_SIZE - at ? n : KLOG_SIZE - at;
    memcpy(ring + at, src, k);
    memcpy(ring, (const uint8_t *)src + k, n - k);
}

static void ring_get(uint64_t pos, void *dst, size_t n)
{
    size_t at = pos % KLOG_SIZE, k = n < KLOG_SIZE - at ? n : KLOG_SIZE - at;
    memcpy(dst, ring + at, k);
    memcpy((uint8_t *)dst + k, ring, n - k);
}

/* Drop the oldest record. */
static void drop_oldest(void)
{
    struct rec_hdr h;
    ring_get(head, &h, sizeof(h));
    head += h.size;
    first_seq++;
}

void klog_add(unsigned facility, unsigned level, const char *text, size_t len)
{
    if (len > KLOG_TEXT_MAX)
        len = KLOG_TEXT_MAX;
    struct rec_hdr h = {.seq = next_seq,
                        .usec = clock_ns() / 1000,
                        .len = (uint16_t)len,
                        .level = (uint8_t)(level & 7),
                        .facility = (uint8_t)facility,
                        .size = (uint32_t)((sizeof(h) + len + 7) & ~(size_t)7)};
    while (tail - head + h.size > KLOG_SIZE)
        drop_oldest();
    ring_put(tail, &h, sizeof(h));
    ring_put(tail + sizeof(h), text, len);
    tail += h.size;
    next_seq++;
    if (readers.head)
        waitq_wake_all(&readers);
    pollq_notify(&pollers, POLLIN | POLLRDNORM);
}

uint64_t klog_first(void)
{
    return first_seq;
}

uint64_t klog_next(void)
{
    return next_seq;
}

/* The logical position of record seq (first_seq <= seq < next_seq): from
 * the hint when it lies at or before seq and is still held, else from the
 * oldest. Sequential readers step one record per call. */
static uint64_t rec_pos(uint64_t seq)
{
    uint64_t s = first_seq, pos = head;
    if (hint_seq >= first_seq && hint_seq <= seq && hint_seq < next_seq) {
        s = hint_seq;
        pos = hint_pos;
    }
    for (struct rec_hdr h; s < seq; s++) {
        ring_get(pos, &h, sizeof(h));
        pos += h.size;
    }
    hint_seq = seq;
    hint_pos = pos;
    return pos;
}

int klog_get(uint64_t seq, struct klog_entry *e)
{
    if (seq < first_seq)
        return -EPIPE;
    if (seq >= next_seq)
        return -EAGAIN;
    struct rec_hdr h;
    uint64_t pos = rec_pos(seq);
    ring_get(pos, &h, sizeof(h));
    e->seq = h.seq;
    e->usec = h.usec;
    e->level = h.level;
    e->facility = h.facility;
    e->len = h.len;
    ring_get(pos + sizeof(h), e->text, h.len);
    return 0;
}

uint64_t klog_clear_seq(void)
{
    return clear_seq > first_seq ? clear_seq : first_seq;
}

void klog_clear(void)
{
    clear_seq = next_seq;
}

int klog_wait(uint64_t seq)
{
    while (seq >= next_seq)
        if (waitq_wait_intr(&readers, 0) < 0)
            return -ERESTARTSYS;
    return 0;
}

struct pollq *klog_pollq(void)
{
    return &pollers;
}

size_t klog_format_syslog(const struct klog_entry *e, char *buf, size_t n)
{
    int k = snprintf(buf, n, "<%u>[%5llu.%06llu] %.*s\n", (unsigned)e->facility << 3 | e->level,
                     (unsigned long long)(e->usec / 1000000),
                     (unsigned long long)(e->usec % 1000000), (int)e->len, e->text);
    return k < 0 ? 0 : (size_t)k < n ? (size_t)k : n;
}
