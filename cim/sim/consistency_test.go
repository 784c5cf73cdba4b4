package sim

import (
	"fmt"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/energy"
	"github.com/cimkit/cimkit/cim/functional"
	"github.com/cimkit/cimkit/cim/isa"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
)

// TestSameProgramsAsFunctional runs the same compiled plans through the
// functional executor (which checks the results bit for bit and the
// ownership protocol) and the timed simulator, and checks that the
// simulator executed exactly the programs' instructions, bytes and MVMs.
func TestSameProgramsAsFunctional(t *testing.T) {
	layers := []nn.Layer{
		{Name: "conv3x3s2", Kind: nn.Conv2D, KernelH: 3, KernelW: 3, StrideH: 2, StrideW: 2,
			PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Filters: 37, Bias: true, Act: nn.ActReLU},
		{Name: "grouped", Kind: nn.Conv2D, KernelH: 3, KernelW: 3, Groups: 2, Filters: 20},
		{Name: "dense", Kind: nn.Dense, Filters: 45},
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols, a.BusBytes = 32, 16, 8
	for _, proto := range layers {
		l := proto
		net := &nn.Network{Name: "t", Input: nn.Shape{C: 22, H: 7, W: 9}, Layers: []*nn.Layer{&l}}
		if err := net.Infer(); err != nil {
			t.Fatal(err)
		}
		m, err := mapping.Map(&l, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range compile.Schemes() {
			p, err := compile.Compile(m, a, s)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := functional.Run(p, functional.Options{Seed: 1, Seeds: 3})
			if err != nil || !rep.OK() {
				t.Fatalf("%s %s: functional: %v %v", l.Name, s, err, rep)
			}
			tm, err := Run(p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%s %s (pv %d)", l.Name, s, m.PV)
			checkAgainstStreams(t, name, p, tm)
			checkActions(t, name, rep.Actions, tm)
			if tm.Instrs != rep.Steps {
				t.Errorf("%s: simulator ran %d instructions, functional executor %d", name, tm.Instrs, rep.Steps)
			}
		}
	}
}

// checkActions compares the actions the functional executor counted with
// the simulator's, core by core, and the simulator's totals with its cores.
func checkActions(t *testing.T, name string, fn []energy.Actions, tm *Timing) {
	t.Helper()
	var sum energy.Actions
	for i := range tm.Cores {
		sum.Add(&tm.Cores[i].Actions)
		if i >= len(fn) || fn[i] != tm.Cores[i].Actions {
			t.Errorf("%s core %d: simulator counted %+v\nfunctional executor %+v", name, i, tm.Cores[i].Actions, fn)
			return
		}
	}
	if sum != tm.Actions || sum.MVMs == 0 || sum.ADCs == 0 {
		t.Errorf("%s: total actions %+v, sum over cores %+v", name, tm.Actions, sum)
	}
}

// checkAgainstStreams compares the per-core counts of a run with the
// plan's streams.
func checkAgainstStreams(t *testing.T, name string, p *compile.Plan, tm *Timing) {
	t.Helper()
	for i := range p.Cores() {
		var n, mvms, bytes, sync int64
		for _, in := range isa.Collect(p.Stream(i)) {
			n++
			bytes += in.BusBytes()
			switch in.Op {
			case isa.MVM:
				mvms++
			case isa.CALL:
				sync += int64(in.Bytes)
			}
		}
		c := tm.Cores[i]
		if c.Instrs != n || c.MVMs != mvms || c.BusBytes != bytes || c.SyncBytes != sync {
			t.Errorf("%s core %d: ran %d instrs %d MVMs %d bytes %d sync; program has %d %d %d %d",
				name, i, c.Instrs, c.MVMs, c.BusBytes, c.SyncBytes, n, mvms, bytes, sync)
		}
		if tile := p.Map.Tiles[i]; c.Rows != mvms*int64(tile.Rows) || c.Cols != mvms*int64(tile.Cols) {
			t.Errorf("%s core %d: %d MVMs drove %d rows and read %d columns; its tile is %dx%d",
				name, i, mvms, c.Rows, c.Cols, tile.Rows, tile.Cols)
		}
		if c.Busy+c.Bus+c.WaitBus+c.WaitOwner+c.Idle != tm.Cycles || c.Idle < 0 {
			t.Errorf("%s core %d: times do not add up: %+v, cycles %d", name, i, c, tm.Cycles)
		}
	}
}
