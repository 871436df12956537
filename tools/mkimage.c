/* mkimage: build the boot files of a Uniplex image.
 *
 *   mkimage -o OUTDIR [--init PATH] [--arg ARG]... [--env NAME=VALUE]...
 *           [--kopt WORD]... [--symlink DEST=TARGET]...
 *           [--iso ISO --kernel KERNEL.ELF] SRC:DEST...
 *
 * Writes OUTDIR/initrd.cpio (the first boot module), OUTDIR/cmdline (the
 * kernel command line, for QEMU -append; no trailing newline) and
 * OUTDIR/grub.cfg; with --iso also the GRUB ISO (kernel at /boot/kernel.elf,
 * initrd at /boot/initrd.cpio). A DEST ending in '/' names a directory: the
 * file keeps its source name there.
 *
 * Every input starting with the ELF magic must be a static x86-64
 * executable: the header is read with libelf, the rest is decided by the
 * kernel's own checker (kernel/proc/elfcheck.c, linked in unchanged), so the
 * builder refuses exactly what the loader would. Other files are data.
 *
 * The initrd is a cpio "newc" archive: directories (040755) before what
 * they hold, entries sorted by path, uid/gid 0, the source's mtime and
 * permission bits (0755 for an ELF program that had no x bit at all), and
 * every regular file's data at an archive offset that is a multiple of
 * the page size (the kernel maps program text straight from the initrd):
 * the name is prefixed with as many "./" as that takes, which the kernel
 * strips.
 *
 * Command line: init=PATH, then initenv=NAME=VALUE in order, the --kopt
 * words, then "--" and init's arguments (left out when there are none). A
 * word containing a space is written whole inside double quotes, and every
 * '\', '"' and '\'' gets a backslash before it: exactly what GRUB's
 * multiboot2 command produces when it re-joins its arguments, so QEMU
 * -append and the ISO give the kernel the same bytes (the kernel decodes
 * that syntax: kernel/proc/initargs.h). Empty words and control characters
 * cannot be passed and are refused (see check_word).
 *
 * Exit status: 0 done, 1 a bad input (one line "mkimage: WHAT: WHY", and no
 * output files are left in OUTDIR), 2 bad usage. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <getopt.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernel/bootinfo.h"
#include "kernel/mm/page.h"
#include "kernel/proc/elfcheck.h"
#include "kernel/uts.h"

#define CPIO_ALIGN   PAGE_SIZE                  /* file data alignment inside the archive */
#define SYMLINK_HOPS 8                          /* resolving --init through symlinks */
#define CMDLINE_WARN (BOOT_STRINGS_MAX * 3 / 4) /* leaves room for the other strings */

enum kind { K_DIR, K_FILE, K_LINK };

/* One entry of the image. */
struct node {
    char *path; /* normalised image path: "/bin/hello" */
    enum kind kind;
    const char *src; /* where it came from, for messages */
    uint32_t mode;   /* st_mode as stored (type and permissions) */
    uint64_t mtime;
    uint8_t *data; /* file contents, or the symlink target */
    size_t size;
    int elf; /* a K_FILE that passed the ELF checks */
};

struct strv {
    const char **v;
    size_t n;
};

struct image {
    struct node *node;
    size_t n, cap;
    const char *init;
    struct strv args, envs, kopts;
};

/* A growable byte string. */
struct buf {
    char *p;
    size_t n, cap;
};

/* Output paths, removed again if anything fails. */
static char *out_files[3];
/* --unchecked: ELF files and init go in as they are, so that tests can
 * check the kernel's own loader refusing them. */
static int unchecked;
static const char *out_iso;

static void remove_outputs(void)
{
    for (size_t i = 0; i < sizeof(out_files) / sizeof(out_files[0]); i++)
        if (out_files[i])
            unlink(out_files[i]);
    if (out_iso)
        unlink(out_iso);
}

/* Report one error line and exit 1, leaving no (possibly stale) output. */
static _Noreturn void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mkimage: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    remove_outputs();
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

static void strv_push(struct strv *sv, const char *s)
{
    sv->v = xrealloc(sv->v, (sv->n + 1) * sizeof(*sv->v));
    sv->v[sv->n++] = s;
}

