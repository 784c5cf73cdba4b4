package functional

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/nn"
)

// residual is a residual block on a 4x6x5 image: 3x3 conv a, 3x3 conv b
// reading a, and add(b, a) with ReLU. On 8x8 crossbars each conv has
// conflict groups of five cores (36 rows).
func residual() *nn.Network {
	conv := func(name string, from ...string) *nn.Layer {
		return &nn.Layer{Name: name, Kind: nn.Conv2D, Filters: 4, KernelH: 3, KernelW: 3, Bias: true,
			PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Act: nn.ActReLU, Inputs: from}
	}
	net := &nn.Network{Name: "residual", Input: nn.Shape{C: 4, H: 6, W: 5}, Layers: []*nn.Layer{
		conv("a"), conv("b", "a"), {Name: "add", Kind: nn.Add, Act: nn.ActReLU, Inputs: []string{"b", "a"}}}}
	if err := net.Infer(); err != nil {
		panic(err)
	}
	return net
}

// residualData gives the block seeded parameters: float weights in
// [-1, 1], or integer weights with requantisation scales; the add sums
// its inputs (clamped to int8 in integer mode) and applies ReLU.
type residualData struct {
	float  bool
	layers map[string]*nn.Layer
	quant  map[string]*Quant
}

func newResidualData(net *nn.Network, float bool) *residualData {
	rng := rand.New(rand.NewPCG(5, 5))
	d := &residualData{float: float, layers: map[string]*nn.Layer{}, quant: map[string]*Quant{}}
	for _, l := range net.CrossbarLayers() {
		c := *l
		c.Weights, c.BiasValues = make([]float64, 4*4*9), make([]float64, 4)
		q := &Quant{Weights: make([]float64, len(c.Weights)), Bias: make([]float64, 4), Scale: []float64{1, 1, 1, 1}, OutScale: 24}
		for i := range c.Weights {
			c.Weights[i] = 2*rng.Float64() - 1
			q.Weights[i] = float64(rng.IntN(15) - 7)
		}
		for i := range c.BiasValues {
			c.BiasValues[i] = 2*rng.Float64() - 1
			q.Bias[i] = float64(rng.IntN(41) - 20)
		}
		d.layers[l.Name], d.quant[l.Name] = &c, q
	}
	return d
}

func (d *residualData) Params(l *nn.Layer) (*nn.Layer, *Quant, error) {
	return d.layers[l.Name], d.quant[l.Name], nil
}

func (d *residualData) Digital(l *nn.Layer, _ int, ins [][]float64) ([]float64, error) {
	out := make([]float64, len(ins[0]))
	for i := range out {
		out[i] = math.Max(ins[0][i]+ins[1][i], 0)
		if !d.float {
			out[i] = math.Min(out[i], 127)
		}
	}
	return out, nil
}

// reference computes the block layer by layer: each conv through its own
// per-layer programs in p's scheme (the cyclic scheme adds partial sums in
// its own order), run by Run; the add directly.
func (d *residualData) reference(t *testing.T, p *netprog.Program, input []float64) []float64 {
	t.Helper()
	ofm := map[string][]float64{}
	for _, name := range []string{"a", "b"} {
		l := p.Place.Net.Layer(name)
		m, err := mapping.Map(d.layers[name], p.Arch)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := compile.Compile(m, p.Arch, p.Scheme)
		if err != nil {
			t.Fatal(err)
		}
		in := input
		if name == "b" {
			in = ofm["a"]
		}
		opt := Options{Float: d.float, Input: in, InputHWC: true}
		if !d.float {
			opt.Quant = d.quant[name]
		}
		rep, err := Run(plan, opt)
		if err != nil || !rep.OK() {
			t.Fatalf("%s alone: %v %v", l.Name, rep, err)
		}
		ofm[name] = rep.OFM
	}
	out, _ := d.Digital(nil, 0, [][]float64{ofm["b"], ofm["a"]})
	return out
}

// TestRunNetworkValues: the residual block's whole-network program, two
// images in flight, every scheme and mode, float64 and integers, on both
// interconnects (relaxed schedules on AXI4), computes
// what its layers compute one by one (the same sums in the same order: bit
// for bit). Without the dependency WAITs of conv b's first core, b reads
// a's output before it is written under some schedule: a violation, and
// NaN in the output.
func TestRunNetworkValues(t *testing.T) {
	net := residual()
	rng := rand.New(rand.NewPCG(9, 9))
	for _, float := range []bool{true, false} {
		d := newResidualData(net, float)
		input := make([]float64, 2*net.Input.Elems())
		for i := range input {
			if input[i] = 2*rng.Float64() - 1; !float {
				input[i] = float64(rng.IntN(256) - 128)
			}
		}
		for _, mode := range netprog.Modes() {
			for _, s := range compile.Schemes() {
				p := netProgram(t, net, 8, 64, nil, netprog.Options{Scheme: s, Mode: mode, Images: 2})
				for _, ic := range arch.Interconnects() {
					p.Arch.Interconnect = ic
					opt := NetOptions{Seed: 1, Seeds: 3, Values: &NetValues{Float: float, Input: input, Data: d}}
					rep, err := RunNetwork(p, opt)
					if err != nil || !rep.OK() {
						t.Fatalf("float %t %s %s on %s: %v %v", float, s, mode, ic, rep, err)
					}
					out, _ := p.Output(2)
					for k := 0; k < 2; k++ {
						img := input[int64(k)*net.Input.Elems():][:net.Input.Elems()]
						if got, want := rep.Values(out, k), d.reference(t, p, img); !slices.Equal(got, want) {
							t.Errorf("float %t %s %s on %s image %d: output %v, want %v", float, s, mode, ic, k, got[:8], want[:8])
						}
					}
					core := p.Place.Layer("b").Core0
					opt.Seeds = 16
					opt.Drop = func(layer string, c int, _ int64, in isa.Instr) bool {
						return layer == "b" && c == core && in.Op == isa.WAIT && p.RegKind(c, in.Seq) == netprog.DepReg
					}
					if rep, err = RunNetwork(p, opt); err != nil || rep.OK() {
						t.Fatalf("float %t %s %s on %s: dependency WAITs dropped: %v %v", float, s, mode, ic, rep, err)
					}
					if !slices.ContainsFunc(rep.Values(out, 0), math.IsNaN) && !slices.ContainsFunc(rep.Values(out, 1), math.IsNaN) {
						t.Errorf("float %t %s %s on %s: dependency WAITs dropped: %s, but no NaN in the output", float, s, mode, ic, rep)
					}
				}
			}
		}
	}
}
