/* Linear framebuffer text console: light grey on black, font_default glyphs,
 * one global console. No cursor is drawn. */
#include "drivers/fbcon.h"
#include "drivers/font.h"
#include "errno.h"
#include "string.h"

#define FG_GREY 0xc0 /* foreground r = g = b */

static struct {
    uint8_t *base;
    uint32_t pitch, width, height; /* pixels / bytes as in fb_info */
    uint32_t bytespp;
    uint32_t cols, rows; /* text grid */
    uint32_t cx, cy;     /* cursor cell; cx == cols: wrap pending */
    uint32_t fg, bg;     /* packed pixel values */
    int ready;
} con;

/* Scales an 8-bit intensity to a size-bit field at bit pos. */
static uint32_t pack_channel(uint32_t v, uint8_t pos, uint8_t size)
{
    if (size == 0 || size > 32 || pos >= 32)
        return 0;
    v = size >= 8 ? v << (size - 8) : v >> (8 - size);
    return v << pos;
}

static uint32_t pack_rgb(const struct fb_info *fb, uint32_t r, uint32_t g, uint32_t b)
{
    uint8_t rp = fb->red_pos, rs = fb->red_size;
    uint8_t gp = fb->green_pos, gs = fb->green_size;
    uint8_t bp = fb->blue_pos, bs = fb->blue_size;

    /* No colour layout given: assume the usual r5g6b5 / x8r8g8b8. */
    if (rs == 0 && gs == 0 && bs == 0) {
        if (fb->bpp == 16) {
            rp = 11, rs = 5, gp = 5, gs = 6, bp = 0, bs = 5;
        } else {
            rp = 16, rs = 8, gp = 8, gs = 8, bp = 0, bs = 8;
        }
    }
    return pack_channel(r, rp, rs) | pack_channel(g, gp, gs) | pack_channel(b, bp, bs);
}

/* Framebuffer words: no alignment assumed, may alias the byte view. */
typedef uint16_t fb16 __attribute__((aligned(1), may_alias));
typedef uint32_t fb32 __attribute__((aligned(1), may_alias));

static void put_pixel(uint8_t *p, uint32_t v)
{
    switch (con.bytespp) {
    case 4:
        *(fb32 *)p = v;
        break;
    case 3:
        p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16);
        break;
    default:
        *(fb16 *)p = (uint16_t)v;
        break;
    }
}

/* Fills scanlines [y0, y0 + h) across the whole width with the background. */
static void clear_lines(uint32_t y0, uint32_t h)
{
    for (uint32_t y = y0; y < y0 + h; y++) {
        uint8_t *p = con.base + (size_t)y * con.pitch;
        if (con.bg == 0) {
            memset(p, 0, (size_t)con.width * con.bytespp);
            continue;
        }
        for (uint32_t x = 0; x < con.width; x++, p += con.bytespp)
            put_pixel(p, con.bg);
    }
}

static void draw_glyph(uint32_t col, uint32_t row, unsigned char c)
{
    const struct font *f = &font_default;
    const uint8_t *g = f->glyphs + (size_t)c * f->height * f->stride;
    uint8_t *line =
        con.base + (size_t)row * f->height * con.pitch + (size_t)col * f->width * con.bytespp;
    uint32_t top = 1u << (f->stride * 8 - 1); /* bit of the leftmost pixel */

    for (uint32_t y = 0; y < f->height; y++, line += con.pitch) {
        uint32_t bits = 0;
        for (uint32_t i = 0; i < f->stride; i++)
            bits = bits << 8 | *g++;
        uint8_t *p = line;
        for (uint32_t x = 0; x < f->width; x++, p += con.bytespp)
            put_pixel(p, (bits & (top >> x)) ? con.fg : con.bg);
    }
}

/* Moves every text row up by one and clears the last one. */
static void scroll(void)
{
    uint32_t fh = font_default.height;
    size_t span = (size_t)con.width * con.bytespp;
    uint32_t moved = (con.rows - 1) * fh; /* scanlines that survive */

    if (span == con.pitch) {
        memmove(con.base, con.base + (size_t)fh * con.pitch, (size_t)moved * con.pitch);
    } else {
        for (uint32_t y = 0; y < moved; y++)
            memmove(con.base + (size_t)y * con.pitch, con.base + (size_t)(y + fh) * con.pitch,
                    span);
    }
    clear_lines(moved, fh);
}

static void newline(void)
{
    con.cx = 0;
    if (++con.cy == con.rows) {
        scroll();
        con.cy = con.rows - 1;
    }
}

static void put_char(unsigned char c)
{
    switch (c) {
    case '\n':
        newline();
        break;
    case '\r':
        con.cx = 0;
        break;
    case '\t':
        /* Tabs never wrap: they stop at the last column. */
        if (con.cx < con.cols - 1) {
            con.cx = (con.cx / 8 + 1) * 8;
            if (con.cx > con.cols - 1)
                con.cx = con.cols - 1;
        }
        break;
    case '\b':
        if (con.cx > 0)
            con.cx--;
        break;
    default:
        if (c < 0x20)
            break;
        if (con.cx == con.cols)
            newline();
        draw_glyph(con.cx, con.cy, c);
        con.cx++; /* may become cols: the wrap waits for the next glyph */
        break;
    }
}

int fbcon_init(const struct fb_info *fb)
{
    const struct font *f = &font_default;
    uint32_t bytespp;

    if (fb == NULL || fb->base == NULL || (fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32))
        return -EINVAL;
    if (f->width == 0 || f->width > 32 || f->stride * 8 < f->width || f->stride > 4 ||
        f->height == 0)
        return -EINVAL;
    bytespp = fb->bpp / 8u;
    if (fb->width < f->width || fb->height < f->height || fb->pitch < (uint64_t)fb->width * bytespp)
        return -EINVAL;

    con.base = fb->base;
    con.pitch = fb->pitch;
    con.width = fb->width;
    con.height = fb->height;
    con.bytespp = bytespp;
    con.cols = fb->width / f->width;
    con.rows = fb->height / f->height;
    con.cx = con.cy = 0;
    con.fg = pack_rgb(fb, FG_GREY, FG_GREY, FG_GREY);
    con.bg = pack_rgb(fb, 0, 0, 0);
    clear_lines(0, con.height);
    con.ready = 1;
    return 0;
}

void fbcon_write(const char *s, size_t n)
{
    if (!con.ready)
        return;
    for (size_t i = 0; i < n; i++)
        put_char((unsigned char)s[i]);
}
