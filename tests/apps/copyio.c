/* copyio: copies its standard input to its standard output until end of
 * file, then says on standard error how many bytes it copied. The runner
 * boots it with stdio=vport to check the stdio channel end to end. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    static char buf[8192];
    long total = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof(buf))) > 0) {
        for (ssize_t done = 0, w; done < n; done += w)
            if ((w = write(1, buf + done, (size_t)(n - done))) <= 0) {
                perror("copyio: write");
                return 1;
            }
        total += n;
    }
    if (n < 0) {
        perror("copyio: read");
        return 1;
    }
    fprintf(stderr, "copyio: %ld bytes\n", total);
    return 0;
}
