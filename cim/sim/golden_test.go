package sim

import (
	"flag"
	"fmt"
	"hash/fnv"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/zoo"
	"github.com/cimkit/cimkit/internal/golden"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of the golden tests run (go test ./cim/sim -run Golden -update)")

// goldenFile holds the shared bus's figures for goldenRuns, as measured
// before the interconnect was split into the shared bus and AXI4: the
// shared bus must keep giving them exactly.
const goldenFile = "testdata/shared_bus_golden.txt"

// goldenRun is one simulation of the golden set.
type goldenRun struct {
	model, layer string
	xbar, bus    int
	scheme       compile.Scheme
	opt          Options
}

// goldenRuns lists the golden set: every conv and dense layer of ResNet-18
// and MobileNet v1 at 32x32 input on 32x32, 64x64 and 128x128 crossbars
// with 4, 16 and 64-byte buses in the three schemes (default options), and
// ResNet-18 on 64x64 crossbars with 4 and 64-byte buses under the
// round-robin arbiter and with blocking MVMs.
func goldenRuns(t *testing.T) []goldenRun {
	var out []goldenRun
	for _, model := range []string{"resnet18", "mobilenet_v1"} {
		net, err := zoo.Get(model, 32)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range net.CrossbarLayers() {
			for _, x := range []int{32, 64, 128} {
				for _, bus := range []int{4, 16, 64} {
					for _, s := range compile.Schemes() {
						out = append(out, goldenRun{model, l.Name, x, bus, s, Options{}})
					}
				}
			}
			if model != "resnet18" {
				continue
			}
			for _, opt := range []Options{{Arbiter: RoundRobin}, {BlockingMVM: true}} {
				for _, bus := range []int{4, 64} {
					for _, s := range compile.Schemes() {
						out = append(out, goldenRun{model, l.Name, 64, bus, s, opt})
					}
				}
			}
		}
	}
	return out
}

// goldenArch is the chip of the golden set: the shared bus with the
// timings cim/arch had when the set was recorded (1 GHz, 3200-cycle MVMs, 2
// cycles of bus overhead per burst of at most 256 beats, 4-cycle MOVs,
// int8 activations, int32 partial sums, 4-byte sequence registers), pinned
// here so that a change of the defaults does not move it.
func goldenArch() arch.Arch {
	a := arch.Default()
	a.Interconnect, a.ClockMHz, a.MVMCycles, a.BusOverheadCycles, a.BurstBeats = arch.Shared, 1000, 3200, 2, 256
	a.DigitalCycles, a.ActBytes, a.PsumBytes, a.SeqRegBytes = 4, 1, 4, 4
	return a
}

// chip is goldenArch with r's crossbar and bus.
func (r goldenRun) chip() arch.Arch {
	a := goldenArch()
	a.XbarRows, a.XbarCols, a.BusBytes = r.xbar, r.xbar, r.bus
	return a
}

// mapOn maps r's layer (of r's model at 32x32 input) onto a.
func (r goldenRun) mapOn(t *testing.T, a arch.Arch) *mapping.Layer {
	net, err := zoo.Get(r.model, 32)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Map(net.Layer(r.layer), a)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// config names r in a golden line: model, layer, crossbar, bus, scheme,
// arbiter and blocking.
func (r goldenRun) config() string {
	return fmt.Sprintf("%s %s %d %d %s %s blocking=%v", r.model, r.layer, r.xbar, r.bus, r.scheme, r.opt.Arbiter, r.opt.BlockingMVM)
}

// line runs r and describes the outcome in one line: the configuration,
// then cycles, bus-busy cycles, transactions, the cores' summed bus and
// ownership waits, and a hash of every core's time split and end.
func (r goldenRun) line(t *testing.T) string {
	a := r.chip()
	m := r.mapOn(t, a)
	cfg := r.config()
	if !m.Fits {
		return cfg + " does-not-fit"
	}
	tm, err := Simulate(m, a, r.scheme, r.opt)
	if err != nil {
		t.Fatal(err)
	}
	h := fnv.New64a()
	var waitBus, waitOwner int64
	for _, c := range tm.Cores {
		fmt.Fprintf(h, "%d %d %d %d %d %d;", c.Busy, c.Bus, c.WaitBus, c.WaitOwner, c.End, c.Instrs)
		waitBus += c.WaitBus
		waitOwner += c.WaitOwner
	}
	return fmt.Sprintf("%s cycles=%d busbusy=%d trans=%d waitbus=%d waitowner=%d hash=%x",
		cfg, tm.Cycles, tm.BusBusy, tm.Transactions, waitBus, waitOwner, h.Sum64())
}

// TestSharedBusGolden holds the shared bus to the figures it gave before
// the AXI4 model was added (testdata/shared_bus_golden.txt, written by
// -update): every cycle count, bus figure and per-core time split.
func TestSharedBusGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("golden set skipped in -short mode")
	}
	runs := goldenRuns(t)
	got := make([]string, len(runs))
	for i, r := range runs {
		got[i] = r.line(t)
	}
	golden.Lines(t, goldenFile, got, *updateGolden)
}
