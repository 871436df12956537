/* init: the default image's first program.
 *
 * Greets, shows the kernel (like `uname -srvm`), memory from sysinfo and
 * what / and /bin hold, then returns 0: as pid 1, its exit powers the
 * machine off. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <string.h>
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
    list_dir("/");
    list_dir("/bin");
    printf("init: powering off\n");
    fflush(stdout);
    return 0;
}
