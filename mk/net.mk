# Whole networks on one chip (cim/place, cim/netprog, cim/netsim; issue 10).

.PHONY: bench-net

# Whole-network benchmarks: ResNet-18 pipelined on 128x128 (target 2 s,
# 512 MB), ResNet-50 in segments on 64x64 (target 20 s), and the per-layer
# simulator on the same layers for instructions per second.
bench-net:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./cim/netsim
