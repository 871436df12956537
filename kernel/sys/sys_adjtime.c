/* adjtimex(2) and clock_adjtime(2): the kernel's NTP state.
 *
 * What is honoured: reading the state (struct timex), stepping the clock
 * (ADJ_SETOFFSET, through settime_step as clock_settime), and the values
 * that are only kept and reported: the status bits (ADJ_STATUS), the
 * maximum and estimated errors (ADJ_MAXERROR, ADJ_ESTERROR; the maximum
 * error grows by 500 us a second up to 16 s, when the clock is marked
 * unsynchronised, as Linux's second_overflow does), the time constant
 * (ADJ_TIMECONST) and the units (ADJ_NANO, ADJ_MICRO). The clock is never
 * slewed here: a frequency, tick or offset other than the neutral one
 * (freq 0, tick 10000, offset 0; ADJ_FREQUENCY, ADJ_TICK, ADJ_OFFSET,
 * ADJ_OFFSET_SINGLESHOT), a TAI offset other than 0 (ADJ_TAI) and the
 * leap-second bits (STA_INS, STA_DEL) are refused with -EINVAL, as is an
 * unknown mode bit. Linux's checks come first, in its order: any change
 * needs CAP_SYS_TIME (-EPERM), the tick within 10% of 10000, the offset
 * of ADJ_SETOFFSET normalised. The result is the clock state: TIME_ERROR
 * (5) while unsynchronised (STA_UNSYNC), else TIME_OK. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define ADJ_OFFSET          0x0001
#define ADJ_FREQUENCY       0x0002
#define ADJ_MAXERROR        0x0004
#define ADJ_ESTERROR        0x0008
#define ADJ_STATUS          0x0010
#define ADJ_TIMECONST       0x0020
#define ADJ_TAI             0x0080
#define ADJ_SETOFFSET       0x0100
#define ADJ_MICRO           0x1000
#define ADJ_NANO            0x2000
#define ADJ_TICK            0x4000
#define ADJ_ADJTIME         0x8000 /* adjtime(3): ADJ_OFFSET_SINGLESHOT is it | ADJ_OFFSET */
#define ADJ_OFFSET_READONLY 0x2000 /* with ADJ_ADJTIME only */
#define ADJ_KNOWN           0xf1bf

#define STA_PLL       0x0001
#define STA_INS       0x0010
#define STA_DEL       0x0020
#define STA_UNSYNC    0x0040
#define STA_NANO      0x2000
#define STA_CLOCKERR  0x1000
#define STA_PPSFREQ   0x0002
#define STA_PPSTIME   0x0004
#define STA_PPSSIGNAL 0x0100
#define STA_PPSJITTER 0x0200
#define STA_PPSWANDER 0x0400
#define STA_PPSERROR  0x0800
#define STA_RONLY     0xff00 /* the PPS state, CLOCKERR, NANO, MODE, CLK */

#define TIME_OK    0
#define TIME_ERROR 5

#define NTP_PHASE_LIMIT 16000000 /* us: Linux's maximum error */
#define MAXERROR_GROWTH 500      /* us a second (Linux's MAXFREQ) */
#define MAXTC           10
#define MAX_TAI_OFFSET  100000
#define TICK_USEC       (1000000 / USER_HZ)
#define PPM_SCALE       (1000ll << 16) /* freq is ppm with 16 fraction bits */
#define TOLERANCE       (500ll << 16)  /* 500 ppm */

/* Linux's struct __kernel_timex (glibc's struct timex on x86-64). */
struct timex_k {
    uint32_t modes;
    int32_t pad0;
    int64_t offset, freq, maxerror, esterror;
    int32_t status, pad1;
    int64_t constant, precision, tolerance;
    int64_t time_sec, time_usec;
    int64_t tick, ppsfreq, jitter;
    int32_t shift, pad2;
    int64_t stabil, jitcnt, calcnt, errcnt, stbcnt;
    int32_t tai;
    int32_t pad3[11];
};
_Static_assert(sizeof(struct timex_k) == 208, "struct timex is 208 bytes");

static struct {
    int32_t status;
    int64_t maxerror, esterror, constant;
    uint64_t aged_at; /* clock_ns() of the last whole second maxerror grew for */
} ntp = {STA_UNSYNC, NTP_PHASE_LIMIT, NTP_PHASE_LIMIT, 2, 0};

void adjtime_clear(void)
{
    ntp.status |= STA_UNSYNC;
    ntp.maxerror = NTP_PHASE_LIMIT;
    ntp.esterror = NTP_PHASE_LIMIT;
}