static void buf_add(struct buf *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static char *path_join(const char *dir, const char *name)
{
    struct buf b = {0};
    buf_str(&b, dir);
    buf_str(&b, "/");
    buf_str(&b, name);
    return b.p;
}

/* ---- image paths --------------------------------------------------------- */

/* Append path component c (len n) to the normalised path in b, handling
 * "." and ".." when dots is set (symlink targets), refusing them otherwise. */
static int add_component(struct buf *b, const char *c, size_t n, int dots)
{
    if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) {
        if (!dots)
            return -1;
        if (n == 2) { /* drop the last component, if any */
            while (b->n > 0 && b->p[b->n - 1] != '/')
                b->n--;
            if (b->n > 0)
                b->n--;
            b->p[b->n] = '\0';
        }
        return 0;
    }
    buf_add(b, "/", 1);
    buf_add(b, c, n);
    return 0;
}

/* Normalise an absolute image path: "//" collapsed, no trailing '/'. With
 * dots, "." and ".." are resolved; without, they make it invalid. Returns
 * NULL for an invalid path ("" for the root itself). */
static char *normalise(const char *path, int dots)
{
    struct buf b = {0};
    buf_str(&b, "");
    if (path[0] != '/')
        return NULL;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n && add_component(&b, p, n, dots) < 0)
            return NULL;
        p += n;
    }
    return b.p;
}

/* The image path for DEST (absolute; a trailing '/' means "in this
 * directory, under the source's own name"). Dies with a clear reason. */
static char *dest_path(const char *dest, const char *src, const char *what)
{
    if (dest[0] != '/')
        die("%s: destination '%s' is not an absolute path", what, dest);
    const char *name = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
    char *full = dest[strlen(dest) - 1] == '/' ? path_join(dest, name) : xstrdup(dest);
    char *p = normalise(full, 0);
    if (!p || !p[0])
        die("%s: destination '%s' is not a file path (no '.', '..', or bare '/')", what, dest);
    free(full);
    return p;
}

static struct node *add_node(struct image *img, struct node n)
{
    if (img->n == img->cap) {
        img->cap = img->cap ? 2 * img->cap : 16;
        img->node = xrealloc(img->node, img->cap * sizeof(*img->node));
    }
    img->node[img->n] = n;
    return &img->node[img->n++];
}

static struct node *find_node(struct image *img, const char *path)
{
    for (size_t i = 0; i < img->n; i++)
        if (strcmp(img->node[i].path, path) == 0)
            return &img->node[i];
    return NULL;
}

/* ---- ELF checks ------------------------------------------------------------ */

static const char *machine_name(unsigned m)
{
    switch (m) {
    case EM_386:
        return "i386";
    case EM_ARM:
        return "ARM";
    case EM_AARCH64:
        return "AArch64";
    case EM_RISCV:
        return "RISC-V";
    case EM_PPC64:
        return "PowerPC64";
    case EM_S390:
        return "S/390";
    default:
        return "unknown";
    }
}

/* Why an ELF header's class, byte order or machine is not x86-64, or NULL. */
static const char *elf_arch_problem(int cls, const GElf_Ehdr *eh, char *msg, size_t msz)
{
    if (cls == ELFCLASS32)
        return "32-bit ELF (class ELFCLASS32): only 64-bit x86-64 programs run on Uniplex";
    if (cls != ELFCLASS64)
        return "ELF of an unknown class: only 64-bit x86-64 programs run on Uniplex";
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return "big-endian ELF: only little-endian x86-64 programs run on Uniplex";
    if (eh->e_machine != EM_X86_64) {
        snprintf(msg, msz, "ELF for machine %s (e_machine %u), not x86-64",
                 machine_name(eh->e_machine), (unsigned)eh->e_machine);
        return msg;
    }
    return NULL;
}

/* Why an x86-64 ELF header's type is not an executable, or NULL. */
static const char *elf_type_problem(unsigned type, char *msg, size_t msz)
{
    if (type == ET_EXEC || type == ET_DYN)
        return NULL;
    if (type == ET_REL)
        return "relocatable object (ET_REL), not a linked executable";
    if (type == ET_CORE)
        return "core dump (ET_CORE), not an executable";
    snprintf(msg, msz, "ELF type %u, not an executable (ET_EXEC or ET_DYN)", type);
    return msg;
}

