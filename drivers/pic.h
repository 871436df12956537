/* Legacy 8259 PIC pair. */
#ifndef UNIPLEX_PIC_H
#define UNIPLEX_PIC_H

/* Remap IRQs 0-15 to vectors 0x20-0x2f (off the exception vectors) and mask
 * every line; the local APIC takes over in a later issue. */
void pic_init(void);

#endif
