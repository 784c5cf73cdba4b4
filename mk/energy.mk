# Energy, power and area (cim/energy; issue 14).
#   make test-energy-fuzz  a short fuzz run of the technology-file reader
#                          (part of make test)
ENERGY_FUZZTIME ?= 50000x

.PHONY: test-energy-fuzz
test-energy-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(ENERGY_FUZZTIME) ./cim/energy

EXTRA_TESTS += test-energy-fuzz
