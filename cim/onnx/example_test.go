package onnx

import "fmt"

// Import a model (here a hand-built Conv + BatchNormalization + Relu on a
// 2x4x4 input) and list its layers.
func Example() {
	net, err := Import(convBNModel(), Options{Name: "tiny"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range net.Layers {
		fmt.Println(l.Name, l.Kind, l.In[0], "->", l.Out, "act", l.Act, "bn", l.BatchNorm, "MACs", l.MACs())
	}
	// Output:
	// conv1 conv2d 2x4x4 -> 2x4x4 act relu bn true MACs 576
}
