# Test programs run inside Uniplex (and on the host): each tests/apps/NAME.c
# is one static musl executable build/apps/NAME. Included from the top
# Makefile, so paths are relative to the repository root.
APPS_CC     := musl-gcc
APPS_CFLAGS := -static -std=gnu11 -O2 -Wall -Wextra -Werror
APPS := $(patsubst tests/apps/%.c,$(BUILD)/apps/%,$(wildcard tests/apps/*.c))

.PHONY: apps
apps: $(APPS)

$(BUILD)/apps/%: tests/apps/%.c tests/apps/t.h tests/apps/proc.h tests/apps/tproc.h tests/apps/apps.mk
	@mkdir -p $(dir $@)
	$(APPS_CC) $(APPS_CFLAGS) $< -o $@
