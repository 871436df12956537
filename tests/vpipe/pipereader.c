/* pipereader: the reading half of userapps/pipedemo as a program of its own
 * (see pipewriter.c): reads 30 bytes three times from the standard input and
 * prints each message as pipedemo's parent does. Between VMs a message may
 * arrive in pieces, so each read is completed (a stream, as a pipe is when
 * the writer is slower than the reader); end of file ends a message early. */
#include <stdio.h>
#include <unistd.h>

static ssize_t read_full(int fd, char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

int main(void)
{
    int total = 0;
    for (int i = 0; i < 3; i++) {
        char buf[31] = {0};
        ssize_t n = read_full(0, buf, 30);
        printf("parent: read %zd bytes: \"%s\"\n", n, buf);
        total += n > 0 ? (int)n : 0;
    }
    printf("parent: %d bytes in all\n", total);
    return total == 80 ? 0 : 1;
}
