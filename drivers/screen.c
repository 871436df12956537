#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/printk.h"
#include "drivers/fbcon.h"
#include "drivers/screen.h"
#include "drivers/vga.h"

#define VGA_TEXT_PHYS 0xb8000

static struct console fb_console = {.name = "framebuffer", .write = fbcon_write};

static void screen_fb(const struct boot_fb *fb)
{
    uint64_t bytes = (uint64_t)fb->pitch * fb->height;
    void *base = arch_phys_map(fb->addr, bytes);

    if (!base) {
        printk("screen: framebuffer at %#llx is outside the mapped range; skipped\n",
               (unsigned long long)fb->addr);
        return;
    }
    struct fb_info info = {
        .base = base,
        .pitch = fb->pitch,
        .width = fb->width,
        .height = fb->height,
        .bpp = fb->bpp,
        .red_pos = fb->red_pos,
        .red_size = fb->red_size,
        .green_pos = fb->green_pos,
        .green_size = fb->green_size,
        .blue_pos = fb->blue_pos,
        .blue_size = fb->blue_size,
    };
    if (fbcon_init(&info) != 0) {
        printk("screen: %u bpp framebuffer not supported; skipped\n", fb->bpp);
        return;
    }
    console_register(&fb_console);
}

static void screen_vga(uint64_t phys, unsigned cols, unsigned rows)
{
    void *base = arch_phys_map(phys, (uint64_t)cols * rows * 2);

    if (vga_init(base, cols, rows) != 0)
        printk("screen: VGA text %ux%u at %#llx unusable; skipped\n", cols, rows,
               (unsigned long long)phys);
}

void screen_init(const struct bootinfo *bi)
{
    if (bi->has_fb && bi->fb.type == FB_TYPE_RGB)
        screen_fb(&bi->fb);
    else if (bi->has_fb && bi->fb.type == FB_TYPE_EGA_TEXT)
        screen_vga(bi->fb.addr, bi->fb.width, bi->fb.height);
    else if (bi->has_fb)
        printk("screen: indexed-colour framebuffer not supported; skipped\n");
    else if (!bi->efi)
        screen_vga(VGA_TEXT_PHYS, 80, 25); /* BIOS boot: text mode is set up */
    else
        printk("screen: UEFI boot without a framebuffer; screen console skipped\n");
}
