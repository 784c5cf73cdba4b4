# Network IR and model zoo (cim/nn, cim/zoo, cim/mapping): a short fuzz run of
# shape inference on top of the unit tests that "go test ./..." runs.
.PHONY: test-nn-fuzz
test-nn-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzInfer$$' -fuzztime 100000x ./cim/nn

EXTRA_TESTS += test-nn-fuzz
