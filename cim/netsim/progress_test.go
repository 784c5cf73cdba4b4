package netsim

import (
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/cim/zoo"
)

// progressLog records Config.Progress calls and checks them as they come:
// one total for the whole call, done never going back or past it.
type progressLog struct {
	t           *testing.T
	calls       int
	done, total int64
}

func (p *progressLog) update(done, total int64) {
	if p.calls > 0 && (total != p.total || done < p.done) {
		p.t.Errorf("progress %d of %d after %d of %d", done, total, p.done, p.total)
	}
	if done > total {
		p.t.Errorf("progress %d past its total %d", done, total)
	}
	p.calls++
	p.done, p.total = done, total
}

// Work counts every MVM a run simulates, however the network is placed:
// the two-conv chain of TestTwoLayerChainByHand resident (a: 1 tile x 3
// pixels, b: the same, 6 MVMs per image), the same chain segmented on two
// cores and folded on one (the wide one: 2 tiles x 2 pixels per conv),
// ResNet-18 segmented on 256 cores (at 64 px) and with copies on 128x128
// crossbars (at 32 px), and two
// images. Progress reports the call's total from its first call, never
// goes back, and ends at that total.
func TestProgressCountsEveryMVM(t *testing.T) {
	chain := network(t, "chain", nn.Shape{C: 1, H: 3, W: 1}, conv3("a", 1), conv3("b", 1))
	seg := network(t, "seg", nn.Shape{C: 2, H: 2, W: 1}, conv3("a", 2), conv3("b", 2))
	resnet, err := zoo.Get("resnet18", 32)
	if err != nil {
		t.Fatal(err)
	}
	resnet64, err := zoo.Get("resnet18", 64)
	if err != nil {
		t.Fatal(err)
	}
	big := arch.Default()
	big.Cores = 256
	wide := arch.Default() // 128x128 crossbars: ResNet-18 fits in 727 cores
	wide.XbarRows, wide.XbarCols = 128, 128
	for _, c := range []struct {
		name string
		net  *nn.Network
		cfg  Config
		want int64 // MVMs by hand where small
	}{
		{"chain", chain, Config{Arch: tiny(16, 16, 2), Mode: netprog.Pipelined, Images: 1}, 6},
		{"chain, 2 images", chain, Config{Arch: tiny(16, 16, 2), Mode: netprog.LayerByLayer, Images: 2}, 12},
		{"segmented", seg, Config{Arch: tiny(9, 4, 2), Mode: netprog.LayerByLayer, Images: 1, Segments: true}, 8},
		{"folded", seg, Config{Arch: tiny(9, 4, 1), Mode: netprog.Pipelined, Images: 1, Segments: true}, 8},
		{"resnet18 segmented", resnet64, Config{Arch: big, Mode: netprog.Pipelined, Images: 1, Segments: true}, 0},
		{"resnet18 copies", resnet, Config{Arch: wide, Mode: netprog.Pipelined, Images: 1,
			Copies: map[string]int{"conv1": 3, "layer1.0.conv1": 2}}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			log := &progressLog{t: t}
			c.cfg.Scheme, c.cfg.Progress = compile.Linear, log.update
			r, err := Simulate(c.net, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := r.Timing.Actions.MVMs
			if w := Work(c.net, c.cfg); w != got || (c.want > 0 && got != c.want) {
				t.Errorf("Work %d, run %d MVMs, by hand %d", w, got, c.want)
			}
			// One call at the end of the run, and one every sim.ProgressEvery
			// MVMs before (ResNet-18 at 64 px: 36,992 MVMs, two).
			if log.calls != 1+int(got/sim.ProgressEvery) || log.done != got || log.total != got {
				t.Errorf("progress ended at %d of %d after %d calls; want %d of %d", log.done, log.total, log.calls, got, got)
			}
		})
	}
}

// With duplication, Compare's total counts the search at its longest (ten
// runs of one image); the search stops sooner here, and progress still
// ends at the total without going back. A second call starts again.
func TestProgressCompareDuplicate(t *testing.T) {
	net, err := zoo.Get("resnet18", 32)
	if err != nil {
		t.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols = 128, 128
	cfg := Config{Arch: a, Scheme: compile.Linear, Images: 2, Duplicate: true}
	one := mvms(net, a)
	dup := cfg
	dup.Mode = netprog.Pipelined
	if w := Work(net, dup); w != (searchRuns+2)*one {
		t.Errorf("Work of a duplicated run of 2 images = %d, want %d (10 search runs of 1 image, then 2 images)", w, (searchRuns+2)*one)
	}
	for range 2 {
		log := &progressLog{t: t}
		cfg.Progress = log.update
		if _, err := Compare(net, cfg); err != nil {
			t.Fatal(err)
		}
		if want := (2 + 2 + searchRuns + 2) * one; log.total != want || log.done != want {
			t.Errorf("Compare ended at %d of %d; want %d of %d", log.done, log.total, want, want)
		}
	}
}
