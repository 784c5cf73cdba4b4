package playground

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/energy"
	"github.com/cimkit/cimkit/cim/sim"
)

// TestEnergyOfModel: the page's energy summary of a model run matches its
// total, its shares add up to one, and the energy figures draw.
func TestEnergyOfModel(t *testing.T) {
	resp := Handle(lenet("model"), nil)
	if resp.Error != "" {
		t.Fatal(resp.Error)
	}
	m := resp.Data.(*ModelResult)
	c := EnergyOf(m.Rows, m.Total, nil)
	var sum float64
	for _, s := range c.Shares {
		sum += s.Share
	}
	if !c.Complete || c.EnergyUJ != m.Total.EnergyPJ/1e6 || math.Abs(sum-1) > 1e-12 || c.AreaMM2 != m.Total.AreaMM2 ||
		c.Shares[0].EnergyUJ < c.Shares[len(c.Shares)-1].EnergyUJ || !(c.PumaSyncX > 0) || c.Tech != energy.Default().Name {
		t.Errorf("energy card %+v (total %+v)", c, m.Total)
	}
	for _, name := range []string{"energy", "sync_cost"} {
		req := lenet("figure")
		req.Figure, req.Rows = name, m.Rows
		resp := Handle(req, nil)
		f, ok := resp.Data.(*Figure)
		if resp.Error != "" || !ok || !strings.Contains(f.SVG, "<svg") {
			t.Errorf("figure %s: %v", name, resp.Error)
		}
	}
	if got := EnergyOf([]sim.Result{{Layer: "x"}}, sim.Result{}, nil); got.Complete || got.Shares != nil {
		t.Errorf("energy card of nothing: %+v", got)
	}
}

func TestTechComponentsAndLoad(t *testing.T) {
	cs := TechComponents(energy.ISAAC())
	if len(cs) != len(energy.Components()) || cs[2].Name != "adc" || cs[2].EnergyPJ != 1.5625 || cs[2].AreaUM2 != 1200 {
		t.Errorf("components %+v", cs[:3])
	}
	_, err := LoadTech([]byte(`{"components": {}}`))
	var fe *FieldError
	if err == nil || !errors.As(err, &fe) || fe.Field != "tech" || !strings.Contains(err.Error(), "missing components") {
		t.Errorf("LoadTech of an empty file: %v", err)
	}
}
