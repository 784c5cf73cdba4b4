package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cimkit/cimkit/cim/arch"
	"github.com/cimkit/cimkit/cim/compile"
	"github.com/cimkit/cimkit/cim/mapping"
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
	// A layer over the core budget is a usage error (exit 2) naming the
	// need: the flags ask for a chip it cannot be compiled for.
	code, _, errs := cimkit("compile", "--model", "resnet18", "--layer", "layer4.0.conv2", "--xbar", "32x32", "--out", dir)
	if code != 2 || !strings.Contains(errs, "needs 2304 cores, arch has 1024") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// Issue 12 item 5: a second compile into the same folder removes the
// listings of cores the new layer does not have; other files stay.
func TestCompileRemovesStaleListings(t *testing.T) {
	dir := t.TempDir()
	compileInto := func(xbar string) {
		code, _, errs := cimkit("compile", "--model", "resnet18", "--input", "32", "--layer", "layer1.0.conv1",
			"--xbar", xbar, "--scheme", "linear", "--out", dir)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
	}
	compileInto("64x64") // 576 rows: 9 cores
	for _, keep := range []string{"notes.txt", "core07.asm", "core9.asm.bak"} {
		if err := os.WriteFile(filepath.Join(dir, keep), []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	compileInto("128x128") // 5 cores
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	want := "core0.asm core07.asm core1.asm core2.asm core3.asm core4.asm core9.asm.bak notes.txt"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("folder holds %s\nwant %s", got, want)
	}
}

// Issue 12 item 5: a layer whose listings would take gigabytes is refused
// before anything is written (ResNet-18 conv1 on 4x4 crossbars: 592 cores,
// about 53 million instructions), unless --force.
func TestCompileRefusesHugeOutput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, _, errs := cimkit("compile", "--model", "resnet18", "--layer", "conv1", "--xbar", "4", "--out", dir)
	if code != 2 || !strings.Contains(errs, "592 listings of about 1.") || !strings.Contains(errs, "--force") {
		t.Errorf("exit %d: %s", code, errs)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Errorf("wrote %d files", len(files))
	}
}

// The size estimate (exact counts of the first column block, bytes per
// instruction of core 0) is within 2% of what is written for a layer of
// several column blocks: layer1.0.conv1 at input 32 on 16x16 crossbars,
// 576 x 64 weights, PV 36 x PH 4 = 144 cores.
func TestCompileEstimate(t *testing.T) {
	net, err := loadModel("resnet18", 32)
	if err != nil {
		t.Fatal(err)
	}
	a := arch.Default()
	a.XbarRows, a.XbarCols = 16, 16
	m, err := mapping.Map(net.Layer("layer1.0.conv1"), a)
	if err != nil {
		t.Fatal(err)
	}
	p, err := compile.Compile(m, a, compile.Cyclic)
	if err != nil {
		t.Fatal(err)
	}
	bytes, instrs, err := estimateListings(p)
	if err != nil {
		t.Fatal(err)
	}
	var cw countWriter
	for c := 0; c < p.Cores(); c++ {
		if err := p.Listing(c, &cw); err != nil {
			t.Fatal(err)
		}
	}
	if p.Cores() != 144 || math.Abs(bytes/float64(cw.bytes)-1) > 0.02 || math.Abs(instrs/float64(cw.instrs)-1) > 0.02 {
		t.Errorf("%d cores: estimate %.0f B, %.0f instructions; written %d B, %d instructions", p.Cores(), bytes, instrs, cw.bytes, cw.instrs)
	}
}
