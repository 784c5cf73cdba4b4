package main

import (
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/sim"
)

// TestInterconnectFlag: sim runs the chip on the interconnect of
// --interconnect (recorded in the interconnect column; AXI4, with its read
// and write channels side by side, ends lenet5's conv2 on a 4-byte bus
// sooner than the shared bus); sweep takes a list and returns each
// interconnect's records in turn; a bad name, and a list where one chip is
// simulated, are usage errors (exit 2).
func TestInterconnectFlag(t *testing.T) {
	cycles := map[string]int64{}
	for _, ic := range []string{"shared", "axi4"} {
		code, out, errs := cimkit("sim", "--model", "lenet5", "--layer", "conv2", "--xbar", "32", "--bus", "4",
			"--interconnect", ic, "--format", "csv")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", ic, code, errs)
		}
		rs, err := sim.ReadCSV(strings.NewReader(out))
		if err != nil || len(rs) != 1 || rs[0].Interconnect != ic {
			t.Fatalf("%s: %v %+v", ic, err, rs)
		}
		cycles[ic] = rs[0].Cycles
	}
	if cycles["axi4"] >= cycles["shared"] {
		t.Errorf("conv2 on a 4 B bus: AXI4 %d cycles, shared bus %d", cycles["axi4"], cycles["shared"])
	}
	code, out, errs := cimkit("sweep", "--models", "lenet5", "--xbar", "32", "--bus", "4", "--schemes", "linear",
		"--interconnect", "shared,axi4")
	if code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, errs)
	}
	rs, err := sim.ReadCSV(strings.NewReader(out))
	if err != nil || len(rs) != 10 || rs[0].Interconnect != "shared" || rs[9].Interconnect != "axi4" {
		t.Fatalf("sweep: %v, %d records", err, len(rs))
	}
	for _, args := range [][]string{
		{"sim", "--model", "lenet5", "--interconnect", "pci"},
		{"sim", "--model", "lenet5", "--interconnect", "shared,axi4"},
		{"sweep", "--models", "lenet5", "--interconnect", "axi4,"},
		{"report", "--interconnect", "ahb", "--out", t.TempDir()},
	} {
		if code, _, errs := cimkit(args...); code != 2 || !strings.Contains(errs, "--interconnect") {
			t.Errorf("%v: exit %d, %q; want 2 naming --interconnect", args, code, errs)
		}
	}
}
