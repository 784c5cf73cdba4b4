package plots

import (
	"fmt"
	"math"
	"sort"

	"github.com/go-gota/gota/dataframe"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// energyClass is one class of the energy breakdown (the energy_*_pj
// columns, which add up to energy_pj).
type energyClass struct{ col, label string }

var energyClasses = []energyClass{
	{"energy_xbar_pj", "crossbar, DACs"}, {"energy_adc_pj", "ADCs"}, {"energy_digital_pj", "digital"},
	{"energy_mem_pj", "shared memory"}, {"energy_bus_pj", "bus"}, {"energy_sync_pj", "synchronisation"},
	{"energy_static_pj", "leakage"},
}

// pricedLayers selects the rows of a per-layer energy figure: one per
// layer (an error naming the axis to pin otherwise), of layers that fit
// and carry an energy (results written before the energy columns have
// none); ErrNoData when none is left.
func pricedLayers(in []row, sel Select, fig string) ([]row, error) {
	all, err := selectRows(in, sel, fig)
	if err != nil {
		return nil, err
	}
	key := func(r row) string { return fmt.Sprintf("%s layer %s", r.model, r.layer) }
	if err := unique(all, fig, key); err != nil {
		return nil, err
	}
	var out []row
	for _, r := range all {
		if r.fits && r.n("energy_pj") > 0 {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s figure: %w with an energy for %s", fig, ErrNoData, sel)
	}
	return out, nil
}

// EnergyBreakdown draws, for one model and configuration, the energy of
// each layer stacked by class (crossbar and DACs, ADCs, digital units,
// shared memory, bus, synchronisation, leakage): in µJ in the top panel and
// as shares of the layer's energy in the bottom one. Layers that do not fit
// are left out. sel must leave one result per layer (pin crossbar, scheme,
// bus and core budget).
func EnergyBreakdown(df dataframe.DataFrame, sel Select) (*Figure, error) {
	all, err := table(df, "energy breakdown figure")
	if err != nil {
		return nil, err
	}
	return energyBreakdownFigure(all, sel)
}

// energyBreakdownFigure is [EnergyBreakdown] on rows converted once.
func energyBreakdownFigure(in []row, sel Select) (*Figure, error) {
	rows, err := pricedLayers(in, sel, "energy breakdown")
	if err != nil {
		return nil, err
	}
	layers := layerOrder(rows)
	x := fmtNum(rows[0].n("xbar_rows"))
	var total float64
	for _, r := range rows {
		total += r.n("energy_pj")
	}
	fig := &Figure{Name: fmt.Sprintf("energy_%s_%s", rows[0].model, x), Columns: 1, Aspect: 0.45,
		Caption: fmt.Sprintf("Energy per layer of %s on %sx%s crossbars by class, in µJ and as shares "+
			"(%s); %.4g µJ over the %d layers that fit.", rows[0].model, x, x, sel, total/1e6, len(rows))}
	top := newCategoryPanel("", "energy (µJ)", layers)
	bottom := newCategoryPanel("", "share (%)", layers)
	idx := layerIndex(layers)
	base := make([]float64, len(layers))
	share := make([]float64, len(layers))
	for k, c := range energyClasses {
		abs := &rects{color: seriesColor(k)}
		rel := &rects{color: seriesColor(k)}
		for _, r := range rows {
			i, v := idx[r.layer], r.n(c.col)
			if v <= 0 {
				continue
			}
			x0, x1 := float64(i)-0.35, float64(i)+0.35
			abs.rs = append(abs.rs, rect{x0, x1, base[i] / 1e6, (base[i] + v) / 1e6})
			s := 100 * v / r.n("energy_pj")
			rel.rs = append(rel.rs, rect{x0, x1, share[i], share[i] + s})
			base[i] += v
			share[i] += s
		}
		if len(abs.rs) > 0 {
			top.Add(abs)
			bottom.Add(rel)
		}
		fig.AddKey(c.label, abs)
	}
	top.Y.Min, bottom.Y.Min, bottom.Y.Max = 0, 0, 100
	hideTickLabels(&top.X)
	fig.Panels = []*plot.Plot{top, bottom}
	return fig, nil
}

// EnergyPerInference draws, for each model (one panel each), the energy of
// one inference (the sum over its layers, run one after another) against
// the bus width (log axis), one line per crossbar size. A configuration in which a layer
// does not fit the core budget has no inference to price and is left out
// (the caption counts them). sel must pin the scheme, the core budget and
// the interconnect.
func EnergyPerInference(df dataframe.DataFrame, sel Select) (*Figure, error) {
	all, err := table(df, "energy per inference figure")
	if err != nil {
		return nil, err
	}
	return energyPerInferenceFigure(all, sel)
}

// energyPerInferenceFigure is [EnergyPerInference] on rows converted once.
func energyPerInferenceFigure(rows []row, sel Select) (*Figure, error) {
	rows, err := selectRows(rows, sel, "energy per inference")
	if err != nil {
		return nil, err
	}
	type cfg struct {
		model      string
		xbar, bus  float64
		budget     float64
		scheme     string
		sum        float64
		incomplete bool
	}
	sums := map[string]*cfg{}
	var order []string
	for _, r := range rows {
		k := fmt.Sprintf("%s|%g|%g|%g|%s|%s", r.model, r.n("xbar_rows"), r.n("bus_bytes"), r.n("cores_budget"), r.scheme, r.interconnect)
		c := sums[k]
		if c == nil {
			c = &cfg{model: r.model, xbar: r.n("xbar_rows"), bus: r.n("bus_bytes"), budget: r.n("cores_budget"), scheme: r.scheme}
			sums[k] = c
			order = append(order, k)
		}
		c.sum += r.n("energy_pj")
		c.incomplete = c.incomplete || !r.fits || !(r.n("energy_pj") > 0)
	}
	models := distinct(rows, func(r row) string { return r.model })
	xbars := values(rows, "xbar_rows")
	left := 0
	fig := &Figure{Name: "energy_inference", Columns: 1, Aspect: 0.5}
	keyed := map[float64]*Series{} // the key, in crossbar order after the panels
	for _, m := range models {
		p := newPanel(m, "bus width (bytes per beat)", "energy (mJ)")
		bx, by := newBound(), newBound()
		for i, x := range xbars {
			var xys plotter.XYs
			for _, k := range order {
				c := sums[k]
				if c.model != m || c.xbar != x {
					continue
				}
				if c.incomplete {
					left++
					continue
				}
				xys = append(xys, plotter.XY{X: c.bus, Y: c.sum / 1e9})
				bx.add(c.bus)
				by.add(c.sum / 1e9)
			}
			if len(xys) == 0 {
				continue
			}
			sort.Slice(xys, func(a, b int) bool { return xys[a].X < xys[b].X })
			s, err := NewSeries(xys, i)
			if err != nil {
				return nil, fmt.Errorf("energy per inference figure: %v", err)
			}
			p.Add(s)
			keyed[x] = s
		}
		if !bx.ok() {
			continue
		}
		log2Axis(&p.X, bx.lo, bx.hi)
		p.Y.Min, p.Y.Max = 0, by.hi*1.08
		fig.Panels = append(fig.Panels, p)
	}
	for _, p := range fig.Panels[:max(len(fig.Panels)-1, 0)] {
		p.X.Label.Text = ""
	}
	for _, x := range xbars {
		if s := keyed[x]; s != nil {
			fig.AddKey(fmt.Sprintf("%sx%s crossbars", fmtNum(x), fmtNum(x)), s)
		}
	}
	if len(fig.Panels) == 0 {
		return nil, fmt.Errorf("energy per inference figure: %w where every layer fits (%s)", ErrNoData, sel)
	}
	fig.Caption = fmt.Sprintf("Energy of one inference (every layer, one after another) versus bus width, "+
		"one line per crossbar size (%s).", sel)
	if left > 0 {
		fig.Caption += fmt.Sprintf(" %d configurations are left out: a layer needs more cores than the budget.", left)
	}
	return fig, nil
}

// syncSeries are the two synchronisation mechanisms of the sync-cost
// figure.
var syncSeries = []struct{ area, energy, label string }{
	{"sync_area_mm2", "energy_sync_pj", "sequence registers (CALL/WAIT)"},
	{"puma_area_mm2", "puma_sync_pj", "PUMA-style attribute buffer"},
}

// SyncCost draws, for one model and configuration, what synchronisation
// costs each layer: the area of the sequence registers next to a PUMA-style
// attribute buffer for the same shared data (top, mm²), and their energy:
// the CALL transfers, register writes, WAIT checks and register leakage
// against the attribute accesses and buffer leakage PUMA would spend
// instead (bottom, µJ), on log axes. sel must leave one result per layer.
func SyncCost(df dataframe.DataFrame, sel Select) (*Figure, error) {
	all, err := table(df, "sync cost figure")
	if err != nil {
		return nil, err
	}
	return syncCostFigure(all, sel)
}

// syncCostFigure is [SyncCost] on rows converted once.
func syncCostFigure(in []row, sel Select) (*Figure, error) {
	rows, err := pricedLayers(in, sel, "sync cost")
	if err != nil {
		return nil, err
	}
	layers := layerOrder(rows)
	x := fmtNum(rows[0].n("xbar_rows"))
	var ours, puma, energy float64
	for _, r := range rows {
		ours += r.n("energy_sync_pj")
		puma += r.n("puma_sync_pj")
		energy += r.n("energy_pj")
	}
	fig := &Figure{Name: fmt.Sprintf("sync_cost_%s_%s", rows[0].model, x), Columns: 1, Aspect: 0.5,
		Caption: fmt.Sprintf("Synchronisation cost per layer of %s on %sx%s crossbars: area and energy of the "+
			"sequence registers next to a PUMA-style attribute buffer (%s). Over the %d layers that fit, "+
			"synchronisation takes %.3g%% of the energy; the attribute buffer would cost %.3g times as much.",
			rows[0].model, x, x, sel, len(rows), 100*ours/energy, puma/math.Max(ours, 1e-300))}
	idx := layerIndex(layers)
	var panels [2]*plot.Plot
	for pi, spec := range []struct {
		ylabel string
		col    func(k int) string
		scale  float64
	}{
		{"sync area (mm²)", func(k int) string { return syncSeries[k].area }, 1},
		{"sync energy (µJ)", func(k int) string { return syncSeries[k].energy }, 1e6},
	} {
		p := newCategoryPanel("", spec.ylabel, layers)
		b := newBound()
		for k := range syncSeries {
			var xys plotter.XYs
			off := (float64(k) - 0.5) * 0.22
			for _, r := range rows {
				if v := r.n(spec.col(k)) / spec.scale; v > 0 {
					xys = append(xys, plotter.XY{X: float64(idx[r.layer]) + off, Y: v})
					b.add(v)
				}
			}
			if len(xys) == 0 {
				continue
			}
			s, err := scatter(xys, k)
			if err != nil {
				return nil, fmt.Errorf("sync cost figure: %v", err)
			}
			p.Add(s)
		}
		if !b.ok() {
			b = bound{1e-6, 1}
		}
		logAxis(&p.Y, b.lo, b.hi)
		panels[pi] = p
	}
	for k := range syncSeries {
		fig.AddKey(syncSeries[k].label, glyphThumb{seriesGlyph(k)})
	}
	hideTickLabels(&panels[0].X)
	fig.Panels = panels[:]
	return fig, nil
}
