package infer

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/place"
)

// sameAsLayers runs net through its whole-network programs on chip a
// (both passes, int8 after float64), in every scheme and both modes, and
// checks the outputs against the layer-by-layer run of the same scheme:
// the integer output bit for bit, the float output within
// NetworkTolerance. It returns the largest float difference seen.
func sameAsLayers(t *testing.T, net *nn.Network, a arch.Arch, o NetworkOptions) float64 {
	t.Helper()
	in := SyntheticInput(net.Input, ImageNet)
	worst := 0.0
	for _, s := range compile.Schemes() {
		want, err := Run(net, in, Options{Scheme: s, Seed: 1, Int8: true})
		if err != nil {
			t.Fatalf("%s layer by layer: %v", s, err)
		}
		for _, m := range netprog.Modes() {
			o.Mode = m
			start := time.Now()
			got, err := Run(net, in, Options{Arch: a, Scheme: s, Seed: 2, Int8: true, Network: &o})
			if err != nil {
				t.Fatalf("%s %s: %v", s, m, err)
			}
			cmp, _ := Compare(got.Float, want.Float, want.Dims)
			t.Logf("%s %s %s: %s; float against layer by layer: max rel error %.3g; %.2f s", net.Name, s, m, got.Program, cmp.MaxRel, time.Since(start).Seconds())
			if cmp.MaxRel > NetworkTolerance {
				t.Errorf("%s %s: float output differs from the layer-by-layer run: %s", s, m, cmp)
			}
			if !slices.Equal(got.Output, want.Output) {
				c, _ := Compare(got.Output, want.Output, want.Dims)
				t.Errorf("%s %s: int8 output differs from the layer-by-layer run: %s", s, m, c)
			}
			worst = max(worst, cmp.MaxRel)
		}
	}
	return worst
}

// TestNetworkZoo: ResNet-18 and MobileNet v2 at 32x32 and SqueezeNet 1.1
// at 48x48 (seeded random weights), resident on 64x64 crossbars, give the
// layer-by-layer result through their whole-network programs: same
// summation order in every crossbar layer, so float64 is bit for bit too.
func TestNetworkZoo(t *testing.T) {
	a := arch.Default()
	a.Cores = arch.MaxCores
	for _, c := range []struct {
		name  string
		input int
	}{{"resnet18", 32}, {"mobilenet_v2", 32}, {"squeezenet1_1", 48}} {
		if d := sameAsLayers(t, zooNet(t, c.name, c.input), a, NetworkOptions{}); d != 0 {
			t.Errorf("%s: float outputs differ by %.3g, want identical", c.name, d)
		}
	}
}

// TestNetworkSegments: SqueezeNet 1.1 at 48x48 on 64 cores runs in six
// segments, its classifier (512 rows x 1000 columns: 8 x 16 tiles) folded
// in two rounds, with the first conv in three copies; MobileNet v2 at
// 32x32 on 128 cores in 16 segments with four folded layers and its
// first conv in four copies. Folded cyclic rounds add some partial sums in
// another order: float within NetworkTolerance, int8 bit for bit.
func TestNetworkSegments(t *testing.T) {
	for _, c := range []struct {
		name   string
		input  int
		cores  int
		copies map[string]int
	}{{"squeezenet1_1", 48, 64, map[string]int{"features.0": 3}}, {"mobilenet_v2", 32, 128, map[string]int{"features.0.0": 4}}} {
		a := arch.Default()
		a.Cores = c.cores
		net := zooNet(t, c.name, c.input)
		pl, err := place.Place(net, a, place.Options{Segments: true, Copies: c.copies})
		if err != nil {
			t.Fatal(err)
		}
		folded := 0
		for i := range pl.Layers {
			if pl.Layers[i].Folded() {
				folded++
			}
		}
		if len(pl.Segments) < 2 || folded == 0 {
			t.Fatalf("%s on %d cores: %d segments, %d folded layers; the test wants both", c.name, c.cores, len(pl.Segments), folded)
		}
		sameAsLayers(t, net, a, NetworkOptions{Segments: true, Copies: c.copies})
	}
}

