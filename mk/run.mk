# Figures and the paper report (plots/, cimkit report/plot/run).
#   make report          the paper reproduction into ./report (same as make run)
#   make test-plots-fuzz short fuzz runs of the results and trace readers
#                        (part of make test)
PLOTS_FUZZTIME ?= 50000x
# FuzzReadNetwork draws figures from what it reads: about 10 times slower.
PLOTS_NETWORK_FUZZTIME ?= 5000x

.PHONY: report test-plots-fuzz
report: build
	$(CIMKIT) report --out report

test-plots-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzReadResults$$' -fuzztime $(PLOTS_FUZZTIME) ./plots
	$(GO) test -run '^$$' -fuzz '^FuzzReadTrace$$' -fuzztime $(PLOTS_FUZZTIME) ./plots
	$(GO) test -run '^$$' -fuzz '^FuzzReadNetwork$$' -fuzztime $(PLOTS_NETWORK_FUZZTIME) ./plots

EXTRA_TESTS += test-plots-fuzz
