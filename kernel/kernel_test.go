package kernel

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/plots"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

func TestGridHTML(t *testing.T) {
	g := Table([]string{"layer", "speedup"}, [][]string{{"conv<1>", "3.98"}, {"fc"}})
	want := `<table class="cimkit" data-rows="2">
<thead><tr><th>layer</th><th>speedup</th></tr></thead>
<tbody>
<tr><td style="text-align:left">conv&lt;1&gt;</td><td style="text-align:right">3.98</td></tr>
<tr><td style="text-align:left">fc</td><td style="text-align:left"></td></tr>
</tbody>
</table>
`
	if got := g.HTML(); got != want {
		t.Errorf("HTML:\n%s\nwant:\n%s", got, want)
	}
	if got, want := g.String(), "layer    speedup\nconv<1>  3.98\nfc\n"; got != want {
		t.Errorf("String: %q, want %q", got, want)
	}
}

func TestFormatFloat(t *testing.T) {
	cases := map[float64]string{
		0: "0", 3: "3", -42: "-42", 0.99512: "0.9951", 12.346: "12.35", 1234.6: "1235",
		0.5: "0.5000", 2.5e9: "2500000000", 2.5e9 + 0.5: "2.500e+09", 0.0001234: "1.234e-04", 1e20: "1.000e+20",
	}
	for x, want := range cases {
		if got := FormatFloat(x); got != want {
			t.Errorf("FormatFloat(%v) = %q, want %q", x, got, want)
		}
	}
}

type inner struct {
	Cores int
}

type row struct {
	Layer string
	inner
	Speedup float64 `table:"speedup ×"`
	Secret  string  `table:"-"`
	hidden  int
	Ptr     *int
}

