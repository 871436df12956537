#!/bin/sh
# Usage: mksysnames.sh unistd_64.h > sysnames.c
# Names of the Linux x86-64 system calls, indexed by number, from the
# kernel's UAPI header (Debian linux-libc-dev).
set -e
echo '#include <stddef.h>'
echo '#include "kernel/sys/syscall.h"'
echo 'static const char *const names[SYSCALL_MAX] = {'
sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$/    [\2] = "\1",/p' "$1"
echo '};'
echo 'const char *syscall_name(unsigned nr)'
echo '{'
echo '    return nr < SYSCALL_MAX ? names[nr] : NULL;'
echo '}'
