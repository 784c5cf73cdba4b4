package plots

import (
	"fmt"
	"math"
	"slices"

	"github.com/go-gota/gota/dataframe"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/cim/sweep"
)

// CarriedFraction is the share of its limit PV at which the Carried figure
// counts a layer as carried by a bus: the paper's 90%.
const CarriedFraction = 0.9

// Carried draws how many cores each bus width carries near the limit, one
// line per interconnect: for each bus width, the most cores of a layer
// whose speedup reaches 90% of PV (sweep.Carried), on log2 axes. It
// compares the shared bus and AXI4 on the same sweep; a bus width at which
// no layer reaches 90% is left out of its line (the caption says so). sel
// must pin one scheme and one core budget, and leave the interconnects.
func Carried(df dataframe.DataFrame, sel Select) (*Figure, error) {
	all, err := table(df, "carried figure")
	if err != nil {
		return nil, err
	}
	return carriedFigure(all, sel)
}

// carriedFigure is [Carried] on rows converted once.
func carriedFigure(all []row, sel Select) (*Figure, error) {
	pts, err := carriedPoints(all, sel)
	if err != nil {
		return nil, err
	}
	p := newPanel("", "bus width (bytes per beat)", "most cores at 90% of PV or more")
	xs, ys := newBound(), newBound()
	byIC := map[string]plotter.XYs{}
	var ics, none []string
	for _, c := range pts {
		if !slices.Contains(ics, c.Interconnect) {
			ics = append(ics, c.Interconnect)
		}
		xs.add(float64(c.Bus))
		if c.Cores == 0 {
			none = append(none, fmt.Sprintf("%s at %d B", c.Interconnect, c.Bus))
			continue
		}
		byIC[c.Interconnect] = append(byIC[c.Interconnect], plotter.XY{X: float64(c.Bus), Y: float64(c.Cores)})
		ys.add(float64(c.Cores))
	}
	if !ys.ok() {
		return nil, fmt.Errorf("carried figure: %w: no layer reaches 90%% of PV for %s", ErrNoData, sel)
	}
	log2Axis(&p.X, xs.lo, xs.hi)
	log2Axis(&p.Y, ys.lo, math.Max(ys.hi, 2*ys.lo))
	caption := fmt.Sprintf("Most cores of a layer whose speedup reaches 90%% of PV, per bus width, one line per "+
		"interconnect (%s).", sel)
	if len(none) > 0 {
		caption += fmt.Sprintf(" No layer reaches 90%% with %s.", joinList(none))
	}
	fig := &Figure{Name: "carried", Columns: 1, Aspect: 0.62, Caption: caption}
	for i, ic := range ics {
		if len(byIC[ic]) == 0 {
			continue
		}
		s, err := NewSeries(byIC[ic], i)
		if err != nil {
			return nil, err
		}
		p.Add(s)
		fig.AddKey(InterconnectName(ic), s)
	}
	fig.Panels = []*plot.Plot{p}
	return fig, nil
}

// CarriedPoints computes the points of [Carried]: sweep.Carried of the
// selected results at CarriedFraction.
func CarriedPoints(df dataframe.DataFrame, sel Select) ([]sweep.Carry, error) {
	all, err := table(df, "carried figure")
	if err != nil {
		return nil, err
	}
	return carriedPoints(all, sel)
}

// carriedPoints is [CarriedPoints] on rows converted once.
func carriedPoints(rows []row, sel Select) ([]sweep.Carry, error) {
	rows, err := selectRows(rows, sel, "carried")
	if err != nil {
		return nil, err
	}
	key := func(r row) string {
		return fmt.Sprintf("%s layer %s, crossbar %s, bus %s B, %s", r.model, r.layer, fmtNum(r.n("xbar_rows")),
			fmtNum(r.n("bus_bytes")), r.interconnect)
	}
	if err := unique(rows, "carried", key); err != nil {
		return nil, err
	}
	rs := make([]sim.Result, len(rows))
	for i, r := range rows {
		rs[i] = r.result()
	}
	return sweep.Carried(rs, compile.Scheme(rows[0].scheme), CarriedFraction), nil
}

// InterconnectName names an interconnect in figure keys and reports:
// "AXI4", "shared bus".
func InterconnectName(ic string) string {
	switch ic {
	case arch.AXI4:
		return "AXI4"
	case arch.Shared:
		return "shared bus"
	}
	return ic
}

// joinList writes "a", "a and b", "a, b and c".
func joinList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	out := xs[0]
	for _, x := range xs[1 : len(xs)-1] {
		out += ", " + x
	}
	return out + " and " + xs[len(xs)-1]
}

// result is the part of a row that sweep's summaries read.
func (r row) result() sim.Result {
	return sim.Result{Model: r.model, Layer: r.layer, Kind: r.kind, Scheme: r.scheme, Interconnect: r.interconnect,
		Fits: r.fits, XbarRows: int(r.n("xbar_rows")), BusBytes: int(r.n("bus_bytes")), PV: int(r.n("pv")),
		Cores: int(r.n("cores")), Efficiency: r.n("efficiency")}
}
