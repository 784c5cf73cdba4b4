package compile

import (
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/zoo"
)

// BenchmarkResNet50 compiles every conv and dense layer of ResNet-50 at
// 224x224 on 32x32 crossbars (with a core budget large enough for all of
// them) in the cyclic scheme and drains every core's stream. Allocations
// stay a few per stream, independent of the number of output vectors:
// streams are generated lazily.
func BenchmarkResNet50(b *testing.B) {
	net, err := zoo.Get("resnet50", 224)
	if err != nil {
		b.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.Cores = 32, 32, arch.MaxCores
	var instrs, streams int64
	for b.Loop() {
		instrs, streams = 0, 0
		for _, l := range net.CrossbarLayers() {
			m, err := mapping.Map(l, a)
			if err != nil {
				b.Fatal(err)
			}
			p, err := Compile(m, a, Cyclic)
			if err != nil {
				b.Fatal(err)
			}
			for c := 0; c < p.Cores(); c++ {
				s := p.Stream(c)
				var in isa.Instr
				for s.Next(&in) {
					instrs++
				}
				streams++
			}
		}
	}
	b.ReportMetric(float64(instrs), "instrs/op")
	b.ReportMetric(float64(streams), "streams/op")
}