/* The maximum error's growth for the whole seconds since it was aged. */
static void ntp_age(void)
{
    uint64_t now = clock_ns(), secs = (now - ntp.aged_at) / NSEC_PER_SEC;
    ntp.aged_at += secs * NSEC_PER_SEC;
    if (secs > NTP_PHASE_LIMIT / MAXERROR_GROWTH)
        secs = NTP_PHASE_LIMIT / MAXERROR_GROWTH;
    ntp.maxerror += (int64_t)secs * MAXERROR_GROWTH;
    if (ntp.maxerror > NTP_PHASE_LIMIT) {
        ntp.maxerror = NTP_PHASE_LIMIT;
        ntp.status |= STA_UNSYNC;
    }
}

/* Linux's timekeeping_validate_timex, in its order. */
static int tx_validate(const struct timex_k *tx)
{
    if (tx->modes & ADJ_ADJTIME) {
        if (!(tx->modes & ADJ_OFFSET_READONLY) && !cred_capable(CAP_SYS_TIME))
            return -EPERM;
    } else {
        if (tx->modes && !cred_capable(CAP_SYS_TIME))
            return -EPERM;
        if ((tx->modes & ADJ_TICK) && (tx->tick < 900000 / USER_HZ || tx->tick > 1100000 / USER_HZ))
            return -EINVAL;
    }
    if (tx->modes & ADJ_SETOFFSET) {
        int64_t max = tx->modes & ADJ_NANO ? (int64_t)NSEC_PER_SEC : 1000000;
        if (tx->time_usec < 0 || tx->time_usec >= max)
            return -EINVAL;
    }
    if ((tx->modes & ADJ_FREQUENCY) &&
        (tx->freq < INT64_MIN / PPM_SCALE || tx->freq > INT64_MAX / PPM_SCALE))
        return -EINVAL;
    return 0;
}

/* What this kernel cannot honour (see the top): -EINVAL. */
static int tx_refused(const struct timex_k *tx)
{
    uint32_t m = tx->modes;
    if (m & ~(uint32_t)ADJ_KNOWN)
        return -EINVAL;
    if (m & ADJ_ADJTIME) /* adjtime(3): only reading, or cancelling nothing */
        return !(m & ADJ_OFFSET_READONLY) && tx->offset ? -EINVAL : 0;
    if (((m & ADJ_OFFSET) && tx->offset) || ((m & ADJ_FREQUENCY) && tx->freq) ||
        ((m & ADJ_TICK) && tx->tick != TICK_USEC))
        return -EINVAL;
    if ((m & ADJ_TAI) && tx->constant > 0 && tx->constant <= MAX_TAI_OFFSET)
        return -EINVAL;
    return (m & ADJ_STATUS) && (tx->status & (STA_INS | STA_DEL)) ? -EINVAL : 0;
}

/* ADJ_SETOFFSET: the clock moved by time_sec seconds and time_usec micro-
 * (ADJ_NANO: nano-) seconds; -EINVAL for a result before boot or beyond
 * the clock's range, as Linux's timekeeping_inject_offset. */
