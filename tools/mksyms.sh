#!/bin/sh
# Usage: mksyms.sh KERNEL.ELF > ksyms.S   (or with no argument: an empty table)
# Emits the text symbols of KERNEL.ELF, sorted by address, for kernel/ksyms.c.
set -e
emit() {
    echo '    .section .ksyms, "a"'
    echo '    .balign 8'
    echo '    .global ksyms_count, ksyms_table, ksyms_names'
    awk '
        { addr[n] = $1; name[n] = $3; n++ }
        END {
            printf "ksyms_count:\n    .quad %d\nksyms_table:\n", n
            off = 0
            for (i = 0; i < n; i++) {
                printf "    .quad 0x%s, %d\n", addr[i], off
                off += length(name[i]) + 1
            }
            printf "ksyms_names:\n"
            for (i = 0; i < n; i++)
                printf "    .asciz \"%s\"\n", name[i]
        }'
}
if [ $# -eq 0 ]; then
    emit < /dev/null
else
    nm -n --defined-only "$1" | awk '$2 ~ /^[tTwW]$/ && $3 !~ /^\./' | emit
fi
