package netsim_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/netsim"
	"github.com/cimkit/cimkit/cim/zoo"
)

// ResNet-18 at 224x224, whole, on 1024 cores of 128x128 with a 16-byte bus
// and the linear scheme: layer by layer, pipelined across layers, and
// pipelined with the bottleneck layers duplicated on the spare cores.
func Example() {
	net, err := zoo.Get("resnet18", 224)
	if err != nil {
		panic(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols = 128, 128
	runs, err := netsim.Compare(net, netsim.Config{Arch: a, Scheme: compile.Linear, Images: 1, Duplicate: true})
	if err != nil {
		panic(err)
	}
	for _, r := range runs {
		res := r.Result
		fmt.Printf("%-9s dup=%-5v %5.1f ms  %5.1f images/s  speedup %.1f  bottleneck %s\n",
			res.Mode, res.Duplicate, res.LatencyUs/1000, res.ImagesPerS, res.Speedup, res.Bottleneck)
	}
	fmt.Println("copies:", runs[2].Copies)
	// Output:
	// layer     dup=false  62.8 ms   15.9 images/s  speedup 1.0  bottleneck conv1
	// pipelined dup=false  28.0 ms   35.7 images/s  speedup 2.2  bottleneck conv1
	// pipelined dup=true    5.3 ms  188.0 images/s  speedup 11.8  bottleneck layer1.0.conv2
	// copies: map[conv1:22 layer1.0.conv1:3 layer1.0.conv2:2 layer1.1.conv1:2 layer1.1.conv2:2]
}
