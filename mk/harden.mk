# Input hardening (issue 12): short fuzz runs of the chip-file reader and of
# the safe-name function that file names from data pass through.
HARDEN_FUZZTIME ?= 50000x

.PHONY: test-harden-fuzz
test-harden-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(HARDEN_FUZZTIME) ./cim/arch
	$(GO) test -run '^$$' -fuzz '^FuzzBase$$' -fuzztime $(HARDEN_FUZZTIME) ./internal/safename

EXTRA_TESTS += test-harden-fuzz
