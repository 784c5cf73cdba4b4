package plots

import (
	"fmt"
	"math"
	"sort"

	"github.com/go-gota/gota/dataframe"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// NetworkSpeedup draws how much faster a whole network runs pipelined
// than layer by layer: one panel per model (stacked), one group of bars per crossbar
// size, one bar per run (pipelined, and pipelined with duplicated layers
// when the records have it), labelled with its speedup; a dashed line
// marks 1 (no gain). A crossbar size whose network ran in segments says
// how many under its name. df holds network runs (netsim.DataFrame,
// [ReadNetwork]) whose speedup is over the layer-by-layer run of the same
// configuration (netsim.Compare, cimkit sweep --network); sel must leave
// one configuration per model and crossbar size (pin bus, budget and
// scheme).
func NetworkSpeedup(df dataframe.DataFrame, sel Select) (*Figure, error) {
	rows, err := selectNet(df, sel, "network speedup", NetworkColumns)
	if err != nil {
		return nil, err
	}
	key := func(r netRow) string {
		return fmt.Sprintf("%s on %sx%s, run %s", r.text["model"], fmtNum(r.n("xbar_rows")), fmtNum(r.n("xbar_rows")), r.run())
	}
	if err := unique(rows, "network speedup", key); err != nil {
		return nil, err
	}
	var models []string
	seen := map[string]bool{}
	for _, r := range rows {
		if m := r.text["model"]; !seen[m] {
			seen[m] = true
			models = append(models, m)
		}
	}
	fig := &Figure{Name: "network_speedup", Columns: 1, Aspect: 0.42,
		Caption: fmt.Sprintf("Speedup of the pipelined runs over layer by layer, per model and crossbar size (%s).", sel)}
	used := make([]bool, len(networkRuns))
	for _, m := range models {
		p, err := networkSpeedupPanel(rows, m, used)
		if err != nil {
			return nil, err
		}
		fig.Panels = append(fig.Panels, p)
	}
	drawn := false
	for i, u := range used {
		if u {
			fig.AddKey(networkRuns[i], &rects{color: seriesColor(i)})
			drawn = true
		}
	}
	if !drawn {
		return nil, fmt.Errorf("network speedup figure: %w: no pipelined run with a speedup for %s", ErrNoData, sel)
	}
	ref, err := hline(1, 0, 1, grey)
	if err != nil {
		return nil, err
	}
	fig.AddKey("layer by layer (1x)", lineGlyphThumb{line: ref.LineStyle})
	return fig, nil
}

// networkSpeedupPanel draws one model: bars per crossbar size and run,
// marking in used the runs it draws.
func networkSpeedupPanel(rows []netRow, model string, used []bool) (*plot.Plot, error) {
	var mine []netRow
	for _, r := range rows {
		if r.text["model"] == model {
			mine = append(mine, r)
		}
	}
	xbars := map[float64]string{} // crossbar rows -> tick label
	for _, r := range mine {
		label := fmtNum(r.n("xbar_rows")) + "x" + fmtNum(r.n("xbar_rows"))
		if s := r.n("segments"); s > 1 {
			label += fmt.Sprintf("\n%s segments", fmtNum(s))
		}
		xbars[r.n("xbar_rows")] = label
	}
	sizes := make([]float64, 0, len(xbars))
	for x := range xbars {
		sizes = append(sizes, x)
	}
	sort.Float64s(sizes)
	p := newPanel(model, "", "speedup (x)")
	ticks := make(plot.ConstantTicks, len(sizes))
	for i, x := range sizes {
		ticks[i] = plot.Tick{Value: float64(i), Label: xbars[x]}
	}
	p.X.Tick.Marker = ticks
	p.X.Min, p.X.Max = -0.5, float64(len(sizes))-0.5
	width := 0.8 / float64(len(networkRuns)-1)
	top := 1.0
	var labels plotter.XYLabels
	for xi, x := range sizes {
		for _, r := range mine {
			i := runIndex(r.run())
			if r.n("xbar_rows") != x || i < 1 || !(r.n("speedup") > 0) {
				continue
			}
			used[i] = true
			x0 := float64(xi) - 0.4 + float64(i-1)*width
			bar := &rects{color: seriesColor(i), rs: []rect{{x0 + 0.05*width, x0 + 0.95*width, 0, r.n("speedup")}}}
			p.Add(bar)
			top = math.Max(top, r.n("speedup"))
			labels.XYs = append(labels.XYs, plotter.XY{X: x0 + width/2, Y: r.n("speedup")})
			labels.Labels = append(labels.Labels, fmt.Sprintf("%.1fx", r.n("speedup")))
		}
	}
	p.Y.Min, p.Y.Max = 0, top*1.15
	ref, err := hline(1, p.X.Min, p.X.Max, grey)
	if err != nil {
		return nil, err
	}
	p.Add(ref)
	if len(labels.XYs) > 0 {
		l, err := plotter.NewLabels(labels)
		if err != nil {
			return nil, err
		}
		for i := range l.TextStyle {
			setFont(&l.TextStyle[i], 6)
			l.TextStyle[i].XAlign = draw.XCenter
		}
		l.Offset = vg.Point{Y: 1.5}
		p.Add(l)
	}
	return p, nil
}
