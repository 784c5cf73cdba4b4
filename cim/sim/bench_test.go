package sim

import (
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/zoo"
)

// BenchmarkResNet18Linear simulates every conv and dense layer of ResNet-18
// at 224x224 on 32x32 crossbars with a 16-byte bus, linear scheme (layers
// that do not fit 1024 cores are mapped but not simulated, as in RunModel).
// It reports simulated instructions per second.
func BenchmarkResNet18Linear(b *testing.B) {
	net, err := zoo.Get("resnet18", 224)
	if err != nil {
		b.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.BusBytes = 32, 32, 16
	var instrs int64
	for b.Loop() {
		for _, l := range net.CrossbarLayers() {
			m, err := mapping.Map(l, a)
			if err != nil {
				b.Fatal(err)
			}
			if !m.Fits {
				continue
			}
			t, err := Simulate(m, a, compile.Linear, Options{})
			if err != nil {
				b.Fatal(err)
			}
			instrs += t.Instrs
		}
	}
	b.ReportMetric(float64(instrs)/b.Elapsed().Seconds(), "instrs/s")
	b.ReportMetric(float64(instrs)/float64(b.N), "instrs/op")
}
