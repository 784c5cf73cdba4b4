package sweep

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/netsim"
	"github.com/cimkit/cimkit/cim/nn"
	"github.com/cimkit/cimkit/cim/place"
)

func networkSpec(t testing.TB) Spec {
	return Spec{
		Models:  []*nn.Network{testNet(t, "a", 40), testNet(t, "b", 8)},
		Xbars:   []Xbar{{32, 32}, {64, 64}},
		Buses:   []int{4, 32},
		Cores:   []int{64},
		Schemes: []compile.Scheme{compile.Linear, compile.Cyclic},
	}
}

// TestRunNetworksMatchesCompare: every record equals the one
// netsim.Compare gives for the same configuration, in the documented order
// (model, crossbar, bus, budget, scheme, run), and the layer records follow
// the runs, carrying their configuration.
func TestRunNetworksMatchesCompare(t *testing.T) {
	sp := networkSpec(t)
	calls := 0
	sp.Progress = func(done, total int) {
		calls++
		if done != calls || total != 16 {
			t.Errorf("progress %d/%d at call %d", done, total, calls)
		}
	}
	rs, ls, err := RunNetworks(context.Background(), sp, Network{Duplicate: true, Images: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 16*3 || calls != 16 {
		t.Fatalf("%d results, %d progress calls, want 48 and 16", len(rs), calls)
	}
	k, kl := 0, 0
	for _, net := range sp.Models {
		for _, x := range sp.Xbars {
			for _, b := range sp.Buses {
				for _, s := range sp.Schemes {
					a := arch.Default()
					a.XbarRows, a.XbarCols, a.BusBytes, a.Cores = x.Rows, x.Cols, b, 64
					runs, err := netsim.Compare(net, netsim.Config{Arch: a, Scheme: s, Images: 2, Duplicate: true})
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range runs {
						if !reflect.DeepEqual(rs[k], r.Result) {
							t.Errorf("record %d:\n got %+v\nwant %+v", k, rs[k], r.Result)
						}
						for _, l := range r.Layers {
							if !reflect.DeepEqual(ls[kl], l) {
								t.Errorf("layer record %d:\n got %+v\nwant %+v", kl, ls[kl], l)
							}
							kl++
						}
						k++
					}
				}
			}
		}
	}
	if kl != len(ls) {
		t.Errorf("%d layer records, want %d", len(ls), kl)
	}
	// The third run of each configuration is the duplicated one, and
	// layer records name their run's chip.
	if r := rs[2]; r.Mode != "pipelined" || !r.Duplicate || r.DupGain <= 0 || rs[0].Speedup != 1 {
		t.Errorf("runs of the first configuration: %+v", rs[:3])
	}
	if l := ls[len(ls)-1]; l.Model != "b" || l.XbarRows != 64 || l.BusBytes != 32 || l.CoresBudget != 64 || !l.Duplicate ||
		l.Images != 2 || l.Scheme != "cyclic" {
		t.Errorf("last layer record %+v", l)
	}
}

// Each layer record names its run: with one image the duplicated run is
// the last step of netsim's duplication search, marked duplicated too.
func TestRunNetworksLayersNameTheirRun(t *testing.T) {
	sp := networkSpec(t)
	sp.Xbars, sp.Buses, sp.Schemes = sp.Xbars[:1], sp.Buses[:1], sp.Schemes[:1]
	rs, ls, err := RunNetworks(context.Background(), sp, Network{Duplicate: true})
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for _, r := range rs {
		for n := 0; n < len(ls)/len(rs); n, k = n+1, k+1 {
			if l := ls[k]; l.Mode != r.Mode || l.Duplicate != r.Duplicate || l.Model != r.Model {
				t.Errorf("layer record %d (%s %s, duplicate %v) of run %s %s, duplicate %v", k, l.Model, l.Mode,
					l.Duplicate, r.Model, r.Mode, r.Duplicate)
			}
		}
	}
}

// The records do not depend on the number of workers.
func TestRunNetworksDeterministic(t *testing.T) {
	sp := networkSpec(t)
	sp.Workers = 1
	r1, l1, err := RunNetworks(context.Background(), sp, Network{})
	if err != nil {
		t.Fatal(err)
	}
	sp.Workers = 4
	r4, l4, err := RunNetworks(context.Background(), sp, Network{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r1, r4) || !reflect.DeepEqual(l1, l4) {
		t.Error("1 and 4 workers give different records")
	}
	if len(r1) != 16*2 {
		t.Errorf("%d records without duplication, want 32", len(r1))
	}
	// Keep leaves out configurations, the others as in the full grid:
	// model a on 64x64 only (its second crossbar: records 8..15).
	keep := func(model string, x Xbar) bool { return model == "a" && x.Rows == 64 }
	rk, _, err := RunNetworks(context.Background(), sp, Network{Keep: keep})
	if err != nil || !reflect.DeepEqual(rk, r1[8:16]) {
		t.Errorf("keep a on 64x64: %v\n%+v", err, rk)
	}
}

// Bad input: an image count out of range, and a budget the network does
// not fit without segments (the error names the configuration and is bad
// input); with segments it runs.
func TestRunNetworksBadInput(t *testing.T) {
	sp := networkSpec(t)
	if _, _, err := RunNetworks(context.Background(), sp, Network{Images: -1}); !errors.Is(err, netsim.ErrImages) {
		t.Errorf("images -1: %v", err)
	}
	sp.Cores = []int{8} // model a needs 10 cores for conv1 alone on 32x32
	_, _, err := RunNetworks(context.Background(), sp, Network{})
	if !errors.Is(err, place.ErrNoFit) || !netsim.IsBadInput(err) || !strings.Contains(err.Error(), "model a, crossbar 32x32") {
		t.Errorf("no fit: %v", err)
	}
	rs, _, err := RunNetworks(context.Background(), sp, Network{Segments: true})
	if err != nil || rs[0].Segments < 2 {
		t.Errorf("with segments: %v, %+v", err, rs)
	}
	if _, _, err := RunNetworks(context.Background(), Spec{}, Network{}); err == nil {
		t.Error("empty spec: no error")
	}
}
