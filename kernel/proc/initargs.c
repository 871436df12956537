/* Parsing init's path, arguments and environment from the command line. */
#include <stddef.h>
#include "errno.h"
#include "string.h"
#include "kernel/proc/initargs.h"

#define DEFAULT_INIT "/sbin/init"

/* Copy the word at *s (quotes removed) to *dst, which has room up to end;
 * advance both. Returns the word, or NULL if it does not fit. */
static char *take_word(const char **s, char **dst, const char *end)
{
    const char *p = *s;
    char *w = *dst, *o = w;
    int quoted = 0;
    for (; *p && (quoted || *p != ' '); p++) {
        if (*p == '"') {
            quoted = !quoted;
            continue;
        }
        if (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '\''))
            p++;
        if (o + 1 >= end)
            return 0;
        *o++ = *p;
    }
    *o++ = 0;
    *s = p;
    *dst = o;
    return w;
}

int initargs_parse(const char *cmdline, char *buf, size_t n, struct initargs *out)
{
    char *dst = buf, *end = buf + n;
    int after_dashes = 0;
    memset(out, 0, sizeof(*out));
    out->path = DEFAULT_INIT;
    for (const char *s = cmdline;;) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        int plain_dashes = s[0] == '-' && s[1] == '-' && (s[2] == ' ' || !s[2]);
        char *w = take_word(&s, &dst, end);
        if (!w)
            return -E2BIG;
        if (!after_dashes && plain_dashes) {
            after_dashes = 1;
        } else if (after_dashes) {
            if (out->argc >= INITARGS_MAX)
                return -E2BIG;
            out->argv[1 + out->argc++] = w;
        } else if (strncmp(w, "init=", 5) == 0 && w[5]) {
            out->path = w + 5;
        } else if (strncmp(w, "initenv=", 8) == 0 && w[8]) {
            if (out->envc >= INITARGS_MAX)
                return -E2BIG;
            out->envp[out->envc++] = w + 8;
        }
    }
    out->argv[0] = (char *)out->path;
    return 0;
}
