package kernel

import (
	"bytes"
	"fmt"

	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/plots"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// The default figure size: 16 cm x 10 cm, a column-wide figure in a paper.
const (
	DefaultWidth  = 16 * vg.Centimeter
	DefaultHeight = 10 * vg.Centimeter
)

// PlotSVG draws p as an SVG image of w x h (DefaultWidth x DefaultHeight when
// either is zero or less), in the style of cimkit's figures: p is drawn as
// the one panel of a plots.Figure (plots.Single), so its fonts are package
// plots' sans-serif ones, not gonum/plot's serif default.
func PlotSVG(p *plot.Plot, w, h vg.Length) (SVG, error) {
	b, err := render(p, w, h, plots.SVG)
	return SVG(b), err
}

// PlotPNG draws p as a PNG image of w x h (defaults and style as PlotSVG) at
// FigureDPI dots per inch.
func PlotPNG(p *plot.Plot, w, h vg.Length) (PNG, error) {
	b, err := render(p, w, h, plots.PNG)
	return PNG(b), err
}

// maxSide is the largest figure side render accepts (so that a typo cannot
// ask for a gigapixel PNG).
const maxSide = 200 * vg.Centimeter

func render(p *plot.Plot, w, h vg.Length, format plots.Format) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("kernel: nil *plot.Plot")
	}
	if w <= 0 || h <= 0 {
		w, h = DefaultWidth, DefaultHeight
	}
	if w > maxSide || h > maxSide {
		return nil, fmt.Errorf("kernel: figure %v x %v is larger than 2 m", w, h)
	}
	return encodeFigure(plots.Single("plot", p, float64(h/w)), w, format)
}

// FigureSVG draws a cimkit figure (package plots) as SVG at the given width
// (plots.TwoColumn's width when zero or less); its height follows from the
// figure's aspect ratio.
func FigureSVG(f *plots.Figure, width vg.Length) (SVG, error) {
	b, err := encodeFigure(f, width, plots.SVG)
	return SVG(b), err
}

// FigurePNG draws a cimkit figure as PNG at the given width (as FigureSVG),
// at FigureDPI dots per inch.
func FigurePNG(f *plots.Figure, width vg.Length) (PNG, error) {
	b, err := encodeFigure(f, width, plots.PNG)
	return PNG(b), err
}

// FigureDPI is the resolution of FigurePNG: sharp on high-density screens,
// small enough for a notebook.
const FigureDPI = 192

// encodeFigure draws f with its own methods (WriteSVG, WriteCanvas), so
// that every figure a notebook shows is drawn as package plots draws it.
func encodeFigure(f *plots.Figure, width vg.Length, format plots.Format) (out []byte, err error) {
	if f == nil {
		return nil, fmt.Errorf("kernel: nil *plots.Figure")
	}
	if width <= 0 {
		width = plots.TwoColumn.Width
	}
	if width > maxSide {
		return nil, fmt.Errorf("kernel: figure %q width %v is larger than 2 m", f.Name, width)
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("kernel: figure %q cannot be drawn: %v", f.Name, r)
		}
	}()
	h := f.Height(width)
	if h <= 0 || h > maxSide {
		return nil, fmt.Errorf("kernel: figure %q height %v at width %v is out of range", f.Name, h, width)
	}
	var buf bytes.Buffer
	if format == plots.PNG {
		err = f.WriteCanvas(&buf, width, func(w, h vg.Length) vg.CanvasWriterTo {
			return vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(FigureDPI))}
		})
	} else {
		// WriteSVG names fallback fonts: a browser without Liberation Sans
		// would otherwise draw its default serif font.
		err = f.WriteSVG(&buf, width)
	}
	if err != nil {
		return nil, fmt.Errorf("kernel: figure %q as %s: %w", f.Name, format, err)
	}
	return buf.Bytes(), nil
}

// Timeline draws the per-core timeline of a traced simulation
// (plots.FromSim and plots.Timeline in one call).
func Timeline(t *sim.Timing, opt plots.TimelineOptions) (*plots.Figure, error) {
	if t == nil || len(t.Trace) == 0 {
		return nil, fmt.Errorf("kernel.Timeline: no trace (simulate with sim.Options{Trace: true})")
	}
	return plots.Timeline(plots.FromSim(t.Trace), opt)
}
