package sweep

import (
	"context"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/zoo"
)

// BenchmarkPaperSweep runs the paper's sweep: ResNet-18 and MobileNet v1 at
// 224x224, every conv and dense layer, 3 crossbar sizes x 5 bus widths x 3
// schemes on 1024 cores, on all CPUs, on each interconnect.
func BenchmarkPaperSweep(b *testing.B) {
	var nets []*nn.Network
	for _, name := range []string{"resnet18", "mobilenet_v1"} {
		net, err := zoo.Get(name, 224)
		if err != nil {
			b.Fatal(err)
		}
		nets = append(nets, net)
	}
	for _, ic := range arch.Interconnects() {
		b.Run("interconnect="+ic, func(b *testing.B) {
			sp := Spec{Models: nets, Xbars: []Xbar{{32, 32}, {64, 64}, {128, 128}}, Buses: []int{4, 8, 16, 32, 64},
				Cores: []int{1024}, Schemes: compile.Schemes(), Interconnects: []string{ic}}
			for b.Loop() {
				rs, err := Run(context.Background(), sp)
				if err != nil {
					b.Fatal(err)
				}
				if len(rs) != 2205 {
					b.Fatalf("%d records", len(rs))
				}
			}
		})
	}
}
