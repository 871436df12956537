/* Console input: bytes typed on the serial port or the keyboard, in
 * arrival order, read by the console's tty (kernel/tty/console.c). */
#ifndef UNIPLEX_CONIN_H
#define UNIPLEX_CONIN_H

#include <stddef.h>
#include <stdint.h>

/* Queue one byte; called from interrupt handlers. Bytes beyond the 16 KiB
 * buffer are dropped (counted). Wakes blocked readers. */
void conin_push(char c);
/* Block until input is available or the clock_ns() deadline passes (0 =
 * none), then copy up to n bytes: the count, -EAGAIN on timeout, or
 * -EINTR when the thread has a signal pending (sched_interrupted). */
long conin_read(char *buf, size_t n, uint64_t deadline);
/* A function that sees every byte first, in interrupt context, and
 * returns 1 to consume it (the terminal's ^C and ^\). */
void conin_set_filter(int (*fn)(char c));
/* 1 when bytes are waiting to be read. */
int conin_pending(void);
/* The queue notified (POLLIN) of every byte queued: the console's
 * readiness (kernel/fs/vfs.h). */
struct pollq;
struct pollq *conin_pollq(void);
/* Discard the bytes waiting to be read. */
void conin_flush(void);
/* Bytes dropped because the buffer was full. */
uint64_t conin_dropped(void);

#endif
