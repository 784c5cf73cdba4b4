package playground

import (
	"bytes"
	"sort"
	"strings"

	"github.com/go-gota/gota/dataframe"

	"github.com/cimkit/cimkit/cim/energy"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/plots"
)

// This file holds the playground's energy and area functions (issue 14):
// the technology a request names, the energy figures (they join the
// "figure" operation), the energy summary of a model run (EnergyOf) and
// the technology table ("tech", TechComponents). The page's energy view
// (wasm/web/energy.js) shows them.

// The technologies a request can name (Request.Tech).
const (
	TechDefault    = "default" // cimkit's default technology (energy.Default)
	TechISAAC      = "isaac"   // ISAAC's published table (energy.ISAAC)
	TechFilePrefix = "file:"   // + the name of a technology file the user chose
)

// TechChoice is a technology that ships with cimkit, for the page's list.
type TechChoice struct {
	ID          string `json:"id"`          // TechDefault or TechISAAC
	Name        string `json:"name"`        // the technology's own name
	File        string `json:"file"`        // where it lives in the repository (for cimkit --tech)
	Description string `json:"description"` // what it is and where its values come from
}

func techChoices() []TechChoice {
	return []TechChoice{
		{TechDefault, energy.Default().Name, "cim/energy/tech/default.json", energy.Default().Description},
		{TechISAAC, energy.ISAAC().Name, "cim/energy/tech/isaac.json", energy.ISAAC().Description},
	}
}

// setTech checks the request's technology and sets it on c; errors name
// the field "tech".
func (c *config) setTech(name, text string) error {
	if text != "" && !strings.HasPrefix(name, TechFilePrefix) {
		return fieldErr("tech", "a technology file's text came with technology %q, which names no file", name)
	}
	switch {
	case name == "" || name == TechDefault:
		c.tech, c.opt.Tech = TechDefault, energy.Default()
	case name == TechISAAC:
		c.tech, c.opt.Tech = TechISAAC, energy.ISAAC()
	case strings.HasPrefix(name, TechFilePrefix) && len(name) > len(TechFilePrefix):
		file := strings.TrimPrefix(name, TechFilePrefix)
		if text == "" {
			return fieldErr("tech", "technology file %q is not in this tab: choose it again", file)
		}
		t, err := LoadTech([]byte(text))
		if err != nil {
			return fieldErr("tech", "%s: %v", file, err)
		}
		c.tech, c.techJSON, c.opt.Tech = name, text, t
	default:
		return fieldErr("tech", "technology %q: want %s, %s or %sNAME with the file's text", name, TechDefault, TechISAAC, TechFilePrefix)
	}
	return nil
}

// TechInfo is the answer to "tech": a technology and its components.
type TechInfo struct {
	Tech        string          `json:"tech"` // as requested (RunConfig.Tech)
	Name        string          `json:"name"` // the technology's own name
	Description string          `json:"description"`
	Components  []TechComponent `json:"components"`
}

func techInfo(req Request) (*TechInfo, error) {
	c := &config{}
	if err := c.setTech(req.Tech, req.TechJSON); err != nil {
		return nil, err
	}
	return c.techInfo(), nil
}

// techInfo describes c's technology.
func (c *config) techInfo() *TechInfo {
	t := c.opt.Tech
	return &TechInfo{Tech: c.tech, Name: t.Name, Description: t.Description, Components: TechComponents(t)}
}

// figureKind is the element type of figureKinds.
type figureKind = struct {
	name, title string
	draw        func(dataframe.DataFrame, plots.Select) (*plots.Figure, error)
	pinBus      bool
}

func init() {
	figureKinds = append(figureKinds,
		figureKind{"energy", "Energy per layer by class: crossbar, ADCs, digital, memory, bus, synchronisation, leakage",
			plots.EnergyBreakdown, true},
		figureKind{"sync_cost", "Synchronisation cost per layer: sequence registers next to a PUMA-style attribute buffer",
			plots.SyncCost, true},
	)
}