/* The header checks, through libelf: class, byte order, machine, type.
 * Returns a reason (possibly in msg) or NULL; also NULL when libelf cannot
 * read the header at all, leaving the verdict to elf_check. */
static const char *elf_header_problem(uint8_t *data, size_t size, char *msg, size_t msz)
{
    Elf *e = elf_memory((char *)data, size);
    GElf_Ehdr eh;
    const char *why = NULL;

    if (e && elf_kind(e) == ELF_K_ELF && gelf_getehdr(e, &eh)) {
        why = elf_arch_problem(gelf_getclass(e), &eh, msg, msz);
        if (!why)
            why = elf_type_problem(eh.e_type, msg, msz);
    }
    elf_end(e);
    return why;
}

/* Dies unless the ELF file data[0..size) is a loadable static x86-64
 * executable. The segment checks (no PT_INTERP, lower half, no overlap,
 * entry in an executable segment, bounds) are the kernel's elf_check. */
static void check_elf(const char *src, uint8_t *data, size_t size)
{
    char msg[160];
    struct elf_image img;
    const char *why = elf_header_problem(data, size, msg, sizeof(msg));

    if (!why && elf_check(data, size, &img, &why) == 0)
        return;
    die("%s: %s", src, why ? why : "not a loadable ELF executable");
}

/* ---- inputs ------------------------------------------------------------------ */

/* Read a whole regular file into n->data. */
static void read_source(const char *src, struct node *n)
{
    struct stat st;
    int fd = open(src, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) < 0)
        die("%s: %s", src, strerror(errno));
    if (!S_ISREG(st.st_mode))
        die("%s: not a regular file", src);
    n->size = (size_t)st.st_size;
    n->data = xrealloc(NULL, n->size);
    for (size_t got = 0; got < n->size;) {
        ssize_t r = read(fd, n->data + got, n->size - got);
        if (r <= 0)
            die("%s: %s", src, r < 0 ? strerror(errno) : "file shrank while being read");
        got += (size_t)r;
    }
    close(fd);
    n->mode = st.st_mode & 07777;
    n->mtime = st.st_mtime < 0 ? 0 : (uint64_t)st.st_mtime;
}

/* SRC:DEST. DEST starts at the last ":/" (DEST is absolute), so SRC may
 * contain ':' itself. */
static void add_file(struct image *img, const char *arg)
{
    const char *colon = NULL;
    for (const char *p = arg; (p = strchr(p, ':')) != NULL; p++)
        if (!colon || p[1] == '/')
            colon = p;
    if (!colon || colon == arg)
        die("%s: expected SRC:DEST", arg);
    char *src = strndup(arg, (size_t)(colon - arg));
    struct node n = {.kind = K_FILE, .src = src};
    n.path = dest_path(colon + 1, src, arg);
    read_source(src, &n);
    if (n.size > UINT32_MAX)
        die("%s: larger than 4 GiB, the cpio newc format's limit", src);
    if (n.size >= 4 && memcmp(n.data, "\177ELF", 4) == 0) {
        if (!unchecked)
            check_elf(src, n.data, n.size);
        n.elf = 1;
        if (!(n.mode & 0111))
            n.mode = 0755; /* a program must be executable */
    }
    n.mode |= 0100000;
    add_node(img, n);
}

/* DEST=TARGET. */
static void add_symlink(struct image *img, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || !eq[1])
        die("--symlink %s: expected DEST=TARGET", arg);
    char *dest = strndup(arg, (size_t)(eq - arg));
    struct node n = {.kind = K_LINK, .src = arg, .mode = 0120777};
    n.path = dest_path(dest, "", arg);
    n.data = (uint8_t *)xstrdup(eq + 1);
    n.size = strlen(eq + 1);
    free(dest);
    add_node(img, n);
}

/* The files every image has unless the command line gives its own: the
 * user and group databases with root and nobody (so getpwnam, ls -l, ps
 * and id show names), and the host name the kernel starts with (its
 * UTS_NODENAME). */
