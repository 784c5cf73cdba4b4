package infer_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/infer"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/zoo"
)

// LeNet-5 (seeded random weights) on the synthetic picture: every conv and
// dense layer runs as its cyclic per-core programs under a random
// schedule; then an int8 pass calibrated on the same input.
func Example() {
	net, err := zoo.Get("lenet5", 32)
	if err != nil {
		panic(err)
	}
	input := infer.SyntheticInput(net.Input, infer.Half)
	res, err := infer.Run(net, input, infer.Options{Scheme: compile.Cyclic, Seed: 1, Int8: true})
	if err != nil {
		panic(err)
	}
	cmp, _ := infer.Compare(res.Output, res.Float, res.Dims)
	fmt.Println("output", res.Dims, "float top-3", infer.TopK(res.Float, 3), "int8 top-3", infer.TopK(res.Output, 3))
	fmt.Printf("int8 against float: cosine %.3f\n", cmp.Cosine)
	// Output:
	// output [1 10] float top-3 [6 2 5] int8 top-3 [6 2 5]
	// int8 against float: cosine 1.000
}

// SqueezeNet 1.1 (seeded random weights) at 48x48 as the chip runs it:
// placed on 64 cores in segments (its classifier folded in two rounds),
// one program per core, pipelined across layers, run on the data under a
// random schedule. Its output is the layer-by-layer run's, bit for bit.
func Example_network() {
	net, err := zoo.Get("squeezenet1_1", 48)
	if err != nil {
		panic(err)
	}
	input := infer.SyntheticInput(net.Input, infer.ImageNet)
	a := arch.Default()
	a.Cores = 64
	res, err := infer.Run(net, input, infer.Options{Arch: a, Scheme: compile.Linear, Seed: 1,
		Network: &infer.NetworkOptions{Mode: netprog.Pipelined, Segments: true}})
	if err != nil {
		panic(err)
	}
	lay, err := infer.Run(net, input, infer.Options{Scheme: compile.Linear, Seed: 1})
	if err != nil {
		panic(err)
	}
	cmp, _ := infer.Compare(res.Output, lay.Output, lay.Dims)
	fmt.Println(res.Program)
	fmt.Println("top-3", infer.TopK(res.Output, 3), "max abs difference from layer by layer:", cmp.MaxAbs)
	// Output:
	// pipelined mode, 64 cores, 6 segment(s), 1 folded layer(s), 250880 B of shared memory
	// top-3 [327 871 54] max abs difference from layer by layer: 0
}
