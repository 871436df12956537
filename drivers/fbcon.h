/* Text console on a linear framebuffer (the screen when booted via UEFI). */
#ifndef UNIPLEX_DRIVERS_FBCON_H
#define UNIPLEX_DRIVERS_FBCON_H

#include <stddef.h>
#include <stdint.h>

struct fb_info {
    void *base;     /* already mapped virtual address */
    uint32_t pitch; /* bytes per scanline */
    uint32_t width, height;
    uint8_t bpp;
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

/* Takes over fb (the struct is copied) and clears the screen. Returns 0, or
 * -EINVAL if bpp is not 16, 24 or 32, base is NULL, the pitch is shorter
 * than a scanline or the screen is smaller than one glyph; a failed call
 * leaves the console as it was. */
int fbcon_init(const struct fb_info *fb);

/* Draws n bytes (Latin-1) at the cursor. Handles \n (CR+LF), \r, \t (next
 * multiple of 8), \b (cursor left, no erase); other bytes below 0x20 are
 * ignored. Scrolls up one text row at the bottom. No-op before a
 * successful fbcon_init. */
void fbcon_write(const char *s, size_t n);

#endif