static void add_defaults(struct image *img)
{
    static const struct {
        const char *path, *text;
    } files[] = {
        {"/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                        "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"},
        {"/etc/group", "root:x:0:\nnogroup:x:65534:\n"},
        {"/etc/hostname", UTS_NODENAME "\n"},
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        if (find_node(img, files[i].path))
            continue;
        struct node n = {.kind = K_FILE, .src = "(default)", .mode = 0100644};
        n.path = xstrdup(files[i].path);
        n.data = (uint8_t *)xstrdup(files[i].text);
        n.size = strlen(files[i].text);
        n.mtime = (uint64_t)time(NULL);
        add_node(img, n);
    }
}

/* Add the directory entries every node needs, refusing a path used both as
 * a file and as a directory. Directories take the mtime of their first
 * content. */
static void add_parents(struct image *img)
{
    for (size_t i = 0; i < img->n; i++) {
        char *path = xstrdup(img->node[i].path);
        uint64_t mtime = img->node[i].mtime;
        for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
            *s = '\0';
            struct node *d = find_node(img, path);
            if (d && d->kind != K_DIR)
                die("%s: is %s, but %s needs it to be a directory", path,
                    d->kind == K_LINK ? "a symlink" : "a file", img->node[i].path);
            if (!d)
                add_node(img, (struct node){.path = xstrdup(path),
                                            .kind = K_DIR,
                                            .src = "(directory)",
                                            .mode = 040755,
                                            .mtime = mtime});
            *s = '/';
        }
        free(path);
    }
}

static int node_cmp(const void *a, const void *b)
{
    return strcmp(((const struct node *)a)->path, ((const struct node *)b)->path);
}

/* Sort by path (a directory is a prefix of its contents, so it comes first)
 * and refuse duplicates. */
static void sort_nodes(struct image *img)
{
    qsort(img->node, img->n, sizeof(*img->node), node_cmp);
    for (size_t i = 1; i < img->n; i++)
        if (strcmp(img->node[i - 1].path, img->node[i].path) == 0)
            die("%s: destination given twice (%s and %s)", img->node[i].path, img->node[i - 1].src,
                img->node[i].src);
}

/* The node path ends up at, following symlinks inside the image; NULL
 * (with *loop set after too many links) if there is none. */
static const struct node *resolve(struct image *img, const char *path, int *loop)
{
    char *p = normalise(path, 1);
    *loop = 0;
    for (int hop = 0; p && hop <= SYMLINK_HOPS; hop++) {
        const struct node *n = find_node(img, p);
        if (!n || n->kind != K_LINK) {
            free(p);
            return n;
        }
        const char *t = (const char *)n->data;
        char *dir = xstrdup(p);
        *strrchr(dir, '/') = '\0';
        char *joined = t[0] == '/' ? xstrdup(t) : path_join(dir, t);
        free(p);
        p = normalise(joined, 1);
        free(joined);
        free(dir);
    }
    *loop = p != NULL;
    free(p);
    return NULL;
}

static void check_init(struct image *img)
{
    if (unchecked)
        return;
    if (img->init[0] != '/')
        die("init %s: not an absolute path", img->init);
    int loop;
    const struct node *n = resolve(img, img->init, &loop);
    if (loop)
        die("init %s: more than %d symbolic links (a loop?)", img->init, SYMLINK_HOPS);
    if (!n)
        die("init %s: not in the image (add SRC:%s or give --init)", img->init, img->init);
    if (!n->elf)
        die("init %s: %s is not an ELF program", img->init, n->src);
}

/* ---- command line ------------------------------------------------------------ */

/* A word must reach the kernel unchanged both through QEMU -append and
 * through GRUB, which re-quotes it (see the top comment). */
