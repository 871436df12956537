/* Bitmap console font. The glyph data is generated at build time by
 * tools/psf2c from a PSF console font (build/gen/font.c). */
#ifndef UNIPLEX_DRIVERS_FONT_H
#define UNIPLEX_DRIVERS_FONT_H

#include <stdint.h>

struct font {
    uint32_t width, height; /* pixels; width is 1..32 */
    uint32_t stride;        /* bytes per glyph row: (width + 7) / 8 */
    /* 256 glyphs indexed by Latin-1 code point, each height * stride
     * bytes, rows top to bottom, MSB of a row's first byte = leftmost
     * pixel; bits past width are zero. */
    const uint8_t *glyphs;
};

extern const struct font font_default;

#endif
