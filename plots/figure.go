package plots

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"

	"github.com/cimkit/cimkit/internal/safename"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Format is an output file format of a figure. [Figure.WriteSVG] writes
// SVG; package plots/export encodes and saves every format.
type Format string

// The output formats.
const (
	PNG Format = "png" // raster, at 300 dots per inch
	SVG Format = "svg" // vector, for the web
	PDF Format = "pdf" // vector, fonts embedded, for LaTeX
	EPS Format = "eps" // vector, for older LaTeX tool chains
)

// Formats returns every output format, in a fixed order.
func Formats() []Format { return []Format{PNG, SVG, PDF, EPS} }

// ParseFormats parses a comma-separated list of formats such as
// "svg,pdf". Case and spaces are ignored; duplicates are dropped.
func ParseFormats(s string) ([]Format, error) {
	var out []Format
	seen := map[Format]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		if !validFormat(Format(f)) {
			return nil, fmt.Errorf("unknown figure format %q (accepted: png, svg, pdf, eps)", f)
		}
		if !seen[Format(f)] {
			seen[Format(f)] = true
			out = append(out, Format(f))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no figure format in %q (accepted: png, svg, pdf, eps)", s)
	}
	return out, nil
}

func validFormat(f Format) bool {
	for _, g := range Formats() {
		if f == g {
			return true
		}
	}
	return false
}

// Size is a figure width used in papers.
type Size struct {
	Name  string    // used in file names: "1col" or "2col"
	Width vg.Length // figure width
}

// The two usual paper widths.
var (
	OneColumn = Size{Name: "1col", Width: 3.5 * vg.Inch}
	TwoColumn = Size{Name: "2col", Width: 7 * vg.Inch}
)

// Sizes returns the one-column and two-column sizes.
func Sizes() []Size { return []Size{OneColumn, TwoColumn} }

// Figure is one figure: panels laid out on a grid, with a key of series
// shared by all panels drawn above them.
type Figure struct {
	// Name is the base of the file names, e.g. "speedup_resnet18".
	Name string
	// Caption says what the figure shows, for reports.
	Caption string
	// Title, when set, names the figure and the configuration it was drawn
	// from inside the file: an SVG's <title> (what a browser shows over it
	// and a screen reader reads), so that a saved figure says what it is.
	Title string
	// Panels are the plots, row by row.
	Panels []*plot.Plot
	// Columns is the number of panels per row (at least 1).
	Columns int
	// Aspect is the height of one panel divided by its width.
	Aspect float64

	key []keyEntry
}

type keyEntry struct {
	label string
	thumb plot.Thumbnailer
}

// AddKey adds an entry to the figure's shared key.
func (f *Figure) AddKey(label string, thumb plot.Thumbnailer) {
	f.key = append(f.key, keyEntry{label, thumb})
}

// grid returns the number of rows and columns of panels.
func (f *Figure) grid() (rows, cols int) {
	cols = f.Columns
	if cols < 1 {
		cols = 1
	}
	if cols > len(f.Panels) && len(f.Panels) > 0 {
		cols = len(f.Panels)
	}
	return (len(f.Panels) + cols - 1) / cols, cols
}

// Height returns the figure's height when drawn at the given width.
func (f *Figure) Height(width vg.Length) vg.Length {
	rows, cols := f.grid()
	aspect := f.Aspect
	if aspect <= 0 {
		aspect = 0.62
	}
	h := width / vg.Length(cols) * vg.Length(aspect) * vg.Length(rows)
	return h + f.keyHeight(width)
}

// Draw draws the figure on c, with fonts sized for c's width.
func (f *Figure) Draw(c draw.Canvas) {
	width := c.Max.X - c.Min.X
	th := themeFor(width)
	for _, p := range f.Panels {
		th.apply(p)
	}
	kh := f.keyHeight(width)
	if kh > 0 {
		keyArea := c
		keyArea.Min.Y = c.Max.Y - kh
		f.drawKey(keyArea, th)
		c.Max.Y -= kh
	}
	rows, cols := f.grid()
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
		for j := range grid[i] {
			if k := i*cols + j; k < len(f.Panels) {
				grid[i][j] = f.Panels[k]
			}
		}
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: th.base, PadY: th.base / 2,
		PadTop: th.base / 4, PadRight: th.base / 2, PadLeft: th.base / 4, PadBottom: th.base / 4}
	canvases := plot.Align(grid, tiles, c)
	for i := range grid {
		for j, p := range grid[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
}

// WriteSVG writes the figure as SVG at the given width; its height follows
// from its aspect ratio ([Figure.Height]). This is the one format package
// plots encodes itself, so that programs which only need SVG (such as the
// browser playground) link no raster, PDF or EPS back end; package
// plots/export encodes every [Format].
func (f *Figure) WriteSVG(w io.Writer, width vg.Length) error {
	var buf bytes.Buffer
	err := f.WriteCanvas(&buf, width, func(w, h vg.Length) vg.CanvasWriterTo { return vgsvg.New(w, h) })
	if err != nil {
		return err
	}
	_, err = w.Write(withTitle(fixSVG(buf.Bytes()), f.Title))
	return err
}

// WriteCanvas draws the figure at the given width on the canvas that
// newCanvas makes for the figure's size (width x [Figure.Height]) and writes
// that canvas to w. It is the building block of every output format: a
// figure without panels or a width that is not positive is an error, and a
// panic inside the drawing library (e.g. a value it cannot place) is
// returned as an error.
func (f *Figure) WriteCanvas(w io.Writer, width vg.Length, newCanvas func(width, height vg.Length) vg.CanvasWriterTo) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("figure %s: cannot draw: %v", f.Name, r)
		}
	}()
	if len(f.Panels) == 0 {
		return fmt.Errorf("figure %s: no panels to draw", f.Name)
	}
	if width <= 0 {
		return fmt.Errorf("figure %s: width %v must be positive", f.Name, width)
	}
	cw := newCanvas(width, f.Height(width))
	f.Draw(draw.New(cw))
	_, err = cw.WriteTo(w)
	return err
}