func TestRecords(t *testing.T) {
	g, err := Records([]row{{Layer: "conv1", inner: inner{4}, Speedup: 3.9876, Secret: "x"}, {Layer: "fc"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(g.Header, "|"), "Layer|Cores|speedup ×|Ptr"; got != want {
		t.Errorf("header %q, want %q", got, want)
	}
	if got, want := strings.Join(g.Rows[0], "|"), "conv1|4|3.988|"; got != want {
		t.Errorf("row 0 %q, want %q", got, want)
	}
	one, err := Records(&row{Layer: "single"})
	if err != nil || len(one.Rows) != 1 || one.Rows[0][0] != "single" {
		t.Errorf("Records(&struct) = %v, %v", one, err)
	}
	for _, bad := range []any{3, []int{1}, "s", map[string]int{}} {
		if _, err := Records(bad); err == nil || !strings.Contains(err.Error(), "not a slice of structs") {
			t.Errorf("Records(%T): err = %v", bad, err)
		}
	}
}

func TestRecordsMaxRows(t *testing.T) {
	defer func(m int) { MaxRows = m }(MaxRows)
	MaxRows = 2
	g, err := Records(make([]inner, 5))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Rows) != 2 || g.Note != "… 3 more rows (5 in all; kernel.MaxRows = 2)" {
		t.Errorf("rows %d, note %q", len(g.Rows), g.Note)
	}
	// The HTML says how many rows there are in all, for kernel/nbcheck.
	if h := g.HTML(); !strings.Contains(h, `<table class="cimkit" data-rows="5">`) {
		t.Errorf("HTML does not count the hidden rows:\n%s", h)
	}
}

func TestFrame(t *testing.T) {
	df := dataframe.New(
		series.New([]string{"a", "b"}, series.String, "name"),
		series.New([]float64{0.12345, 2}, series.Float, "x"),
		series.New([]int{7, 8}, series.Int, "n"),
	)
	g, err := Frame(df)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := g.String(), "name  x       n\na     0.1235  7\nb     2       8\n"; got != want {
		t.Errorf("Frame: %q, want %q", got, want)
	}
	bad := dataframe.New(series.Ints([]int{1}), series.Ints([]int{1, 2}))
	if _, err := Frame(bad); err == nil {
		t.Error("Frame of a DataFrame with an error: no error")
	}
}

func testPlot(t *testing.T) *plot.Plot {
	p := plot.New()
	p.Title.Text = "speedup"
	l, err := plotter.NewLine(plotter.XYs{{X: 1, Y: 1}, {X: 2, Y: 4}})
	if err != nil {
		t.Fatal(err)
	}
	p.Add(l)
	return p
}

func TestFigures(t *testing.T) {
	p := testPlot(t)
	s, err := PlotSVG(p, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// 16 cm x 10 cm is 453.54 x 283.46 pt.
	if !strings.Contains(s.SVG(), "<svg") || !strings.Contains(s.SVG(), `width="453.54pt" height="283.46pt"`) || !strings.Contains(s.SVG(), ">speedup<") {
		t.Errorf("SVG head: %.300s", s)
	}
	// A notebook's own plot (plot.New: gonum/plot's serif fonts) is drawn
	// in the style of cimkit's figures: sans-serif, with fallbacks for
	// browsers that lack Liberation Sans; so are cimkit's figures.
	fig, err := FigureSVG(plots.Single("x", testPlot(t), 0.5), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, svg := range []string{s.SVG(), fig.SVG()} {
		if strings.Contains(svg, "Serif") || !strings.Contains(svg, "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;") {
			t.Errorf("SVG fonts: %q", regexp.MustCompile(`font-family:[^;]*;`).FindAllString(svg, 3))
		}
	}
	png, err := PlotPNG(p, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png.PNG(), []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("PNG magic missing: % x", png[:8])
	}
	if _, err := PlotSVG(nil, 0, 0); err == nil {
		t.Error("PlotSVG(nil): no error")
	}
	if _, err := PlotPNG(p, 300*DefaultWidth, 1); err == nil || !strings.Contains(err.Error(), "larger than 2 m") {
		t.Errorf("huge PNG: err = %v", err)
	}
}

// capture replaces the sink for one test.
func capture(t *testing.T) *[]Bundle {
	var got []Bundle
	old := sink
	sink = func(b Bundle) { got = append(got, b) }
	t.Cleanup(func() { sink = old })
	return &got
}

func TestShow(t *testing.T) {
	got := capture(t)
	df := dataframe.New(series.Ints([]int{1}))
	inputs := []any{
		[]inner{{1}}, &inner{2}, df, &df, testPlot(t), HTML("<b>x</b>"), SVG("<svg/>"),
		PNG("\x89PNG"), errors.New("boom <1>"), 42,
	}
	want := []string{
		"text/html,text/plain", "text/html,text/plain", "text/html,text/plain", "text/html,text/plain",
		"image/svg+xml,text/plain", "text/html,text/plain", "image/svg+xml,text/plain",
		"image/png,text/plain", "text/html,text/plain", "text/plain",
	}
	for i, v := range inputs {
		if err := Show(v); err != nil {
			t.Errorf("Show(%T): %v", v, err)
		}
		if k := keys((*got)[i]); k != want[i] {
			t.Errorf("Show(%T): MIME types %s, want %s", v, k, want[i])
		}
	}
	if h := (*got)[0]["text/html"].(string); !strings.Contains(h, "<th>Cores</th>") {
		t.Errorf("records HTML: %s", h)
	}
	if h := (*got)[8]["text/html"].(string); h != `<pre style="color:#b00">boom &lt;1&gt;</pre>` {
		t.Errorf("error HTML: %s", h)
	}
	if s := (*got)[9]["text/plain"]; s != "42\n" {
		t.Errorf("plain: %q", s)
	}
}

func TestShowErrors(t *testing.T) {
	got := capture(t)
	if err := Show(nil); err == nil {
		t.Error("Show(nil): no error")
	}
	if err := ShowPlot(nil, 0, 0, true); err == nil {
		t.Error("ShowPlot(nil): no error")
	}
	if len(*got) != 2 || !strings.Contains((*got)[0]["text/html"].(string), "nil value") {
		t.Errorf("errors shown: %v", *got)
	}
}

func TestShowOutsideNotebook(t *testing.T) {
	var buf bytes.Buffer
	old := Stdout
	Stdout = &buf
	defer func() { Stdout = old }()
	if err := ShowTable([]string{"a", "b"}, [][]string{{"1", "2"}}); err != nil {
		t.Fatal(err)
	}
	if err := ShowPlot(testPlot(t), 0, 0, true); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "a  b\n1  2\n<figure: PNG, ") {
		t.Errorf("plain output: %q", out)
	}
}

func TestMust(t *testing.T) {
	Must(nil)
	defer func() {
		if r := recover(); r == nil {
			t.Error("Must(err) did not panic")
		}
	}()
	Must(errors.New("x"))
}

func keys(b Bundle) string {
	var k []string
	for _, m := range []string{"text/html", "image/svg+xml", "image/png", "text/plain"} {
		if _, ok := b[m]; ok {
			k = append(k, m)
		}
	}
	return strings.Join(k, ",")
}
