package sweep

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/sim"
	"github.com/cimkit/cimkit/cim/zoo"
)

func testNet(t testing.TB, name string, filters int) *nn.Network {
	net := &nn.Network{Name: name, Input: nn.Shape{C: 16, H: 6, W: 6}, Layers: []*nn.Layer{
		{Name: "conv1", Kind: nn.Conv2D, KernelH: 3, KernelW: 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Filters: filters},
		{Name: "conv2", Kind: nn.Conv2D, KernelH: 3, KernelW: 3, StrideH: 2, StrideW: 2, Filters: filters},
		{Name: "conv3", Kind: nn.Conv2D, KernelH: 3, KernelW: 3, StrideH: 2, StrideW: 2, Filters: filters,
			Inputs: []string{"conv1"}},
		{Name: "pool", Kind: nn.GlobalAvgPool},
		{Name: "fc", Kind: nn.Dense, Filters: 10},
	}}
	if err := net.Infer(); err != nil {
		t.Fatal(err)
	}
	return net
}

func testSpec(t testing.TB) Spec {
	return Spec{
		Models:  []*nn.Network{testNet(t, "a", 40), testNet(t, "b", 8)},
		Xbars:   []Xbar{{32, 32}, {64, 64}},
		Buses:   []int{4, 32},
		Cores:   []int{4, 1024},
		Schemes: compile.Schemes(),
	}
}

// TestSweepMatchesRunLayer: every record equals the one RunLayer gives for
// the same configuration, in the documented order.
func TestSweepMatchesRunLayer(t *testing.T) {
	sp := testSpec(t)
	calls := 0
	sp.Progress = func(done, total int) {
		calls++
		if done != calls || total != 24 { // conv2 and conv3 share a unit
			t.Errorf("progress %d/%d at call %d", done, total, calls)
		}
	}
	rs, err := Run(context.Background(), sp)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2*2*2*2*3*4 || calls != 24 {
		t.Fatalf("%d results, %d progress calls", len(rs), calls)
	}
	matchRunLayer(t, sp, rs)
	if rs[0].Fits || rs[0].Reason != "needs 10 cores, budget 4" || !rs[12].Fits { // a/conv1 needs 10 cores on 32x32
		t.Errorf("fits: %v %q, %v", rs[0].Fits, rs[0].Reason, rs[12].Fits)
	}
}

// matchRunLayer checks every record of a sweep against sim.RunLayer.
func matchRunLayer(t *testing.T, sp Spec, rs []sim.Result) {
	t.Helper()
	k := 0
	for _, net := range sp.Models {
		for _, x := range sp.Xbars {
			for _, b := range sp.Buses {
				for _, c := range sp.Cores {
					for _, s := range sp.Schemes {
						for _, l := range net.CrossbarLayers() {
							a := sp.Base
							if a == (arch.Arch{}) {
								a = arch.Default()
							}
							a.XbarRows, a.XbarCols, a.BusBytes, a.Cores = x.Rows, x.Cols, b, c
							want, err := sim.RunLayer(net, l.Name, a, s)
							if err != nil {
								t.Fatal(err)
							}
							if !reflect.DeepEqual(rs[k], *want) {
								t.Errorf("record %d:\n got %+v\nwant %+v", k, rs[k], *want)
							}
							k++
						}
					}
				}
			}
		}
	}
}

// Issue 12 item 10: a layer whose IFM, partial sums and OFM exceed the
// shared memory made the whole sweep fail with no rows; it is now a
// record with fits false and the reason, like a layer over the core budget.
// a/conv1 (16x6x6 -> 40x6x6, 144 rows): on 32x32 PV 5, IFM 576 B at 0,
// partial sums 5760 B at 576, OFM 1440 B at 6336 (64-byte aligned): 7776 B,
// more than 4096; model b (8 filters) fits.
func TestSweepSharedMemory(t *testing.T) {
	sp := testSpec(t)
	sp.Base = arch.Default()
	sp.Base.SharedMemBytes = 4096
	rs, err := Run(context.Background(), sp)
	if err != nil {
		t.Fatal(err)
	}
	matchRunLayer(t, sp, rs)
	want := "IFM 576 B + partial sums 5760 B + OFM 1440 B = 7776 B do not fit the shared memory of 4096 B"
	if r := rs[12]; r.Layer != "conv1" || r.Fits || r.Reason != want || r.Cycles != 0 {
		t.Errorf("a/conv1 on 32x32, 1024 cores: %+v", r)
	}
	fits := 0
	for _, r := range rs {
		if r.Fits {
			fits++
		}
	}
	if fits == 0 {
		t.Error("no layer fits")
	}
}

func TestSweepDeterministicAcrossWorkers(t *testing.T) {
	sp := testSpec(t)
	sp.Totals = true
	sp.Workers = 1
	one, err := Run(context.Background(), sp)
	if err != nil {
		t.Fatal(err)
	}
	sp.Workers = 5
	five, err := Run(context.Background(), sp)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(one, five) {
		t.Error("results depend on the number of workers")
	}
	if len(one) != 2*2*2*2*3*5 || one[4].Layer != sim.TotalLayer || one[4].Fits {
		t.Errorf("totals: %d records, fifth %+v", len(one), one[4])
	}
}

func TestSweepCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sp := testSpec(t)
	sp.Workers = 1
	sp.Progress = func(done, total int) { cancel() }
	if _, err := Run(ctx, sp); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestSweepBadSpec(t *testing.T) {
	cases := map[string]func(*Spec){
		"no models":                            func(s *Spec) { s.Models = nil },
		"no crossbar sizes":                    func(s *Spec) { s.Xbars = nil },
		"no bus widths":                        func(s *Spec) { s.Buses = nil },
		"no core budgets":                      func(s *Spec) { s.Cores = nil },
		"no schemes":                           func(s *Spec) { s.Schemes = nil },
		"bus_bytes = 0":                        func(s *Spec) { s.Buses = []int{0} },
		`scheme "zigzag"`:                      func(s *Spec) { s.Schemes = []compile.Scheme{"zigzag"} },
		"mvm_cycles = 0":                       func(s *Spec) { s.Base = arch.Default(); s.Base.MVMCycles = 0 },
		`model "empty" has no conv or dense l`: func(s *Spec) { s.Models = []*nn.Network{{Name: "empty"}} },
		"model 1 is nil":                       func(s *Spec) { s.Models = append(s.Models[:1:1], nil) },
	}
	for want, mod := range cases {
		sp := testSpec(t)
		mod(&sp)
		if _, err := Run(context.Background(), sp); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v", want, err)
		}
	}
}

func TestParseAxes(t *testing.T) {
	if v, err := ParseInts("bus", " 4, 8,16 "); err != nil || !reflect.DeepEqual(v, []int{4, 8, 16}) {
		t.Errorf("ParseInts: %v %v", v, err)
	}
	for _, bad := range []string{"", "4,,8", "4,x", "0", "-2"} {
		if _, err := ParseInts("bus", bad); err == nil || !strings.HasPrefix(err.Error(), "bus: ") {
			t.Errorf("ParseInts(%q): err = %v", bad, err)
		}
	}
	if v, err := ParseXbars("32,128x64"); err != nil || !reflect.DeepEqual(v, []Xbar{{32, 32}, {128, 64}}) {
		t.Errorf("ParseXbars: %v %v", v, err)
	}
	for _, bad := range []string{"", "32,", "0", "axb"} {
		if _, err := ParseXbars(bad); err == nil {
			t.Errorf("ParseXbars(%q) accepted", bad)
		}
	}
	if v, err := ParseSchemes("linear, Cyclic"); err != nil || !reflect.DeepEqual(v, []compile.Scheme{compile.Linear, compile.Cyclic}) {
		t.Errorf("ParseSchemes: %v %v", v, err)
	}
	for _, bad := range []string{"", "linear,", "fast"} {
		if _, err := ParseSchemes(bad); err == nil {
			t.Errorf("ParseSchemes(%q) accepted", bad)
		}
	}
}

// TestCarried: per interconnect and bus, the largest layer at 90% of PV or
// more; a larger layer below 90% and a PV = 1 layer do not count, nor does
// another scheme.
func TestCarried(t *testing.T) {
	r := func(ic string, bus, cores, pv int, eff float64, scheme string) sim.Result {
		return sim.Result{Model: "m", Layer: fmt.Sprintf("l%d", cores), Interconnect: ic, BusBytes: bus, Cores: cores,
			PV: pv, Efficiency: eff, Scheme: scheme, Fits: true, XbarRows: 32}
	}
	rs := []sim.Result{
		r("axi4", 64, 512, 64, 0.95, "cyclic"), r("axi4", 64, 1024, 128, 0.5, "cyclic"),
		r("axi4", 4, 16, 16, 0.93, "cyclic"), r("axi4", 4, 36, 18, 0.89, "cyclic"),
		r("shared", 4, 9, 9, 0.99, "cyclic"), r("shared", 4, 64, 1, 1.0, "cyclic"),
		r("shared", 4, 144, 72, 0.95, "linear"),
	}
	got := Carried(rs, compile.Cyclic, 0.9)
	want := []Carry{
		{Interconnect: "axi4", Bus: 4, Cores: 16, Model: "m", Layer: "l16", Xbar: 32, Efficiency: 0.93},
		{Interconnect: "axi4", Bus: 64, Cores: 512, Model: "m", Layer: "l512", Xbar: 32, Efficiency: 0.95},
		{Interconnect: "shared", Bus: 4, Cores: 9, Model: "m", Layer: "l9", Xbar: 32, Efficiency: 0.99},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Carried:\n got %+v\nwant %+v", got, want)
	}
}

// TestInterconnects: a sweep over both interconnects returns the shared
// bus's records, then AXI4's, each marked, with progress counted over both.
func TestInterconnects(t *testing.T) {
	net, err := zoo.Get("lenet5", 32)
	if err != nil {
		t.Fatal(err)
	}
	var last, total int
	sp := Spec{Models: []*nn.Network{net}, Xbars: []Xbar{{16, 16}}, Buses: []int{4}, Cores: []int{1024},
		Schemes: []compile.Scheme{compile.Linear}, Interconnects: []string{arch.Shared, arch.AXI4},
		Progress: func(done, n int) { last, total = done, n }}
	rs, err := Run(context.Background(), sp)
	if err != nil {
		t.Fatal(err)
	}
	n := len(net.CrossbarLayers())
	if len(rs) != 2*n || last != total || total == 0 {
		t.Fatalf("%d records for %d layers; progress %d of %d", len(rs), n, last, total)
	}
	for i, r := range rs {
		want := arch.Shared
		if i >= n {
			want = arch.AXI4
		}
		if r.Interconnect != want {
			t.Errorf("record %d (%s): interconnect %q, want %q", i, r.Layer, r.Interconnect, want)
		}
	}
	sp.Interconnects = []string{"pci"}
	if _, err := Run(context.Background(), sp); err == nil || !strings.Contains(err.Error(), `interconnect "pci"`) {
		t.Errorf("bad interconnect: %v", err)
	}
}
