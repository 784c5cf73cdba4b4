package plots

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// glyphs gives each series a distinct marker shape as well as a colour, so
// that figures still read in black and white; filled shapes come first as
// they stay visible when small.
var glyphs = []draw.GlyphDrawer{
	draw.CircleGlyph{}, draw.PyramidGlyph{}, draw.BoxGlyph{},
	draw.RingGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{}, draw.CrossGlyph{},
}

func seriesGlyph(i int) draw.GlyphStyle {
	return draw.GlyphStyle{Color: seriesColor(i), Radius: 2.2, Shape: glyphs[i%len(glyphs)]}
}

var grey = color.Gray{Y: 0x80}

// newPanel returns an empty plot with the given title and axis labels.
func newPanel(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	g := lightGrid()
	g.Vertical = g.Horizontal
	p.Add(g)
	p.X.Padding, p.Y.Padding = 0, 0
	p.X.Tick.Marker = plainTicks{}
	p.Y.Tick.Marker = plainTicks{}
	return p
}

// lightGrid returns a horizontal-only grid in light grey.
func lightGrid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Width = 0
	g.Horizontal.Color = color.Gray{Y: 0xdd}
	g.Horizontal.Width = 0.5
	return g
}

// newCategoryPanel returns a plot whose x axis names the layers, rotated.
func newCategoryPanel(title, ylabel string, layers []string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = ylabel
	p.Add(lightGrid())
	labels := make([]string, len(layers))
	for i, l := range layers {
		labels[i] = shortLayer(l)
	}
	p.NominalX(labels...)
	p.X.Tick.Label.Rotation = math.Pi / 2
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	p.X.Min, p.X.Max = -0.7, float64(len(layers))-0.3
	p.Y.Padding = 0
	p.Y.Tick.Marker = plainTicks{}
	return p
}

// shortLayer abbreviates torchvision and Keras layer names for tick labels:
// "layer2.0.downsample.0" becomes "L2.0.ds", "conv_pw_13" becomes "pw13".
func shortLayer(name string) string {
	r := strings.NewReplacer("layer", "L", ".downsample.0", ".ds", ".conv", ".c",
		"conv_pw_", "pw", "conv_dw_", "dw", "conv_preds", "preds")
	return r.Replace(name)
}

// pow2Ticks marks every power of two on a log axis.
type pow2Ticks struct{}

// Ticks returns a labelled tick at each power of two in [min, max].
func (pow2Ticks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max >= min) {
		return nil
	}
	var ticks []plot.Tick
	lo := math.Floor(math.Log2(min))
	hi := math.Ceil(math.Log2(max))
	step := math.Max(1, math.Ceil((hi-lo)/5))
	for e := lo; e <= hi; e++ {
		v := math.Exp2(e)
		if v < min*(1-1e-9) || v > max*(1+1e-9) {
			continue
		}
		t := plot.Tick{Value: v}
		if math.Mod(e-lo, step) == 0 {
			t.Label = fmtNum(v)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// log2Axis makes ax a log axis with power-of-two ticks covering [lo, hi].
func log2Axis(ax *plot.Axis, lo, hi float64) {
	ax.Scale = plot.LogScale{}
	ax.Tick.Marker = pow2Ticks{}
	ax.Min = math.Exp2(math.Floor(math.Log2(lo)))
	ax.Max = math.Exp2(math.Ceil(math.Log2(hi)))
	if ax.Max <= ax.Min {
		ax.Max = ax.Min * 2
	}
}

// logAxis makes ax a decimal log axis covering [lo, hi].
func logAxis(ax *plot.Axis, lo, hi float64) {
	ax.Scale = plot.LogScale{}
	ax.Tick.Marker = siLogTicks{}
	ax.Min = math.Pow(10, math.Floor(math.Log10(lo)))
	ax.Max = math.Pow(10, math.Ceil(math.Log10(hi)))
	if ax.Max <= ax.Min {
		ax.Max = ax.Min * 10
	}
}

// dashGlyph is a short horizontal bar: the mark of a limit.
type dashGlyph struct{}

// DrawGlyph draws a horizontal line of length 4 radii centred on pt.
func (dashGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineWidth(1.2)
	c.SetColor(sty.Color)
	var p vg.Path
	p.Move(vg.Point{X: pt.X - 2*sty.Radius, Y: pt.Y})
	p.Line(vg.Point{X: pt.X + 2*sty.Radius, Y: pt.Y})
	c.Stroke(p)
}

// hline returns a dashed horizontal reference line at y over [x0, x1].
func hline(y, x0, x1 float64, clr color.Color) (*plotter.Line, error) {
	l, err := plotter.NewLine(plotter.XYs{{X: x0, Y: y}, {X: x1, Y: y}})
	if err != nil {
		return nil, err
	}
	l.Color = clr
	l.Width = 0.8
	l.Dashes = []vg.Length{3, 2}
	return l, nil
}

// scatter returns markers at xys in the style of series i.
func scatter(xys plotter.XYs, i int) (*plotter.Scatter, error) {
	s, err := plotter.NewScatter(xys)
	if err != nil {
		return nil, err
	}
	s.GlyphStyle = seriesGlyph(i)
	return s, nil
}

// bound tracks the positive range of plotted values.
type bound struct{ lo, hi float64 }

func newBound() bound { return bound{math.Inf(1), math.Inf(-1)} }

func (b *bound) add(v float64) {
	if v > 0 && !math.IsInf(v, 0) && !math.IsNaN(v) {
		b.lo = math.Min(b.lo, v)
		b.hi = math.Max(b.hi, v)
	}
}

func (b bound) ok() bool { return b.lo <= b.hi }

// plainTicks are gonum's default ticks labelled without trailing zeros.
type plainTicks struct{}

// Ticks returns the default ticks over [min, max] with short labels.
func (plainTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = shortNum(ticks[i].Value)
		}
	}
	return ticks
}

// siLogTicks marks each power of ten on a log axis, labelled 1, 10, 100,
// 1k, 10k, ..., with minor ticks at 2..9 times each.
type siLogTicks struct{}

// Ticks returns the ticks over [min, max] (min > 0).
func (siLogTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max >= min) {
		return nil
	}
	var ticks []plot.Tick
	lo, hi := math.Floor(math.Log10(min)), math.Ceil(math.Log10(max))
	minors := 9
	if hi-lo > 3 {
		minors = 1 // many decades: minor ticks would crowd
	}
	for e := lo; e <= hi; e++ {
		v := math.Pow(10, e)
		for k := 1; k <= minors; k++ {
			t := plot.Tick{Value: v * float64(k)}
			if t.Value < min*(1-1e-9) || t.Value > max*(1+1e-9) {
				continue
			}
			if k == 1 {
				t.Label = siLabel(v)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// siUnits are the SI suffixes of large numbers, largest first.
var siUnits = []struct {
	f float64
	s string
}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}}

// siLabel writes a power of ten with an SI suffix: 1k, 10M, 0.01.
func siLabel(v float64) string {
	for _, u := range siUnits {
		if v >= u.f {
			return strconv.FormatFloat(v/u.f, 'f', -1, 64) + u.s
		}
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// shortNum writes a tick value briefly: 5000, 15k, 2.5M.
func shortNum(v float64) string {
	// Ticks are multiples of a step: 6 x 0.2 is 1.2000000000000002, 1.2 here.
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	switch a := math.Abs(v); {
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
