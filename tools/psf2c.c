/* psf2c INPUT.psf OUTPUT.c: converts an uncompressed PSF1 or PSF2 console
 * font into a C file defining font_default (drivers/font.h): 256 glyphs
 * indexed by Latin-1 code point, picked through the font's unicode table
 * (glyph i = code point i when it has none); code points without a glyph
 * get the glyph of '?'. On any error nothing is written and it exits 1. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/byteorder.h"

#define PSF1_MODE512    0x01
#define PSF1_MODEHASTAB 0x02
#define PSF1_MODESEQ    0x04
#define PSF2_HAS_TABLE  0x01
#define MAX_FILE        (16u << 20)
#define MAX_HEIGHT      64
#define NCODES          256

struct psf {
    uint32_t width, height, stride, nglyphs;
    const uint8_t *glyphs;          /* nglyphs * height * stride bytes */
    const uint8_t *table, *tab_end; /* unicode table, or NULL */
    int psf2;                       /* table is UTF-8, else 16-bit LE */
};

static const char *prog = "psf2c";

/* Reads the whole file; returns NULL after printing why. */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: %s: cannot open: ", prog, path);
        perror(NULL);
        return NULL;
    }
    uint8_t *buf = malloc(MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, MAX_FILE + 1, f) : 0;
    int err = buf == NULL || ferror(f);
    fclose(f);
    if (err || n > MAX_FILE) {
        fprintf(stderr, "%s: %s: %s\n", prog, path,
                buf == NULL ? "out of memory"
                : err       ? "read error"
                            : "file too large");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* Checks that the glyphs lie in the file; the table, if any, follows them. */
static const char *place_glyphs(struct psf *p, const uint8_t *buf, size_t len, size_t hdr,
                                int has_table)
{
    if (p->width == 0 || p->height == 0 || p->nglyphs == 0)
        return "zero glyph size or count";
    if (p->width > 32)
        return "glyphs wider than 32 pixels";
    if (p->height > MAX_HEIGHT)
        return "glyphs taller than 64 pixels";
    uint64_t size = (uint64_t)p->nglyphs * p->height * p->stride;
    if (hdr > len || size > len - hdr)
        return "truncated glyph data";
    p->glyphs = buf + hdr;
    p->table = has_table ? p->glyphs + size : NULL;
    p->tab_end = buf + len;
    return NULL;
}

static const char *parse_psf1(struct psf *p, const uint8_t *buf, size_t len)
{
    if (len < 4)
        return "truncated header";
    p->psf2 = 0;
    p->width = 8;
    p->stride = 1;
    p->height = buf[3];
    p->nglyphs = buf[2] & PSF1_MODE512 ? 512 : 256;
    return place_glyphs(p, buf, len, 4, buf[2] & (PSF1_MODEHASTAB | PSF1_MODESEQ));
}

static const char *parse_psf2(struct psf *p, const uint8_t *buf, size_t len)
{
    if (len < 32)
        return "truncated header";
    uint32_t hdr = load_le32(buf + 8), flags = load_le32(buf + 12), charsize = load_le32(buf + 20);
    p->psf2 = 1;
    p->nglyphs = load_le32(buf + 16);
    p->height = load_le32(buf + 24);
    p->width = load_le32(buf + 28);
    p->stride = p->width / 8 + (p->width % 8 != 0);
    if (hdr < 32)
        return "header size below 32";
    if (p->width != 0 && p->width <= 32 && charsize != (uint64_t)p->height * p->stride)
        return "glyph size does not match width and height";
    return place_glyphs(p, buf, len, hdr, flags & PSF2_HAS_TABLE);
}

/* Decodes one UTF-8 character at *s (before end); NULL if malformed. */
static const uint8_t *utf8_next(const uint8_t *s, const uint8_t *end, uint32_t *cp)
{
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    int n = *s < 0x80                 ? 1
            : *s >= 0xc2 && *s < 0xe0 ? 2
            : *s >= 0xe0 && *s < 0xf0 ? 3
            : *s >= 0xf0 && *s < 0xf5 ? 4
                                      : 0;
    if (n == 0 || end - s < n)
        return NULL;
    uint32_t c = n == 1 ? *s : *s & (0x7f >> n);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return NULL;
        c = c << 6 | (s[i] & 0x3f);
    }
    if (c < min[n])
        return NULL;
    *cp = c;
    return s + n;
}

/* Reads the next table entry of one glyph: returns 1 and the code point,
 * 0 at the glyph's terminator, -1 on a malformed or truncated table.
 * *seq is set once the glyph's combining sequences begin. */
