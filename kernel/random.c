/* xoshiro256** (Blackman and Vigna), seeded through splitmix64. */
#include <stdint.h>
#include "string.h"
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/mm/uaccess.h"
#include "kernel/random.h"

static uint64_t s[4];

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void stir(uint64_t v)
{
    uint64_t x = v ^ s[0] ^ rotl(s[3], 17);
    for (int i = 0; i < 4; i++)
        s[i] ^= splitmix(&x);
    if (!(s[0] | s[1] | s[2] | s[3]))
        s[0] = 1; /* the all-zero state is a fixed point */
}

void random_init(void)
{
    uint64_t hw = 0;
    arch_random(&hw);
    stir(hw ^ arch_cycles());
}

uint64_t random_u64(void)
{
    uint64_t hw;
    if (arch_random(&hw))
        stir(hw);
    else
        stir(arch_cycles());
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

void random_bytes(void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n) {
        uint64_t v = random_u64();
        size_t k = n < 8 ? n : 8;
        memcpy(p, &v, k);
        p += k;
        n -= k;
    }
}

long random_to_user(void *ubuf, size_t n)
{
    uint8_t buf[256];
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
        random_bytes(buf, k);
        if (copy_to_user((uint8_t *)ubuf + done, buf, k))
            return done ? (long)done : -EFAULT;
        done += k;
    }
    return (long)done;
}
