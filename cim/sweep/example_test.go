package sweep_test

import (
	"context"
	"fmt"

	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sweep"
)

// Sweep one layer over two bus widths on the default chip (AXI4): with a
// 4-byte bus, 18 cores keep its busier channel 65% busy and come within 1%
// of the limit; 64 bytes within 0.3%.
func Example() {
	net := &nn.Network{Name: "demo", Input: nn.Shape{C: 128, H: 28, W: 28}, Layers: []*nn.Layer{
		{Name: "conv", Kind: nn.Conv2D, KernelH: 3, KernelW: 3, PadTop: 1, PadBottom: 1,
			PadLeft: 1, PadRight: 1, Filters: 64},
	}}
	if err := net.Infer(); err != nil {
		panic(err)
	}
	rs, err := sweep.Run(context.Background(), sweep.Spec{
		Models: []*nn.Network{net}, Xbars: []sweep.Xbar{{64, 64}}, Buses: []int{4, 64},
		Cores: []int{1024}, Schemes: []compile.Scheme{compile.Cyclic},
	})
	if err != nil {
		panic(err)
	}
	for _, r := range rs {
		fmt.Printf("bus %2d B: pv=%d speedup=%.2f bus utilisation=%.0f%%\n", r.BusBytes, r.PV, r.Speedup, 100*r.BusUtilization)
	}
	// Output:
	// bus  4 B: pv=18 speedup=17.83 bus utilisation=65%
	// bus 64 B: pv=18 speedup=17.96 bus utilisation=4%
}
