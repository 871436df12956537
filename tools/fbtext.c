/* Screen image → text, by exact glyph matching (see fbtext.h). */
#include <stdlib.h>

#include "drivers/font.h"
#include "tools/fbtext.h"

#define MAX_DIM     65535u /* largest accepted PPM width or height */
#define MAX_GLYPH_H 64

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Skips whitespace and '#' comments (to end of line) from *i. */
static void skip_blanks(const uint8_t *buf, size_t len, size_t *i)
{
    while (*i < len) {
        if (buf[*i] == '#') {
            while (*i < len && buf[*i] != '\n')
                (*i)++;
        } else if (is_space(buf[*i])) {
            (*i)++;
        } else {
            break;
        }
    }
}

/* Reads one decimal header field, after blanks, into *v (1..MAX_DIM). */
static const char *ppm_field(const uint8_t *buf, size_t len, size_t *i, uint32_t *v)
{
    uint32_t n = 0;
    size_t start;

    skip_blanks(buf, len, i);
    start = *i;
    while (*i < len && buf[*i] >= '0' && buf[*i] <= '9') {
        n = n * 10 + (buf[*i] - '0');
        if (n > MAX_DIM)
            return "PPM header number too large";
        (*i)++;
    }
    if (*i == start)
        return *i == len ? "truncated PPM header" : "PPM header: number expected";
    if (n == 0)
        return "PPM header: zero size";
    *v = n;
    return NULL;
}

const char *fbtext_parse_ppm(const uint8_t *buf, size_t len, struct fbtext_image *img)
{
    uint32_t w, h, maxval;
    size_t i = 2;
    const char *err;

    if (len < 2 || buf[0] != 'P' || buf[1] != '6')
        return "not a binary PPM (magic P6 expected)";
    if (i < len && !is_space(buf[i]) && buf[i] != '#')
        return "not a binary PPM (magic P6 expected)";
    if ((err = ppm_field(buf, len, &i, &w)) || (err = ppm_field(buf, len, &i, &h)) ||
        (err = ppm_field(buf, len, &i, &maxval)))
        return err;
    if (maxval != 255)
        return "PPM maxval is not 255";
    if (i >= len || !is_space(buf[i]))
        return i >= len ? "truncated PPM header" : "PPM header: whitespace expected after maxval";
    i++;
    if ((len - i) / 3 / w < h)
        return "truncated PPM pixel data";
    img->rgb = buf + i;
    img->width = w;
    img->height = h;
    return NULL;
}

/* Row bits of a glyph or cell: bit (stride * 8 - 1 - x) is pixel x. */
static uint32_t glyph_row(const struct font *font, const uint8_t *row)
{
    uint32_t bits = 0;
    for (uint32_t i = 0; i < font->stride; i++)
        bits = bits << 8 | row[i];
    return bits;
}

int fbtext_cell(const struct fbtext_image *img, const struct font *font, uint32_t col, uint32_t row)
{
    uint32_t cell[MAX_GLYPH_H], mask = 0, ink = 0;
    uint32_t fw = font->width, fh = font->height, top = 1u << (font->stride * 8 - 1);

    if (fh > MAX_GLYPH_H || fw > 32 || (col + 1) * (uint64_t)fw > img->width ||
        (row + 1) * (uint64_t)fh > img->height)
        return -1;
    for (uint32_t x = 0; x < fw; x++)
        mask |= top >> x;
    for (uint32_t y = 0; y < fh; y++) {
        const uint8_t *p = img->rgb + ((size_t)(row * fh + y) * img->width + col * fw) * 3;
        cell[y] = 0;
        for (uint32_t x = 0; x < fw; x++, p += 3) {
            if (p[0] | p[1] | p[2])
                cell[y] |= top >> x;
        }
        ink |= cell[y];
    }
    if (ink == 0)
        return ' ';
    for (int c = 0x20; c < 256; c++) {
        const uint8_t *g = font->glyphs + (size_t)c * fh * font->stride;
        uint32_t y = 0;
        while (y < fh && (glyph_row(font, g + y * font->stride) & mask) == cell[y])
            y++;
        if (y == fh)
            return c;
    }
    return -1;
}

/* Appends code point c (< 256) as UTF-8. */
static size_t put_latin1(char *out, size_t n, int c)
{
    if (c < 0x80) {
        out[n++] = (char)c;
    } else {
        out[n++] = (char)(0xc0 | c >> 6);
        out[n++] = (char)(0x80 | (c & 0x3f));
    }
    return n;
}

char *fbtext_decode(const struct fbtext_image *img, const struct font *font)
{
    uint32_t cols = img->width / font->width, rows = img->height / font->height;
    char *out = malloc((size_t)rows * (cols * 2 + 1) + 1);
    size_t n = 0, keep = 0; /* keep: length up to the last non-empty row */

    if (out == NULL)
        return NULL;
    for (uint32_t r = 0; r < rows; r++) {
        size_t line = n, end = n; /* end: after the last non-space */
        for (uint32_t c = 0; c < cols; c++) {
            int ch = fbtext_cell(img, font, c, r);
            n = put_latin1(out, n, ch < 0 ? '?' : ch);
            if (ch != ' ')
                end = n;
        }
        n = end;
        out[n++] = '\n';
        if (end > line)
            keep = n;
    }
    out[keep] = '\0';
    return out;
}