// EnergyCard is the energy summary of a model's layers for the page, from
// their Results and their Total (ModelResult's Rows and Total).
type EnergyCard struct {
	Tech        string  `json:"tech"`          // the technology that priced them
	EnergyUJ    float64 `json:"energy_uj"`     // energy of the layers that fit, run one after another, µJ
	Complete    bool    `json:"complete"`      // every layer fits: the energy is one inference's
	AreaMM2     float64 `json:"area_mm2"`      // the chip that runs them
	TOPSPerW    float64 `json:"tops_per_w"`    // operations per energy
	Shares      []Share `json:"shares"`        // the energy by class, largest first
	SyncShare   float64 `json:"sync_share"`    // synchronisation's share of the energy
	SyncAreaMM2 float64 `json:"sync_area_mm2"` // sequence registers
	PumaAreaMM2 float64 `json:"puma_area_mm2"` // a PUMA attribute buffer for the same data
	PumaSyncX   float64 `json:"puma_sync_x"`   // that buffer's energy over the synchronisation energy
}

// Share is one energy class's part of a total.
type Share struct {
	Class    string  `json:"class"`     // "ADCs", "leakage", ...
	EnergyUJ float64 `json:"energy_uj"` // µJ
	Share    float64 `json:"share"`     // of the total
}

// EnergyOf summarises the energy of a model's rows and their total (as
// sim.Total gives it, with the model's chip area: Result.SetModelArea).
func EnergyOf(rows []sim.Result, total sim.Result, tech *energy.Tech) EnergyCard {
	if tech == nil {
		tech = energy.Default()
	}
	c := EnergyCard{Tech: tech.Name, EnergyUJ: total.EnergyPJ / 1e6, Complete: total.Fits && len(rows) > 0,
		AreaMM2: total.AreaMM2, TOPSPerW: total.TOPSPerW, SyncAreaMM2: total.SyncAreaMM2, PumaAreaMM2: total.PumaAreaMM2}
	if total.EnergyPJ <= 0 {
		return c
	}
	for _, s := range []struct {
		class string
		pj    float64
	}{
		{"crossbar, DACs", total.EnergyXbarPJ}, {"ADCs", total.EnergyADCPJ}, {"digital", total.EnergyDigitPJ},
		{"shared memory", total.EnergyMemPJ}, {"bus", total.EnergyBusPJ}, {"synchronisation", total.EnergySyncPJ},
		{"leakage", total.EnergyStaticPJ},
	} {
		c.Shares = append(c.Shares, Share{Class: s.class, EnergyUJ: s.pj / 1e6, Share: s.pj / total.EnergyPJ})
	}
	sort.SliceStable(c.Shares, func(i, j int) bool { return c.Shares[i].EnergyUJ > c.Shares[j].EnergyUJ })
	c.SyncShare = total.EnergySyncPJ / total.EnergyPJ
	if total.EnergySyncPJ > 0 {
		c.PumaSyncX = total.PumaSyncPJ / total.EnergySyncPJ
	}
	return c
}

// TechComponent is one component of a technology, per instance, for the
// page's technology table.
type TechComponent struct {
	Name     string  `json:"name"`
	Instance string  `json:"instance"`  // what one instance is
	Action   string  `json:"action"`    // what the energy prices
	EnergyPJ float64 `json:"energy_pj"` // per action
	LeakW    float64 `json:"leak_w"`    // per instance
	AreaUM2  float64 `json:"area_um2"`  // per instance
	Source   string  `json:"source"`
}

// TechComponents lists the model's components of tech (nil: the default
// technology), in the order of a core's data path.
func TechComponents(tech *energy.Tech) []TechComponent {
	if tech == nil {
		tech = energy.Default()
	}
	var out []TechComponent
	for _, r := range energy.Components() {
		c := tech.Components[r.Name]
		out = append(out, TechComponent{Name: r.Name, Instance: r.Instance, Action: r.Action,
			EnergyPJ: c.ActionEnergy(), LeakW: c.InstanceLeakage(), AreaUM2: c.InstanceArea() * 1e6, Source: c.Source})
	}
	return out
}

// LoadTech reads a technology file the user chose (JSON); a bad file is an
// error for the page's field "tech", naming the component and field.
func LoadTech(data []byte) (*energy.Tech, error) {
	t, err := energy.Load(bytes.NewReader(data))
	if err != nil {
		return nil, fieldErr("tech", "%v", err)
	}
	return t, nil
}
