package export

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cimkit/cimkit/plots"
	"gonum.org/v1/plot/vg"
)

// results is a results CSV with two layers of one model, two schemes.
const results = `model,layer,kind,xbar_rows,xbar_cols,bus_bytes,cores_budget,scheme,fits,pv,ph,cores,vectors,cycles,seq_cycles,speedup,limit,bus_limit,efficiency,bus_bytes_total,sync_bytes,overhead,bus_utilization,sync_mem_bytes,puma_attr_bytes,ifm_bytes,ofm_bytes,psum_bytes,xbar_utilization
tiny,conv1,conv,32,32,16,1024,sequential,true,2,1,2,100,20000,20000,1,2,8,0.5,9000,400,0.044,0.3,8,3200,1600,3200,12800,0.9
tiny,conv1,conv,32,32,16,1024,linear,true,2,1,2,100,10100,20000,1.98,2,8,0.99,9000,400,0.044,0.6,8,3200,1600,3200,12800,0.9
tiny,conv2,conv,32,32,16,1024,sequential,true,4,2,8,50,40000,40000,1,4,6,0.25,30000,1200,0.04,0.5,32,6400,3200,1600,6400,0.8
tiny,conv2,conv,32,32,16,1024,linear,true,4,2,8,50,10600,40000,3.77,4,6,0.94,30000,1200,0.04,0.9,32,6400,3200,1600,6400,0.8
`

// testFigures returns a speedup figure (from results) and a timeline of
// two cores.
func testFigures(t testing.TB) []*plots.Figure {
	t.Helper()
	df, err := plots.ReadResults(strings.NewReader(results), "results.csv")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := plots.Speedup(df, plots.Select{Model: "tiny", Bus: 16})
	if err != nil {
		t.Fatal(err)
	}
	span := func(core int, start, end float64, kind plots.SpanKind) plots.Span {
		return plots.Span{Core: core, Start: start, End: end, Kind: kind}
	}
	tl, err := plots.Timeline([]plots.Span{span(0, 0, 10, plots.MVM), span(0, 10, 16, plots.Transfer),
		span(1, 5, 15, plots.MVM), span(1, 15, 20, plots.WaitBus), span(1, 20, 26, plots.Transfer)},
		plots.TimelineOptions{Title: "conv1"})
	if err != nil {
		t.Fatal(err)
	}
	return []*plots.Figure{sp, tl}
}

