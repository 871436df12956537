# Programs for the default images: each userapps/NAME.c is one static musl
# executable build/user/NAME. Included from the top Makefile, so paths are
# relative to the repository root.
USERAPPS_CC     := musl-gcc
USERAPPS_CFLAGS := -static -std=gnu11 -O2 -Wall -Wextra -Werror
USERAPPS := $(patsubst userapps/%.c,$(BUILD)/user/%,$(wildcard userapps/*.c))

.PHONY: userapps
userapps: $(USERAPPS)

$(BUILD)/user/%: userapps/%.c userapps/userapps.mk tests/apps/proc.h
	@mkdir -p $(dir $@)
	$(USERAPPS_CC) $(USERAPPS_CFLAGS) $< -o $@
