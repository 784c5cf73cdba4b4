package playground

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/compile"
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

// TestTechnologies: a model run priced with ISAAC's table, or with the same
// table uploaded as a file, gives cimkit sim --tech's numbers (sim.Options
// Tech), layer by layer and in total (the chip area too); the
// configuration names the technology in its label and file name and keeps
// an uploaded file's text for follow-up requests; bad technologies name
// the field "tech".
func TestTechnologies(t *testing.T) {
	net, a := lenetChip(t)
	want, err := sim.RunModelWith(net, a, compile.Linear, sim.Options{Tech: energy.ISAAC()})
	if err != nil {
		t.Fatal(err)
	}
	isaacJSON, err := json.Marshal(energy.ISAAC())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ tech, text, label, file string }{
		{TechISAAC, "", "; tech=isaac", "-techisaac"},
		{TechFilePrefix + "my tech.json", string(isaacJSON), "; tech=file:my tech.json", "-techfile_my_tech.json"},
	} {
		req := lenet("model")
		req.Tech, req.TechJSON = c.tech, c.text
		resp := Handle(req, nil)
		if resp.Error != "" {
			t.Fatalf("%s: %s", c.tech, resp.Error)
		}
		m := resp.Data.(*ModelResult)
		got := append(m.Rows, m.Total)
		for i := range want {
			g, w := got[i], want[i]
			if g.EnergyPJ != w.EnergyPJ || g.EnergyADCPJ != w.EnergyADCPJ || g.AreaMM2 != w.AreaMM2 ||
				g.PumaSyncPJ != w.PumaSyncPJ || g.TOPSPerW != w.TOPSPerW || g.SyncAreaMM2 != w.SyncAreaMM2 {
				t.Errorf("%s, %s: page %+v\nsim --tech %+v", c.tech, w.Layer, g, w)
			}
		}
		rc := m.Config
		if rc.Tech != c.tech || rc.TechName != energy.ISAAC().Name || rc.TechJSON != c.text ||
			!strings.HasSuffix(rc.Label, c.label) || !strings.HasSuffix(rc.File, c.file) {
			t.Errorf("%s: config %+v", c.tech, rc)
		}
		if m.Tech.Name != energy.ISAAC().Name || len(m.Tech.Components) != len(energy.Components()) ||
			m.Energy.Tech != energy.ISAAC().Name || len(m.EnergyFigures) != 2 {
			t.Errorf("%s: technology %+v, card %+v, %d energy figures", c.tech, m.Tech, m.Energy, len(m.EnergyFigures))
		}
	}
	bad := strings.Replace(string(isaacJSON), `"adc":{`, `"adc":{"colour":"red",`, 1)
	for _, c := range []struct{ tech, text, msg string }{
		{TechFilePrefix + "bad.json", bad, `bad.json: tech: components.adc: json: unknown field "colour"`},
		{TechFilePrefix + "gone.json", "", `technology file "gone.json" is not in this tab`},
		{TechDefault, string(isaacJSON), `technology "default", which names no file`},
		{"puma", "", `technology "puma": want default, isaac or file:NAME`},
	} {
		for _, op := range []string{"layers", "tech"} {
			req := lenet(op)
			req.Tech, req.TechJSON = c.tech, c.text
			if r := Handle(req, nil); r.Field != "tech" || !strings.Contains(r.Error, c.msg) {
				t.Errorf("%s %s: field %q, error %q; want %q", op, c.tech, r.Field, r.Error, c.msg)
			}
		}
	}
	req := lenet("tech")
	req.Tech = TechISAAC
	info, ok := Handle(req, nil).Data.(*TechInfo)
	if !ok || info.Tech != TechISAAC || info.Name != energy.ISAAC().Name || info.Components[2].EnergyPJ != 1.5625 {
		t.Errorf("tech isaac: %+v", info)
	}
}
