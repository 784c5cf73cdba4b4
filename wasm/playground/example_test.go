package playground_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/wasm/playground"
)

// Simulate the first layer of LeNet-5 on 32x32 crossbars, as the page does
// for each row of its table.
func Example() {
	resp := playground.Handle(playground.Request{
		Op: "run", Model: "lenet5", Input: 32, Xbar: "32x32", Bus: 16, Cores: 64,
		Scheme: "cyclic", Layer: "conv1",
	}, nil)
	r := resp.Data.(*sim.Result)
	fmt.Printf("%s: PV %d, PH %d, %d core(s), %d output vectors, speedup %.0f\n",
		r.Layer, r.PV, r.PH, r.Cores, r.Vectors, r.Speedup)

	// A bad value comes back with the form field it concerns.
	bad := playground.Handle(playground.Request{Op: "model", Model: "lenet5", Input: 32, Xbar: "0"}, nil)
	fmt.Printf("%s: %s\n", bad.Field, bad.Error)
	// Output:
	// conv1: PV 1, PH 1, 1 core(s), 784 output vectors, speedup 1
	// xbar: crossbar "0": want ROWSxCOLS with sizes in 1..4096, e.g. 64x64
}
