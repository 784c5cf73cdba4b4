package infer

import (
	"fmt"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/netprog"
)

// BenchmarkRun measures one inference of ResNet-18 (zoo, seeded weights)
// at 64x64 on the default chip (64x64 crossbars), cyclic scheme: layer by
// layer (the float pass, and the float pass plus the integer pass), and as
// one whole-network program in float64, resident (2865 cores) in each
// mode and in segments on the default 1024 cores.
//
//	go test -run '^$' -bench Run -benchmem ./cim/infer/
func BenchmarkRun(b *testing.B) {
	net := zooNet(b, "resnet18", 64)
	in := SyntheticInput(net.Input, ImageNet)
	run := func(name string, opt Options) {
		b.Run("resnet18-64/"+name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				res, err := Run(net, in, opt)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.Steps), "instructions/op")
			}
		})
	}
	for _, int8 := range []bool{false, true} {
		run(fmt.Sprintf("int8=%t", int8), Options{Scheme: compile.Cyclic, Seed: 1, Int8: int8})
	}
	resident := arch.Default()
	resident.Cores = arch.MaxCores
	for _, m := range netprog.Modes() {
		run("network/"+string(m), Options{Arch: resident, Scheme: compile.Cyclic, Seed: 1, Network: &NetworkOptions{Mode: m}})
	}
	run("network/pipelined-1024-cores", Options{Arch: arch.Default(), Scheme: compile.Cyclic, Seed: 1,
		Network: &NetworkOptions{Mode: netprog.Pipelined, Segments: true}})
}
