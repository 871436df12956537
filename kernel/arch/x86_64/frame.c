/* The arch_frame_* hooks (kernel/arch.h) that are not inline in frame.h. */
#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/arch/x86_64/frame.h"

_Static_assert(sizeof(struct arch_frame) == 176, "FRAME_BYTES in program.S");

uint64_t arch_frame_size(void)
{
    return sizeof(struct arch_frame);
}

void arch_frame_fork(struct arch_frame *dst, const struct arch_frame *f, uint64_t sp)
{
    *dst = *f;
    dst->rax = 0; /* the child's return value */
    if (sp)
        dst->rsp = sp;
}
