/* vsnprintf/snprintf for the kernel: integer, pointer, string and character
 * conversions only, so it builds with -mgeneral-regs-only. The contract is in
 * libc/include/stdio.h; the output is meant to be byte-identical to glibc's
 * (tests/unit/test_format.c checks that against the host). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* gcc's <limits.h> cannot be used with -nostdinc (it #include_next's the C
 * library's), so the limits come from the compiler's predefined macros. */
#define INT_MAX_  __INT_MAX__
#define INT_MIN_  (-__INT_MAX__ - 1)
#define CHAR_BIT_ __CHAR_BIT__

/* %zd and %tu read the other signedness of the same type. */
_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t), "size_t and ptrdiff_t differ in size");

enum {
    FL_MINUS = 1 << 0,
    FL_PLUS = 1 << 1,
    FL_SPACE = 1 << 2,
    FL_HASH = 1 << 3,
    FL_ZERO = 1 << 4,
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

/* One parsed conversion specification. */
struct spec {
    unsigned flags;
    int width; /* minimum field width, >= 0 */
    int prec;  /* precision, -1 when absent */
    enum length len;
    char conv;
};

/* Output cursor: pos counts every byte produced, even those past the end of
 * buf, because the return value is the untruncated length. One byte of buf is
 * always kept back for the NUL. */
struct sink {
    char *buf;
    size_t size;
    size_t pos;
};

static void emit(struct sink *o, char c)
{
    if (o->pos + 1 < o->size)
        o->buf[o->pos] = c;
    o->pos++;
}

static void emit_n(struct sink *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        emit(o, s[i]);
}

static void pad(struct sink *o, char c, long long n)
{
    for (; n > 0; n--)
        emit(o, c);
}

static const char *parse_flags(const char *f, unsigned *flags)
{
    for (;; f++) {
        switch (*f) {
        case '-':
            *flags |= FL_MINUS;
            break;
        case '+':
            *flags |= FL_PLUS;
            break;
        case ' ':
            *flags |= FL_SPACE;
            break;
        case '#':
            *flags |= FL_HASH;
            break;
        case '0':
            *flags |= FL_ZERO;
            break;
        default:
            return f;
        }
    }
}

/* Decimal digits, saturating at INT_MAX. */
static const char *parse_number(const char *f, int *out)
{
    int v = 0;

    while (*f >= '0' && *f <= '9') {
        int d = *f++ - '0';
        v = v > (INT_MAX_ - d) / 10 ? INT_MAX_ : v * 10 + d;
    }
    *out = v;
    return f;
}

/* Width and precision, either of which may be '*' (taken from the argument
 * list): a negative width means '-' flag, a negative precision means none. */
static const char *parse_width_prec(const char *f, struct spec *sp, va_list *ap)
{
    if (*f == '*') {
        int w = va_arg(*ap, int);
        if (w < 0) {
            sp->flags |= FL_MINUS;
            w = w == INT_MIN_ ? INT_MAX_ : -w;
        }
        sp->width = w;
        f++;
    } else {
        f = parse_number(f, &sp->width);
    }
    sp->prec = -1;
    if (*f != '.')
        return f;
    f++;
    if (*f != '*')
        return parse_number(f, &sp->prec);
    int p = va_arg(*ap, int);
    sp->prec = p < 0 ? -1 : p;
    return f + 1;
}

static const char *parse_length(const char *f, enum length *len)
{
    switch (*f) {
    case 'h':
        *len = f[1] == 'h' ? LEN_HH : LEN_H;
        return f + (f[1] == 'h' ? 2 : 1);
    case 'l':
        *len = f[1] == 'l' ? LEN_LL : LEN_L;
        return f + (f[1] == 'l' ? 2 : 1);
    case 'z':
        *len = LEN_Z;
        return f + 1;
    case 't':
        *len = LEN_T;
        return f + 1;
    case 'j':
        *len = LEN_J;
        return f + 1;
    default:
        *len = LEN_NONE;
        return f;
    }
}

/* Parses the specification that follows a '%'; returns the character after
 * the conversion character (which is '\0' if fmt ended early). */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    sp->flags = 0;
    f = parse_flags(f, &sp->flags);
    f = parse_width_prec(f, sp, ap);
    f = parse_length(f, &sp->len);
    sp->conv = *f;
    return *f != '\0' ? f + 1 : f;
}

