package plots

import (
	"fmt"

	"github.com/go-gota/gota/dataframe"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// memSeries is one memory quantity of the memory figure.
type memSeries struct {
	col, label string
	scale      float64 // divides the column value
}

var (
	sharedMem = []memSeries{
		{"ifm_bytes", "IFM", 1024}, {"ofm_bytes", "OFM", 1024}, {"psum_bytes", "partial sums", 1024},
	}
	syncMem = []memSeries{
		{"sync_mem_bytes", "sequence registers (4 B per core)", 1},
		{"puma_attr_bytes", "PUMA-style attribute buffer", 1},
	}
)

// Memory draws, for one model and crossbar size, the memory of each layer
// on log axes: the shared IFM, OFM and partial-sum regions (kB) in the top
// panel; the synchronisation memory of the sequence-register scheme next
// to a PUMA-style attribute buffer for the same data (bytes) in the bottom
// panel; layers that do not fit the budget are shown too. sel must leave
// one result per layer (pin crossbar, scheme, bus and core budget).
func Memory(df dataframe.DataFrame, sel Select) (*Figure, error) {
	all, err := table(df, "memory figure")
	if err != nil {
		return nil, err
	}
	return memoryFigure(all, sel)
}

// memoryFigure is [Memory] on rows converted once.
func memoryFigure(all []row, sel Select) (*Figure, error) {
	rows, err := selectRows(all, sel, "memory")
	if err != nil {
		return nil, err
	}
	key := func(r row) string { return fmt.Sprintf("%s layer %s", r.model, r.layer) }
	if err := unique(rows, "memory", key); err != nil {
		return nil, err
	}
	layers := layerOrder(rows)
	x := fmtNum(rows[0].n("xbar_rows"))
	fig := &Figure{Name: fmt.Sprintf("memory_%s_%s", rows[0].model, x), Columns: 1, Aspect: 0.5,
		Caption: fmt.Sprintf("Memory per layer of %s on %sx%s crossbars: shared IFM/OFM/partial sums, "+
			"and synchronisation memory next to a PUMA-style attribute buffer (%s).", rows[0].model, x, x, sel)}
	top, err := memPanel(fig, rows, layers, sharedMem, 0, "shared memory (kB)")
	if err != nil {
		return nil, err
	}
	bottom, err := memPanel(fig, rows, layers, syncMem, len(sharedMem), "sync memory (bytes)")
	if err != nil {
		return nil, err
	}
	hideTickLabels(&top.X)
	fig.Panels = []*plot.Plot{top, bottom}
	return fig, nil
}

// memPanel draws one panel of the memory figure; series colours start at
// colour index first.
func memPanel(fig *Figure, rows []row, layers []string, ms []memSeries, first int, ylabel string) (*plot.Plot, error) {
	p := newCategoryPanel("", ylabel, layers)
	idx := layerIndex(layers)
	b := newBound()
	for k, m := range ms {
		var xys plotter.XYs
		off := (float64(k) - float64(len(ms)-1)/2) * 0.22
		for _, r := range rows {
			if v := r.n(m.col) / m.scale; v > 0 {
				xys = append(xys, plotter.XY{X: float64(idx[r.layer]) + off, Y: v})
				b.add(v)
			}
		}
		if len(xys) > 0 {
			s, err := scatter(xys, first+k)
			if err != nil {
				return nil, fmt.Errorf("memory figure: %v", err)
			}
			p.Add(s)
		}
		fig.AddKey(m.label, glyphThumb{seriesGlyph(first + k)})
	}
	if !b.ok() {
		b = bound{1, 10}
	}
	logAxis(&p.Y, b.lo, b.hi)
	return p, nil
}
