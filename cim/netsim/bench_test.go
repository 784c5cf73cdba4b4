package netsim

import (
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/cim/zoo"
)

// benchNet simulates one inference of model at 224x224 on xbar x xbar
// crossbars (16-byte bus, 1024 cores, linear scheme): placement, program
// and simulation, reporting simulated instructions per second.
func benchNet(b *testing.B, model string, xbar int, mode netprog.Mode, segments bool) {
	net, err := zoo.Get(model, 224)
	if err != nil {
		b.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.BusBytes = xbar, xbar, 16
	var instrs int64
	for b.Loop() {
		r, err := Simulate(net, Config{Arch: a, Scheme: compile.Linear, Mode: mode, Images: 1, Segments: segments})
		if err != nil {
			b.Fatal(err)
		}
		instrs += r.Result.Instrs
	}
	b.ReportMetric(float64(instrs)/b.Elapsed().Seconds(), "instrs/s")
	b.ReportMetric(float64(instrs)/float64(b.N), "instrs/op")
}

// BenchmarkResNet18Pipelined: ResNet-18 resident on 128x128 crossbars (737
// of 1024 cores), pipelined. Target: one inference in at most 2 s on one
// core, at most 512 MB.
func BenchmarkResNet18Pipelined(b *testing.B) { benchNet(b, "resnet18", 128, netprog.Pipelined, false) }

// BenchmarkResNet18Layer is the same layer by layer.
func BenchmarkResNet18Layer(b *testing.B) { benchNet(b, "resnet18", 128, netprog.LayerByLayer, false) }

// BenchmarkResNet50Segmented: ResNet-50 on 64x64 crossbars, 6257 cores in
// 8 segments of at most 1024, pipelined. Target: at most 20 s.
func BenchmarkResNet50Segmented(b *testing.B) { benchNet(b, "resnet50", 64, netprog.Pipelined, true) }

// BenchmarkResNet18PerLayer simulates ResNet-18's conv and dense layers on
// 128x128 crossbars one at a time, as the per-layer simulator does (the
// scheme's run only, no baseline), for instructions per second next to
// the whole-network runs.
func BenchmarkResNet18PerLayer(b *testing.B) {
	net, err := zoo.Get("resnet18", 224)
	if err != nil {
		b.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.BusBytes = 128, 128, 16
	var instrs int64
	for b.Loop() {
		for _, l := range net.CrossbarLayers() {
			m, err := mapping.Map(l, a)
			if err != nil {
				b.Fatal(err)
			}
			t, err := sim.Simulate(m, a, compile.Linear, sim.Options{})
			if err != nil {
				b.Fatal(err)
			}
			instrs += t.Instrs
		}
	}
	b.ReportMetric(float64(instrs)/b.Elapsed().Seconds(), "instrs/s")
	b.ReportMetric(float64(instrs)/float64(b.N), "instrs/op")
}
