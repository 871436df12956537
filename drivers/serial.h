/* 16550 UART on COM1, 115200 8N1, polled output. */
#ifndef UNIPLEX_SERIAL_H
#define UNIPLEX_SERIAL_H

#include <stddef.h>
#include <stdint.h>

/* Probe COM1 and register it as a console. 0, or -ENODEV when no UART
 * answers (then nothing is written to the port). */
int serial_init(void);

/* Interrupt-driven receive (IRQ 4) into the console input queue
 * (kernel/conin.h): 0, or -ENODEV without a UART. Needs irq_init(). */
int serial_input_init(void);

#endif
