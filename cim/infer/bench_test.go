package infer

import (
	"fmt"
	"testing"

	"github.com/cimkit/cimkit/cim/compile"
)

// BenchmarkRun measures one inference of ResNet-18 (zoo, seeded weights)
// at 64x64 on the default chip (64x64 crossbars), cyclic scheme: the float
// pass, and the float pass plus the integer pass.
//
//	go test -run '^$' -bench Run -benchmem ./cim/infer/
func BenchmarkRun(b *testing.B) {
	net := zooNet(b, "resnet18", 64)
	in := SyntheticInput(net.Input, ImageNet)
	for _, int8 := range []bool{false, true} {
		b.Run(fmt.Sprintf("resnet18-64/int8=%t", int8), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				res, err := Run(net, in, Options{Scheme: compile.Cyclic, Seed: 1, Int8: int8})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.Steps), "instructions/op")
			}
		})
	}
}
