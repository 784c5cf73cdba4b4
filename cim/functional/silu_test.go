package functional

import (
	"math"
	"testing"

	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/nn"
)

// TestSiLUAndGELU: SiLU is x*sigmoid(x) (2/(1+e^-2) = 1.7615941559557646
// at 2, -0.2689414213699951 at -1) and GELU x*(1+erf(x/sqrt(2)))/2
// (1.9544997361036416 at 2, -0.15865525393145707 at -1); both are
// accepted in float mode and refused in integer mode.
func TestSiLUAndGELU(t *testing.T) {
	for _, c := range []struct {
		act     nn.Act
		x, want float64
	}{
		{nn.ActSiLU, 0, 0}, {nn.ActSiLU, 2, 1.7615941559557646}, {nn.ActSiLU, -1, -0.2689414213699951},
		{nn.ActGELU, 0, 0}, {nn.ActGELU, 2, 1.9544997361036416}, {nn.ActGELU, -1, -0.15865525393145707},
	} {
		if got := Activate(c.act, c.x); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s(%g) = %g, want %g", c.act, c.x, got, c.want)
		}
	}
	p := pv3(t, compile.Linear)
	defer func() { p.Map.Layer.Act = nn.ActReLU }()
	for _, act := range []nn.Act{nn.ActSiLU, nn.ActGELU} {
		p.Map.Layer.Act = act
		if rep, err := Run(p, Options{Float: true}); err != nil || !rep.OK() {
			t.Errorf("%s in float mode: %v %v", act, err, rep)
		}
		if _, err := Run(p, Options{}); err == nil {
			t.Errorf("%s accepted in integer mode", act)
		}
	}
}
