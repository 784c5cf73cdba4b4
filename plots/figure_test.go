package plots

import (
	"errors"

	"bytes"
	"fmt"
	"github.com/go-gota/gota/dataframe"
	"image/png"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

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

var (
	svgSize = regexp.MustCompile(`<svg width="([0-9.]+)pt" height="([0-9.]+)pt"`)
	pdfBox  = regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`)
	epsBox  = regexp.MustCompile(`%%BoundingBox: 0 0 ([0-9.]+) ([0-9.]+)`)
)

// size reads the width and height an encoded figure declares, in points
// (PNG: pixels converted at DPI).
func size(t *testing.T, format Format, b []byte) (w, h float64) {
	t.Helper()
	var m []string
	switch format {
	case PNG:
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return float64(cfg.Width) * 72 / DPI, float64(cfg.Height) * 72 / DPI
	case SVG:
		m = svgSize.FindStringSubmatch(string(b))
	case PDF:
		m = pdfBox.FindStringSubmatch(string(b))
	case EPS:
		m = epsBox.FindStringSubmatch(string(b))
	}
	if m == nil {
		t.Fatalf("%s: no size found in %.200q", format, b)
	}
	w, _ = strconv.ParseFloat(m[1], 64)
	h, _ = strconv.ParseFloat(m[2], 64)
	return w, h
}

// TestEveryFigureEveryFormatAndSize checks that each figure is produced in
// each format and paper size, non-empty, with the requested dimensions.
func TestEveryFigureEveryFormatAndSize(t *testing.T) {
	for _, f := range testFigures(t) {
		for _, format := range Formats() {
			for _, sz := range Sizes() {
				var buf bytes.Buffer
				if err := f.Encode(&buf, format, sz.Width); err != nil {
					t.Fatalf("%s %s %s: %v", f.Name, format, sz.Name, err)
				}
				if buf.Len() < 1000 {
					t.Errorf("%s %s %s: only %d bytes", f.Name, format, sz.Name, buf.Len())
				}
				checkHeader(t, f.Name, format, buf.Bytes())
				w, h := size(t, format, buf.Bytes())
				tol := 0.5 // PDF/EPS round to whole points, PNG to pixels
				if math.Abs(w-float64(sz.Width)) > tol || math.Abs(h-float64(f.Height(sz.Width))) > tol {
					t.Errorf("%s %s %s: size %.2fx%.2f pt, want %.2fx%.2f", f.Name, format, sz.Name,
						w, h, float64(sz.Width), float64(f.Height(sz.Width)))
				}
			}
		}
	}
}

func TestSizes(t *testing.T) {
	if OneColumn.Width != 252 || TwoColumn.Width != 504 {
		t.Errorf("widths %v, %v pt; want 252 (3.5 in) and 504 (7 in)", OneColumn.Width, TwoColumn.Width)
	}
	var buf bytes.Buffer
	f := testFigures(t)[0]
	if err := f.Encode(&buf, PNG, OneColumn.Width); err != nil {
		t.Fatal(err)
	}
	cfg, _ := png.DecodeConfig(&buf)
	if cfg.Width != 1050 {
		t.Errorf("one-column PNG is %d px wide, want 1050 (3.5 in at 300 dpi)", cfg.Width)
	}
}

func TestSaveAll(t *testing.T) {
	dir := t.TempDir()
	figs := testFigures(t)[:2]
	paths, err := SaveAll(figs, dir, []Format{SVG, PNG}, Sizes())
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 8 {
		t.Fatalf("wrote %d files, want 8: %v", len(paths), paths)
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil || st.Size() == 0 {
			t.Errorf("%s: %v, %d bytes", p, err, st.Size())
		}
	}
	if !strings.HasSuffix(paths[0], "efficiency_1col.png") {
		t.Errorf("first path %s, want efficiency_1col.png", paths[0])
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

func TestEncodeErrors(t *testing.T) {
	f := testFigures(t)[0]
	var buf bytes.Buffer
	if err := f.Encode(&buf, "gif", OneColumn.Width); err == nil || !strings.Contains(err.Error(), `"gif"`) {
		t.Errorf("unknown format: %v", err)
	}
	if err := f.Encode(&buf, PNG, 0); err == nil {
		t.Error("zero width: no error")
	}
	if err := (&Figure{Name: "empty"}).Encode(&buf, PNG, vg.Inch); err == nil {
		t.Error("no panels: no error")
	}
	if _, err := f.Save("/nonexistent/dir", SVG, OneColumn); err == nil {
		t.Error("unwritable dir: no error")
	}
}

func TestStandard(t *testing.T) {
	df := fakeFrame()
	c, err := Choose(df)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(c) != "{[resnet18] cyclic 64 1024 32}" {
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
	if got := strings.Join(names, " "); got != "speedup_resnet18 overhead_resnet18 memory_resnet18_32 efficiency" {
		t.Errorf("standard figures %s", got)
	}
}

// checkHeader checks the magic bytes readers look for.
func checkHeader(t *testing.T, name string, format Format, b []byte) {
	t.Helper()
	want := map[Format]string{PNG: "\x89PNG", SVG: "<?xml", PDF: "%PDF-", EPS: "%!PS-Adobe-3.0 EPSF-3.0"}[format]
	if !bytes.HasPrefix(b, []byte(want)) {
		t.Errorf("%s %s starts with %q, want %q", name, format, b[:min(len(b), 24)], want)
	}
	if format == SVG && !bytes.Contains(b, []byte("'Liberation Sans',Arial")) {
		t.Errorf("%s svg: no font fallback", name)
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
