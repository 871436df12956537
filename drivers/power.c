#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/panic.h"
#include "drivers/acpi.h"
#include "kernel/printk.h"
#include "drivers/power.h"
#include "drivers/virtio_console.h"

#define DEBUG_EXIT_PORT 0xf4
#define KBC_STATUS      0x64
#define KBC_INPUT_FULL  0x02
#define KBC_PULSE_RESET 0xfe

void power_shutdown(int status)
{
    vcons_drain(VCONS_DRAIN_NS);
    printk_console("power-off: status %d\n", status);
    power_off(status);
}

void power_off(int status)
{
    arch_irq_disable();
    arch_outl(DEBUG_EXIT_PORT, (uint32_t)status);
    acpi_poweroff();
    crash_puts("power-off failed: halted\n");
    arch_halt();
}

void power_restart(void)
{
    arch_irq_disable();
    for (int i = 0; i < 100000 && (arch_inb(KBC_STATUS) & KBC_INPUT_FULL); i++)
        ;
    arch_outb(KBC_STATUS, KBC_PULSE_RESET);
    for (int i = 0; i < 1000000; i++)
        arch_inb(KBC_STATUS); /* the reset takes a moment to land */
    arch_cpu_reset();
}
