/* Classic BPF for seccomp: the load-time check (Linux's bpf_check_classic,
 * then seccomp_check_filter's narrower set) and the interpreter. A checked
 * program only jumps forward, so a run takes at most len steps. */
#include <stdint.h>
#include "errno.h"
#include "kernel/proc/seccomp.h"

/* Instruction classes, sizes, modes, operations (linux/bpf_common.h). */
#define BPF_CLASS(c) ((c)&0x07)
#define BPF_LD       0x00
#define BPF_LDX      0x01
#define BPF_ST       0x02
#define BPF_STX      0x03
#define BPF_ALU      0x04
#define BPF_JMP      0x05
#define BPF_RET      0x06
#define BPF_MISC     0x07
#define BPF_W        0x00
#define BPF_H        0x08
#define BPF_B        0x10
#define BPF_IMM      0x00
#define BPF_ABS      0x20
#define BPF_IND      0x40
#define BPF_MEM      0x60
#define BPF_LEN      0x80
#define BPF_MSH      0xa0
#define BPF_OP(c)    ((c)&0xf0)
#define BPF_ADD      0x00
#define BPF_SUB      0x10
#define BPF_MUL      0x20
#define BPF_DIV      0x30
#define BPF_OR       0x40
#define BPF_AND      0x50
#define BPF_LSH      0x60
#define BPF_RSH      0x70
#define BPF_NEG      0x80
#define BPF_XOR      0xa0
#define BPF_JA       0x00
#define BPF_JEQ      0x10
#define BPF_JGT      0x20
#define BPF_JGE      0x30
#define BPF_JSET     0x40
#define BPF_SRC(c)   ((c)&0x08)
#define BPF_K        0x00
#define BPF_X        0x08
#define BPF_A        0x10 /* BPF_RET's value */
#define BPF_TAX      0x00
#define BPF_TXA      0x80
#define BPF_MEMWORDS 16

/* An ALU operation seccomp takes (NEG only with K; classic BPF's MOD is
 * not among them on Linux). */
static int alu_op_ok(uint16_t code)
{
    switch (BPF_OP(code)) {
    case BPF_ADD:
    case BPF_SUB:
    case BPF_MUL:
    case BPF_DIV:
    case BPF_AND:
    case BPF_OR:
    case BPF_XOR:
    case BPF_LSH:
    case BPF_RSH:
        return 1;
    case BPF_NEG:
        return BPF_SRC(code) == BPF_K;
    default:
        return 0;
    }
}

/* The opcodes seccomp accepts once the data-length loads are rewritten:
 * loads of the data only as aligned words (checked by the caller). */
static int seccomp_code_ok(uint16_t code)
{
    switch (BPF_CLASS(code)) {
    case BPF_ALU:
        return code == (BPF_ALU | BPF_OP(code) | BPF_SRC(code)) && alu_op_ok(code);
    case BPF_LD:
        return code == (BPF_LD | BPF_W | BPF_ABS) || code == (BPF_LD | BPF_W | BPF_LEN) ||
               code == (BPF_LD | BPF_IMM) || code == (BPF_LD | BPF_MEM);
    case BPF_LDX:
        return code == (BPF_LDX | BPF_W | BPF_LEN) || code == (BPF_LDX | BPF_IMM) ||
               code == (BPF_LDX | BPF_MEM);
    case BPF_ST:
    case BPF_STX:
        return code == BPF_CLASS(code);
    case BPF_JMP:
        if (code == (BPF_JMP | BPF_JA))
            return 1;
        return code == (BPF_JMP | BPF_OP(code) | BPF_SRC(code)) && BPF_OP(code) >= BPF_JEQ &&
               BPF_OP(code) <= BPF_JSET;
    case BPF_RET:
        return code == (BPF_RET | BPF_K) || code == (BPF_RET | BPF_A);
    default: /* BPF_MISC */
        return code == (BPF_MISC | BPF_TAX) || code == (BPF_MISC | BPF_TXA);
    }
}

/* One instruction's operands (pc of len): constant divisors and shifts,
 * scratch slots, jump targets inside the program. 0 or -EINVAL. */
static int operands_ok(const struct sock_filter *in, unsigned pc, unsigned len)
{
    uint16_t c = in->code;
    switch (BPF_CLASS(c)) {
    case BPF_ALU:
        if (BPF_SRC(c) == BPF_K && BPF_OP(c) == BPF_DIV && in->k == 0)
            return -EINVAL;
        if (BPF_SRC(c) == BPF_K && (BPF_OP(c) == BPF_LSH || BPF_OP(c) == BPF_RSH) && in->k >= 32)
            return -EINVAL;
        return 0;
    case BPF_LD:
    case BPF_LDX:
        if ((c & 0xe0) == BPF_MEM && in->k >= BPF_MEMWORDS)
            return -EINVAL;
        /* the data: a whole aligned word of struct seccomp_data */
        if (c == (BPF_LD | BPF_W | BPF_ABS) && (in->k >= sizeof(struct seccomp_data) || in->k & 3))
            return -EINVAL;
        return 0;
    case BPF_ST:
    case BPF_STX:
        return in->k >= BPF_MEMWORDS ? -EINVAL : 0;
    case BPF_JMP:
        if (c == (BPF_JMP | BPF_JA))
            return in->k >= len - pc - 1 ? -EINVAL : 0;
        return pc + in->jt + 1 >= len || pc + in->jf + 1 >= len ? -EINVAL : 0;
    default:
        return 0;
    }
}

