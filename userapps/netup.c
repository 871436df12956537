// netup: bring network interfaces up, then exec a program (the network
// benchmark's init in both Uniplex and a Linux guest without a DHCP client).
//
//   netup [-m MODULE.ko]... [IF=ADDR/PREFIX]... [--] PROGRAM [ARG...]
//
// PROGRAM is the first argument without '=' (or the one after "--"): Linux
// ends init's arguments on its command line at a second "--", so the
// Linux guest's chain has none.
// Each -m loads a kernel module with finit_module (the Linux guest's virtio
// drivers, in dependency order); each IF=ADDR/PREFIX sets the address and
// netmask of IF and brings it up (SIOCSIFADDR, SIOCSIFNETMASK,
// SIOCSIFFLAGS); lo is always brought up. An interface that a module has
// just created may appear a little later: IF is retried for 5 seconds.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int load_module(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) != 0) {
        if (errno == EEXIST)
            return close(fd), 0;
        fprintf(stderr, "netup: module %s: %s\n", path, strerror(errno));
        return -1;
    }
    return close(fd), 0;
}

static int set_addr(int s, const char *ifname, unsigned long req, in_addr_t addr)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
    struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = addr;
    return ioctl(s, req, &ifr);
}

static int set_up(int s, const char *ifname)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
        return -1;
    ifr.ifr_flags |= IFF_UP;
    return ioctl(s, SIOCSIFFLAGS, &ifr);
}

// IF=ADDR/PREFIX: address, netmask, up; ENODEV is retried for 5 seconds.
static int config_if(int s, char *spec)
{
    char *eq = strchr(spec, '='), *slash = strchr(spec, '/');
    struct in_addr a;
    int prefix = slash ? atoi(slash + 1) : -1;
    if (!eq || !slash || slash < eq || prefix < 0 || prefix > 32)
        return fprintf(stderr, "netup: %s: expected IF=ADDR/PREFIX\n", spec), -1;
    *eq = *slash = '\0';
    if (inet_pton(AF_INET, eq + 1, &a) != 1)
        return fprintf(stderr, "netup: bad address %s\n", eq + 1), -1;
    in_addr_t mask = htonl(prefix ? 0xffffffffu << (32 - prefix) : 0);
    for (int tries = 0;; tries++) {
        if (set_addr(s, spec, SIOCSIFADDR, a.s_addr) == 0 &&
            set_addr(s, spec, SIOCSIFNETMASK, mask) == 0 && set_up(s, spec) == 0)
            return 0;
        if (errno != ENODEV || tries == 50)
            break;
        usleep(100000);
    }
    fprintf(stderr, "netup: %s: %s\n", spec, strerror(errno));
    return -1;
}

static void usage(void)
{
    fprintf(stderr, "usage: netup [-m MODULE.ko]... [IF=ADDR/PREFIX]... [--] PROGRAM [ARG...]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i + 1 < argc && strcmp(argv[i], "-m") == 0; i += 2)
        if (load_module(argv[i + 1]) != 0)
            return 1;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return perror("netup: socket"), 1;
    if (set_up(s, "lo") != 0)
        return perror("netup: lo"), 1;
    for (; i < argc && strchr(argv[i], '='); i++)
        if (config_if(s, argv[i]) != 0)
            return 1;
    i += i < argc && strcmp(argv[i], "--") == 0;
    if (i >= argc)
        usage();
    close(s);
    execv(argv[i], argv + i);
    fprintf(stderr, "netup: %s: %s\n", argv[i], strerror(errno));
    return 127;
}
