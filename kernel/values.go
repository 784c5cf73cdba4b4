package kernel

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
)

// HTML is a piece of HTML to show in a notebook.
type HTML string

// HTML returns h (the gophernotes rich-display convention).
func (h HTML) HTML() string { return string(h) }

// SVG is an SVG image, the document text.
type SVG string

// SVG returns s (the gophernotes rich-display convention).
func (s SVG) SVG() string { return string(s) }

// PNG is a PNG image, the encoded file bytes.
type PNG []byte

// PNG returns p (the gophernotes rich-display convention).
func (p PNG) PNG() []byte { return p }

// Grid is a table of text cells with a header row. It renders as an HTML
// table (HTML) and as aligned plain text (String). Cells that read as numbers
// are right-aligned in HTML.
type Grid struct {
	Header []string
	Rows   [][]string
	// Note is shown under the table (e.g. "… 40 more rows"); empty for none.
	Note string
	// Total is the number of rows in all when Rows holds only the first of
	// them (Frame and Records stop at MaxRows); 0 means len(Rows). The HTML
	// table carries it as data-rows, which kernel/nbcheck reads.
	Total int
}

// Table makes a Grid from a header and rows of cells. Rows shorter than the
// header are padded with empty cells, longer ones are kept whole.
func Table(header []string, rows [][]string) *Grid {
	return &Grid{Header: header, Rows: rows}
}

// HTML renders the grid as an HTML table with escaped cells.
func (g *Grid) HTML() string {
	var b strings.Builder
	total := g.Total
	if total == 0 {
		total = len(g.Rows)
	}
	fmt.Fprintf(&b, `<table class="cimkit" data-rows="%d">`+"\n<thead><tr>", total)
	for _, h := range g.Header {
		b.WriteString("<th>" + html.EscapeString(h) + "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, row := range g.Rows {
		b.WriteString("<tr>")
		for i := 0; i < max(len(row), len(g.Header)); i++ {
			cell := ""
			if i < len(row) {
				cell = row[i]
			}
			if isNumber(cell) {
				b.WriteString(`<td style="text-align:right">`)
			} else {
				b.WriteString(`<td style="text-align:left">`)
			}
			b.WriteString(html.EscapeString(cell) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	if g.Note != "" {
		b.WriteString("<p><em>" + html.EscapeString(g.Note) + "</em></p>\n")
	}
	return b.String()
}

// String renders the grid as plain text with aligned columns.
func (g *Grid) String() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(g.Header, "\t"))
	for _, row := range g.Rows {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	if g.Note != "" {
		b.WriteString(g.Note + "\n")
	}
	return b.String()
}

// isNumber reports whether s reads as a number (for alignment).
func isNumber(s string) bool {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// FormatFloat writes x for a table: integers without decimals, other values
// with 4 significant digits (0.9951, 12.35, 1234.6 as 1235), NaN and
// infinities as Go prints them, and magnitudes of 1e9 or more or below 1e-3
// in exponent form.
func FormatFloat(x float64) string {
	a := math.Abs(x)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return strconv.FormatFloat(x, 'g', -1, 64)
	case x == math.Trunc(x) && a < 1e15:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case a >= 1e9 || a < 1e-3:
		return strconv.FormatFloat(x, 'e', 3, 64)
	case a >= 1000:
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	digits := 3 - int(math.Floor(math.Log10(a)))
	return strconv.FormatFloat(x, 'f', digits, 64)
}
