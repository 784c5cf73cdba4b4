# Golden figures: go test ./plots draws every figure kind of package plots
# from fixed synthetic results and compares the SVG with its reference in
# plots/testdata/golden (numbers within 0.01 pt, all other text equal).
#
#   make golden   rewrite the references after an intended change to a
#                 figure; look at the new SVGs (git diff, a browser) before
#                 committing them
#
# A new figure kind gets its reference by one line in the golden list of
# plots/golden_test.go and one make golden.

.PHONY: golden
golden:
	$(GO) test ./plots -run TestGolden -count=1 -update
