package functional_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/functional"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

// A 3x3 conv with 16 input channels has 144 weight rows: on 64x64
// crossbars three cores add into every output. The cyclic program, run
// under 20 random schedules on int8 data, equals the direct convolution bit
// for bit.
func Example() {
	conv := &nn.Layer{Name: "conv", Kind: nn.Conv2D, KernelH: 3, KernelW: 3, StrideH: 2, StrideW: 2,
		PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Filters: 8, Bias: true, Act: nn.ActReLU}
	net := &nn.Network{Input: nn.Shape{C: 16, H: 9, W: 9}, Layers: []*nn.Layer{conv}}
	if err := net.Infer(); err != nil {
		panic(err)
	}
	a := arch.Default()
	m, err := mapping.Map(conv, a)
	if err != nil {
		panic(err)
	}
	plan, err := compile.Compile(m, a, compile.Cyclic)
	if err != nil {
		panic(err)
	}
	rep, err := functional.Run(plan, functional.Options{Seeds: 20})
	if err != nil {
		panic(err)
	}
	fmt.Println(rep)
	// Output:
	// conv cyclic int: ok (20 schedules, 540 instructions each)
}
