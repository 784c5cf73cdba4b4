package report

import (
	"fmt"
	"sort"

	"github.com/cimkit/cimkit/cim/energy"
	"github.com/cimkit/cimkit/cim/sim"
)

// EnergyRow prices one model's conv layers, run one after another, on one
// crossbar size and bus width, under the report's standard scheme and its
// largest core budget.
type EnergyRow struct {
	Model, Scheme string
	Xbar, Bus     int
	Layers, Fit   int     // conv layers, and how many fit the budget
	EnergyMJ      float64 // energy of the layers that fit, mJ: one inference when all fit
	AreaMM2       float64 // the chip that runs them (most cores, most shared memory of any layer)
	TOPSPerW      float64 // operations per energy
	StaticShare   float64 // leakage share of the energy (sequence registers' excluded)
	SyncShare     float64 // synchronisation's share of the energy
	SyncAreaMM2   float64 // sequence registers of that chip
	PumaAreaMM2   float64 // a PUMA attribute buffer for its shared memory
	PumaSyncMJ    float64 // what that buffer would spend instead of the synchronisation energy
}

// Energy returns one row per model, crossbar and bus under the standard
// scheme (cyclic when swept) at the largest core budget, on the main
// interconnect, priced with Config.Tech.
func (r *Report) Energy() []EnergyRow {
	scheme, budget := "", 0
	for _, x := range r.main() {
		budget = max(budget, x.CoresBudget)
		if x.Scheme != "sequential" && scheme != "cyclic" {
			scheme = x.Scheme
		}
	}
	groups := map[string][]sim.Result{}
	var keys []string
	for _, x := range r.main() {
		if x.Scheme != scheme || x.CoresBudget != budget {
			continue
		}
		k := fmt.Sprintf("%s|%05d|%05d", x.Model, x.XbarRows, x.BusBytes)
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], x)
	}
	sort.SliceStable(keys, func(i, j int) bool { return keys[i] < keys[j] })
	var out []EnergyRow
	for _, k := range keys {
		out = append(out, r.energyRow(groups[k]))
	}
	return out
}

// energyRow totals one model's layers under one configuration.
func (r *Report) energyRow(rs []sim.Result) EnergyRow {
	x := rs[0]
	t := sim.Total(rs)
	a := r.Config.Arch()
	a.XbarRows, a.XbarCols, a.BusBytes, a.Cores = x.XbarRows, x.XbarCols, x.BusBytes, x.CoresBudget
	t.SetModelArea(r.Config.Tech, a, rs)
	row := EnergyRow{Model: x.Model, Scheme: x.Scheme, Xbar: x.XbarRows, Bus: x.BusBytes, Layers: len(rs),
		EnergyMJ: t.EnergyPJ / 1e9, AreaMM2: t.AreaMM2, TOPSPerW: t.TOPSPerW,
		SyncAreaMM2: t.SyncAreaMM2, PumaAreaMM2: t.PumaAreaMM2, PumaSyncMJ: t.PumaSyncPJ / 1e9}
	for _, y := range rs {
		if y.Fits {
			row.Fit++
		}
	}
	if t.EnergyPJ > 0 {
		row.StaticShare, row.SyncShare = t.EnergyStaticPJ/t.EnergyPJ, t.EnergySyncPJ/t.EnergyPJ
	}
	return row
}

// energyHeader is the header of the energy table.
var energyHeader = []string{"model", "xbar", "bus", "layers fit", "energy (mJ)", "area (mm²)", "TOPS/W",
	"leakage", "sync energy", "sync area (mm²)", "PUMA buffer (mm²)", "PUMA sync / ours"}

func (e EnergyRow) cells() []string {
	c := []string{e.Model, fmt.Sprintf("%dx%d", e.Xbar, e.Xbar), fmt.Sprintf("%d B", e.Bus), fmt.Sprintf("%d/%d", e.Fit, e.Layers)}
	if e.Fit == 0 {
		return append(c, "", "", "", "", "", "", "", "")
	}
	ratio := "—"
	if sync := e.SyncShare * e.EnergyMJ; sync > 0 {
		ratio = fmt.Sprintf("%.3gx", e.PumaSyncMJ/sync)
	}
	return append(c, fmt.Sprintf("%.3g", e.EnergyMJ), fmt.Sprintf("%.3g", e.AreaMM2), fmt.Sprintf("%.3g", e.TOPSPerW),
		fmt.Sprintf("%.0f%%", 100*e.StaticShare), fmt.Sprintf("%.2g%%", 100*e.SyncShare),
		fmt.Sprintf("%.2g", e.SyncAreaMM2), fmt.Sprintf("%.2g", e.PumaAreaMM2), ratio)
}

// techNote names the technology that priced the report.
func (r *Report) techNote() string {
	t := r.Config.Tech
	if t == nil {
		t = energy.Default()
	}
	return t.Name
}
