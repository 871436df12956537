/* Sampling profiler: an NMI clock (arch_prof_start) records where the CPU
 * was, interrupts enabled or not; samples are kept raw and attributed to
 * functions, through the kernel's symbol table, only when reported. */
#include <stdint.h>
#include "string.h"
#include "kernel/arch.h"
#include "kernel/cmdline.h"
#include "kernel/ksyms.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/printk.h"
#include "kernel/sched/prof.h"

#define MAX_SAMPLES (1u << 18) /* 2 MiB of samples */
#define MAX_FUNCS   512
#define TOP         30

static uint64_t *samples;
static unsigned nsamples, dropped;

void prof_init(const char *cmdline)
{
    const char *v;
    size_t len;
    char buf[8];
    if (!cmdline_find(cmdline, "profile", &v, &len) || len == 0 || len >= sizeof(buf))
        return;
    memcpy(buf, v, len);
    buf[len] = 0;
    unsigned long us = strtoul(buf, 0, 10);
    if (us < 10 || us > 100000 || !(samples = kmalloc(MAX_SAMPLES * sizeof(*samples)))) {
        printk("profile: off (want profile=10..100000 us and 2 MiB)\n");
        return;
    }
    int err = arch_prof_start((unsigned)us);
    if (err) {
        printk("profile: off: no profiling clock (error %d)\n", -err);
        kfree(samples);
        samples = 0;
        return;
    }
    printk("profile: a sample every %lu us\n", us);
}

void prof_sample(uint64_t pc)
{
    if (!samples)
        return;
    if (nsamples == MAX_SAMPLES) {
        dropped++;
        return;
    }
    samples[nsamples++] = pc;
}

struct func {
    const char *name;
    unsigned n;
};

/* The entry counting name (names are pointers into the symbol table, one
 * per function), or NULL when the table is full. */
static struct func *func_slot(struct func *f, unsigned *nf, const char *name)
{
    for (unsigned i = 0; i < *nf; i++)
        if (f[i].name == name)
            return &f[i];
    if (*nf == MAX_FUNCS)
        return 0;
    f[*nf] = (struct func){name, 0};
    return &f[(*nf)++];
}

static const char *sample_name(uint64_t pc)
{
    uint64_t off;
    const char *name;
    if (pc < arch_direct_map_base()) /* the lower half */
        return "(program code)";
    name = ksyms_lookup(pc, &off);
    return name ? name : "(unknown)";
}

void prof_report(void)
{
    uint64_t *taken = samples;
    struct func *f = taken ? kzalloc(MAX_FUNCS * sizeof(*f)) : 0;
    unsigned nf = 0, other = 0;
    if (!f)
        return;
    samples = 0; /* sampling stops: the report's own work stays out of it */
    for (unsigned i = 0; i < nsamples; i++) {
        struct func *s = func_slot(f, &nf, sample_name(taken[i]));
        if (s)
            s->n++;
        else
            other++;
    }
    printk("profile: %u samples (%u dropped), %u functions\n", nsamples, dropped, nf);
    for (unsigned k = 0; k < TOP && k < nf; k++) {
        unsigned best = k;
        for (unsigned i = k + 1; i < nf; i++)
            if (f[i].n > f[best].n)
                best = i;
        struct func t = f[k];
        f[k] = f[best];
        f[best] = t;
        printk("profile: %6u %3u.%u%% %s\n", f[k].n, f[k].n * 100 / nsamples,
               f[k].n * 1000 / nsamples % 10, f[k].name);
    }
    if (other)
        printk("profile: %6u in functions beyond the first %u\n", other, MAX_FUNCS);
    kfree(f);
    kfree(taken);
}
