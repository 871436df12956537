#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/panic.h"
#include "drivers/acpi.h"
#include "drivers/power.h"

#define DEBUG_EXIT_PORT 0xf4

void power_off(int status)
{
    arch_irq_disable();
    outl(DEBUG_EXIT_PORT, (uint32_t)status);
    acpi_poweroff();
    crash_puts("power-off failed: halted\n");
    arch_halt();
}
