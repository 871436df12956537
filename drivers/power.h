/* Powering the machine off with an exit status. */
#ifndef UNIPLEX_POWER_H
#define UNIPLEX_POWER_H

/* Report status through QEMU's isa-debug-exit device (port 0xf4; QEMU then
 * exits with status * 2 + 1), else power off through ACPI S5, else halt.
 * Crash-path safe. */
__attribute__((noreturn)) void power_off(int status);

/* The orderly end of the machine (init's exit, reboot(2)): devices hand
 * the host what they still hold (the stdio ports' last output), the
 * kernel log says "power-off: status N", then power_off. Thread context,
 * interrupts on; not for the crash path. */
__attribute__((noreturn)) void power_shutdown(int status);

/* Reset the machine: the 8042 controller's reset line, else a triple
 * fault. (QEMU started with -no-reboot exits instead of booting again.) */
__attribute__((noreturn)) void power_restart(void);

#endif
