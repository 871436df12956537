/* The kernel command line: words separated by spaces, each "key" or "key=value". */
#ifndef UNIPLEX_CMDLINE_H
#define UNIPLEX_CMDLINE_H

#include <stddef.h>

/* Find the last "key" or "key=value" word in cmdline before a lone "--"
 * (the words after it are init's arguments). Returns 1 when found, with
 * *val and *len set to the value (empty for a bare key), else 0. */
int cmdline_find(const char *cmdline, const char *key, const char **val, size_t *len);

/* 1 when the value of key equals want (the whole word after '='). */
int cmdline_is(const char *cmdline, const char *key, const char *want);

#endif
