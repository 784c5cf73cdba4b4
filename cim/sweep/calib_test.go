package sweep

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/cim/zoo"
)

// The calibration tests run the paper's evaluation (the conv layers of
// ResNet-18 and MobileNet v1 at 224x224; 32x32, 64x64 and 128x128
// crossbars; 4 to 64-byte buses; 1024 cores; default timings) once on each
// interconnect and check which of its published trends hold. The figures
// they log are the ones quoted in the cim/sim package doc. They take about
// a minute and a half of CPU and are skipped with -short.

// paperRun is one conv layer that fits, with its three scheme records.
type paperRun struct {
	rows                       int // im2col rows of the layer (per group)
	seq, linear, cyclic        sim.Result
	model, layer               string
	xbar, bus, pv, cores, vecs int
}

var (
	paperMu   sync.Mutex
	paperRuns = map[string][]paperRun{}
)

// paper returns the paper's evaluation on interconnect ic (run once).
func paper(t *testing.T, ic string) []paperRun {
	t.Helper()
	if testing.Short() {
		t.Skip("calibration sweep skipped in -short mode")
	}
	paperMu.Lock()
	defer paperMu.Unlock()
	if rs, ok := paperRuns[ic]; ok {
		return rs
	}
	rs, err := runPaper(ic)
	if err != nil {
		t.Fatal(err)
	}
	paperRuns[ic] = rs
	return rs
}

func runPaper(ic string) ([]paperRun, error) {
	var nets []*nn.Network
	rows := map[string]int{}
	for _, name := range []string{"resnet18", "mobilenet_v1"} {
		net, err := zoo.Get(name, 224)
		if err != nil {
			return nil, err
		}
		nets = append(nets, net)
		for _, l := range net.CrossbarLayers() {
			r, _, _, _ := l.Im2col()
			rows[name+"/"+l.Name] = r
		}
	}
	base := arch.Default()
	base.Interconnect = ic
	rs, err := Run(context.Background(), Spec{
		Models: nets, Xbars: []Xbar{{32, 32}, {64, 64}, {128, 128}}, Buses: []int{4, 8, 16, 32, 64},
		Cores: []int{1024}, Schemes: []compile.Scheme{compile.Sequential, compile.Linear, compile.Cyclic}, Base: base,
	})
	if err != nil {
		return nil, err
	}
	// Records come in blocks of one scheme over a model's layers.
	var out []paperRun
	for i := 0; i < len(rs); {
		n := len(nets[0].CrossbarLayers())
		if rs[i].Model != nets[0].Name {
			n = len(nets[1].CrossbarLayers())
		}
		for k := range n {
			s, l, c := rs[i+k], rs[i+n+k], rs[i+2*n+k]
			if s.Kind != string(nn.Conv2D) || !s.Fits {
				continue
			}
			out = append(out, paperRun{rows: rows[s.Model+"/"+s.Layer], seq: s, linear: l, cyclic: c,
				model: s.Model, layer: s.Layer, xbar: s.XbarRows, bus: s.BusBytes, pv: s.PV, cores: s.Cores, vecs: s.Vectors})
		}
		i += 3 * n
	}
	return out, nil
}

// interconnects are the interconnects the calibration runs on.
var interconnects = arch.Interconnects()

// TestPaperSyncOverhead: synchronisation (CALL) bytes stay below 4% of the
// bus traffic with 32x32 crossbars and below 2% with 64x64, on either
// interconnect (they carry the same bytes).
func TestPaperSyncOverhead(t *testing.T) {
	for _, ic := range interconnects {
		worst := map[int]float64{}
		for _, r := range paper(t, ic) {
			for _, x := range []sim.Result{r.linear, r.cyclic} {
				worst[r.xbar] = max(worst[r.xbar], x.Overhead)
			}
		}
		t.Logf("%s: largest sync share of bus bytes: 32x32 %.2f%%, 64x64 %.2f%%, 128x128 %.2f%%",
			ic, 100*worst[32], 100*worst[64], 100*worst[128])
		if worst[32] >= 0.04 || worst[64] >= 0.02 || worst[32] == 0 {
			t.Errorf("%s: sync overhead 32x32 %.4f (want < 0.04), 64x64 %.4f (want < 0.02)", ic, worst[32], worst[64])
		}
	}
}

