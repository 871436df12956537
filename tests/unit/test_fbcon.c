/* Framebuffer console (drivers/fbcon.c) rendering into host memory, and the
 * screen-reading decoder (tools/fbtext.c) used by fbread. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/fbcon.h"
#include "drivers/font.h"
#include "tools/fbtext.h"

/* The kernel objects are linked with every symbol prefixed by k_. */
extern const struct font k_font_default;
int k_fbcon_init(const struct fb_info *fb);
void k_fbcon_write(const char *s, size_t n);

#define FONT     (&k_font_default)
#define K_EINVAL 22 /* libc/include/errno.h (Linux value) */

struct screen {
    struct fb_info fb;
    uint8_t *mem;
    uint32_t fg; /* expected packed light grey */
    uint32_t cols, rows;
};

/* Allocates a width x height framebuffer, fills it with garbage (including
 * the pitch padding) and initialises the console on it. */
static void screen_open(struct screen *s, uint32_t width, uint32_t height, uint8_t bpp,
                        uint32_t pad)
{
    memset(s, 0, sizeof(*s));
    s->fb.width = width;
    s->fb.height = height;
    s->fb.bpp = bpp;
    s->fb.pitch = width * (bpp / 8) + pad;
    if (bpp == 16) {
        s->fb.red_pos = 11, s->fb.red_size = 5, s->fb.green_pos = 5, s->fb.green_size = 6;
        s->fb.blue_pos = 0, s->fb.blue_size = 5;
        s->fg = 0xc618;
    } else {
        s->fb.red_pos = 16, s->fb.red_size = 8, s->fb.green_pos = 8, s->fb.green_size = 8;
        s->fb.blue_pos = 0, s->fb.blue_size = 8;
        s->fg = 0xc0c0c0;
    }
    s->mem = malloc((size_t)s->fb.pitch * height);
    assert_non_null(s->mem);
    memset(s->mem, 0x5a, (size_t)s->fb.pitch * height);
    s->fb.base = s->mem;
    s->cols = width / FONT->width;
    s->rows = height / FONT->height;
    assert_int_equal(k_fbcon_init(&s->fb), 0);
}

static void screen_close(struct screen *s)
{
    free(s->mem);
}

