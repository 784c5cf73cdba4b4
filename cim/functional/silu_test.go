package functional

import (
	"math"
	"testing"

	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/nn"
)

// TestSiLU: SiLU is x*sigmoid(x) (2/(1+e^-2) = 1.7615941559557646 at 2,
// -0.2689414213699951 at -1), accepted in float mode, refused in integer
// mode.
func TestSiLU(t *testing.T) {
	for x, want := range map[float64]float64{0: 0, 2: 1.7615941559557646, -1: -0.2689414213699951} {
		if got := Activate(nn.ActSiLU, x); math.Abs(got-want) > 1e-15 {
			t.Errorf("SiLU(%g) = %g, want %g", x, got, want)
		}
	}
	p := pv3(t, compile.Linear)
	p.Map.Layer.Act = nn.ActSiLU
	defer func() { p.Map.Layer.Act = nn.ActReLU }()
	if rep, err := Run(p, Options{Float: true}); err != nil || !rep.OK() {
		t.Errorf("SiLU in float mode: %v %v", err, rep)
	}
	if _, err := Run(p, Options{}); err == nil {
		t.Error("SiLU accepted in integer mode")
	}
}