static void check_word(const char *w)
{
    if (!w[0])
        die("an empty word cannot be passed on the kernel command line (--arg \"\"?)");
    for (const unsigned char *p = (const unsigned char *)w; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            die("command-line word \"%s\": control characters cannot be passed", w);
}

/* One word as the kernel receives it from GRUB: quoted whole if it has a
 * space, with a backslash before every '\', '"' and '\''. */
static void put_word(struct buf *b, const char *w)
{
    int space = strchr(w, ' ') != NULL;
    if (b->n)
        buf_str(b, " ");
    if (space)
        buf_str(b, "\"");
    for (; *w; w++) {
        if (*w == '"' || *w == '\\' || *w == '\'')
            buf_str(b, "\\");
        buf_add(b, w, 1);
    }
    if (space)
        buf_str(b, "\"");
}

/* The words of the command line, unquoted, in order. */
static struct strv cmdline_words(const struct image *img)
{
    struct strv w = {0};
    struct buf b = {0};
    buf_str(&b, "init=");
    buf_str(&b, img->init);
    strv_push(&w, b.p);
    for (size_t i = 0; i < img->envs.n; i++) {
        struct buf e = {0};
        buf_str(&e, "initenv=");
        buf_str(&e, img->envs.v[i]);
        strv_push(&w, e.p);
    }
    for (size_t i = 0; i < img->kopts.n; i++)
        strv_push(&w, img->kopts.v[i]);
    if (img->args.n)
        strv_push(&w, "--");
    for (size_t i = 0; i < img->args.n; i++)
        strv_push(&w, img->args.v[i]);
    return w;
}

static char *make_cmdline(const struct strv *words)
{
    struct buf b = {0};
    buf_str(&b, "");
    for (size_t i = 0; i < words->n; i++) {
        check_word(words->v[i]);
        put_word(&b, words->v[i]);
    }
    if (b.n > CMDLINE_WARN)
        fprintf(stderr,
                "mkimage: warning: the command line is %zu bytes; the kernel keeps "
                "only %d KiB of loader strings\n",
                b.n, BOOT_STRINGS_MAX / 1024);
    return b.p;
}

/* A word for grub.cfg: GRUB's lexer would expand $, split on blanks and
 * interpret quotes and backslashes, so anything unusual goes in single
 * quotes (inside which only ' itself needs care). */
static void put_grub_word(struct buf *b, const char *w)
{
    buf_str(b, " ");
    if (w[strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                    "_./=:,+@%-")] == '\0') {
        buf_str(b, w);
        return;
    }
    buf_str(b, "'");
    for (; *w; w++)
        buf_str(b, *w == '\'' ? "'\\''" : (char[]){*w, '\0'});
    buf_str(b, "'");
}

static char *make_grub_cfg(const struct strv *words)
{
    struct buf b = {0};
    buf_str(&b, "set timeout=0\nset default=0\n\n"
                "menuentry \"Uniplex\" {\n"
                "    insmod all_video\n"
                "    multiboot2 /boot/kernel.elf");
    for (size_t i = 0; i < words->n; i++)
        put_grub_word(&b, words->v[i]);
    buf_str(&b, "\n    module2 /boot/initrd.cpio initrd\n"
                "    # multiboot2 sets gfxpayload from the kernel's header; under BIOS\n"
                "    # override it afterwards so the kernel gets VGA text mode.\n"
                "    if [ \"$grub_platform\" = \"pc\" ]; then\n"
                "        set gfxpayload=text\n"
                "    fi\n"
                "    boot\n"
                "}\n");
    return b.p;
}

/* ---- output ---------------------------------------------------------------------- */

static void write_all(FILE *f, const char *path, const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, f) != n)
        die("%s: %s", path, strerror(errno));
}

/* One newc entry at archive offset *off: header, name with `dots` "./"
 * prefixes, padding, data, padding. */
static void put_entry(FILE *f, const char *out, size_t *off, const struct node *n, unsigned ino,
                      size_t dots)
{
    static const char zeros[4];
    const char *name = n ? n->path + 1 : "TRAILER!!!";
    size_t namesize = 2 * dots + strlen(name) + 1, size = n ? n->size : 0;
    char hdr[111];
    snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino,
             n ? n->mode : 0, 0, 0, n && n->kind == K_DIR ? 2 : 1, (unsigned)(n ? n->mtime : 0),
             (unsigned)size, 0, 0, 0, 0, (unsigned)namesize, 0);
    write_all(f, out, hdr, 110);
    for (size_t i = 0; i < dots; i++)
        write_all(f, out, "./", 2);
    write_all(f, out, name, strlen(name) + 1);
    *off += 110 + namesize;
    write_all(f, out, zeros, (4 - *off % 4) % 4);
    *off += (4 - *off % 4) % 4;
    write_all(f, out, n ? n->data : NULL, size);
    *off += size;
    write_all(f, out, zeros, (4 - *off % 4) % 4);
    *off += (4 - *off % 4) % 4;
}

/* How many "./" put a regular file's data at a multiple of CPIO_ALIGN
 * when its header starts at off. Each adds 2 name bytes; the data starts
 * at the next multiple of 4 after the name. */