static uint32_t pixel(const struct screen *s, uint32_t x, uint32_t y)
{
    const uint8_t *p = s->mem + (size_t)y * s->fb.pitch + (size_t)x * (s->fb.bpp / 8);
    uint32_t v = 0;
    for (int i = s->fb.bpp / 8 - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static int glyph_bit(unsigned char c, uint32_t x, uint32_t y)
{
    const uint8_t *row = FONT->glyphs + ((size_t)c * FONT->height + y) * FONT->stride;
    return row[x / 8] >> (7 - x % 8) & 1;
}

/* Checks every pixel of text cell (col, row) against the glyph of c. */
static void assert_cell(const struct screen *s, uint32_t col, uint32_t row, unsigned char c)
{
    for (uint32_t y = 0; y < FONT->height; y++) {
        for (uint32_t x = 0; x < FONT->width; x++) {
            uint32_t want = glyph_bit(c, x, y) ? s->fg : 0;
            uint32_t got = pixel(s, col * FONT->width + x, row * FONT->height + y);
            if (got != want)
                fail_msg("cell (%u,%u) char 0x%02x pixel (%u,%u): got %#x want %#x", col, row, c, x,
                         y, got, want);
        }
    }
}

/* Checks a text row shows text followed by blank cells. */
static void assert_row(const struct screen *s, uint32_t row, const char *text)
{
    uint32_t n = (uint32_t)strlen(text);
    for (uint32_t col = 0; col < s->cols; col++)
        assert_cell(s, col, row, col < n ? (unsigned char)text[col] : ' ');
}

static void write_str(const char *str)
{
    k_fbcon_write(str, strlen(str));
}

/* Converts the framebuffer to 8-bit RGB using the channel layout. */
static uint8_t *to_rgb(const struct screen *s)
{
    const struct fb_info *fb = &s->fb;
    const uint8_t pos[3] = {fb->red_pos, fb->green_pos, fb->blue_pos};
    const uint8_t size[3] = {fb->red_size, fb->green_size, fb->blue_size};
    uint8_t *rgb = malloc((size_t)fb->width * fb->height * 3), *p = rgb;

    assert_non_null(rgb);
    for (uint32_t y = 0; y < fb->height; y++) {
        for (uint32_t x = 0; x < fb->width; x++) {
            uint32_t v = pixel(s, x, y);
            for (int c = 0; c < 3; c++)
                *p++ = (uint8_t)(((v >> pos[c]) & ((1u << size[c]) - 1)) << (8 - size[c]));
        }
    }
    return rgb;
}

/* Decodes the screen through fbtext and compares with want. */
static void assert_screen_text(const struct screen *s, const char *want)
{
    uint8_t *rgb = to_rgb(s);
    struct fbtext_image img = {rgb, s->fb.width, s->fb.height};
    char *text = fbtext_decode(&img, FONT);
    assert_non_null(text);
    assert_string_equal(text, want);
    free(text);
    free(rgb);
}

static void test_write_before_init_is_noop(void **state)
{
    (void)state;
    write_str("nobody listens\n"); /* must not crash: no framebuffer yet */
}

static void test_font_shape(void **state)
{
    (void)state;
    assert_int_equal(FONT->width, 8);
    assert_int_equal(FONT->height, 16);
    assert_int_equal(FONT->stride, 1);
    int ink = 0;
    for (uint32_t y = 0; y < FONT->height; y++)
        ink |= FONT->glyphs['A' * FONT->height + y] | FONT->glyphs[' ' * FONT->height + y] << 8;
    assert_true(ink != 0 && (ink & 0xff00) == 0); /* 'A' has ink, ' ' none */
}

static void test_render_32bpp(void **state)
{
    struct screen s;
    (void)state;
    screen_open(&s, 640, 480, 32, 0);
    assert_int_equal(s.cols, 80);
    assert_int_equal(s.rows, 30);
    assert_row(&s, 1, ""); /* init cleared the garbage */
    write_str("Uniplex 0.1 hello");
    assert_row(&s, 0, "Uniplex 0.1 hello");
    assert_screen_text(&s, "Uniplex 0.1 hello\n");
    screen_close(&s);
}

static void test_render_24bpp(void **state)
{
    struct screen s;
    (void)state;
    screen_open(&s, 200, 40, 24, 4); /* odd pitch: 604 bytes */
    write_str("24 bits {~}");
    assert_row(&s, 0, "24 bits {~}");
    assert_row(&s, 1, "");
    assert_screen_text(&s, "24 bits {~}\n");
    screen_close(&s);
}

static void test_render_16bpp(void **state)
{
    struct screen s;
    (void)state;
    screen_open(&s, 320, 200, 16, 0);
    write_str("rgb565 |@#$%");
    assert_row(&s, 0, "rgb565 |@#$%");
    assert_screen_text(&s, "rgb565 |@#$%\n");
    screen_close(&s);
}

static void test_packing_from_fields(void **state)
{
    struct screen s;
    (void)state;
    screen_open(&s, 64, 32, 16, 0);
    /* x1r5g5b5: 0xc0 >> 3 = 0x18 in each 5-bit field. */
    s.fb.red_pos = 10, s.fb.red_size = 5, s.fb.green_pos = 5, s.fb.green_size = 5;
    s.fb.blue_pos = 0, s.fb.blue_size = 5;
    assert_int_equal(k_fbcon_init(&s.fb), 0);
    s.fg = 0x6318;
    write_str("M");
    assert_cell(&s, 0, 0, 'M');
    screen_close(&s);

    /* 24bpp stored as three bytes b, g, r: 0xc0 each. */
    screen_open(&s, 64, 32, 24, 0);
    write_str("\xff");
    assert_cell(&s, 0, 0, 0xff);
    screen_close(&s);
}

static void test_newline_and_cr(void **state)
{
    struct screen s;
    (void)state;
    screen_open(&s, 160, 64, 32, 0);
    write_str("ab\ncd\rX\n\nlast");
    assert_row(&s, 0, "ab");
    assert_row(&s, 1, "Xd");
    assert_row(&s, 2, "");
    assert_row(&s, 3, "last");
    /* Control bytes other than \n \r \t \b draw nothing. */
    write_str("\r\a\x1b\x01Z");
    assert_row(&s, 3, "Zast");
    screen_close(&s);
}

static void test_tab(void **state)
{
    struct screen s;
    (void)state;
    screen_open(&s, 160, 64, 32, 0); /* 20 columns */
    write_str("a\tb\n12345678\tc\n\td");
    assert_screen_text(&s, "a       b\n12345678        c\n        d\n");
    /* From column 17 the next stop (24) is past the end: stop at column 19.
     * After the last column is written a tab does not move the cursor. */
    write_str("\r12345678901234567\tE\tF");
    assert_screen_text(&s, "a       b\n12345678        c\n12345678901234567  E\nF\n");
    screen_close(&s);
}

static void test_backspace(void **state)
{
    struct screen s;
    (void)state;
    screen_open(&s, 160, 64, 32, 0);
    write_str("ab\bX\n\b\bq\nkeep\b\b");
    assert_row(&s, 0, "aX");
    assert_row(&s, 1, "q");
    assert_row(&s, 2, "keep"); /* backspace does not erase */
    write_str("EE");
    assert_row(&s, 2, "keEE");
    screen_close(&s);
}

static void test_wrap(void **state)
{
    struct screen s;
    (void)state;
    screen_open(&s, 80, 64, 32, 0); /* 10 columns, 4 rows */
    /* A full line followed by \n does not leave an empty line behind. */
    write_str("0123456789\nnext\n");
    write_str("abcdefghijK");
    assert_screen_text(&s, "0123456789\nnext\nabcdefghij\nK\n");
    screen_close(&s);
}

static void test_scroll(void **state)
{
    struct screen s;
    char line[32], want[2048] = "";
    (void)state;
    screen_open(&s, 640, 480, 32, 0); /* 30 rows */
    for (int i = 0; i < 35; i++) {
        snprintf(line, sizeof(line), "line %d\n", i);
        write_str(line);
    }
    /* The cursor sits on the cleared last row; above it lines 6..34. */
    for (int i = 6; i < 35; i++) {
        snprintf(line, sizeof(line), "line %d\n", i);
        strcat(want, line);
    }
    assert_row(&s, 0, "line 6");
    assert_row(&s, 28, "line 34");
    assert_row(&s, 29, "");
    assert_screen_text(&s, want);
    write_str("tail");
    assert_row(&s, 29, "tail");
    screen_close(&s);
}

static void test_scroll_padded_pitch(void **state)
{
    struct screen s;
    (void)state;
    /* 100 pixels: 12 columns + a 4-pixel margin; pitch padded by 24 bytes. */
    screen_open(&s, 100, 50, 32, 24);
    assert_int_equal(s.rows, 3);
    write_str("first\nsecond\nthird\nfourth, wraps!");
    assert_row(&s, 0, "third");
    assert_row(&s, 1, "fourth, wrap");
    assert_row(&s, 2, "s!");
    for (uint32_t y = 0; y < 50; y++) { /* margins stay background */
        for (uint32_t x = 96; x < 100; x++)
            assert_int_equal(pixel(&s, x, y), 0);
    }
    for (uint32_t y = 48; y < 50; y++) { /* so do the 2 scanlines below row 2 */
        for (uint32_t x = 0; x < 100; x++)
            assert_int_equal(pixel(&s, x, y), 0);
    }
    assert_screen_text(&s, "third\nfourth, wrap\ns!\n");
    screen_close(&s);
}

static void test_init_rejects(void **state)
{
    uint8_t mem[64 * 64 * 4];
    struct fb_info fb = {mem, 64 * 4, 64, 64, 32, 16, 8, 8, 8, 0, 8};
    (void)state;
    assert_int_equal(k_fbcon_init(&fb), 0);
    fb.bpp = 8;
    assert_int_equal(k_fbcon_init(&fb), -K_EINVAL);
    fb.bpp = 15;
    assert_int_equal(k_fbcon_init(&fb), -K_EINVAL);
    fb.bpp = 32;
    fb.width = 7; /* narrower than one glyph */
    assert_int_equal(k_fbcon_init(&fb), -K_EINVAL);
    fb.width = 64;
    fb.height = 15;
    assert_int_equal(k_fbcon_init(&fb), -K_EINVAL);
    fb.height = 64;
    fb.pitch = 64 * 4 - 1; /* shorter than a scanline */
    assert_int_equal(k_fbcon_init(&fb), -K_EINVAL);
    fb.pitch = 64 * 4;
    fb.base = NULL;
    assert_int_equal(k_fbcon_init(&fb), -K_EINVAL);
    assert_int_equal(k_fbcon_init(NULL), -K_EINVAL);
}

static void test_one_cell_screen(void **state)
{
    struct screen s;
    (void)state;
    screen_open(&s, 8, 16, 32, 0);
    write_str("x\ny");
    assert_cell(&s, 0, 0, 'y');
    write_str("z"); /* wraps and scrolls */
    assert_cell(&s, 0, 0, 'z');
    screen_close(&s);
}

static void test_decode_all_printable(void **state)
{
    struct screen s;
    char text[256 + 16], want[512];
    size_t n = 0, w = 0;
    (void)state;
    screen_open(&s, 800, 96, 32, 0);  /* 100 columns */
    for (int c = 0x21; c < 0x7f; c++) /* from '!': no leading spaces */
        text[n++] = (char)c;
    text[n++] = '\n';
    for (int c = 0xa1; c < 0x100; c++) /* Latin-1, decoded as UTF-8 */
        text[n++] = (char)c;
    k_fbcon_write(text, n);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == 0xad) /* soft hyphen: same glyph as '-', the lower wins */
            c = '-';
        if (c >= 0x80)
            want[w++] = (char)(0xc0 | c >> 6), c = 0x80 | (c & 0x3f);
        want[w++] = (char)c;
    }
    want[w++] = '\n';
    want[w] = '\0';
    assert_screen_text(&s, want);
    screen_close(&s);
}

