package functional

import (
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/place"
	"github.com/cimkit/cimkit/cim/zoo"
)

// BenchmarkResNet18Layer runs ResNet-18's layer2.0.conv2 at input 32 on
// 32x32 crossbars (36 x 4 cores, 16 vectors) in the cyclic scheme: one
// schedule per op on int8 data, reference included.
func BenchmarkResNet18Layer(b *testing.B) {
	net, err := zoo.Get("resnet18", 32)
	if err != nil {
		b.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols = 32, 32
	m, err := mapping.Map(net.Layer("layer2.0.conv2"), a)
	if err != nil {
		b.Fatal(err)
	}
	p, err := compile.Compile(m, a, compile.Cyclic)
	if err != nil {
		b.Fatal(err)
	}
	var steps int64
	for b.Loop() {
		rep, err := Run(p, Options{Seed: 1})
		if err != nil || !rep.OK() {
			b.Fatal(err, rep)
		}
		steps = rep.Steps
	}
	b.ReportMetric(float64(steps), "instrs/op")
}

// BenchmarkRunNetwork runs ResNet-18 at input 32 on 64x64 crossbars
// (resident on 4096 cores), linear and pipelined, one image: one
// schedule per op (seed 1: half of the cores slow), order checked, on
// each interconnect (relaxed on AXI4).
func BenchmarkRunNetwork(b *testing.B) {
	net, err := zoo.Get("resnet18", 32)
	if err != nil {
		b.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.Cores = 64, 64, 4096
	pl, err := place.Place(net, a, place.Options{})
	if err != nil {
		b.Fatal(err)
	}
	p, err := netprog.Build(pl, netprog.Options{Scheme: compile.Linear, Mode: netprog.Pipelined, Images: 1})
	if err != nil {
		b.Fatal(err)
	}
	for _, ic := range arch.Interconnects() {
		b.Run(ic, func(b *testing.B) {
			p.Arch.Interconnect = ic
			var steps int64
			for b.Loop() {
				rep, err := RunNetwork(p, NetOptions{Seed: 1})
				if err != nil || !rep.OK() {
					b.Fatal(err, rep)
				}
				steps = rep.Steps
			}
			b.ReportMetric(float64(steps), "instrs/op")
		})
	}
}
