package compile_test

import (
	"fmt"
	"os"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

// A 1x1 conv with 4 input channels on 2x2 crossbars needs two cores that
// add into the same outputs (PV = 2). In the linear scheme core 0 writes
// each partial sum first and hands it to core 1, which adds bias and
// activation.
func Example() {
	conv := &nn.Layer{Name: "conv", Kind: nn.Conv2D, KernelH: 1, KernelW: 1, Filters: 2, Act: nn.ActReLU}
	net := &nn.Network{Input: nn.Shape{C: 4, H: 1, W: 2}, Layers: []*nn.Layer{conv}}
	if err := net.Infer(); err != nil {
		panic(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.SharedMemBytes = 2, 2, 4096
	m, err := mapping.Map(conv, a)
	if err != nil {
		panic(err)
	}
	plan, err := compile.Compile(m, a, compile.Linear)
	if err != nil {
		panic(err)
	}
	fmt.Println("cores:", plan.Cores())
	if err := plan.Listing(1, os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// cores: 2
	// ; layer "conv" (conv2d 4x1x2 -> 2x1x2), scheme linear
	// ; core 1 of 2: tile v=1 h=0 (group of 2), rows 2..3, cols 0..1 of the 4x2 weight matrix
	// ; crossbar 2x2, 2 output vectors
	// ; ifm    0x00000000          8 B (1 B/elem)
	// ; psum   0x00000040         16 B (4 B/elem)
	// ; ofm    0x00000080          4 B (1 B/elem)
	// ; seqreg 0x00001000          8 B (4 B/elem)
	// ; vector 0: first writer core 0, last writer core 1
	//        0	LOAD in[0:2], 0x2, 2B ; v=0
	//        1	MVM ; v=0
	//        2	WAIT 1 ; v=0
	//        3	LOAD acc[0:2], 0x40, 8B ; v=0
	//        4	MOV add out[0:2] ; v=0
	//        5	MOV bias out[0:2] ; v=0
	//        6	MOV act out[0:2] ; v=0
	//        7	STORE 0x80, out[0:2], 2B ; v=0
	//        8	LOAD in[0:2], 0x6, 2B ; v=1
	//        9	MVM ; v=1
	//       10	WAIT 2 ; v=1
	//       11	LOAD acc[0:2], 0x48, 8B ; v=1
	//       12	MOV add out[0:2] ; v=1
	//       13	MOV bias out[0:2] ; v=1
	//       14	MOV act out[0:2] ; v=1
	//       15	STORE 0x82, out[0:2], 2B ; v=1
}
