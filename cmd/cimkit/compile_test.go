package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCompileWritesListings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errs := cimkit("compile", "--model", "resnet18", "--input", "32", "--layer", "layer1.0.conv1",
		"--xbar", "64x64", "--scheme", "linear", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// 576 rows on 64x64: PV = 9 cores, 64 vectors.
	if !strings.Contains(out, "9 cores (PV 9, PH 1)") || !strings.Contains(out, "core8.asm") {
		t.Errorf("summary: %s", out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "core*.asm"))
	if len(files) != 9 {
		t.Fatalf("%d files, want 9", len(files))
	}
	data, err := os.ReadFile(filepath.Join(dir, "core0.asm"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	if !strings.HasPrefix(s, `; layer "layer1.0.conv1" (conv2d 64x8x8 -> 64x8x8), scheme linear`) || !strings.Contains(s, "CALL core1, 64 ; v=63") {
		t.Errorf("core0.asm:\n%.600s", s)
	}
}

func TestCompileUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"compile", "--model", "resnet18", "--layer", "conv1"},
		{"compile", "--model", "resnet18", "--out", dir},
		{"compile", "--model", "resnet18", "--layer", "nope", "--out", dir},
		{"compile", "--model", "resnet18", "--layer", "conv1", "--out", dir, "--scheme", "ring"},
		{"compile", "--model", "resnet18", "--layer", "conv1", "--out", dir, "--xbar", "64y"},
		{"compile", "--model", "nope", "--layer", "conv1", "--out", dir},
	} {
		if code, _, errs := cimkit(args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
	// A layer over the core budget is an error (exit 1) naming the need.
	code, _, errs := cimkit("compile", "--model", "resnet18", "--layer", "layer4.0.conv2", "--xbar", "32x32", "--out", dir)
	if code != 1 || !strings.Contains(errs, "needs 2304 cores, arch has 1024") {
		t.Errorf("exit %d: %s", code, errs)
	}
}
