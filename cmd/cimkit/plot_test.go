package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sweepCSV writes a small results CSV (LeNet-5 conv layers on 32x32, one
// bus, sequential and linear) and returns its text.
func sweepCSV(t *testing.T) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "results.csv")
	code, _, errs := cimkit("sweep", "--models", "lenet5", "--input", "32", "--xbar", "32", "--bus", "16",
		"--schemes", "sequential,linear", "--out", file)
	if code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// Issue 12 item 1: a model named "/../../x" in a shared results CSV made
// "plot --in" write x_1col.svg two folders above --out. Every figure now
// lands inside --out, under a safe name.
func TestPlotModelNameCannotEscape(t *testing.T) {
	base := t.TempDir()
	out := filepath.Join(base, "a", "b", "figs")
	csv := strings.ReplaceAll(sweepCSV(t), "lenet5,", "/../../../x,")
	in := filepath.Join(base, "shared.csv")
	if err := os.WriteFile(in, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, errs := cimkit("plot", "--in", in, "--out", out, "--format", "svg", "--size", "1col")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var inside int
	err := filepath.Walk(base, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || p == in {
			return err
		}
		if filepath.Dir(p) != out {
			t.Errorf("wrote %s outside --out %s", p, out)
		}
		inside++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if inside != 7 || !strings.Contains(stdout, filepath.Join(out, "speedup__x_1col-")) { // with the 3 energy figures
		t.Errorf("%d figures inside --out; stdout:\n%s", inside, stdout)
	}
}
