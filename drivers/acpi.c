/* ACPI table walk (ACPI 6.x, chapter 5): RSDP -> RSDT/XSDT -> FADT -> DSDT,
 * and the \_S5 package in the DSDT's AML, read by pattern rather than by an
 * AML interpreter (the object is a plain Name of a Package in practice). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/byteorder.h"
#include "kernel/printk.h"
#include "drivers/acpi.h"

#define SDT_HEADER 36
#define TABLE_MAX  (16u << 20)
#define SLP_EN     (1u << 13)
#define SCI_EN     1u

static struct {
    uint16_t pm1a_cnt, pm1b_cnt, smi_cmd;
    uint8_t acpi_enable, slp_typa, slp_typb;
    int ready;
} s5;

static int checksum_ok(const uint8_t *p, uint32_t len)
{
    uint8_t sum = 0;
    for (uint32_t i = 0; i < len; i++)
        sum += p[i];
    return sum == 0;
}

/* The table at pa, if mapped, sane-sized and with a valid checksum. */
static const uint8_t *table_at(uint64_t pa)
{
    const uint8_t *h = arch_phys_map(pa, SDT_HEADER);
    if (!h)
        return 0;
    uint32_t len = load_le32(h + 4);
    if (len < SDT_HEADER || len > TABLE_MAX)
        return 0;
    const uint8_t *t = arch_phys_map(pa, len);
    return t && checksum_ok(t, len) ? t : 0;
}

/* The signatures as little-endian words: one load and compare per place
 * looked at, where the BIOS area scan and the DSDT search visit thousands. */
#define RSDP_SIG 0x2052545020445352ull /* "RSD PTR " */
#define S5_NAME  0x5f35535fu           /* "_S5_" */

static const uint8_t *rsdp_scan(uint64_t pa, uint64_t len)
{
    const uint8_t *p = arch_phys_map(pa, len);
    for (uint64_t off = 0; p && off + 20 <= len; off += 16)
        if (load_le64(p + off) == RSDP_SIG && checksum_ok(p + off, 20))
            return p + off;
    return 0;
}

static const uint8_t *rsdp_find(const struct bootinfo *bi)
{
    if (bi->rsdp)
        return bi->rsdp;
    const uint16_t *ebda_seg = arch_phys_map(0x40e, 2);
    const uint8_t *r = ebda_seg ? rsdp_scan((uint64_t)*ebda_seg << 4, 1024) : 0;
    return r ? r : rsdp_scan(0xe0000, 0x20000);
}

static const uint8_t *find_table(const uint8_t *rsdp, const char *sig)
{
    int xsdt = rsdp[15] >= 2 && load_le64(rsdp + 24) != 0;
    const uint8_t *root = table_at(xsdt ? load_le64(rsdp + 24) : load_le32(rsdp + 16));
    unsigned esize = xsdt ? 8 : 4;

    if (!root)
        return 0;
    for (uint32_t off = SDT_HEADER; off + esize <= load_le32(root + 4); off += esize) {
        uint64_t pa = xsdt ? load_le64(root + off) : load_le32(root + off);
        const uint8_t *t = table_at(pa);
        if (t && memcmp(t, sig, 4) == 0)
            return t;
    }
    return 0;
}

/* One element of the \_S5 package: BytePrefix n, Zero, One. */
static int aml_small_int(const uint8_t *p, const uint8_t *end, uint8_t *v, unsigned *used)
{
    if (p < end && p[0] == 0x0a && p + 1 < end) {
        *v = p[1];
        *used = 2;
        return 0;
    }
    if (p < end && (p[0] == 0x00 || p[0] == 0x01)) {
        *v = p[0];
        *used = 1;
        return 0;
    }
    return -EINVAL;
}

static int find_s5(const uint8_t *dsdt)
{
    uint32_t len = load_le32(dsdt + 4);
    const uint8_t *end = dsdt + len;

    for (const uint8_t *p = dsdt + SDT_HEADER; p + 8 < end; p++) {
        if (load_le32(p) != S5_NAME || p[4] != 0x12)
            continue;
        if (!(p[-1] == 0x08 || (p[-1] == '\\' && p[-2] == 0x08)))
            continue;
        const uint8_t *q = p + 5;
        q += 1 + (q[0] >> 6); /* PkgLength: 1 + 0..3 follow-on bytes */
        q += 1;               /* NumElements */
        unsigned used;
        if (aml_small_int(q, end, &s5.slp_typa, &used) != 0)
            return -EINVAL;
        if (aml_small_int(q + used, end, &s5.slp_typb, &used) != 0)
            s5.slp_typb = 0;
        return 0;
    }
    return -ENOENT;
}

static const uint8_t *acpi_rsdp;

const uint8_t *acpi_table(const char *sig)
{
    return acpi_rsdp ? find_table(acpi_rsdp, sig) : 0;
}

void acpi_init(const struct bootinfo *bi)
{
    const uint8_t *rsdp = rsdp_find(bi);
    acpi_rsdp = rsdp;
    if (!rsdp) {
        printk("acpi: no RSDP; ACPI power-off unavailable\n");
        return;
    }
    const uint8_t *fadt = find_table(rsdp, "FACP");
    if (!fadt || load_le32(fadt + 4) < 72) {
        printk("acpi: no usable FADT; ACPI power-off unavailable\n");
        return;
    }
    uint64_t dsdt_pa = load_le32(fadt + 40);
    if (load_le32(fadt + 4) >= 148 && load_le64(fadt + 140) != 0)
        dsdt_pa = load_le64(fadt + 140);
    const uint8_t *dsdt = table_at(dsdt_pa);
    s5.smi_cmd = (uint16_t)load_le32(fadt + 48);
    s5.acpi_enable = fadt[52];
    s5.pm1a_cnt = (uint16_t)load_le32(fadt + 64);
    s5.pm1b_cnt = (uint16_t)load_le32(fadt + 68);
    if (!dsdt || find_s5(dsdt) != 0 || s5.pm1a_cnt == 0) {
        printk("acpi: no \\_S5 object; ACPI power-off unavailable\n");
        return;
    }
    s5.ready = 1;
    printk("acpi: RSDP revision %u, PM1a control at %#x, S5 type %u\n", rsdp[15], s5.pm1a_cnt,
           s5.slp_typa);
}

int acpi_poweroff(void)
{
    if (!s5.ready)
        return -ENODEV;
    if (s5.smi_cmd && s5.acpi_enable && !(arch_inw(s5.pm1a_cnt) & SCI_EN)) {
        arch_outb(s5.smi_cmd, s5.acpi_enable);
        for (int i = 0; i < 1000000 && !(arch_inw(s5.pm1a_cnt) & SCI_EN); i++)
            arch_cpu_relax();
    }
    arch_outw(s5.pm1a_cnt, (uint16_t)(s5.slp_typa << 10 | SLP_EN));
    if (s5.pm1b_cnt)
        arch_outw(s5.pm1b_cnt, (uint16_t)(s5.slp_typb << 10 | SLP_EN));
    for (int i = 0; i < 1000000; i++)
        arch_cpu_relax();
    return -ENODEV;
}
