package kernel

import (
	"bytes"
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
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
