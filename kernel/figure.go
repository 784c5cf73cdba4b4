package kernel

import (
	"bytes"
	"fmt"

	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/plots"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The default figure size: 16 cm x 10 cm, a column-wide figure in a paper.
const (
	DefaultWidth  = 16 * vg.Centimeter
	DefaultHeight = 10 * vg.Centimeter
)

// PlotSVG draws p as an SVG image of w x h (DefaultWidth x DefaultHeight when
// either is zero or less).
func PlotSVG(p *plot.Plot, w, h vg.Length) (SVG, error) {
	b, err := render(p, w, h, "svg")
	return SVG(b), err
}

// PlotPNG draws p as a PNG image of w x h (defaults as PlotSVG) at 96 dpi.
func PlotPNG(p *plot.Plot, w, h vg.Length) (PNG, error) {
	b, err := render(p, w, h, "png")
	return PNG(b), err
}

// maxSide is the largest figure side render accepts (so that a typo cannot
// ask for a gigapixel PNG).
const maxSide = 200 * vg.Centimeter

func render(p *plot.Plot, w, h vg.Length, format string) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("kernel: nil *plot.Plot")
	}
	if w <= 0 || h <= 0 {
		w, h = DefaultWidth, DefaultHeight
	}
	if w > maxSide || h > maxSide {
		return nil, fmt.Errorf("kernel: figure %v x %v is larger than 2 m", w, h)
	}
	wt, err := p.WriterTo(w, h, format)
	if err != nil {
		return nil, fmt.Errorf("kernel: drawing %s: %w", format, err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("kernel: writing %s: %w", format, err)
	}
	return buf.Bytes(), nil
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

// encodeFigure draws f with its own Draw and Height, so that it needs
// nothing of package plots but the figure itself.
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
	var c vg.CanvasWriterTo
	if format == plots.PNG {
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(width, h), vgimg.UseDPI(FigureDPI))}
	} else {
		c = vgsvg.New(width, h)
	}
	f.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
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
