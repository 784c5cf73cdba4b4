package sim_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
)

// A 3x3 conv whose 576-row weight matrix needs PV = 9 cores of 64x64 that
// add into the same outputs, on the default chip (AXI4, 16-byte bus): both
// pipelines come within 0.5% of the limit of 9, cyclic a little ahead,
// with 0.67% of the bus bytes spent on synchronisation.
func Example() {
	net := &nn.Network{Name: "demo", Input: nn.Shape{C: 64, H: 56, W: 56}, Layers: []*nn.Layer{
		{Name: "conv", Kind: nn.Conv2D, KernelH: 3, KernelW: 3, PadTop: 1, PadBottom: 1,
			PadLeft: 1, PadRight: 1, Filters: 64, Act: nn.ActReLU},
	}}
	if err := net.Infer(); err != nil {
		panic(err)
	}
	for _, s := range compile.Schemes() {
		r, err := sim.RunLayer(net, "conv", arch.Default(), s)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-10s pv=%d speedup=%.2f overhead=%.2f%%\n", r.Scheme, r.PV, r.Speedup, 100*r.Overhead)
	}
	// Output:
	// sequential pv=9 speedup=1.00 overhead=0.00%
	// linear     pv=9 speedup=8.96 overhead=0.67%
	// cyclic     pv=9 speedup=8.97 overhead=0.67%
}
