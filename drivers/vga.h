/* VGA text-mode console (BIOS boots). */
#ifndef UNIPLEX_VGA_H
#define UNIPLEX_VGA_H

#include <stdint.h>

/* Use the text buffer at virtual address base, cols x rows cells; clears the
 * screen and registers a console. 0 or -EINVAL for a silly geometry. */
int vga_init(void *base, unsigned cols, unsigned rows);

#endif