/* Every scratch slot read is written first on every path to it (Linux's
 * check_load_and_stores): 0 or -EINVAL. Forward jumps only, so one pass
 * carries what is known valid to each target. */
static int scratch_ok(const struct sock_filter *prog, unsigned len)
{
    static uint16_t valid_at[BPF_MAXINSNS]; /* no preemption in the kernel */
    uint16_t valid = 0;
    for (unsigned pc = 0; pc < len; pc++)
        valid_at[pc] = 0xffff;
    for (unsigned pc = 0; pc < len; pc++) {
        const struct sock_filter *in = &prog[pc];
        valid &= valid_at[pc];
        uint16_t c = in->code;
        if (c == BPF_ST || c == BPF_STX)
            valid |= (uint16_t)(1u << in->k);
        else if ((c == (BPF_LD | BPF_MEM) || c == (BPF_LDX | BPF_MEM)) && !(valid & (1u << in->k)))
            return -EINVAL;
        else if (c == (BPF_JMP | BPF_JA)) {
            valid_at[pc + 1 + in->k] &= valid;
            valid = 0xffff;
        } else if (BPF_CLASS(c) == BPF_JMP) {
            valid_at[pc + 1 + in->jt] &= valid;
            valid_at[pc + 1 + in->jf] &= valid;
            valid = 0xffff;
        }
    }
    return 0;
}

int bpf_check_seccomp(struct sock_filter *prog, unsigned len)
{
    if (len == 0 || len > BPF_MAXINSNS)
        return -EINVAL;
    for (unsigned pc = 0; pc < len; pc++)
        if (!seccomp_code_ok(prog[pc].code) || operands_ok(&prog[pc], pc, len))
            return -EINVAL;
    if (BPF_CLASS(prog[len - 1].code) != BPF_RET || scratch_ok(prog, len))
        return -EINVAL;
    for (unsigned pc = 0; pc < len; pc++)
        if (prog[pc].code == (BPF_LD | BPF_W | BPF_LEN) ||
            prog[pc].code == (BPF_LDX | BPF_W | BPF_LEN)) { /* the length is a constant */
            prog[pc].code = (uint16_t)(BPF_CLASS(prog[pc].code) | BPF_IMM);
            prog[pc].k = sizeof(struct seccomp_data);
        }
    return 0;
}

/* A op b for ALU operation op (checked: constant divisors are not 0; a
 * register divisor of 0 ends the program with 0 in the caller, as Linux). */
static uint32_t alu(uint16_t op, uint32_t a, uint32_t b)
{
    switch (op) {
    case BPF_ADD:
        return a + b;
    case BPF_SUB:
        return a - b;
    case BPF_MUL:
        return a * b;
    case BPF_DIV:
        return a / b;
    case BPF_AND:
        return a & b;
    case BPF_OR:
        return a | b;
    case BPF_XOR:
        return a ^ b;
    case BPF_LSH:
        return a << (b & 31);
    case BPF_RSH:
        return a >> (b & 31);
    default:
        return -a; /* BPF_NEG */
    }
}

/* Whether conditional jump op holds for a against b. */
static int jump_taken(uint16_t op, uint32_t a, uint32_t b)
{
    switch (op) {
    case BPF_JEQ:
        return a == b;
    case BPF_JGT:
        return a > b;
    case BPF_JGE:
        return a >= b;
    default:
        return (a & b) != 0; /* BPF_JSET */
    }
}

uint32_t bpf_run(const struct sock_filter *prog, unsigned len, const struct seccomp_data *d)
{
    uint32_t a = 0, x = 0, mem[BPF_MEMWORDS];
    const uint8_t *data = (const uint8_t *)d;
    for (unsigned pc = 0; pc < len; pc++) {
        const struct sock_filter *in = &prog[pc];
        uint16_t c = in->code;
        uint32_t src = BPF_SRC(c) == BPF_X ? x : in->k;
        switch (BPF_CLASS(c)) {
        case BPF_LD:
            a = (c & 0xe0) == BPF_ABS   ? *(const uint32_t *)(data + in->k)
                : (c & 0xe0) == BPF_MEM ? mem[in->k]
                                        : in->k;
            break;
        case BPF_LDX:
            x = (c & 0xe0) == BPF_MEM ? mem[in->k] : in->k;
            break;
        case BPF_ST:
            mem[in->k] = a;
            break;
        case BPF_STX:
            mem[in->k] = x;
            break;
        case BPF_ALU:
            if (BPF_OP(c) == BPF_DIV && src == 0)
                return 0;
            a = alu(BPF_OP(c), a, src);
            break;
        case BPF_JMP:
            if (BPF_OP(c) == BPF_JA)
                pc += in->k;
            else
                pc += jump_taken(BPF_OP(c), a, src) ? in->jt : in->jf;
            break;
        case BPF_RET:
            return BPF_SRC(c) == BPF_K && c == (BPF_RET | BPF_K) ? in->k : a;
        default: /* BPF_MISC */
            if (c == (BPF_MISC | BPF_TAX))
                x = a;
            else
                a = x;
        }
    }
    return 0; /* not reached: a checked program ends with a return */
}
