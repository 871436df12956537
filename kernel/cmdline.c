#include <stddef.h>
#include "string.h"
#include "kernel/cmdline.h"

int cmdline_find(const char *cmdline, const char *key, const char **val, size_t *len)
{
    size_t klen = strlen(key);
    int found = 0;

    if (!cmdline || klen == 0)
        return 0;
    for (const char *p = cmdline; *p;) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t wlen = (size_t)(p - w);
        if (wlen == 2 && w[0] == '-' && w[1] == '-')
            break; /* what follows a lone "--" is init's (initargs.h), as on Linux */
        if (wlen < klen || strncmp(w, key, klen) != 0)
            continue;
        if (wlen == klen) {
            *val = w + wlen;
            *len = 0;
            found = 1;
        } else if (w[klen] == '=') {
            *val = w + klen + 1;
            *len = wlen - klen - 1;
            found = 1;
        }
    }
    return found;
}

int cmdline_is(const char *cmdline, const char *key, const char *want)
{
    const char *v;
    size_t n;

    if (!cmdline_find(cmdline, key, &v, &n))
        return 0;
    return strlen(want) == n && strncmp(v, want, n) == 0;
}
