package zoo_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/zoo"
)

func Example() {
	net, err := zoo.Get("resnet18", 224)
	if err != nil {
		fmt.Println(err)
		return
	}
	conv1 := net.Layer("conv1")
	fmt.Println(conv1.In[0], "->", conv1.Out, conv1.MACs(), "MACs")
	fmt.Printf("%s: %d layers, %d MACs, %d parameters\n", net.Name, len(net.Layers), net.MACs(), net.Params())
	// Output:
	// 3x224x224 -> 64x112x112 118013952 MACs
	// resnet18: 31 layers, 1814073344 MACs, 11689512 parameters
}
