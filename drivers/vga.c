#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/printk.h"
#include "drivers/vga.h"

#define ATTR      0x0700 /* light grey on black */
#define CRTC_ADDR 0x3d4
#define CRTC_DATA 0x3d5

static volatile uint16_t *cells;
static unsigned ncols, nrows, col, row;

static void vga_cursor(void)
{
    unsigned pos = row * ncols + col;
    arch_outb(CRTC_ADDR, 0x0f);
    arch_outb(CRTC_DATA, pos & 0xff);
    arch_outb(CRTC_ADDR, 0x0e);
    arch_outb(CRTC_DATA, (pos >> 8) & 0xff);
}

static void vga_scroll(void)
{
    for (unsigned i = 0; i < (nrows - 1) * ncols; i++)
        cells[i] = cells[i + ncols];
    for (unsigned i = (nrows - 1) * ncols; i < nrows * ncols; i++)
        cells[i] = ATTR | ' ';
    row = nrows - 1;
}

static void vga_putc(char c)
{
    switch (c) {
    case '\n':
        col = 0;
        row++;
        break;
    case '\r':
        col = 0;
        break;
    case '\t':
        col = (col + 8) & ~7u;
        break;
    case '\b':
        col = col ? col - 1 : 0;
        break;
    default:
        cells[row * ncols + col] = ATTR | (uint8_t)c;
        col++;
    }
    if (col >= ncols) {
        col = 0;
        row++;
    }
    if (row >= nrows)
        vga_scroll();
}

static void vga_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vga_putc(s[i]);
    vga_cursor();
}

static struct console vga_console = {.name = "vga", .write = vga_write};

int vga_init(void *base, unsigned cols, unsigned rows)
{
    if (!base || cols < 8 || rows < 2 || cols > 256 || rows > 128)
        return -EINVAL;
    cells = base;
    ncols = cols;
    nrows = rows;
    for (unsigned i = 0; i < rows * cols; i++)
        cells[i] = ATTR | ' ';
    col = row = 0;
    vga_cursor();
    console_register(&vga_console);
    return 0;
}