var (
	svgSize = regexp.MustCompile(`<svg width="([0-9.]+)pt" height="([0-9.]+)pt"`)
	pdfBox  = regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`)
	epsBox  = regexp.MustCompile(`%%BoundingBox: 0 0 ([0-9.]+) ([0-9.]+)`)
)

// size reads the width and height an encoded figure declares, in points
// (PNG: pixels converted at DPI).
func size(t *testing.T, format plots.Format, b []byte) (w, h float64) {
	t.Helper()
	var m []string
	switch format {
	case plots.PNG:
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return float64(cfg.Width) * 72 / DPI, float64(cfg.Height) * 72 / DPI
	case plots.SVG:
		m = svgSize.FindStringSubmatch(string(b))
	case plots.PDF:
		m = pdfBox.FindStringSubmatch(string(b))
	case plots.EPS:
		m = epsBox.FindStringSubmatch(string(b))
	}
	if m == nil {
		t.Fatalf("%s: no size found in %.200q", format, b)
	}
	w, _ = strconv.ParseFloat(m[1], 64)
	h, _ = strconv.ParseFloat(m[2], 64)
	return w, h
}

// TestEveryFormatAndSize checks that each figure is produced in each format
// and paper size with the magic bytes readers look for and the requested
// dimensions.
func TestEveryFormatAndSize(t *testing.T) {
	magic := map[plots.Format]string{plots.PNG: "\x89PNG", plots.SVG: "<?xml", plots.PDF: "%PDF-",
		plots.EPS: "%!PS-Adobe-3.0 EPSF-3.0"}
	for _, f := range testFigures(t) {
		for _, format := range plots.Formats() {
			for _, sz := range plots.Sizes() {
				var buf bytes.Buffer
				if err := Encode(&buf, f, format, sz.Width); err != nil {
					t.Fatalf("%s %s %s: %v", f.Name, format, sz.Name, err)
				}
				b := buf.Bytes()
				if len(b) < 1000 || !bytes.HasPrefix(b, []byte(magic[format])) {
					t.Errorf("%s %s %s: %d bytes starting %q", f.Name, format, sz.Name, len(b), b[:min(len(b), 24)])
				}
				w, h := size(t, format, b)
				tol := 0.5 // PDF/EPS round to whole points, PNG to pixels
				if math.Abs(w-float64(sz.Width)) > tol || math.Abs(h-float64(f.Height(sz.Width))) > tol {
					t.Errorf("%s %s %s: size %.2fx%.2f pt, want %.2fx%.2f", f.Name, format, sz.Name,
						w, h, float64(sz.Width), float64(f.Height(sz.Width)))
				}
			}
		}
	}
}

func TestPNGResolution(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, testFigures(t)[0], plots.PNG, plots.OneColumn.Width); err != nil {
		t.Fatal(err)
	}
	cfg, _ := png.DecodeConfig(&buf)
	if cfg.Width != 1050 {
		t.Errorf("one-column PNG is %d px wide, want 1050 (3.5 in at 300 dpi)", cfg.Width)
	}
}

func TestSaveAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "figures")
	paths, err := SaveAll(testFigures(t), dir, []plots.Format{plots.SVG, plots.PNG}, plots.Sizes())
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 8 {
		t.Fatalf("wrote %d files, want 8: %v", len(paths), paths)
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil || st.Size() == 0 {
			t.Fatalf("%s: %v", p, err)
		}
	}
	if want := filepath.Join(dir, "speedup_tiny_1col.png"); paths[0] != want {
		t.Errorf("first path %s, want %s", paths[0], want)
	}
}

func TestEncodeErrors(t *testing.T) {
	f := testFigures(t)[0]
	var buf bytes.Buffer
	if err := Encode(&buf, f, "gif", plots.OneColumn.Width); err == nil || !strings.Contains(err.Error(), `"gif"`) {
		t.Errorf("unknown format: %v", err)
	}
	if err := Encode(&buf, f, plots.PNG, 0); err == nil {
		t.Error("zero width: no error")
	}
	if err := Encode(&buf, &plots.Figure{Name: "empty"}, plots.PDF, vg.Inch); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("no panels: %v", err)
	}
	if _, err := Save(f, "/nonexistent/dir", plots.SVG, plots.OneColumn); err == nil {
		t.Error("unwritable dir: no error")
	}
}

// A figure named from data ("../../escape") is saved inside the folder
// under a safe name; a symbolic link planted in the folder under a figure's
// file name cannot redirect the write outside it; two figures that would
// share a file are refused before anything is written.
func TestSaveStaysInside(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "figs")
	figs := testFigures(t)
	figs[0].Name = "../../escape"
	paths, err := SaveAll(figs[:1], dir, []plots.Format{plots.SVG}, []plots.Size{plots.OneColumn})
	if err != nil || len(paths) != 1 || filepath.Dir(paths[0]) != dir || !strings.HasPrefix(filepath.Base(paths[0]), "escape_1col-") {
		t.Fatalf("SaveAll: %v, %v", paths, err)
	}
	outside := filepath.Join(base, "victim.svg")
	if err := os.WriteFile(outside, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, figs[1].FileName(plots.SVG, plots.OneColumn))
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Save(figs[1], dir, plots.SVG, plots.OneColumn); err == nil {
		t.Error("Save followed a symbolic link out of the folder")
	}
	if data, _ := os.ReadFile(outside); string(data) != "keep" {
		t.Errorf("the file outside was overwritten: %.40q", data)
	}
	twin := *figs[1]
	empty := t.TempDir()
	if _, err := SaveAll([]*plots.Figure{figs[1], &twin}, empty, []plots.Format{plots.SVG}, []plots.Size{plots.OneColumn}); err == nil || !strings.Contains(err.Error(), "both be saved") {
		t.Errorf("two figures, one file name: %v", err)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("wrote %v despite the clash", entries)
	}
}

// Issue 12 item 12: PDF and EPS carry a fixed creation time, taken from
// SOURCE_DATE_EPOCH when it is set (1700000000 is 2023-11-14 22:13:20 UTC),
// so that a figure encoded twice is the same file.
func TestReproducibleDates(t *testing.T) {
	f := testFigures(t)[0]
	encode := func(format plots.Format) []byte {
		var b bytes.Buffer
		if err := Encode(&b, f, format, plots.OneColumn.Width); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	for _, c := range []struct {
		epoch, pdf, eps string
	}{
		{"", "/CreationDate (D:19700101000000)", "%%CreationDate: 1970-01-01T00:00:00Z\n"},
		{"1700000000", "/CreationDate (D:20231114221320)", "%%CreationDate: 2023-11-14T22:13:20Z\n"},
		{"not a number", "/CreationDate (D:19700101000000)", "%%CreationDate: 1970-01-01T00:00:00Z\n"},
	} {
		t.Setenv("SOURCE_DATE_EPOCH", c.epoch)
		for _, format := range []plots.Format{plots.PDF, plots.EPS} {
			a := encode(format)
			time.Sleep(10 * time.Millisecond) // EPS wrote nanoseconds
			if b := encode(format); !bytes.Equal(a, b) {
				t.Errorf("SOURCE_DATE_EPOCH=%q: %s differs between two encodings", c.epoch, format)
			}
			want := map[plots.Format]string{plots.PDF: c.pdf, plots.EPS: c.eps}[format]
			if !bytes.Contains(a, []byte(want)) {
				t.Errorf("SOURCE_DATE_EPOCH=%q: %s lacks %q", c.epoch, format, want)
			}
		}
	}
}
