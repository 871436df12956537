/* The profiler's clock (kernel/sched/prof.h): PIT channel 0 as a rate
 * generator, routed by the I/O APIC as an NMI, so that samples land in
 * code running with interrupts disabled too. */
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/sched/prof.h"
#include "drivers/irq.h"
#include "drivers/pit.h"

static int prof_on;

int arch_prof_start(unsigned us)
{
    if (pit_periodic(us) != 0)
        return -EINVAL;
    prof_on = 1; /* before the route: the first NMI may come at once */
    int err = irq_route_nmi(0);
    if (err)
        prof_on = 0;
    return err;
}

int arch_prof_nmi(uint64_t pc)
{
    if (!prof_on)
        return 0;
    prof_sample(pc);
    return 1;
}
