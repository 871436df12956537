/* PS/2 keyboard on the i8042 controller: IRQ 1, scancode set 1 (the
 * controller translates), into the console input queue. */
#ifndef UNIPLEX_PS2KBD_H
#define UNIPLEX_PS2KBD_H

/* 0, or -ENODEV when there is no controller. Needs irq_init(). */
int ps2kbd_init(void);

#endif
