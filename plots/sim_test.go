package plots

import (
	"bytes"
	"slices"
	"strconv"
	"testing"

	"github.com/go-gota/gota/dataframe"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
)

// simResults simulates a small two-layer network in every scheme.
func simResults(t *testing.T) []sim.Result {
	t.Helper()
	net := &nn.Network{Name: "small", Input: nn.Shape{C: 64, H: 4, W: 4}, Layers: []*nn.Layer{
		{Name: "conv", Kind: nn.Conv2D, KernelH: 3, KernelW: 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Filters: 40},
		{Name: "fc", Kind: nn.Dense, Filters: 10},
	}}
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols = 64, 64
	var rs []sim.Result
	for _, s := range compile.Schemes() {
		got, err := sim.RunModel(net, a, s)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, got...)
	}
	return rs
}

// TestSimDataFrame checks that the rows read from the simulator's
// DataFrame, and from its CSV, hold exactly the values of its results.
func TestSimDataFrame(t *testing.T) {
	rs := simResults(t)
	var buf bytes.Buffer
	if err := sim.WriteCSV(&buf, rs); err != nil {
		t.Fatal(err)
	}
	fromCSV, err := ReadResults(&buf, "results.csv")
	if err != nil {
		t.Fatal(err)
	}
	for name, df := range map[string]dataframe.DataFrame{"DataFrame": sim.DataFrame(rs), "CSV": fromCSV} {
		rows, err := table(df, name)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(rs) {
			t.Fatalf("%s: %d rows, want %d", name, len(rows), len(rs))
		}
		all := sim.Columns()
		for i, r := range rs {
			for j, v := range r.Strings() {
				if slices.Contains(Columns, all[j]) { // rows keep the required columns
					checkCell(t, rows[i], all[j], v, i)
				}
			}
		}
	}
}

// TestSimFigures draws the per-layer figures and the timeline from a real
// simulation.
func TestSimFigures(t *testing.T) {
	df := sim.DataFrame(simResults(t))
	for _, build := range []func() (*Figure, error){
		func() (*Figure, error) { return Speedup(df, Select{}) },
		func() (*Figure, error) { return Overhead(df, Select{Scheme: "cyclic"}) },
		func() (*Figure, error) { return Memory(df, Select{Scheme: "linear"}) },
	} {
		f, err := build()
		if err != nil {
			t.Fatal(err)
		}
		if err := f.WriteSVG(&bytes.Buffer{}, OneColumn.Width); err != nil {
			t.Fatal(err)
		}
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols = 64, 64
	a.Interconnect = arch.Shared // one transfer at a time: the spans' union is the bus's busy time
	net := &nn.Network{Name: "small", Input: nn.Shape{C: 64, H: 4, W: 4}, Layers: []*nn.Layer{
		{Name: "conv", Kind: nn.Conv2D, KernelH: 3, KernelW: 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Filters: 40}}}
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Map(net.Layers[0], a)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := sim.Simulate(m, a, compile.Linear, sim.Options{Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	spans := FromSim(tm.Trace)
	if len(spans) != len(tm.Trace) {
		t.Fatalf("%d spans from %d", len(spans), len(tm.Trace))
	}
	// The bus utilisation from the spans equals the simulator's own series.
	want, err := sim.BusSeries(tm, 10)
	if err != nil {
		t.Fatal(err)
	}
	_, got, err := Utilization(spans, 0, float64(tm.Cycles), 10)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if d := got[i] - want[i]; d > 1e-9 || d < -1e-9 {
			t.Errorf("bin %d: plots %v, sim %v", i, got[i], want[i])
		}
	}
	if _, err := Timeline(spans, TimelineOptions{Title: "conv " + strconv.Itoa(m.PV)}); err != nil {
		t.Fatal(err)
	}
}
