# The system-call fuzzer (tests/fuzz/fuzz.c), a static musl program run as
# init. Included from the top Makefile, so paths are relative to the
# repository root.
#
#   make fuzz [SEED=1] [CALLS=500000] [SEEDS=1] [WORKERS=2] [ESCAPE=1] [FUZZ_TIMEOUT=3600]
#
# runs SEEDS seeds from SEED, CALLS calls each, on the test kernel (its
# leak and kernel-canary lines end the log); ESCAPE=1 lets through rmdir,
# rename and chdir, whose names may end up outside the batch's directory
# (see fuzz.c, confined());
# FUZZ_ENV="FUZZ_ONLY=0:3 FUZZ_STOP=754 FUZZ_TRACE=1" passes environment
# words (README, "Fuzzing": cutting a finding down to one call).
FUZZ := $(BUILD)/fuzz/fuzz
SEED ?= 1
CALLS ?= 500000
SEEDS ?= 1
WORKERS ?= 2
FUZZ_TIMEOUT ?= 3600

.PHONY: fuzz
$(FUZZ): tests/fuzz/fuzz.c tests/fuzz/fuzz.mk
	@mkdir -p $(dir $@)
	$(APPS_CC) $(APPS_CFLAGS) $< -o $@

fuzz: $(FUZZ) $(BUILD)/kernel-test.elf
	UNIPLEX_KERNEL=$(BUILD)/kernel-test.elf tools/uniplex run --stdio console -v --timeout $(FUZZ_TIMEOUT) \
		$(if $(FUZZ_ENV),$(foreach e,$(FUZZ_ENV),--env $(e))) \
		$(if $(ACCEL),--accel $(ACCEL)) $(if $(ESCAPE),--env FUZZ_ESCAPE=1) \
		$(FUZZ) $(SEED) $(CALLS) $(WORKERS) $(SEEDS)