static size_t dots_needed(size_t off, const struct node *n)
{
    if (n->kind != K_FILE)
        return 0;
    size_t base = off + 110 + strlen(n->path + 1) + 1, dots = 0;
    while (((base + 2 * dots + 3) & ~(size_t)3) % CPIO_ALIGN != 0)
        dots++;
    return dots;
}

static void write_cpio(const struct image *img, const char *path)
{
    FILE *f = fopen(path, "wb");
    size_t off = 0;
    if (!f)
        die("%s: %s", path, strerror(errno));
    for (size_t i = 0; i < img->n; i++)
        put_entry(f, path, &off, &img->node[i], (unsigned)i + 1, dots_needed(off, &img->node[i]));
    put_entry(f, path, &off, NULL, 0, 0);
    if (fclose(f) != 0)
        die("%s: %s", path, strerror(errno));
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die("%s: %s", path, strerror(errno));
    write_all(f, path, text, strlen(text));
    if (fclose(f) != 0)
        die("%s: %s", path, strerror(errno));
}

static void copy_file(const char *from, const char *to)
{
    struct node n = {0};
    read_source(from, &n);
    FILE *f = fopen(to, "wb");
    if (!f)
        die("%s: %s", to, strerror(errno));
    write_all(f, to, n.data, n.size);
    if (fclose(f) != 0)
        die("%s: %s", to, strerror(errno));
    free(n.data);
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        die("%s: %s", path, strerror(errno));
}

/* Run grub-mkrescue -o iso dir, its output into log; dies on failure with
 * the log shown. */
static void run_mkrescue(const char *iso, const char *dir, const char *log)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        /* Only the modules grub.cfg uses (and what they depend on),
         * compressed, without fonts, locales or themes: 5 MB instead of
         * 21 MB, most of which was GRUB's full module sets for both
         * platforms. The core images embed what finds the ISO itself. */
        execlp("grub-mkrescue", "grub-mkrescue", "-o", iso, "--compress=xz",
               "--fonts=", "--locales=", "--themes=",
               "--install-modules=normal multiboot2 all_video test iso9660 part_msdos part_gpt",
               dir, (char *)NULL);
        fprintf(stderr, "grub-mkrescue: %s\n", strerror(errno));
        _exit(127);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0)
        die("grub-mkrescue: %s", strerror(errno));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "cat '%s' >&2", log);
        if (system(cmd) != 0)
            fprintf(stderr, "(no log in %s)\n", log);
        die("%s: grub-mkrescue failed (log: %s)", iso, log);
    }
}

/* The ISO: a staging tree under OUTDIR, grub-mkrescue, staging removed. */
static void build_iso(const char *outdir, const char *iso, const char *kernel)
{
    char *stage = path_join(outdir, "isodir"), *boot = path_join(stage, "boot");
    char *grub = path_join(boot, "grub"), *log = path_join(outdir, "grub-mkrescue.log");
    const char *files[3][2] = {{kernel, path_join(boot, "kernel.elf")},
                               {out_files[0], path_join(boot, "initrd.cpio")},
                               {out_files[2], path_join(grub, "grub.cfg")}};
    make_dir(stage);
    make_dir(boot);
    make_dir(grub);
    for (int i = 0; i < 3; i++)
        copy_file(files[i][0], files[i][1]);
    run_mkrescue(iso, stage, log);
    for (int i = 0; i < 3; i++)
        unlink(files[i][1]);
    rmdir(grub);
    rmdir(boot);
    rmdir(stage);
}

/* ---- main ---------------------------------------------------------------------------- */

static const char usage[] =
    "usage: mkimage -o OUTDIR [--init PATH] [--arg ARG]... [--env NAME=VALUE]...\n"
    "               [--kopt WORD]... [--symlink DEST=TARGET]...\n"
    "               [--iso ISO --kernel KERNEL.ELF] SRC:DEST...\n"
    "Writes OUTDIR/initrd.cpio, OUTDIR/cmdline (for QEMU -append) and OUTDIR/grub.cfg;\n"
    "with --iso also a bootable GRUB ISO holding KERNEL.ELF and the initrd.\n"
    "  SRC:DEST             put file SRC at absolute path DEST (DEST/ keeps SRC's name)\n"
    "  --init PATH          the program run as pid 1 (default /sbin/init); must be an\n"
    "                       ELF given as a DEST, or a symlink to one\n"
    "  --arg ARG            an argument of init (argv[1..], in order)\n"
    "  --env NAME=VALUE     init's environment (in order)\n"
    "  --kopt WORD          another kernel option, e.g. quantum=5\n"
    "  --symlink DEST=TARGET  a symbolic link in the image\n"
    "  --unchecked          skip the ELF and init checks (to test the kernel's own)\n"
    "ELF inputs must be static x86-64 executables (ET_EXEC or static-PIE);\n"
    "other files are copied as data. Exit status 1 on a bad input, 2 on bad usage.\n";

