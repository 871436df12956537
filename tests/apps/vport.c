/* vport: virtio console ports as character devices (issue 19), against
 * the ports tests/run.sh gives QEMU: test.out (a file chardev the runner
 * reads afterwards), test.in (a socket the runner connects to, writes
 * "hello from host\n" and closes) and test.sink (another file). Names
 * under /dev/virtio-ports, data to the host, a host side open from boot,
 * data from the host then end-of-file at its close, POLLHUP, and EPIPE
 * with SIGPIPE for a writer. Without the ports (natively on a machine that
 * has none) each case passes without checking anything.
 *
 * usage: vport [CASE...] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tcase.h"

#define ALARM_S   20
#define PORTS     "/dev/virtio-ports/"
#define OUT_PORT  PORTS "test.out"
#define IN_PORT   PORTS "test.in"
#define SINK_PORT PORTS "test.sink"
#define FROM_HOST "hello from host\n"
#define OUT_BIG   9000 /* more than one transmit buffer */

static int have_ports(void)
{
    return access(OUT_PORT, F_OK) == 0 && access(IN_PORT, F_OK) == 0 &&
           access(SINK_PORT, F_OK) == 0;
}

/* Each port's name is a symlink to ../vport<D>p<N>, a character device. */
static void case_names(void)
{
    const char *names[] = {OUT_PORT, IN_PORT};
    for (int i = 0; i < 2 && have_ports(); i++) {
        char target[64], path[96];
        ssize_t n = readlink(names[i], target, sizeof(target) - 1);
        T_EXPECT(n > 0, "readlink %s: %s", names[i], t_errname(errno));
        target[n] = 0;
        T_EXPECT(strncmp(target, "../vport", 8) == 0, "%s -> %s", names[i], target);
        snprintf(path, sizeof(path), PORTS "%s", target);
        struct stat st;
        T_EXPECT(lstat(path, &st) == 0 && S_ISCHR(st.st_mode), "%s: not a character device", path);
    }
}

/* A line, then OUT_BIG bytes a..z, then "end": the runner checks the file. */
static void case_write_host(void)
{
    if (!have_ports())
        return;
    int fd = open(OUT_PORT, O_WRONLY);
    T_EXPECT(fd >= 0, "open: %s", t_errname(errno));
    static char big[OUT_BIG];
    for (int i = 0; i < OUT_BIG; i++)
        big[i] = (char)('a' + i % 26);
    T_EXPECT_RET_BY(t_die, "write line", write(fd, "hello host\n", 11), 11);
    T_EXPECT_RET_BY(t_die, "write big", write(fd, big, sizeof(big)), OUT_BIG);
    struct pollfd p = {fd, POLLOUT, 0};
    T_EXPECT(poll(&p, 1, 5000) == 1 && (p.revents & POLLOUT), "poll: revents %#x", p.revents);
    T_EXPECT_RET_BY(t_die, "write end", write(fd, "\nend\n", 5), 5);
    close(fd);
}

static volatile sig_atomic_t pipes;
static void on_pipe(int sig)
{
    (void)sig;
    pipes++;
}

/* Everything the host sent, then 0 at its close; the port then polls
 * POLLHUP and a write is EPIPE with SIGPIPE. */
/* A port whose host side was open before the guest came up (a file
 * chardev) takes a write at once: the open QEMU announced at boot, in a
 * burst with the other ports' messages, was not lost. */
static void case_open_at_boot(void)
{
    if (!have_ports())
        return;
    int fd = open(SINK_PORT, O_WRONLY | O_NONBLOCK);
    T_EXPECT(fd >= 0, "open: %s", t_errname(errno));
    T_EXPECT_RET_BY(t_die, "write", write(fd, "x", 1), 1);
    close(fd);
}

static void case_read_eof(void)
{
    if (!have_ports())
        return;
    int fd = open(IN_PORT, O_RDWR);
    T_EXPECT(fd >= 0, "open: %s", t_errname(errno));
    char buf[256];
    size_t got = 0;
    ssize_t n;
    while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
        got += (size_t)n;
    T_EXPECT(n == 0, "read: %s", t_errname(errno));
    buf[got] = 0;
    T_EXPECT(strcmp(buf, FROM_HOST) == 0, "read '%s'", buf);
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    T_EXPECT(poll(&p, 1, 0) == 1 && (p.revents & POLLHUP), "poll: revents %#x", p.revents);
    signal(SIGPIPE, on_pipe);
    T_EXPECT_ERR_BY(t_die, "write after close", write(fd, "x", 1), EPIPE);
    T_EXPECT(pipes == 1, "SIGPIPE %d times", (int)pipes);
    close(fd);
}

/* After the host's close a non-blocking reader sees end-of-file, not
 * EAGAIN. */
static void case_nonblock_eof(void)
{
    if (!have_ports())
        return;
    int fd = open(IN_PORT, O_RDONLY | O_NONBLOCK);
    T_EXPECT(fd >= 0, "open: %s", t_errname(errno));
    char c;
    T_EXPECT_RET_BY(t_die, "read", read(fd, &c, 1), 0);
    close(fd);
}

static const struct t_case cases[] = {
    {"names", case_names},
    {"write_host", case_write_host},
    {"open_at_boot", case_open_at_boot},
    {"read_eof", case_read_eof},
    {"nonblock_eof", case_nonblock_eof},
};

int main(int argc, char **argv)
{
    if (!have_ports())
        printf("vport: no ports test.out, test.in and test.sink: nothing is checked\n");
    return t_run_cases("vport", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, 0, argc, argv);
}
