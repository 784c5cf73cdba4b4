package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/energy"
)

// preambleOf returns the '#' lines a CSV opens with.
func preambleOf(csv string) []string {
	var out []string
	for _, l := range strings.Split(csv, "\n") {
		if !strings.HasPrefix(l, "#") {
			break
		}
		out = append(out, l)
	}
	return out
}

// Results CSVs of sim, sweep and net did not say what chip they were
// simulated on: two runs with different --arch files gave files that
// could not be told apart. Each now opens with the command line, the
// chip's arch JSON, the simulator's options and the technology; plot --in
// reads such a file.
func TestResultsCSVName(t *testing.T) {
	dir := t.TempDir()
	slow := filepath.Join(dir, "slow chip.json")
	if err := os.WriteFile(slow, []byte(`{"mvm_cycles": 6400, "interconnect": "axi4"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	withSlow := func(a arch.Arch) arch.Arch { a.MVMCycles, a.Interconnect = 6400, arch.AXI4; return a }
	chip := func(xbar, bus, cores int, change func(arch.Arch) arch.Arch) string {
		a := arch.Default()
		a.XbarRows, a.XbarCols, a.BusBytes, a.Cores = xbar, xbar, bus, cores
		if change != nil {
			a = change(a)
		}
		return archJSON(t, a)
	}
	tech := "# tech: " + energy.Default().Name
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"sim", "--model", "lenet5", "--xbar", "32", "--format", "csv"}, []string{
			"# cimkit sim --model lenet5 --xbar 32 --format csv",
			"# arch: " + chip(32, 16, 1024, nil), "# simulator: arbiter=oldest blocking_mvm=no", tech}},
		{[]string{"sim", "--model", "lenet5", "--xbar", "32", "--format", "csv", "--arch", slow, "--arbiter", "rr"}, []string{
			"# cimkit sim --model lenet5 --xbar 32 --format csv --arch '" + slow + "' --arbiter rr",
			"# arch: " + chip(32, 16, 1024, withSlow), "# simulator: arbiter=rr blocking_mvm=no", tech}},
		{[]string{"sweep", "--models", "lenet5", "--xbar", "32", "--bus", "8", "--schemes", "linear", "--arch", slow}, []string{
			"# cimkit sweep --models lenet5 --xbar 32 --bus 8 --schemes linear --arch '" + slow + "'",
			"# chip: the arch below, with each row's crossbar, bus width, core budget and interconnect",
			"# arch: " + chip(64, 16, 1024, withSlow), "# simulator: arbiter=oldest blocking_mvm=no", tech}},
		{[]string{"net", "--model", "lenet5", "--xbar", "32", "--mode", "layer", "--format", "csv", "--bus", "8"}, []string{
			"# cimkit net --model lenet5 --xbar 32 --mode layer --format csv --bus 8",
			"# arch: " + chip(32, 8, 1024, nil), "# simulator: arbiter=oldest blocking_mvm=no", tech}},
	} {
		code, out, errs := cimkit(c.args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errs)
		}
		if got := preambleOf(out); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%v: preamble\n%s\nwant\n%s", c.args, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
		if c.args[0] == "net" {
			continue
		}
		in := filepath.Join(dir, c.args[0]+".csv")
		if err := os.WriteFile(in, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, _, errs := cimkit("plot", "--in", in, "--out", filepath.Join(dir, c.args[0]), "--format", "svg", "--size", "1col"); code != 0 {
			t.Errorf("plot --in a CSV of %s: exit %d: %s", c.args[0], code, errs)
		}
	}
	if code, out, _ := cimkit("sim", "--model", "lenet5", "--xbar", "32", "--format", "json"); code != 0 || !strings.HasPrefix(out, "[") {
		t.Errorf("JSON output: exit %d, starts %.20q", code, out)
	}
}

// archJSON is a's arch line as the preamble writes it.
func archJSON(t *testing.T, a arch.Arch) string {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"resnet18": "resnet18", "--xbar=32x32": "--xbar=32x32", "": "''", "my chip.json": "'my chip.json'",
		"it's": `'it'\''s'`, "$HOME": "'$HOME'", "a\nb": "'a\nb'", "ü": "'ü'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
