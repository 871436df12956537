/* The init process's command from the kernel command line:
 *
 *   ... init=PATH ... initenv=NAME=VALUE ... -- ARG ...
 *
 * Words are separated by spaces. A double-quoted part of a word may hold
 * spaces; the quotes are removed. A backslash makes the '"', '\' or '\''
 * after it literal, inside quotes or not (GRUB writes its words that way). init= (default
 * /sbin/init) and initenv= (repeatable, in order) may appear among other kernel options; every word
 * after a lone "--" is an argument of init (argv[0] is PATH). Pure; unit-tested. */
#ifndef UNIPLEX_PROC_INITARGS_H
#define UNIPLEX_PROC_INITARGS_H

#include <stddef.h>

#define INITARGS_MAX 64 /* arguments, and separately environment strings */

struct initargs {
    const char *path;
    char *argv[INITARGS_MAX + 2]; /* argv[0] = path, NULL-terminated */
    char *envp[INITARGS_MAX + 1]; /* NULL-terminated */
    unsigned argc, envc;
};

/* Parse cmdline; the strings are stored in buf (size n, at least
 * strlen(cmdline) + 16). 0, or -E2BIG when there are more than
 * INITARGS_MAX arguments or environment strings, or buf is too small. */
int initargs_parse(const char *cmdline, char *buf, size_t n, struct initargs *out);

#endif
