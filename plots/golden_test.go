package plots

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
)

var update = flag.Bool("update", false, "rewrite the golden figures in testdata/golden (go test ./plots -run TestGolden -update)")

// golden lists the figures compared with a stored reference,
// testdata/golden/NAME.svg: every figure kind of the package, drawn from
// fixed synthetic results (fakeFrame, fakeTrace) so that only a change in
// the drawing changes them. A new figure kind adds one line here.
var golden = []struct {
	name  string
	width Size
	build func() (*Figure, error)
}{
	{"speedup", TwoColumn, func() (*Figure, error) { return Speedup(fakeFrame(), Select{Model: "resnet18", Bus: 16, Cores: 1024}) }},
	{"efficiency", OneColumn, func() (*Figure, error) { return Efficiency(fakeFrame(), Select{Scheme: "cyclic", Cores: 1024}) }},
	{"efficiency_layers", OneColumn, func() (*Figure, error) {
		return EfficiencyLayers(fakeFrame(), Select{Scheme: "cyclic", Cores: 1024})
	}},
	{"overhead", OneColumn, func() (*Figure, error) {
		return Overhead(fakeFrame(), Select{Model: "resnet18", Scheme: "cyclic", Bus: 16, Cores: 1024})
	}},
	{"memory", OneColumn, func() (*Figure, error) {
		return Memory(fakeFrame(), Select{Model: "resnet18", Xbar: 64, Scheme: "cyclic", Bus: 16, Cores: 1024})
	}},
	{"timeline", TwoColumn, func() (*Figure, error) {
		return Timeline(fakeTrace(6, 8), TimelineOptions{Title: "conv1, cyclic", To: 200})
	}},
	{"timeline_prog", OneColumn, func() (*Figure, error) {
		spans, err := ReadTrace(strings.NewReader(fakeProgTrace), "prog.csv")
		if err != nil {
			return nil, err
		}
		return Timeline(spans, TimelineOptions{Title: "segment 2, reprogrammed"})
	}},
	{"bus_utilization", OneColumn, func() (*Figure, error) { return BusUtilization(fakeTrace(6, 8), 40, "conv1") }},
	{"single_series", OneColumn, singleSeries},
	{"network_timeline", TwoColumn, func() (*Figure, error) { return NetworkTimeline(fakeNetworkLayers(), Select{}) }},
	{"network_speedup", TwoColumn, func() (*Figure, error) { return NetworkSpeedup(fakeNetwork(), Select{}) }},
	{"carried", OneColumn, func() (*Figure, error) { return Carried(fakeInterconnects(), Select{Scheme: "cyclic", Cores: 1024}) }},
	{"energy", OneColumn, func() (*Figure, error) {
		return EnergyBreakdown(fakeFrame(), Select{Model: "resnet18", Xbar: 64, Scheme: "cyclic", Bus: 16, Cores: 1024})
	}},
	{"energy_inference", OneColumn, func() (*Figure, error) {
		return EnergyPerInference(fakeFrame(), Select{Scheme: "cyclic", Cores: 1024})
	}},
	{"sync_cost", OneColumn, func() (*Figure, error) {
		return SyncCost(fakeFrame(), Select{Model: "resnet18", Xbar: 64, Scheme: "cyclic", Bus: 16, Cores: 1024})
	}},
}

// singleSeries is a notebook's own figure in the package's style: a panel
// from NewPanel with two series on a log2 axis, shown with Single.
func singleSeries() (*Figure, error) {
	p := NewPanel("network efficiency", "bus width (bytes per beat)", "efficiency (%)")
	Log2Axis(&p.X, 4, 512)
	p.Y.Min, p.Y.Max = 0, 100
	fig := Single("single_series", p, 0.6)
	for i, xbar := range []int{32, 128} {
		var xys plotter.XYs
		for b := 4.0; b <= 512; b *= 2 {
			xys = append(xys, plotter.XY{X: b, Y: 100 * (1 - float64(xbar)/(float64(xbar)+4*b))})
		}
		s, err := NewSeries(xys, i)
		if err != nil {
			return nil, err
		}
		if i == 1 {
			s.Dashed()
		}
		p.Add(s)
		fig.AddKey(fmt.Sprintf("%dx%d crossbars", xbar, xbar), s)
	}
	return fig, nil
}

