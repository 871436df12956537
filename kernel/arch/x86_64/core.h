/* Core dumps on x86-64 (kernel/arch/x86_64/core.c): the sizes and the ELF
 * machine of what arch_core_regs and arch_core_fpregs write, as Linux's
 * x86-64 core files hold them. Included by kernel/arch.h. */
#ifndef UNIPLEX_X86_CORE_H
#define UNIPLEX_X86_CORE_H

#define ARCH_ELF_MACHINE 62  /* EM_X86_64 */
#define ARCH_CORE_REGS   216 /* struct user_regs_struct: 27 registers */
#define ARCH_CORE_FPREGS 512 /* struct user_i387_struct: the FXSAVE image */

#endif
