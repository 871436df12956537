#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/printk.h"
#include "drivers/irq.h"
#include "drivers/serial.h"
#include "kernel/conin.h"

#define COM1     0x3f8
#define THR      0 /* transmit holding (DLAB 0) */
#define DLL      0 /* divisor low (DLAB 1) */
#define IER      1
#define DLM      1
#define FCR      2
#define LCR      3
#define MCR      4
#define LSR      5
#define SCR      7
#define LSR_THRE 0x20
#define TX_SPIN  100000 /* a wedged UART costs a bounded wait, not a hang */

static void serial_putc(char c)
{
    for (int i = 0; i < TX_SPIN && !(arch_inb(COM1 + LSR) & LSR_THRE); i++)
        arch_cpu_relax();
    arch_outb(COM1 + THR, (uint8_t)c);
}

static void serial_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

static struct console serial_console = {.name = "serial", .write = serial_write};

/* A missing UART floats the bus (reads 0xff): check the scratch register,
 * then a byte through the chip's loopback mode. */
static int serial_probe(void)
{
    arch_outb(COM1 + SCR, 0x5a);
    if (arch_inb(COM1 + SCR) != 0x5a)
        return -ENODEV;
    arch_outb(COM1 + MCR, 0x1e); /* loopback, OUT1, OUT2, RTS */
    arch_outb(COM1 + THR, 0xae);
    for (int i = 0; i < TX_SPIN && !(arch_inb(COM1 + LSR) & 1); i++)
        arch_cpu_relax();
    return arch_inb(COM1 + THR) == 0xae ? 0 : -ENODEV;
}

int serial_init(void)
{
    arch_outb(COM1 + IER, 0);
    arch_outb(COM1 + LCR, 0x80); /* DLAB: divisor 1 = 115200 baud */
    arch_outb(COM1 + DLL, 1);
    arch_outb(COM1 + DLM, 0);
    arch_outb(COM1 + LCR, 0x03); /* 8N1 */
    arch_outb(COM1 + FCR, 0xc7); /* FIFOs on and cleared */
    if (serial_probe() != 0)
        return -ENODEV;
    arch_outb(COM1 + MCR, 0x0b); /* DTR, RTS, OUT2; loopback off */
    console_register(&serial_console);
    return 0;
}

/* Receive side: IRQ 4 drains the UART into the console input queue. */
#define RBR     0
#define LSR_DR  0x01
#define IER_RDA 0x01

static void serial_irq(void)
{
    while (arch_inb(COM1 + LSR) & LSR_DR)
        conin_push((char)arch_inb(COM1 + RBR));
}

int serial_input_init(void)
{
    if (!console_is_registered(&serial_console))
        return -ENODEV;
    int err = irq_attach(4, serial_irq);
    if (err)
        return err;
    arch_outb(COM1 + IER, IER_RDA);
    serial_irq(); /* anything already waiting in the FIFO */
    return 0;
}
