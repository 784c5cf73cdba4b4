package plots

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/sim"
)

// TestSpanKindColors pins the timeline colours that pages drawing their
// own timelines (the browser playground) share with these figures.
func TestSpanKindColors(t *testing.T) {
	want := map[SpanKind]string{MVM: "#0072b2", Transfer: "#e69f00", WaitOwner: "#cc79a7", WaitBus: "#f0e442", Digital: "#009e73",
		Reprogram: "#d55e00"}
	kinds := SpanKinds()
	if len(kinds) != len(spanNames) {
		t.Fatalf("SpanKinds has %d kinds, the key %d", len(kinds), len(spanNames))
	}
	for _, k := range kinds {
		c := color.RGBAModel.Convert(k.Color()).(color.RGBA)
		if got := fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B); got != want[k] {
			t.Errorf("%s: colour %s, want %s", k, got, want[k])
		}
	}
	if KindOf(sim.ClassCall) != Transfer || KindOf(sim.ClassBusWait) != WaitBus || KindOf(sim.ClassProg) != Reprogram {
		t.Error("KindOf")
	}
}

// TestEfficiencyLayers checks the per-layer points on tinyFrame: every
// fitting layer with PV > 1 is its own point (nothing averaged: layers a
// and b keep 90% and 80% at 4 B), one PV-1 and one non-fitting result are
// counted in the caption, and the figure draws.
func TestEfficiencyLayers(t *testing.T) {
	df := tinyFrame(t)
	rows, err := selectRows(frameRows(t, df), Select{}, "efficiency")
	if err != nil {
		t.Fatal(err)
	}
	pts := layerPoints(rows)
	want := map[int][][2]float64{4: {{4, 90}, {3, 80}, {8, 50}}, 16: {{4, 100}, {3, 90}}}
	if fmt.Sprint(pts.buses) != "[4 16]" || pts.pv1 != 1 || pts.noFit != 1 {
		t.Errorf("buses %v, left out %d (PV 1) and %d (no fit)", pts.buses, pts.pv1, pts.noFit)
	}
	for bus, w := range want {
		got := pts.byBus[bus]
		if len(got) != len(w) {
			t.Errorf("bus %d: %d points, want %d", bus, len(got), len(w))
			continue
		}
		for i := range w {
			if got[i].X != w[i][0] || math.Abs(got[i].Y-w[i][1]) > 1e-9 {
				t.Errorf("bus %d point %d = %v, want %v", bus, i, got[i], w[i])
			}
		}
	}
	if pts.cores.lo != 3 || pts.cores.hi != 8 || pts.lowest != 50 || pts.highest != 100 {
		t.Errorf("ranges: cores %v, efficiency %v..%v", pts.cores, pts.lowest, pts.highest)
	}
	fig, err := EfficiencyLayers(df, Select{Scheme: "linear", Cores: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fig.Caption, "one point per layer and bus width") || !strings.Contains(fig.Caption, "Left out: 1 results with PV = 1 (nothing to parallelise) and 1 that do not fit") {
		t.Errorf("caption %q", fig.Caption)
	}
	var svg strings.Builder
	if err := fig.WriteSVG(&svg, OneColumn.Width); err != nil {
		t.Fatal(err)
	}
}

// TestReadResultsSkipsPreamble: the browser playground's CSV downloads
// open with '#' lines naming their configuration; plot --in reads them.
func TestReadResultsSkipsPreamble(t *testing.T) {
	recs := fakeRecords("m", fakeResNet[:2], []int{32}, []int{16}, []string{"linear"})
	df, err := ReadResults(strings.NewReader("# cimkit playground results: m\n# arch: {}\n"+csvOf(t, recs)), "with preamble")
	if err != nil || df.Nrow() != 2 {
		t.Errorf("%v, %d rows", err, df.Nrow())
	}
}
