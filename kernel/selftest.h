/* Deliberate failures chosen on the command line ("selftest=NAME"), so the
 * tests can check the crash path: ud2, pagefault, panic, stackguard,
 * wrtext (write to kernel text), pgdoublefree, kstackoverflow; and
 * in-kernel suites: mm, mmbench, sched, readline (one line of
 * console input), sleep, sys (system-call entry), cpudiag. */
#ifndef UNIPLEX_SELFTEST_H
#define UNIPLEX_SELFTEST_H

/* Run the self test the command line names, if any: the deliberate
 * failures do not return; a suite ("mm") returns its number of failed
 * cases. An unknown name is reported and ignored (0). */
int selftest_run(const char *cmdline);

#endif
