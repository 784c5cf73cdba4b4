package infer

import (
	"errors"
	"slices"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/zoo"
)

// smallChip is a 32x32-crossbar chip with an unlimited core budget: many
// layers then have PV > 1, so the programs synchronise.
func smallChip() arch.Arch {
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.Cores = 32, 32, arch.MaxCores
	return a
}

func zooNet(t testing.TB, name string, input int) *nn.Network {
	t.Helper()
	net, err := zoo.Get(name, input)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// TestZooSchemes runs zoo networks (random He-uniform weights) through the
// programs of every scheme, on two schedules per layer. The integer pass
// accumulates exactly, so its output is the same bit for bit whatever the
// scheme and schedule; float outputs agree to rounding (the partial sums
// are added in another order). The integer output stays close to the
// float one.
func TestZooSchemes(t *testing.T) {
	for _, c := range []struct {
		name  string
		input int
	}{{"resnet18", 32}, {"mobilenet_v2", 32}, {"squeezenet1_1", 48}} {
		net := zooNet(t, c.name, c.input)
		in := SyntheticInput(net.Input, ImageNet)
		var first *Result
		for _, s := range compile.Schemes() {
			res, err := Run(net, in, Options{Arch: smallChip(), Scheme: s, Seed: 3, Seeds: 2, Int8: true})
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, s, err)
			}
			if first == nil {
				first = res
				cmp, _ := Compare(res.Output, res.Float, res.Dims)
				t.Logf("%s at %d: int8 against float: %s", c.name, c.input, cmp)
				if cmp.Cosine < 0.98 {
					t.Errorf("%s: int8 output too far from float: %s", c.name, cmp)
				}
				continue
			}
			if !slices.Equal(res.Output, first.Output) {
				t.Errorf("%s %s: integer output differs from %s's", c.name, s, compile.Sequential)
			}
			if cmp, _ := Compare(res.Float, first.Float, res.Dims); cmp.MaxRel > 1e-12 {
				t.Errorf("%s %s: float output differs from %s's: %s", c.name, s, compile.Sequential, cmp)
			}
		}
	}
}

// TestDroppedWait: without one WAIT of a conv whose cores share output
// vectors, a core accumulates into a vector it does not own: the
// run stops with a LayerError naming the layer.
func TestDroppedWait(t *testing.T) {
	net := zooNet(t, "resnet18", 32)
	target := "layer1.0.conv2" // 3x3x64: 576 rows, PV = 18 on 32x32 crossbars
	if net.Layer(target) == nil {
		t.Fatalf("no layer %s", target)
	}
	// Core 1's first WAIT (for value 1, in both schemes): one instruction.
	drop := func(layer string, core int, index int64, in isa.Instr) bool {
		return layer == target && core == 1 && in.Op == isa.WAIT && in.Value == 1
	}
	for _, s := range []compile.Scheme{compile.Linear, compile.Cyclic} {
		_, err := Run(net, SyntheticInput(net.Input, ImageNet), Options{Arch: smallChip(), Scheme: s, Seed: 1, Seeds: 4, Drop: drop})
		var le *LayerError
		if !errors.As(err, &le) || le.Layer != target || le.Report.OK() {
			t.Fatalf("%s: error %v, want a failed check of %s", s, err, target)
		}
		t.Logf("%s: %v", s, err)
	}
}

// TestWrongPadding: a conv whose padding moved by one row (top 2, bottom
// 0 instead of 1 and 1: the same output size) still runs its own programs
// correctly, so only the comparison with the intended network catches it.
func TestWrongPadding(t *testing.T) {
	good := zooNet(t, "resnet18", 32)
	in := SyntheticInput(good.Input, ImageNet)
	want, err := Run(good, in, Options{Arch: smallChip()})
	if err != nil {
		t.Fatal(err)
	}
	bad := zooNet(t, "resnet18", 32)
	l := bad.Layer("layer2.0.conv1")
	l.PadTop, l.PadBottom = 2, 0
	if err := bad.Infer(); err != nil {
		t.Fatal(err)
	}
	got, err := Run(bad, in, Options{Arch: smallChip()})
	if err != nil {
		t.Fatal(err)
	}
	cmp, _ := Compare(got.Output, want.Output, want.Dims)
	if cmp.MaxRel <= Tolerance {
		t.Errorf("wrong padding not caught: %s", cmp)
	}
	t.Logf("wrong padding: %s", cmp)
}

// TestInputErrors: a tensor of the wrong length or with a NaN is refused.
func TestInputErrors(t *testing.T) {
	net := zooNet(t, "lenet5", 32)
	if _, err := Run(net, make([]float64, 10), Options{}); !errors.Is(err, ErrInput) {
		t.Errorf("short input: %v", err)
	}
	in := SyntheticInput(net.Input, Half)
	in[5] = nanValue()
	if _, err := Run(net, in, Options{}); !errors.Is(err, ErrInput) {
		t.Errorf("NaN input: %v", err)
	}
}

func nanValue() float64 {
	zero := 0.0
	return zero / zero
}
