package mapping_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

func Example() {
	// A 3x3 convolution from 64 to 96 channels on 64x64 crossbars.
	net := &nn.Network{Name: "one", Input: nn.Shape{C: 64, H: 14, W: 14}, Layers: []*nn.Layer{{
		Name: "conv", Kind: nn.Conv2D, Filters: 96, KernelH: 3, KernelW: 3,
		PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1,
	}}}
	if err := net.Infer(); err != nil {
		fmt.Println(err)
		return
	}
	m, err := mapping.Map(net.Layers[0], arch.Default())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%dx%d matrix: PV %d, PH %d, %d cores, utilisation %.3f\n", m.Rows, m.Cols, m.PV, m.PH, m.Cores, m.Utilization())
	// Every core computes every output vector (14 x 14 pixels) once.
	fmt.Printf("%d output vectors, %d MVMs\n", m.Vectors, m.MVMs())
	for _, t := range m.Block(1)[:2] {
		fmt.Printf("core %d holds rows %d..%d, cols %d..%d\n", t.Core, t.Row0, t.Row0+t.Rows-1, t.Col0, t.Col0+t.Cols-1)
	}
	// Output:
	// 576x96 matrix: PV 9, PH 2, 18 cores, utilisation 0.750
	// 196 output vectors, 3528 MVMs
	// core 9 holds rows 0..63, cols 64..95
	// core 10 holds rows 64..127, cols 64..95
}
