/* Running init: the program named by init= (docs/ARCHITECTURE.md, "Programs"). */
#ifndef UNIPLEX_PROC_INIT_H
#define UNIPLEX_PROC_INIT_H

/* Status when init cannot be started at all (missing, not executable, not
 * a static x86-64 ELF): the shell's "command not found". */
#define INIT_FAILED_STATUS 127

/* Start init as pid 1 with console on fds 0-2, wait for it to end and
 * return the machine's power-off status: its exit code, or 128 + N when a
 * signal N killed it. Without an initrd there is nothing to run: 0. With
 * report set, print the exit status and the leak check afterwards. */
int init_run(const char *cmdline, int have_initrd, int report);

struct proc;
/* initstdio.c: p's fds 0-2 on the console, or with stdio=vport in cmdline
 * fds 0 and 1 on the virtio ports uniplex.stdin and uniplex.stdout (each
 * the console when missing, logged). 0 or -errno. */
int init_open_stdio(struct proc *p, const char *cmdline);

#endif
