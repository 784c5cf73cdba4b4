package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// rect is an axis-aligned rectangle in data coordinates.
type rect struct{ x0, x1, y0, y1 float64 }

// rects is a plotter that fills rectangles given in data coordinates, so
// bars and timeline spans scale with the figure. It is also a key thumbnail.
type rects struct {
	rs    []rect
	color color.Color
}

// Plot fills each rectangle, clipped to the data area.
func (r *rects) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, q := range r.rs {
		x0, x1 := trX(q.x0), trX(q.x1)
		y0, y1 := trY(q.y0), trY(q.y1)
		if x1-x0 < 0.05 { // keep very short spans visible
			x1 = x0 + 0.05
		}
		pts := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
		c.FillPolygon(r.color, c.ClipPolygonXY(pts))
	}
}

// DataRange returns the bounding box of all rectangles.
func (r *rects) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, q := range r.rs {
		xmin, xmax = math.Min(xmin, q.x0), math.Max(xmax, q.x1)
		ymin, ymax = math.Min(ymin, q.y0), math.Max(ymax, q.y1)
	}
	return xmin, xmax, ymin, ymax
}

// Thumbnail fills a square in the middle of c.
func (r *rects) Thumbnail(c *draw.Canvas) {
	h := (c.Max.Y - c.Min.Y) * 0.8
	x := c.Center().X - h/2
	y := c.Center().Y - h/2
	pts := []vg.Point{{X: x, Y: y}, {X: x + h, Y: y}, {X: x + h, Y: y + h}, {X: x, Y: y + h}}
	c.FillPolygon(r.color, pts)
}