struct options {
    const char *outdir, *iso, *kernel;
};

static void parse_args(int argc, char **argv, struct image *img, struct options *o,
                       struct strv *files, struct strv *links)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"init", required_argument, NULL, 'i'},
                                         {"arg", required_argument, NULL, 'a'},
                                         {"env", required_argument, NULL, 'e'},
                                         {"kopt", required_argument, NULL, 'k'},
                                         {"symlink", required_argument, NULL, 's'},
                                         {"iso", required_argument, NULL, 'I'},
                                         {"kernel", required_argument, NULL, 'K'},
                                         {"unchecked", no_argument, NULL, 'U'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o->outdir = optarg;
            break;
        case 'i':
            img->init = optarg;
            break;
        case 'a':
            strv_push(&img->args, optarg);
            break;
        case 'e':
            strv_push(&img->envs, optarg);
            break;
        case 'k':
            strv_push(&img->kopts, optarg);
            break;
        case 's':
            strv_push(links, optarg);
            break;
        case 'I':
            o->iso = optarg;
            break;
        case 'K':
            o->kernel = optarg;
            break;
        case 'U':
            unchecked = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            exit(0);
        default:
            fputs(usage, stderr);
            exit(2);
        }
    }
    for (int i = optind; i < argc; i++)
        strv_push(files, argv[i]);
    if (!o->outdir || (!o->iso != !o->kernel)) {
        fprintf(stderr, "mkimage: %s\n%s",
                !o->outdir ? "-o OUTDIR is required" : "--iso and --kernel go together", usage);
        exit(2);
    }
}

static void check_options(const struct image *img)
{
    for (size_t i = 0; i < img->envs.n; i++) {
        const char *eq = strchr(img->envs.v[i], '=');
        if (!eq || eq == img->envs.v[i])
            die("--env %s: expected NAME=VALUE", img->envs.v[i]);
    }
    for (size_t i = 0; i < img->kopts.n; i++)
        if (strcmp(img->kopts.v[i], "--") == 0 || strncmp(img->kopts.v[i], "init=", 5) == 0 ||
            strncmp(img->kopts.v[i], "initenv=", 8) == 0)
            die("--kopt %s: use --init, --env or --arg for that", img->kopts.v[i]);
}

int main(int argc, char **argv)
{
    struct image img = {.init = "/sbin/init"};
    struct options o = {0};
    struct strv files = {0}, links = {0};

    parse_args(argc, argv, &img, &o, &files, &links);
    out_files[0] = path_join(o.outdir, "initrd.cpio");
    out_files[1] = path_join(o.outdir, "cmdline");
    out_files[2] = path_join(o.outdir, "grub.cfg");
    out_iso = o.iso;
    if (elf_version(EV_CURRENT) == EV_NONE)
        die("libelf: %s", elf_errmsg(-1));
    check_options(&img);
    for (size_t i = 0; i < files.n; i++)
        add_file(&img, files.v[i]);
    for (size_t i = 0; i < links.n; i++)
        add_symlink(&img, links.v[i]);
    add_defaults(&img);
    sort_nodes(&img);
    add_parents(&img);
    sort_nodes(&img);
    check_init(&img);
    struct strv words = cmdline_words(&img);
    char *cmdline = make_cmdline(&words), *grub_cfg = make_grub_cfg(&words);

    if (o.kernel && access(o.kernel, R_OK) < 0)
        die("%s: %s", o.kernel, strerror(errno));
    if (mkdir(o.outdir, 0755) < 0 && errno != EEXIST)
        die("%s: %s", o.outdir, strerror(errno));
    remove_outputs();
    write_cpio(&img, out_files[0]);
    write_text(out_files[1], cmdline);
    write_text(out_files[2], grub_cfg);
    if (o.iso)
        build_iso(o.outdir, o.iso, o.kernel);
    return 0;
}
