package plots

import (
	"fmt"
	"math"
	"slices"

	"github.com/go-gota/gota/dataframe"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// EfficiencyLayers draws each layer's efficiency (speedup / PV, in %)
// against the cores it uses: one marker per layer and bus width (a colour
// and a shape per bus width), on a log2 axis of cores. Unlike [Efficiency]
// nothing is averaged, so a small layer (a dense layer on a few cores) is a
// point of its own, not a dip in a line. Results that do not fit or have
// PV = 1 (nothing to parallelise) are left out, and the caption counts
// them. A dashed line marks 99% of the limit. sel must pin one scheme and
// one core budget.
func EfficiencyLayers(df dataframe.DataFrame, sel Select) (*Figure, error) {
	all, err := table(df, "efficiency figure")
	if err != nil {
		return nil, err
	}
	return efficiencyLayersFigure(all, sel)
}

// efficiencyLayersFigure is [EfficiencyLayers] on rows converted once.
func efficiencyLayersFigure(all []row, sel Select) (*Figure, error) {
	rows, err := selectRows(all, sel, "efficiency")
	if err != nil {
		return nil, err
	}
	if err := unique(rows, "efficiency", efficiencyKey); err != nil {
		return nil, err
	}
	pts := layerPoints(rows)
	if len(pts.buses) == 0 {
		return nil, fmt.Errorf("efficiency figure: %w: none with PV > 1 that fits for %s", ErrNoData, sel)
	}
	p := newPanel("", "cores used by the layer", "efficiency: speedup / PV (%)")
	log2Axis(&p.X, pts.cores.lo, pts.cores.hi)
	p.Y.Min = math.Max(0, math.Floor(pts.lowest/10)*10-5)
	p.Y.Max = math.Max(102, math.Ceil(pts.highest)+1)
	name := "efficiency_layers"
	if sel.Model != "" {
		name += "_" + sel.Model
	}
	fig := &Figure{Name: name, Columns: 1, Aspect: 0.62,
		Caption: fmt.Sprintf("Efficiency (speedup / PV) of each layer against the cores it uses (%s): one point per layer "+
			"and bus width, nothing averaged. Left out: %d results with PV = 1 (nothing to parallelise) and %d that do "+
			"not fit the core budget.", sel, pts.pv1, pts.noFit)}
	ref, err := hline(99, p.X.Min, p.X.Max, grey)
	if err != nil {
		return nil, err
	}
	p.Add(ref)
	for i, bus := range pts.buses {
		s, err := plotter.NewScatter(pts.byBus[bus])
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = seriesGlyph(i)
		p.Add(s)
		fig.AddKey(fmt.Sprintf("%d B bus", bus), s)
	}
	fig.AddKey("99% of PV", lineGlyphThumb{ref.LineStyle, draw.GlyphStyle{}})
	fig.Panels = []*plot.Plot{p}
	return fig, nil
}

// efficiencyLayerPoints are the points of EfficiencyLayers.
type efficiencyLayerPoints struct {
	byBus           map[int]plotter.XYs // (cores, efficiency in %) per bus width
	buses           []int               // bus widths, ascending
	cores           bound               // range of the cores
	lowest, highest float64             // range of the efficiencies, with 100 in it
	pv1, noFit      int                 // results left out: PV = 1, does not fit
}

// layerPoints sorts rows into the points of EfficiencyLayers.
func layerPoints(rows []row) efficiencyLayerPoints {
	pts := efficiencyLayerPoints{byBus: map[int]plotter.XYs{}, cores: newBound(), lowest: 100, highest: 100}
	for _, r := range rows {
		switch {
		case !r.fits || r.n("cores") < 1:
			pts.noFit++
			continue
		case r.n("pv") <= 1:
			pts.pv1++
			continue
		}
		bus := int(r.n("bus_bytes"))
		if _, ok := pts.byBus[bus]; !ok {
			pts.buses = append(pts.buses, bus)
		}
		y := 100 * r.n("efficiency")
		pts.byBus[bus] = append(pts.byBus[bus], plotter.XY{X: r.n("cores"), Y: y})
		pts.cores.add(r.n("cores"))
		pts.lowest, pts.highest = math.Min(pts.lowest, y), math.Max(pts.highest, y)
	}
	slices.Sort(pts.buses)
	return pts
}
