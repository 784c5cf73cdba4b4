package infer_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/infer"
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
