/* kernel/proc/bpf.c (seccomp's classic BPF check and interpreter) against
 * fixed cases, then against the host's own seccomp: random programs are
 * loaded in a child of the test (PR_SET_NO_NEW_PRIVS, then seccomp) and
 * must be accepted or refused exactly as bpf_check_seccomp decides, and
 * random accepted ones must compute what bpf_run computes (seen through
 * SECCOMP_RET_ERRNO on getppid). Where the host refuses seccomp
 * altogether (a sandbox), that second part is skipped. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "kernel/proc/seccomp.h"

int k_bpf_check_seccomp(struct sock_filter *prog, unsigned len);
uint32_t k_bpf_run(const struct sock_filter *prog, unsigned len, const struct seccomp_data *d);

#define RET_ALLOW 0x7fff0000u
#define RET_ERRNO 0x00050000u

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static int check(const struct sock_filter *p, unsigned n)
{
    struct sock_filter q[BPF_MAXINSNS];
    memcpy(q, p, n * sizeof(*p));
    return k_bpf_check_seccomp(q, n);
}

static void test_fixed(void **state)
{
    (void)state;
    const struct sock_filter ok[] = {
        {0x20, 0, 0, 0}, {0x15, 0, 1, 39}, {0x06, 0, 0, RET_ERRNO | 1}, {0x06, 0, 0, RET_ALLOW}};
    assert_int_equal(check(ok, 4), 0);
    assert_int_equal(check(ok, 0), -22);
    const struct sock_filter bad[][2] = {
        {{0x20, 0, 0, 2}, {0x06, 0, 0, 0}},           /* unaligned */
        {{0x20, 0, 0, 64}, {0x06, 0, 0, 0}},          /* past seccomp_data */
        {{0x30, 0, 0, 0}, {0x06, 0, 0, 0}},           /* byte load */
        {{0x05, 0, 0, 0xffffffffu}, {0x06, 0, 0, 0}}, /* backward */
        {{0x15, 2, 0, 0}, {0x06, 0, 0, 0}},           /* past the end */
        {{0x34, 0, 0, 0}, {0x06, 0, 0, 0}},           /* divide by 0 */
        {{0x94, 0, 0, 3}, {0x06, 0, 0, 0}},           /* MOD */
        {{0x64, 0, 0, 32}, {0x06, 0, 0, 0}},          /* shift by 32 */
        {{0x60, 0, 0, 1}, {0x06, 0, 0, 0}},           /* unwritten slot */
        {{0x02, 0, 0, 16}, {0x06, 0, 0, 0}},          /* slot 16 */
        {{0x06, 0, 0, 0}, {0x20, 0, 0, 0}},           /* no final return */
        {{0x0e, 0, 0, 0}, {0x06, 0, 0, 0}},           /* RET X */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(check(bad[i], 2), -22);
    /* the length load becomes 64; NEG is not a length load */
    struct sock_filter len[] = {{0x80, 0, 0, 0}, {0x84, 0, 0, 0}, {0x16, 0, 0, 0}};
    struct seccomp_data d = {39, 0xc000003eu, 0, {0}};
    assert_int_equal(k_bpf_check_seccomp(len, 3), 0);
    assert_int_equal(k_bpf_run(len, 3, &d), (uint32_t)-64);
}

/* -1: the host's seccomp is not usable here; else 0 (loaded) or errno. */
static int host_load(const struct sock_filter *p, unsigned n, const uint64_t args[6])
{
    struct sock_filter full[BPF_MAXINSNS] = {
        {0x20, 0, 0, 0}, {0x15, 1, 0, SYS_getppid}, {0x06, 0, 0, RET_ALLOW}, {0x00, 0, 0, 0}};
    memcpy(full + 4, p, n * sizeof(*p));
    pid_t pid = fork();
    if (pid == 0) {
        struct {
            unsigned short len;
            struct sock_filter *filter;
        } fp = {(unsigned short)(n + 4), full};
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
            _exit(255);
        if (syscall(SYS_seccomp, 1, 0, &fp))
            _exit(errno == EINVAL ? 254 : 255);
        if (!args)
            _exit(0);
        long r = syscall(SYS_getppid, args[0], args[1], args[2], args[3], args[4], args[5]);
        _exit(r == -1 ? errno : 0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st))
        return WTERMSIG(st) == SIGSYS ? 256 : -1;
    return WEXITSTATUS(st) == 255 ? -1 : WEXITSTATUS(st) == 254 ? -22 : WEXITSTATUS(st);
}

