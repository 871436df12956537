#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "drivers/rtc.h"

#define CMOS_ADDR 0x70
#define CMOS_DATA 0x71
#define REG_A_UIP 0x80 /* update in progress */
#define REG_B_24H 0x02
#define REG_B_BIN 0x04
#define TRIES     100000

static uint8_t cmos(uint8_t reg)
{
    arch_outb(CMOS_ADDR, reg); /* bit 7 clear: NMIs stay enabled */
    return arch_inb(CMOS_DATA);
}

static unsigned bcd(uint8_t v, int binary)
{
    return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

/* One snapshot of the raw registers, taken outside an update. */
static int snapshot(uint8_t r[7])
{
    static const uint8_t regs[7] = {0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32};
    int i = 0;
    while (cmos(0x0a) & REG_A_UIP)
        if (++i > TRIES)
            return -EIO;
    for (int k = 0; k < 7; k++)
        r[k] = cmos(regs[k]);
    return 0;
}

int rtc_read(struct civil_time *t)
{
    uint8_t a[7], b[7];
    int same = 0;

    for (int i = 0; i < 10 && !same; i++) {
        if (snapshot(a) || snapshot(b))
            return -EIO;
        same = 1;
        for (int k = 0; k < 7; k++)
            same &= a[k] == b[k];
    }
    if (!same)
        return -EIO;
    uint8_t status_b = cmos(0x0b);
    int bin = status_b & REG_B_BIN;
    unsigned hour = bcd(a[2] & 0x7f, bin);
    if (!(status_b & REG_B_24H) && (a[2] & 0x80)) /* 12-hour clock, PM */
        hour = (hour % 12) + 12;
    else if (!(status_b & REG_B_24H) && hour == 12)
        hour = 0;
    unsigned century = bcd(a[6], bin);
    *t = (struct civil_time){
        .year = (int)((century >= 19 && century <= 99 ? century : 20) * 100 + bcd(a[5], bin)),
        .month = bcd(a[4], bin),
        .day = bcd(a[3], bin),
        .hour = hour,
        .min = bcd(a[1], bin),
        .sec = bcd(a[0], bin),
    };
    return civil_to_epoch(t) < 0 ? -EIO : 0;
}
