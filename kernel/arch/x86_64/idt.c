/* IDT: 256 interrupt gates (IF cleared on entry), each on an IST stack. */
#include <stdint.h>
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/idt.h"

struct gate {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t ist;
    uint8_t type;
    uint16_t off_mid;
    uint32_t off_hi;
    uint32_t reserved;
} __attribute__((packed));

_Static_assert(sizeof(struct gate) == 16, "64-bit IDT gate is 16 bytes");

extern const uint64_t isr_stub_table[256];
static struct gate idt[256];

static uint8_t ist_for(int vec)
{
    switch (vec) {
    case 2:
        return IST_NMI;
    case 8:
        return IST_DF;
    case 18:
        return IST_MC;
    default:
        return IST_COMMON;
    }
}

void idt_init(void)
{
    for (int v = 0; v < 256; v++) {
        uint64_t off = isr_stub_table[v];
        idt[v] = (struct gate){
            .off_lo = off & 0xffff,
            .sel = GDT_KCODE,
            .ist = ist_for(v),
            .type = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
            .off_mid = off >> 16 & 0xffff,
            .off_hi = off >> 32,
        };
    }
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) p = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" : : "m"(p));
}
