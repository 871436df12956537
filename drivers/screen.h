/* Picks the screen console from the boot information: the loader's linear
 * framebuffer (UEFI), VGA text (BIOS), or none, and says which. */
#ifndef UNIPLEX_SCREEN_H
#define UNIPLEX_SCREEN_H

#include "kernel/bootinfo.h"

void screen_init(const struct bootinfo *bi);

#endif
