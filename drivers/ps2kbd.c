/* i8042 + set-1 scancodes. Letters, digits, punctuation, Enter, Backspace,
 * Tab, Escape; Shift and Ctrl (Ctrl-letter gives the control code, e.g.
 * ^C = 3); arrows become the ANSI sequences a terminal sends (ESC [ A..D). */
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/conin.h"
#include "kernel/printk.h"
#include "drivers/irq.h"
#include "drivers/ps2kbd.h"

#define DATA         0x60
#define STATUS       0x64
#define CMD          0x64
#define ST_OUT_FULL  0x01
#define ST_IN_FULL   0x02
#define ST_AUX       0x20
#define CFG_IRQ1     0x01
#define CFG_CLK1_OFF 0x10
#define CFG_XLATE    0x40
#define SPIN         100000

static const char plain[0x3a] = {0,   27,  '1',  '2',  '3',  '4', '5', '6',  '7', '8', '9', '0',
                                 '-', '=', '\b', '\t', 'q',  'w', 'e', 'r',  't', 'y', 'u', 'i',
                                 'o', 'p', '[',  ']',  '\r', 0,   'a', 's',  'd', 'f', 'g', 'h',
                                 'j', 'k', 'l',  ';',  '\'', '`', 0,   '\\', 'z', 'x', 'c', 'v',
                                 'b', 'n', 'm',  ',',  '.',  '/', 0,   '*',  0,   ' '};
static const char shifted[0x3a] = {0,   27,  '!',  '@',  '#',  '$', '%', '^', '&', '*', '(', ')',
                                   '_', '+', '\b', '\t', 'Q',  'W', 'E', 'R', 'T', 'Y', 'U', 'I',
                                   'O', 'P', '{',  '}',  '\r', 0,   'A', 'S', 'D', 'F', 'G', 'H',
                                   'J', 'K', 'L',  ':',  '"',  '~', 0,   '|', 'Z', 'X', 'C', 'V',
                                   'B', 'N', 'M',  '<',  '>',  '?', 0,   '*', 0,   ' '};

static int shift, ctrl, extended;

static int wait_write(void)
{
    for (int i = 0; i < SPIN; i++)
        if (!(arch_inb(STATUS) & ST_IN_FULL))
            return 0;
    return -EIO;
}

static int wait_read(void)
{
    for (int i = 0; i < SPIN; i++)
        if (arch_inb(STATUS) & ST_OUT_FULL)
            return 0;
    return -EIO;
}

static void arrow(char c)
{
    conin_push(27);
    conin_push('[');
    conin_push(c);
}

static void scancode(uint8_t sc)
{
    int up = sc & 0x80;
    uint8_t code = sc & 0x7f;

    if (sc == 0xe0) {
        extended = 1;
        return;
    }
    if (extended) {
        extended = 0;
        if (code == 0x1d)
            ctrl = !up;
        else if (!up && (code == 0x48 || code == 0x50 || code == 0x4d || code == 0x4b))
            arrow(code == 0x48 ? 'A' : code == 0x50 ? 'B' : code == 0x4d ? 'C' : 'D');
        return;
    }
    if (code == 0x2a || code == 0x36)
        shift = !up;
    else if (code == 0x1d)
        ctrl = !up;
    else if (!up && code < sizeof(plain) && plain[code]) {
        char c = shift ? shifted[code] : plain[code];
        if (ctrl && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            c &= 0x1f;
        conin_push(c);
    }
}

static void kbd_irq(void)
{
    for (int i = 0; i < 16; i++) {
        uint8_t st = arch_inb(STATUS);
        if (!(st & ST_OUT_FULL))
            break;
        uint8_t sc = arch_inb(DATA);
        if (!(st & ST_AUX)) /* mouse bytes are not ours */
            scancode(sc);
    }
}

int ps2kbd_init(void)
{
    if (arch_inb(STATUS) == 0xff)
        return -ENODEV;
    for (int i = 0; i < 32 && (arch_inb(STATUS) & ST_OUT_FULL); i++)
        arch_inb(DATA); /* flush */
    if (wait_write() || (arch_outb(CMD, 0x20), wait_read()))
        return -ENODEV;
    uint8_t cfg = arch_inb(DATA);
    cfg = (uint8_t)((cfg | CFG_IRQ1 | CFG_XLATE) & ~CFG_CLK1_OFF);
    if (wait_write() || (arch_outb(CMD, 0x60), wait_write()))
        return -EIO;
    arch_outb(DATA, cfg);
    if (wait_write())
        return -EIO;
    arch_outb(CMD, 0xae); /* enable the keyboard port */
    int err = irq_attach(1, kbd_irq);
    if (err)
        return err;
    printk("ps2: keyboard on the i8042, IRQ 1\n");
    return 0;
}
