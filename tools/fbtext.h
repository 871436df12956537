/* Host-only: reads the text of a framebuffer console back from a screen
 * image, for tests (tools/fbread, tests/unit/test_fbcon.c). The font is
 * always passed in, so the same code serves builds where the kernel's
 * font_default is renamed. */
#ifndef UNIPLEX_TOOLS_FBTEXT_H
#define UNIPLEX_TOOLS_FBTEXT_H

#include <stddef.h>
#include <stdint.h>

struct font;

/* 8-bit RGB image, 3 bytes per pixel, rows packed top to bottom. */
struct fbtext_image {
    const uint8_t *rgb;
    uint32_t width, height;
};

/* Parses a binary PPM (P6, maxval 255; comments allowed in the header).
 * img->rgb points into buf. Returns NULL, or a message saying what is
 * wrong. */
const char *fbtext_parse_ppm(const uint8_t *buf, size_t len, struct fbtext_image *img);

/* Returns the character in text cell (col, row), cells cut from the top left
 * in font-sized steps: ' ' for a cell that is all background (black), the
 * lowest code point >= 0x20 whose glyph matches the cell's ink exactly, or
 * -1 when nothing matches. */
int fbtext_cell(const struct fbtext_image *img, const struct font *font, uint32_t col,
                uint32_t row);

/* Returns the screen's text as a malloc'd string: one '\n'-terminated line
 * per text row, trailing spaces trimmed, trailing empty rows omitted,
 * unknown cells as '?', code points >= 0x80 as UTF-8. NULL when out of
 * memory. */
char *fbtext_decode(const struct fbtext_image *img, const struct font *font);

#endif
