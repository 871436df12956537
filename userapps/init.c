/* init: the default image's first program.
 *
 * Greets and shows the kernel (like `uname -srvm`) and memory. Then, if
 * the image has a shell: runs /etc/rc if there is one, starts an
 * interactive login shell on the console in its own session (so it owns
 * the terminal and ^C reaches what it runs), reaps every orphan that is
 * given to it meanwhile, and exits with the shell's status when the shell
 * ends. Without /bin/sh it lists / and /bin and returns 0. As pid 1, its
 * exit powers the machine off with that status. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Prints the names in dir on one line, without . and .. */
static void list_dir(const char *dir)
{
    DIR *d = opendir(dir);

    printf("init: %s:", dir);
    if (!d) {
        printf(" (cannot open)\n");
        return;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            printf(" %s", e->d_name);
    closedir(d);
    printf("\n");
}

/* Run path with argv in a child; returns its wait status (orphans that
 * exit meanwhile are reaped too). */
static int run(const char *path, char *const argv[], int interactive)
{
    pid_t pid = fork();
    if (pid < 0) {
        perror("init: fork");
        return 1 << 8;
    }
    if (pid == 0) {
        if (interactive) {
            setsid();
            ioctl(0, TIOCSCTTY, 0);
            tcsetpgrp(0, getpid());
        }
        execv(path, argv);
        perror(path);
        _exit(127);
    }
    for (;;) {
        int st;
        pid_t r = wait(&st);
        if (r == pid)
            return st;
        if (r < 0)
            return 1 << 8;
    }
}

static int exit_code(int st)
{
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

int main(void)
{
    struct utsname u;
    struct sysinfo si;

    printf("Uniplex init: hello from pid %d\n", (int)getpid());
    if (uname(&u) == 0)
        printf("init: kernel %s %s %s %s\n", u.sysname, u.release, u.version, u.machine);
    /* Sizes are in units of mem_unit bytes. */
    if (sysinfo(&si) == 0) {
        unsigned long long unit = si.mem_unit ? si.mem_unit : 1;
        printf("init: memory %llu MiB total, %llu MiB free\n",
               (unsigned long long)si.totalram * unit >> 20,
               (unsigned long long)si.freeram * unit >> 20);
    }
    fflush(stdout);
    if (access("/bin/sh", X_OK) != 0) {
        list_dir("/");
        list_dir("/bin");
        printf("init: powering off\n");
        fflush(stdout);
        return 0;
    }
    if (access("/etc/rc", R_OK) == 0)
        run("/bin/sh", (char *[]){"sh", "/etc/rc", NULL}, 0);
    int st = run("/bin/sh", (char *[]){"-sh", NULL}, 1);
    printf("init: the shell ended (status %d): powering off\n", exit_code(st));
    fflush(stdout);
    return exit_code(st);
}
