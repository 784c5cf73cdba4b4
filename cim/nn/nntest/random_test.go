package nntest

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cimkit/cimkit/cim/nn"
)

// Every random layer passes shape inference, and the generator reaches
// dense, grouped and depthwise layers.
func TestRandomLayerIsValid(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		l, in := RandomLayer(rng, 9)
		net := &nn.Network{Name: "random", Input: in, Layers: []*nn.Layer{l}}
		if err := net.Infer(); err != nil {
			t.Fatalf("layer %d: %v", i, err)
		}
		switch {
		case l.Kind == nn.Dense:
			seen["dense"] = true
		case l.Depthwise():
			seen["depthwise"] = true
		case l.GroupCount() > 1:
			seen["grouped"] = true
		}
	}
	for _, k := range []string{"dense", "grouped", "depthwise"} {
		if !seen[k] {
			t.Errorf("no %s layer in 2000 draws", k)
		}
	}
}

func ExampleRandomLayer() {
	rng := rand.New(rand.NewPCG(1, 2))
	l, in := RandomLayer(rng, 7)
	net := &nn.Network{Name: "random", Input: in, Layers: []*nn.Layer{l}}
	fmt.Println(net.Infer() == nil)
	// Output: true
}