// nearLimit is the condition under which linear and cyclic reach 99% of PV:
// the bus is at most half busy and at least 32 bytes wide (so that a core's
// own transfers are small next to its MVM), the layer has at least 16*PV
// output vectors (the pipeline fill is short), and its rows fill every
// crossbar (no short tile whose core idles).
func nearLimit(r paperRun) bool {
	return r.pv > 1 && r.bus >= 32 && r.linear.BusUtilization <= 0.5 && r.cyclic.BusUtilization <= 0.5 &&
		r.vecs >= 16*r.pv && r.rows%r.xbar == 0
}

// limitWant is what TestPaperNearLimit asks of an interconnect: the share
// of nearLimit runs at 99% of PV, and with any bus at most a quarter busy
// and 8*PV vectors, the lowest and the median efficiency.
var limitWant = map[string]struct{ strict, looseMin, looseMedian float64 }{
	arch.AXI4:   {1, 0.94, 0.99},
	arch.Shared: {0.9, 0.9, 0.99},
}

// TestPaperNearLimit: under nearLimit both pipelines reach 99% of PV on
// AXI4 (on the shared bus in 9 runs out of 10, the others above 98.5%);
// with any bus at most a quarter busy and 8*PV vectors the lowest run comes
// within 6% (AXI4) or 9% (shared bus) and the median within 1%.
func TestPaperNearLimit(t *testing.T) {
	for _, ic := range interconnects {
		n, ok := 0, 0
		var loose []float64
		worst := paperRun{}
		worstEff := 2.0
		for _, r := range paper(t, ic) {
			for _, x := range []sim.Result{r.linear, r.cyclic} {
				if r.pv > 1 && x.BusUtilization <= 0.25 && r.vecs >= 8*r.pv {
					loose = append(loose, x.Efficiency)
				}
				if !nearLimit(r) {
					continue
				}
				n++
				if x.Efficiency >= 0.99 {
					ok++
				} else if x.Efficiency < worstEff {
					worst, worstEff = r, x.Efficiency
				}
			}
		}
		sort.Float64s(loose)
		if n < 50 || len(loose) < 100 {
			t.Fatalf("%s: only %d runs meet the condition, %d the loose one", ic, n, len(loose))
		}
		med := loose[len(loose)/2]
		t.Logf("%s: %d of %d runs meeting the condition reach 99%% of PV; bus <= 25%% busy and N >= 8 PV: %d runs, min %.3f, median %.3f",
			ic, ok, n, len(loose), loose[0], med)
		w := limitWant[ic]
		if float64(ok) < w.strict*float64(n) {
			t.Errorf("%s: %d of %d runs at 99%% of PV (want %.0f%%); lowest %.4f (%s %s %dx%d bus %d, pv %d, %d vectors)",
				ic, ok, n, 100*w.strict, worstEff, worst.model, worst.layer, worst.xbar, worst.xbar, worst.bus, worst.pv, worst.vecs)
		}
		if loose[0] < w.looseMin || med < w.looseMedian {
			t.Errorf("%s: bus <= 25%% busy: min efficiency %.3f (want >= %.2f), median %.3f (want >= %.2f)",
				ic, loose[0], w.looseMin, med, w.looseMedian)
		}
	}
}

// cyclicWant is what TestPaperCyclicVsLinear asks of an interconnect
// (runs with the bus at most half busy): the share at least as fast as
// linear, the share at least 99% as fast, and the worst ratio.
var cyclicWant = map[string]struct{ faster, within1, worst float64 }{
	arch.AXI4:   {0.95, 0.99, 0.99},
	arch.Shared: {0.25, 0.8, 0.92},
}

