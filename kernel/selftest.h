/* Deliberate failures chosen on the command line ("selftest=NAME"), so the
 * tests can check the crash path: ud2, pagefault, panic, stackguard. */
#ifndef UNIPLEX_SELFTEST_H
#define UNIPLEX_SELFTEST_H

/* Run the self test the command line names, if any. Returns only when none
 * was asked for; an unknown name is reported and ignored. */
void selftest_run(const char *cmdline);

#endif
