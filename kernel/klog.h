/* The kernel log (Linux's printk ring buffer): every printk line and every
 * message written to /dev/kmsg is a record with a sequence number, a
 * timestamp, a facility and a level. The ring keeps the newest KLOG_SIZE
 * bytes of records; older ones are dropped as new ones come. syslog(2)
 * (kernel/sys/sys_syslog.c) and /dev/kmsg (kernel/fs/kmsg.c) read it.
 *
 * Records are numbered from 0 without gaps: those still held are
 * [klog_first(), klog_next()). Kernel code runs with interrupts off and is
 * never preempted, so no lock is needed. */
#ifndef UNIPLEX_KLOG_H
#define UNIPLEX_KLOG_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of records the ring holds (Linux's default is 128 KiB too). */
#define KLOG_SIZE (128 * 1024)
/* The longest text of one record (Linux's PRINTKRB_RECORD_MAX). */
#define KLOG_TEXT_MAX 1024

/* Levels, as Linux's <linux/kern_levels.h>: a printk format may start
 * with KERN_SOH and a digit (KERN_ERR "..."); without, a line is logged at
 * KLOG_DEFAULT_LEVEL. */
#define KERN_SOH           "\001"
#define KERN_EMERG         KERN_SOH "0"
#define KERN_ERR           KERN_SOH "3"
#define KERN_WARNING       KERN_SOH "4"
#define KERN_NOTICE        KERN_SOH "5"
#define KERN_INFO          KERN_SOH "6"
#define KERN_DEBUG         KERN_SOH "7" /* the log only, at the default console level */
#define KLOG_DEFAULT_LEVEL 4            /* Linux's MESSAGE_LOGLEVEL_DEFAULT */
#define KLOG_FAC_KERN      0            /* printk's facility */
#define KLOG_FAC_USER      1            /* /dev/kmsg's default */

struct klog_entry {
    uint64_t seq, usec; /* usec: microseconds since boot (CLOCK_MONOTONIC) */
    uint8_t level, facility;
    uint16_t len; /* of text, which is not NUL-terminated */
    char text[KLOG_TEXT_MAX];
};

/* Append one record of len bytes of text (cut to KLOG_TEXT_MAX); readers
 * waiting for one are woken. May be called from interrupts. */
void klog_add(unsigned facility, unsigned level, const char *text, size_t len);
/* The oldest record held, and the number the next one will have. */
uint64_t klog_first(void);
uint64_t klog_next(void);
/* Record seq into *e: 0, -EPIPE when it was dropped (seq < klog_first()),
 * -EAGAIN when it is not written yet. */
int klog_get(uint64_t seq, struct klog_entry *e);
/* The first record after the last klog_clear() (syslog's CLEAR), or the
 * oldest held if that is later. */
uint64_t klog_clear_seq(void);
void klog_clear(void);
/* Sleep until record seq exists: 0, or -ERESTARTSYS for a signal. */
int klog_wait(uint64_t seq);
/* The queue pollers of /dev/kmsg register on (notified of each record). */
struct pollq *klog_pollq(void);
/* e as syslog(2) gives it, "<PRI>[SECONDS.MICROS] TEXT\n", into buf of n
 * bytes: the length (it is cut to n bytes when longer). */
size_t klog_format_syslog(const struct klog_entry *e, char *buf, size_t n);

#endif