// TestPaperCyclicVsLinear: where the bus is at most half busy, cyclic
// against linear. The paper finds cyclic slightly faster. On AXI4 it is at
// least as fast in nearly every run and never 1% slower; on the shared bus
// in about a quarter, because there a core's transfers queue behind the
// other cores' one at a time (see the sim package doc).
func TestPaperCyclicVsLinear(t *testing.T) {
	for _, ic := range interconnects {
		var better, within1, total int
		worst := 2.0
		var wr paperRun
		for _, r := range paper(t, ic) {
			if r.pv < 2 || r.linear.BusUtilization > 0.5 {
				continue
			}
			q := r.cyclic.Speedup / r.linear.Speedup
			total++
			switch {
			case q >= 1:
				better++
			case q >= 0.99:
				within1++
			}
			if q < worst {
				worst, wr = q, r
			}
		}
		t.Logf("%s, bus <= 50%% busy: cyclic >= linear in %d of %d runs, within 1%% in %d more; worst cyclic/linear %.3f (%s %s %dx%d bus %d, pv %d, %d vectors)",
			ic, better, total, within1, worst, wr.model, wr.layer, wr.xbar, wr.xbar, wr.bus, wr.pv, wr.vecs)
		w := cyclicWant[ic]
		if total < 100 || float64(better) < w.faster*float64(total) || float64(better+within1) < w.within1*float64(total) ||
			worst < w.worst {
			t.Errorf("%s: %d runs, cyclic at least as fast in %d, within 1%% in %d more, worst %.3f (want %.0f%%, %.0f%%, %.2f)",
				ic, total, better, within1, worst, 100*w.faster, 100*w.within1, w.worst)
		}
	}
}

// carried is sweep.Carried of the paper's runs (cyclic, 90% of PV), by bus.
func carried(t *testing.T, ic string) map[int]Carry {
	var rs []sim.Result
	for _, r := range paper(t, ic) {
		rs = append(rs, r.cyclic)
	}
	out := map[int]Carry{}
	for _, c := range Carried(rs, compile.Cyclic, 0.9) {
		out[c.Bus] = c
	}
	return out
}

// TestPaperBusScaling: how many cores a bus carries at 90% of PV (the
// largest layer whose cyclic run gets there). The paper: about 16 cores on
// a 4-byte bus, up to 512 on a 64-byte bus. AXI4 carries a few tens at 4 B
// and hundreds at 64 B; the shared bus, which moves one transfer at a time
// with an overhead per burst, stops near a hundred at 64 B. AXI4 carries at
// least as many at every width.
func TestPaperBusScaling(t *testing.T) {
	var b strings.Builder
	fmt.Fprintf(&b, "most cores of a layer at 90%% of PV (cyclic):\n  bus")
	for _, ic := range interconnects {
		fmt.Fprintf(&b, "  %-30s", ic)
	}
	byIC := map[string]map[int]Carry{}
	for _, ic := range interconnects {
		byIC[ic] = carried(t, ic)
	}
	for _, bus := range []int{4, 8, 16, 32, 64} {
		fmt.Fprintf(&b, "\n  %2d B", bus)
		for _, ic := range interconnects {
			c := byIC[ic][bus]
			fmt.Fprintf(&b, "  %4d (%s %s, %dx%d)", c.Cores, c.Model, c.Layer, c.Xbar, c.Xbar)
		}
	}
	t.Log(b.String())
	axi, shared := byIC[arch.AXI4], byIC[arch.Shared]
	if n := axi[4].Cores; n < 16 || n > 64 {
		t.Errorf("AXI4, 4 B bus: %d cores at 90%% of PV, want a few tens (16..64)", n)
	}
	if n := axi[64].Cores; n < 256 {
		t.Errorf("AXI4, 64 B bus: %d cores at 90%% of PV, want hundreds (>= 256)", n)
	}
	if n := shared[64].Cores; n >= 256 {
		t.Errorf("shared bus, 64 B: %d cores at 90%% of PV; it was expected to stop below 256", n)
	}
	for bus, c := range axi {
		if c.Cores < shared[bus].Cores {
			t.Errorf("%d B bus: AXI4 carries %d cores, the shared bus %d", bus, c.Cores, shared[bus].Cores)
		}
	}
}