static int host_usable(void)
{
    const struct sock_filter p[] = {{0x06, 0, 0, RET_ALLOW}};
    return host_load(p, 1, NULL) == 0;
}

static const uint16_t codes[] = {0x20, 0x28, 0x30, 0x80, 0x40, 0x00, 0x60, 0x01, 0x81, 0xb1,
                                 0x61, 0x02, 0x03, 0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34,
                                 0x3c, 0x94, 0x9c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74,
                                 0x7c, 0x84, 0xa4, 0xac, 0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35,
                                 0x3d, 0x45, 0x4d, 0x06, 0x16, 0x0e, 0x07, 0x87, 0x8c, 0x0d};

static void test_check_vs_host(void **state)
{
    (void)state;
    if (!host_usable())
        skip();
    for (int t = 0; t < 1000; t++) {
        struct sock_filter p[16];
        unsigned n = 1 + rnd() % 16;
        for (unsigned i = 0; i < n; i++) {
            uint32_t r = rnd() % 6;
            p[i].code = rnd() % 20 == 0 ? (uint16_t)(rnd() & 0xff) : codes[rnd() % 50];
            p[i].jt = (uint8_t)(rnd() % 6);
            p[i].jf = (uint8_t)(rnd() % 6);
            p[i].k = r == 0 ? rnd() : r == 1 ? (rnd() % 17) * 4 : r == 2 ? rnd() % 70 : rnd() % 20;
        }
        if (rnd() % 2)
            p[n - 1].code = 0x06;
        int host = host_load(p, n, NULL);
        assert_true(host == 0 || host == -22);
        if (host != (check(p, n) ? -22 : 0))
            fail_msg("program %d (%u instructions): host %d", t, n, host);
    }
}

static void test_run_vs_host(void **state)
{
    (void)state;
    if (!host_usable())
        skip();
    static const uint16_t body[] = {0x20, 0x80, 0x00, 0x60, 0x01, 0x81, 0x61, 0x02, 0x03, 0x04,
                                    0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54,
                                    0x5c, 0x64, 0x6c, 0x74, 0x7c, 0x84, 0xa4, 0xac, 0x05, 0x15,
                                    0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x07, 0x87};
    int ran = 0;
    for (int t = 0; t < 1500; t++) {
        struct sock_filter p[20];
        unsigned nb = 1 + rnd() % 14, n = nb + 3;
        for (unsigned i = 0; i < nb; i++) {
            uint16_t c = body[rnd() % (sizeof(body) / sizeof(body[0]))];
            uint32_t r = rnd() % 4;
            p[i] = (struct sock_filter){c, (uint8_t)(rnd() % (nb - i)), (uint8_t)(rnd() % (nb - i)),
                                        r == 0   ? rnd()
                                        : r == 1 ? rnd() % 32
                                                 : rnd() % 300};
            if (c == 0x20) /* nr, arch, the arguments (the ip differs) */
                p[i].k =
                    (uint32_t[]){0, 4, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60}[rnd() % 14];
            if ((c & 0xe0) == 0x60 || c == 0x02 || c == 0x03)
                p[i].k %= 16;
        }
        p[nb] = (struct sock_filter){0x54, 0, 0, 0x7f}; /* A &= 0x7f: exits 254, 255 free */
        p[nb + 1] = (struct sock_filter){0x44, 0, 0, RET_ERRNO}; /* A |= ERRNO */
        p[nb + 2] = (struct sock_filter){0x16, 0, 0, 0};         /* return A */
        struct sock_filter q[20];
        memcpy(q, p, sizeof(p));
        if (k_bpf_check_seccomp(q, n))
            continue;
        uint64_t args[6];
        for (int i = 0; i < 6; i++)
            args[i] = ((uint64_t)rnd() << 32 | rnd()) & (rnd() % 2 ? ~0ull : 0xffull);
        struct seccomp_data d = {SYS_getppid, 0xc000003eu, 0, {0}};
        memcpy(d.args, args, sizeof(args));
        uint32_t ret = k_bpf_run(q, n, &d);
        int mine = (ret & 0xffff0000u) == RET_ERRNO ? (int)(ret & 0x7f) : 256; /* 0: KILL */
        int host = host_load(p, n, args);
        if (host != mine)
            fail_msg("program %d (%u instructions): host %d, bpf_run %d", t, n, host, mine);
        ran++;
    }
    assert_true(ran > 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_check_vs_host),
        cmocka_unit_test(test_run_vs_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
