package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/netsim"
	"github.com/cimkit/cimkit/cim/sim"
)

// sweep --network writes one record per run (layer, pipelined, duplicated)
// and, with --layers-out, the layers of every run; the records are those
// of cimkit net for the same configuration.
func TestSweepNetwork(t *testing.T) {
	dir := t.TempDir()
	out, layers := filepath.Join(dir, "net.csv"), filepath.Join(dir, "layers.csv")
	code, _, errs := cimkit("sweep", "--network", "--duplicate", "--models", "lenet5", "--input", "32", "--xbar", "32,64",
		"--bus", "16", "--schemes", "linear", "--out", out, "--layers-out", layers)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs := readCSV(t, out)
	if strings.Join(recs[0], ",") != strings.Join(netsim.Columns(), ",") || len(recs) != 1+2*3 {
		t.Fatalf("%d records, header %v", len(recs)-1, recs[0])
	}
	// lenet5: 5 crossbar and 2 pool layers per run.
	if ls := readCSV(t, layers); strings.Join(ls[0], ",") != strings.Join(netsim.LayerColumns(), ",") || len(ls) != 1+6*7 {
		t.Errorf("%d layer records, header %v", len(ls)-1, ls[0])
	}
	code, native, errs := cimkit("net", "--model", "lenet5", "--input", "32", "--xbar", "64", "--bus", "16",
		"--scheme", "linear", "--duplicate", "--format", "json")
	var want []netsim.Result
	if code != 0 || json.Unmarshal([]byte(native), &want) != nil || len(want) != 3 {
		t.Fatalf("cimkit net: exit %d: %s\n%s", code, errs, native)
	}
	for i, w := range want {
		if got := strings.Join(recs[4+i], ","); got != strings.Join(w.Strings(), ",") {
			t.Errorf("run %d:\n sweep %s\n   net %s", i, got, strings.Join(w.Strings(), ","))
		}
	}
}

// Network flags without --network, --totals with it, a bad image count and
// a network that does not fit without --segments are usage errors.
func TestSweepNetworkBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--images", "2"}, "--images: only with --network"},
		{[]string{"--duplicate", "--segments"}, "--duplicate, --segments: only with --network"},
		{[]string{"--network", "--totals"}, "--totals"},
		{[]string{"--network", "--images", "0"}, "--images 0"},
		{[]string{"--network", "--cores", "2"}, "--segments"},
	} {
		args := append([]string{"sweep", "--models", "lenet5", "--input", "32", "--xbar", "32", "--bus", "16",
			"--schemes", "linear"}, tc.args...)
		code, _, errs := cimkit(args...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %q (want 2 and %q)", tc.args, code, errs, tc.want)
		}
	}
}

// readCSV reads the records of a CSV file of sweep --network, which opens
// with the sweep's preamble (its command line and chip).
func readCSV(t *testing.T, file string) [][]string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "# cimkit sweep ") || !strings.Contains(string(b), "\n# arch: {") {
		t.Errorf("%s has no preamble naming the sweep and its chip:\n%.300s", file, b)
	}
	recs, err := csv.NewReader(sim.SkipPreamble(bytes.NewReader(b))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// cimkit plot draws the network figures from sweep --network's records.
func TestPlotNetwork(t *testing.T) {
	dir := t.TempDir()
	out, layers := filepath.Join(dir, "net.csv"), filepath.Join(dir, "layers.csv")
	code, _, errs := cimkit("sweep", "--network", "--models", "lenet5", "--input", "32", "--xbar", "32,64",
		"--bus", "16", "--schemes", "linear", "--out", out, "--layers-out", layers)
	if code != 0 {
		t.Fatalf("sweep exit %d: %s", code, errs)
	}
	code, files, errs := cimkit("plot", "--network", out, "--network-layers", layers, "--out", dir, "--format", "svg", "--size", "1col")
	want := filepath.Join(dir, "network_speedup_1col.svg") + "\n" + filepath.Join(dir, "network_timeline_lenet5_64_1col.svg") + "\n"
	if code != 0 || files != want {
		t.Errorf("plot: exit %d, %q %s, want %q", code, files, errs, want)
	}
	code, _, errs = cimkit("plot", "--network", layers, "--out", dir)
	if code != 1 || !strings.Contains(errs, "layers.csv: missing network columns") {
		t.Errorf("layer records as --network: exit %d, %s", code, errs)
	}
	code, _, errs = cimkit("plot", "--network-layers", filepath.Join(dir, "none.csv"), "--out", dir)
	if code != 2 || !strings.Contains(errs, "--network-layers") {
		t.Errorf("missing file: exit %d, %s", code, errs)
	}
}

// cimkit report --network names runs within --models and --xbar, or none.
func TestReportNetworkFlag(t *testing.T) {
	for _, tc := range []struct{ arg, want string }{
		{"resnet18", "--network: \"resnet18\": want MODEL@XBAR"},
		{"mobilenet_v1@128", "--network mobilenet_v1@128: not among --models and --xbar"},
		{"resnet18@64", "--network resnet18@64: not among --models and --xbar"},
	} {
		code, _, errs := cimkit("report", "--models", "resnet18", "--xbar", "128", "--network", tc.arg, "--out", t.TempDir())
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("--network %s: exit %d, %q, want 2 and %q", tc.arg, code, errs, tc.want)
		}
	}
	dir := t.TempDir()
	code, _, errs := cimkit("report", "--models", "resnet18", "--xbar", "128", "--bus", "64", "--schemes", "sequential,cyclic",
		"--format", "svg", "--network", "none", "--out", dir, "--quiet")
	if _, err := os.Stat(filepath.Join(dir, "network.csv")); code != 0 || !os.IsNotExist(err) {
		t.Errorf("--network none: exit %d, %s, network.csv: %v", code, errs, err)
	}
}
