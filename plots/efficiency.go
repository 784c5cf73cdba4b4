package plots

import (
	"fmt"
	"math"
	"sort"

	"github.com/go-gota/gota/dataframe"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// EfficiencyPoint is one point of the efficiency figure: the mean
// efficiency (speedup / PV) of the layers whose core count falls into the
// power-of-two bucket (Cores/2, Cores], at one bus width.
type EfficiencyPoint struct {
	Bus        int     // bus width in bytes
	Cores      int     // upper end of the bucket, a power of two
	Efficiency float64 // mean speedup / PV, 1 = the limit
	Layers     int     // how many layer results the mean is over
}

// EfficiencyPoints computes the points of [Efficiency]: for each bus width,
// the mean efficiency per power-of-two bucket of cores, over the selected
// results that fit and have PV > 1 (with PV = 1 there is nothing to
// parallelise). Sorted by bus width, then cores.
func EfficiencyPoints(df dataframe.DataFrame, sel Select) ([]EfficiencyPoint, error) {
	all, err := table(df, "efficiency figure")
	if err != nil {
		return nil, err
	}
	return efficiencyPoints(all, sel)
}

// efficiencyPoints is [EfficiencyPoints] on rows converted once.
func efficiencyPoints(all []row, sel Select) ([]EfficiencyPoint, error) {
	rows, err := selectRows(all, sel, "efficiency")
	if err != nil {
		return nil, err
	}
	if err := unique(rows, "efficiency", efficiencyKey); err != nil {
		return nil, err
	}
	type bucket struct{ bus, cores int }
	sum := map[bucket]float64{}
	cnt := map[bucket]int{}
	for _, r := range rows {
		if !r.fits || r.n("pv") <= 1 || r.n("cores") < 1 {
			continue
		}
		k := bucket{int(r.n("bus_bytes")), int(math.Exp2(math.Ceil(math.Log2(r.n("cores")))))}
		sum[k] += r.n("efficiency")
		cnt[k]++
	}
	if len(cnt) == 0 {
		return nil, fmt.Errorf("efficiency figure: %w: none with PV > 1 that fits for %s", ErrNoData, sel)
	}
	pts := make([]EfficiencyPoint, 0, len(cnt))
	for k, n := range cnt {
		pts = append(pts, EfficiencyPoint{k.bus, k.cores, sum[k] / float64(n), n})
	}
	sort.Slice(pts, func(i, j int) bool {
		if pts[i].Bus != pts[j].Bus {
			return pts[i].Bus < pts[j].Bus
		}
		return pts[i].Cores < pts[j].Cores
	})
	return pts, nil
}

// efficiencyKey names a result of the efficiency figures: at most one per
// layer, crossbar and bus width.
func efficiencyKey(r row) string {
	return fmt.Sprintf("%s layer %s, crossbar %s, bus %s B", r.model, r.layer,
		fmtNum(r.n("xbar_rows")), fmtNum(r.n("bus_bytes")))
}

// Efficiency draws the efficiency (speedup / PV, in %) versus the number of
// cores a layer uses, one line per bus width, on a log2 axis of cores; see
// [EfficiencyPoints]. A dashed line marks 99% of the limit. sel must pin one
// scheme and one core budget.
func Efficiency(df dataframe.DataFrame, sel Select) (*Figure, error) {
	all, err := table(df, "efficiency figure")
	if err != nil {
		return nil, err
	}
	return efficiencyFigure(all, sel)
}

// efficiencyFigure is [Efficiency] on rows converted once.
func efficiencyFigure(all []row, sel Select) (*Figure, error) {
	pts, err := efficiencyPoints(all, sel)
	if err != nil {
		return nil, err
	}
	p := newPanel("", "cores used by the layer", "efficiency: speedup / PV (%)")
	byBus := map[int]plotter.XYs{}
	var buses []int
	b := newBound()
	lowest := 100.0
	for _, pt := range pts {
		if _, ok := byBus[pt.Bus]; !ok {
			buses = append(buses, pt.Bus)
		}
		byBus[pt.Bus] = append(byBus[pt.Bus], plotter.XY{X: float64(pt.Cores), Y: 100 * pt.Efficiency})
		b.add(float64(pt.Cores))
		lowest = math.Min(lowest, 100*pt.Efficiency)
	}
	log2Axis(&p.X, b.lo, b.hi)
	p.Y.Min = math.Max(0, math.Floor(lowest/10)*10-5)
	p.Y.Max = 102
	name := "efficiency"
	if sel.Model != "" {
		name += "_" + sel.Model
	}
	fig := &Figure{Name: name, Columns: 1, Aspect: 0.62,
		Caption: fmt.Sprintf("Efficiency (speedup / PV) versus cores used, one line per bus width (%s); "+
			"mean over the layers whose core count falls in each power-of-two bucket.", sel)}
	ref, err := hline(99, p.X.Min, p.X.Max, grey)
	if err != nil {
		return nil, err
	}
	p.Add(ref)
	for i, bus := range buses {
		s, err := NewSeries(byBus[bus], i)
		if err != nil {
			return nil, err
		}
		p.Add(s)
		fig.AddKey(fmt.Sprintf("%d B bus", bus), s)
	}
	fig.AddKey("99% of PV", lineGlyphThumb{ref.LineStyle, draw.GlyphStyle{}})
	fig.Panels = []*plot.Plot{p}
	return fig, nil
}

// lineGlyphThumb draws a line with a marker as a key thumbnail.
type lineGlyphThumb struct {
	line  draw.LineStyle
	glyph draw.GlyphStyle
}

// Thumbnail draws a horizontal line through the centre of c and the marker.
func (t lineGlyphThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(t.line, c.Min.X, y, c.Max.X, y)
	if t.glyph.Shape != nil {
		c.DrawGlyph(t.glyph, c.Center())
	}
}