static int next_entry(const struct psf *p, const uint8_t **pos, uint32_t *cp, int *seq)
{
    const uint8_t *s = *pos;
    for (;;) {
        if (!p->psf2) {
            if (p->tab_end - s < 2)
                return -1;
            uint32_t v = load_le16(s);
            *pos = s += 2;
            if (v == 0xffff)
                return 0;
            if (v == 0xfffe) {
                *seq = 1;
                continue;
            }
            *cp = v;
            return 1;
        }
        if (s >= p->tab_end)
            return -1;
        if (*s == 0xff || *s == 0xfe) {
            *pos = ++s;
            if (s[-1] == 0xff)
                return 0;
            *seq = 1;
            continue;
        }
        if ((s = utf8_next(s, p->tab_end, cp)) == NULL)
            return -1;
        *pos = s;
        return 1;
    }
}

/* Fills map[cp] with the glyph index for each Latin-1 code point. */
static const char *build_map(const struct psf *p, uint32_t map[NCODES])
{
    long found[NCODES];
    for (int i = 0; i < NCODES; i++)
        found[i] = p->table == NULL && (uint32_t)i < p->nglyphs ? i : -1;

    const uint8_t *pos = p->table;
    for (uint32_t g = 0; p->table != NULL && g < p->nglyphs; g++) {
        int seq = 0, r;
        uint32_t cp;
        while ((r = next_entry(p, &pos, &cp, &seq)) > 0) {
            /* A sequence is a composed form, not a plain code point. */
            if (!seq && cp < NCODES && found[cp] < 0)
                found[cp] = g;
        }
        if (r < 0)
            return "truncated or malformed unicode table";
    }
    if (found['?'] < 0)
        return "no glyph for '?'";
    for (int i = 0; i < NCODES; i++)
        map[i] = (uint32_t)(found[i] < 0 ? found['?'] : found[i]);
    return NULL;
}

static void emit(FILE *out, const struct psf *p, const uint32_t map[NCODES], const char *name)
{
    uint32_t gsize = p->height * p->stride;
    /* Padding bits right of the glyph are cleared; fbread relies on it. */
    uint8_t mask = p->width % 8 ? (uint8_t)(0xff00 >> (p->width % 8)) : 0xff;

    fprintf(out, "/* Generated by tools/psf2c from %s; do not edit. */\n", name);
    fprintf(out, "#include \"drivers/font.h\"\n\n");
    fprintf(out, "static const uint8_t font_glyphs[%u] = {\n", NCODES * gsize);
    for (int c = 0; c < NCODES; c++) {
        const uint8_t *g = p->glyphs + (size_t)map[c] * gsize;
        fprintf(out, "    /* 0x%02x */", c);
        for (uint32_t i = 0; i < gsize; i++) {
            uint8_t b = (i + 1) % p->stride == 0 ? g[i] & mask : g[i];
            fprintf(out, "%s0x%02x,", i % 16 == 0 && i > 0 ? "\n              " : " ", b);
        }
        fputc('\n', out);
    }
    fprintf(out, "};\n\nconst struct font font_default = {\n");
    fprintf(out, "    .width = %u,\n    .height = %u,\n    .stride = %u,\n", p->width, p->height,
            p->stride);
    fprintf(out, "    .glyphs = font_glyphs,\n};\n");
}

static int write_output(const char *path, const struct psf *p, const uint32_t map[NCODES],
                        const char *name)
{
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        fprintf(stderr, "%s: %s: cannot create: ", prog, path);
        perror(NULL);
        return -1;
    }
    emit(out, p, map, name);
    int err = ferror(out);
    if (fclose(out) != 0 || err) {
        fprintf(stderr, "%s: %s: write error\n", prog, path);
        remove(path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const uint8_t psf1_magic[2] = {0x36, 0x04}, psf2_magic[4] = {0x72, 0xb5, 0x4a, 0x86};
    struct psf p;
    uint32_t map[NCODES];
    size_t len;
    const char *err;

    if (argc != 3) {
        fprintf(stderr, "usage: %s INPUT.psf OUTPUT.c\n", prog);
        return 1;
    }
    uint8_t *buf = read_file(argv[1], &len);
    if (buf == NULL)
        return 1;
    if (len >= 4 && memcmp(buf, psf2_magic, 4) == 0)
        err = parse_psf2(&p, buf, len);
    else if (len >= 2 && memcmp(buf, psf1_magic, 2) == 0)
        err = parse_psf1(&p, buf, len);
    else
        err = "bad magic (not a PSF1 or PSF2 font)";
    if (err == NULL)
        err = build_map(&p, map);
    if (err != NULL) {
        fprintf(stderr, "%s: %s: %s\n", prog, argv[1], err);
        free(buf);
        return 1;
    }
    const char *base = strrchr(argv[1], '/');
    int rc = write_output(argv[2], &p, map, base ? base + 1 : argv[1]);
    free(buf);
    return rc == 0 ? 0 : 1;
}
