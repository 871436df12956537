#include <stdint.h>
#include "kernel/arch/x86_64/cpu.h"
#include "drivers/pit.h"

#define PIT_CH2    0x42
#define PIT_MODE   0x43
#define PORT_B     0x61
#define GATE2      0x01
#define SPEAKER    0x02
#define OUT2       0x20
#define SPIN_LIMIT 50000000u

uint64_t pit_measure_tsc_hz(unsigned ms)
{
    uint32_t count = PIT_HZ / 1000 * ms;
    uint8_t b = inb(PORT_B);

    if (ms == 0 || count > 0xffff)
        return 0;
    outb(PORT_B, b & ~(GATE2 | SPEAKER)); /* gate low while loading */
    outb(PIT_MODE, 0xb0);                 /* channel 2, lo/hi byte, mode 0 */
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);
    outb(PORT_B, (b & ~SPEAKER) | GATE2); /* gate high: counting starts */
    uint64_t t0 = rdtsc();
    uint32_t spins = 0;
    while (!(inb(PORT_B) & OUT2))
        if (++spins > SPIN_LIMIT)
            return 0;
    uint64_t t1 = rdtsc();
    outb(PORT_B, b);
    return (t1 - t0) * PIT_HZ / count;
}
