package functional

import (
	"slices"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/nn"
)

// TestQuantHandWorked: a 1x1 conv, 2 channels to 2 filters, over 1x2
// pixels on 1x2 crossbars (PV = 2), on given int8 parameters.
//
//	W = [[2, -3], [1, 1]], bias [10, -4], input pixels (5, 1) and (-2, 4)
//	acc: f0 = 2*5 - 3*1 + 10 = 17, 2*-2 - 3*4 + 10 = -6
//	     f1 = 5 + 1 - 4 = 2,       -2 + 4 - 4 = -2
//	scales [4, 0.125], output scale 0.5, no activation:
//	f0: 17*4/0.5 = 136 -> clamped to 127;  -6*4/0.5 = -48
//	f1: 2*0.125/0.5 = 0.5 -> 0 (half to even); -0.5 -> 0
//	with ReLU6 (applied to the real value): f0: min(68, 6)/0.5 = 12, 0; f1: 0, 0
//
// Every scheme matches under 5 schedules, and the HWC input gives the same.
func TestQuantHandWorked(t *testing.T) {
	q := &Quant{Weights: []float64{2, -3, 1, 1}, Bias: []float64{10, -4}, Scale: []float64{4, 0.125}, OutScale: 0.5}
	for _, c := range []struct {
		act  nn.Act
		want []float64
	}{{nn.ActNone, []float64{127, -48, 0, 0}}, {nn.ActReLU6, []float64{12, 0, 0, 0}}} {
		for _, s := range compile.Schemes() {
			l := &nn.Layer{Name: "c", Kind: nn.Conv2D, KernelH: 1, KernelW: 1, Filters: 2, Bias: true, Act: c.act}
			p := plan(t, l, nn.Shape{C: 2, H: 1, W: 2}, smallArch(1, 2), s)
			for _, opt := range []Options{
				{Quant: q, Seeds: 5, Input: []float64{5, -2, 1, 4}},
				{Quant: q, Seeds: 5, Input: []float64{5, 1, -2, 4}, InputHWC: true},
			} {
				rep, err := Run(p, opt)
				if err != nil {
					t.Fatal(err)
				}
				if !rep.OK() || !slices.Equal(rep.Output, c.want) {
					t.Errorf("%s %s: %s, output %v, want %v", c.act, s, rep, rep.Output, c.want)
				}
				if hwc := []float64{c.want[0], c.want[2], c.want[1], c.want[3]}; !slices.Equal(rep.OFM, hwc) {
					t.Errorf("%s %s: OFM %v, want %v (HWC)", c.act, s, rep.OFM, hwc)
				}
			}
		}
	}
}

// TestQuantRefused: parameters that do not fit the layer or the widths are
// errors naming the problem.
func TestQuantRefused(t *testing.T) {
	l := &nn.Layer{Name: "c", Kind: nn.Conv2D, KernelH: 1, KernelW: 1, Filters: 2, Act: nn.ActHardSwish}
	p := plan(t, l, nn.Shape{C: 2, H: 1, W: 2}, smallArch(1, 2), compile.Linear)
	good := Quant{Weights: []float64{2, -3, 1, 1}, Scale: []float64{1, 1}, OutScale: 1}
	for _, c := range []struct {
		name string
		edit func(q *Quant)
		want string
	}{
		{"count", func(q *Quant) { q.Weights = q.Weights[:3] }, "3 weights"},
		{"range", func(q *Quant) { q.Weights = []float64{128, 0, 0, 0} }, "not a 8-bit integer"},
		{"bias", func(q *Quant) { q.Bias = []float64{0.5, 0} }, "bias 0 = 0.5"},
		{"scale", func(q *Quant) { q.Scale = []float64{1, 0} }, "scale 1 = 0"},
		{"out", func(q *Quant) { q.OutScale = -1 }, "output scale -1"},
	} {
		q := good
		c.edit(&q)
		_, err := Run(p, Options{Quant: &q})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if _, err := Run(p, Options{Quant: &good}); err != nil {
		t.Errorf("HardSwish with Quant: %v", err)
	}
}
