/* fbread SCREEN.ppm: prints the text shown in a QEMU screendump (binary PPM)
 * of the framebuffer console, one line per text row (see tools/fbtext.h).
 * Exits 1 with a message on a malformed or unreadable image. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/font.h"
#include "tools/fbtext.h"

#define MAX_FILE (256u << 20)

/* Reads the whole file into *buf; returns NULL or what went wrong. */
static const char *read_file(const char *path, uint8_t **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 0, n = 0;
    uint8_t *b = NULL;
    const char *err = NULL;

    if (f == NULL)
        return strerror(errno);
    for (;;) {
        if (n == cap) {
            uint8_t *nb = cap < MAX_FILE ? realloc(b, cap = cap ? cap * 2 : 1 << 20) : NULL;
            if (nb == NULL) {
                err = cap >= MAX_FILE ? "file too large" : "out of memory";
                break;
            }
            b = nb;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            err = ferror(f) ? "read error" : NULL;
            break;
        }
    }
    fclose(f);
    if (err != NULL) {
        free(b);
        return err;
    }
    *buf = b;
    *len = n;
    return NULL;
}

int main(int argc, char **argv)
{
    struct fbtext_image img;
    size_t len = 0;
    const char *err;

    if (argc != 2) {
        fprintf(stderr, "usage: fbread SCREEN.ppm\n");
        return 1;
    }
    uint8_t *buf = NULL;
    if ((err = read_file(argv[1], &buf, &len)) != NULL) {
        fprintf(stderr, "fbread: %s: %s\n", argv[1], err);
        return 1;
    }
    if ((err = fbtext_parse_ppm(buf, len, &img)) != NULL) {
        fprintf(stderr, "fbread: %s: %s\n", argv[1], err);
        free(buf);
        return 1;
    }
    char *text = fbtext_decode(&img, &font_default);
    if (text == NULL) {
        fprintf(stderr, "fbread: out of memory\n");
        free(buf);
        return 1;
    }
    fputs(text, stdout);
    free(text);
    free(buf);
    return fflush(stdout) == 0 ? 0 : 1;
}
