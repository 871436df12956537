# Uniplex: `make` builds the release kernel build/kernel.elf and
# build/uniplex.iso. `make run` boots the ISO with the serial console on
# this terminal, `make test` builds the test kernel build/kernel-test.elf
# and runs the host unit tests and the QEMU boot tests (on the test kernel),
# `make bench` compares Uniplex with the host's Linux and a Linux guest
# (docs/PERFORMANCE.md), `make bbtest` runs BusyBox's own testsuite natively
# and inside Uniplex (tools/bbtest.sh), `make bashtest` GNU bash's
# (tools/bashtest.sh), `make deps` installs the Debian packages all of this
# needs and fetches BusyBox's and bash's sources.
SHELL   := /bin/bash
BUILD   := build
CC      := gcc
LD      := ld
OBJCOPY := objcopy
GCC_INC := $(shell $(CC) -print-file-name=include)
FONT    := /usr/share/consolefonts/Lat15-Fixed16.psf.gz
ACCEL   ?=
MEM     ?= 256M

KCFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-common -nostdinc \
	-isystem $(GCC_INC) -I. -Ilibc/include -mno-red-zone -mcmodel=kernel \
	-mgeneral-regs-only -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fstack-protector-strong \
	-mstack-protector-guard=global -fno-optimize-sibling-calls -fno-pic -fno-pie -MMD -MP
# The C library must not have its own loops turned back into calls to itself.
LIBC_CFLAGS := -fno-builtin -fno-tree-loop-distribute-patterns
KASFLAGS := -I. -MMD -MP
KLDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments \
	-T boot/linker.ld

HOSTCFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror
# Kernel sources that are pure logic, compiled for the host and unit-tested.
PURE_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin \
	-fno-tree-loop-distribute-patterns -fno-stack-protector -nostdinc -isystem $(GCC_INC) \
	-I. -Ilibc/include
PURE_SRC := libc/string.c libc/format.c kernel/memmap.c kernel/cmdline.c kernel/bootinfo.c \
	drivers/fbcon.c kernel/mm/buddy.c kernel/mm/kmalloc.c kernel/mm/vmregion.c \
	kernel/timeconv.c \
	kernel/fs/cpio.c \
	kernel/proc/elfcheck.c kernel/proc/initargs.c kernel/proc/bpf.c

# Two kernels from one source tree. The release kernel, build/kernel.elf,
# is what `make`, `make run`, `make iso` and `make bench` use. The test
# kernel, build/kernel-test.elf, adds the in-kernel tests (KTEST_SRC,
# reached through selftest=NAME) and is compiled with KTEST_FLAGS:
# KERNEL_DEBUG turns KASSERT on (kernel/panic.h), KERNEL_TEST declares the
# test hooks (kernel/arch.h, kernel/selftest.h) and keeps the selftest=
# dispatch in kmain and the guarded-call branch of the page-fault handler.
# `make test` uses it everywhere.
KTEST_SRC := kernel/selftest.c kernel/ktest.c kernel/canary.c kernel/mm/mm_test.c kernel/sched/sched_test.c \
	kernel/sched/preempt_test.c kernel/sched/progtest.c kernel/sys/sys_test.c drivers/netdev_test.c drivers/vcons_test.c drivers/pit_test.c \
	kernel/arch/x86_64/testhooks.c kernel/arch/x86_64/testentry.S kernel/arch/x86_64/testprog.S
KTEST_FLAGS := -DKERNEL_DEBUG -DKERNEL_TEST
# lwIP, the TCP/IP stack, from Debian's source package (make deps fetches
# it into deps/lwip); kernel/net/ is its port and configuration.
LWIP_DIR := deps/lwip/source/src
LWIP_SRC := $(addprefix $(LWIP_DIR)/,core/init.c core/def.c core/inet_chksum.c core/ip.c \
	core/mem.c core/memp.c core/netif.c core/pbuf.c core/raw.c core/stats.c core/sys.c \
	core/tcp.c core/tcp_out.c core/timeouts.c core/udp.c core/ipv4/etharp.c \
	core/ipv4/icmp.c core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c \
	core/ipv4/dhcp.c netif/ethernet.c)