// fixSVG patches gonum's SVG output, whose text names only Liberation Sans:
// fall back to the metric-compatible Arial and Helvetica where it is not
// installed.
func fixSVG(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("font-family:Liberation Sans;"),
		[]byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
}

// withTitle puts title into svg as its <title> element, right after the
// opening <svg> tag (svg unchanged when title is empty).
func withTitle(svg []byte, title string) []byte {
	i := bytes.Index(svg, []byte("<svg"))
	if title == "" || i < 0 {
		return svg
	}
	j := bytes.IndexByte(svg[i:], '>')
	if j < 0 {
		return svg
	}
	at := i + j + 1
	return slices.Concat(svg[:at], []byte("<title>"+html.EscapeString(title)+"</title>"), svg[at:])
}

// FileName returns the file name of the figure in format and size:
// name_size.format (as package plots/export saves it). A figure's name can
// come from data (speedup_MODEL, with the model read from a CSV), so
// name_size passes through [safename.Base]: a safe name is kept, any other
// becomes a safe base name that cannot leave the output folder.
func (f *Figure) FileName(format Format, size Size) string {
	return safename.Base(f.Name+"_"+size.Name) + "." + safename.Base(string(format))
}

// theme holds font sizes and line widths for one figure width.
type theme struct {
	base  vg.Length // axis label size
	title vg.Length
	tick  vg.Length
	line  vg.Length
}

// themeFor picks sizes that read well when the figure is printed at width:
// 8 pt labels and 7 pt ticks in one column, one point more in two columns.
func themeFor(width vg.Length) theme {
	t := theme{base: 8, title: 9, tick: 7, line: 1}
	if width >= 5*vg.Inch {
		t = theme{base: 9, title: 10, tick: 8, line: 1.2}
	}
	return t
}

var sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

func (t theme) style(size vg.Length) text.Style {
	return text.Style{Font: font.From(sansFont, size), Handler: plot.DefaultTextHandler}
}

// setFont sets s to the figures' sans-serif font at size.
func setFont(s *text.Style, size vg.Length) {
	s.Font = font.From(sansFont, size)
}

// apply sets the fonts of p for this theme.
func (t theme) apply(p *plot.Plot) {
	setFont(&p.Title.TextStyle, t.title)
	setFont(&p.X.Label.TextStyle, t.base)
	setFont(&p.Y.Label.TextStyle, t.base)
	setFont(&p.X.Tick.Label, t.tick)
	setFont(&p.Y.Tick.Label, t.tick)
	setFont(&p.Legend.TextStyle, t.tick)
	p.Title.Padding = t.base / 2
	p.X.Label.Padding = t.base / 4
	p.Y.Label.Padding = t.base / 4
}

// keyHeight returns the height of the key strip at width (0 without key).
func (f *Figure) keyHeight(width vg.Length) vg.Length {
	if len(f.key) == 0 {
		return 0
	}
	th := themeFor(width)
	lines := len(f.keyLines(width, th))
	return vg.Length(lines)*th.base*1.5 + th.base/2
}

// keyLines splits the key entries into lines that fit width.
func (f *Figure) keyLines(width vg.Length, th theme) [][]keyEntry {
	sty := th.style(th.tick)
	var lines [][]keyEntry
	var cur []keyEntry
	var used vg.Length
	for _, e := range f.key {
		w := keyEntryWidth(e, sty, th)
		if len(cur) > 0 && used+w > width {
			lines = append(lines, cur)
			cur, used = nil, 0
		}
		cur = append(cur, e)
		used += w
	}
	return append(lines, cur)
}

func keyEntryWidth(e keyEntry, sty text.Style, th theme) vg.Length {
	return th.base*2 + sty.Width(e.label) + th.base*1.5
}

// drawKey draws the key entries centred in c, line by line.
func (f *Figure) drawKey(c draw.Canvas, th theme) {
	sty := th.style(th.tick)
	sty.YAlign = draw.YCenter
	width := c.Max.X - c.Min.X
	y := c.Max.Y - th.base*0.75
	for _, line := range f.keyLines(width, th) {
		var total vg.Length
		for _, e := range line {
			total += keyEntryWidth(e, sty, th)
		}
		x := c.Min.X + (width-total)/2
		for _, e := range line {
			icon := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: y - th.base/2},
				Max: vg.Point{X: x + th.base*1.6, Y: y + th.base/2}}}
			e.thumb.Thumbnail(&icon)
			c.FillText(sty, vg.Point{X: x + th.base*2, Y: y}, e.label)
			x += keyEntryWidth(e, sty, th)
		}
		y -= th.base * 1.5
	}
}