// TestGolden draws every figure of golden as SVG and compares it with its
// reference. After an intended change to a figure, look at the new SVGs
// (the failure names them), then rewrite the references:
//
//	go test ./plots -run TestGolden -update   (or: make golden)
func TestGolden(t *testing.T) {
	for _, g := range golden {
		t.Run(g.name, func(t *testing.T) {
			fig, err := g.build()
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := fig.WriteSVG(&buf, g.width.Width); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", g.name+".svg")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./plots -run TestGolden -update to write it)", err)
			}
			if err := sameSVG(buf.Bytes(), want); err != nil {
				got := filepath.Join(os.TempDir(), "cimkit-golden", g.name+".svg")
				_ = os.MkdirAll(filepath.Dir(got), 0o755)
				_ = os.WriteFile(got, buf.Bytes(), 0o644)
				t.Errorf("%s differs from %s: %v\n(new drawing in %s; if the change is intended: "+
					"go test ./plots -run TestGolden -update)", g.name, path, err, got)
			}
		})
	}
}

// svgNumber matches a number in SVG text (coordinates, sizes, colours'
// components are all written as decimals).
var svgNumber = regexp.MustCompile(`-?[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?`)

// svgTolerance is how far two coordinates may differ, in points (1/72
// in): far below what anyone sees, above the rounding that a fused
// multiply-add on another CPU could change.
const svgTolerance = 0.01

// sameSVG compares two SVG documents: the text between numbers must be
// equal, and the numbers equal within svgTolerance. The error quotes the
// first difference in context.
func sameSVG(got, want []byte) error {
	gn, wn := svgNumber.FindAllIndex(got, -1), svgNumber.FindAllIndex(want, -1)
	gp, wp := 0, 0 // end of the last number compared
	for i := 0; ; i++ {
		gEnd, wEnd := len(got), len(want)
		if i < len(gn) {
			gEnd = gn[i][0]
		}
		if i < len(wn) {
			wEnd = wn[i][0]
		}
		if !bytes.Equal(got[gp:gEnd], want[wp:wEnd]) {
			return fmt.Errorf("text differs at byte %d: got %q, want %q", gp, excerpt(got, gp), excerpt(want, wp))
		}
		if i >= len(gn) || i >= len(wn) {
			if len(gn) != len(wn) {
				return fmt.Errorf("%d numbers, want %d", len(gn), len(wn))
			}
			return nil
		}
		g, _ := strconv.ParseFloat(string(got[gn[i][0]:gn[i][1]]), 64)
		w, _ := strconv.ParseFloat(string(want[wn[i][0]:wn[i][1]]), 64)
		if math.Abs(g-w) > svgTolerance {
			return fmt.Errorf("number at byte %d: got %q, want %q", gn[i][0], excerpt(got, gn[i][0]), excerpt(want, wn[i][0]))
		}
		gp, wp = gn[i][1], wn[i][1]
	}
}

// excerpt returns up to 80 bytes of b from about 20 before at.
func excerpt(b []byte, at int) string {
	from := max(0, at-20)
	return string(b[from:min(len(b), from+80)])
}

// The comparison itself: numbers within the tolerance are the same
// drawing, anything else is not.
func TestSameSVG(t *testing.T) {
	want := []byte(`<path d="M10.5 20.25L30 40"/><text x="1e-3">a</text>`)
	for _, c := range []struct {
		got string
		ok  bool
	}{
		{`<path d="M10.5 20.25L30 40"/><text x="1e-3">a</text>`, true},
		{`<path d="M10.504 20.25L30 40.001"/><text x="0.0012">a</text>`, true},
		{`<path d="M10.6 20.25L30 40"/><text x="1e-3">a</text>`, false},
		{`<path d="M10.5 20.25L30 40"/><text x="1e-3">b</text>`, false},
		{`<path d="M10.5 20.25L30 40 50"/><text x="1e-3">a</text>`, false},
		{`<path d="M10.5 20.25L30 40"/>`, false},
	} {
		if err := sameSVG([]byte(c.got), want); (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want same = %v", c.got, err, c.ok)
		}
	}
}
