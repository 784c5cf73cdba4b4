package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/sim"
)

// isaacTech is the shipped ISAAC technology file, relative to this package.
const isaacTech = "../../cim/energy/tech/isaac.json"

// TestTechFlag: sim, sweep and report take --tech; ISAAC's table prices
// the same run differently from the default technology, and both give
// positive energies whose classes add up.
func TestTechFlag(t *testing.T) {
	energyOf := func(args ...string) float64 {
		t.Helper()
		code, out, errs := cimkit(append([]string{"sim", "--model", "lenet5", "--layer", "conv2", "--format", "csv"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		rs, err := sim.ReadCSV(strings.NewReader(out))
		if err != nil || len(rs) != 1 {
			t.Fatalf("%v: %v", args, err)
		}
		r := rs[0]
		sum := r.EnergyXbarPJ + r.EnergyADCPJ + r.EnergyDigitPJ + r.EnergyMemPJ + r.EnergyBusPJ + r.EnergySyncPJ + r.EnergyStaticPJ
		if r.EnergyPJ <= 0 || r.AreaMM2 <= 0 || r.TOPSPerW <= 0 || strconv.FormatFloat(sum, 'g', 9, 64) != strconv.FormatFloat(r.EnergyPJ, 'g', 9, 64) {
			t.Fatalf("%v: energy %g (classes %g), area %g, TOPS/W %g", args, r.EnergyPJ, sum, r.AreaMM2, r.TOPSPerW)
		}
		return r.EnergyPJ
	}
	def, isaac := energyOf(), energyOf("--tech", isaacTech)
	if def == isaac {
		t.Errorf("--tech %s changed nothing: %g pJ", isaacTech, def)
	}
	if code, _, errs := cimkit("sweep", "--models", "lenet5", "--input", "32", "--xbar", "32", "--bus", "8",
		"--schemes", "linear", "--tech", isaacTech); code != 0 {
		t.Errorf("sweep --tech: exit %d: %s", code, errs)
	}
}

// TestTechFlagErrors: a bad technology file is a usage error (exit 2)
// naming the file and what is wrong.
func TestTechFlagErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	data, err := os.ReadFile(isaacTech)
	if err != nil {
		t.Fatal(err)
	}
	negative := write("neg.json", strings.Replace(string(data), `"power": "16 mW"`, `"power": "-16 mW"`, 1))
	wrongUnit := write("unit.json", strings.Replace(string(data), `"power": "16 mW"`, `"power": "16 mm2"`, 1))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sim", "--model", "lenet5", "--tech", negative}, "components.adc: power: \"-16 mW\" is negative"},
		{[]string{"sweep", "--models", "lenet5", "--tech", wrongUnit}, "power: \"16 mm2\" is an area"},
		{[]string{"sim", "--model", "lenet5", "--tech", write("empty.json", `{}`)}, "missing components crossbar"},
		{[]string{"sim", "--model", "lenet5", "--tech", write("unknown.json", `{"nodes": 3}`)}, "unknown field \"nodes\""},
		{[]string{"sim", "--model", "lenet5", "--tech", filepath.Join(dir, "none.json")}, "--tech " + filepath.Join(dir, "none.json") + ": no such file"},
		{[]string{"report", "--out", filepath.Join(dir, "r"), "--tech", negative}, "--tech " + negative},
	} {
		code, _, errs := cimkit(c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}
