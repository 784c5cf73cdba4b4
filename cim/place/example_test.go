package place_test

import (
	"fmt"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/place"
	"github.com/cimkit/cimkit/cim/zoo"
)

// ResNet-18 at 224x224 on 128x128 crossbars: its 21 crossbar layers need
// 727 cores and its 10 digital layers (max pool, 8 residual adds, global
// pool) one core each, 737 in all: the whole network is resident on a
// 1024-core chip. On 64x64 crossbars it needs 2865 cores and runs in
// segments.
func Example() {
	net, err := zoo.Get("resnet18", 224)
	if err != nil {
		panic(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols = 128, 128
	pl, err := place.Place(net, a, place.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println("128x128:", pl.Need, "cores,", len(pl.Segments), "segment")
	conv1 := pl.Layer("conv1")
	fmt.Println("conv1:", conv1.Role, conv1.Tiles(), "tiles from core", conv1.Core0)

	a.XbarRows, a.XbarCols = 64, 64
	if _, err := place.Place(net, a, place.Options{}); err != nil {
		fmt.Println(err)
	}
	pl, err = place.Place(net, a, place.Options{Segments: true})
	if err != nil {
		panic(err)
	}
	fmt.Println("64x64:", pl.Need, "cores,", len(pl.Segments), "segments")
	// Output:
	// 128x128: 737 cores, 1 segment
	// conv1: crossbar 2 tiles from core 0
	// place: network does not fit the chip: network "resnet18" needs 2865 cores (largest: layer4.0.conv2 576, layer4.1.conv1 576, layer4.1.conv2 576), the chip has 1024; allow segments to reprogram the chip between parts of the network
	// 64x64: 2865 cores, 4 segments
}