static int tx_step(const struct timex_k *tx)
{
    int64_t sub = tx->modes & ADJ_NANO ? tx->time_usec : tx->time_usec * 1000;
    int64_t max_sec = (int64_t)(CLOCK_NS_MAX / NSEC_PER_SEC);
    if (tx->time_sec > max_sec || tx->time_sec < -max_sec)
        return -EINVAL;
    int64_t delta = tx->time_sec * (int64_t)NSEC_PER_SEC + sub;
    int64_t to = (int64_t)clock_realtime_ns() + delta; /* both within +-2^63 / 1.08 */
    if (to < 0 || (uint64_t)to >= max_sec * NSEC_PER_SEC)
        return -EINVAL;
    return settime_step((uint64_t)to);
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Linux's process_adjtimex_modes, for what tx_refused let through. */
static void tx_apply(const struct timex_k *tx)
{
    uint32_t m = tx->modes;
    if (m & ADJ_STATUS) {
        if ((ntp.status & STA_PLL) && !(tx->status & STA_PLL))
            ntp.status = STA_UNSYNC; /* the PLL turned off: Linux starts over */
        ntp.status = (ntp.status & STA_RONLY) | (tx->status & ~STA_RONLY);
    }
    if (m & ADJ_NANO)
        ntp.status |= STA_NANO;
    if (m & ADJ_MICRO)
        ntp.status &= ~STA_NANO;
    if (m & ADJ_MAXERROR) {
        ntp.maxerror = clamp64(tx->maxerror, 0, NTP_PHASE_LIMIT);
        ntp.aged_at = clock_ns();
    }
    if (m & ADJ_ESTERROR)
        ntp.esterror = clamp64(tx->esterror, 0, NTP_PHASE_LIMIT);
    if (m & ADJ_TIMECONST) {
        ntp.constant = clamp64(tx->constant, 0, MAXTC);
        if (!(ntp.status & STA_NANO))
            ntp.constant = clamp64(ntp.constant + 4, 0, MAXTC);
    }
}

/* Linux's is_error_status: unsynchronised, or PPS asked for and not there. */
static int ntp_error(int32_t st)
{
    return (st & (STA_UNSYNC | STA_CLOCKERR)) ||
           ((st & (STA_PPSFREQ | STA_PPSTIME)) && !(st & STA_PPSSIGNAL)) ||
           ((st & (STA_PPSTIME | STA_PPSJITTER)) == (STA_PPSTIME | STA_PPSJITTER)) ||
           ((st & STA_PPSFREQ) && (st & (STA_PPSWANDER | STA_PPSERROR)));
}

/* The state into tx (its modes field kept); returns the clock state. */
static int tx_report(struct timex_k *tx)
{
    uint64_t now = clock_realtime_ns();
    uint32_t modes = tx->modes;
    memset(tx, 0, sizeof(*tx));
    tx->modes = modes;
    tx->offset = 0; /* no PLL offset, nor an adjtime(3) one, is ever pending */
    tx->maxerror = ntp.maxerror;
    tx->esterror = ntp.esterror;
    tx->status = ntp.status;
    tx->constant = ntp.constant;
    tx->precision = 1;
    tx->tolerance = TOLERANCE;
    tx->tick = TICK_USEC;
    tx->time_sec = (int64_t)(now / NSEC_PER_SEC);
    tx->time_usec = (int64_t)(now % NSEC_PER_SEC);
    if (!(ntp.status & STA_NANO))
        tx->time_usec /= 1000;
    return ntp_error(ntp.status) ? TIME_ERROR : TIME_OK;
}

/* Linux's do_adjtimex on tx: the clock state, or an error with tx as it was. */
static int adjtimex_do(struct timex_k *tx)
{
    int err = tx_validate(tx);
    if (!err)
        err = tx_refused(tx);
    if (err)
        return err;
    ntp_age();
    if ((tx->modes & ADJ_SETOFFSET) && (err = tx_step(tx)))
        return err;
    if (!(tx->modes & ADJ_ADJTIME))
        tx_apply(tx);
    return tx_report(tx);
}

/* The struct is written back even after an error (unchanged then), as on
 * Linux. */
static int64_t sys_adjtimex(uint64_t utx, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct timex_k tx;
    if (copy_from_user(&tx, (const void *)utx, sizeof(tx)))
        return -EFAULT;
    int ret = adjtimex_do(&tx);
    return copy_to_user((void *)utx, &tx, sizeof(tx)) ? -EFAULT : ret;
}

/* Linux's clocks that have no adjtime: -EOPNOTSUPP; a clock id it does
 * not know (10, 12 and up, a file-descriptor clock, none of which exist
 * here): -EINVAL. */
static int adj_clock_check(int32_t id)
{
    if (id == CLOCK_REALTIME)
        return 0;
    if (id < 0)
        return (id & 7) == 3 ? -EINVAL : -EOPNOTSUPP;
    return id <= CLOCK_TAI && id != 10 ? -EOPNOTSUPP : -EINVAL;
}

static int64_t sys_clock_adjtime(uint64_t id, uint64_t utx, uint64_t a2, uint64_t a3, uint64_t a4,
                                 uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct timex_k tx;
    if (copy_from_user(&tx, (const void *)utx, sizeof(tx)))
        return -EFAULT;
    int ret = adj_clock_check((int32_t)id);
    if (!ret)
        ret = adjtimex_do(&tx);
    if (ret >= 0 && copy_to_user((void *)utx, &tx, sizeof(tx)))
        return -EFAULT;
    return ret;
}

void sys_adjtime_register(void)
{
    syscall_register(SYS_adjtimex, sys_adjtimex);
    syscall_register(SYS_clock_adjtime, sys_clock_adjtime);
}
