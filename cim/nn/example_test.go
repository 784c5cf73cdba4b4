package nn_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/nn"
)

func Example() {
	net := &nn.Network{
		Name:  "tiny",
		Input: nn.Shape{C: 3, H: 32, W: 32},
		Layers: []*nn.Layer{
			{Name: "conv", Kind: nn.Conv2D, Filters: 16, KernelH: 3, KernelW: 3, StrideH: 2, StrideW: 2,
				PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, BatchNorm: true, Act: nn.ActReLU},
			{Name: "dw", Kind: nn.Conv2D, Filters: 16, Groups: 16, KernelH: 3, KernelW: 3,
				PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1},
			{Name: "res", Kind: nn.Add, Inputs: []string{"conv", "dw"}},
			{Name: "pool", Kind: nn.GlobalAvgPool},
			{Name: "fc", Kind: nn.Dense, Filters: 10, Bias: true},
		},
	}
	if err := net.Infer(); err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range net.Layers {
		fmt.Printf("%-4s %-13s %s -> %s  MACs %d  params %d\n", l.Name, l.Kind, l.In[0], l.Out, l.MACs(), l.Params())
	}
	// Output:
	// conv conv2d        3x32x32 -> 16x16x16  MACs 110592  params 464
	// dw   conv2d        16x16x16 -> 16x16x16  MACs 36864  params 144
	// res  add           16x16x16 -> 16x16x16  MACs 0  params 0
	// pool globalavgpool 16x16x16 -> 16x1x1  MACs 0  params 0
	// fc   dense         16x1x1 -> 10x1x1  MACs 160  params 170
}