static intmax_t fetch_signed(enum length len, va_list *ap)
{
    switch (len) {
    case LEN_HH:
        return (signed char)va_arg(*ap, int);
    case LEN_H:
        return (short)va_arg(*ap, int);
    case LEN_L:
        return va_arg(*ap, long);
    case LEN_LL:
        return va_arg(*ap, long long);
    case LEN_Z: /* fall through: the signed type of size_t */
    case LEN_T:
        return va_arg(*ap, ptrdiff_t);
    case LEN_J:
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

static uintmax_t fetch_unsigned(enum length len, va_list *ap)
{
    switch (len) {
    case LEN_HH:
        return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:
        return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:
        return va_arg(*ap, unsigned long);
    case LEN_LL:
        return va_arg(*ap, unsigned long long);
    case LEN_Z: /* fall through: the unsigned type of ptrdiff_t */
    case LEN_T:
        return va_arg(*ap, size_t);
    case LEN_J:
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

/* Writes the digits of v, most significant first, so that they end just
 * before end; returns how many. Zero has no digits here: the precision
 * (default 1) supplies the "0". */
static int to_digits(uintmax_t v, unsigned base, bool upper, char *end)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;

    for (; v != 0; v /= base, n++)
        *--end = set[v % base];
    return n;
}

/* Sign or "0x" prefix; returns its length. sign_ok: '+' and ' ' apply (glibc
 * applies them to %p as well as to %d and %i). */
static int make_prefix(const struct spec *sp, bool neg, bool sign_ok, uintmax_t mag, char *pre)
{
    int n = 0;

    if (neg)
        pre[n++] = '-';
    else if (sign_ok && (sp->flags & FL_PLUS))
        pre[n++] = '+';
    else if (sign_ok && (sp->flags & FL_SPACE))
        pre[n++] = ' ';
    if ((sp->conv == 'x' || sp->conv == 'X') && (sp->flags & FL_HASH) && mag != 0) {
        pre[n++] = '0';
        pre[n++] = sp->conv;
    }
    return n;
}

/* Lays out [spaces][prefix][zeros][digits][spaces] for d i u x X o (and p). */
static void format_integer(struct sink *o, const struct spec *sp, uintmax_t mag, bool neg,
                           bool sign_ok)
{
    char digits[sizeof(uintmax_t) * CHAR_BIT_ / 3 + 1];
    char *end = digits + sizeof(digits);
    unsigned base = sp->conv == 'o' ? 8 : (sp->conv == 'x' || sp->conv == 'X') ? 16 : 10;
    int ndig = to_digits(mag, base, sp->conv == 'X', end);
    char pre[4];
    int npre = make_prefix(sp, neg, sign_ok, mag, pre);
    long long prec = sp->prec < 0 ? 1 : sp->prec;
    long long zeros = prec > ndig ? prec - ndig : 0;

    /* '#' with %o raises the precision just enough to show a leading 0. */
    if (sp->conv == 'o' && (sp->flags & FL_HASH) && zeros == 0)
        zeros = 1;
    long long fill = (long long)sp->width - (npre + zeros + ndig);
    if (!(sp->flags & FL_MINUS)) {
        /* '0' pads with zeros after the prefix, unless a precision is given. */
        if ((sp->flags & FL_ZERO) && sp->prec < 0 && fill > 0)
            zeros += fill;
        else
            pad(o, ' ', fill);
        fill = 0;
    }
    emit_n(o, pre, (size_t)npre);
    pad(o, '0', zeros);
    emit_n(o, end - ndig, (size_t)ndig);
    pad(o, ' ', fill);
}

/* Emits n bytes of s right- or left-justified in the field width. */
static void format_bytes(struct sink *o, const struct spec *sp, const char *s, size_t n)
{
    long long fill = (long long)sp->width - (long long)n;

    if (!(sp->flags & FL_MINUS))
        pad(o, ' ', fill);
    emit_n(o, s, n);
    if (sp->flags & FL_MINUS)
        pad(o, ' ', fill);
}

static void format_string(struct sink *o, const struct spec *sp, const char *s)
{
    static const char null_str[] = "(null)";

    /* Like glibc: "(null)" only when the precision lets it show in full. */
    if (s == NULL)
        s = (sp->prec < 0 || sp->prec >= (int)sizeof(null_str) - 1) ? null_str : "";
    /* With a precision, s need not be NUL-terminated: never read past it. */
    size_t n = sp->prec < 0 ? strlen(s) : strnlen(s, (size_t)sp->prec);
    format_bytes(o, sp, s, n);
}

static void format_pointer(struct sink *o, const struct spec *sp, const void *p)
{
    if (p == NULL) {
        format_bytes(o, sp, "(nil)", 5);
        return;
    }
    /* glibc prints a pointer as %#lx, keeping the other flags. */
    struct spec hex = *sp;
    hex.conv = 'x';
    hex.flags |= FL_HASH;
    format_integer(o, &hex, (uintptr_t)p, false, true);
}

/* Performs one parsed conversion, consuming its argument. */
static void convert(struct sink *o, const struct spec *sp, va_list *ap)
{
    switch (sp->conv) {
    case 'd':
    case 'i': {
        intmax_t v = fetch_signed(sp->len, ap);
        uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
        format_integer(o, sp, mag, v < 0, true);
        break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        format_integer(o, sp, fetch_unsigned(sp->len, ap), false, false);
        break;
    case 'p':
        format_pointer(o, sp, va_arg(*ap, void *));
        break;
    case 's':
        format_string(o, sp, va_arg(*ap, const char *));
        break;
    case 'c': {
        char c = (char)va_arg(*ap, int);
        format_bytes(o, sp, &c, 1);
        break;
    }
    default:
        break;
    }
}

static bool known_conversion(char c)
{
    return c != '\0' && strchr("diuxXopsc", c) != NULL;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink o = {.buf = buf, .size = size, .pos = 0};
    va_list args;

    /* Copied so it can be passed by pointer to the helpers. */
    va_copy(args, ap);
    while (*fmt != '\0') {
        if (*fmt != '%') {
            emit(&o, *fmt++);
            continue;
        }
        const char *start = fmt++;
        if (*fmt == '%') {
            emit(&o, *fmt++);
            continue;
        }
        struct spec sp;
        fmt = parse_spec(fmt, &sp, &args);
        if (sp.conv == '%')
            emit(&o, '%'); /* "%5%": like glibc, print just the '%' */
        else if (known_conversion(sp.conv))
            convert(&o, &sp, &args);
        else
            emit_n(&o, start, (size_t)(fmt - start));
    }
    va_end(args);
    if (size > 0)
        buf[o.pos < size ? o.pos : size - 1] = '\0';
    return o.pos > INT_MAX_ ? -1 : (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