static void test_decode_unknown_cell(void **state)
{
    struct screen s;
    (void)state;
    screen_open(&s, 160, 32, 32, 0);
    write_str("ok");
    assert_int_equal(glyph_bit('o', 0, 0), 0);
    s.mem[0] = 0x40;                                     /* a stray dot on 'o' */
    s.mem[(size_t)5 * s.fb.pitch + (8 * 2 + 3) * 4] = 1; /* one in empty cell 2 */
    assert_screen_text(&s, "?k?\n");
    screen_close(&s);
}

static void test_parse_ppm(void **state)
{
    static const char good[] = "P6 # comment\n#another\n2\t1\n# c\n255\n\x01\x02\x03\x04\x05\x06";
    struct fbtext_image img;
    (void)state;
    assert_null(fbtext_parse_ppm((const uint8_t *)good, sizeof(good) - 1, &img));
    assert_int_equal(img.width, 2);
    assert_int_equal(img.height, 1);
    assert_int_equal(img.rgb[5], 6);

    static const char *const bad[] = {
        "P3\n2 1\n255\n123456",  "P6\n2 1\n65535\n123456789012",
        "P6\n2 1\n255\n12345",   "P6\n2\n",
        "P6\n0 1\n255\n",        "P6\n2 x\n255\n123456",
        "P62 1 255 123456",      "P6\n99999999999 1\n255\n",
        "P6\n2 1\n255#\n123456", "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *err = fbtext_parse_ppm((const uint8_t *)bad[i], strlen(bad[i]), &img);
        if (err == NULL)
            fail_msg("accepted bad PPM #%zu", i);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_before_init_is_noop),
        cmocka_unit_test(test_font_shape),
        cmocka_unit_test(test_render_32bpp),
        cmocka_unit_test(test_render_24bpp),
        cmocka_unit_test(test_render_16bpp),
        cmocka_unit_test(test_packing_from_fields),
        cmocka_unit_test(test_newline_and_cr),
        cmocka_unit_test(test_tab),
        cmocka_unit_test(test_backspace),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_scroll),
        cmocka_unit_test(test_scroll_padded_pitch),
        cmocka_unit_test(test_init_rejects),
        cmocka_unit_test(test_one_cell_screen),
        cmocka_unit_test(test_decode_all_printable),
        cmocka_unit_test(test_decode_unknown_cell),
        cmocka_unit_test(test_parse_ppm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
