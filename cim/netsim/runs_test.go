package netsim

import (
	"reflect"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/netprog"
	"github.com/cimkit/cimkit/cim/zoo"
)

// Runs: no mode is Compare; one mode runs it plain and duplicated, the
// duplicated run's gain over the plain one.
func TestRuns(t *testing.T) {
	net, err := zoo.Get("lenet5", 32)
	if err != nil {
		t.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols = 32, 32
	cfg := Config{Arch: a, Scheme: compile.Linear, Images: 1, Duplicate: true}
	both, err := Runs(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cmp, err := Compare(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(both) != len(cmp) {
		t.Fatalf("Runs without a mode made %d runs, Compare %d", len(both), len(cmp))
	}
	for i := range cmp {
		if !reflect.DeepEqual(both[i].Result, cmp[i].Result) {
			t.Fatalf("Runs without a mode is not Compare: run %d differs", i)
		}
	}
	cfg.Mode = netprog.Pipelined
	one, err := Runs(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(one) != 2 {
		t.Fatalf("pipelined with duplication: %d runs, want 2 (plain, duplicated)", len(one))
	}
	p, d := one[0].Result, one[1].Result
	if p.Duplicate || !d.Duplicate || p.Mode != "pipelined" ||
		d.DupGain != float64(p.LatencyCycles)/float64(d.LatencyCycles) || p.LatencyCycles != cmp[1].Result.LatencyCycles {
		t.Errorf("pipelined with duplication: %+v\n%+v", p, d)
	}
}
