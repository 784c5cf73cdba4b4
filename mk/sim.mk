# Timed simulation and sweeps (cim/sim, cim/sweep; issue 3). Their tests,
# including the calibration against the paper's trends, run in test-go.

.PHONY: bench-sim paper-sweep

# Simulator and sweep benchmarks: ResNet-18 on one core, the paper sweep.
bench-sim:
	$(GO) test -run '^$$' -bench . -benchmem ./cim/sim ./cim/sweep

# The paper's evaluation as a CSV (ResNet-18 and MobileNet v1 at 224, 32/64/128
# crossbars, 4..64-byte buses, the three schemes, 1024 cores).
paper-sweep: build
	$(CIMKIT) sweep --models resnet18,mobilenet_v1 --xbar 32,64,128 --bus 4,8,16,32,64 \
		--schemes sequential,linear,cyclic --cores 1024 --out results.csv
