package plots

import (
	"fmt"

	"github.com/go-gota/gota/dataframe"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Overhead draws, for one model, the synchronisation traffic (CALL writes)
// as a share of all bus traffic for each layer, one bar per crossbar size,
// with dashed lines at the paper's 2% and 4% bounds. Layers that do not fit
// are left empty. sel must leave one result per layer and crossbar (pin
// scheme, bus and core budget).
func Overhead(df dataframe.DataFrame, sel Select) (*Figure, error) {
	all, err := table(df, "overhead figure")
	if err != nil {
		return nil, err
	}
	return overheadFigure(all, sel)
}

// overheadFigure is [Overhead] on rows converted once.
func overheadFigure(all []row, sel Select) (*Figure, error) {
	rows, err := selectRows(all, sel, "overhead")
	if err != nil {
		return nil, err
	}
	key := func(r row) string {
		return fmt.Sprintf("%s layer %s, crossbar %s", r.model, r.layer, fmtNum(r.n("xbar_rows")))
	}
	if err := unique(rows, "overhead", key); err != nil {
		return nil, err
	}
	layers := layerOrder(rows)
	xbars := values(rows, "xbar_rows")
	p := newCategoryPanel("", "sync traffic / bus traffic (%)", layers)
	fig := &Figure{Name: "overhead_" + rows[0].model, Columns: 1, Aspect: 0.45,
		Caption: fmt.Sprintf("Synchronisation traffic as a share of bus traffic per layer of %s (%s).",
			rows[0].model, sel)}
	w := 0.8 / float64(len(xbars))
	for i, x := range xbars {
		bars := &rects{color: seriesColor(i)}
		off := (float64(i) - float64(len(xbars))/2) * w
		for j, l := range layers {
			for _, r := range rows {
				if r.layer == l && r.n("xbar_rows") == x && r.fits {
					x0 := float64(j) + off
					bars.rs = append(bars.rs, rect{x0, x0 + w, 0, 100 * r.n("overhead")})
				}
			}
		}
		p.Add(bars)
		fig.AddKey(fmt.Sprintf("%sx%s crossbars", fmtNum(x), fmtNum(x)), bars)
	}
	p.Y.Min = 0
	for i, lim := range []float64{2, 4} {
		l, err := hline(lim, p.X.Min, p.X.Max, OkabeIto[0])
		if err != nil {
			return nil, err
		}
		if i == 1 {
			l.Dashes = []vg.Length{1, 1.5}
		}
		p.Add(l)
		fig.AddKey(fmt.Sprintf("%g%% (paper bound, %s)", lim, []string{"64x64", "32x32"}[i]),
			lineGlyphThumb{line: l.LineStyle})
	}
	fig.Panels = []*plot.Plot{p}
	return fig, nil
}