# tcp_in.c is compiled with one fix of ours applied at build time (the
# patch says why); deps/ keeps Debian's source as it is.
LWIP_PATCHES := kernel/net/lwip/tcp_in-zero-window.patch
LWIP_SRC_PATCHED := $(BUILD)/gen/lwip/tcp_in.c
KSRC := $(filter-out $(KTEST_SRC),$(wildcard kernel/*.c kernel/mm/*.c kernel/sched/*.c \
	kernel/fs/*.c kernel/tty/*.c kernel/proc/*.c kernel/sys/*.c kernel/ipc/*.c kernel/net/*.c \
	kernel/arch/x86_64/*.c drivers/*.c libc/*.c) $(wildcard boot/*.S kernel/arch/x86_64/*.S)) $(LWIP_SRC) \
	$(LWIP_SRC_PATCHED)
UNISTD := /usr/include/x86_64-linux-gnu/asm/unistd_64.h
UNIT := $(patsubst tests/unit/%.c,$(BUILD)/host/%,$(wildcard tests/unit/test_*.c))
HOSTTOOLS := $(BUILD)/host/psf2c $(BUILD)/host/fbread

.PHONY: all kernel kernel-test iso run test bench bbtest bashtest unit deps clean
all: kernel iso $(HOSTTOOLS)
kernel: $(BUILD)/kernel.elf
kernel-test: $(BUILD)/kernel-test.elf
iso: $(BUILD)/uniplex.iso

# kernel_image NAME,OBJDIR[,FLAGS,SOURCES]: build/NAME.elf from KSRC plus
# SOURCES, compiled with FLAGS into OBJDIR. Every object
# depends on the Makefile: a flag change rebuilds everything.
#
# The symbol table: link once with an empty table, list that image's
# functions, link again with the list. The table sits at the end of
# .rodata, after all code, so the second link moves no function; the build
# checks that.
define kernel_image
$(1)_OBJ := $$(patsubst %,$(2)/%.o,$$(basename $$(KSRC) $(4))) $(2)/gen/font.o \
	$(2)/gen/sysnames.o
$(2)/%.o: %.c Makefile
	@mkdir -p $$(dir $$@)
	$$(CC) $$(KCFLAGS) $(3) -c $$< -o $$@
$(2)/libc/%.o: libc/%.c Makefile
	@mkdir -p $$(dir $$@)
	$$(CC) $$(KCFLAGS) $$(LIBC_CFLAGS) $(3) -c $$< -o $$@
$(2)/%.o: %.S Makefile
	@mkdir -p $$(dir $$@)
	$$(CC) $$(KASFLAGS) $(3) -c $$< -o $$@
$(2)/gen/%.o: $$(BUILD)/gen/%.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(KCFLAGS) $(3) -c $$< -o $$@
$(2)/gen/%.o: $$(BUILD)/gen/%.S
	@mkdir -p $$(dir $$@)
	$$(CC) $$(KASFLAGS) $(3) -c $$< -o $$@
$$(BUILD)/$(1).pass1.elf: $$($(1)_OBJ) $(2)/gen/ksyms0.o boot/linker.ld
	$$(LD) $$(KLDFLAGS) -o $$@ $$($(1)_OBJ) $(2)/gen/ksyms0.o
$$(BUILD)/gen/$(1).ksyms.S: $$(BUILD)/$(1).pass1.elf tools/mksyms.sh
	tools/mksyms.sh $$< > $$@
$$(BUILD)/$(1).elf: $$($(1)_OBJ) $(2)/gen/$(1).ksyms.o boot/linker.ld
	$$(LD) $$(KLDFLAGS) -o $$@.tmp $$($(1)_OBJ) $(2)/gen/$(1).ksyms.o
	@cmp -s <(tools/mksyms.sh $$@.tmp) $$(BUILD)/gen/$(1).ksyms.S || \
		{ echo "ksyms: function addresses moved between link passes" >&2; exit 1; }
	mv $$@.tmp $$@
endef
$(eval $(call kernel_image,kernel,$(BUILD)/obj))
$(eval $(call kernel_image,kernel-test,$(BUILD)/obj-test,$(KTEST_FLAGS),$(KTEST_SRC)))

# The console font, converted at build time from Debian's console-setup-linux.
$(BUILD)/gen/font.c: $(BUILD)/host/psf2c $(FONT)
	@mkdir -p $(dir $@)
	zcat $(FONT) > $(BUILD)/gen/font.psf
	$(BUILD)/host/psf2c $(BUILD)/gen/font.psf $@

# System-call names, from the kernel UAPI header (linux-libc-dev).
$(BUILD)/gen/sysnames.c: tools/mksysnames.sh $(UNISTD)
	@mkdir -p $(dir $@)
	tools/mksysnames.sh $(UNISTD) > $@
# Their numbers, as SYS_<name> (#include "sysnr.h"): a prerequisite of every
# object that includes it (kernel/sys/sys.h does), so a clean build makes it
# before compiling them.
$(BUILD)/gen/sysnr.h: tools/mksysnames.sh $(UNISTD)
	@mkdir -p $(dir $@)
	tools/mksysnames.sh --enum $(UNISTD) > $@
KCFLAGS += -I$(BUILD)/gen -Ikernel/net/lwip -I$(LWIP_DIR)/include
# lwIP's sources come from make deps; a build without them fetches them.
$(LWIP_SRC) $(LWIP_DIR)/core/tcp_in.c:
	tools/deps.sh
# Debian's file has CRLF line ends; the patch has LF.
$(BUILD)/gen/lwip/tcp_in.c: $(LWIP_DIR)/core/tcp_in.c $(LWIP_PATCHES)
	@mkdir -p $(dir $@)
	tr -d '\r' < $< > $@.tmp
	patch --quiet --forward --no-backup-if-mismatch -r - $@.tmp < kernel/net/lwip/tcp_in-zero-window.patch
	mv $@.tmp $@
$(foreach d,obj obj-test,$(patsubst %.c,$(BUILD)/$(d)/%.o,$(wildcard kernel/sys/*.c kernel/ipc/*.c) \
	kernel/proc/seccomp.c)): \
	$(BUILD)/gen/sysnr.h

$(BUILD)/gen/ksyms0.S: tools/mksyms.sh
	@mkdir -p $(dir $@)
	tools/mksyms.sh > $@

# The default image: userapps/init as /sbin/init starting Debian's
# busybox-static shell (/bin/busybox and a link for every applet it lists),
# /etc/profile, /etc/motd, /etc/hosts, /etc/resolv.conf and /www/index.html
# from image/, and the user programs (userapps/httpd as /bin/phttpd: busybox
# has /bin/httpd). The image
# builder also writes the grub.cfg and runs grub-mkrescue.
BUSYBOX := /bin/busybox
IMAGE_FILES := $(BUILD)/user/init:/sbin/init $(BUILD)/user/hello:/bin/hello \
	$(BUILD)/user/bench:/bin/bench $(BUILD)/user/forkdemo:/bin/forkdemo \
	$(BUILD)/user/pipedemo:/bin/pipedemo $(BUILD)/user/snapshot:/bin/snapshot \
	$(BUILD)/user/prefork:/bin/prefork $(BUSYBOX):/bin/busybox \
	image/etc/profile:/etc/profile image/etc/motd:/etc/motd image/etc/hosts:/etc/hosts \
	image/etc/resolv.conf:/etc/resolv.conf $(BUILD)/user/httpd:/bin/phttpd \
	image/www/index.html:/www/index.html
BUSYBOX_LINKS = $(foreach a,$(filter-out busybox,$(shell $(BUSYBOX) --list)),--symlink /bin/$(a)=busybox)
DEFAULT_IMAGE_DEPS := $(BUILD)/host/mkimage $(BUILD)/user/init $(BUILD)/user/hello \
	$(BUILD)/user/bench $(BUILD)/user/forkdemo $(BUILD)/user/pipedemo $(BUILD)/user/snapshot \
	$(BUILD)/user/prefork $(BUSYBOX) image/etc/profile image/etc/motd image/etc/hosts \
	image/etc/resolv.conf $(BUILD)/user/httpd image/www/index.html
$(BUILD)/uniplex.iso: $(BUILD)/kernel.elf $(DEFAULT_IMAGE_DEPS)
	$(BUILD)/host/mkimage -o $(BUILD)/image --init /sbin/init --iso $@ --kernel $< \
		$(IMAGE_FILES) $(BUSYBOX_LINKS)
# The same image with the test kernel, for `make test`'s shell sessions.
$(BUILD)/uniplex-test.iso: $(BUILD)/kernel-test.elf $(DEFAULT_IMAGE_DEPS)
	$(BUILD)/host/mkimage -o $(BUILD)/image-test --init /sbin/init --iso $@ --kernel $< \
		$(IMAGE_FILES) $(BUSYBOX_LINKS)

# The boot tests' image (test kernel): init and hello only, so init powers
# off by itself.
$(BUILD)/bootcheck.iso: $(BUILD)/kernel-test.elf $(BUILD)/host/mkimage $(BUILD)/user/init \
		$(BUILD)/user/hello
	$(BUILD)/host/mkimage -o $(BUILD)/bootcheck --init /sbin/init --iso $@ --kernel $< \
		$(BUILD)/user/init:/sbin/init $(BUILD)/user/hello:/bin/hello

# Host tools.
$(BUILD)/host/psf2c: tools/psf2c.c kernel/byteorder.h
	@mkdir -p $(dir $@)
	$(CC) $(HOSTCFLAGS) -I. $< -o $@
$(BUILD)/host/fbread: tools/fbread.c tools/fbtext.c $(BUILD)/gen/font.c
	$(CC) $(HOSTCFLAGS) -I. $^ -o $@

# Host unit tests: the pure kernel sources, renamed with a k_ prefix so they
# link beside the host's C library.
$(BUILD)/host/obj/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(PURE_CFLAGS) -c $< -o $@
$(BUILD)/host/obj/gen/font.o: $(BUILD)/gen/font.c
	@mkdir -p $(dir $@)
	$(CC) $(PURE_CFLAGS) -c $< -o $@
$(BUILD)/host/klib.o: $(patsubst %.c,$(BUILD)/host/obj/%.o,$(PURE_SRC)) $(BUILD)/host/obj/gen/font.o
	$(LD) -r -o $@.raw $^
	$(OBJCOPY) --prefix-symbols=k_ $@.raw $@
# weak_panic.c: a default k_panic for tests that never expect one (the
# kernel code calls panic(), renamed k_panic); panic_capture.h overrides it.
$(BUILD)/host/test_fbcon: tests/unit/test_fbcon.c tools/fbtext.c tests/unit/weak_panic.c \
		$(BUILD)/host/klib.o
	$(CC) $(HOSTCFLAGS) -O1 -I. $^ -lcmocka -o $@
# Path walking is tested on its own object: the tmpfs calls it makes are
# provided by the test.
$(BUILD)/host/namei_k.o: $(BUILD)/host/obj/kernel/fs/namei.o
	$(OBJCOPY) --prefix-symbols=k_ $< $@
$(BUILD)/host/obj/kernel/fs/namei.o: kernel/fs/vfs.h
$(BUILD)/host/test_namei: tests/unit/test_namei.c tests/unit/weak_panic.c $(BUILD)/host/klib.o \
		$(BUILD)/host/namei_k.o
	$(CC) $(HOSTCFLAGS) -O1 -I. $^ -lcmocka -o $@
$(BUILD)/host/test_%: tests/unit/test_%.c tests/unit/weak_panic.c $(BUILD)/host/klib.o
	$(CC) $(HOSTCFLAGS) -O1 -I. $^ -lcmocka -o $@

# Sample executables that test_elfcheck reads at run time (from the repo
# root; order-only, so they stay out of its link). No 32-bit one: without
# gcc multilib the test crafts that header by hand. musl-gcc's specs file
# knows no -static-pie (it links Scrt1.o and libc.so with an interpreter),
# so that one names musl's rcrt1.o and links -static --no-dynamic-linker.
MUSL_LIB = /usr/lib/x86_64-linux-musl
ELF_SAMPLES := $(addprefix $(BUILD)/host/elf/hello_,static pie dynamic)
$(BUILD)/host/test_elfcheck: HOSTCFLAGS += -DELF_SAMPLES='"$(BUILD)/host/elf"'
$(BUILD)/host/test_elfcheck: | $(ELF_SAMPLES)
$(BUILD)/host/elf/hello_static: tests/unit/elf/hello.c
	@mkdir -p $(dir $@)
	musl-gcc -static -O2 $< -o $@
$(BUILD)/host/elf/hello_pie: tests/unit/elf/hello.c
	@mkdir -p $(dir $@)
	musl-gcc -static-pie -fPIE -O2 -nostartfiles -Wl,-static,--no-dynamic-linker \
		$(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o $(shell $(CC) -print-file-name=crtbeginS.o) $< \
		$(shell $(CC) -print-file-name=crtendS.o) $(MUSL_LIB)/crtn.o -o $@
$(BUILD)/host/elf/hello_dynamic: tests/unit/elf/hello.c
	@mkdir -p $(dir $@)
	$(CC) -O2 $< -o $@

unit: $(UNIT)
	@for t in $(UNIT); do $$t || exit 1; done

deps:
	@tools/deps.sh

run: deps all
	tools/qemu.sh --iso --mem $(MEM) $(if $(ACCEL),--accel $(ACCEL)) \
		$(if $(NET),--net user --port 8080:80)

# The boot tests run the test kernel; `all` builds the release kernel,
# which they check too.
test: deps all $(UNIT) apps userapps $(BUILD)/fuzz/fuzz $(ELF_SAMPLES) $(BUILD)/kernel-test.elf \
		$(BUILD)/bootcheck.iso $(BUILD)/uniplex-test.iso
	tests/run.sh

# The release kernel, whatever UNIPLEX_KERNEL the caller has set.
bench: deps all userapps apps
	env -u UNIPLEX_KERNEL tools/bench.sh

# BusyBox's whole testsuite on the test kernel, with no known failure
# allowed (make test allows those tests/busybox-known-failures.txt lists);
# BBTEST_ARGS are more options or applets (tools/bbtest.sh --help).
BBTEST_ARGS ?=
bbtest: deps $(BUILD)/kernel-test.elf $(BUILD)/host/mkimage
	UNIPLEX_KERNEL=$(BUILD)/kernel-test.elf tools/bbtest.sh $(BBTEST_ARGS)

# GNU bash's test suite (its run-* scripts) the same way, with no known
# failure allowed (make test allows those tests/bash-known-failures.txt
# lists); BASHTEST_ARGS are more options or scripts (tools/bashtest.sh --help).
BASHTEST_ARGS ?=
bashtest: deps $(BUILD)/kernel-test.elf $(BUILD)/host/mkimage
	UNIPLEX_KERNEL=$(BUILD)/kernel-test.elf tools/bashtest.sh $(BASHTEST_ARGS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj $(BUILD)/obj-test -name '*.d' 2>/dev/null)

# Image builder and front end (tools/), programs for images (userapps/,
# tests/apps/): each directory's rules live beside it.
-include tools/mkimage.mk userapps/userapps.mk tests/apps/apps.mk tests/fuzz/fuzz.mk
