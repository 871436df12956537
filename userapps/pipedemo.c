/* pipedemo: the seed thesis's second experiment. A child writes three
 * messages (30, 30 and 20 bytes) into a pipe; the parent reads three times
 * 30 bytes and prints what each read returned. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    static const char *msgs[] = {"the first message, of 30 bytes", "the second one: also 30 bytes.",
                                 "a third of 20 bytes."};
    _Static_assert(sizeof("the first message, of 30 bytes") == 31, "30 bytes");
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: pipedemo\nA child writes 30, 30 and 20 bytes into a pipe; the parent\n"
               "reads 30 bytes three times and prints each message.\n");
        return 0;
    }
    int p[2];
    if (pipe(p) != 0) {
        perror("pipe");
        return 1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        for (int i = 0; i < 3; i++)
            write(p[1], msgs[i], i < 2 ? 30 : 20);
        return 0;
    }
    close(p[1]);
    int total = 0;
    for (int i = 0; i < 3; i++) {
        char buf[31] = {0};
        ssize_t n = read(p[0], buf, 30);
        printf("parent: read %zd bytes: \"%s\"\n", n, buf);
        total += n > 0 ? (int)n : 0;
    }
    waitpid(pid, NULL, 0);
    printf("parent: %d bytes in all\n", total);
    return total == 80 ? 0 : 1;
}
