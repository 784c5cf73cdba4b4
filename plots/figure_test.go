package plots

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-gota/gota/dataframe"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// testFigures builds every figure kind from synthetic results and a trace.
func testFigures(t *testing.T) []*Figure {
	t.Helper()
	df := fakeFrame()
	var figs []*Figure
	add := func(f *Figure, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		figs = append(figs, f)
	}
	add(Speedup(df, Select{Bus: 64}))
	add(Efficiency(df, Select{Scheme: "cyclic"}))
	add(Overhead(df, Select{Scheme: "cyclic", Bus: 64}))
	add(Memory(df, Select{Scheme: "cyclic", Bus: 64, Xbar: 32}))
	add(Timeline(fakeTrace(6, 8), TimelineOptions{Title: "conv1"}))
	add(BusUtilization(fakeTrace(6, 8), 40, "conv1"))
	return figs
}

var svgSize = regexp.MustCompile(`<svg width="([0-9.]+)pt" height="([0-9.]+)pt"`)

// TestEveryFigureSVG checks that each figure is written as SVG in each
// paper size, non-empty, with the requested dimensions and the font
// fallback. Package plots/export tests the other formats.
func TestEveryFigureSVG(t *testing.T) {
	for _, f := range testFigures(t) {
		for _, sz := range Sizes() {
			var buf bytes.Buffer
			if err := f.WriteSVG(&buf, sz.Width); err != nil {
				t.Fatalf("%s %s: %v", f.Name, sz.Name, err)
			}
			b := buf.Bytes()
			if len(b) < 1000 || !bytes.HasPrefix(b, []byte("<?xml")) {
				t.Errorf("%s %s: %d bytes starting %q", f.Name, sz.Name, len(b), b[:min(len(b), 24)])
			}
			if !bytes.Contains(b, []byte("'Liberation Sans',Arial")) {
				t.Errorf("%s %s: no font fallback", f.Name, sz.Name)
			}
			m := svgSize.FindStringSubmatch(string(b))
			if m == nil {
				t.Fatalf("%s %s: no size found in %.200q", f.Name, sz.Name, b)
			}
			w, _ := strconv.ParseFloat(m[1], 64)
			h, _ := strconv.ParseFloat(m[2], 64)
			if math.Abs(w-float64(sz.Width)) > 0.01 || math.Abs(h-float64(f.Height(sz.Width))) > 0.01 {
				t.Errorf("%s %s: size %.2fx%.2f pt, want %.2fx%.2f", f.Name, sz.Name,
					w, h, float64(sz.Width), float64(f.Height(sz.Width)))
			}
		}
	}
}

func TestSizes(t *testing.T) {
	if OneColumn.Width != 252 || TwoColumn.Width != 504 {
		t.Errorf("widths %v, %v pt; want 252 (3.5 in) and 504 (7 in)", OneColumn.Width, TwoColumn.Width)
	}
	f := &Figure{Name: "speedup_m"}
	if got := f.FileName(PDF, TwoColumn); got != "speedup_m_2col.pdf" {
		t.Errorf("FileName = %s, want speedup_m_2col.pdf", got)
	}
}

func TestParseFormats(t *testing.T) {
	got, err := ParseFormats(" SVG,pdf,svg ,png,eps")
	if err != nil || fmt.Sprint(got) != "[svg pdf png eps]" {
		t.Errorf("ParseFormats = %v, %v", got, err)
	}
	for _, bad := range []string{"gif", "svg,jpeg", "", ","} {
		if _, err := ParseFormats(bad); err == nil || !strings.Contains(err.Error(), "png, svg, pdf, eps") {
			t.Errorf("ParseFormats(%q): error %v, want one listing the formats", bad, err)
		}
	}
}

func TestWriteSVGErrors(t *testing.T) {
	f := testFigures(t)[0]
	var buf bytes.Buffer
	if err := f.WriteSVG(&buf, 0); err == nil || !strings.Contains(err.Error(), "width") {
		t.Errorf("zero width: %v", err)
	}
	if err := (&Figure{Name: "empty"}).WriteSVG(&buf, vg.Inch); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("no panels: %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written on error", buf.Len())
	}
}

