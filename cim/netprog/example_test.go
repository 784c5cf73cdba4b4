package netprog_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/place"
)

// Two 1x1 convolutions in a row on a 2x3 image, one core each. Pipelined,
// core 0 (layer a) CALLs core 1's register 0 after each output row with
// the number of pixels done, and core 1 (layer b) WAITs for the count of
// the row it is about to read before loading it: 3 before its first pixel,
// 6 before its fourth.
func Example() {
	conv := func(name string) *nn.Layer {
		return &nn.Layer{Name: name, Kind: nn.Conv2D, Filters: 2, KernelH: 1, KernelW: 1}
	}
	net := &nn.Network{Name: "pair", Input: nn.Shape{C: 2, H: 2, W: 3}, Layers: []*nn.Layer{conv("a"), conv("b")}}
	if err := net.Infer(); err != nil {
		panic(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols = 2, 2
	pl, err := place.Place(net, a, place.Options{})
	if err != nil {
		panic(err)
	}
	p, err := netprog.Build(pl, netprog.Options{Scheme: compile.Linear, Mode: netprog.Pipelined, Images: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println("cores:", p.Cores, "sync memory:", p.SyncMemBytes(), "B")
	for core := 0; core < p.Cores; core++ {
		fmt.Printf("core %d (%s):", core, p.Jobs(core)[0].Name)
		s := p.Stream(core)
		var in isa.Instr
		for s.Next(&in) {
			if in.Op == isa.WAIT || in.Op == isa.CALL {
				in.Vec = -1
				fmt.Printf(" [%s]", in)
			}
		}
		fmt.Println()
	}
	// Output:
	// cores: 2 sync memory: 8 B
	// core 0 (a): [CALL core1, 3] [CALL core1, 6]
	// core 1 (b): [WAIT 3] [WAIT 6]
}