// TestNetworkFlattenDense: a dense layer reading a Flatten of a 4x3x3 map
// reads it in the chip's HWC order, its weights programmed in that order;
// it computes what the layer-by-layer run (which flattens in CHW order,
// as ONNX does) computes.
func TestNetworkFlattenDense(t *testing.T) {
	net := &nn.Network{Name: "flat", Input: nn.Shape{C: 3, H: 6, W: 6}, Layers: []*nn.Layer{
		{Name: "conv", Kind: nn.Conv2D, Filters: 4, KernelH: 3, KernelW: 3, StrideH: 2, StrideW: 2, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Act: nn.ActReLU, Bias: true},
		{Name: "flat", Kind: nn.Flatten},
		{Name: "fc", Kind: nn.Dense, Filters: 5, Bias: true},
	}}
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols = 16, 16 // fc: 36 rows on three cores
	sameAsLayers(t, net, a, NetworkOptions{})
}

// TestNetworkDroppedWait: without the dependency WAITs of one core of a
// consumer layer (SqueezeNet's features.3.expand3x3 reading
// features.3.squeeze; in layer mode its wait for the previous layer), the
// core reads its input before the producer wrote it, under one of a few
// random schedules. Both checks catch it: the order checker reports the
// read (a NetworkError), and the output the broken program computed
// differs from the correct one (the read returned NaN, as an unwritten
// element does).
func TestNetworkDroppedWait(t *testing.T) {
	net := zooNet(t, "squeezenet1_1", 48)
	in := SyntheticInput(net.Input, ImageNet)
	const target = "features.3.expand3x3"
	a := arch.Default()
	a.Cores = arch.MaxCores
	pl, err := place.Place(net, a, place.Options{})
	if err != nil {
		t.Fatal(err)
	}
	core := pl.Layer(target).Core0
	for _, m := range netprog.Modes() {
		for _, s := range []compile.Scheme{compile.Linear, compile.Cyclic} {
			want, err := Run(net, in, Options{Arch: a, Scheme: s, Network: &NetworkOptions{Mode: m}})
			if err != nil {
				t.Fatal(err)
			}
			p, err := netprog.Build(pl, netprog.Options{Scheme: s, Mode: m, Images: 1})
			if err != nil {
				t.Fatal(err)
			}
			dropped := 0
			drop := func(layer string, c int, _ int64, ins isa.Instr) bool {
				if layer == target && c == core && ins.Op == isa.WAIT && p.RegKind(c, ins.Seq) == netprog.DepReg {
					dropped++
					return true
				}
				return false
			}
			_, err = Run(net, in, Options{Arch: a, Scheme: s, Seed: 1, Seeds: 8, Drop: drop, Network: &NetworkOptions{Mode: m}})
			var ne *NetworkError
			if !errors.As(err, &ne) || dropped == 0 {
				t.Fatalf("%s %s: %d WAITs dropped, error %v; want a NetworkError", s, m, dropped, err)
			}
			if v := ne.Report.Violations; len(v) == 0 || !strings.Contains(v[0].Msg, "before it was written") {
				t.Errorf("%s %s: %s; want a read before the write", s, m, ne.Report)
			}
			cmp, _ := Compare(ne.Output, want.Output, want.Dims)
			if cmp.MaxRel <= Tolerance {
				t.Errorf("%s %s: the broken program's output passes the comparison: %s", s, m, cmp)
			}
			t.Logf("%s %s: %d WAITs dropped: %s; output against the intact program's: %s", s, m, dropped, ne.Report, cmp)
		}
	}
}

// TestNetworkErrors: a network that does not fit without segments, and
// a shared memory too small for its feature maps, are refused with
// place's and netprog's errors.
func TestNetworkErrors(t *testing.T) {
	net := zooNet(t, "squeezenet1_1", 48)
	in := SyntheticInput(net.Input, ImageNet)
	a := arch.Default()
	a.Cores = 64
	if _, err := Run(net, in, Options{Arch: a, Network: &NetworkOptions{}}); !errors.Is(err, place.ErrNoFit) {
		t.Errorf("64 cores without segments: %v, want place.ErrNoFit", err)
	}
	a.Cores, a.SharedMemBytes = arch.MaxCores, 4096
	if _, err := Run(net, in, Options{Arch: a, Network: &NetworkOptions{}}); !errors.Is(err, netprog.ErrMemory) {
		t.Errorf("4 KiB of shared memory: %v, want netprog.ErrMemory", err)
	}
}
