package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/sim"
)

func TestSimModelCSV(t *testing.T) {
	code, out, errs := cimkit("sim", "--model", "lenet5", "--xbar", "32x32", "--bus", "8", "--scheme", "cyclic", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rs, err := sim.ReadCSV(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 6 || rs[5].Layer != sim.TotalLayer { // 5 conv/dense layers and the total
		t.Fatalf("%d records: %+v", len(rs), rs)
	}
	// conv2: 150 rows on 32-row crossbars, PV 5; 16 filters, PH 1.
	if r := rs[1]; r.Layer != "conv2" || r.PV != 5 || r.Cores != 5 || r.Vectors != 100 || !r.Fits ||
		r.Speedup <= 1 || r.Speedup > 5.1 || r.Scheme != "cyclic" || r.BusBytes != 8 {
		t.Errorf("conv2: %+v", r)
	}
}

func TestSimLayerTraceJSON(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "trace.csv")
	code, out, errs := cimkit("sim", "--model", "lenet5", "--layer", "conv2", "--xbar", "32", "--scheme", "linear",
		"--trace", trace, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rs []sim.Result
	if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs) != 1 || rs[0].Layer != "conv2" {
		t.Fatalf("JSON %v: %s", err, out)
	}
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if lines[0] != "core,start,end,class" || len(lines) < 500 || !strings.Contains(string(data), ",mvm\n") {
		t.Errorf("trace: %d lines, starting %q", len(lines), lines[:2])
	}
}

func TestSimTable(t *testing.T) {
	code, out, _ := cimkit("sim", "--model", "lenet5", "--layer", "fc1", "--xbar", "64x64", "--cores", "4")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	// fc1: 400 rows x 120 on 64x64 needs 7 x 2 = 14 cores, more than 4.
	if code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "layer") || strings.Fields(lines[1])[2] != "false" {
		t.Errorf("exit %d, output\n%s", code, out)
	}
}

func TestSimUsageErrors(t *testing.T) {
	cases := map[string][]string{
		"--bus 0":         {"sim", "--model", "lenet5", "--bus", "0"},
		"--scheme":        {"sim", "--model", "lenet5", "--scheme", "zigzag"},
		"--trace needs":   {"sim", "--model", "lenet5", "--trace", "x.csv"},
		"--layer \"pool1": {"sim", "--model", "lenet5", "--layer", "pool1"},
		"--xbar":          {"sim", "--model", "lenet5", "--xbar", "0x4"},
		"--arbiter":       {"sim", "--model", "lenet5", "--arbiter", "lottery"},
		"--model is":      {"sim"},
		"--format":        {"sim", "--model", "lenet5", "--format", "xml"},
		"empty list":      {"sweep", "--models", "lenet5", "--bus", ""},
		"not a positive":  {"sweep", "--models", "lenet5", "--bus", "4,,8"},
		"empty model":     {"sweep", "--models", "lenet5,"},
		"unknown --model": {"sweep", "--models", "lenet6"},
		"--schemes":       {"sweep", "--models", "lenet5", "--schemes", "fast"},
		"--format \"xml":  {"sweep", "--models", "lenet5", "--format", "xml"},
	}
	for want, args := range cases {
		code, _, errs := cimkit(args...)
		if code != 2 || !strings.Contains(errs, want) {
			t.Errorf("%v: exit %d, stderr %q (want 2 and %q)", args, code, errs, want)
		}
	}
	// A bad --arch file is a usage error naming the field.
	f := filepath.Join(t.TempDir(), "arch.json")
	if err := os.WriteFile(f, []byte(`{"mvm_cycles": 0}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := cimkit("sim", "--model", "lenet5", "--arch", f); code != 2 || !strings.Contains(errs, "mvm_cycles") {
		t.Errorf("--arch with mvm_cycles 0: exit %d, %q", code, errs)
	}
}

func TestSweepCSVFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "results.csv")
	code, stdout, errs := cimkit("sweep", "--models", "lenet5", "--input", "32", "--xbar", "32,64", "--bus", "4,16",
		"--schemes", "sequential,cyclic", "--cores", "4,1024", "--out", out)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, errs)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rs, err := sim.ReadCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2*2*2*2*5 { // xbars x buses x budgets x schemes x layers
		t.Fatalf("%d records", len(rs))
	}
	if r := rs[0]; r.Model != "lenet5" || r.XbarRows != 32 || r.BusBytes != 4 || r.CoresBudget != 4 || r.Scheme != "sequential" || r.Layer != "conv1" {
		t.Errorf("first record %+v", r)
	}
	if !strings.Contains(errs, "80 records") {
		t.Errorf("stderr %q", errs)
	}
}