func TestStandard(t *testing.T) {
	df := fakeFrame()
	c, err := Choose(df)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(c) != "{[resnet18] [shared] shared cyclic 64 1024 32}" {
		t.Errorf("Choose = %v", c)
	}
	figs, err := Standard(df)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range figs {
		names = append(names, f.Name)
	}
	// The energy figures take the smallest crossbar on which every layer
	// fits: on 32x32, layer4.0.conv2 needs 144 x 16 cores.
	if got := strings.Join(names, " "); got != "speedup_resnet18 overhead_resnet18 memory_resnet18_32 "+
		"energy_resnet18_64 sync_cost_resnet18_64 efficiency energy_inference" {
		t.Errorf("standard figures %s", got)
	}
}

func TestStandardSkipsEmptyFigures(t *testing.T) {
	// A budget of 1 core: only PV = PH = 1 layers fit, so no efficiency.
	recs := fakeRecords("m", fakeResNet, []int{128}, []int{8}, []string{"sequential", "cyclic"})
	for _, r := range recs[1:] {
		r[6] = "1"
		if r[11] != "1" {
			r[8] = "false"
		}
	}
	figs, err := Standard(dataframe.LoadRecords(recs))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range figs {
		if f.Name == "efficiency" {
			t.Error("efficiency figure without data")
		}
	}
	if _, err := Efficiency(dataframe.LoadRecords(recs), Select{Scheme: "cyclic"}); !errors.Is(err, ErrNoData) {
		t.Errorf("efficiency: %v, want ErrNoData", err)
	}
}

// TestStandardInterconnects: results of two interconnects get the figure
// that compares them, and the other figures show the first one (named in
// their captions).
func TestStandardInterconnects(t *testing.T) {
	figs, err := Standard(fakeInterconnects())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range figs {
		names = append(names, f.Name)
		if f.Name == "efficiency" && !strings.Contains(f.Caption, "interconnect=shared") {
			t.Errorf("efficiency caption does not name the interconnect: %s", f.Caption)
		}
	}
	if !slices.Contains(names, "carried") {
		t.Errorf("figures %v: no carried figure", names)
	}
	if figs, err := Standard(fakeFrame()); err != nil || slices.ContainsFunc(figs, func(f *Figure) bool { return f.Name == "carried" }) {
		t.Errorf("one interconnect: carried figure drawn (%v)", err)
	}
}

// TestCarried: on the synthetic sweep AXI4 (30% more efficient) carries at
// least as many cores as the shared bus at every bus width, and more at
// some; one point per interconnect and bus.
func TestCarried(t *testing.T) {
	sel := Select{Scheme: "cyclic", Cores: 1024}
	pts, err := CarriedPoints(fakeInterconnects(), sel)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 10 {
		t.Fatalf("%d points, want 2 interconnects x 5 buses: %+v", len(pts), pts)
	}
	more := false
	for i := range 5 {
		sh, ax := pts[i], pts[5+i]
		if sh.Interconnect != "shared" || ax.Interconnect != "axi4" || sh.Bus != ax.Bus || ax.Cores < sh.Cores {
			t.Errorf("bus %d: shared %+v, axi4 %+v", sh.Bus, sh, ax)
		}
		more = more || ax.Cores > sh.Cores
	}
	if !more {
		t.Errorf("AXI4 carries no more cores than the shared bus: %+v", pts)
	}
	fig, err := Carried(fakeInterconnects(), sel)
	if err != nil || fig.Name != "carried" || len(fig.Panels) != 1 || !strings.Contains(fig.Caption, "90% of PV") {
		t.Errorf("figure: %v %+v", err, fig)
	}
	if _, err := Carried(fakeInterconnects(), Select{Cores: 1024}); err == nil || !strings.Contains(err.Error(), "select one scheme") {
		t.Errorf("several schemes: %v", err)
	}
}

// A figure's Title becomes its SVG's <title>, escaped, right after the
// opening tag; without a Title the SVG has none.
func TestWriteSVGTitle(t *testing.T) {
	fig := Single("t", NewPanel("", "x", "y"), 0.5)
	fig.Panels[0].Add(plotter.NewGrid())
	var plain, titled bytes.Buffer
	if err := fig.WriteSVG(&plain, OneColumn.Width); err != nil {
		t.Fatal(err)
	}
	fig.Title = "speedup <resnet18> & co"
	if err := fig.WriteSVG(&titled, OneColumn.Width); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "<title>") ||
		!regexp.MustCompile(`<svg[^>]*><title>speedup &lt;resnet18&gt; &amp; co</title>\n<g `).Match(titled.Bytes()) {
		t.Errorf("without a title: %.300s\nwith: %.300s", plain.String(), titled.String())
	}
}
