# Test programs run inside Uniplex (and on the host): each tests/apps/NAME.c
# is one static musl executable build/apps/NAME. The suites named in
# APPS_GLIBC are also built against glibc, static, as build/apps/NAME-glibc:
# the same cases through the other libc's pthread_create (clone3), futexes
# and TLS set-up (threads), its socket calls (net), its SIGEV_THREAD
# timers (ptimer) and pthread_cond_timedwait's realtime futex (clocks).
# Included from the top Makefile, so paths are relative to the repository root.
APPS_CC     := musl-gcc
APPS_CFLAGS := -static -std=gnu11 -O2 -Wall -Wextra -Werror
APPS_GLIBC_CC := gcc
APPS_GLIBC    := threads net pty ptimer clocks
APPS := $(patsubst tests/apps/%.c,$(BUILD)/apps/%,$(wildcard tests/apps/*.c)) \
        $(patsubst %,$(BUILD)/apps/%-glibc,$(APPS_GLIBC))

.PHONY: apps
apps: $(APPS)

$(BUILD)/apps/%: tests/apps/%.c tests/apps/t.h tests/apps/proc.h tests/apps/tproc.h tests/apps/tcase.h tests/apps/apps.mk
	@mkdir -p $(dir $@)
	$(APPS_CC) $(APPS_CFLAGS) $< -o $@

$(BUILD)/apps/%-glibc: tests/apps/%.c tests/apps/t.h tests/apps/proc.h tests/apps/tproc.h tests/apps/tcase.h tests/apps/apps.mk
	@mkdir -p $(dir $@)
	$(APPS_GLIBC_CC) $(APPS_CFLAGS) -pthread $< -o $@

# The core file tests/run.sh exports from the guest is read by the host's
# gdb, which needs coredump's debug information (a local variable's value).
$(BUILD)/apps/coredump: APPS_CFLAGS += -g
