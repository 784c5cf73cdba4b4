package plots

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// This file lends the style of cimkit's figures to figures made elsewhere
// (a notebook's own plot): the same panel, series colours and markers, and
// the same fonts once the panel is drawn in a Figure.

// NewPanel returns an empty panel in the style of cimkit's figures: the
// title and axis labels given, a light horizontal grid, ticks labelled
// without trailing zeros. Its fonts (Liberation Sans, sized for the width
// drawn at) are set when it is drawn inside a [Figure]; [Single] makes one
// of a lone panel, and the kernel package's ShowPlot does so in notebooks.
func NewPanel(title, xlabel, ylabel string) *plot.Plot {
	return newPanel(title, xlabel, ylabel)
}

// Single returns a figure of the one panel p, drawn height = aspect x width
// (0.62 when aspect is not positive), in the style of cimkit's figures.
func Single(name string, p *plot.Plot, aspect float64) *Figure {
	return &Figure{Name: name, Panels: []*plot.Plot{p}, Columns: 1, Aspect: aspect}
}

// SeriesColor returns the colour of the i-th series (i from 0) of a figure:
// the Okabe-Ito palette from orange on, never black (kept for reference
// marks), yellow last; it repeats after seven series.
func SeriesColor(i int) color.Color { return seriesColor(i) }

// SeriesGlyph returns the marker of the i-th series: [SeriesColor] and a
// shape of its own, so that series still read in black and white.
func SeriesGlyph(i int) draw.GlyphStyle { return seriesGlyph(i) }

// Log2Axis makes ax a log axis with a tick at every power of two, from the
// power of two at or below lo to the one at or above hi.
func Log2Axis(ax *plot.Axis, lo, hi float64) { log2Axis(ax, lo, hi) }

// Series is a line through points with markers, in the style of the i-th
// series of cimkit's figures (as the lines of [Efficiency]). It is a
// plot.Plotter (with DataRange and GlyphBoxes) and a plot.Thumbnailer: add
// it to a panel with p.Add(s) and to a figure's key with fig.AddKey(label, s).
type Series struct {
	Line   *plotter.Line
	Points *plotter.Scatter
}

// NewSeries returns the series of points xys in the style of series i.
func NewSeries(xys plotter.XYer, i int) (*Series, error) {
	l, s, err := plotter.NewLinePoints(xys)
	if err != nil {
		return nil, err
	}
	l.Color, l.Width = seriesColor(i), 1.2
	s.GlyphStyle = seriesGlyph(i)
	return &Series{Line: l, Points: s}, nil
}

// Dashed draws the line dashed (a reference or a baseline), keeping its
// markers; it returns s.
func (s *Series) Dashed() *Series {
	s.Line.Dashes = []vg.Length{4, 3}
	return s
}

// Plot draws the line, then the markers.
func (s *Series) Plot(c draw.Canvas, p *plot.Plot) {
	s.Line.Plot(c, p)
	s.Points.Plot(c, p)
}

// DataRange returns the range of the points.
func (s *Series) DataRange() (xmin, xmax, ymin, ymax float64) {
	return plotter.XYRange(s.Points)
}

// GlyphBoxes returns the markers' boxes, so that the panel leaves room for
// the markers at its edges.
func (s *Series) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	return s.Points.GlyphBoxes(p)
}

// Thumbnail draws the key entry: a stretch of the line with a marker.
func (s *Series) Thumbnail(c *draw.Canvas) {
	lineGlyphThumb{s.Line.LineStyle, s.Points.GlyphStyle}.Thumbnail(c)
}

// Color returns the colour of the kind in timelines, so that other figures
// (a notebook's split of each core's time, say) give the same activity the
// same colour. An unknown kind is grey.
func (k SpanKind) Color() color.Color {
	if k < 0 || int(k) >= len(spanColors) {
		return grey
	}
	return OkabeIto[spanColors[k]]
}
