# The image builder (tools/mkimage.c): a host program that links the
# kernel's own ELF checker, kernel/proc/elfcheck.c, compiled exactly as for
# the unit tests (PURE_CFLAGS, by the Makefile's build/host/obj rule) but
# without the k_ renaming. That object only calls memcmp/memcpy/memset,
# which the host C library provides with the same contracts. Included from
# the top Makefile, so paths are relative to the repository root.
MKIMAGE := $(BUILD)/host/mkimage

.PHONY: mkimage-test
all: $(MKIMAGE)

$(MKIMAGE): tools/mkimage.c kernel/proc/elfcheck.h kernel/mm/page.h kernel/bootinfo.h kernel/uts.h \
		kernel/memmap.h $(BUILD)/host/obj/kernel/proc/elfcheck.o tools/mkimage.mk
	@mkdir -p $(dir $@)
	$(CC) $(HOSTCFLAGS) -I. tools/mkimage.c $(BUILD)/host/obj/kernel/proc/elfcheck.o -lelf -o $@
# The pure objects are built without dependency files: name the header.
$(BUILD)/host/obj/kernel/proc/elfcheck.o: kernel/proc/elfcheck.h kernel/mm/page.h \
		kernel/mm/uaccess.h

# The builder's refusals and output format (a shell test; it compiles its
# own sample programs with gcc and musl-gcc).
mkimage-test: $(MKIMAGE)
	tests/unit/mkimage_test.sh
