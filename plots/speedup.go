package plots

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/go-gota/gota/dataframe"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// Speedup draws, for one model, the speedup of every scheme over the
// sequential baseline for each layer next to its limit PV (a black dash),
// one panel per crossbar size, on a log2 axis. Sequential rows (speedup 1)
// and layers that do not fit the core budget are left out. sel must leave
// one result per layer, crossbar and scheme (pin bus and core budget).
func Speedup(df dataframe.DataFrame, sel Select) (*Figure, error) {
	all, err := table(df, "speedup figure")
	if err != nil {
		return nil, err
	}
	return speedupFigure(all, sel)
}

// speedupFigure is [Speedup] on rows converted once.
func speedupFigure(all []row, sel Select) (*Figure, error) {
	rows, err := selectRows(all, sel, "speedup")
	if err != nil {
		return nil, err
	}
	key := func(r row) string {
		return fmt.Sprintf("layer %s, crossbar %s, scheme %s", r.layer, fmtNum(r.n("xbar_rows")), r.scheme)
	}
	if err := unique(rows, "speedup", key); err != nil {
		return nil, err
	}
	layers := layerOrder(rows)
	schemes := parallelSchemes(rows)
	fig := &Figure{Name: "speedup_" + rows[0].model, Columns: 1, Aspect: 0.4,
		Caption: fmt.Sprintf("Speedup over sequential per layer of %s, next to the limit PV (%s).",
			rows[0].model, sel)}
	for _, x := range values(rows, "xbar_rows") {
		p, err := speedupPanel(rows, layers, schemes, x)
		if err != nil {
			return nil, err
		}
		fig.Panels = append(fig.Panels, p)
	}
	for _, p := range fig.Panels[:len(fig.Panels)-1] {
		hideTickLabels(&p.X)
	}
	for i, s := range schemes {
		g := seriesGlyph(i)
		fig.AddKey(s, glyphThumb{g})
	}
	fig.AddKey("limit PV", glyphThumb{draw.GlyphStyle{Color: OkabeIto[0], Radius: 2.5, Shape: dashGlyph{}}})
	return fig, nil
}

// parallelSchemes returns the schemes other than sequential, in order of
// first appearance.
func parallelSchemes(rows []row) []string {
	all := distinct(rows, func(r row) string { return r.scheme })
	return slices.DeleteFunc(all, func(s string) bool { return s == "sequential" })
}

// speedupPanel draws one crossbar size.
func speedupPanel(rows []row, layers, schemes []string, xbar float64) (*plot.Plot, error) {
	idx := layerIndex(layers)
	p := newCategoryPanel(fmt.Sprintf("%sx%s crossbars", fmtNum(xbar), fmtNum(xbar)), "speedup (x)", layers)
	b := newBound()
	limitAt := map[float64]float64{}
	series := make([]plotter.XYs, len(schemes))
	width := 0.5 / float64(max(len(schemes), 1))
	for _, r := range rows {
		if r.n("xbar_rows") != xbar || !r.fits {
			continue
		}
		x := float64(idx[r.layer])
		if !(r.n("limit") > 0) || !(r.n("speedup") > 0) {
			continue // nothing to draw on a log axis
		}
		if r.scheme == "sequential" {
			limitAt[x] = r.n("limit")
			b.add(r.n("limit"))
			continue
		}
		for i, s := range schemes {
			if s == r.scheme {
				off := (float64(i) - float64(len(schemes)-1)/2) * width
				series[i] = append(series[i], plotter.XY{X: x + off, Y: r.n("speedup")})
				b.add(r.n("speedup"))
				limitAt[x] = r.n("limit")
				b.add(r.n("limit"))
			}
		}
	}
	if !b.ok() {
		b = bound{1, 2}
	}
	log2Axis(&p.Y, math.Min(1, b.lo), b.hi)
	limits := plotter.XYs{}
	for x, y := range limitAt {
		limits = append(limits, plotter.XY{X: x, Y: y})
	}
	sort.Slice(limits, func(i, j int) bool { return limits[i].X < limits[j].X })
	if err := addLimits(p, limits); err != nil {
		return nil, err
	}
	for i, xys := range series {
		if len(xys) == 0 {
			continue
		}
		s, err := scatter(xys, i)
		if err != nil {
			return nil, err
		}
		p.Add(s)
	}
	return p, nil
}

// addLimits draws the limit dashes.
func addLimits(p *plot.Plot, xys plotter.XYs) error {
	if len(xys) == 0 {
		return nil
	}
	s, err := plotter.NewScatter(xys)
	if err != nil {
		return err
	}
	s.GlyphStyle = draw.GlyphStyle{Color: OkabeIto[0], Radius: 2.4, Shape: dashGlyph{}}
	p.Add(s)
	return nil
}

// glyphThumb draws a marker as a key thumbnail.
type glyphThumb struct{ sty draw.GlyphStyle }

// Thumbnail draws the glyph in the centre of c.
func (g glyphThumb) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(g.sty, c.Center())
}

// hideTickLabels keeps an axis' tick positions but drops their labels (for
// panels stacked above one that carries them).
func hideTickLabels(ax *plot.Axis) {
	ticks := ax.Tick.Marker.Ticks(ax.Min, ax.Max)
	for i := range ticks {
		ticks[i].Label = ""
	}
	ax.Tick.Marker = plot.ConstantTicks(ticks)
}
