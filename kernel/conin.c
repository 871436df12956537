/* One CPU, and readers run with interrupts off: the ring needs no lock. */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "kernel/conin.h"
#include "kernel/fs/vfs.h"
#include "kernel/sched/sched.h"

#define CONIN_SIZE 16384

static char ring[CONIN_SIZE];
static unsigned head, tail; /* head: next write; tail: next read */
static uint64_t dropped;
static struct waitq readers;
static struct pollq pollers;

static int (*filter)(char c);

void conin_set_filter(int (*fn)(char c))
{
    filter = fn;
}

void conin_push(char c)
{
    if (filter && filter(c))
        return;
    if (head - tail < CONIN_SIZE)
        ring[head++ % CONIN_SIZE] = c;
    else
        dropped++;
    waitq_wake_all(&readers);
    pollq_notify(&pollers, POLLIN | POLLRDNORM);
}

struct pollq *conin_pollq(void)
{
    return &pollers;
}

int conin_pending(void)
{
    return head != tail;
}

long conin_read(char *buf, size_t n, uint64_t deadline)
{
    while (head == tail) {
        int r = waitq_wait_intr(&readers, deadline);
        if (r)
            return r < 0 ? -EINTR : -EAGAIN;
    }
    size_t i = 0;
    for (; i < n && tail != head; i++)
        buf[i] = ring[tail++ % CONIN_SIZE];
    return (long)i;
}

void conin_flush(void)
{
    tail = head;
}

uint64_t conin_dropped(void)
{
    return dropped;
}
